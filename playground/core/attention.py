"""Attention patterns per layer and head, with heads grouped by the key/value head they share.

One forward pass with `output_attentions=True` gives, per layer, softmax(QK^T / sqrt(d_head))
after the causal mask: (batch, heads, T, T), row = query position, column = key position, each row
summing to 1. Only the eager attention implementation materializes these weights (SDPA and flash
kernels never form the T x T matrix), so the caller passes a model loaded with
`attn_implementation="eager"`.

Grouped-query attention (SmolLM2-135M: 9 query heads, 3 key/value heads): query head h reads key/
value head h // (heads / kv_heads), as `repeat_kv` in HF transformers expands them; heads of one
group share keys, so their patterns often look alike.

Not here: attention of a model under generation (no KV cache), or attribution methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from playground.core.config_shape import shape_of
from playground.core.layers import accepts_logits_to_keep, encode
from playground.core.tokens import token_text
from playground.core.validation import index
from playground.errors import InputError, PlaygroundError

if TYPE_CHECKING:
    from playground.loader import LoadedModel


@dataclass
class AttentionMaps:
    """All layers' weights of one forward pass (kept to draw views from; not a JSON result)."""

    token_ids: list[int]
    tokens: list[str]
    weights: torch.Tensor  # (layers, heads, T, T) float32 on the CPU
    n_kv_heads: int

    @property
    def n_layers(self) -> int:
        return self.weights.shape[0]

    @property
    def n_heads(self) -> int:
        return self.weights.shape[1]

    def groups(self) -> list[list[int]]:
        """Query heads per key/value head: 9 heads, 3 kv heads -> [[0, 1, 2], [3, 4, 5], [6, 7, 8]]."""
        per = self.n_heads // self.n_kv_heads
        return [list(range(g * per, (g + 1) * per)) for g in range(self.n_kv_heads)]


def kv_heads(cfg: Any) -> int:
    """Key/value heads a config's query heads are grouped by (core.config_shape reads it); n_heads when
    they do not divide evenly, so every group has the same number of query heads."""
    read = shape_of(cfg)
    return read.n_kv_heads if read.n_heads % read.n_kv_heads == 0 else read.n_heads


def config_head_choices(cfg: Any) -> list[str]:
    """head_choices for a config, before anything is loaded (the Attention tab's first choices)."""
    return head_choices(shape_of(cfg).n_heads, kv_heads(cfg))


def attention_maps(lm: LoadedModel, text: str) -> AttentionMaps:
    """One forward pass of an eager-attention model; text over max_attention_tokens is refused."""
    from playground import config

    ids = encode(lm, text, config.settings().limits.max_attention_tokens)
    with torch.inference_mode():
        input_ids = torch.tensor([ids], device=lm.input_device)  # (1, T)
        extra = {"logits_to_keep": 1} if accepts_logits_to_keep(lm.model) else {}  # logits are not shown here
        out = lm.model(input_ids, output_attentions=True, use_cache=False, **extra)
        if not out.attentions or any(a is None for a in out.attentions):
            raise PlaygroundError(
                f"'{lm.name}' returned no attention weights: it needs attn_implementation='eager' "
                f"(this copy uses '{lm.attn_implementation}')."
            )
        weights = torch.stack([a[0].float().cpu() for a in out.attentions])  # (layers, heads, T, T)
    return AttentionMaps(ids, [token_text(lm.tokenizer, i) for i in ids], weights, kv_heads(lm.model.config))


def head_choices(n_heads: int, n_kv_heads: int) -> list[str]:
    """'mean', then one 'kv g' per group (for grouped-query models), then 'head h' for each head."""
    groups = [f"kv {g}" for g in range(n_kv_heads)] if n_kv_heads < n_heads else []
    return ["mean", *groups, *(f"head {h}" for h in range(n_heads))]


def parse_head(choice: str | int | None, n_heads: int, n_kv_heads: int) -> tuple[str, list[int]]:
    """'mean' -> ('mean', all heads); 'kv 1' -> heads of kv group 1; 'head 4' or 4 -> [4]."""
    if choice is None or (isinstance(choice, str) and choice.strip().lower() in ("", "mean")):
        return "mean", list(range(n_heads))
    if isinstance(choice, int) and not isinstance(choice, bool):
        kind, num = "head", choice
    else:
        kind, _, num_text = str(choice).strip().lower().partition(" ")
        if kind not in ("head", "kv") or not num_text.strip().isdigit():
            raise InputError(f"Unknown head '{choice}'. Use 'mean', 'kv <group>' or 'head <index>'.")
        num = int(num_text)
    if kind == "head":
        if not 0 <= num < n_heads:
            raise InputError(f"Head {num} does not exist: this model has heads 0..{n_heads - 1}.")
        return f"head {num}", [num]
    if not 0 <= num < n_kv_heads:
        raise InputError(f"Key/value group {num} does not exist: this model has groups 0..{n_kv_heads - 1}.")
    per = n_heads // n_kv_heads
    return f"kv {num}", list(range(num * per, (num + 1) * per))


