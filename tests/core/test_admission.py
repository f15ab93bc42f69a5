"""Admission before download: the arithmetic, the refusal of a config-only 70B folder (numbers, time, no
weight file opened), hosted mode, bad options, and the default model admitted on this machine."""

from __future__ import annotations

import sys
import time

import pytest

from benchmarks.bench_admission import OpenWatch, llama70b_folder
from playground import admission, config
from playground.core import vram
from playground.core.architecture import shipped_shape
from playground.core.hardware import GiB, custom
from playground.errors import ModelLoadError, ModelNotAllowedError, NotEnoughMemoryError
from playground.loader import ModelSource, resolve

# Llama-3.1-70B on the CPU in float32 with a 1,024-token request, from the VRAM Calculator's formulas:
P70 = 70_553_706_496
W70 = P70 * 4  # weights: 282,214,825,984
ACT70 = 4 * 1024 * (3 * 8192 + 3 * 28672)  # prefill working set of one block: 452,984,832
KV70 = 2 * 80 * 8 * 128 * 1024 * 4  # K and V, 80 layers x 8 kv heads x 128 x 1,024 tokens: 671,088,640
LOGITS70 = 128_256 * 4  # last position's logits in fp32: 513,024
NEED70 = W70 + ACT70 + KV70 + LOGITS70  # 283,339,412,480 = 283.34 GB (263.88 GiB)


# The weight-file watch uses Linux inotify (it sees opens from C and Rust code too, not only Python's).
inotify = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux inotify")


def _need_from_vram(shape, fmt: str = "fp32", kind: str = "cpu") -> int:
    """The same need, straight from core/vram."""
    spec = vram.spec_from_shape_obj(shape)
    inputs = vram.VramInputs(
        spec, weight_format=fmt, compute_dtype=fmt, context=1024, flash_attention=True, hardware=custom(1.0, kind=kind)
    )
    return vram.breakdown(inputs).total


@pytest.fixture(autouse=True)
def _not_hosted(monkeypatch):
    monkeypatch.setattr(config, "HOSTED", False)
    monkeypatch.setattr(config, "ALLOW_ANY_MODEL", False)


# --------------------------------------------------------------------------- edge cases first


def test_unknown_dtype_is_refused_by_name():
    with pytest.raises(ModelLoadError, match="float64"):
        admission.check(None, "cpu", "float64")


def test_unknown_quantization_is_refused_by_name():
    with pytest.raises(ModelLoadError, match="int4"):
        admission.check(None, "cpu", "float32", "int4")


def test_int8_outside_cpu_float32_is_refused():
    with pytest.raises(ModelLoadError, match="int8 mode quantizes float32 linear layers for the CPU"):
        admission.check(None, "cpu", "bfloat16", "int8")


def test_unknown_device_is_refused_by_name():
    with pytest.raises(ModelLoadError, match="tpu"):
        admission.check(None, "tpu")


# --------------------------------------------------------------------------- the arithmetic (pure)


@pytest.mark.slow
def test_70b_need_is_the_vram_calculators_number():
    shape = shipped_shape("meta-llama/Llama-3.1-70B-Instruct")
    assert shape.n_params == P70
    need = admission.estimate(shape, "cpu", "float32", context=1024)
    assert need.demands == (admission.Demand("ram", NEED70, "run"),)
    assert NEED70 == 283_339_412_480 == _need_from_vram(shape)
    assert need.run.weights == W70 and need.run.kv_cache == KV70


def test_gguf_conversion_needs_twice_the_float32_weights_and_a_float32_copy_on_disk():
    shape = shipped_shape("HuggingFaceTB/SmolLM2-135M-Instruct")
    need = admission.estimate(shape, "cpu", "bfloat16", convert_gguf=True, disk_path="/x")
    fp32 = 134_515_008 * 4
    assert need.demands == (admission.Demand("ram", 2 * fp32, "gguf"), admission.Demand("disk", fp32, "convert", "/x"))


def test_int8_peak_is_float32_plus_the_untied_head_copy():
    shape = shipped_shape("HuggingFaceTB/SmolLM2-135M-Instruct")  # tied: 49,152 x 576
    plain = admission.estimate(shape, "cpu", "float32")
    int8 = admission.estimate(shape, "cpu", "float32", "int8")
    assert int8.bytes("ram") - plain.bytes("ram") == 49_152 * 576 * 4


def test_cuda_counts_the_context_until_it_exists_and_the_weights_in_ram_on_their_way():
    shape = shipped_shape("meta-llama/Llama-3.1-8B-Instruct")
    fresh = admission.estimate(shape, "cuda", "bfloat16")
    warm = admission.estimate(shape, "cuda", "bfloat16", cuda_context=False)
    assert fresh.bytes("gpu") == _need_from_vram(shape, "bf16", "cuda")
    assert fresh.bytes("gpu") - warm.bytes("gpu") == int(0.5 * GiB)
    assert fresh.bytes("ram") == 8_030_261_248 * 2
    assert [d.pool for d in fresh.demands] == ["gpu", "ram"]


