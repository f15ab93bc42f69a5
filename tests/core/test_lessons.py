"""Every claim of every lesson step, on each embedded model the step is shown for: the step runs on the real
model (greedy where it decodes) and each claim its reveal makes must hold. A claim that stops holding (a new
model, a changed decoder) fails here, and the lesson must change with it.

The Chinese lessons' model (the `qwen` fixture) is slow to load and decode: those tests are marked slow.
"""

from __future__ import annotations

from typing import Any

import pytest

from playground.core import lesson_runs, lessons
from playground.i18n import LANGS

EN_STEPS = lessons.steps_for("en")
ZH_STEPS = lessons.steps_for("zh")


def _check(step: lessons.Step, role: str, lm: Any) -> dict[str, Any]:
    out = lesson_runs.run(step, role, None if step.kind in lesson_runs.NO_WEIGHTS else lm)
    held = lessons.held(step, role, out.result)
    assert held, f"{step.id} states no claim for {role}"
    assert all(held.values()), f"{step.id} on {role}: claims that do not hold: {held}\n{out.result}"
    answer = step.predict.answer(out.result)
    if step.predict.options:
        assert answer in step.predict.options
    assert step.predict.right(answer, out.result) is True
    return out.result


# ----------------------------------------------------------------------- the data itself


def test_the_steps_follow_the_tutorial_in_order():
    assert lessons.CHAPTERS == (
        "tokens",
        "next",
        "chat",
        "loop",
        "inside",
        "embeddings",
        "lens",
        "memory",
        "tools",
        "edit",
    )
    assert len({s.id for s in lessons.STEPS}) == len(lessons.STEPS)


def test_every_step_is_shown_for_both_models_with_at_least_one_claim_each():
    for step in lessons.STEPS:
        for role in step.roles:
            assert step.claims_for(role), (step.id, role)
    assert len(EN_STEPS) == len(ZH_STEPS) == len(lessons.STEPS)


def test_a_chinese_page_runs_the_chinese_speaking_model():
    from playground import config

    assert lessons.role_for("zh-Hant") == lessons.role_for("zh-Hans") == "zh"
    assert lessons.role_for("en") == lessons.role_for(None) == "en"
    assert lessons.model_for("zh") == config.settings().chinese_model == "Qwen2.5-Coder-0.5B-Instruct"


def test_unknown_steps_are_refused_by_name():
    from playground.errors import InputError

    with pytest.raises(InputError, match="no lesson step 'nope'"):
        lessons.get_step("nope")


def test_every_shown_text_exists_in_three_languages():
    from playground import i18n
    from playground.words import lessons as words

    for step in lessons.STEPS:
        for key in words.keys_of(step):
            assert key in i18n.keys(), key
            assert len({i18n.t(key, lang) for lang in LANGS}) >= 2 or key.endswith(".title"), key


def test_a_number_prediction_counts_within_its_tolerance():
    p = lessons.Prediction(lambda r: 100, tolerance=0.25)
    assert p.right("80", {}) and p.right(125, {}) and not p.right(126, {}) and p.right("", {}) is None
    assert p.right("many", {}) is None


# ----------------------------------------------------------------------- the claims on the models


# Steps that decode a long reply, run the tool loop, steer (two greedy continuations) or fine-tune take
# seconds: they run in the `model` tier.
DECODING = {"chat.homemade", "tools.loop", "edit.steer_zero", "edit.steer_love", "edit.finetune", "edit.merge"}


@pytest.mark.parametrize(
    "step",
    [pytest.param(s, marks=pytest.mark.slow) if s.id in DECODING else s for s in EN_STEPS],
    ids=[s.id for s in EN_STEPS],
)
def test_claims_hold_on_the_default_model(lm, step):
    _check(step, "en", lm)


@pytest.mark.parametrize("step", ZH_STEPS, ids=[s.id for s in ZH_STEPS])
def test_claims_hold_on_the_chinese_model(qwen, step):
    _check(step, "zh", qwen)


def test_exact_numbers_on_the_default_model(lm):
    """The numbers the English reveals quote, against direct tokenizer and config reads."""
    space = _check(lessons.get_step("tokens.space"), "en", lm)
    assert space["ids"] == lm.tokenizer("good good", add_special_tokens=False)["input_ids"] == [12018, 1123]
    chinese = _check(lessons.get_step("tokens.chinese"), "en", lm)
    assert chinese["count"] == 5 and chinese["characters"] == 3
    inside = _check(lessons.get_step("inside.params"), "en", lm)
    assert inside["n_params"] == sum(p.numel() for p in lm.model.parameters()) == 134_515_008
    assert inside["n_layers"] == lm.model.config.num_hidden_layers == 30
    assert lm.model.get_output_embeddings().weight is lm.model.get_input_embeddings().weight


