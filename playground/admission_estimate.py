"""What loading a model needs, pool by pool: the pure arithmetic of admission (playground.admission).

`estimate(shape, device, dtype, ...)` turns a ModelShape (core.architecture) into a Need: one Demand per pool
(ram, gpu, disk), each the largest of the steps a load goes through (weights and a short request, weights
on their way through CPU RAM, float32 before int8, a GGUF's dequantization, a download, a converted copy),
with the VRAM Calculator's own arithmetic (`core.vram.breakdown`). `shortfall()` says which demand does not
fit in what a pool can give.

Not here: measuring what is free (playground.resources), reading configs or the Hub cache, the refusal's
words (playground.admission_refusal), the gate (playground.admission). No torch, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.core import vram
from playground.core.hardware import GiB, MiB, custom
from playground.errors import ModelLoadError

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
