"""The one reader of a transformers config: its numbers under TransformerLens names.

`shape_of(config)` -> ConfigShape (n_layers, d_model, n_heads, n_kv_heads, d_head, d_mlp, d_vocab, tied,
gated_mlp, the sliding window, the context length, the text part of a multimodal config). Everything that
needs heads, layers or the window from a config asks here: the meta-device build (core.architecture), the
memory measurement of a loaded model (playground.measure), the attention groups (core.attention) and the
Attention tab's head choices. A config is read as is: GPT-2 names (n_layer, n_embd, n_head, n_inner) and
Llama names (num_hidden_layers, hidden_size, ...) both work; a multimodal config is read through its text
decoder.

Not here: where configs come from (core.config_sources), parameter counts (they need the meta build:
core.meta_build), anything that loads weights or imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# MLPs without a gate (two matrices, GeLU); every other model type is read as SwiGLU-style (gate, up, down).
NON_GATED = frozenset(
    {
        "gpt2",
        "gpt_neo",
        "gpt_neox",
        "gptj",
        "opt",
        "bloom",
        "falcon",
        "phi",
        "gpt_bigcode",
        "starcoder2",
        "mpt",
        "codegen",
    }
)

# What a config says about its text part (worded by the tabs, never here).
TEXT_ALL = ""  # the config is a text model
TEXT_OF_MULTIMODAL = "multimodal"  # a multimodal config (Gemma3Config): only its text decoder is read
TEXT_PART_ONLY = "text_only"  # the text part of a multimodal model given alone ('gemma3_text')


@dataclass(frozen=True)
class ConfigShape:
    """The numbers a config declares. Parameter counts are not here: they come from the meta build."""

    model_type: str  # of the text model: 'llama', 'qwen2', 'gemma3_text', 'gpt2'
    n_layers: int
    d_model: int  # hidden size
    n_heads: int  # query heads
    n_kv_heads: int  # key/value heads; == n_heads without grouped-query attention
    d_head: int  # per head; n_heads * d_head may differ from d_model (Gemma 3)
    d_mlp: int  # MLP inner width (GPT-2: n_inner None means 4 x d_model)
    d_vocab: int
    tied: bool  # the config asks for the lm_head to share the input embedding matrix
    gated_mlp: bool  # SwiGLU (gate, up, down) vs GeLU (up, down)
    max_context: int  # max_position_embeddings (n_positions for GPT-2); 0 if the config says neither
    sliding_window: int | None  # tokens a sliding-window layer attends to; None if no layer slides
    n_sliding_layers: int  # layers that use the window; Gemma 3 4B: 29 of 34
    text_part: str = TEXT_ALL  # TEXT_ALL, TEXT_OF_MULTIMODAL or TEXT_PART_ONLY
    outer_config: str = ""  # the multimodal config's class when text_part is TEXT_OF_MULTIMODAL: 'Gemma3Config'
    config_dtype: str | None = None  # the dtype the weights are published in, if the config says: 'bfloat16'


def text_config(cfg: Any) -> tuple[Any, str]:
    """(the text decoder's config, text_part): Gemma3Config -> (its Gemma3TextConfig, TEXT_OF_MULTIMODAL).

    The returned config is the object the multimodal config holds, not a copy: copy it before changing it.
    """
    get_text = getattr(cfg, "get_text_config", None)
    text = get_text(decoder=True) if get_text else cfg
    if text is not None and text is not cfg:
        return text, TEXT_OF_MULTIMODAL
    if str(getattr(cfg, "model_type", "")).endswith("_text"):
        return cfg, TEXT_PART_ONLY
    return cfg, TEXT_ALL


def _first(cfg: Any, *names: str) -> Any:
    """The first of `names` the config sets (not None): GPT-2 and Llama spell the same number differently."""
    for name in names:
        value = getattr(cfg, name, None)
        if value is not None:
            return value
    return None


def sliding(cfg: Any, n_layers: int) -> tuple[int | None, int]:
    """(window, layers using it). Gemma 3 lists layer_types; older configs (Mistral) set sliding_window
    for every layer unless use_sliding_window is False (Qwen2)."""
    window = getattr(cfg, "sliding_window", None)
    types = getattr(cfg, "layer_types", None)
    if types:
        n = sum(1 for t in types if t == "sliding_attention")
    elif window and getattr(cfg, "use_sliding_window", True):
        n = n_layers
    else:
        n = 0
    return (int(window), n) if window and n else (None, 0)


def shape_of(cfg: Any) -> ConfigShape:
    """A transformers config (a multimodal one too) -> its ConfigShape.

    SmolLM2-135M's LlamaConfig -> n_layers 30, d_model 576, n_heads 9, n_kv_heads 3, d_head 64, d_mlp 1536,
    d_vocab 49152, tied, gated, no sliding window.
    """
    outer = cfg
    cfg, part = text_config(cfg)
    n_layers = int(_first(cfg, "num_hidden_layers", "n_layer"))
    d_model = int(_first(cfg, "hidden_size", "n_embd"))
    n_heads = int(_first(cfg, "num_attention_heads", "n_head"))
    n_kv_heads = int(_first(cfg, "num_key_value_heads") or n_heads)
    window, n_sliding = sliding(cfg, n_layers)
    dtype = getattr(cfg, "dtype", None)
    model_type = str(getattr(cfg, "model_type", ""))
    tied = _first(cfg, "tie_word_embeddings")
    if tied is None:  # some multimodal configs keep the flag on the outer config
        tied = getattr(outer, "tie_word_embeddings", True)
    return ConfigShape(
        model_type=model_type,
        n_layers=n_layers,
        d_model=d_model,
        n_heads=n_heads,
        n_kv_heads=n_kv_heads,
        d_head=int(_first(cfg, "head_dim") or d_model // n_heads),
        d_mlp=int(_first(cfg, "intermediate_size", "n_inner") or 4 * d_model),
        d_vocab=int(cfg.vocab_size),
        tied=bool(tied),
        gated_mlp=model_type not in NON_GATED,
        max_context=int(_first(cfg, "max_position_embeddings", "n_positions") or 0),
        sliding_window=window,
        n_sliding_layers=n_sliding,
        text_part=part,
        outer_config=type(outer).__name__ if part == TEXT_OF_MULTIMODAL else "",
        config_dtype=str(dtype).replace("torch.", "") if dtype is not None else None,
    )
