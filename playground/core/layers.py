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

The logit lens itself (final norm and LM head on every state, its grid, one position's ranks) is in
core/lens.py; this module has the forward pass, the norms and similarities, the JSON result and the Code
panel, and names the lens's public names for the callers that import them from here.

Not here: attention patterns (core/attention.py), or changing the model (no hooks, no patching).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import torch

from playground.core.lens import (
    LENS_CHUNK_ROWS,
    LensAtPosition,
    LensGrid,
    LensLayer,
    final_norm,
    lens_at,
    lens_logits,
    logit_lens,
    norm_path,
)
from playground.core.neighbors import token_text
from playground.core.tokens import byte_pieces, check_text
from playground.errors import InputError

__all__ = [
    "LENS_CHUNK_ROWS",
    "HiddenStates",
    "LayerStats",
    "LensAtPosition",
    "LensGrid",
    "LensLayer",
    "accepts_logits_to_keep",
    "code_for",
    "encode",
    "final_norm",
    "hidden_states",
    "layer_stats",
    "lens_at",
    "lens_logits",
    "logit_lens",
    "norm_path",
    "to_json",
]


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

    return hidden_states_of(lm, encode(lm, text, config.settings().limits.max_forward_tokens))


def hidden_states_of(lm: Any, ids: list[int]) -> HiddenStates:
    """hidden_states() of token ids already made (a chat prompt and its reply, as the model read them)."""
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
