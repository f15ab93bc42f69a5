"""Retrieval-augmented generation over a small shipped document set, with the loaded model as its own embedder.

The documents (playground/data/rag_docs.json) describe Quellmark, a country invented for this tab, in English
and Traditional Chinese, so a model cannot know the answers beforehand. They are cut into chunks (sentences
packed up to CHUNK_CHARS), each embedded as the mean over its tokens of one layer's hidden states (EMBED_LAYER,
as a fraction of the depth; each token's state at unit length, the first token left out: see `embed`), centred
on the chunks' mean and compared with the question's embedding by cosine similarity. The chunk embeddings are
computed once per loaded model (a bounded cache that forgets a model when the loader drops it); a question then
costs one forward pass over its own few tokens.

`retrieve(lm, question, k)` ranks the chunks; `augmented_prompt(...)` puts the best ones in the system prompt;
`fact_probability(...)` is the probability the model gives a labelled answer's tokens after its stem, so the
effect of retrieval is a number, not an impression; `evaluate(lm)` is hit@1 / hit@3 on the labelled questions.

Not here: generating the answers (playground.core.generate, called by playground.core.rag_answer), words.
"""

from __future__ import annotations

import json
import re
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.core import chat
from playground.core.validation import check_text, number
from playground.errors import InputError

if TYPE_CHECKING:
    import torch

    from playground.loader import LoadedModel

DATA = Path(__file__).parents[1] / "data" / "rag_docs.json"
CHUNK_CHARS = 160  # a chunk holds whole sentences up to this many characters (one fact, about 30-40 tokens)
# Which hidden state to pool, as a fraction of n_layers. Measured on the labelled questions with SmolLM2-135M (30
# layers): hit@1 is 12/16 at every layer from 6 to 10 and falls to 7-9/16 past the middle; 8 is inside that plateau.
EMBED_LAYER = 0.27
EMBED_BATCH = 16  # chunks per forward pass when the index is built
MAX_INDEXES = 4  # models whose chunk embeddings are kept at once (each: chunks x d_model floats, ~170 KB)
MAX_K = 8
# Chunks put in the prompt by default: one. On the 16 labelled questions the best chunk alone gives the key fact
# the same probability as three (mean 0.34 vs 0.33 on SmolLM2-135M) in a prompt ~70 tokens shorter, and a prompt's
# prefill is what a RAG answer costs over a plain one on a CPU. The chart still shows the top RANKED.
DEFAULT_K = 1
RANKED = 5  # chunks shown in the ranking (those past k are shown, not put in the prompt)
SYSTEM = "Answer the question using the context below. Answer in one short sentence.\n\nContext:\n"
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")  # "3.2 million" is not cut


@dataclass(frozen=True)
class Chunk:
    id: str  # "<topic>/<lang>/<n>": the topic is what a labelled question is scored against
    topic: str
    lang: str  # "en" or "zh"
    text: str


@dataclass(frozen=True)
class Question:
    q: str
    topic: str  # the topic whose chunks answer it
    stem: str  # the answer's start, after which the fact's probability is read
    fact: str  # the key fact, as it continues the stem (" Tavrin")


def chunk_text(text: str, max_chars: int = CHUNK_CHARS) -> list[str]:
    """Whole sentences packed up to `max_chars` (a longer sentence stays whole): 'A. B.' with 3 -> ['A.', 'B.']."""
    out: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE.split(text)):
        if not sentence:
            continue
        if out and len(out[-1]) + 1 + len(sentence) <= max_chars:
            out[-1] += ("" if sentence[0] > "\u2e7f" else " ") + sentence  # CJK sentences join without a space
        else:
            out.append(sentence)
    return out


@cache
def corpus() -> tuple[tuple[Chunk, ...], tuple[Question, ...]]:
    """The shipped chunks (English and Chinese of every topic) and the labelled questions."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    chunks = [
        Chunk(f"{d['topic']}/{lang}/{i}", d["topic"], lang, piece)
        for d in raw["documents"]
        for lang in ("en", "zh")
        for i, piece in enumerate(chunk_text(d[lang]))
    ]
    return tuple(chunks), tuple(Question(**q) for q in raw["questions"])


def layer_index(lm: LoadedModel, fraction: float = EMBED_LAYER) -> int:
    """hidden_states index pooled for embeddings: 0 is the embedding output, n_layers the last layer's."""
    return max(1, round(fraction * lm.model.config.num_hidden_layers))


