"""Hidden states layer by layer, their norms and similarities, and the logit lens.

One forward pass with `output_hidden_states=True` gives layers + 1 tensors of shape
(batch, tokens, d_model): the embedding output first, then the output of every decoder layer. In
HF transformers the last one is `last_hidden_state`, which has already been through the model's
final norm (`config.tie_last_hidden_states`, true unless a model says otherwise).

The logit lens reads every layer's hidden state as if it were the last: final norm, then the LM
head, then softmax. The final norm is applied exactly once: to every state but the last, which
already has it. So the last layer's lens is the model's own logits.

The projection onto the vocabulary is done in chunks of rows, so that memory stays bounded: all
31 x 64 states of SmolLM2-135M on its 49,152-token vocabulary at once would be ~390 MB of logits.

Not here: attention patterns (core/attention.py), or changing the model (no hooks, no patching).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import torch

from playground.core.neighbors import token_text
from playground.core.tokens import byte_pieces, check_text
from playground.errors import InputError

# Rows of (states) projected onto the vocabulary at once: 256 x 49,152 float32 logits = 50 MB,
# 256 x 152k = 156 MB; sized so that the lens stays fast (large matmuls) and memory bounded.
LENS_CHUNK_ROWS = 256


# --------------------------------------------------------------------------- the forward pass


@dataclass
class HiddenStates:
    """The tensors of one forward pass, kept to compute views from (not a JSON result)."""

    token_ids: list[int]
    tokens: list[str]  # what each token reads as
    states: torch.Tensor  # (layers+1, T, d_model), batch 1 squeezed, on the model's device
    last_is_normed: bool  # states[-1] has already been through the final norm
    last_logits: torch.Tensor  # (V,) float32 logits of the model at the last position
    byte_pieces: tuple[int, ...] = ()  # positions whose token is part of a character's UTF-8 bytes

    @property
    def n_layers(self) -> int:
        return self.states.shape[0] - 1


def encode(lm: Any, text: str, cap: int) -> list[int]:
    """Text -> token ids (with the tokenizer's own special tokens), or InputError if empty or over `cap`."""
    from playground import config

    check_text(text, config.settings().limits.max_input_chars)
    ids = [int(i) for i in lm.tokenizer(text)["input_ids"]]
    if not ids:
        raise InputError("The text gives no tokens.")
    if len(ids) > cap:
        raise InputError(
            f"The text is {len(ids):,} tokens long; this view takes at most {cap:,} tokens. Shorten the text."
        )
    return ids


def accepts_logits_to_keep(model: Any) -> bool:
    return "logits_to_keep" in inspect.signature(model.forward).parameters


def hidden_states(lm: Any, text: str) -> HiddenStates:
    """One forward pass with output_hidden_states; only the last position's logits are computed."""
    from playground import config

    ids = encode(lm, text, config.settings().limits.max_forward_tokens)
    model = lm.model
    extra = {"logits_to_keep": 1} if accepts_logits_to_keep(model) else {}
    with torch.inference_mode():
        input_ids = torch.tensor([ids], device=lm.input_device)  # (1, T)
        out = model(input_ids, output_hidden_states=True, use_cache=False, **extra)
        # Under device_map="auto" the layers (and their outputs) sit on several GPUs: gather on one.
        first = out.hidden_states[0].device
        states = torch.stack([h[0].to(first) for h in out.hidden_states])  # (layers+1, T, d_model)
        last_logits = out.logits[0, -1].float()  # (V,)
    tied = getattr(model.config, "tie_last_hidden_states", None)
    return HiddenStates(
        ids,
        [token_text(lm.tokenizer, i) for i in ids],
        states,
        True if tied is None else bool(tied),
        last_logits,
        tuple(byte_pieces(lm.tokenizer, ids)),
    )


# --------------------------------------------------------------------------- norms and similarities


@dataclass(frozen=True)
class LayerStats:
    tokens: tuple[str, ...]
    token_ids: tuple[int, ...]
    shapes: tuple[tuple[int, int, int], ...]  # (batch, tokens, d_model) of each hidden state
    norms: tuple[tuple[float, ...], ...]  # (layers+1, T) L2 norm of each state
    next_cosine: tuple[tuple[float, ...], ...]  # (layers, T) cos(state l, state l+1) per token
    mean_next_cosine: tuple[float, ...]  # (layers,) mean over tokens
    last_is_normed: bool  # the last row is after the final norm (so its norms are on another scale)
    # Positions whose token is a byte piece (part of a character): the lens there reads a state that
    # has seen only part of a character, so its top tokens are mostly the rest of some character.
    byte_pieces: tuple[int, ...] = ()


def layer_stats(hs: HiddenStates) -> LayerStats:
    """Norms per layer and token, and how much each layer turns the residual stream."""
    with torch.inference_mode():
        # Three reductions over the (layers+1, T, d) block; cosine_similarity would add several more
        # passes, and this must stay a small fraction of the forward pass it describes.
        s = hs.states.float()  # (layers+1, T, d)
        norms = s.norm(dim=-1)  # (layers+1, T)
        dots = (s[:-1] * s[1:]).sum(dim=-1)  # (layers, T)
        cos = dots / (norms[:-1] * norms[1:]).clamp_min(1e-12)  # (layers, T)
        mean = cos.mean(dim=1)  # (layers,)
    n_states, T, d = hs.states.shape
    return LayerStats(
        tuple(hs.tokens),
        tuple(hs.token_ids),
        tuple((1, T, d) for _ in range(n_states)),
        tuple(map(tuple, norms.tolist())),
        tuple(map(tuple, cos.tolist())),
        tuple(mean.tolist()),
        hs.last_is_normed,
        hs.byte_pieces,
    )


# --------------------------------------------------------------------------- the logit lens


def final_norm(model: Any) -> Any:
    """The model's final norm module (Llama/Qwen/Gemma `model.norm`, GPT-2 `transformer.ln_f`)."""
    base = model.base_model
    for name in ("norm", "ln_f", "final_layernorm", "final_layer_norm"):
        module = getattr(base, name, None)
        if isinstance(module, torch.nn.Module):
            return module
    raise InputError(f"The logit lens does not know where the final norm of {type(model).__name__} is.")


def lens_logits(lm: Any, hs: HiddenStates, layers: list[int], positions: list[int]) -> torch.Tensor:
    """Logits (len(layers), len(positions), V) of the lens; small selections only (no chunking)."""
    model = lm.model
    norm = final_norm(model)
    head = model.get_output_embeddings()
    cap = getattr(model.config, "final_logit_softcapping", None)
    device = head.weight.device
    with torch.inference_mode():
        x = hs.states[layers][:, positions].to(device)  # (l, p, d)
        normed = norm(x)
        if hs.last_is_normed:  # the last state already went through the final norm: not twice
            last = torch.tensor([layer == hs.n_layers for layer in layers], device=x.device)
            normed = torch.where(last[:, None, None], x, normed)
        logits = head(normed).float()  # (l, p, V)
        if cap:
            logits = torch.tanh(logits / cap) * cap
    return logits


@dataclass(frozen=True)
class LensGrid:
    """Top token of every layer at every position (layers+1 x positions)."""

    tokens: tuple[str, ...]  # the input tokens
    positions: tuple[int, ...]  # the positions shown (the last `cap` ones for long texts)
    top_ids: tuple[tuple[int, ...], ...]  # (layers+1, positions)
    top_texts: tuple[tuple[str, ...], ...]
    top_probs: tuple[tuple[float, ...], ...]


def logit_lens(
    lm: Any, hs: HiddenStates, max_positions: int | None = None, chunk_rows: int = LENS_CHUNK_ROWS
) -> LensGrid:
    """The lens for every layer and position, projected `chunk_rows` states at a time.

    Peak extra memory is chunk_rows x V float32 logits (50 MB for SmolLM2), whatever the text length.
    """
    from playground import config

    cap = max_positions or config.settings().limits.max_lens_positions
    L1, T, d = hs.states.shape
    positions = list(range(max(0, T - cap), T))
    model = lm.model
    norm = final_norm(model)
    head = model.get_output_embeddings()
    softcap = getattr(model.config, "final_logit_softcapping", None)
    P = len(positions)
    with torch.inference_mode():
        x = hs.states[:, positions].to(head.weight.device)  # (layers+1, P, d)
        if hs.last_is_normed:
            x = torch.cat([norm(x[:-1]), x[-1:]])  # final norm on all but the last, which has it
        else:
            x = norm(x)
        rows = x.reshape(L1 * P, d)  # (layers+1 * P, d)
        top_id = torch.empty(L1 * P, dtype=torch.long)
        top_p = torch.empty(L1 * P, dtype=torch.float32)
        for start in range(0, rows.shape[0], chunk_rows):
            logits = head(rows[start : start + chunk_rows]).float()  # (chunk, V)
            if softcap:
                logits = torch.tanh(logits / softcap) * softcap
            best, idx = logits.max(dim=-1)  # (chunk,)
            # p(top) = exp(best - logsumexp): no (chunk, V) softmax tensor is needed.
            top_p[start : start + chunk_rows] = torch.exp(best - torch.logsumexp(logits, dim=-1)).cpu()
            top_id[start : start + chunk_rows] = idx.cpu()
        top_id = top_id.view(L1, P)
        top_p = top_p.view(L1, P)
    tok = lm.tokenizer
    texts: dict[int, str] = {}
    for i in top_id.unique().tolist():
        texts[i] = token_text(tok, i)
    return LensGrid(
        tuple(hs.tokens),
        tuple(positions),
        tuple(map(tuple, top_id.tolist())),
        tuple(tuple(texts[i] for i in row) for row in top_id.tolist()),
        tuple(map(tuple, top_p.tolist())),
    )


@dataclass(frozen=True)
class LensLayer:
    layer: int  # 0 = embedding output, layers = the last layer
    top: tuple[tuple[int, str, float], ...]  # (id, text, probability), best first
    target_rank: int  # 1 = the target is the lens's top token
    target_prob: float


@dataclass(frozen=True)
class LensAtPosition:
    position: int
    token: str  # the input token at that position
    target_id: int
    target_text: str
    layers: tuple[LensLayer, ...]  # (layers+1,)


def lens_at(
    lm: Any, hs: HiddenStates, position: int = -1, target: str | int | None = None, top_k: int = 5
) -> LensAtPosition:
    """The lens at one position across all layers, and the rank of one token in each layer.

    `target`: a token id (4910 or '#4910'), a text that is one token (' Paris'), or None/'' for the
    model's own top prediction at that position.
    """
    T = hs.states.shape[1]
    try:
        position = int(position)
    except (TypeError, ValueError):
        raise InputError(f"The position must be a whole number, not '{position}'.") from None
    if not -T <= position < T:
        raise InputError(f"Position {position} is outside the text's {T} tokens (use 0..{T - 1} or -1 for the last).")
    position %= T
    logits = lens_logits(lm, hs, list(range(hs.n_layers + 1)), [position])[:, 0]  # (layers+1, V)
    logp = torch.log_softmax(logits, dim=-1)  # (layers+1, V)
    target_id = _target_id(lm, target, int(logits[-1].argmax()), logits.shape[-1])
    tgt = logits[:, target_id]  # (layers+1,)
    ranks = (logits > tgt[:, None]).sum(dim=-1) + 1  # (layers+1,) 1 = best
    top_lp, top_i = logp.topk(top_k, dim=-1)  # (layers+1, k)
    tok = lm.tokenizer
    layers = tuple(
        LensLayer(
            layer,
            tuple(
                (int(i), token_text(tok, int(i)), float(p))
                for i, p in zip(top_i[layer].tolist(), top_lp[layer].exp().tolist())
            ),
            int(ranks[layer]),
            float(logp[layer, target_id].exp()),
        )
        for layer in range(hs.n_layers + 1)
    )
    return LensAtPosition(position, hs.tokens[position], target_id, token_text(tok, target_id), layers)


def _target_id(lm: Any, target: str | int | None, default: int, vocab: int) -> int:
    if target is None or (isinstance(target, str) and target == ""):
        return default
    if isinstance(target, int) or (target.startswith("#") and target[1:].isdigit()):
        tid = int(target) if isinstance(target, int) else int(target[1:])
        if not 0 <= tid < vocab:
            raise InputError(f"Token id {tid} is outside the vocabulary (0..{vocab - 1}).")
        return tid
    ids = lm.tokenizer(target, add_special_tokens=False)["input_ids"]
    if len(ids) != 1:
        pieces = [token_text(lm.tokenizer, i) for i in ids]
        raise InputError(
            f"'{target}' is {len(ids)} tokens ({pieces}); pick a text that is one token, "
            "e.g. with a leading space like ' Paris', or a token id."
        )
    return int(ids[0])


# --------------------------------------------------------------------------- JSON


def to_json(stats: LayerStats, grid: LensGrid, at: LensAtPosition) -> dict[str, Any]:
    """The API's JSON result (documented in the README)."""
    r6 = lambda v: round(float(v), 6)  # noqa: E731
    return {
        "tokens": [{"id": i, "text": s} for i, s in zip(stats.token_ids, stats.tokens)],
        "byte_pieces": list(stats.byte_pieces),
        "n_layers": len(stats.norms) - 1,
        "hidden_state_shapes": [list(s) for s in stats.shapes],
        "last_is_normed": stats.last_is_normed,
        "norms": [[r6(v) for v in row] for row in stats.norms],
        "next_layer_cosine": [[r6(v) for v in row] for row in stats.next_cosine],
        "mean_next_layer_cosine": [r6(v) for v in stats.mean_next_cosine],
        "lens": {
            "positions": list(grid.positions),
            "top_ids": [list(r) for r in grid.top_ids],
            "top_texts": [list(r) for r in grid.top_texts],
            "top_probs": [[r6(v) for v in row] for row in grid.top_probs],
        },
        "lens_at_position": {
            "position": at.position,
            "token": at.token,
            "target": {"id": at.target_id, "text": at.target_text},
            "layers": [
                {
                    "layer": x.layer,
                    "target_rank": x.target_rank,
                    "target_prob": r6(x.target_prob),
                    "top": [{"id": i, "text": s, "prob": r6(p)} for i, s, p in x.top],
                }
                for x in at.layers
            ],
        },
    }


def code_for(model_id: str, text: str, norm_path: str, position: int, target: str) -> str:
    """Plain transformers code that reproduces the Layer Representations view."""
    pick = (
        f"target = tokenizer({target!r}, add_special_tokens=False).input_ids[0]"
        if target and not target.startswith("#")
        else f"target = {int(target[1:])}"
        if target
        else "target = int(logits[-1, pos].argmax())          # the model's own prediction"
    )
    return f"""import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
model = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)

ids = tokenizer({text!r}, return_tensors="pt").input_ids
with torch.inference_mode():
    out = model(ids, output_hidden_states=True)
print([tuple(h.shape) for h in out.hidden_states])   # layers + 1 of (batch, tokens, hidden)
hs = torch.stack(out.hidden_states)[:, 0]              # (layers+1, tokens, hidden); [0] = embeddings
norms = hs.norm(dim=-1)                                # (layers+1, tokens)
cos_next = F.cosine_similarity(hs[:-1], hs[1:], dim=-1)  # (layers, tokens)

# Logit lens: final norm + LM head on every layer. hidden_states[-1] has had the final norm
# already, so it is applied to all the others only (exactly once). Chunk this for long texts.
norm = model.{norm_path}
with torch.inference_mode():
    logits = model.lm_head(torch.cat([norm(hs[:-1]), hs[-1:]]))  # (layers+1, tokens, vocab)
    assert torch.allclose(logits[-1], out.logits[0], atol=1e-4)   # last layer = the model's logits
probs = logits.softmax(dim=-1)
top_p, top_id = probs.max(dim=-1)                      # (layers+1, tokens)
for layer in range(len(top_id)):
    print(layer, [tokenizer.decode([i]) for i in top_id[layer]])

pos = {int(position)}
{pick}
rank = (logits[:, pos] > logits[:, pos, target, None]).sum(dim=-1) + 1  # (layers+1,), 1 = top
print(tokenizer.decode([target]), rank.tolist())
"""


def norm_path(model: Any) -> str:
    """Where the final norm lives, as an attribute path: 'model.norm', 'transformer.ln_f'."""
    target = final_norm(model)
    for name, module in model.named_modules():
        if module is target:
            return name
    return "model.norm"
