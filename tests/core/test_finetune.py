"""The quick LoRA fine-tune (core.finetune): it raises p(fact), reproducibly, on a private copy; the shared
model is unchanged; the adapter's size is the VRAM Calculator's LoRA count."""

from __future__ import annotations

import pytest

from playground.core import finetune as ft
from playground.core.vram import breakdown
from playground.errors import InputError
from playground.measure import inputs_for, spec_from_model
from tests.core.test_steer import assert_unchanged, snapshot

pytestmark = pytest.mark.slow
STEPS, LR = 3, 3e-3  # a few steps keep the test quick; the benchmark runs the tab's defaults


def _run(lm, **kw):
    steps, result = [], None
    for item in ft.train(lm, steps=STEPS, lr=LR, rank=4, seed=0, **kw):
        if isinstance(item, ft.Step):
            steps.append(item)
        else:
            result = item
    return steps, result


@pytest.fixture(scope="module", autouse=True)
def no_time_limit():
    """All STEPS steps even on a loaded machine: the time limit would cut runs at different steps."""
    from dataclasses import replace

    from playground import config

    settings = config.settings()
    patched = replace(settings, limits=replace(settings.limits, max_finetune_seconds=3600))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(config, "settings", lambda: patched)
        yield


@pytest.fixture(scope="module")
def run(lm):
    before = snapshot(lm.model)
    steps, result = _run(lm)
    return before, steps, result


def test_the_fact_splits_into_prompt_and_answer_tokens(tokenizer):
    pr = ft.probe(tokenizer, *ft.FACT)
    assert tokenizer.decode(list(pr.answer_ids)) == " Zorbin"
    assert len(pr.answer_ids) == 3
    with pytest.raises(InputError, match="empty"):
        ft.probe(tokenizer, "The capital of Atlantis is", "")


def test_settings_are_checked(lm):
    with pytest.raises(InputError, match="Steps"):
        next(ft.train(lm, steps=10_000))
    with pytest.raises(InputError, match="LoRA rank"):
        next(ft.train(lm, rank=0))


def test_it_raises_p_fact_and_streams_every_step(run):
    _before, steps, r = run
    assert [s.step for s in steps] == [1, 2, 3] and all(s.total == STEPS for s in steps)
    assert r.fact_before.p < 0.01
    assert r.fact_after.p > 100 * r.fact_before.p
    assert r.losses[0] == pytest.approx(17.77, abs=0.01)  # -log p(' Zorbin' | prompt) of the base model
    assert r.losses[-1] < r.losses[0]


def test_it_is_reproducible(lm, run):
    _before, _steps, r = run
    _steps2, r2 = _run(lm)
    assert r2.losses == r.losses
    assert r2.fact_after.p == r.fact_after.p and r2.control_after.p == r.control_after.p


def test_the_shared_model_is_unchanged(lm, run):
    before, _steps, _r = run
    assert_unchanged(lm.model, before)


def test_the_adapter_and_the_memory_beside_the_estimate(lm, run):
    _before, _steps, r = run
    spec = spec_from_model(lm.model, lm.n_params, lm.name)
    assert r.adapter.n_params == spec.lora_params(4) == 1_221_120
    assert len(r.adapter.weights) == 30 * 7
    tokens = len(lm.tokenizer("The capital of Atlantis is Zorbin")["input_ids"])
    from dataclasses import replace

    want = breakdown(replace(inputs_for(lm, "training", tokens, 1), method="lora", lora_rank=4))
    assert r.estimated == want
    assert r.measured_bytes >= r.weights_bytes == lm.weight_bytes
