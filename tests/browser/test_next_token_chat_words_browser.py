"""A Chinese page in Chromium: the Next Token result (summary, table headers, chart title and legend,
picker) and the Chat tab's template choices carry no English sentence (model names, token text aside)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_words_browser import MODELS, _words
from tests.core.test_words import english_in


def test_a_chinese_page_words_the_next_token_result(page):
    page.get_by_label("繁體中文").check()
    page.get_by_role("tab", name="下一個詞元", exact=True).click()
    page.get_by_role("button", name="預測下一個詞元", exact=True).click()
    page.locator("#next-token-chart .js-plotly-plot").first.wait_for(timeout=180_000)
    page.wait_for_timeout(1500)  # the summary and the table arrive with the same event
    words = _words(page)
    assert "輸入 **" not in words and re.search(r"輸入 \d+ 個詞元", words)
    assert "下一個詞元的候選" in words and "名次" in words
    samples = ("The capital of France is", "Once upon a time")  # the Examples' own text
    assert english_in(words, (*MODELS, *samples, "top-k", "top-p", "Top-k", "Top-p", "logit")) == []


def test_a_chinese_page_labels_the_template_choices(page):
    page.get_by_label("繁體中文").check()
    page.get_by_role("tab", name="對話", exact=True).click()
    expect(page.get_by_label("official：模型自己的模板")).to_be_visible()
    expect(page.get_by_label("homemade：自製模板")).to_be_visible()
