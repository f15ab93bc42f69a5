"""The full estimate of one setting: per-GPU bytes, CPU RAM, a verdict, the cheapest fixes, a speed ceiling and
notes, all as numbers and codes (`VramEstimate`).

The tab words the verdict and notes in the page's language; the core never writes sentences for people
(its errors, which quote values, stay English). Not here: the arithmetic (see `arithmetic`), the searches
(see `search`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.core.hardware import GB
from playground.core.vram.arithmetic import (
    Breakdown,
    VramInputs,
    inference_bytes,
    training_bytes,
    validate,
    weight_bytes,
)
from playground.core.vram.fixes import Fix
from playground.core.vram.formats import FORMAT
from playground.core.vram.search import best_fixes, gpus_needed

VERDICT_KINDS = ("fits", "over", "over_never", "over_needs")  # over: no count searched (not CUDA, or no fixes)
NOTE_CODES = (
    "assumed_shape",
    "no_bf16",
    "no_fp8",
    "cuda_only_format",
    "unified_memory",
    "weights_exceed_unified",
    "cpu_ram_loading",
)


@dataclass(frozen=True)
class Verdict:
    """Whether it fits, in numbers: kind is one of VERDICT_KINDS."""

    kind: str
    total: int  # bytes per device
    usable: int  # bytes one device offers
    device: str  # the hardware's label
    n_gpus: int
    gpus_needed: int | None = None  # over_needs: this many devices hold it
    split: str = ""  # over_needs: "layers" (inference) or "zero3" (training)


@dataclass(frozen=True)
class Note:
    """Something worth knowing about the setting: a code (one of NOTE_CODES) and the values it quotes."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Speed:
    bytes_per_step: int  # weights + KV cache read per decoding step (all GPUs)
    bandwidth_gbs: float
    tokens_per_s: float  # ceiling per sequence
    tokens_per_s_batch: float  # ceiling summed over the batch


@dataclass(frozen=True)
class VramEstimate:
    inputs: VramInputs
    per_gpu: Breakdown
    cpu_ram_loading: int  # bytes of CPU RAM to load the checkpoint (worst case: all of it)
    cpu_ram_offload: int  # bytes of CPU RAM holding offloaded states (all GPUs together)
    trainable_params: int
    global_batch_sequences: int
    global_batch_tokens: int
    usable: int  # bytes one device offers (the bar's limit)
    fits: bool
    verdict: Verdict
    gpus_needed: int | None  # smallest GPU count that fits (ZeRO-3 for training), None if none does
    fixes: tuple[Fix, ...]
    speed: Speed | None
    notes: tuple[Note, ...]


def _speed(i: VramInputs, per: Breakdown) -> Speed | None:
    bw = i.hardware.bandwidth_gbs
    if i.mode != "inference" or not bw:
        return None
    # Each decoding step reads every weight once and every sequence's cache; layers split over GPUs run
    # one after another, so the bytes add up across GPUs.
    step = (per.weights + per.kv_cache) * i.n_gpus
    tps = bw * GB / step
    return Speed(step, bw, tps, tps * i.batch)


def _notes(i: VramInputs) -> tuple[Note, ...]:
    hw, notes = i.hardware, []
    if i.model.assumed_shape:
        notes.append(Note("assumed_shape", {"n_layers": i.model.n_layers, "hidden": i.model.hidden}))
    if i.compute_dtype == "bf16" and hw.kind == "cuda" and not hw.bf16:
        notes.append(Note("no_bf16", {"device": hw.label}))
    if (i.weight_format == "fp8" or i.kv_dtype == "fp8") and hw.kind == "cuda" and not hw.fp8:
        notes.append(Note("no_fp8", {"device": hw.label}))
    if i.mode == "inference" and FORMAT[i.weight_format].family in ("bnb", "gptq", "fp8") and hw.kind != "cuda":
        notes.append(Note("cuda_only_format", {"format": i.weight_format}))
    if hw.kind == "mps":
        notes.append(Note("unified_memory", {"share": hw.gpu_share, "ram_bytes": hw.total_bytes}))
    if hw.host_ram_bytes and i.mode == "inference":
        need = weight_bytes(i.model, i.weight_format, i.compute_dtype)
        if hw.kind == "mps" and need > hw.usable_bytes:
            notes.append(Note("weights_exceed_unified", {"need": need, "ram_bytes": hw.total_bytes}))
        elif need > hw.host_ram_bytes and hw.kind != "mps":
            notes.append(Note("cpu_ram_loading", {"need": need, "device": hw.label, "host": hw.host_ram_bytes}))
    return tuple(notes)


def _verdict(i: VramInputs, per: Breakdown, usable: int, gpus: int | None) -> Verdict:
    total, hw = per.total, i.hardware
    if total <= usable:
        kind = "fits"
    elif hw.kind != "cuda":
        kind = "over"
    else:
        kind = "over_never" if gpus is None else "over_needs"
    split = "zero3" if i.mode == "training" else "layers"
    return Verdict(
        kind,
        total,
        usable,
        hw.label,
        i.n_gpus,
        gpus if kind == "over_needs" else None,
        split if kind == "over_needs" else "",
    )


def estimate(inputs: VramInputs, with_fixes: bool = True) -> VramEstimate:
    """The full estimate: per-GPU breakdown, CPU RAM, verdict, cheapest fixes, speed ceiling."""
    validate(inputs)
    i, spec = inputs, inputs.model
    if i.mode == "training":
        per, offload, trainable = training_bytes(i)
    else:
        per, offload, trainable = inference_bytes(i), 0, 0
    usable = i.hardware.usable_bytes
    fits = per.total <= usable
    gpus = i.n_gpus if fits else (gpus_needed(i) if with_fixes else None)
    fixes = () if fits or not with_fixes else best_fixes(i, per.total)
    fmt = i.weight_format if i.mode == "inference" else ("bf16" if i.mixed_precision else "fp32")
    loading = weight_bytes(spec, fmt, i.compute_dtype)
    n_dp = i.n_gpus if i.mode == "training" else 1
    seqs = i.batch * (i.grad_accum if i.mode == "training" else 1) * n_dp
    return VramEstimate(
        i,
        per,
        loading,
        offload,
        trainable,
        seqs,
        seqs * i.context,
        usable,
        fits,
        _verdict(i, per, usable, gpus),
        gpus,
        fixes,
        _speed(i, per),
        _notes(i),
    )