def test_download_goes_to_the_disk_pool():
    shape = shipped_shape("meta-llama/Llama-3.1-8B-Instruct")
    need = admission.estimate(shape, "cpu", "float32", download_bytes=16_060_522_496, disk_path="/hub")
    free = {"ram": 10**12, "disk": 10 * 10**9}
    demand, have = admission.shortfall(need, free)
    assert (demand.pool, demand.bytes, have) == ("disk", 16_060_522_496, 10 * 10**9 - GiB)
    err = admission.refusal(need, demand, have, free["disk"], 0, None)
    assert "16.06 GB (14.96 GiB) of disk space to download its weights into /hub" in str(err)


def test_evictable_models_and_the_margin_count():
    shape = shipped_shape("meta-llama/Llama-3.1-8B-Instruct")
    need = admission.estimate(shape, "cpu", "bfloat16")  # 16,312,... bytes
    short = need.bytes("ram") + GiB - 1  # one byte short once the margin is kept
    assert admission.shortfall(need, {"ram": short}) == (need.demands[0], short - GiB)
    assert admission.shortfall(need, {"ram": short}, evictable_bytes=1) is None
    demand, have = admission.shortfall(need, {"ram": short - 3 * 10**9}, evictable_bytes=2 * 10**9)
    err = admission.refusal(need, demand, have, short - 3 * 10**9, 2 * 10**9, None)
    assert "+ 2.00 GB (1.86 GiB) from unused models it can drop - 1.07 GB (1.00 GiB) kept" in str(err)
    assert err.free == have == short - GiB - 10**9 and err.need == need.bytes("ram")


def test_cheapest_fit_prefers_a_16_bit_dtype_then_the_largest_catalog_model_that_fits():
    source = resolve("Llama-3.1-8B-Instruct")
    need = admission.estimate(shipped_shape(source.hub_id), "cpu", "float32")
    half = admission.estimate(shipped_shape(source.hub_id), "cpu", "bfloat16").bytes("ram")
    room = {"ram": 20 * 10**9, "disk": 10**12}
    assert admission.cheapest_fit(need, source, room) == (
        f"dtype bfloat16 (needs {vram.human(half)}); slower than float32 on most CPUs"
    )
    # 5 GB free: 3.93 GB once the margin is kept. Qwen3-0.6B (596,049,920 params, 2.4 GB in float32)
    # is the largest catalog model that fits; Llama-3.2-1B (4.9 GB) does not.
    small = admission.estimate(shipped_shape("Qwen/Qwen3-0.6B"), "cpu", "float32").bytes("ram")
    assert admission.cheapest_fit(need, source, {"ram": 5 * 10**9, "disk": 10**12}) == (
        f"the catalog model Qwen3-0.6B in float32 (needs {vram.human(small)})"
    )
    assert admission.cheapest_fit(need, source, {"ram": 10**8, "disk": 10**12}) is None


# --------------------------------------------------------------------------- on this machine


@inotify
def test_a_config_only_70b_folder_is_refused_in_seconds_without_opening_a_weight_file(tmp_path):
    folder = llama70b_folder(tmp_path / "llama70b")
    admission.required(None, "cpu")  # as in the app: the default model's architecture code is imported
    with OpenWatch(folder) as watch:
        t0 = time.perf_counter()
        with pytest.raises(NotEnoughMemoryError) as info:
            admission.check(str(folder), "cpu")
        seconds = time.perf_counter() - t0
        touched = watch.touched()
    err = info.value
    assert "model.safetensors" not in touched and "config.json" in touched
    assert seconds <= 3.0
    assert (err.pool, err.need) == ("ram", NEED70)
    free_after_margin = err.free
    text = str(err)
    assert (
        f"it needs 283.34 GB (263.88 GiB) of RAM to hold its weights and answer a 1,024-token request in "
        f"float32 on the CPU, and this machine can give it {vram.human(free_after_margin)}" in text
    )
    assert "- 1.07 GB (1.00 GiB) kept for the system and the app" in text
    assert "VRAM Calculator tab" in text
    assert err.option and err.option in text


def test_the_same_folder_in_bfloat16_needs_half_the_weights(tmp_path):
    folder = llama70b_folder(tmp_path / "llama70b")
    with pytest.raises(NotEnoughMemoryError) as info:
        admission.check(str(folder), "cpu", "bfloat16")
    assert info.value.need == W70 // 2 + ACT70 // 2 + KV70 // 2 + LOGITS70 == 141_669_962_752
    assert "141.67 GB (131.94 GiB) of RAM" in str(info.value)


