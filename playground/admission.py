"""Admission before download: will a model fit on this machine? Judged from its config alone.

The loader calls `check(source, device, dtype, quantization, evictable_bytes)` before it downloads or
reads a single weight. `required()` estimates what the load needs with the VRAM Calculator's own
arithmetic (`core.vram.breakdown` on the ModelSpec of the config that `core.architecture` builds on the
meta device); `available()` says what is free now; a model that cannot fit is refused at once with a
NotEnoughMemoryError that gives both numbers and the cheapest change that would fit. In hosted mode
(`config.HOSTED`) anything outside the catalog is refused first, with ModelNotAllowedError.

Three pools are checked, each against its own free space:
    ram   CPU RAM. On the CPU the model runs there; on a GPU the weights still pass through it, because
          from_pretrained builds the model on the CPU and the loader moves it. A GGUF file is first
          dequantized to float32 (loader.converted_folder), and the CPU int8 mode loads float32 first.
    gpu   CUDA memory (all GPUs summed under device_map="auto") or the GPU's share of Apple unified memory.
    disk  what is written before the load: a Hub download not in the local cache, a GGUF's float32 copy.

Split by job: the arithmetic in playground.admission_estimate, what is free now in playground.resources,
the cheapest fit and the refusal's words in playground.admission_refusal; this module is the gate (hosted
mode, a model's need on this machine, the check) and names the others' public names for its callers.

Not here: loading or evicting (the loader decides what to drop and passes the bytes that would free),
measuring (playground.measure), or anything Gradio.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playground import config
from playground.admission_estimate import (
    FORMAT,
    GGUF_CONVERSION_FACTOR,
    MARGIN,
    STORED_BYTES,
    Demand,
    Need,
    estimate,
    shortfall,
)
from playground.admission_refusal import cheapest_fit, refusal
from playground.errors import ModelLoadError, ModelNotAllowedError, NotEnoughMemoryError
from playground.loader import ModelSource, gguf_cache_dir, pick_device, pick_dtype, resolve
from playground.resources import available, cgroup_free, free_now

__all__ = [
    "FORMAT",
    "GGUF_CONVERSION_FACTOR",
    "MARGIN",
    "STORED_BYTES",
    "Demand",
    "Need",
    "NotEnoughMemoryError",
    "allowed",
    "available",
    "cgroup_free",
    "cheapest_fit",
    "check",
    "estimate",
    "free_now",
    "refusal",
    "required",
    "shortfall",
]


def _download_bytes(source: ModelSource, shape: Any) -> int:
    """Bytes a load of a Hub model would download: 0 when its weights are in the local Hub cache (or the
    Hub is switched off: then nothing is downloaded). Counts the shards already there."""
    from huggingface_hub import constants, try_to_load_from_cache

    if source.kind != "hub" or constants.HF_HUB_OFFLINE:
        return 0
    repo = source.location
    total = int(shape.n_params * STORED_BYTES.get(str(shape.config_dtype), 4))
    index = try_to_load_from_cache(repo, "model.safetensors.index.json")
    if isinstance(index, str):
        shards = set(json.loads(Path(index).read_text(encoding="utf-8")).get("weight_map", {}).values())
        have = [p for p in (try_to_load_from_cache(repo, s) for s in shards) if isinstance(p, str)]
        return 0 if len(have) == len(shards) else max(0, total - sum(Path(p).stat().st_size for p in have))
    for name in ("model.safetensors", "pytorch_model.bin"):
        if isinstance(try_to_load_from_cache(repo, name), str):
            return 0
    return total


def _resolve_options(device: str, dtype: str, quantization: str) -> tuple[str, str, str]:
    """'auto' resolved the way the loader resolves it; bad values refused with the loader's words."""
    dev = pick_device(device)
    dt = pick_dtype(dev, dtype)
    quantization = quantization or "none"
    if quantization not in ("none", "int8"):
        raise ModelLoadError(f"Unknown quantization '{quantization}'. Choose one of: none, int8.")
    if quantization == "int8" and (dev != "cpu" or dt != "float32"):
        raise ModelLoadError(
            "The int8 mode quantizes float32 linear layers for the CPU: "
            f"choose device cpu and dtype float32 (this choice is {dt} on {dev})."
        )
    return dev, dt, quantization


def required(
    source: ModelSource | str | None, device: str = "auto", dtype: str = "auto", quantization: str = "none"
) -> Need:
    """What loading `source` this way needs on this machine, from its config alone (no weight is read).

    Raises what core.architecture raises for a config it cannot read (UnknownModelError,
    HubUnreachableError, RemoteCodeError, NotCausalLMError ...), and ModelLoadError for bad options.
    """
    from playground.core.architecture import source_shape

    if not isinstance(source, ModelSource):
        source = resolve(source)
    dev, dt, quantization = _resolve_options(device, dtype, quantization)
    shape = source_shape(source)
    convert = source.kind == "gguf" and not (gguf_cache_dir(Path(source.location)) / "config.json").is_file()
    download = _download_bytes(source, shape)
    if convert:
        disk = str(config.CACHE_DIR)
    else:
        from huggingface_hub import constants

        disk = str(constants.HF_HUB_CACHE)
    cuda_context = True
    if dev == "cuda":
        import torch

        cuda_context = not torch.cuda.is_initialized()
    return estimate(
        shape,
        dev,
        dt,
        quantization,
        context=config.settings().limits.max_forward_tokens,
        convert_gguf=convert,
        download_bytes=download,
        cuda_context=cuda_context,
        disk_path=disk,
    )


def allowed(source: ModelSource) -> None:
    """Hosted mode: ModelNotAllowedError unless `source` is a catalog model (its Hub id, or its embedded file)."""
    if not config.HOSTED or config.ALLOW_ANY_MODEL:
        return
    if source.hub_id and config.settings().entry(source.hub_id) is not None:
        return
    what = {"folder": "a local folder", "gguf": "a local .gguf file"}.get(
        source.kind, "a Hub model outside the catalog"
    )
    raise ModelNotAllowedError(
        f"This shared playground loads catalog models only, and '{source.name}' is {what}. Pick a model "
        "from the list, or run the playground on your own machine (the operator of this instance can set "
        "PLAYGROUND_ALLOW_ANY_MODEL=1 to allow any model)."
    )


def check(
    source: ModelSource | str | None,
    device: str = "auto",
    dtype: str = "auto",
    quantization: str = "none",
    evictable_bytes: int = 0,
) -> int:
    """Refuse a load that cannot fit, before any download or weight read; else return the bytes that
    must be free in `device`'s pool (RAM on the CPU) when it starts: the need plus the kept margin.

    evictable_bytes: what the caller could free in that pool by dropping unused models. Raises
    ModelNotAllowedError (hosted mode), NotEnoughMemoryError, or the config errors of `required`.
    """
    if not isinstance(source, ModelSource):
        source = resolve(source)
    allowed(source)
    need = required(source, device, dtype, quantization)
    free = free_now(need)
    short = shortfall(need, free, evictable_bytes)
    if short is not None:
        demand, have = short
        option = cheapest_fit(need, source, free, evictable_bytes)
        raise refusal(need, demand, have, free[demand.pool], evictable_bytes, option)
    return need.bytes(need.device_pool) + MARGIN[need.device_pool]