def embed(lm: LoadedModel, texts: list[str], layer: int) -> torch.Tensor:
    """Mean-pooled hidden states of `layer` for each text: (len(texts), d_model) float32.

    Each token's state is scaled to unit length and the first token is left out of the mean: in the middle layers
    the first position is an attention sink whose state is many times longer than the others', and a plain mean
    is then nearly the same vector for every text (SmolLM2, layers 12-29: hit@1 0-1 of 16 with a plain mean,
    8-12 without that token). Texts are padded on the right and the mask keeps padding out; a causal model's
    states of the real tokens do not see the padding, so a text's vector does not depend on its batch."""
    import torch

    tok = lm.tokenizer
    out = []
    for start in range(0, len(texts), EMBED_BATCH):
        enc = [tok(t, add_special_tokens=False)["input_ids"] for t in texts[start : start + EMBED_BATCH]]
        width = max(len(ids) for ids in enc)
        ids = torch.tensor([e + [0] * (width - len(e)) for e in enc], device=lm.input_device)  # (B, T)
        mask = torch.tensor([[1] * len(e) + [0] * (width - len(e)) for e in enc], device=lm.input_device)
        hidden = states_at(lm.model, layer, ids, mask)  # (B, T, d_model)
        pooled = mask.clone()
        pooled[:, 0] = (mask.sum(1) == 1).long()  # the first token only counts when it is the only one
        m = pooled.unsqueeze(-1).float()  # (B, T, 1)
        unit = torch.nn.functional.normalize(hidden.float(), dim=-1)  # (B, T, d_model)
        out.append(((unit * m).sum(1) / m.sum(1)).cpu())  # (B, d_model)
    return torch.cat(out)


class _Reached(Exception):
    """Raised by the hook on the pooled layer: the layers above it need not run."""


