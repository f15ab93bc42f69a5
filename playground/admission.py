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

Not here: loading or evicting (the loader decides what to drop and passes the bytes that would free),
measuring (playground.measure), or anything Gradio.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playground import config
from playground.core import vram
from playground.core.hardware import GiB, MiB, custom
from playground.errors import ModelLoadError, ModelNotAllowedError, NotEnoughMemoryError
from playground.loader import ModelSource, gguf_cache_dir, pick_device, pick_dtype, resolve

# Kept free in each pool, never promised to a model. RAM: 1 GiB for the OS, the app itself (Python
# heap, tokenizers, Gradio: ~0.4 GB beside the weights here) and other sessions' requests in flight.
# GPU: 512 MiB for the caching allocator's fragmentation and cuBLAS workspaces. Disk: 1 GiB for the Hub
# cache's temporary files and the OS.
MARGIN = {"ram": 1 * GiB, "gpu": 512 * MiB, "disk": 1 * GiB}

# Converting a GGUF file holds its dequantized float32 tensors and the float32 model at once: measured
# 984 MB over 538 MB of float32 weights (1.83x) for SmolLM2-135M, so 2x the float32 weights.
GGUF_CONVERSION_FACTOR = 2

FORMAT = {"float32": "fp32", "bfloat16": "bf16", "float16": "fp16"}  # loader dtype -> vram weight format
# Bytes per parameter of a checkpoint on the Hub, by the dtype its config names. Unknown (GPT-2's config
# names none and its weights are float32): 4, so a download is never underestimated.
STORED_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2}


@dataclass(frozen=True)
class Demand:
    """Bytes one pool must hold at the peak of the load and a short request."""

    pool: str  # "ram" | "gpu" | "disk"
    bytes: int
    reason: str  # "run" (weights + request), "load" (weights on their way), "int8" (float32 before
    #              quantizing), "gguf" (dequantizing to float32), "download", "convert" (float32 copy on disk)
    path: str | None = None  # disk: the folder written to


@dataclass(frozen=True)
class Need:
    """What loading `name` this way needs, pool by pool, the device's pool first."""

    name: str
    device: str  # cpu | cuda | mps
    dtype: str  # float32 | bfloat16 | float16
    quantization: str  # none | int8
    n_params: int
    context: int  # tokens of the short request counted in `run`
    run: vram.Breakdown  # the VRAM Calculator's inference breakdown on the device
    demands: tuple[Demand, ...]

    @property
    def device_pool(self) -> str:
        return "ram" if self.device == "cpu" else "gpu"

    def bytes(self, pool: str) -> int:
        return max((d.bytes for d in self.demands if d.pool == pool), default=0)


# --------------------------------------------------------------------------- the arithmetic (pure)


def estimate(
    shape: Any,
    device: str,
    dtype: str,
    quantization: str = "none",
    *,
    context: int = 1024,
    convert_gguf: bool = False,
    download_bytes: int = 0,
    cuda_context: bool = True,
    disk_path: str | None = None,
) -> Need:
    """Need of a ModelShape (core.architecture) run as asked, with a `context`-token request. Pure.

    convert_gguf: a GGUF file not converted yet; download_bytes: weights missing from the Hub cache;
    cuda_context: count the CUDA context (False once this process has created it: free memory already
    excludes it). Llama-3.1-70B, cpu, float32, 1,024 tokens -> ram 283,339,412,480 B (70,553,706,496 x 4 + request).
    """
    if dtype not in FORMAT:
        raise ModelLoadError(f"Unknown dtype '{dtype}'. Choose one of: {', '.join(FORMAT)}.")
    spec = vram.spec_from_shape_obj(shape)
    fmt = FORMAT[dtype]
    inputs = vram.VramInputs(
        spec,
        mode="inference",
        weight_format=fmt,
        compute_dtype=fmt,
        context=context,
        batch=1,
        flash_attention=True,  # the loader's default attention is SDPA
        hardware=custom(1.0, kind=device),
    )  # only the kind matters: the CUDA context
    run = vram.breakdown(inputs)
    on_device = run.total if (device != "cuda" or cuda_context) else run.tensors
    demands: list[Demand] = []
    if device == "cpu":
        if quantization == "int8":
            # quantize.py keeps the float32 model until each layer is swapped, and gives a tied LM head
            # its own float32 copy (vocab x hidden) before quantizing it: the peak is float32, not int8.
            head = spec.vocab * spec.hidden * 4 if spec.tied else 0
            demands.append(Demand("ram", on_device + head, "int8"))
        else:
            demands.append(Demand("ram", on_device, "run"))
    else:
        demands.append(Demand("gpu", on_device, "run"))
        demands.append(Demand("ram", vram.weight_bytes(spec, fmt, fmt), "load"))
    if convert_gguf:
        fp32 = vram.weight_bytes(spec, "fp32", "fp32")
        demands.append(Demand("ram", GGUF_CONVERSION_FACTOR * fp32, "gguf"))
        demands.append(Demand("disk", fp32, "convert", disk_path))
    if download_bytes:
        demands.append(Demand("disk", int(download_bytes), "download", disk_path))
    # One demand per pool: the largest (the steps happen one after another, not at once).
    best: dict[str, Demand] = {}
    for d in demands:
        if d.pool not in best or d.bytes > best[d.pool].bytes:
            best[d.pool] = d
    order = ("ram", "gpu", "disk") if device == "cpu" else ("gpu", "ram", "disk")
    return Need(
        str(shape.name),
        device,
        dtype,
        quantization,
        spec.n_params,
        context,
        run,
        tuple(best[p] for p in order if p in best),
    )