def test_the_tools_steps_numbers_and_links_on_the_default_model(lm):
    """The tool prompt as the Tools & RAG tab builds it (all four tools), and a link that reopens that tab."""
    from playground.core import links, tool_loop

    prompt = _check(lessons.get_step("tools.prompt"), "en", lm)
    tp = tool_loop.tool_prompt(lm.tokenizer, "What is 1234 * 5678?")
    assert prompt["with"]["ids"] == tp.with_tools.ids and (prompt["with"]["n_tokens"], prompt["added_tokens"]) == (
        521,
        477,
    )
    loop = lessons.get_step("tools.loop")
    assert links.tab_query(loop, "en") == (
        "?tab=tools_rag&model=SmolLM2-135M-Instruct&run=1&message=What+is+1234+%2A+5678%3F"
        "&assistant=%7B%22name%22%3A+%22calculator%22%2C+%22arguments%22%3A+%7B%22expression%22%3A+%221234+%2A+5678%22%7D%7D"
        "&max_new_tokens=16"
    )


@pytest.mark.slow
def test_the_tool_loop_step_shows_the_tool_result_before_the_answer(lm):
    """The loop streams: the parsed call and the calculator's result first (no model time with a hand-written
    call), then the whole loop with the model's answer, as the Tools & RAG tab's iter_loop gives it."""
    from playground.core import lesson_runs, tool_loop
    from playground.tabs import lesson_views

    step = lessons.get_step("tools.loop")
    items = list(lesson_runs.stream(step, "en", lm))
    assert len(items) == 2 and isinstance(items[0], tool_loop.LoopResult)
    assert [s.kind for s in items[0].steps][-2:] == ["run", "tool_message"]
    assert items[0].steps[3].data["result"]["result"] == 1234 * 5678
    assert isinstance(items[1], lesson_runs.Outcome) and items[1].result["steps"][-1]["kind"] == "answer"
    outputs = list(lesson_views.lesson_step("tools.loop", "", "en"))
    assert "7006652" in outputs[0][2] and "The model is writing its reply" in outputs[0][2]  # the summary slot
    assert outputs[-1][4]["all_held"] and "writing" not in outputs[-1][2]


def test_the_editing_steps_run_the_edit_tabs_defaults_and_link_to_their_sub_tab():
    """The steering steps use the Steering sub-tab's defaults (strength 0 and its default 2), the fine-tune and
    merge steps the Fine-tune sub-tab's; each step's tab link names its sub-tab."""
    from playground.core import finetune, links

    steer = [lessons.get_step(s) for s in ("edit.steer_zero", "edit.steer_love")]
    assert [s.inputs["en"]["strength"] for s in steer] == [0.0, 2.0]
    tune = lessons.get_step("edit.finetune").inputs["zh"]
    assert (tune["fact_prompt"], tune["fact_answer"]) == finetune.FACT and tune["steps"] == finetune.DEFAULT_STEPS
    assert links.tab_query(lessons.get_step("edit.merge"), "en") == (
        "?tab=edit_merge&view=edit-merge&model=SmolLM2-135M-Instruct&run=1&kind=adapter&alpha=0.5"
        "&fact_prompt=The+capital+of+Atlantis+is&fact_answer=+Zorbin&control_prompt=The+capital+of+France+is"
        "&control_answer=+Paris&steps=16&lr=0.0002&rank=8&seed=0"
    )
    zero = links.tab_query(steer[0], "zh")
    assert "view=edit-steer" in zero and zero.endswith("&new_tokens=12&strength=0")


@pytest.mark.slow
def test_the_merge_step_reuses_the_fine_tune_and_streams_its_progress_first(lm):
    """Fine-tune streams one Progress per step before its result; the merge step then trains nothing (the kept
    fine-tune), and its alpha-0 point is the base model's p(fact) read directly."""
    from playground.core import finetune, lesson_edit

    lesson_edit.FINETUNES.clear()
    items = list(lesson_runs.stream(lessons.get_step("edit.finetune"), "en", lm))
    assert [type(x).__name__ for x in items] == ["Progress"] * 16 + ["Outcome"]
    assert [p.step.step for p in items[:-1]] == list(range(1, 17))
    merged = list(lesson_runs.stream(lessons.get_step("edit.merge"), "en", lm))
    assert [type(x).__name__ for x in merged] == ["Progress", "Outcome"]  # the kept fine-tune's last step
    assert merged[0].losses == tuple(items[-1].result["losses"])
    r = merged[-1].result
    base = finetune.answer_prob(lm.model, lm.tokenizer, finetune.probe(lm.tokenizer, *finetune.FACT), "cpu").p
    assert r["curve"][2] == {"alpha": 0.0, "fact": base, "control": r["curve"][2]["control"]}
    assert r["alpha"] == 0.5 and r["finetune"]["fact"] == items[-1].result["fact"]