def states_at(model: Any, layer: int, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """hidden_states[layer] of a forward pass over `ids` (B, T), without running the layers above it.

    Layer 8 of SmolLM2's 30 is a quarter of the work of a full pass, which also projects every position
    onto the 49k-token vocabulary. The stop is a hook on a per-request copy of that decoder layer
    (core.steer.shell: the shared model's modules never carry it). The last layer's entry is the final
    norm's output, so it takes the full pass."""
    import torch

    from playground.core.steer import decoder_layers_path, shell

    with torch.no_grad():
        if layer >= model.config.num_hidden_layers:
            return model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[layer]
        runner, target = shell(model, decoder_layers_path(model), layer - 1)

        def stop(_module: Any, _inputs: Any, out: Any) -> None:
            raise _Reached(out[0] if isinstance(out, tuple) else out)

        target.register_forward_hook(stop)
        try:
            runner(input_ids=ids, attention_mask=mask, use_cache=False)
        except _Reached as reached:
            return reached.args[0]
        raise AssertionError("the forward pass ended without reaching the pooled layer")


@dataclass(frozen=True)
class Index:
    layer: int
    mean: torch.Tensor  # (d_model,) the chunks' mean embedding, subtracted from every vector before the cosine
    vectors: torch.Tensor  # (n_chunks, d_model) centred, unit length


_indexes: weakref.WeakKeyDictionary[Any, OrderedDict[int, Index]] = weakref.WeakKeyDictionary()
_order: OrderedDict[int, weakref.ref[Any]] = OrderedDict()  # id(model) -> model, least recently used first
_lock = threading.Lock()


def index(lm: LoadedModel, layer: int | None = None) -> Index:
    """The chunk embeddings for this loaded model (cached; at most MAX_INDEXES models, freed with the model)."""
    layer = layer_index(lm) if layer is None else layer
    with _lock:  # one build at a time: two first requests would otherwise both pay for it
        per_model = _indexes.setdefault(lm.model, OrderedDict())
        _order[id(lm.model)] = weakref.ref(lm.model)
        _order.move_to_end(id(lm.model))
        while len(_order) > MAX_INDEXES:
            _, ref = _order.popitem(last=False)
            if (old := ref()) is not None:
                _indexes.pop(old, None)
        if layer not in per_model:
            vectors = embed(lm, [c.text for c in corpus()[0]], layer)
            mean = vectors.mean(0)
            per_model[layer] = Index(layer, mean, _unit(vectors - mean))
        return per_model[layer]


def _unit(v: torch.Tensor) -> torch.Tensor:
    import torch

    return torch.nn.functional.normalize(v, dim=-1)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # cosine similarity with the question (after centring)


def check_k(k: Any) -> int:
    return int(number("Chunks in the prompt (k)", k, 1, MAX_K, integer=True))


def retrieve(lm: LoadedModel, question: str, k: int = RANKED, layer: int | None = None) -> list[Hit]:
    """The k chunks most similar to `question`, best first."""
    question = check_text(question, "the question")
    idx = index(lm, layer)
    q = _unit(embed(lm, [question], idx.layer)[0] - idx.mean)  # (d_model,)
    scores = idx.vectors @ q  # (n_chunks,)
    top = scores.topk(min(check_k(k), len(scores)))
    chunks = corpus()[0]
    return [Hit(chunks[int(i)], round(float(s), 6)) for s, i in zip(top.values, top.indices)]


def evaluate(lm: LoadedModel, layer: int | None = None) -> dict[str, Any]:
    """Retrieval quality on the labelled questions: {hit_at_1, hit_at_3, n, misses: [question, ...]}."""
    questions = corpus()[1]
    ranked = [[h.chunk.topic for h in retrieve(lm, q.q, 3, layer)] for q in questions]
    hit1 = sum(r[0] == q.topic for r, q in zip(ranked, questions))
    hit3 = sum(q.topic in r for r, q in zip(ranked, questions))
    misses = [q.q for r, q in zip(ranked, questions) if r[0] != q.topic]
    return {"hit_at_1": hit1, "hit_at_3": hit3, "n": len(questions), "misses": misses}


def labelled(question: str) -> Question | None:
    """The labelled question with this text (surrounding spaces ignored), or None."""
    return next((q for q in corpus()[1] if q.q == question.strip()), None)


def augmented_prompt(tokenizer: Any, question: str, hits: list[Hit]) -> chat.Prompt:
    """The question with the retrieved chunks in the system prompt, through the model's chat template."""
    context = "\n".join(f"[{i}] {h.chunk.text}" for i, h in enumerate(hits, 1))
    return chat.build_prompt(tokenizer, question, system=SYSTEM + context)


def fact_probability(lm: LoadedModel, prompt: chat.Prompt, stem: str, fact: str) -> list[tuple[str, float]]:
    """p of each token of `fact` after prompt + `stem` (teacher-forced, one forward pass): [(piece, p), ...].

    The fact's tokens are those of stem + fact after the stem's own (tokenized together, as the model would
    write them); InputError if the stem's tokens are not a prefix of them."""
    import torch

    tok = lm.tokenizer
    stem_ids = tok(stem, add_special_tokens=False)["input_ids"]
    both = tok(stem + fact, add_special_tokens=False)["input_ids"]
    if both[: len(stem_ids)] != stem_ids or len(both) == len(stem_ids):
        raise InputError(f"The fact {fact!r} does not tokenize as a continuation of {stem!r}.")
    ids = prompt.ids + both  # the stem and fact continue the assistant's turn
    with torch.no_grad():
        logits = lm.model(input_ids=torch.tensor([ids], device=lm.input_device)).logits[0].float()  # (T, vocab)
    start = len(prompt.ids) + len(stem_ids)
    probs = torch.softmax(logits[start - 1 : len(ids) - 1], dim=-1)  # row j predicts the fact's token j
    fact_ids = both[len(stem_ids) :]
    return [(str(tok.decode([t])), round(float(probs[j, t]), 6)) for j, t in enumerate(fact_ids)]
