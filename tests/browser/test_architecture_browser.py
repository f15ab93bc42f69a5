"""The Architecture tab in a real browser: the treemap, the parameter table and the comparison chart render."""

from __future__ import annotations


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
    model = page.get_by_label("Model", exact=True)
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
