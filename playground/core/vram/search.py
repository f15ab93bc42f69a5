"""The searches: the fewest GPUs that hold a setting, the cheapest single changes that make it fit, and, when
none fits alone, ONE combined answer that can be applied as it is.

Every search compares `per_gpu_total` with the device's usable bytes; per-GPU totals never rise with more
GPUs or with any listed change, which is what makes the bisections valid.
Not here: the candidate changes themselves (see `fixes`) or words.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from playground.core.vram.arithmetic import VramInputs, per_gpu_total
from playground.core.vram.fixes import Change, Fix, apply, candidates, changed_fields
from playground.core.vram.formats import FORMAT, MAX_GPUS

# Below ~4 bits per weight (the Q2_K preset) quality drops sharply, so a combined fix stops at 4-bit formats;
# Q2_K still appears as a single change when it alone makes the model fit.
QUALITY_FLOOR_BITS = 4.0


def gpus_needed(i: VramInputs) -> int | None:
    """Smallest GPU count that fits: layers split for inference, ZeRO-3 for training; None if none does."""
    usable = i.hardware.usable_bytes
    base = replace(i, zero_stage=3) if i.mode == "training" else i

    def fits(n: int) -> bool:
        return per_gpu_total(replace(base, n_gpus=n)) <= usable

    hi = 1
    while not fits(hi):
        hi *= 2
        if hi > MAX_GPUS:
            return None
    lo = max(1, hi // 2)
    while lo < hi:  # per-GPU totals never rise with more GPUs, so bisect
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def best_fixes(i: VramInputs, current: int) -> tuple[Fix, ...]:
    """Up to five single changes that make it fit; if none does, the three that help most and a combined one."""
    usable = i.hardware.usable_bytes
    found: list[Fix] = []
    families: set[str] = set()
    for change, changed in candidates(i):
        total = per_gpu_total(changed)
        if total >= current:
            continue
        fits = total <= usable
        if changed.weight_format != i.weight_format and fits:
            family = "gguf" if FORMAT[changed.weight_format].family == "gguf" else "gpu"
            if family in families:
                continue  # per family, the highest-precision format that fits is the one worth showing
            families.add(family)
        found.append(Fix((change,), changed, total, fits))
    fitting = [f for f in found if f.fits][:5]
    if fitting:
        return tuple(fitting)
    # Nothing fits alone: the singles that help most, then ONE combined answer that can be applied as is.
    best = sorted(found, key=lambda f: f.total)[:3]
    combined = combined_inference(i) if i.mode == "inference" else combined_training(i)
    if combined is not None:
        best.append(combined)
    return tuple(best)


def _fix(changes: list[Change], inputs: VramInputs, devices: int = 0, split: str = "") -> Fix:
    total = per_gpu_total(inputs)
    fits = total <= inputs.hardware.usable_bytes
    return Fix(tuple(changes or [Change("nothing_else")]), inputs, total, fits, devices, split)


def _too_large(changes: list[Change], inputs: VramInputs) -> Fix:
    return replace(_fix(changes, inputs), still_too_large=True)


def combined_inference(i: VramInputs) -> Fix | None:
    """One weight format (never several at once) plus the cheap changes, in this order of preference:
    1. one device, full context: the highest-precision format that fits, with as few cheap changes as needed;
    2. one device: the largest context that fits at the smallest format of at least 4 bits;
    3. several devices (CUDA, layers split): the fewest devices, at the highest-precision format that needs
       no more than that; 4. elsewhere (Apple, CPU: no splitting): the smallest combination, said not to fit."""
    usable, hw = i.hardware.usable_bytes, i.hardware
    cands = candidates(i)
    cheap = [(c, x) for c, x in cands if not {"weight_format", "context"} & set(changed_fields(i, x))]
    formats: list[tuple[Change, VramInputs] | None] = [None]  # None: keep the current format
    formats += [
        (c, x)
        for c, x in cands
        if changed_fields(i, x) == ("weight_format",) and FORMAT[x.weight_format].bits >= QUALITY_FLOOR_BITS
    ]

    def build(fmt: tuple[Change, VramInputs] | None, k: int) -> tuple[list[Change], VramInputs]:
        changes = cheap[:k] + ([fmt] if fmt else [])
        return [c for c, _ in changes], apply(i, i, changes)

    for fmt in formats:  # 1.
        for k in range(len(cheap) + 1):
            changes, trial = build(fmt, k)
            if changes and per_gpu_total(trial) <= usable:
                return _fix(changes, trial)
    changes, smallest = build(formats[-1], len(cheap))
    floor = min(512, i.context)
    if per_gpu_total(replace(smallest, context=floor)) <= usable:  # 2. bisect: the total grows with the context
        lo, hi = floor, i.context - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if per_gpu_total(replace(smallest, context=mid)) <= usable else (lo, mid - 1)
        return _fix([*changes, Change("context_max", {"tokens": lo, "was": i.context})], replace(smallest, context=lo))
    if hw.kind == "cuda":  # 3.
        needed = [(gpus_needed(build(fmt, len(cheap))[1]), rank) for rank, fmt in enumerate(formats)]
        found = [(n, rank) for n, rank in needed if n is not None]
        if found:
            n, rank = min(found)  # the fewest devices; among equals the highest precision (earliest)
            for k in range(len(cheap) + 1):  # at n devices some cheap changes may be unnecessary
                names, trial = build(formats[rank], k)
                trial = replace(trial, n_gpus=n)
                if per_gpu_total(trial) <= usable:
                    return _fix(names, trial, n, "layers")
    return _too_large(changes, smallest) if changes else None  # 4.


def combined_training(i: VramInputs) -> Fix | None:
    """The changes in order of cost until it fits (a later change of the same setting replaces an earlier
    one: QLoRA replaces LoRA, full checkpointing replaces selective); on CUDA, when one device is not
    enough, the fewest devices with ZeRO-3. Then every change the answer does not need is dropped again,
    the costliest first (after QLoRA, 8-bit Adam and offloading may no longer be needed)."""
    usable, combined = i.hardware.usable_bytes, i
    chosen: dict[tuple[str, ...], tuple[Change, dict[str, Any]]] = {}  # changed fields -> (change, new values)
    for change, _first in candidates(i):
        trial = next((x for c, x in candidates(combined) if c == change), None)
        if trial is None or per_gpu_total(trial) >= per_gpu_total(combined):
            continue
        key = changed_fields(combined, trial)
        key = next((k for k in chosen if set(k) & set(key)), key)
        chosen[key] = (change, {name: getattr(trial, name) for name in set(key) | set(changed_fields(combined, trial))})
        combined = trial
        if per_gpu_total(combined) <= usable:
            break
    if not chosen:
        return None
    n = None
    if per_gpu_total(combined) > usable:
        n = gpus_needed(combined) if i.hardware.kind == "cuda" else None
        if n is None or n <= i.n_gpus:
            return _too_large([c for c, _ in chosen.values()], combined)

    def build(keys: list[tuple[str, ...]]) -> VramInputs:
        values: dict[str, Any] = {}
        for k in keys:
            values.update(chosen[k][1])
        built = replace(i, **values)
        return built if n is None else replace(built, n_gpus=n, zero_stage=3)

    keys = list(chosen)
    for k in reversed(list(chosen)):
        rest = [x for x in keys if x != k]
        if per_gpu_total(build(rest)) <= usable:
            keys = rest
    changes = [chosen[k][0] for k in keys]
    if n is None:
        return _fix(changes, build(keys))
    return _fix(changes, build(keys), n, "zero3")
