"""VRAM calculator: the numbers the source text gives, invalid input, and properties over many inputs."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core import hardware, vram
from playground.core.hardware import GB, GiB, preset
from playground.core.vram import VramInputs, breakdown, estimate, spec_from_count, spec_from_shape, weight_bytes
from playground.errors import InputError
from playground.words.vram import fix_text, note_text, result_json, verdict_text

LLAMA_8B = spec_from_shape(32, 4096, 32, 8, 128, 14336, 128256, tied=False, name="Llama-3.1-8B")
QWEN_32B = spec_from_shape(64, 5120, 40, 8, 128, 27648, 152064, tied=False, name="Qwen2.5-32B")

# --------------------------------------------------------------------------- invalid input first


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(n_layers=0, hidden=4096, n_heads=32), "Layers"),
        (dict(n_layers=-1, hidden=4096, n_heads=32), "Layers"),
        (dict(n_layers=32, hidden=4096, n_heads=30), "must divide the hidden size"),
        (dict(n_layers=32, hidden=4096, n_heads=32, n_kv_heads=5), "multiple of key/value heads"),
        (dict(n_layers=32, hidden=-4096, n_heads=32), "Hidden size"),
        (dict(n_layers=32, hidden=4096, n_heads=32, vocab=0), "Vocabulary"),
        (dict(n_layers=32, hidden=4096, n_heads=32, n_params=1000), "cannot hold"),
        (dict(n_layers=2.5, hidden=4096, n_heads=32), "whole number"),
    ],
)
def test_invalid_shapes_get_a_clear_message(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        spec_from_shape(**kwargs)


@pytest.mark.parametrize("count", [0, -5, float("nan"), 10**14, "8B"])
def test_invalid_parameter_counts(count: object) -> None:
    with pytest.raises(InputError, match="Parameters"):
        spec_from_count(count)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change, words",
    [
        (dict(context=0), "Context"),
        (dict(context=-8), "Context"),
        (dict(batch=0), "Batch"),
        (dict(n_gpus=0), "GPUs"),
        (dict(weight_format="int3"), "weight format"),
        (dict(kv_dtype="int2"), "KV-cache"),
        (dict(mode="serve"), "mode"),
        (dict(mode="training", zero_stage=4), "ZeRO stage"),
        (dict(mode="training", optimizer="lion"), "optimizer"),
        (dict(mode="training", method="lora", lora_rank=0), "LoRA rank"),
        (dict(mode="training", checkpointing="some"), "checkpointing"),
    ],
)
def test_invalid_settings(change: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        estimate(VramInputs(LLAMA_8B, **change))


def test_head_dim_given_needs_no_divisibility() -> None:
    # Gemma 3 4B: 8 heads x 256 = 2048 != hidden 2560 is a valid shape when head_dim is given.
    spec = spec_from_shape(34, 2560, 8, 4, head_dim=256, intermediate=10240, vocab=262208, tied=True)
    assert spec.head_dim == 256 and spec.lm_head_params == 0


def test_custom_hardware_rejects_nonsense() -> None:
    for bad in (0, -1, 1e9):
        with pytest.raises(InputError, match="Custom memory"):
            hardware.custom(bad)
    with pytest.raises(InputError, match="Unknown hardware"):
        preset("tpu-v9")


# --------------------------------------------------------------------------- must reproduce


def test_parameter_count_counts_untied_lm_head_and_tied_embeddings_once() -> None:
    assert LLAMA_8B.n_params == 8_030_261_248  # the published count; AutoModel would show 7.50B
    tied = spec_from_shape(30, 576, 9, 3, 64, 1536, 49152, tied=True)
    assert tied.n_params == 134_515_008  # SmolLM2-135M as published: embeddings counted once


def test_8b_is_32_gb_fp32_16_gb_fp16() -> None:
    spec = spec_from_count(8e9)
    assert weight_bytes(spec, "fp32") == 32 * GB
    assert weight_bytes(spec, "fp16") == weight_bytes(spec, "bf16") == 16 * GB
    assert weight_bytes(LLAMA_8B, "fp16") == pytest.approx(16.06e9, rel=1e-3)
    assert weight_bytes(LLAMA_8B, "fp16") / GiB == pytest.approx(14.96, abs=0.01)


def test_8b_mixed_precision_adam_is_128_gb() -> None:
    b = breakdown(VramInputs(spec_from_count(8e9), mode="training", optimizer="adamw", mixed_precision=True))
    assert (b.weights, b.gradients, b.optimizer) == (16 * GB, 16 * GB, 96 * GB)
    assert b.weights + b.gradients + b.optimizer == 128 * GB  # not the 8-bytes-per-parameter peak stage


def test_zero_paper_example_7_5b_over_64_gpus() -> None:
    got = vram.zero_model_states(7.5e9, 64)
    assert [round(got[k] / GB, 1) for k in range(4)] == [120.0, 31.4, 16.6, 1.9]
    spec = spec_from_count(7.5e9)
    for stage, want in enumerate((120.0, 31.4, 16.6, 1.9)):
        b = breakdown(VramInputs(spec, mode="training", zero_stage=stage, n_gpus=64))
        assert round((b.weights + b.gradients + b.optimizer) / GB, 1) == want


def test_8b_fp16_does_not_fit_a_t4() -> None:
    for spec in (LLAMA_8B, spec_from_count(8e9)):
        e = estimate(VramInputs(spec, weight_format="fp16", compute_dtype="fp16", context=512, hardware=preset("t4")))
        assert not e.fits
        assert "Does not fit" in verdict_text(e.verdict) and e.verdict.kind == "over_needs"
        assert e.fixes and all(f.total < e.per_gpu.total for f in e.fixes)
        assert any(f.fits and f.inputs.weight_format != "fp16" for f in e.fixes)
    # The weights alone are over what a T4 leaves for tensors (14.56 GiB on free Colab).
    assert weight_bytes(LLAMA_8B, "fp16") > preset("t4").tensor_bytes


def test_8b_q8_0_is_about_8_gb_of_weights() -> None:
    w = weight_bytes(LLAMA_8B, "q8_0")
    assert 8.0 * GB < w < 8.7 * GB
    assert w / GiB == pytest.approx(7.95, abs=0.05)  # the measured Llama-3.1-8B Q8_0 file
    assert weight_bytes(LLAMA_8B, "q4_k_m") / GiB == pytest.approx(4.58, abs=0.05)


def test_int4_is_not_fp32_divided_by_8() -> None:
    naive = weight_bytes(LLAMA_8B, "fp32") / 8
    for fmt in ("nf4", "nf4-dq", "gptq", "awq", "q4_0"):
        assert weight_bytes(LLAMA_8B, fmt) > naive * 1.05
    # bitsandbytes keeps embeddings and lm_head in 16-bit: 2 x 128256 x 4096 x 2 bytes of them
    assert weight_bytes(LLAMA_8B, "nf4") - LLAMA_8B.linear_params * 4.5 / 8 == pytest.approx(
        (LLAMA_8B.n_params - LLAMA_8B.linear_params) * 2, rel=1e-6
    )


def test_32b_bf16_does_not_fit_a_48_gb_mac_but_q4_k_m_does() -> None:
    mac = preset("mac-48")
    assert mac.usable_bytes == 36 * GiB  # 75% of 48 GB
    bf16 = estimate(VramInputs(QWEN_32B, weight_format="bf16", hardware=mac))
    assert not bf16.fits
    assert any("killed" in note_text(n) for n in bf16.notes)
    q4 = estimate(VramInputs(QWEN_32B, weight_format="q4_k_m", hardware=mac))
    assert q4.fits and "Fits" in verdict_text(q4.verdict)
    assert any(f.inputs.weight_format.startswith("q") and f.fits for f in bf16.fixes)


def test_kv_cache_of_a_gqa_model_uses_kv_heads() -> None:
    b = breakdown(VramInputs(LLAMA_8B, context=8192, batch=1, kv_dtype="bf16"))
    assert b.kv_cache == 2 * 32 * 8 * 128 * 8192 * 1 * 2  # 1.07 GB, not the 4.29 GB of a hidden-size formula
    mha = replace(LLAMA_8B, n_kv_heads=32)
    assert breakdown(VramInputs(mha, context=8192, kv_dtype="bf16")).kv_cache == 4 * b.kv_cache


def test_sliding_window_layers_hold_at_most_the_window() -> None:
    gemma = spec_from_shape(34, 2560, 8, 4, 256, 10240, 262208, tied=True, sliding_window=1024, n_sliding_layers=28)
    kv = breakdown(VramInputs(gemma, context=32768, kv_dtype="bf16")).kv_cache
    assert kv == 2 * 4 * 256 * 2 * (6 * 32768 + 28 * 1024)


def test_training_options_lower_memory_in_the_expected_order() -> None:
    base = VramInputs(LLAMA_8B, mode="training", context=4096, flash_attention=False, hardware=preset("h100"))
    b0 = breakdown(base)
    assert breakdown(replace(base, flash_attention=True)).activations < b0.activations
    sel = breakdown(replace(base, checkpointing="selective")).activations
    full = breakdown(replace(base, checkpointing="full")).activations
    assert full < sel < b0.activations
    assert breakdown(replace(base, fused_ce=True)).logits < b0.logits / 10
    assert breakdown(replace(base, optimizer="adamw8bit")).optimizer == LLAMA_8B.n_params * 6
    assert breakdown(replace(base, optimizer="sgd")).optimizer == LLAMA_8B.n_params * 8
    off = estimate(replace(base, offload=True))
    assert off.per_gpu.optimizer == off.per_gpu.gradients == 0
    assert off.cpu_ram_offload == LLAMA_8B.n_params * 16
    lora = estimate(replace(base, method="lora", lora_rank=16))
    qlora = estimate(replace(base, method="qlora", lora_rank=16))
    assert lora.trainable_params == qlora.trainable_params < LLAMA_8B.n_params / 100
    assert qlora.per_gpu.weights < lora.per_gpu.weights
    assert qlora.per_gpu.total < lora.per_gpu.total < b0.total


def test_global_batch_deepseek_v3() -> None:
    e = estimate(
        VramInputs(
            LLAMA_8B,
            mode="training",
            context=32768,
            batch=1,
            grad_accum=120,
            n_gpus=16,
            zero_stage=3,
            hardware=preset("h100"),
        )
    )
    assert e.global_batch_sequences == 1920
    assert e.global_batch_tokens == 1920 * 32768  # 62.9M tokens


def test_speed_ceiling_is_bandwidth_over_bytes_per_token() -> None:
    e = estimate(VramInputs(LLAMA_8B, weight_format="bf16", context=1024, hardware=preset("h100")))
    assert e.speed is not None
    assert e.speed.bytes_per_step == e.per_gpu.weights + e.per_gpu.kv_cache
    assert e.speed.tokens_per_s == pytest.approx(3350e9 / e.speed.bytes_per_step)
    assert 150 < e.speed.tokens_per_s < 230  # ~16 GB read per token at 3.35 TB/s
    assert estimate(VramInputs(LLAMA_8B, mode="training", hardware=preset("h100"))).speed is None


def test_fits_and_needs_n_gpus() -> None:
    e = estimate(VramInputs(spec_from_count(70e9), weight_format="bf16", hardware=preset("a100-80")))
    assert not e.fits and e.gpus_needed == 2
    assert "Needs 2" in verdict_text(e.verdict) and e.verdict.gpus_needed == 2
    ok = estimate(replace(e.inputs, n_gpus=2))
    assert ok.fits and ok.fixes == ()


def test_hardware_usable_vs_marketed() -> None:
    t4 = preset("t4")
    assert t4.marketed_gb == 16 and t4.usable_bytes == 15 * GiB
    assert t4.tensor_bytes / GiB == pytest.approx(14.5, abs=0.1)  # Colab: 14.56 GiB usable
    assert not t4.bf16
    assert preset("mac-16").usable_bytes == int(16 * GiB * 0.67)
    assert {"space-cpu-basic", "space-t4-small", "space-a100-large", "h200", "rtx4090"} <= {
        h.key for h in hardware.PRESETS
    }


def test_json_is_bytes_and_words() -> None:
    d = result_json(estimate(VramInputs(LLAMA_8B, hardware=preset("t4"))))
    assert set(d["per_gpu"]) == {
        "weights",
        "gradients",
        "optimizer",
        "activations",
        "logits",
        "kv_cache",
        "overhead",
        "total",
    }
    assert all(isinstance(v, int) for v in d["per_gpu"].values())
    assert d["per_gpu"]["total"] == sum(v for k, v in d["per_gpu"].items() if k != "total")
    assert "GiB" in d["units"] and isinstance(d["verdict"], str)


def test_adapter_from_model_shape() -> None:
    from types import SimpleNamespace

    shape = SimpleNamespace(
        name="x",
        hub_id=None,
        model_type="llama",
        n_params=LLAMA_8B.n_params,
        n_layers=32,
        hidden=4096,
        n_heads=32,
        n_kv_heads=8,
        head_dim=128,
        intermediate=14336,
        vocab=128256,
        tied=False,
        max_context=131072,
        sliding_window=None,
        n_sliding_layers=0,
        embedding_params=128256 * 4096,
        lm_head_params=128256 * 4096,
    )
    assert vram.spec_from_shape_obj(shape) == replace(LLAMA_8B, name="x")


# --------------------------------------------------------------------------- properties

shapes = st.builds(
    lambda layers, heads, group, d, mult, vocab, tied: spec_from_shape(
        layers, heads * d, heads, heads // group, d, heads * d * mult, vocab, tied
    ),
    st.integers(1, 96),
    st.sampled_from([4, 8, 16, 32, 64]),
    st.sampled_from([1, 2, 4]),
    st.sampled_from([32, 64, 128]),
    st.integers(2, 6),
    st.integers(1000, 256_000),
    st.booleans(),
)
counts = st.integers(10**6, 10**12).map(spec_from_count)
models = st.one_of(shapes, counts)
training = st.builds(
    lambda m, ctx, b, method, opt, mp, ck, fa, ce, off: VramInputs(
        m,
        mode="training",
        context=ctx,
        batch=b,
        method=method,
        optimizer=opt,
        mixed_precision=mp,
        checkpointing=ck,
        flash_attention=fa,
        fused_ce=ce,
        offload=off,
        zero_stage=3,
        hardware=preset("h100"),
    ),
    models,
    st.integers(1, 131072),
    st.integers(1, 64),
    st.sampled_from(vram.METHODS),
    st.sampled_from(vram.OPTIMIZERS),
    st.booleans(),
    st.sampled_from(vram.CHECKPOINTING),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
inference = st.builds(
    lambda m, ctx, b, fmt, kv, fa: VramInputs(
        m, context=ctx, batch=b, weight_format=fmt, kv_dtype=kv, flash_attention=fa
    ),
    models,
    st.integers(1, 131072),
    st.integers(1, 64),
    st.sampled_from(list(vram.FORMAT)),
    st.sampled_from(["auto", *vram.KV_DTYPE_BYTES]),
    st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(training, st.integers(1, 1000), st.integers(1, 1000))
def test_more_gpus_never_raise_the_per_gpu_total_under_zero3(inputs: VramInputs, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert breakdown(replace(inputs, n_gpus=hi)).total <= breakdown(replace(inputs, n_gpus=lo)).total


@settings(max_examples=200, deadline=None)
@given(st.one_of(training, inference), st.integers(1, 131072), st.integers(1, 131072))
def test_longer_context_never_lowers_the_total(inputs: VramInputs, a: int, b: int) -> None:
    short, long = sorted((a, b))
    assert breakdown(replace(inputs, context=short)).total <= breakdown(replace(inputs, context=long)).total


@settings(max_examples=200, deadline=None)
@given(st.one_of(training, inference), st.integers(1, 512))
def test_every_field_is_non_negative(inputs: VramInputs, gpus: int) -> None:
    e = estimate(replace(inputs, n_gpus=gpus, zero_stage=gpus % 4 if inputs.mode == "training" else 0))
    assert all(v >= 0 for v in e.per_gpu.as_dict().values())
    assert e.cpu_ram_loading >= 0 and e.cpu_ram_offload >= 0 and e.trainable_params >= 0
    assert all(f.total >= 0 for f in e.fixes)


def test_chart_dict_is_valid_plotly_and_stacks_every_part() -> None:
    import plotly.graph_objects as go

    from playground.charts_vram import figure_dict, vram_chart
    from playground.words import vram_page

    e = estimate(VramInputs(LLAMA_8B, mode="training", offload=True, n_gpus=12, zero_stage=3, hardware=preset("h100")))
    labels = vram_page.chart_labels(e)
    fig = go.Figure(figure_dict(e, labels))  # raises if any property is invalid
    names = [t.name for t in fig.data]
    assert {"weights", "activations", "logits", "runtime overhead"} <= set(names)
    assert "offloaded states" in names and "loading (checkpoint)" in names
    assert len(fig.data[0].x) == 8 and fig.data[0].x[-1] == "GPU 8-12"
    assert fig.layout.shapes[0].y0 == pytest.approx(e.usable / GB)
    label = fig.layout.annotations[0]  # beside the plot area, where no bar can run into it
    assert (label.xref, label.x, label.xanchor) == ("paper", 1.0, "left") and label.text.startswith("usable")
    assert json.loads(vram_chart(e, labels).to_json()) == json.loads(fig.to_json())
    zh = figure_dict(e, vram_page.chart_labels(e, "zh-Hans"))  # the words passed in are the words shown
    assert zh["data"][0]["name"] == "权重" and zh["layout"]["title"]["text"].startswith("每台设备的内存")


# --------------------------------------------------------------------------- the combined fix


LLAMA_70B = spec_from_shape(80, 8192, 64, 8, 128, 28672, 128256, tied=False, name="Llama-3.1-70B-Instruct")


def _formats_named(change: str) -> int:
    return sum(change.count(f.label) for f in vram.FORMATS)


def test_70b_on_a_t4_combined_fix_is_one_format_on_the_fewest_devices() -> None:
    e = estimate(VramInputs(LLAMA_70B, weight_format="bf16", compute_dtype="fp16", hardware=preset("t4")))
    assert LLAMA_70B.n_params == 70_553_706_496 and not e.fits
    combined = e.fixes[-1]
    assert all(_formats_named(fix_text(f)) <= 1 for f in e.fixes)
    assert fix_text(combined) == (
        "3 x NVIDIA T4 16 GB (the layers split across them): KV cache in fp8 + weights in GGUF Q4_K_M (~4.89 bits)"
    )
    assert combined.fits and combined.inputs.n_gpus == 3 and combined.inputs.weight_format == "q4_k_m"
    assert combined.total == breakdown(combined.inputs).total <= preset("t4").usable_bytes
    # Two T4s hold no 4-bit format of it: 3 is the fewest at the quality floor.
    two = replace(combined.inputs, n_gpus=2)
    assert all(
        breakdown(replace(two, weight_format=f)).total > preset("t4").usable_bytes
        for f in ("q4_k_m", "nf4-dq", "gptq", "q4_0")
    )
    assert result_json(e)["fixes"][-1]["n_gpus"] == 3


def test_too_long_a_context_gets_the_largest_context_that_fits() -> None:
    e = estimate(
        VramInputs(LLAMA_8B, weight_format="bf16", compute_dtype="fp16", context=131072, hardware=preset("t4"))
    )
    combined = e.fixes[-1]
    assert fix_text(combined) == (
        "KV cache in fp8 + weights in GGUF Q4_0 (4.5 bits) + context 62,743 tokens "
        "(the most that fits) instead of 131,072"
    )
    assert combined.fits and combined.inputs.n_gpus == 1
    usable = preset("t4").usable_bytes
    assert breakdown(combined.inputs).total <= usable < breakdown(replace(combined.inputs, context=62744)).total


def test_training_combination_drops_changes_it_no_longer_needs() -> None:
    e = estimate(VramInputs(LLAMA_8B, mode="training", compute_dtype="fp16", hardware=preset("t4")))
    assert fix_text(e.fixes[-1]) == "full gradient checkpointing (~33% more compute) + QLoRA (NF4 base) rank 16"
    assert e.fixes[-1].fits
    big = estimate(VramInputs(LLAMA_70B, mode="training", compute_dtype="fp16", hardware=preset("t4"))).fixes[-1]
    assert big.fits and big.inputs.n_gpus == 4 and big.inputs.zero_stage == 3
    assert fix_text(big).startswith("4 x NVIDIA T4 16 GB (ZeRO-3): ") and fix_text(big).count("LoRA") == 1


def test_a_mac_that_cannot_hold_it_says_so_plainly() -> None:
    e = estimate(VramInputs(LLAMA_70B, weight_format="bf16", hardware=preset("mac-16")))
    combined = e.fixes[-1]
    assert not combined.fits and combined.still_too_large
    assert fix_text(combined).startswith("still too large with all of: ")
    assert _formats_named(fix_text(combined)) == 1 and combined.inputs.n_gpus == 1


def test_host_ram_note_names_the_chosen_hardware_not_this_server() -> None:
    e = estimate(VramInputs(LLAMA_8B, weight_format="bf16", compute_dtype="fp16", hardware=preset("t4")))
    note = next(note_text(n) for n in e.notes if n.code == "cpu_ram_loading")
    assert "the chosen hardware (NVIDIA T4 16 GB) comes with 12.70 GB" in note and "this machine" not in note


# --------------------------------------------------------------------------- words in three languages

ENGLISH_RUN = re.compile(r"[A-Za-z][a-z]+(?:[ ,:;-]+[A-Za-z][a-z]+){2,}")  # three English words in a row


def _english(text: str, *names: str) -> list[str]:
    """English word runs left once names (models, devices, formats) and units are taken out."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return ENGLISH_RUN.findall(text)


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_chinese_verdict_fixes_and_notes_have_no_english_sentence(lang: str) -> None:
    from playground.words import vram_page

    cases = [
        VramInputs(LLAMA_8B, weight_format="fp16", compute_dtype="fp16", hardware=preset("t4")),
        VramInputs(LLAMA_70B, weight_format="bf16", compute_dtype="fp16", hardware=preset("t4")),
        VramInputs(LLAMA_70B, weight_format="bf16", hardware=preset("mac-16")),
        VramInputs(spec_from_count(8e9), mode="training", batch=4, n_gpus=2, hardware=preset("a100-40")),
        VramInputs(LLAMA_8B, weight_format="q4_k_m", hardware=preset("mac-48")),
    ]
    for inputs in cases:
        e = estimate(inputs)
        names = [inputs.hardware.label, inputs.model.name, "Llama", "FlashAttention", "Liger", "bitsandbytes"]
        page = vram_page.verdict_markdown(e, lang)
        fixes = [row[0] for row in vram_page.fix_rows(e, lang)]
        for text in [page, *fixes]:
            assert _english(text, *names) == [], text
        assert verdict_text(e.verdict, lang) != verdict_text(e.verdict)
        assert all(fix_text(f, lang) != fix_text(f) for f in e.fixes)
    assert (
        _english(
            vram_page.formulas_markdown(lang).replace("|", "\n").split("---")[-1],
            *(f.reference for f in vram.FORMULAS),
            "Adam",
            "Offload",
            "lm_head",
        )
        == []
    )
