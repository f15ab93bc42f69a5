"""Device and dtype choice: what "auto" means on this machine, and refusing what it cannot run.

Not here: the int8 mode's own rule (CPU and float32 only: playground.loader's `key_for`).
"""

from __future__ import annotations

from playground.choice import DEVICES, DTYPES
from playground.errors import ModelLoadError


def pick_device(requested: str = "auto") -> str:
    """'auto' -> cuda, then mps, then cpu. An explicit choice that is not available is refused."""
    import torch

    requested = (requested or "auto").lower()
    if requested not in DEVICES:
        raise ModelLoadError(f"Unknown device '{requested}'. Choose one of: {', '.join(DEVICES)}.")
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if requested == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if (requested == "cuda" and not cuda) or (requested == "mps" and not mps):
        raise ModelLoadError(f"Device '{requested}' is not available on this machine.")
    return requested


def pick_dtype(device: str, requested: str = "auto") -> str:
    """'auto' -> float32 on CPU, bfloat16 on CUDA with compute capability >= 8.0, float16 else.

    CPU: bfloat16 matmuls run ~100x slower than float32 on CPUs without AMX/AVX512-BF16.
    CUDA: torch.cuda.is_bf16_supported() says True on a T4 through emulation, so ask for the
    compute capability instead.
    """
    requested = (requested or "auto").lower()
    if requested not in DTYPES:
        raise ModelLoadError(f"Unknown dtype '{requested}'. Choose one of: {', '.join(DTYPES)}.")
    if requested != "auto":
        return requested
    if device == "cpu":
        return "float32"
    if device == "cuda":
        import torch

        return "bfloat16" if torch.cuda.get_device_capability()[0] >= 8 else "float16"
    return "float16"  # mps