def shortfall(need: Need, free: dict[str, int], evictable_bytes: int = 0) -> tuple[Demand, int] | None:
    """The first demand that does not fit, with what that pool can give (free + evictable - margin); None if all fit."""
    for d in need.demands:
        have = free.get(d.pool, 0) + (evictable_bytes if d.pool == need.device_pool else 0) - MARGIN[d.pool]
        if d.bytes > have:
            return d, have
    return None


# --------------------------------------------------------------------------- this machine


def _free_disk(path: str | Path) -> int:
    p = Path(path).expanduser()
    while not p.exists() and p != p.parent:  # the cache folder may not exist yet
        p = p.parent
    return shutil.disk_usage(p).free


def cgroup_free(root: str | Path = "/sys/fs/cgroup") -> int | None:
    """Bytes this container may still take under its memory limit (cgroup v2, else v1), None without one.

    A Space runs in a container whose /proc/meminfo (what psutil reads) shows the host's memory, not
    the container's 16 GB: limit - usage + inactive page cache (reclaimable) is what a load can get.
    """
    root = Path(root)
    for limit_f, usage_f, stat_f, key in (
        ("memory.max", "memory.current", "memory.stat", "inactive_file"),
        ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes", "memory/memory.stat", "total_inactive_file"),
    ):
        try:
            limit = (root / limit_f).read_text().strip()
            usage = int((root / usage_f).read_text())
        except (OSError, ValueError):
            continue
        if limit == "max" or int(limit) >= 1 << 60:  # v1 writes "no limit" as ~2^63
            return None
        inactive = 0
        try:
            for line in (root / stat_f).read_text().splitlines():
                name, _, value = line.partition(" ")
                if name == key:
                    inactive = int(value)
        except (OSError, ValueError):
            pass
        return max(0, int(limit) - usage + inactive)
    return None


def available(device: str = "cpu", disk_path: str | Path | None = None) -> int:
    """Bytes free now in `device`'s pool: RAM (psutil available, capped by the container's memory limit)
    on the CPU; on CUDA torch.cuda.mem_get_info,
    summed over the GPUs when there are several (the loader spreads layers with device_map="auto"); on MPS
    the GPU's recommended maximum less what it holds, at most the free RAM. With disk_path: free disk there."""
    if disk_path is not None:
        return _free_disk(disk_path)
    if device == "cuda":
        import torch

        n = torch.cuda.device_count()
        devices = range(n) if n > 1 else [torch.cuda.current_device()]
        return sum(torch.cuda.mem_get_info(i)[0] for i in devices)
    import psutil

    ram = psutil.virtual_memory().available
    limited = cgroup_free()
    if limited is not None:
        ram = min(ram, limited)
    if device == "mps":
        import torch

        wired = torch.mps.recommended_max_memory() - torch.mps.driver_allocated_memory()
        return max(0, min(wired, ram))
    return ram


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


def free_now(need: Need, known: dict[str, int] | None = None) -> dict[str, int]:
    """Free bytes of every pool `need` uses (those in `known` are not measured again)."""
    free: dict[str, int] = dict(known or {})
    for d in need.demands:
        if d.pool in free:
            continue
        if d.pool == "disk":
            free["disk"] = available(disk_path=d.path or config.CACHE_DIR)
        elif d.pool == "gpu":
            free["gpu"] = available(need.device)
        else:
            free["ram"] = available("cpu")
    return free


# --------------------------------------------------------------------------- what would fit instead


