"""What a model is made of, from its config alone: `model_shape(name)` and the names importers use.

The work is split along its seams; this module resolves a name, checks admission and caches:
    core.config_sources     where a config comes from (folder, GGUF, Hub cache, Hub, shipped data)
    core.config_shape       the one reader of a config's numbers (layers, heads, window, ...)
    core.meta_build         the build on the meta device and the classification of parameters: ModelShape
    core.architecture_views the tree, groups, per-layer rows, weight sizes, comparison, code

Not here: loading weights (playground.loader), memory estimates (core.vram builds on ModelShape), words
(playground.words.architecture), anything Gradio.
"""

from __future__ import annotations

from functools import lru_cache

from playground.core.architecture_views import (
    COMPARED,
    DTYPE_BYTES,
    GQA,
    MAX_NAME_CHARS,
    MHA,
    MQA,
    CompareRow,
    GroupTotal,
    LayerRow,
    Node,
    WeightSize,
    attention_kind,
    code_for,
    compare,
    filter_params,
    group_totals,
    layer_rows,
    param_tree,
    shown_rows,
    to_json,
    weight_sizes,
)
from playground.core.config_sources import SHIPPED, find_config, shipped_config
from playground.core.meta_build import GROUPS, ModelShape, ParamInfo, build_shape, classify
from playground.errors import InputError
from playground.loader import ModelSource, resolve

__all__ = [
    "COMPARED",
    "DTYPE_BYTES",
    "GQA",
    "GROUPS",
    "MAX_NAME_CHARS",
    "MHA",
    "MQA",
    "SHIPPED",
    "CompareRow",
    "GroupTotal",
    "LayerRow",
    "ModelShape",
    "Node",
    "ParamInfo",
    "WeightSize",
    "attention_kind",
    "build_shape",
    "classify",
    "code_for",
    "compare",
    "filter_params",
    "group_totals",
    "layer_rows",
    "model_shape",
    "param_tree",
    "shipped_shape",
    "shown_rows",
    "source_shape",
    "to_json",
    "weight_sizes",
]


@lru_cache(maxsize=32)
def _shape_for(source: ModelSource) -> ModelShape:
    from playground.startup import ensure_models

    ensure_models()  # configs and meta builds resolve transformers' model modules: never two threads at once
    cfg, where = find_config(source)
    return build_shape(cfg, source.name, source.hub_id, where)


def model_shape(name: str | None) -> ModelShape:
    """The architecture of `name` (catalog name, Hub id, folder, .gguf; None = the default model).

    From the config alone, built on the meta device; cached per model. Raises InputError,
    UnknownModelError, HubUnreachableError, GatedModelError, RemoteCodeError, NotCausalLMError
    (all PlaygroundError).
    """
    if name is not None:
        if len(name) > MAX_NAME_CHARS:
            raise InputError(f"A model name has at most {MAX_NAME_CHARS} characters; this one has {len(name):,}.")
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise InputError(f"The model name {name!r} contains control characters.")
    source = resolve(name)
    from playground.admission import allowed

    allowed(source)  # hosted mode: no reading of local paths (or non-catalog repos) through this view either
    return _shape_for(source)


model_shape.cache_clear = _shape_for.cache_clear  # type: ignore[attr-defined]


def source_shape(source: ModelSource) -> ModelShape:
    """`model_shape` for a name the caller has resolved already (the loader's admission check); same cache."""
    return _shape_for(source)


@lru_cache(maxsize=64)
def shipped_shape(hub_id: str, name: str | None = None) -> ModelShape | None:
    """A catalog model's shape from playground/data/architectures.json alone (never the Hub: fast and
    offline), or None when its config is not shipped."""
    from playground.startup import ensure_models

    ensure_models()
    cfg = shipped_config(hub_id)
    return None if cfg is None else build_shape(cfg, name or hub_id, hub_id, "shipped")
