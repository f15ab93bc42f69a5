"""The `vram_estimate` and `vram_measure` endpoints through gradio_client against the live app."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError

PARTS = {"weights", "gradients", "optimizer", "activations", "logits", "kv_cache", "overhead", "total"}


def _estimate(client, model="SmolLM2-135M-Instruct", **kwargs):
    return client.predict(model, api_name="/vram_estimate", **kwargs)


def test_invalid_inputs_are_clear_errors(client):
    with pytest.raises(AppError, match="Layers"):
        _estimate(client, source="shape", layers=0)
    with pytest.raises(AppError, match="must divide the hidden size"):
        _estimate(client, source="shape", heads=30, kv_heads=0, head_dim=0)
    with pytest.raises(AppError, match="Context"):
        _estimate(client, context=-5)
    with pytest.raises(AppError, match="Custom memory"):
        _estimate(client, hardware="custom", custom_gb=-1)
    with pytest.raises(AppError, match="no-such-model"):
        _estimate(client, model="no-such-model")


def test_default_model_breakdown_in_bytes(client, lm):
    verdict, _chart, _fixes, code, result = _estimate(
        client, weight_format="fp32", context=1024, kv_dtype="fp32", hardware="t4"
    )
    per = result["per_gpu"]
    assert set(per) == PARTS and all(isinstance(v, int) and v >= 0 for v in per.values())
    assert per["weights"] == 4 * lm.n_params  # tied embeddings counted once
    assert per["kv_cache"] == 2 * 30 * 3 * 64 * 1024 * 4  # 3 key/value heads, not 9
    assert per["total"] == sum(v for k, v in per.items() if k != "total")
    assert result["fits"] is True and "Fits" in verdict and "GiB" in verdict
    assert result["model"]["n_params"] == lm.n_params
    assert "init_empty_weights" in code and "max_memory_allocated" in code


def test_8b_fp16_on_a_t4_does_not_fit_and_says_what_would(client):
    verdict, _chart, fixes, _code, result = _estimate(
        client, "Llama-3.1-8B-Instruct", weight_format="fp16", hardware="t4", context=2048
    )
    assert result["fits"] is False and "Does not fit" in verdict
    assert result["per_gpu"]["weights"] == 2 * 8_030_261_248
    assert result["fixes"] and any(f["fits"] for f in result["fixes"])
    assert len(fixes["data"]) == len(result["fixes"])


def test_training_count_only_with_zero3(client):
    *_, result = _estimate(
        client, source="count", params_b=7.5, mode="training", hardware="a100-80", n_gpus=64, zero_stage=3, context=1024
    )
    per = result["per_gpu"]
    assert round((per["weights"] + per["gradients"] + per["optimizer"]) / 1e9, 1) == 1.9
    assert result["global_batch"] == {"sequences": 64, "tokens": 64 * 1024}
    assert result["model"]["assumed_shape"] is True


def test_measure_endpoint(client, lm):
    text, result = client.predict("SmolLM2-135M-Instruct", "inference", 512, api_name="/vram_measure")
    assert result["kind"] == "inference" and result["weights_bytes"] == lm.weight_bytes
    assert abs(result["ratio"] - 1) <= 0.15
    assert "measured" in text


def _documented(client, endpoint):
    return client.view_api(return_format="dict", print_info=False)["named_endpoints"][endpoint]["parameters"]


def test_every_documented_parameter_value_is_accepted(client):
    """What the API page documents (type, default, every listed choice) is what the endpoint takes."""
    params = _documented(client, "/vram_estimate")
    zero = next(p for p in params if p["parameter_name"] == "zero_stage")
    assert zero["type"]["type"] == "integer" and zero["parameter_default"] == 0
    defaults = {p["parameter_name"]: p["parameter_default"] for p in params}
    assert all(p["parameter_has_default"] for p in params)
    *_, result = client.predict(**defaults, api_name="/vram_estimate")
    assert result["fits"] is True
    for p in params:
        name = p["parameter_name"]
        for value in p["type"].get("enum", []) or [p["example_input"]]:
            if name == "source" and value == "shape":
                value_kwargs = {"source": "shape", "params_b": 0, "kv_heads": 8}
            else:
                value_kwargs = {name: value}
            *_, result = client.predict(**(defaults | value_kwargs), api_name="/vram_estimate")
            assert result["per_gpu"]["total"] > 0, (name, value)
    for stage in (0, 1, 2, 3):  # the documented integers, in training over 4 GPUs
        *_, result = client.predict(
            **(defaults | {"mode": "training", "zero_stage": stage, "n_gpus": 4}), api_name="/vram_estimate"
        )
        assert result["mode"] == "training"
    with pytest.raises(AppError, match="3"):
        client.predict(**(defaults | {"zero_stage": 4}), api_name="/vram_estimate")


def test_measure_documented_defaults_are_accepted(client, lm):
    params = _documented(client, "/vram_measure")
    assert [p["parameter_name"] for p in params] == ["model", "kind", "context", "lang"]
    defaults = {p["parameter_name"]: p["parameter_default"] for p in params}
    _text, result = client.predict(**(defaults | {"context": 64}), api_name="/vram_measure")
    assert result["model"] == "SmolLM2-135M-Instruct" and result["kind"] == "inference"


def test_70b_on_a_t4_answers_with_devices_and_loads_nothing(client):
    from playground.loader import get_loader

    before = [(m.name, m.quantization) for m in get_loader().loaded()]
    _verdict, _chart, fixes, _code, result = _estimate(
        client, "Llama-3.1-70B-Instruct", weight_format="bf16", hardware="t4"
    )
    last = result["fixes"][-1]
    assert last["fits"] is True and last["n_gpus"] == 3 and last["weight_format"] == "q4_k_m"
    assert last["change"].startswith("3 x NVIDIA T4 16 GB") and last["change"].count("weights in") == 1
    assert fixes["data"][-1] == [last["change"], "16.04 GB (14.94 GiB)", "yes"]
    assert result["model"]["n_params"] == 70_553_706_496
    assert [(m.name, m.quantization) for m in get_loader().loaded()] == before  # config only, no weights


def test_a_model_that_fits_says_so(client):
    verdict, _chart, fixes, _code, result = _estimate(client)
    assert result["fits"] is True and result["fixes"] == [] and fixes["data"] == []
    assert "Nothing to change: it fits as it is." in verdict


def test_the_field_table_is_what_the_api_page_documents(client):
    """VramForm (one dataclass) -> components, handler parameters and the API page: same names, order,
    defaults and types; `lang` comes last, English by default."""
    from dataclasses import MISSING, fields

    from playground import config
    from playground.core.vram import FIELD_TYPES, VramForm
    from playground.tabs.vram_page import FIELDS

    params = _documented(client, "/vram_estimate")
    assert [p["parameter_name"] for p in params] == [f.name for f in fields(VramForm)] + ["lang"]
    assert [f.name for f in FIELDS] == [f.name for f in fields(VramForm)]
    documented = {p["parameter_name"]: p for p in params}
    assert documented["lang"]["parameter_default"] == "en"
    assert documented["model"]["parameter_default"] == config.settings().default_model
    for f in fields(VramForm):
        p = documented[f.name]
        if f.default is not MISSING:
            assert p["parameter_default"] == f.default, f.name
        python = p["python_type"]["type"]
        want = FIELD_TYPES[f.name].__name__
        assert python == want or (want == "str" and python.startswith("Literal[")), (f.name, python)


def test_a_chinese_page_gets_a_chinese_verdict_and_fixes(client):
    verdict, _chart, fixes, _code, result = _estimate(
        client, "Llama-3.1-8B-Instruct", weight_format="fp16", hardware="t4", lang="zh-Hant"
    )
    assert verdict.startswith("### ✘ 放不下：每台裝置") and "需要 2 台" in verdict
    assert fixes["headers"] == ["改法", "每台裝置新總量", "放得下"]
    assert fixes["data"][0][0].startswith("權重改用") and fixes["data"][0][2] == "是"
    assert result["verdict"].startswith("Does not fit")  # the JSON result stays English
