"""The page in real headless Chromium: it loads, the Tokenizer shows spans as you type, the Next Token
tab draws its Plotly chart, and the language switch re-labels the page."""

from __future__ import annotations

from playwright.sync_api import expect


def test_typing_in_the_tokenizer_shows_token_spans(page):
    box = page.get_by_label("Text", exact=True)
    box.clear()
    box.press_sequentially("i am good")  # no button: the spans follow the typing
    spans = page.locator("#token-spans .tok")
    expect(spans).to_have_count(3)
    expect(spans.nth(2)).to_have_text("␣good1123")
    box.clear()
    page.keyboard.insert_text("大家好")  # as an input method commits it: all at once
    expect(spans).to_have_count(5)
    expect(spans.first).to_have_text("大41479")


def test_next_token_tab_draws_its_chart(page):
    page.get_by_role("tab", name="Next Token").click()
    page.get_by_role("button", name="Predict the next token").click()
    expect(page.locator("#next-token-chart .js-plotly-plot")).to_be_visible()
    bars = page.locator("#next-token-chart .bars path")
    expect(bars).to_have_count(30)  # 15 candidates x 2 series at T=1 (before-temperature bars only when T != 1)
    page.get_by_role("button", name="Append the most likely").click()
    expect(page.get_by_label("Text so far (prompt + appended tokens)")).to_have_value("1+1=2")


def test_language_switch_relabels_the_page(page):
    page.get_by_label("繁體中文").check()
    expect(page.get_by_role("tab", name="分詞器")).to_be_visible()
    page.get_by_label("简体中文").check()
    expect(page.get_by_role("tab", name="分词器")).to_be_visible()
    page.get_by_label("English").check()
    expect(page.get_by_role("tab", name="Tokenizer")).to_be_visible()