@dataclass(frozen=True)
class AttentionView:
    """One layer's patterns, the selected head (or average), and a per-layer overview."""

    tokens: tuple[str, ...]
    token_ids: tuple[int, ...]
    n_layers: int
    n_heads: int
    n_kv_heads: int
    layer: int
    head: str  # 'mean', 'kv 1' or 'head 4'
    heads: tuple[int, ...]  # the heads averaged for `selected`
    groups: tuple[tuple[int, ...], ...]  # query heads sharing each key/value head
    per_head: tuple[tuple[tuple[float, ...], ...], ...]  # (heads, T, T) of `layer`
    selected: tuple[tuple[float, ...], ...]  # (T, T) mean over `heads`
    first_token_share: tuple[tuple[float, ...], ...]  # (layers, heads) mean weight on position 0


def view(maps: AttentionMaps, layer: int = 0, head: str | int | None = "mean") -> AttentionView:
    """Select a layer (0-based; negative counts from the end) and a head, group or 'mean'."""
    L = maps.n_layers
    layer = index("layer", layer, L, "Layer {i} does not exist: this model has layers 0..{last}.")
    label, heads = parse_head(head, maps.n_heads, maps.n_kv_heads)
    w = maps.weights[layer]  # (heads, T, T)
    selected = w[heads].mean(dim=0)  # (T, T)
    # Queries after the first put their share on token 0 ("attention sink"); position 0 itself
    # can only attend to itself, so it is left out of the mean when there is more than one token.
    rows = maps.weights[:, :, 1:, 0] if maps.weights.shape[-1] > 1 else maps.weights[:, :, :, 0]
    first = rows.mean(dim=-1)  # (layers, heads)
    return AttentionView(
        tuple(maps.tokens),
        tuple(maps.token_ids),
        L,
        maps.n_heads,
        maps.n_kv_heads,
        layer,
        label,
        tuple(heads),
        tuple(tuple(g) for g in maps.groups()),
        tuple(tuple(map(tuple, m)) for m in w.tolist()),
        tuple(map(tuple, selected.tolist())),
        tuple(map(tuple, first.tolist())),
    )


def to_json(v: AttentionView) -> dict[str, Any]:
    """The API's JSON result (documented in the README): the selected pattern, not all heads."""
    r = lambda x: round(float(x), 5)  # noqa: E731
    return {
        "tokens": [{"id": i, "text": s} for i, s in zip(v.token_ids, v.tokens)],
        "n_layers": v.n_layers,
        "n_heads": v.n_heads,
        "n_kv_heads": v.n_kv_heads,
        "kv_groups": [list(g) for g in v.groups],
        "layer": v.layer,
        "head": v.head,
        "heads": list(v.heads),
        "weights": [[r(x) for x in row] for row in v.selected],
        "first_token_share": [[r(x) for x in row] for row in v.first_token_share],
    }


def code_for(model_id: str, text: str, layer: int, heads: list[int], label: str) -> str:
    """Plain transformers code that reproduces the Attention view."""
    return f"""import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
# Only eager attention returns the weights (SDPA and flash kernels never form the matrix).
model = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32, attn_implementation="eager")

ids = tokenizer({text!r}, return_tensors="pt").input_ids
with torch.inference_mode():
    out = model(ids, output_attentions=True)
att = torch.stack(out.attentions)[:, 0]     # (layers, heads, tokens, tokens): row = query, column = key

cfg = model.config
per_kv = cfg.num_attention_heads // cfg.num_key_value_heads
groups = [list(range(g * per_kv, (g + 1) * per_kv)) for g in range(cfg.num_key_value_heads)]
print("heads sharing each key/value head:", groups)

layer, heads = {int(layer)}, {list(heads)!r}  # {label}
selected = att[layer, heads].mean(dim=0)    # (tokens, tokens)
print([tokenizer.decode([i]) for i in ids[0]])
print(selected)
sink = att[:, :, 1:, 0].mean(dim=-1)         # (layers, heads): weight on the first token
"""
