"""The model shape memory depends on (`ModelSpec`), built from a full shape, a parameter count or a
config reader's shape, and checked.

Not here: reading configs (see `playground.core.architecture`; `spec_from_shape_obj` adapts its
ModelShape) or any byte arithmetic (see `arithmetic`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from playground.core.config_shape import NON_GATED
from playground.core.vram.formats import MAX_CONTEXT, MAX_DIM, MAX_PARAMS
from playground.errors import InputError


@dataclass(frozen=True)
class ModelSpec:
    """The shape that memory depends on. Names follow the config (n_layers, hidden, n_heads ...)."""

    n_params: int  # exact: tied embeddings counted once, an untied lm_head counted
    n_layers: int
    hidden: int  # d_model
    n_heads: int  # query heads
    n_kv_heads: int  # key/value heads (< n_heads for grouped-query attention)
    head_dim: int  # per head; n_heads * head_dim may differ from hidden (Gemma 3)
    intermediate: int  # MLP width
    vocab: int
    tied: bool = False  # lm_head shares the embedding matrix
    gated_mlp: bool = True  # SwiGLU (gate, up, down) vs GeLU (up, down)
    embedding_params: int = 0  # vocab x hidden (plus learned positions)
    lm_head_params: int = 0  # 0 when tied
    sliding_window: int | None = None  # tokens a sliding-window layer attends to
    n_sliding_layers: int = 0  # how many layers use it (Gemma 3: 5 of every 6)
    name: str = "custom"
    assumed_shape: bool = False  # True when only a parameter count was given and the shape is a guess

    @property
    def norm_params(self) -> int:
        """RMSNorm/LayerNorm weights: two per layer and a final one (biases ignored: tiny)."""
        return (2 * self.n_layers + 1) * self.hidden

    @property
    def linear_params(self) -> int:
        """Parameters in the transformer blocks' matrices: what int8/NF4/GPTQ/AWQ quantize."""
        return max(0, self.n_params - self.embedding_params - self.lm_head_params - self.norm_params)

    def lora_params(self, rank: int) -> int:
        """LoRA on every linear layer of every block: rank x (in + out) per matrix."""
        h, ad, kvd, i = self.hidden, self.n_heads * self.head_dim, self.n_kv_heads * self.head_dim, self.intermediate
        per_layer = (h + ad) + 2 * (h + kvd) + (ad + h) + (3 if self.gated_mlp else 2) * (h + i)
        return rank * per_layer * self.n_layers


