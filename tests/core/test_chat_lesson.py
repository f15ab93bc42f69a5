"""Each claim of the Chat tab's lesson (chat.lesson in playground/words/chat.py), on the model the example
runs on, greedy, with the tab's default limit of 256 new tokens. If a model or the decoding changes and a
claim stops being true, a test here fails and the lesson text must change with it."""

from __future__ import annotations

import re

import pytest

from playground.core import chat
from playground.core.generate import Generation, Sampling
from playground.tabs.chat_layout import CHINESE_QUESTION, ENGLISH_QUESTION

LIMIT = 256  # the Chat tab's default "Max new tokens"


def _reply(lm, question: str, mode: str) -> Generation:
    prompt = chat.build_prompt(lm.tokenizer, question, [], "", mode)
    return Generation(lm, prompt.ids, Sampling(greedy=True, max_new_tokens=LIMIT)).run()


def _cjk(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def test_the_lesson_names_the_models_and_questions_it_runs():
    from playground.i18n import t

    text = t("chat.lesson")
    for words in (
        CHINESE_QUESTION,
        ENGLISH_QUESTION,
        "Qwen2.5-Coder-0.5B-Instruct",
        "SmolLM2-135M-Instruct",
        "at most 256 new tokens",
        "`<|im_end|>`",
    ):
        assert words in text


# ----------------------------------------------------------------------- Qwen, the Chinese question


def test_qwen_official_answers_in_chinese_and_ends_its_turn_after_about_50_tokens(qwen):
    g = _reply(qwen, CHINESE_QUESTION, "official")
    assert g.finish_reason == "eos" and g.token_ids[-1] == qwen.tokenizer.convert_tokens_to_ids("<|im_end|>")
    assert g.new_tokens == 51  # "about 50 tokens"
    assert _cjk(g.text) > 40 and g.text.startswith("天空之所以是藍色的")
    assert "散射" not in g.text  # "not a word about scattering": the answer is wrong


@pytest.mark.slow
def test_qwen_homemade_starts_the_same_answer_and_repeats_one_clause_to_the_limit(qwen):
    g = _reply(qwen, CHINESE_QUESTION, "homemade")
    assert g.finish_reason == "length" and g.new_tokens == LIMIT
    assert g.text.startswith("天空之所以是藍色的，是因为大气中")  # the official answer's first 16 characters
    clause = "使得大气中的二氧化碳和氧气的浓度达到饱和状态，"
    assert g.text.count(clause) >= 10


# ----------------------------------------------------------------------- SmolLM2, the default


@pytest.mark.slow  # a whole reply of up to LIMIT tokens: long generation (the model tier)
def test_smollm2_official_explains_rayleigh_scattering_and_ends(lm):
    g = _reply(lm, ENGLISH_QUESTION, "official")
    assert g.finish_reason == "eos" and g.token_ids[-1] == lm.tokenizer.convert_tokens_to_ids("<|im_end|>")
    assert g.new_tokens < LIMIT and "Rayleigh scattering" in g.text


@pytest.mark.slow  # a whole reply of up to LIMIT tokens: long generation (the model tier)
def test_smollm2_homemade_answers_then_says_the_answer_is_ai_and_stops(lm):
    g = _reply(lm, ENGLISH_QUESTION, "homemade")
    assert g.finish_reason == "eos" and g.new_tokens < LIMIT
    assert "Rayleigh scattering" in g.text and g.text.rstrip().endswith("The answer is: AI.")


def test_smollm2_none_stops_at_once_with_an_empty_reply(lm):
    g = _reply(lm, ENGLISH_QUESTION, "none")
    assert g.finish_reason == "eos" and g.new_tokens == 1 and g.text == ""


@pytest.mark.slow
@pytest.mark.parametrize("mode, loop", [("official", "藍色！"), ("homemade", "什麼？\nAI回答：")])
def test_smollm2_repeats_itself_to_the_limit_on_the_chinese_question(lm, mode, loop):
    g = _reply(lm, CHINESE_QUESTION, mode)
    assert g.finish_reason == "length" and g.new_tokens == LIMIT
    assert g.text.count(loop) >= 15
