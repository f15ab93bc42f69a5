"""A Chinese page in Chromium: the Tokenizer, Embedding Neighbors and Layer Representations results, their
tables, chart titles and Examples headers carry no English sentence (model names, code, token text, the
examples' own text and numbers aside)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.core.test_words import english_in

MODELS = ("SmolLM2-135M-Instruct", "Qwen2.5-Coder-0.5B-Instruct")
# What a reader sees of a Plotly chart besides its data.
CHART_TEXT = ".gtitle, .xtitle, .ytitle, .legendtext, .annotation-text"


def _words(page) -> str:
    """The visible text of the open tab, less its Examples cells (sample text) and inputs."""
    panel = page.locator("[role=tabpanel]:visible").first
    text = panel.evaluate("""el => {
        const copy = el.cloneNode(true);
        copy.querySelectorAll('tbody, textarea, input, .js-plotly-plot, code, pre').forEach(e => e.remove());
        return copy.innerText;
    }""")
    return text + " | " + " | ".join(panel.locator(CHART_TEXT).all_text_contents())


@pytest.mark.parametrize(
    "tab, button, ready",
    [
        ("分詞器", "分詞", "#token-spans .tok"),
        ("嵌入鄰居", "找鄰居", "#neighbors-scatter .js-plotly-plot"),
        ("各層表示", "顯示各層", "#layers-rank .js-plotly-plot"),
    ],
)
def test_a_chinese_page_words_the_results(page, tab, button, ready):
    page.get_by_label("繁體中文").check()
    page.get_by_role("tab", name=tab, exact=True).click()
    page.get_by_role("button", name=button, exact=True).click()
    page.locator(ready).first.wait_for(timeout=180_000)
    page.wait_for_timeout(1500)  # the summary and tables arrive with the same event
    words = _words(page)
    assert re.search(r"[\u4e00-\u9fff]", words)
    assert english_in(words, MODELS) == []
    examples = page.locator("[role=tabpanel]:visible thead").first
    expect(examples).to_contain_text("模型")


def test_switching_the_language_rewords_the_shown_tokens_and_the_choices(page):
    expect(page.get_by_text("characters per token").first).to_be_visible()  # "good morning" as the page opens
    page.get_by_label("简体中文").check()
    expect(page.get_by_text("个字符").first).to_be_visible()  # re-worded without another click
    expect(page.locator("[role=tabpanel]:visible thead").first).to_contain_text("文本")  # the Examples headers
    page.get_by_role("tab", name="嵌入邻居", exact=True).click()
    expect(page.get_by_label("平均", exact=True)).to_be_visible()
    expect(page.get_by_label("输出", exact=True)).to_be_visible()
