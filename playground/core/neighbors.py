"""Nearest tokens in an embedding table by cosine similarity, and a 2D PCA picture of them.

A word is split into tokens; its query vector is either each piece's row of the table or the mean
of the rows (the caller chooses). Every row of the table is scored against the query by cosine
similarity and the top k are returned, the query's own tokens excluded. The table is the input
embedding (`embed_tokens`) or, for models that do not tie them, the output embedding (`lm_head`).

Speed: the normalized table (every row scaled to length 1) is computed once per loaded model and
kept as long as that model lives, so a query is one matrix-vector product, a top-k and a small
PCA. The price is a second copy of the table in the model's dtype (113 MB for SmolLM2-135M in
float32, 933 MB for Qwen2.5-1.5B's 151936 x 1536), made only when this view is first used.
Keeping only 1/||row|| would save that memory but costs one more pass over V scores per query,
which on a busy 2-core machine is as slow as the product itself.

Not here: contextual (hidden-state) neighbours, or anything about how tokens are used in text.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

import torch

# token_text lives in core/tokens.py (how every tab shows a token); core/layers still imports it from here.
from playground.core.tokens import byte_pieces, check_text, show_piece, token_text
from playground.errors import InputError

SPACES = ("input", "output")
MODES = ("each", "mean")
# A word or a short phrase: in "each" mode every piece gets its own neighbour list and chart.
MAX_PIECES = 16


# --------------------------------------------------------------------------- the kept normalized table


@dataclass
class _Table:
    unit: torch.Tensor  # (V, d_model) in the model's dtype: each row / ||row|| (all-zero rows stay 0)


_CACHE: dict[tuple[int, str], _Table] = {}
_CACHE_LOCK = threading.Lock()


def _normalized(weight: torch.Tensor, rows: int = 16384) -> torch.Tensor:
    """Rows scaled to unit length, norms taken in float32, in chunks so that a 16-bit table is never
    copied whole to float32 (a transient 933 MB for a 152k x 1536 table)."""
    out = torch.empty_like(weight)  # (V, d_model)
    for start in range(0, weight.shape[0], rows):
        chunk = weight[start : start + rows].float()  # (rows, d_model)
        out[start : start + rows] = torch.nn.functional.normalize(chunk, dim=1).to(weight.dtype)
    return out


def _table(lm: Any, space: str) -> _Table:
    """The table of `space` with its inverse row norms, computed once per loaded model.

    Keyed by the identity of the model object; a finalizer drops the entry when the loader lets
    the model go, so the cache never keeps a dropped model's table alive.
    """
    model = lm.model
    if space == "output" and is_tied(lm):
        space = "input"  # one table: keep one normalized copy
    key = (id(model), space)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            return found
    emb = model.get_input_embeddings() if space == "input" else model.get_output_embeddings()
    if emb is None or getattr(emb, "weight", None) is None:
        raise InputError(f"'{lm.name}' has no {space} embedding table to search.")
    with torch.inference_mode():
        table = _Table(_normalized(emb.weight.detach()))
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = table
            weakref.finalize(model, _CACHE.pop, key, None)
        return _CACHE[key]


def is_tied(lm: Any) -> bool:
    """True when lm_head shares its weight with the input embedding (one table, one space)."""
    out = lm.model.get_output_embeddings()
    return out is None or out.weight is lm.model.get_input_embeddings().weight


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Neighbor:
    token_id: int
    text: str  # what the token reads as (see token_text)
    similarity: float  # cosine similarity to the query vector, in [-1, 1]


@dataclass(frozen=True)
class NeighborGroup:
    """One query vector (a piece, or the mean of all pieces) and its nearest tokens."""

    label: str  # 'apple', or 'mean of 4 pieces'
    token_ids: tuple[int, ...]  # the tokens whose rows make the query vector (excluded from neighbours)
    neighbors: tuple[Neighbor, ...]  # best first


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    group: int  # index into NeighborsResult.groups
    is_query: bool


@dataclass(frozen=True)
class NeighborsResult:
    query: str
    space: str  # "input" (embed_tokens) or "output" (lm_head)
    mode: str  # "each" piece or their "mean"
    tied: bool  # the model ties lm_head to embed_tokens: both spaces are the same table
    vocab_size: int
    d_model: int
    pieces: tuple[tuple[int, str], ...]  # (token id, text) of each piece of the query
    groups: tuple[NeighborGroup, ...]
    points: tuple[Point, ...]  # 2D PCA of the unit-length query vectors and their neighbours
    explained_variance: tuple[float, float]  # share of variance the two PCA axes keep
    # Indices into `pieces` of byte pieces (parts of a character's UTF-8 bytes, e.g. '<0xE8>'): their rows
    # stand for a byte shared by thousands of characters, so their neighbours (and a mean with them) say
    # little about the word. The tab warns when this is not empty.
    byte_pieces: tuple[int, ...] = ()


def _pieces(tokenizer: Any, word: str) -> list[int]:
    from playground import config

    check_text(word, config.settings().limits.max_input_chars, what="word")
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if not ids:
        raise InputError(f"'{word}' gives no tokens.")
    if len(ids) > MAX_PIECES:
        raise InputError(
            f"'{word[:40]}' splits into {len(ids)} tokens; a word or short phrase of at most "
            f"{MAX_PIECES} tokens is accepted."
        )
    return [int(i) for i in ids]


def _top(table: _Table, query: torch.Tensor, exclude: list[int], k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices and cosines of the k rows nearest to `query`, without the rows in `exclude`."""
    q = query.float()
    q = (q / q.norm().clamp_min(1e-12)).to(table.unit.dtype)  # (d_model,), unit length
    scores = table.unit @ q  # (V,) cosine similarities
    scores[exclude] = float("-inf")
    vals, idx = torch.topk(scores, k)  # (k,), (k,)
    return vals, idx


