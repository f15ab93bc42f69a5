"""GGUF files -> plain safetensors folders, converted once and cached, with progress while it runs.

Conversion takes ~20-30 s (SmolLM2-135M on 2 cores), loading the converted copy well under a second, so
every GGUF file (the embedded models among them) is dequantized to float32 once, into
config.CACHE_DIR/converted/, and later loads read that folder.

Not here: finding the GGUF file (playground.models.sources, playground.embedded) or loading the
converted folder (playground.models.load).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playground import config
from playground.models.progress import LoadProgress, Progress

log = logging.getLogger(__name__)

_convert_lock = threading.Lock()  # one conversion at a time: each wants every core and ~2x the model in RAM
_conversions: dict[str, LoadProgress] = {}  # GGUF path -> the conversion running or waiting for it


def gguf_cache_dir(gguf: Path) -> Path:
    """One folder per GGUF file version: name, size and modification time make the key."""
    st = gguf.stat()
    digest = hashlib.sha1(f"{gguf.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:12]
    return config.CACHE_DIR / "converted" / f"{gguf.stem}-{digest}"


def converting(gguf_path: str) -> LoadProgress | None:
    """The conversion of this GGUF file running (or waited for) now, or None."""
    return _conversions.get(gguf_path)


def converted_folder(gguf_path: str | Path, on_progress: Progress | None = None) -> Path:
    """A safetensors folder equal to the GGUF file (dequantized to float32), converting on first use.

    The conversion writes to a temporary folder and renames it, so a crash or a concurrent
    converter never leaves a half-written cache behind. `on_progress(message, fraction)` follows it:
    the tokenizer (most of the time), then every GGUF tensor, then the write.
    """
    gguf = Path(gguf_path)
    target = gguf_cache_dir(gguf)
    if (target / "config.json").is_file():
        return target
    # Every request waiting for this file (and the status line of every session that chose it) sees one
    # progress; the first waiter to finish removes it, and the others return at once behind it.
    tracked = _conversions.setdefault(str(gguf), LoadProgress(gguf.name, str(gguf)))

    def say(
        step: str, fraction: float | None = None, until: float | None = None, expect: float | None = None, **values: Any
    ) -> None:
        tracked.update(step, fraction, until, expect, **values)
        if on_progress is not None:
            on_progress(step, fraction, **values)

    try:
        with _convert_lock:
            return _convert(gguf, target, say)
    finally:
        _conversions.pop(str(gguf), None)


def _convert(gguf: Path, target: Path, say: Progress) -> Path:
    if (target / "config.json").is_file():
        return target
    from playground.startup import ensure_models

    ensure_models()  # the conversion builds the model: its modules are imported once, by one thread
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers import modeling_gguf_pytorch_utils as gguf_utils

    log.info("converting %s once; later loads use %s", gguf.name, target)
    t0 = time.perf_counter()
    # Reading the tokenizer out of the GGUF metadata is most of a conversion (measured ~7-25 s for SmolLM2's
    # 100 MB file on the 2-core host, the tensors ~3 s): its expected length grows with the file.
    expect = 10 + 0.06 * gguf.stat().st_size / 1e6
    say("convert.tokenizer", 0.0, until=0.75, expect=expect)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # transformers walks the GGUF tensors under a tqdm bar that only a terminal sees; count its
    # steps for the page instead. The name is module-level and conversions hold _convert_lock.
    plain_tqdm = gguf_utils.tqdm

    def counted(items: Any, **kwargs: Any) -> Iterator[Any]:
        items = list(items)
        for i, item in enumerate(items):
            say("convert.tensor", 0.75 + 0.2 * i / max(1, len(items)), i=i + 1, n=len(items))
            yield item

    gguf_utils.tqdm = counted
    try:
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    finally:
        gguf_utils.tqdm = plain_tqdm
    # The GGUF quantizer marks the model unserializable; the weights are already dequantized.
    model.hf_quantizer = None  # type: ignore[assignment]  # nn.Module's __setattr__ types only tensors/modules
    if hasattr(model.config, "quantization_config"):
        delattr(model.config, "quantization_config")
    say("convert.write", 0.95)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    try:
        tmp.rename(target)
    except OSError:  # another process finished the same conversion first: keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
        if not (target / "config.json").is_file():
            raise
    log.info("converted %s in %.1f s", gguf.name, time.perf_counter() - t0)
    say("convert.done", 1.0)
    return target
