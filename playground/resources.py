"""What this machine has free now: RAM (within a container's memory limit), GPU memory, disk.

`available(device)` measures one pool; `free_now(need)` every pool a Need (playground.admission_estimate)
uses. Read by admission before a load, and by the loader to decide what to drop.

Not here: what a model needs (playground.admission_estimate), deciding or loading anything.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from playground import config

if TYPE_CHECKING:
    from playground.admission_estimate import Need


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