def _pca(vectors: torch.Tensor) -> tuple[Any, tuple[float, float]]:
    """Rows -> (n, 2) coordinates with scikit-learn's PCA, and the explained variance ratios."""
    import numpy as np
    from sklearn.decomposition import PCA  # type: ignore[import-untyped]

    x = vectors.float().cpu().numpy()  # (n, d_model)
    if x.shape[0] < 3:  # PCA needs two axes of variation; pad with zeros to draw 1-2 points
        return np.zeros((x.shape[0], 2)), (0.0, 0.0)
    pca = PCA(n_components=2, random_state=0)
    xy = pca.fit_transform(x)  # (n, 2)
    ratio = pca.explained_variance_ratio_
    return xy, (float(ratio[0]), float(ratio[1]))


def neighbors(lm: Any, word: str, k: int = 10, mode: str = "mean", space: str = "input") -> NeighborsResult:
    """The k tokens nearest to `word` by cosine similarity in the `space` embedding table.

    'apple' (SmolLM2) -> one piece; its neighbours exclude 'apple' itself.
    '蘋果' -> four byte-level pieces; mode='each' gives four lists, mode='mean' one.
    """
    from playground import config

    if mode not in MODES:
        raise InputError(f"Unknown mode '{mode}'. Choose one of: {', '.join(MODES)}.")
    if space not in SPACES:
        raise InputError(f"Unknown space '{space}'. Choose one of: {', '.join(SPACES)}.")
    cap = config.settings().limits.max_top_k
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise InputError(f"k must be a whole number from 1 to {cap}, not '{k}'.") from None
    if not 1 <= k <= cap:
        raise InputError(f"k must be from 1 to {cap}, not {k}.")
    ids = _pieces(lm.tokenizer, word)
    table = _table(lm, space)
    vocab, d_model = table.unit.shape
    k = min(k, vocab - len(set(ids)))
    tok = lm.tokenizer
    with torch.inference_mode():
        emb = (lm.model.get_input_embeddings() if space == "input" else lm.model.get_output_embeddings()).weight
        rows = emb[torch.tensor(ids, device=emb.device)].float()  # (pieces, d_model), raw rows
        if mode == "each":
            queries = [(token_text(tok, i), [i], rows[n]) for n, i in enumerate(ids)]
        else:
            label = token_text(tok, ids[0]) if len(ids) == 1 else f"mean of {len(ids)} pieces"
            queries = [(label, sorted(set(ids)), rows.mean(dim=0))]
        groups: list[NeighborGroup] = []
        vectors: list[torch.Tensor] = []  # unit-length rows for the PCA: each query, then its neighbours
        owners: list[tuple[int, bool, str]] = []
        for g, (label, own, q) in enumerate(queries):
            vals, idx = _top(table, q, own, k)
            found = tuple(Neighbor(int(i), token_text(tok, int(i)), float(v)) for v, i in zip(vals, idx))
            groups.append(NeighborGroup(label, tuple(own), found))
            vectors.append(q / q.norm().clamp_min(1e-12))
            owners.append((g, True, label))
            vectors.extend(table.unit[idx].float())  # (k, d_model), unit rows
            owners.extend((g, False, n.text) for n in found)
        xy, ratio = _pca(torch.stack(vectors))
    points = tuple(Point(float(x), float(y), label, g, is_q) for (x, y), (g, is_q, label) in zip(xy, owners))
    return NeighborsResult(
        word,
        space,
        mode,
        is_tied(lm),
        int(vocab),
        int(d_model),
        tuple((i, token_text(tok, i)) for i in ids),
        tuple(groups),
        points,
        ratio,
        tuple(byte_pieces(tok, ids)),
    )


