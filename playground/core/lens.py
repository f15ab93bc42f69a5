"""The logit lens: every layer's hidden state read as if it were the last (final norm, LM head, softmax).

The final norm is applied exactly once: to every state but the last, which already has it when the model
says so (`HiddenStates.last_is_normed`), so the last layer's lens is the model's own logits. A Gemma-style
final logit softcap is applied as the model applies it. `logit_lens()` gives the top token of every layer at
every position, projecting the states onto the vocabulary in chunks of rows so that memory stays bounded
(all 31 x 64 states of SmolLM2-135M on its 49,152-token vocabulary at once would be ~390 MB of logits);
`lens_at()` one position across the layers, with the rank of one token in each.

Not here: the forward pass that gives the states, norms and similarities, JSON (core/layers.py); charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from playground.core.tokens import token_text
from playground.core.validation import index
from playground.errors import InputError

if TYPE_CHECKING:
    from playground.core.layers import HiddenStates

# Rows of (states) projected onto the vocabulary at once: 256 x 49,152 float32 logits = 50 MB,
# 256 x 152k = 156 MB; sized so that the lens stays fast (large matmuls) and memory bounded.
LENS_CHUNK_ROWS = 256


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
    outside = "Position {i} is outside the text's {n} tokens (use 0..{last} or -1 for the last)."
    position = index("position", position, T, outside)
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


def norm_path(model: Any) -> str:
    """Where the final norm lives, as an attribute path: 'model.norm', 'transformer.ln_f'."""
    target = final_norm(model)
    for name, module in model.named_modules():
        if module is target:
            return name
    return "model.norm"