def check_int(name: str, value: Any, lo: int, hi: int) -> int:
    """`value` as an int when it is a whole number in [lo, hi]; InputError naming `name` otherwise."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value != value
        or value in (math.inf, -math.inf)
    ):
        raise InputError(f"{name} must be a whole number, got {value!r}.")
    if int(value) != value:
        raise InputError(f"{name} must be a whole number, got {value!r}.")
    if not lo <= value <= hi:
        raise InputError(f"{name} must be between {lo:,} and {hi:,}, got {int(value):,}.")
    return int(value)


def count_params(
    n_layers: int,
    hidden: int,
    n_heads: int,
    n_kv_heads: int,
    head_dim: int,
    intermediate: int,
    vocab: int,
    tied: bool,
    gated_mlp: bool = True,
) -> int:
    """Parameters of a Llama-style decoder (no biases): embeddings + blocks + final norm + untied lm_head.

    Llama-3.1-8B (32, 4096, 32, 8, 128, 14336, 128256, untied) -> 8_030_261_248.
    """
    ad, kvd = n_heads * head_dim, n_kv_heads * head_dim
    attn = hidden * ad + 2 * hidden * kvd + ad * hidden
    mlp = (3 if gated_mlp else 2) * hidden * intermediate
    blocks = n_layers * (attn + mlp + 2 * hidden)
    return vocab * hidden * (1 if tied else 2) + blocks + hidden


def spec_from_shape(
    n_layers: int,
    hidden: int,
    n_heads: int,
    n_kv_heads: int | None = None,
    head_dim: int | None = None,
    intermediate: int | None = None,
    vocab: int = 32000,
    tied: bool = False,
    n_params: int | None = None,
    gated_mlp: bool = True,
    sliding_window: int | None = None,
    n_sliding_layers: int = 0,
    name: str = "custom",
) -> ModelSpec:
    """A full custom shape. head_dim defaults to hidden / n_heads (which must then divide evenly),
    n_kv_heads to n_heads, intermediate to 8/3 hidden rounded up to 256, n_params to the Llama count."""
    n_layers = check_int("Layers", n_layers, 1, 10_000)
    hidden = check_int("Hidden size", hidden, 1, MAX_DIM)
    n_heads = check_int("Attention heads", n_heads, 1, MAX_DIM)
    n_kv_heads = n_heads if not n_kv_heads else check_int("Key/value heads", n_kv_heads, 1, MAX_DIM)
    if n_heads % n_kv_heads:
        raise InputError(f"Attention heads ({n_heads}) must be a multiple of key/value heads ({n_kv_heads}).")
    if not head_dim:
        if hidden % n_heads:
            raise InputError(
                f"Attention heads ({n_heads}) must divide the hidden size ({hidden}) unless a head dimension is given."
            )
        head_dim = hidden // n_heads
    head_dim = check_int("Head dimension", head_dim, 1, MAX_DIM)
    if not intermediate:
        intermediate = -(-8 * hidden // 3 // 256) * 256
    intermediate = check_int("Intermediate size", intermediate, 1, 10 * MAX_DIM)
    vocab = check_int("Vocabulary", vocab, 1, 10**7)
    counted = count_params(n_layers, hidden, n_heads, n_kv_heads, head_dim, intermediate, vocab, tied, gated_mlp)
    n_params = counted if not n_params else check_int("Parameters", n_params, 1, MAX_PARAMS)
    emb, head = vocab * hidden, 0 if tied else vocab * hidden
    if emb + head > n_params:
        raise InputError(
            f"{n_params:,} parameters cannot hold a {vocab:,} x {hidden:,} embedding{'' if tied else ' and lm_head'}."
        )
    if sliding_window is not None:
        sliding_window = check_int("Sliding window", sliding_window, 1, MAX_CONTEXT)
    n_sliding_layers = check_int("Sliding-window layers", n_sliding_layers or 0, 0, n_layers)
    return ModelSpec(
        n_params,
        n_layers,
        hidden,
        n_heads,
        n_kv_heads,
        head_dim,
        intermediate,
        vocab,
        tied,
        gated_mlp,
        emb,
        head,
        sliding_window,
        n_sliding_layers if sliding_window else 0,
        name,
    )


def spec_from_count(n_params: float, name: str = "custom") -> ModelSpec:
    """A parameter count alone: weights and optimizer states are exact; the shape behind the KV cache
    and activations is a guess (Llama-like: 12 L h^2 ~ P with h/L = 128, MHA, 32k vocabulary), flagged
    `assumed_shape` so the verdict says so. 8e9 -> 34 layers x 4352 hidden."""
    n = check_int("Parameters", n_params, 1, MAX_PARAMS)
    hidden = max(128, round((n * 128 / 12) ** (1 / 3) / 128) * 128)
    n_layers = max(1, round(n / (12 * hidden * hidden)))
    vocab = 32000
    emb = min(vocab * hidden, n // 4)  # tiny counts: keep the matrices the bulk of the model
    head = emb
    return ModelSpec(
        n,
        n_layers,
        hidden,
        hidden // 128,
        hidden // 128,
        128,
        4 * hidden,
        vocab,
        False,
        True,
        emb,
        head,
        None,
        0,
        name,
        assumed_shape=True,
    )


def spec_from_shape_obj(shape: Any) -> ModelSpec:
    """Adapter from playground.core.architecture.ModelShape (duck-typed: no import needed)."""
    window = getattr(shape, "sliding_window", None)
    spec = ModelSpec(
        n_params=int(shape.n_params),
        n_layers=int(shape.n_layers),
        hidden=int(shape.hidden),
        n_heads=int(shape.n_heads),
        n_kv_heads=int(shape.n_kv_heads or shape.n_heads),
        head_dim=int(shape.head_dim),
        intermediate=int(shape.intermediate),
        vocab=int(shape.vocab),
        tied=bool(shape.tied),
        gated_mlp=getattr(shape, "model_type", "") not in NON_GATED,
        embedding_params=int(shape.embedding_params),
        lm_head_params=int(shape.lm_head_params),
        sliding_window=int(window) if window else None,
        n_sliding_layers=int(getattr(shape, "n_sliding_layers", 0) or 0) if window else 0,
        name=str(shape.name),
    )
    validate_spec(spec)
    return spec


def validate_spec(spec: ModelSpec) -> None:
    """InputError naming the first impossible field."""
    check_int("Parameters", spec.n_params, 1, MAX_PARAMS)
    check_int("Layers", spec.n_layers, 1, 10_000)
    for name, v in (
        ("Hidden size", spec.hidden),
        ("Attention heads", spec.n_heads),
        ("Key/value heads", spec.n_kv_heads),
        ("Head dimension", spec.head_dim),
        ("Intermediate size", spec.intermediate),
    ):
        check_int(name, v, 1, 10 * MAX_DIM)
    check_int("Vocabulary", spec.vocab, 1, 10**7)
    if spec.n_heads % spec.n_kv_heads:
        raise InputError(f"Attention heads ({spec.n_heads}) must be a multiple of key/value heads ({spec.n_kv_heads}).")
    check_int("Embedding parameters", spec.embedding_params, 0, spec.n_params)
    check_int("lm_head parameters", spec.lm_head_params, 0, spec.n_params)
    if spec.embedding_params + spec.lm_head_params > spec.n_params:
        raise InputError("Embedding and lm_head parameters exceed the parameter count.")
    check_int("Sliding-window layers", spec.n_sliding_layers, 0, spec.n_layers)
