"""Peak memory of a block of code: the growth of the process's peak RSS (CPU) or of CUDA's allocator peak.

`with cpu_peak() as probe:` (or `cuda_peak(device)`) runs the block and leaves in `probe` the bytes the peak
grew by ('growth') and how they were measured ('method'). On Linux the CPU probe resets VmHWM through
/proc/self/clear_refs and reads it after; where that is not possible it samples the RSS every millisecond.
`malloc_trim()` gives freed heap pages back first, so reused free memory cannot hide a new allocation.

Not here: what is measured or compared with the estimate (playground.measure).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def malloc_trim() -> None:
    """Give freed heap pages back to the OS, so that reused free memory cannot hide a new allocation."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else None


@contextmanager
def cpu_peak() -> Iterator[dict[str, Any]]:
    """Yields a dict that holds, after the block, 'growth' (peak RSS - RSS before) and 'method'."""
    import psutil

    gc.collect()
    malloc_trim()
    proc = psutil.Process()
    out: dict[str, Any] = {}
    hwm_ok = False
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")  # resets VmHWM (peak RSS) to the current RSS
        hwm_ok = _status_kib("VmHWM") is not None
    except OSError:
        pass
    before = proc.memory_info().rss
    peak = [before]
    stop = threading.Event()

    def sample() -> None:  # fallback where VmHWM cannot be reset (not Linux, or a locked-down /proc)
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.001)

    sampler = None if hwm_ok else threading.Thread(target=sample, daemon=True)
    if sampler:
        sampler.start()
    try:
        yield out
    finally:
        stop.set()
        if sampler:
            sampler.join()
            out["growth"], out["method"] = max(0, peak[0] - before), "process RSS, sampled every 1 ms"
        else:
            out["growth"] = max(0, (_status_kib("VmHWM") or 0) * 1024 - before)
            out["method"] = "peak process RSS (VmHWM) growth + bytes of the loaded weights"


@contextmanager
def cuda_peak(device: Any) -> Iterator[dict[str, Any]]:
    import torch

    gc.collect()
    torch.cuda.synchronize(device)
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats(device)
    before = torch.cuda.memory_allocated(device)  # resident models (this one's and any other session's)
    out: dict[str, Any] = {}
    try:
        yield out
    finally:
        torch.cuda.synchronize(device)
        out["growth"] = max(0, torch.cuda.max_memory_allocated(device) - before)
        out["method"] = "torch.cuda.max_memory_allocated growth + bytes of the loaded weights"
