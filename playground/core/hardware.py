"""Hardware presets for the VRAM calculator: memory (marketed and usable), bandwidth, bf16/fp8 support.

Marketed sizes are what the box says ("16 GB"); the driver reports less (a T4 shows 15 GiB with ECC
on), and the CUDA context takes another ~0.3-1 GiB before any tensor exists (free Colab T4: 14.56 GiB
usable). Apple Silicon shares its RAM with the GPU, which may use only part of it by default
(~65-75%: a 48 GB Mac gives the GPU ~36 GB). Figures: shared/facts/hardware.md.

What this is not: a live probe of the machine (see `playground.measure`) or a price list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from playground.errors import InputError

GiB = 2**30
GB = 10**9
MiB = 2**20


def human(n: float) -> str:
    """Bytes in both units, the one byte-size formatter of the project's memory pages:
    16_060_000_000 -> '16.06 GB (14.96 GiB)'; below 0.1 GB in MB/MiB: 52_428_800 -> '52.4 MB (50.0 MiB)'."""
    if n >= 0.1 * GB:
        return f"{n / GB:,.2f} GB ({n / GiB:,.2f} GiB)"
    return f"{n / 1e6:,.1f} MB ({n / MiB:,.1f} MiB)"


# The CUDA context and libraries take this much of a GPU before any tensor (0.3-1 GiB measured; a T4
# reporting 15 GiB leaves 14.56 GiB on free Colab). Counted as "runtime overhead" in the breakdown.
CUDA_CONTEXT_BYTES = int(0.5 * GiB)


@dataclass(frozen=True)
class Hardware:
    key: str  # stable id used by the API ("t4", "a100-80", "mac-48", "custom")
    label: str  # what the dropdown shows
    kind: str  # "cuda", "mps" (Apple unified memory) or "cpu"
    marketed_gb: float  # what the box says, in its own (marketing) units
    total_bytes: int  # what one device reports (nvidia-smi total; for Apple: the whole RAM)
    bandwidth_gbs: float | None  # memory bandwidth, GB/s (1e9 bytes/s); None when unknown
    bf16: bool  # native bf16 (compute capability >= 8.0); a T4 only emulates it
    fp8: bool  # native fp8 tensor cores (Ada, Hopper)
    gpu_share: float = 1.0  # Apple: the part of RAM the GPU may use by default
    host_ram_bytes: int | None = None  # CPU RAM that comes with it, where the source states it
    note: str = ""

    @property
    def overhead_bytes(self) -> int:
        """Memory gone before the first tensor: the CUDA context on NVIDIA, nothing counted elsewhere."""
        return CUDA_CONTEXT_BYTES if self.kind == "cuda" else 0

    @property
    def usable_bytes(self) -> int:
        """Memory one device offers the framework, the runtime overhead included (the bar's limit)."""
        return int(self.total_bytes * self.gpu_share)

    @property
    def tensor_bytes(self) -> int:
        """What is left for tensors once the runtime overhead is paid."""
        return max(0, self.usable_bytes - self.overhead_bytes)


def _gpu(
    key: str,
    label: str,
    marketed: float,
    reported_mib: int,
    bw: float,
    bf16: bool,
    fp8: bool,
    host_gb: float | None = None,
    note: str = "",
) -> Hardware:
    return Hardware(
        key,
        label,
        "cuda",
        marketed,
        reported_mib * MiB,
        bw,
        bf16,
        fp8,
        host_ram_bytes=int(host_gb * GB) if host_gb else None,
        note=note,
    )


def apple_share(ram_gib: float) -> float:
    """Default share of unified memory the GPU may wire: ~2/3 up to 36 GB, ~3/4 above (48 GB -> 36 GB)."""
    return 0.67 if ram_gib <= 36 else 0.75


def _mac(ram: int, bw: float, chip: str) -> Hardware:
    return Hardware(
        f"mac-{ram}",
        f"Apple {chip}, {ram} GB unified memory",
        "mps",
        ram,
        ram * GiB,
        bw,
        bf16=True,
        fp8=False,
        gpu_share=apple_share(ram),
        host_ram_bytes=ram * GiB,
        note=f"the GPU may use ~{apple_share(ram):.0%} of RAM by default (sudo sysctl iogpu.wired_limit_mb raises it)",
    )


# reported_mib: the total nvidia-smi shows for one device (ECC on), not the marketed size.
PRESETS: tuple[Hardware, ...] = (
    _gpu(
        "t4",
        "NVIDIA T4 16 GB",
        16,
        15360,
        320,
        bf16=False,
        fp8=False,
        host_gb=12.7,
        note="bf16 only emulated; free Colab: 14.56 GiB usable, 12.7 GB system RAM",
    ),
    _gpu("l4", "NVIDIA L4 24 GB", 24, 23034, 300, True, True),
    _gpu("a10g", "NVIDIA A10G 24 GB", 24, 23028, 600, True, False),
    _gpu("l40s", "NVIDIA L40S 48 GB", 48, 46068, 864, True, True),
    _gpu("a100-40", "NVIDIA A100 40 GB", 40, 40960, 1555, True, False),
    _gpu("a100-80", "NVIDIA A100 80 GB", 80, 81920, 2039, True, False),
    _gpu("h100", "NVIDIA H100 80 GB (SXM)", 80, 81559, 3350, True, True),
    _gpu("h200", "NVIDIA H200 141 GB", 141, 143771, 4800, True, True),
    _gpu("rtx3090", "NVIDIA RTX 3090 24 GB", 24, 24576, 936, True, False),
    _gpu("rtx4090", "NVIDIA RTX 4090 24 GB", 24, 24564, 1008, True, True),
    _mac(16, 100, "M2/M3"),
    _mac(24, 100, "M2/M3"),
    _mac(36, 150, "M3 Pro"),
    _mac(48, 273, "M4 Pro"),
    _mac(64, 400, "M2/M3 Max"),
    _mac(96, 400, "M2/M3 Max"),
    _mac(128, 546, "M4 Max"),
    # Hugging Face Spaces hardware tiers (ZeroGPU slices change over time: use a custom size for them).
    Hardware(
        "space-cpu-basic",
        "HF Space cpu-basic (2 vCPU, 16 GB RAM, free)",
        "cpu",
        16,
        16 * GB,
        None,
        False,
        False,
        host_ram_bytes=16 * GB,
    ),
    Hardware(
        "space-cpu-upgrade",
        "HF Space cpu-upgrade (8 vCPU, 32 GB RAM)",
        "cpu",
        32,
        32 * GB,
        None,
        False,
        False,
        host_ram_bytes=32 * GB,
    ),
    _gpu("space-t4-small", "HF Space t4-small (T4 16 GB)", 16, 15360, 320, False, False),
    _gpu("space-l4x1", "HF Space l4x1 (L4 24 GB)", 24, 23034, 300, True, True),
    _gpu("space-a10g-small", "HF Space a10g-small (A10G 24 GB)", 24, 23028, 600, True, False),
    _gpu("space-l40sx1", "HF Space l40sx1 (L40S 48 GB)", 48, 46068, 864, True, True),
    _gpu("space-a100-large", "HF Space a100-large (A100 80 GB)", 80, 81920, 2039, True, False),
)

_BY_KEY = {h.key: h for h in PRESETS}

MAX_CUSTOM_GB = 100_000.0  # one device; beyond this the number is a typo


def preset(key: str) -> Hardware:
    """The preset with this key (case-insensitive), or InputError listing the keys."""
    hw = _BY_KEY.get((key or "").strip().lower())
    if hw is None:
        raise InputError(f"Unknown hardware '{key}'. Choose one of: {', '.join(_BY_KEY)}, or a custom size.")
    return hw


def custom(memory_gb: float, bandwidth_gbs: float | None = None, kind: str = "cuda") -> Hardware:
    """A device of `memory_gb` GB (1e9 bytes) as the framework sees it; CUDA context counted on top."""
    if not isinstance(memory_gb, (int, float)) or not (0 < memory_gb <= MAX_CUSTOM_GB):
        raise InputError(f"Custom memory must be between 0 and {MAX_CUSTOM_GB:,.0f} GB, got {memory_gb!r}.")
    if bandwidth_gbs is not None and not (0 < bandwidth_gbs <= 1e6):
        raise InputError(f"Custom bandwidth must be a positive number of GB/s, got {bandwidth_gbs!r}.")
    if kind not in ("cuda", "mps", "cpu"):
        raise InputError(f"Unknown device kind '{kind}'. Choose cuda, mps or cpu.")
    return Hardware(
        "custom", f"Custom {memory_gb:g} GB", kind, memory_gb, int(memory_gb * GB), bandwidth_gbs, True, False
    )


def with_share(hw: Hardware, share: float) -> Hardware:
    """The same Apple machine with a different GPU share (0.1-1.0) of its unified memory."""
    if not (0.1 <= share <= 1.0):
        raise InputError(f"The GPU share of unified memory must be between 0.1 and 1.0, got {share!r}.")
    return replace(hw, gpu_share=share)


def choices() -> list[tuple[str, str]]:
    """(label, key) pairs for a dropdown, presets first, then the custom entry."""
    return [(h.label, h.key) for h in PRESETS] + [("Custom size", "custom")]