def query_kind(r: NeighborsResult) -> str:
    """How the query vector was made, for the summary: "mean" of several pieces, "each" piece's own
    vector, or the one piece's "row"."""
    return "row" if len(r.pieces) == 1 else r.mode


def is_mean_group(r: NeighborsResult) -> bool:
    """True when the one group is the mean of several pieces (its label 'mean of 4 pieces' is worded by the tab)."""
    return r.mode == "mean" and len(r.pieces) > 1


def table_rows(r: NeighborsResult) -> list[tuple[int, int, int, str, float]]:
    """One row per neighbour: (group index, rank from 1, token id, text as shown, cosine to 4 places)."""
    return [
        (g, n + 1, x.token_id, show_piece(x.text), round(x.similarity, 4))
        for g, group in enumerate(r.groups)
        for n, x in enumerate(group.neighbors)
    ]


def to_json(r: NeighborsResult) -> dict[str, Any]:
    """The API's JSON result (documented in the README)."""
    return {
        "query": r.query,
        "space": r.space,
        "mode": r.mode,
        "tied": r.tied,
        "vocab_size": r.vocab_size,
        "d_model": r.d_model,
        "pieces": [{"id": i, "text": s} for i, s in r.pieces],
        "byte_pieces": list(r.byte_pieces),
        "groups": [
            {
                "label": g.label,
                "token_ids": list(g.token_ids),
                "neighbors": [
                    {"id": n.token_id, "text": n.text, "similarity": round(n.similarity, 6)} for n in g.neighbors
                ],
            }
            for g in r.groups
        ],
        "pca": {
            "explained_variance": [round(v, 6) for v in r.explained_variance],
            "points": [
                {"x": round(p.x, 6), "y": round(p.y, 6), "label": p.label, "group": p.group, "query": p.is_query}
                for p in r.points
            ],
        },
    }


def code_for(model_id: str, word: str, k: int, mode: str, space: str) -> str:
    """Plain transformers (+ scikit-learn) code that reproduces the Embedding Neighbors view."""
    table = "model.get_input_embeddings()" if space == "input" else "model.get_output_embeddings()"
    if mode == "mean":
        search = f"""query = F.normalize(table[ids].mean(dim=0), dim=0)  # the mean of the pieces, length 1
scores = unit @ query                              # (vocab,) cosine similarities
scores[ids] = -float("inf")                        # not the word itself
top = scores.topk({int(k)})
for s, i in zip(top.values, top.indices):
    print(f"{{tokenizer.decode([i])!r:>15}} {{s:.4f}}")
xy = PCA(n_components=2).fit_transform(torch.cat([query[None], unit[top.indices]]).numpy())  # 2D picture"""
    else:
        search = f"""for piece in ids:                                  # one search per piece
    scores = unit @ unit[piece]                    # (vocab,) cosine similarities
    scores[piece] = -float("inf")                  # not the piece itself
    top = scores.topk({int(k)})
    print(repr(tokenizer.decode([piece])), [(tokenizer.decode([i]), round(s.item(), 4))
                                           for s, i in zip(top.values, top.indices)])
    xy = PCA(n_components=2).fit_transform(unit[[piece, *top.indices.tolist()]].numpy())  # 2D picture"""
    return f"""import torch
import torch.nn.functional as F
from sklearn.decomposition import PCA
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
model = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)

table = {table}.weight.detach()   # (vocab, d_model)
unit = F.normalize(table, dim=1)                   # computed once: every row has length 1
ids = tokenizer({word!r}, add_special_tokens=False).input_ids
print([tokenizer.decode([i]) for i in ids])        # how the word splits into tokens
{search}
"""
