"""The VRAM Calculator tab in a real browser: the stacked bar renders, the verdict and fixes show."""

from __future__ import annotations


def _open_tab(page):
    page.get_by_role("tab", name="VRAM Calculator").click()


def test_stacked_bar_and_verdict_render(page):
    _open_tab(page)
    page.get_by_role("button", name="Estimate", exact=True).click()
    plot = page.locator("#vram-chart .js-plotly-plot")
    plot.wait_for()
    assert plot.locator(".barlayer").count() == 1
    page.get_by_text("Fits:").first.wait_for()
    page.get_by_text("GiB").first.wait_for()


def test_8b_on_a_t4_shows_fixes(page):
    _open_tab(page)
    page.get_by_label("a parameter count").check()
    params = page.get_by_label("Parameters (billions)")
    params.fill("8")
    params.press("Enter")
    page.get_by_role("button", name="Estimate", exact=True).click()
    page.get_by_text("Does not fit").first.wait_for()
    page.get_by_text("Cheapest changes that would make it fit").first.wait_for()
    # the table's cells render hidden text behind their display layer: count, not visibility
    assert page.get_by_text("weights in", exact=False).count() >= 1


def test_bad_custom_shape_shows_a_message_not_a_traceback(page):
    _open_tab(page)
    page.get_by_label("a full shape").check()
    page.get_by_role("button", name="Full shape (custom)").click()
    layers = page.get_by_label("Layers", exact=True)
    layers.fill("0")
    layers.press("Enter")
    page.get_by_role("button", name="Estimate", exact=True).click()
    page.get_by_text("Layers must be between").first.wait_for()
    assert page.get_by_text("Traceback").count() == 0


def test_labels_follow_the_language_switch(page):
    _open_tab(page)
    page.get_by_label("繁體中文").check()
    page.get_by_role("button", name="估算", exact=True).wait_for()
    page.get_by_label("简体中文").check()
    page.get_by_role("tab", name="VRAM 计算器").wait_for()


def test_the_default_question_is_answered_when_the_page_opens(page):
    _open_tab(page)  # no button pressed: the page's load event ran the estimate
    page.locator("#vram-chart .js-plotly-plot").wait_for()
    page.get_by_text("Fits:").first.wait_for()
