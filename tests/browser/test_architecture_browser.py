"""The Architecture tab in a real browser: the treemap, the parameter table and the comparison chart render,
and the tab's own model field inspects a 70B model while the other tabs keep running the bar's model."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def _open_tab(page):
    page.get_by_role("tab", name="Architecture").click()


def test_treemap_and_parameter_table_render(page):
    _open_tab(page)
    page.get_by_role("button", name="Show the architecture").click()
    plot = page.locator("#architecture-treemap .js-plotly-plot")
    plot.wait_for()
    assert plot.locator(".treemaplayer").count() == 1
    assert plot.locator("text=layers").first.is_visible()
    page.get_by_text("134,515,008").first.wait_for()
    page.get_by_text("model.embed_tokens.weight").first.wait_for()


def test_comparison_chart_renders(page):
    _open_tab(page)
    compare = page.get_by_label("Compare with (optional)")
    compare.fill("gpt2")
    compare.press("Enter")
    page.get_by_role("button", name="Show the architecture").click()
    chart = page.locator("#architecture-compare .js-plotly-plot")
    chart.wait_for()
    assert chart.locator(".barlayer").count() == 1
    page.get_by_text("124,439,808").first.wait_for()


def test_unknown_model_shows_a_message_not_a_traceback(page):
    _open_tab(page)
    model = page.locator("#architecture-model input")
    model.fill("no-such-model")
    model.press("Enter")
    page.get_by_role("button", name="Show the architecture").click()
    page.get_by_text("Unknown model 'no-such-model'").first.wait_for()
    assert page.get_by_text("Traceback").count() == 0


def test_labels_follow_the_language_switch(page):
    _open_tab(page)
    page.get_by_label("繁體中文").check()
    page.get_by_role("button", name="顯示模型架構").wait_for()
    page.get_by_label("简体中文").check()
    page.get_by_role("button", name="显示模型架构").wait_for()


def test_the_default_model_is_shown_when_the_page_opens(page):
    _open_tab(page)  # no button pressed: the page's load event built it from the config
    page.locator("#architecture-treemap .js-plotly-plot").wait_for()
    page.get_by_text("134,515,008").first.wait_for()


def test_a_70b_model_in_the_tab_field_leaves_the_bar_and_next_token_alone(page):
    """Offline, with only the small model on the machine: the 70B config is read (shipped data), the bar
    keeps its model, and Next Token keeps predicting with the bar's model."""
    _open_tab(page)
    page.get_by_text("134,515,008").first.wait_for()  # the page-open answer first, so it cannot land later
    field = page.locator("#architecture-model input")
    field.fill("Llama-3.1-70B-Instruct")
    field.press("Enter")
    page.get_by_text("70,553,706,496").first.wait_for()
    expect(page.locator("#architecture-treemap")).to_contain_text("Llama-3.1-70B-Instruct")
    bar = page.get_by_label("Model", exact=True)
    expect(bar).to_have_value("SmolLM2-135M-Instruct")
    from playground.loader import get_loader  # the app runs in this process: nothing 70B was loaded

    assert all("70B" not in m.name for m in get_loader().loaded())
    page.get_by_role("tab", name="Next Token").click()
    page.get_by_role("button", name="Predict the next token").click()
    expect(page.locator("#next-token-chart .bars path").first).to_be_visible()  # predicted with the bar's model
    expect(page.get_by_text("Error")).to_have_count(0)
    expect(page.locator("#model-status textarea")).to_have_value(re.compile(r"^SmolLM2-135M-Instruct"))


def test_the_tab_field_follows_the_bar(page):
    _open_tab(page)
    page.get_by_text("134,515,008").first.wait_for()
    bar = page.get_by_label("Model", exact=True)
    bar.fill("gpt2")
    bar.press("Enter")
    expect(page.locator("#architecture-model input")).to_have_value("gpt2")
    page.get_by_text("124,439,808").first.wait_for()  # the view follows too, from the config alone


def test_side_by_side_table_uses_readable_labels(page):
    _open_tab(page)
    compare = page.get_by_label("Compare with (optional)")
    compare.fill("Llama-3.2-1B-Instruct")
    compare.press("Enter")
    page.get_by_role("button", name="Show the architecture").click()
    page.locator("#architecture-compare .js-plotly-plot").wait_for()
    page.get_by_role("cell", name="Query heads per key/value head").wait_for()
    assert page.get_by_role("cell", name="n_kv_heads").count() == 0
    assert page.get_by_role("cell", name="Embedding parameters", exact=True).count() == 1


def test_a_chinese_page_shows_the_summary_in_chinese(page):
    """The language switch re-words the summary, the table headers and the treemap title, not only the labels."""
    _open_tab(page)
    summary = page.locator("#architecture-summary")
    expect(summary).to_contain_text("grouped-query attention")
    page.get_by_label("繁體中文").check()
    expect(summary).to_contain_text("9 個查詢頭，3 個鍵/值頭（分組查詢注意力：每 3 個查詢頭共用一個鍵/值頭）")
    expect(summary).not_to_contain_text("grouped-query attention")
    expect(summary).not_to_contain_text("Parameters")
    expect(page.locator("#architecture-treemap")).to_contain_text("個參數分布在哪裡")
    page.get_by_label("简体中文").check()
    expect(summary).to_contain_text("分组查询注意力")
    expect(summary).to_contain_text("只算权重")
