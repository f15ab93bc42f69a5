"""The VRAM Calculator's form as one dataclass: the fields the `vram_estimate` endpoint takes, in its order,
with its types and defaults, and the one function that turns them into `VramInputs`.

The tab builds its components and its handler's signature from `VramForm`'s fields, so the order of
components, parameters and values cannot drift apart. Not here: components (gradio), words.
"""

from __future__ import annotations

import inspect
from dataclasses import MISSING, dataclass, fields, replace
from typing import Any

from playground.core import hardware
from playground.core.vram.arithmetic import VramInputs
from playground.core.vram.spec import spec_from_count, spec_from_shape, spec_from_shape_obj
from playground.errors import InputError

SOURCES = ("model", "count", "shape")  # where the model comes from: a name, a parameter count, a full shape
WHOLE = ("context", "batch", "lora_rank", "grad_accum", "zero_stage", "n_gpus")  # sent as numbers, must be whole


@dataclass(frozen=True)
class VramForm:
    """The endpoint's parameters, in order. Numbers may arrive as floats (3.0); `to_inputs` checks them."""

    model: str  # a model name (catalog, Hub id, folder, .gguf): read from its config only
    source: str = "model"  # one of SOURCES
    params_b: float = 8.0  # parameters, billions (count; shape: overrides the counted parameters)
    layers: int = 32
    hidden: int = 4096
    heads: int = 32
    kv_heads: int = 8  # 0 = same as heads
    head_dim: int = 0  # 0 = hidden / heads
    intermediate: int = 14336  # 0 = 8/3 hidden
    vocab: int = 128256
    tied: bool = False
    mode: str = "inference"
    weight_format: str = "bf16"
    context: int = 4096
    batch: int = 1
    kv_dtype: str = "auto"
    method: str = "full"
    lora_rank: int = 16
    optimizer: str = "adamw"
    mixed_precision: bool = True
    checkpointing: str = "none"
    flash_attention: bool = True
    fused_ce: bool = False
    grad_accum: int = 1
    zero_stage: int = 0
    offload: bool = False
    hardware: str = "t4"
    custom_gb: float = 24.0
    n_gpus: int = 1
    apple_share: float = 0.0  # Apple: GPU share of unified memory, 0 = the default


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(VramForm))
FIELD_TYPES: dict[str, type] = {
    f.name: {"str": str, "int": int, "float": float, "bool": bool}[str(f.type)] for f in fields(VramForm)
}


def api_signature() -> inspect.Signature:
    """The endpoint's parameters: VramForm's fields (names, types, defaults, order), then `lang`, the page's
    language ("en" by default, so calls written before it existed keep working)."""
    params = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=FIELD_TYPES[f.name],
            default=inspect.Parameter.empty if f.default is MISSING else f.default,
        )
        for f in fields(VramForm)
    ]
    params.append(inspect.Parameter("lang", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str, default="en"))
    return inspect.Signature(params, return_annotation=tuple)


def _whole(form: VramForm) -> VramForm:
    """Gradio numbers arrive as floats; the core wants whole numbers (and says so if they are not)."""
    values: dict[str, Any] = {}
    for name in WHOLE:
        v = getattr(form, name)
        if isinstance(v, float) and v.is_integer():
            values[name] = int(v)
        elif v is None:
            raise InputError(f"{name.replace('_', ' ').capitalize()} is empty.")
    return replace(form, **values) if values else form


def to_inputs(form: VramForm) -> VramInputs:
    """The form -> what the arithmetic takes: the model spec from its source, the device (preset, custom
    size or an Apple share), the compute dtype the device runs (fp16 where bf16 is only emulated)."""
    f = _whole(form)
    if f.source == "count":
        if f.params_b is None:
            raise InputError("Enter a parameter count in billions.")
        spec = spec_from_count(round(float(f.params_b) * 1e9))
    elif f.source == "shape":
        spec = spec_from_shape(
            f.layers,
            f.hidden,
            f.heads,
            f.kv_heads or None,
            f.head_dim or None,
            f.intermediate or None,
            f.vocab,
            bool(f.tied),
            n_params=round(float(f.params_b) * 1e9) if f.params_b else None,
        )
    elif f.source == "model":
        from playground.core.architecture import model_shape  # cached, config only

        spec = spec_from_shape_obj(model_shape(f.model or None))
    else:
        raise InputError(f"Unknown model source '{f.source}'. Choose model, count or shape.")
    if (f.hardware or "").strip().lower() == "custom":
        device = hardware.custom(float(f.custom_gb) if f.custom_gb is not None else -1)
    else:
        device = hardware.preset(f.hardware)
    if device.kind == "mps" and f.apple_share:
        device = hardware.with_share(device, float(f.apple_share))
    compute = "bf16" if device.bf16 or device.kind != "cuda" else "fp16"
    return VramInputs(
        model=spec,
        mode=f.mode,
        weight_format=f.weight_format,
        compute_dtype=compute,
        kv_dtype=f.kv_dtype,
        context=f.context,
        batch=f.batch,
        method=f.method,
        lora_rank=f.lora_rank,
        optimizer=f.optimizer,
        mixed_precision=bool(f.mixed_precision),
        checkpointing=f.checkpointing,
        flash_attention=bool(f.flash_attention),
        fused_ce=bool(f.fused_ce),
        grad_accum=f.grad_accum,
        zero_stage=f.zero_stage,
        offload=bool(f.offload),
        n_gpus=f.n_gpus,
        hardware=device,
    )


_PARAMS = (*FIELD_NAMES, "lang")
_DEFAULTS = {f.name: f.default for f in fields(VramForm) if f.default is not MISSING} | {"lang": "en"}


def from_call(*args: Any, **kwargs: Any) -> tuple[VramForm, str]:
    """The endpoint's arguments (positional as gradio sends them, or by name) -> (the form, the language).
    Binds as `api_signature()` would, without inspect's cost (every request comes through here)."""
    if len(args) > len(_PARAMS):
        raise TypeError(f"vram_estimate takes at most {len(_PARAMS)} arguments, got {len(args)}")
    given = dict(zip(_PARAMS, args))
    for name in kwargs:
        if (name not in _DEFAULTS and name != "model") or name in given:
            raise TypeError(f"vram_estimate got an unexpected or repeated argument '{name}'")
    values = _DEFAULTS | given | kwargs
    if "model" not in values:
        raise TypeError("vram_estimate needs a model (a name; used when source is 'model')")
    lang = values.pop("lang")
    return VramForm(**values), lang
