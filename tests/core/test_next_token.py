"""Next-token probabilities and the sampling pipeline against direct transformers computations."""

from __future__ import annotations

import math

import pytest
import torch
from transformers.generation.logits_process import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

from playground.core.next_token import keep_mask, last_logits, prompt_ids, sampling_view
from playground.errors import InputError


@pytest.fixture(scope="module")
def one_plus_one(lm):
    return last_logits(lm, prompt_ids(lm.tokenizer, "1+1="))


def test_one_plus_one_top10_equals_direct_transformers(lm, one_plus_one):
    """The source material's computation: softmax of the last position's logits, top 10."""
    ids = lm.tokenizer("1+1=", return_tensors="pt").input_ids
    with torch.no_grad():
        direct = torch.softmax(lm.model(ids).logits[0, -1], dim=-1)
    top = torch.topk(direct, 10)
    view = sampling_view(one_plus_one, lm.tokenizer, show=10)
    assert [c.id for c in view.candidates] == top.indices.tolist()
    for c, p in zip(view.candidates, top.values.tolist()):
        assert c.prob == pytest.approx(p, abs=1e-5)
    assert view.candidates[0].text == "2"


def test_logits_to_keep_gives_the_full_forward_last_row(lm):
    ids = prompt_ids(lm.tokenizer, "The capital of France is")
    with torch.no_grad():
        full = lm.model(torch.tensor([ids])).logits[0, -1]
    assert torch.allclose(last_logits(lm, ids), full, atol=1e-4)


def test_chat_template_option_equals_apply_chat_template(tokenizer):
    ids = prompt_ids(tokenizer, "hi", chat_template=True)
    direct = tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], add_generation_prompt=True, tokenize=True, return_dict=True
    )["input_ids"]
    assert ids == list(direct)
    assert tokenizer.decode(ids).endswith("<|im_start|>assistant\n")


def test_entropy_in_bits(one_plus_one, tokenizer):
    p = one_plus_one.double().softmax(-1)
    expected = float(-(p[p > 0] * p[p > 0].log2()).sum())
    assert sampling_view(one_plus_one, tokenizer).entropy_bits == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    "temperature, top_k, top_p",
    [(1.0, 0, 1.0), (0.7, 10, 0.9), (1.5, 0, 0.5), (0.3, 3, 1.0), (1.0, 50, 0.95), (2.0, 1, 1.0)],
)
def test_keep_mask_matches_transformers_warpers(one_plus_one, temperature, top_k, top_p):
    scores = one_plus_one[None].clone()
    warpers = [TemperatureLogitsWarper(temperature)]
    if top_k:
        warpers.append(TopKLogitsWarper(top_k))
    if top_p < 1.0:
        warpers.append(TopPLogitsWarper(top_p))
    for w in warpers:
        scores = w(None, scores)
    expected = torch.isfinite(scores[0])
    assert torch.equal(keep_mask(one_plus_one, temperature, top_k, top_p), expected)


def test_renormalized_probabilities_equal_softmax_of_warped_scores(one_plus_one, tokenizer):
    scores = one_plus_one[None].clone()
    for w in [TemperatureLogitsWarper(0.7), TopKLogitsWarper(10), TopPLogitsWarper(0.9)]:
        scores = w(None, scores)
    final = scores[0].double().softmax(-1)
    view = sampling_view(one_plus_one, tokenizer, 0.7, 10, 0.9, show=15)
    for c in view.candidates:
        assert c.final == pytest.approx(float(final[c.id]), abs=1e-6)
        assert c.kept == (final[c.id] > 0)
    assert view.kept_count == int(torch.isfinite(scores[0]).sum())
    assert sum(c.final for c in view.candidates) == pytest.approx(1.0, abs=1e-6)


def test_temperature_zero_is_greedy(one_plus_one, tokenizer):
    view = sampling_view(one_plus_one, tokenizer, 0.0, 0, 1.0, show=5)
    assert view.kept_count == 1 and view.candidates[0].final == 1.0
    assert [c.kept for c in view.candidates] == [True, False, False, False, False]
    assert math.isclose(view.tempered_entropy_bits, 0.0, abs_tol=1e-12)


@pytest.mark.parametrize(
    "temperature, top_k, top_p, message",
    [
        (-1, 0, 1.0, "Temperature"),
        (6, 0, 1.0, "Temperature"),
        (float("nan"), 0, 1.0, "Temperature"),
        (1, -3, 1.0, "Top-k"),
        (1, 10**9, 1.0, "Top-k"),
        (1, 0, 0.0, "Top-p"),
        (1, 0, 1.5, "Top-p"),
    ],
)
def test_out_of_range_sampling_settings_are_refused(one_plus_one, tokenizer, temperature, top_k, top_p, message):
    with pytest.raises(InputError, match=message):
        sampling_view(one_plus_one, tokenizer, temperature, top_k, top_p)


def test_empty_prompt_has_no_logits(lm):
    with pytest.raises(InputError):
        last_logits(lm, [])


def test_the_tab_words_its_result_in_the_page_language(lm):
    """Summary, table headers, chart title and legend, picker labels in 繁體中文; the JSON stays the same."""
    from playground import config
    from playground.tabs.next_token import predict

    model = config.settings().default_model
    en = predict(model, "1+1=", False, 0.5, 1, 1.0, 3)
    zh = predict(model, "1+1=", False, 0.5, 1, 1.0, 3, "zh-Hant")
    chart, table, summary, pick, _text, _code, result, _state = zh
    assert table["headers"] == ["名次", "編號", "詞元", "文字", "機率", "logit", "p(T)", "保留", "最終機率"]
    assert en[1]["headers"] == ["rank", "id", "token", "text", "probability", "logit", "p(T)", "kept", "final p"]
    assert [row[7] for row in table["data"]] == ["是", "否", "否"] and [row[7] for row in en[1]["data"]] == [
        "yes",
        "no",
        "no",
    ]
    assert summary.startswith("輸入 **4** 個詞元，溫度 1 時的熵為") and "只有 **1** 個詞元通過 top-k/top-p" in summary
    assert chart.layout.title.text.startswith("下一個詞元的候選<br>")
    assert [d.name for d in chart.data] == ["調溫前（T=1）", "調溫後（T=0.5）", "top-k / top-p 之後（重新歸一化）"]
    assert pick["choices"][0][0].startswith("1. 2（編號 ") and pick["choices"][0][1] == result["candidates"][0]["id"]
    assert result == en[6]
