"""The Chinese examples in a real browser: an example row switches the model bar to the model that speaks
Chinese, byte pieces raise a warning, and a refused input clears the Tokenizer's old tokens."""

from __future__ import annotations

import re

from playwright.sync_api import expect

QWEN = "Qwen2.5-Coder-0.5B-Instruct"
SMOL = "SmolLM2-135M-Instruct"


def _example(page, *cells: str):
    """The visible example row holding all of `cells`."""
    row = page.locator("tr:visible")
    for cell in cells:
        row = row.filter(has_text=cell)
    return row.first


def test_neighbour_examples_switch_the_model_and_warn_about_byte_pieces(page):
    page.get_by_role("tab", name="Embedding Neighbors", exact=True).click()
    warning = page.locator("#neighbors-byte-warning")
    _example(page, SMOL, "蘋果").click()
    page.get_by_role("button", name="Find neighbours").click()
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Byte pieces")
    _example(page, QWEN, "王").click()
    expect(page.get_by_label("Model", exact=True)).to_have_value(QWEN)
    page.get_by_role("button", name="Find neighbours").click()
    expect(page.get_by_text(re.compile(f"for {re.escape(QWEN)}"))).to_be_visible(timeout=180_000)
    expect(warning).to_be_hidden()
    page.get_by_label("繁體中文").check()
    _example(page, SMOL, "蘋果").click()
    page.get_by_role("button", name="找鄰居").click()
    expect(warning).to_contain_text("位元組片段")


def test_a_refused_text_clears_the_old_tokens(page):
    spans = page.locator("#token-spans .tok")
    expect(spans.first).to_be_visible()  # "good morning" as the page opens
    page.get_by_label("Text", exact=True).fill("x" * 20_001)
    expect(page.get_by_text("the limit here is 20,000").first).to_be_visible()
    expect(spans).to_have_count(0)


def test_the_chinese_tokenizer_example_cuts_with_the_qwen_tokenizer(page):
    spans = page.locator("#token-spans .tok")
    _example(page, QWEN, "大家好").click()
    expect(page.get_by_label("Model", exact=True)).to_have_value(QWEN)
    expect(spans).to_have_count(2, timeout=120_000)  # 大家 + 好 (SmolLM2: 5 tokens, 4 of them byte pieces)
    expect(spans.first).to_contain_text("大家")
    _example(page, SMOL, "good morning").click()
    expect(page.get_by_label("Model", exact=True)).to_have_value(SMOL)
    expect(spans.first).to_contain_text("good")
