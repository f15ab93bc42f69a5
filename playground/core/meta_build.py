"""A model built from its config on the meta device, and its parameters classified: ModelShape.

`build_shape(config, name)` builds `AutoModelForCausalLM.from_config` under `torch.device("meta")` (the
thread-safe equivalent of accelerate's `init_empty_weights()`, see build_shape), so no weights are read
or downloaded and a 70B model is inspected in under a second. `AutoModelForCausalLM`, never `AutoModel`:
the latter has no LM head, so an untied `lm_head` (d_vocab x d_model) would go uncounted.
`model.tie_weights()` is called because a meta-built model lists a separate `lm_head.weight` until it
is, over-counting tied models.

Not here: where configs come from (core.config_sources), the config's numbers (core.config_shape reads
them; this module adds the exact counts), the views of a shape (core.architecture_views), weights.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from playground import config
from playground.core.config_shape import TEXT_OF_MULTIMODAL, TEXT_PART_ONLY, shape_of, text_config
from playground.errors import ModelLoadError, NotCausalLMError, PlaygroundError, RemoteCodeError

# Where the parameters live. A name maps to (group, part); the group is the treemap's middle ring.
GROUPS = ("embeddings", "attention", "mlp", "norms", "lm_head", "other")


@dataclass(frozen=True)
class ParamInfo:
    """One entry of `model.named_parameters()`."""

    name: str  # 'model.layers.0.self_attn.q_proj.weight'
    shape: tuple[int, ...]  # (576, 576)
    count: int  # product of the shape
    share: float  # count / total parameters, 0..1
    group: str  # one of GROUPS
    part: str  # finer: 'q', 'k', 'v', 'qkv', 'o', 'gate', 'up', 'down', 'tokens', 'positions'; norms: the module name
    layer: int | None  # decoder layer index, None outside the layers


@dataclass(frozen=True)
class ModelShape:
    """The numbers of one architecture. Counts are exact: built from the config, tied weights once.

    The config's numbers come from core.config_shape (d_model is `hidden`, d_head `head_dim`, d_mlp
    `intermediate`, d_vocab `vocab` here: the names of the API's JSON result and of core.vram's ModelSpec).
    """

    name: str  # what was asked for
    hub_id: str | None
    model_type: str  # config.model_type of the (text) model: 'llama', 'qwen2', 'gemma3_text', 'gpt2'
    n_params: int  # exact, tied embeddings counted once, untied lm_head counted
    n_layers: int
    hidden: int  # d_model
    n_heads: int
    n_kv_heads: int  # == n_heads without grouped-query attention
    head_dim: int  # d_head
    intermediate: int  # d_mlp, the MLP inner width
    vocab: int  # d_vocab
    tied: bool  # lm_head shares the input embedding matrix (no lm_head.weight in the list)
    max_context: int  # max_position_embeddings (n_positions for GPT-2)
    sliding_window: int | None  # tokens a sliding-window layer attends to (Gemma 3: 1024), None if no layer slides
    n_sliding_layers: int  # layers that use the window (0 if none); Gemma 3 4B: 29 of 34
    embedding_params: int  # input embedding tables: tokens, plus learned positions where present (GPT-2)
    lm_head_params: int  # 0 when tied
    architecture: str = ""  # the class built: 'LlamaForCausalLM'
    source: str = ""  # where the config came from: core.config_sources FROM_* ('folder', 'gguf', 'hub', 'shipped')
    config_dtype: str | None = None  # the dtype the weights are published in, if the config says
    gated_mlp: bool = True  # SwiGLU (gate, up, down) vs GeLU (up, down), as core.config_shape reads it
    text_part: str = ""  # core.config_shape TEXT_*: '' (a text model), 'multimodal', 'text_only'
    outer_config: str = ""  # the multimodal config's class when text_part is 'multimodal': 'Gemma3Config'
    params: tuple[ParamInfo, ...] = field(default=(), repr=False, compare=False)  # named_parameters() in order

    @property
    def gqa_ratio(self) -> float:
        """Query heads per key/value head: 1 for multi-head attention, n_heads for multi-query."""
        return self.n_heads / self.n_kv_heads if self.n_kv_heads else 1.0

    @property
    def notes(self) -> tuple[str, ...]:
        """The caveats of the API's JSON result, in English as it has always returned them (the page words
        `text_part` in its own language: playground.words.architecture)."""
        if self.text_part == TEXT_OF_MULTIMODAL:
            return (
                f"{self.outer_config} is multimodal: only its text decoder ({self.model_type}) is shown; "
                "the vision tower and projector are excluded.",
            )
        if self.text_part == TEXT_PART_ONLY:
            return (f"Only the text decoder ({self.model_type}) is shown; the vision tower is excluded.",)
        return ()

    def summary(self) -> dict[str, Any]:
        """The scalar fields, for JSON results and tables."""
        return {
            "name": self.name,
            "hub_id": self.hub_id,
            "architecture": self.architecture,
            "model_type": self.model_type,
            "source": self.source,
            "n_params": self.n_params,
            "n_layers": self.n_layers,
            "hidden": self.hidden,
            "n_heads": self.n_heads,
            "n_kv_heads": self.n_kv_heads,
            "gqa_ratio": self.gqa_ratio,
            "head_dim": self.head_dim,
            "intermediate": self.intermediate,
            "vocab": self.vocab,
            "max_context": self.max_context,
            "tied": self.tied,
            "sliding_window": self.sliding_window,
            "n_sliding_layers": self.n_sliding_layers,
            "embedding_params": self.embedding_params,
            "lm_head_params": self.lm_head_params,
            "config_dtype": self.config_dtype,
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- classifying names

_LAYER = re.compile(r"\.(?:layers|h|blocks|layer)\.(\d+)\.")
# (pattern on the name, group, part); first match wins, so the specific ones come first.
_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p), g, part)
    for p, g, part in (
        (r"(^|\.)lm_head\.", "lm_head", "lm_head"),
        (r"(embed_tokens|wte|word_embeddings|tok_embeddings)\.", "embeddings", "tokens"),
        (r"(wpe|embed_positions|position_embeddings)\.", "embeddings", "positions"),
        (r"(norm|ln_\d|ln_f|layernorm)", "norms", "norm"),
        (r"\.q_proj\.", "attention", "q"),
        (r"\.k_proj\.", "attention", "k"),
        (r"\.v_proj\.", "attention", "v"),
        (r"\.(qkv_proj|c_attn|query_key_value|Wqkv)\.", "attention", "qkv"),
        (r"\.(o_proj|out_proj|dense)\.", "attention", "o"),
        (r"attn\.c_proj\.", "attention", "o"),
        (r"\.gate_proj\.", "mlp", "gate"),
        (r"\.(up_proj|c_fc|fc1|dense_h_to_4h)\.", "mlp", "up"),
        (r"\.(gate_up_proj)\.", "mlp", "gate_up"),
        (r"\.(down_proj|fc2|dense_4h_to_h)\.", "mlp", "down"),
        (r"mlp\.c_proj\.", "mlp", "down"),
        (r"(mlp|experts|feed_forward)\.", "mlp", "other"),
        (r"(attn|attention)\.", "attention", "other"),
    )
)


def classify(name: str) -> tuple[str, str, int | None]:
    """'model.layers.3.self_attn.k_proj.weight' -> ('attention', 'k', 3);
    'model.norm.weight' -> ('norms', 'norm', None)."""
    m = _LAYER.search(name)
    layer = int(m.group(1)) if m else None
    for pattern, group, part in _RULES:
        if pattern.search(name):
            if group == "norms":  # several norms per layer: name them by module ('input_layernorm', 'q_norm')
                part = name.rsplit(".", 2)[-2] if name.count(".") >= 2 else part
            return group, part, layer
    return "other", "other", layer


# --------------------------------------------------------------------------- building on meta


def _causal_lm_configs() -> Any:
    """The config classes AutoModelForCausalLM builds without remote code (a public listing of the mapping)."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING

    return MODEL_FOR_CAUSAL_LM_MAPPING.keys()


