"""Admission before download: how fast a too-large model is refused, and that refusing it costs nothing.

Target (issue 8): a refused too-large model is answered in <= 3 s, no weight file is read, and the
process's RSS is unchanged (+- 50 MB). The model: a local folder holding only the config.json of
Llama-3.1-70B (derived from the shipped catalog config) beside a 141 GB sparse `model.safetensors`
that any read would show. Measured the way the app meets it: the default model loaded first (as at
start-up), then each refusal on a fresh folder (so no cached shape helps). Whether the weight file was
opened is watched with inotify (IN_OPEN | IN_ACCESS on the folder): it sees opens from C and Rust
(safetensors) too, not only Python's open(). For information: the same refusal in a fresh process
(imports included), the catalog's own 70B entry, and the default model's admission.

`OpenWatch` and `llama70b_folder` are shared with tests/core/test_admission.py.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_S = 3.0
TARGET_RSS_MB = 50.0
REPEATS = 5
FAKE_WEIGHTS_BYTES = 141 * 10**9  # Llama-3.1-70B in bfloat16, as a sparse file: no disk used

_IN_ACCESS, _IN_OPEN = 0x1, 0x20


class OpenWatch:
    """Names of the files in `folder` that any code of this process (or another) opened or read while
    the watch was on, from Linux inotify; `with OpenWatch(folder) as w: ...; w.touched()`."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = str(folder)
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = -1

    def __enter__(self) -> OpenWatch:
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0 or self._libc.inotify_add_watch(self._fd, self.folder.encode(), _IN_ACCESS | _IN_OPEN) < 0:
            raise OSError(ctypes.get_errno(), f"inotify cannot watch {self.folder}")
        self._events: list[tuple[int, str]] = []
        return self

    def _drain(self) -> None:
        while True:
            try:
                buf = os.read(self._fd, 65536)
            except BlockingIOError:
                return
            off = 0
            while off < len(buf):  # struct inotify_event: int wd; uint32 mask, cookie, len; char name[len]
                _wd, mask, _cookie, n = struct.unpack_from("iIII", buf, off)
                name = buf[off + 16 : off + 16 + n].split(b"\0", 1)[0].decode()
                self._events.append((mask, name))
                off += 16 + n

    def touched(self) -> set[str]:
        """File names opened or read so far ('' is the folder itself, listed)."""
        self._drain()
        return {name for _mask, name in self._events}

    def __exit__(self, *exc: Any) -> None:
        self._drain()
        os.close(self._fd)


def llama70b_config() -> dict[str, Any]:
    """config.json of Llama-3.1-70B: the shipped catalog fields plus what the Hub file adds."""
    from playground.core.architecture import SHIPPED

    fields = json.loads(SHIPPED.read_text(encoding="utf-8"))["meta-llama/Llama-3.1-70B-Instruct"]
    return dict(fields, architectures=["LlamaForCausalLM"], torch_dtype="bfloat16")


def llama70b_folder(folder: str | Path) -> Path:
    """A model folder with the 70B config.json and a sparse 141 GB model.safetensors (zero bytes on disk)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(llama70b_config(), indent=1), encoding="utf-8")
    with open(folder / "model.safetensors", "wb") as f:
        f.truncate(FAKE_WEIGHTS_BYTES)
    return folder


def _rss() -> int:
    import psutil

    gc.collect()
    return psutil.Process().memory_info().rss


def _rchar() -> int:
    """Bytes this process read through read() calls (page cache included), from /proc/self/io."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return 0


def _refuse(folder: Path) -> dict[str, Any]:
    from playground import admission
    from playground.errors import NotEnoughMemoryError

    rss0, read0 = _rss(), _rchar()
    with OpenWatch(folder) as watch:
        t0 = time.perf_counter()
        try:
            admission.check(str(folder), "cpu")
            refused, need = False, None
        except NotEnoughMemoryError as exc:
            refused, need = True, exc.need
        seconds = time.perf_counter() - t0
        touched = watch.touched()
    return {
        "seconds": seconds,
        "refused": refused,
        "need": need,
        "rss_delta": _rss() - rss0,
        "read_bytes": _rchar() - read0,
        "weights_opened": "model.safetensors" in touched,
        "files_touched": sorted(t for t in touched if t),
    }


def _cold_seconds(folder: Path) -> float | None:
    """The same refusal in a fresh Python process, imports of torch and transformers included."""
    code = (
        "import time; t = time.perf_counter(); from playground import admission\n"
        f"try: admission.check({str(folder)!r}, 'cpu')\nexcept Exception: pass\n"
        "print('@@', time.perf_counter() - t)"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    for line in out.stdout.splitlines():
        if line.startswith("@@"):
            return float(line[2:])
    return None


def run() -> dict:
    from playground import admission
    from playground.loader import get_loader

    with tempfile.TemporaryDirectory() as tmp:
        cold = _cold_seconds(llama70b_folder(Path(tmp) / "cold"))
        t0 = time.perf_counter()
        get_loader().get(None)  # the app has its default model loaded before anyone picks another
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        default_need = admission.check(None, "cpu")  # admitted: returns need + margin
        default_s = time.perf_counter() - t0
        runs = [_refuse(llama70b_folder(Path(tmp) / f"llama70b-{i}")) for i in range(REPEATS)]
        t0 = time.perf_counter()
        try:
            admission.check("Llama-3.1-70B-Instruct", "cpu")
            catalog_refused = False
        except admission.NotEnoughMemoryError:
            catalog_refused = True
        catalog_s = time.perf_counter() - t0

    worst_s = max(r["seconds"] for r in runs)
    worst_rss = max(abs(r["rss_delta"]) for r in runs) / 1e6
    opened = any(r["weights_opened"] for r in runs)
    return {
        "refusal_70b_folder_s": {
            "value": round(worst_s, 3),
            "median": round(statistics.median(r["seconds"] for r in runs), 3),
            "target": f"<= {TARGET_S} s (worst of {REPEATS} fresh folders)",
            "pass": worst_s <= TARGET_S and all(r["refused"] for r in runs),
        },
        "refusal_70b_rss_change_mb": {
            "value": round(worst_rss, 2),
            "target": f"+- {TARGET_RSS_MB} MB",
            "pass": worst_rss <= TARGET_RSS_MB,
        },
        "refusal_70b_weight_file_opened": {
            "value": opened,
            "target": "False (inotify IN_OPEN/IN_ACCESS)",
            "pass": not opened,
        },
        "refusal_70b_bytes_read": max(r["read_bytes"] for r in runs),
        "refusal_70b_files_touched": runs[0]["files_touched"],
        "refusal_70b_need_bytes": runs[0]["need"],
        "refusal_70b_folder_cold_process_s": None if cold is None else round(cold, 3),
        "refusal_catalog_llama70b_s": {"value": round(catalog_s, 3), "refused": catalog_refused},
        "default_model_admitted": {
            "check_s": round(default_s, 3),
            "need_plus_margin_bytes": default_need,
            "load_s": round(load_s, 2),
        },
        "free_ram_bytes": admission.available("cpu"),
        "repeats": REPEATS,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