def test_the_default_embedded_model_is_admitted_on_this_machine():
    source = resolve(None)
    need = admission.required(source, "cpu")
    run = 134_515_008 * 4 + 4 * 1024 * (3 * 576 + 3 * 1536) + 2 * 30 * 3 * 64 * 1024 * 4 + 49_152 * 4
    assert need.run.total == run == 611_394_816
    converting = any(d.reason == "gguf" for d in need.demands)
    assert need.bytes("ram") == (2 * 134_515_008 * 4 if converting else run)
    assert admission.check(source, "cpu") == need.bytes("ram") + admission.MARGIN["ram"]


def test_available_ram_is_psutils_available():
    import psutil

    assert abs(admission.available("cpu") - psutil.virtual_memory().available) < 200 * 2**20


# --------------------------------------------------------------------------- hosted mode


@inotify
def test_hosted_mode_refuses_local_folders_and_gguf_files(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "HOSTED", True)
    folder = llama70b_folder(tmp_path / "m")
    with OpenWatch(folder) as watch:
        with pytest.raises(ModelNotAllowedError, match="catalog models only, and '.*m' is a local folder"):
            admission.check(str(folder), "cpu")
        assert watch.touched() == set()  # refused before its config is read
    source = ModelSource("x.gguf", "gguf", str(tmp_path / "x.gguf"))
    with pytest.raises(ModelNotAllowedError, match="a local .gguf file"):
        admission.check(source, "cpu")


def test_hosted_mode_refuses_hub_ids_outside_the_catalog_without_asking_the_hub(monkeypatch):
    monkeypatch.setattr(config, "HOSTED", True)
    with pytest.raises(ModelNotAllowedError, match="PLAYGROUND_ALLOW_ANY_MODEL=1"):
        admission.check("someone/some-model", "cpu")


def test_hosted_mode_admits_catalog_models_and_still_checks_memory(monkeypatch):
    monkeypatch.setattr(config, "HOSTED", True)
    assert admission.check(None, "cpu") > 0  # the embedded default: a catalog model
    with pytest.raises(NotEnoughMemoryError):
        admission.check("Llama-3.1-70B-Instruct", "cpu")


def test_allow_any_model_opens_hosted_mode(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "HOSTED", True)
    monkeypatch.setattr(config, "ALLOW_ANY_MODEL", True)
    with pytest.raises(NotEnoughMemoryError):  # past the gate, refused for its size
        admission.check(str(llama70b_folder(tmp_path / "m")), "cpu")


# --------------------------------------------------------------------------- through the loader


@inotify
def test_the_loader_refuses_the_70b_folder_before_reading_weights(tmp_path):
    from playground.loader import get_loader

    folder = llama70b_folder(tmp_path / "llama70b")
    with OpenWatch(folder) as watch:
        with pytest.raises(NotEnoughMemoryError):
            get_loader().get(str(folder))
        assert "model.safetensors" not in watch.touched()


@pytest.mark.parametrize(
    "env, hosted, allow_any",
    [
        ({}, False, False),
        ({"SPACE_ID": "someone/playground"}, True, False),
        ({"PLAYGROUND_HOSTED": "1"}, True, False),
        ({"PLAYGROUND_HOSTED": "1", "PLAYGROUND_ALLOW_ANY_MODEL": "1"}, True, True),
    ],
)
def test_hosted_mode_comes_from_the_environment(env, hosted, allow_any):
    import os
    import subprocess
    import sys

    clean = {
        k: v for k, v in os.environ.items() if k not in ("SPACE_ID", "PLAYGROUND_HOSTED", "PLAYGROUND_ALLOW_ANY_MODEL")
    }
    code = "from playground import config; print(config.HOSTED, config.ALLOW_ANY_MODEL)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(clean, **env), check=True
    )
    assert out.stdout.split() == [str(hosted), str(allow_any)]


def test_a_containers_memory_limit_caps_free_ram(tmp_path):
    (tmp_path / "memory.max").write_text("16000000000\n")  # cgroup v2, as a Space's container shows it
    (tmp_path / "memory.current").write_text("10000000000\n")
    (tmp_path / "memory.stat").write_text("anon 8000000000\ninactive_file 1000000000\nactive_file 5\n")
    assert admission.cgroup_free(tmp_path) == 7_000_000_000  # limit - usage + reclaimable page cache
    (tmp_path / "memory.max").write_text("max\n")
    assert admission.cgroup_free(tmp_path) is None
    v1 = tmp_path / "v1" / "memory"
    v1.mkdir(parents=True)
    (v1 / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1's "no limit"
    (v1 / "memory.usage_in_bytes").write_text("6494265344\n")
    assert admission.cgroup_free(tmp_path / "v1") is None
    (v1 / "memory.limit_in_bytes").write_text("8000000000\n")
    (v1 / "memory.stat").write_text("total_inactive_file 500\n")
    assert admission.cgroup_free(tmp_path / "v1") == 8_000_000_000 - 6_494_265_344 + 500
    assert admission.cgroup_free(tmp_path / "none") is None