def cheapest_fit(need: Need, source: ModelSource, free: dict[str, int], evictable: int = 0) -> str | None:
    """The cheapest change that fits, in words: a 16-bit dtype, the CPU, else the largest catalog model.

    The CPU int8 mode is never offered: it loads float32 first, so it needs at least what float32 needs.
    Catalog models are judged from their shipped configs (no Hub request), their downloads not counted.
    """
    from playground.core.architecture import shipped_shape, source_shape

    shape = source_shape(source)
    convert = any(d.reason == "gguf" for d in need.demands)
    download = next((d.bytes for d in need.demands if d.reason == "download"), 0)
    ctx, path = need.context, next((d.path for d in need.demands if d.pool == "disk"), None)
    tries: list[tuple[str, Need]] = []
    half = "bfloat16" if need.device == "cpu" else pick_dtype(need.device, "auto")
    if need.dtype == "float32" and half != "float32":
        slower = "; slower than float32 on most CPUs" if need.device == "cpu" else ""
        tries.append(
            (
                f"dtype {half}{{}}{slower}",
                estimate(
                    shape,
                    need.device,
                    half,
                    "none",
                    context=ctx,
                    convert_gguf=convert,
                    download_bytes=download,
                    disk_path=path,
                ),
            )
        )
    if need.device != "cpu":
        tries.append(
            (
                "device cpu{}",
                estimate(
                    shape,
                    "cpu",
                    "float32",
                    "none",
                    context=ctx,
                    convert_gguf=convert,
                    download_bytes=download,
                    disk_path=path,
                ),
            )
        )
    for words, alt in tries:
        if shortfall(alt, free_now(alt, free), evictable) is None:
            return words.format(f" (needs {vram.human(alt.bytes(alt.device_pool))})")
    fitting: list[tuple[int, str, Need]] = []
    for entry in config.settings().catalog:
        if entry.hub_id.lower() == (source.hub_id or "").lower():
            continue
        alt_shape = shipped_shape(entry.hub_id, entry.name)
        if alt_shape is None or alt_shape.n_params >= need.n_params:
            continue
        dt = pick_dtype(need.device, "auto")
        alt = estimate(
            alt_shape,
            need.device,
            dt,
            "none",
            context=ctx,
            convert_gguf=bool(entry.embedded or getattr(entry, "parts", ())),
        )  # embedded: GGUF
        if shortfall(alt, free_now(alt, free), evictable) is None:
            fitting.append((alt_shape.n_params, entry.name, alt))
    if fitting:
        _, name, alt = max(fitting, key=lambda t: t[0])  # the largest that fits loses the least
        return f"the catalog model {name} in {alt.dtype} (needs {vram.human(alt.bytes(alt.device_pool))})"
    return None


# --------------------------------------------------------------------------- the gate


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


_POOL_WORDS = {"ram": "RAM", "gpu": "GPU memory", "disk": "disk space"}
_REASON_WORDS = {
    "run": "to hold its weights and answer a {ctx:,}-token request in {dtype} on the {device}",
    "load": "to load its {dtype} weights, which pass through CPU RAM on their way to the {device}",
    "int8": "to load it in float32 before quantizing to int8, with a {ctx:,}-token request",
    "gguf": "to dequantize its GGUF file to float32 once (the first load converts it)",
    "download": "to download its weights into {path}",
    "convert": "to write its float32 copy into {path} (the first load converts the GGUF file)",
}


def refusal(
    need: Need, demand: Demand, have: int, free: int, evictable_bytes: int, option: str | None
) -> NotEnoughMemoryError:
    """The error for a demand that does not fit, every number in it (bytes as GB and GiB)."""
    device = {"cpu": "CPU", "cuda": "GPU", "mps": "Apple GPU"}[need.device]
    why = _REASON_WORDS[demand.reason].format(ctx=need.context, dtype=need.dtype, device=device, path=demand.path)
    pool = (
        "GPU memory"
        if demand.pool == "gpu" and need.device == "cuda"
        else ("unified memory the GPU may use" if demand.pool == "gpu" else _POOL_WORDS[demand.pool])
    )
    parts = [f"{vram.human(free)} free now"]
    if evictable_bytes and demand.pool == need.device_pool:
        parts.append(f"+ {vram.human(evictable_bytes)} from unused models it can drop")
    parts.append(f"- {vram.human(MARGIN[demand.pool])} kept for the system and the app")
    fix = (
        f"Cheapest option that fits: {option}."
        if option
        else "Nothing smaller in the catalog fits in what is free now either."
    )
    message = (
        f"{need.name} cannot be loaded here: it needs {vram.human(demand.bytes)} of {pool} {why}, and "
        f"this machine can give it {vram.human(max(0, have))} ({' '.join(parts)}). {fix} The VRAM "
        "Calculator tab shows where these bytes go and what else would fit."
    )
    return NotEnoughMemoryError(message, pool=demand.pool, need=demand.bytes, free=max(0, have), option=option)


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
