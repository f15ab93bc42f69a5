"""What could change to make a setting fit: single changes as codes with values (`Change`), and a `Fix`
(one or more changes, the changed inputs and their new total).

The candidates come cheapest first (least loss in quality, speed or effort). The tab words each code in
the page's language (English: "KV cache in fp8", "context 2,048 tokens instead of 4,096", ...).
Not here: choosing among them, or combining them (see `search`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from playground.core.vram.arithmetic import VramInputs
from playground.core.vram.formats import DTYPE_BYTES, FORMAT, KV_DTYPE_BYTES

# Codes of a Change, with the values each one carries (the wording lives with the tab):
#   inference: kv_fp8, flash_kernels, weight_format {format}, batch_1
#   training:  fused_ce, flash, selective, full_checkpointing, micro_batch_1 {steps}, adam8bit,
#              zero {stage, n_gpus}, offload, lora {rank}, qlora {rank}
#   both:      context {tokens, was}, context_max {tokens, was} (the most that fits), nothing_else
CHANGE_CODES = (
    "kv_fp8",
    "flash_kernels",
    "weight_format",
    "batch_1",
    "fused_ce",
    "flash",
    "selective",
    "full_checkpointing",
    "micro_batch_1",
    "adam8bit",
    "zero",
    "offload",
    "lora",
    "qlora",
    "context",
    "context_max",
    "nothing_else",
)


@dataclass(frozen=True)
class Change:
    """One change to the settings: a code and the values its wording needs."""

    code: str  # one of CHANGE_CODES
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fix:
    """Changes that together give `inputs`, whose per-GPU total is `total` bytes."""

    changes: tuple[Change, ...]
    inputs: VramInputs  # the changed inputs
    total: int  # new per-GPU total, bytes
    fits: bool
    devices: int = 0  # > 0: the answer also moves to this many devices of the same kind
    split: str = ""  # how the work is split across them: "layers" (inference) or "zero3" (training)
    still_too_large: bool = False  # a combined answer that does not fit says so first


def candidates(i: VramInputs) -> list[tuple[Change, VramInputs]]:
    """Single changes, cheapest first (least loss in quality, speed or effort)."""
    out: list[tuple[Change, VramInputs]] = []
    hw = i.hardware
    if i.mode == "inference":
        kv = KV_DTYPE_BYTES.get(i.kv_dtype, DTYPE_BYTES[i.compute_dtype])
        if kv > 1:
            out.append((Change("kv_fp8"), replace(i, kv_dtype="fp8")))
        if not i.flash_attention:
            out.append((Change("flash_kernels"), replace(i, flash_attention=True)))
        current_bits = FORMAT[i.weight_format].bits
        order = ["fp8", "int8", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "nf4-dq", "gptq", "q4_0", "q2_k"]
        if hw.kind != "cuda":  # bitsandbytes/GPTQ/AWQ/fp8 are CUDA formats; llama.cpp runs everywhere
            order = [k for k in order if FORMAT[k].family == "gguf"]
        elif not hw.fp8:
            order.remove("fp8")
        for key in order:
            if FORMAT[key].bits < current_bits:
                out.append((Change("weight_format", {"format": key}), replace(i, weight_format=key)))
        if i.batch > 1:
            out.append((Change("batch_1"), replace(i, batch=1)))
    else:
        if not i.fused_ce:
            out.append((Change("fused_ce"), replace(i, fused_ce=True)))
        if not i.flash_attention:
            out.append((Change("flash"), replace(i, flash_attention=True)))
        if i.checkpointing == "none":
            out.append((Change("selective"), replace(i, checkpointing="selective")))
        if i.checkpointing != "full":
            out.append((Change("full_checkpointing"), replace(i, checkpointing="full")))
        if i.batch > 1:
            steps = i.grad_accum * i.batch
            out.append((Change("micro_batch_1", {"steps": steps}), replace(i, batch=1, grad_accum=steps)))
        if i.optimizer == "adamw":
            out.append((Change("adam8bit"), replace(i, optimizer="adamw8bit")))
        if i.n_gpus > 1:
            for stage in range(i.zero_stage + 1, 4):
                out.append((Change("zero", {"stage": stage, "n_gpus": i.n_gpus}), replace(i, zero_stage=stage)))
        if not i.offload:
            out.append((Change("offload"), replace(i, offload=True)))
        if i.method == "full":
            out.append((Change("lora", {"rank": i.lora_rank}), replace(i, method="lora")))
        if i.method != "qlora" and hw.kind == "cuda":
            out.append((Change("qlora", {"rank": i.lora_rank}), replace(i, method="qlora")))
    if i.context > 512:
        short = max(512, i.context // 2)
        out.append((Change("context", {"tokens": short, "was": i.context}), replace(i, context=short)))
    return out


def changed_fields(a: VramInputs, b: VramInputs) -> tuple[str, ...]:
    """Names of the fields where `b` differs from `a`: ('weight_format',), ('batch', 'grad_accum'), ..."""
    return tuple(f.name for f in fields(VramInputs) if getattr(a, f.name) != getattr(b, f.name))


def apply(base: VramInputs, origin: VramInputs, changes: list[tuple[Change, VramInputs]]) -> VramInputs:
    """`base` with each change (a candidate made from `origin`) applied: its changed fields copied over."""
    for _change, changed in changes:
        base = replace(base, **{name: getattr(changed, name) for name in changed_fields(origin, changed)})
    return base