def build_shape(cfg: Any, name: str, hub_id: str | None = None, source: str = "") -> ModelShape:
    """Build `cfg` on the meta device and read its numbers. Raises NotCausalLMError, RemoteCodeError."""
    import torch
    from transformers import AutoModelForCausalLM

    outer = cfg
    cfg, part = text_config(cfg)
    if part == TEXT_OF_MULTIMODAL:  # from_config may set fields on it: not on the caller's config
        cfg = copy.deepcopy(cfg)
    known = type(cfg) in _causal_lm_configs()
    remote = bool(getattr(cfg, "auto_map", None)) and not known
    if remote and not config.TRUST_REMOTE_CODE:
        raise RemoteCodeError(
            f"'{name}' needs Python code from its repository to build. The playground does not run it"
            + (
                " on a Space."
                if config.ON_SPACE
                else "; set PLAYGROUND_TRUST_REMOTE_CODE=1 to allow it on your own machine if you trust the repo."
            )
        )
    if not remote and not known:
        raise NotCausalLMError(
            f"'{name}' ({cfg.model_type}) is not a causal language model, so the playground cannot show it."
        )
    try:
        # torch.device("meta") rather than accelerate's init_empty_weights(): the latter patches
        # nn.Module.register_parameter for the whole process, so a model that another request
        # builds at the same moment (a real load, the int8 quantizer) would get meta parameters,
        # and two overlapping calls can leave the patch in place for good. The device context is
        # per thread, gives the same parameters (tests/core/test_architecture.py compares them
        # with an init_empty_weights() build) and is ~5x faster here. The Code section shows
        # init_empty_weights(), which is the idiom people know and is fine in a single script.
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(cfg, trust_remote_code=config.TRUST_REMOTE_CODE)
        model.tie_weights()  # else a tied model lists lm_head.weight separately (Llama-3.2-1B: +262M)
    except PlaygroundError:
        raise
    except Exception as exc:
        raise ModelLoadError(f"Could not build '{name}' from its config: {type(exc).__name__}: {exc}") from exc
    read = shape_of(outer)  # after the build: a config it refuses may lack the numbers

    named = list(model.named_parameters())  # shared tensors (tied embeddings) appear once
    total = sum(p.numel() for _, p in named)
    params = []
    for pname, p in named:
        group, part, layer = classify(pname)
        params.append(
            ParamInfo(pname, tuple(p.shape), p.numel(), p.numel() / total if total else 0.0, group, part, layer)
        )
    inp = model.get_input_embeddings()
    out = model.get_output_embeddings()
    tied = out is not None and out.weight is inp.weight  # what was built, not only what the config asks
    return ModelShape(
        name=name,
        hub_id=hub_id,
        model_type=read.model_type,
        n_params=total,
        n_layers=read.n_layers,
        hidden=read.d_model,
        n_heads=read.n_heads,
        n_kv_heads=read.n_kv_heads,
        head_dim=read.d_head,
        intermediate=read.d_mlp,
        vocab=read.d_vocab,
        tied=tied,
        max_context=read.max_context,
        sliding_window=read.sliding_window,
        n_sliding_layers=read.n_sliding_layers,
        embedding_params=sum(p.count for p in params if p.group == "embeddings"),
        lm_head_params=0 if (tied or out is None) else out.weight.numel(),
        architecture=type(model).__name__,
        source=source,
        config_dtype=read.config_dtype,
        gated_mlp=read.gated_mlp,
        text_part=read.text_part,
        outer_config=read.outer_config,
        params=tuple(params),
    )
