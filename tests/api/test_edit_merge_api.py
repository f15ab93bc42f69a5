"""The steer, finetune and merge endpoints through gradio_client: results, per-session adapters, refusals."""

from __future__ import annotations

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

MODEL = "SmolLM2-135M-Instruct"
FACT = ("The capital of Atlantis is", " Zorbin", "The capital of France is", " Paris")


def test_the_endpoints_are_listed_with_the_model_first_and_lang_last(client):
    api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    for name in ("/steer", "/finetune", "/merge"):
        params = api[name]["parameters"]
        assert params[0]["label"] == "Model" and params[-1]["parameter_name"] == "lang"


def test_steer_returns_both_continuations_and_the_sweep(client):
    summary, _next, _sweep, code, result = client.predict(
        MODEL, "I think dogs are", "I love you", "I hate you", 12, 0, 6, api_name="/steer"
    )
    assert result["model"] == MODEL and result["layer"] == 12 and result["strength"] == 0
    assert result["before"] == result["after"] and result["kl_bits"] == 0
    assert result["continuation_before"] == result["continuation_after"] == " just a bunch of fluffy balls"
    assert len(result["sweep"]["layers"]) == 10 and len(result["sweep"]["kl_bits"][0]) == 7
    assert "register_forward_hook" in code and "handle.remove()" in code
    assert "Layer **12** of 30" in summary


def test_steer_in_chinese_words_the_summary(client):
    summary, *_ = client.predict(
        MODEL, "I think dogs are", "I love you", "I hate you", 3, 1, 2, "zh-Hans", api_name="/steer"
    )
    assert "第 **3** 层" in summary and "引导后" in summary


@pytest.fixture()
def no_time_limit(monkeypatch):
    """All steps even on a loaded machine (the app runs in this process, so it reads the patched limits)."""
    from dataclasses import replace

    from playground import config

    settings = config.settings()
    monkeypatch.setattr(
        config, "settings", lambda: replace(settings, limits=replace(settings.limits, max_finetune_seconds=3600))
    )


@pytest.mark.slow
def test_finetune_then_merge_in_one_session_and_not_in_another(live_app, no_time_limit):
    mine, other = Client(live_app, verbose=False), Client(live_app, verbose=False)
    job = mine.submit(MODEL, *FACT, 3, 3e-3, 4, 0, api_name="/finetune")
    updates = list(job)
    progress, _loss, summary, memory, code, result = job.result()
    assert len(updates) >= 3 and "<progress" in progress
    assert result["steps"] == 3 and result["fact"]["after"] > 100 * result["fact"]["before"]
    assert result["memory"]["measured_bytes"] > 0 and result["estimated"]["tensors"] > 0
    assert "get_peft_model" in code and "VRAM Calculator" in memory and result["adapter"] in summary
    out = mine.predict(MODEL, "adapter", 0.0, MODEL, *FACT, api_name="/merge")
    assert out[-1]["fact"]["p"] == pytest.approx(result["fact"]["before"], rel=1e-5)
    out = mine.predict(MODEL, "adapter", 1.0, MODEL, *FACT, api_name="/merge")
    assert out[-1]["fact"]["p"] == pytest.approx(result["fact"]["after"], rel=1e-3)
    assert out[-1]["other"] == result["adapter"]
    # another session sees no adapter: it is told to fine-tune first
    summary, chart, _code, data = other.predict(MODEL, "adapter", 1.0, MODEL, *FACT, api_name="/merge")
    assert data["adapter"] is None and "no fine-tuned adapter" in summary


def test_merging_two_models_of_different_shapes_is_refused(client):
    with pytest.raises(AppError, match="cannot be merged: their weights have different shapes"):
        client.predict(MODEL, "models", 0.5, "Qwen2.5-Coder-0.5B-Instruct", *FACT, api_name="/merge")


def test_a_merge_of_the_model_with_itself_is_the_model(client, lm):
    summary, _chart, code, result = client.predict(MODEL, "models", 0.5, MODEL, *FACT, api_name="/merge")
    curve = {p["alpha"]: p for p in result["curve"]}
    assert curve[0.0]["fact"] == pytest.approx(result["fact"]["p"], rel=1e-6)
    assert "lerp_" in code and result["kind"] == "models"
