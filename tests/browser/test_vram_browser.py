"""The VRAM Calculator tab in a real browser: the stacked bar renders, the verdict and fixes show, the
fixes table fits its column (1400x1000), and the tab's own model field never touches the bar."""

from __future__ import annotations

from playwright.sync_api import expect


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
    layers = page.get_by_label("Layers", exact=True)  # the shape opens with its source
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


def _estimate_70b_on_a_t4(page):
    _open_tab(page)
    page.get_by_text("Fits:").first.wait_for()  # the page-open answer first, so it cannot land later
    field = page.locator("#vram-model input")
    field.fill("Llama-3.1-70B-Instruct")
    field.press("Enter")
    page.get_by_text("Does not fit").first.wait_for()


def test_fixes_table_shows_its_totals_without_scrolling(page):
    _estimate_70b_on_a_t4(page)
    table = page.locator("#vram-fixes")
    expect(table).to_be_visible()
    last = table.get_by_role("row").filter(has_text="3 x NVIDIA T4 16 GB")
    expect(last).to_contain_text("16.04 GB (14.94 GiB)")
    expect(last).to_contain_text("yes")
    widths = page.evaluate("""() => [...document.querySelectorAll(
        '#vram-fixes .virtual-table-viewport, #vram-fixes .table-wrap, #vram-fixes table')].map(
        e => [e.scrollWidth, e.clientWidth])""")
    assert widths and all(scroll <= client for scroll, client in widths), widths
    # every visible cell shows all its text: wrapped, never cut (the sizing row gradio keeps is not shown)
    cut = page.evaluate("""() => [...document.querySelectorAll('#vram-fixes .virtual-table-viewport td')]
        .filter(td => td.checkVisibility({visibilityProperty: true, opacityProperty: true}))
        .filter(td => td.scrollWidth > td.clientWidth + 1)
        .map(td => td.textContent)""")
    assert cut == [], cut
    box, cell = table.bounding_box(), last.get_by_text("yes").bounding_box()
    assert cell["x"] + cell["width"] <= box["x"] + box["width"]  # the "fits" column is in view


def test_the_tab_field_never_changes_the_bar(page):
    _estimate_70b_on_a_t4(page)
    expect(page.get_by_label("Model", exact=True)).to_have_value("SmolLM2-135M-Instruct")
    from playground.loader import get_loader  # the app runs in this process: nothing 70B was loaded

    assert all("70B" not in m.name for m in get_loader().loaded())


def test_a_model_that_fits_says_so_instead_of_an_empty_table(page):
    _open_tab(page)
    page.get_by_text("Nothing to change: it fits as it is.").wait_for()
    expect(page.locator("#vram-fixes")).to_be_hidden()


def test_custom_shape_fields_only_for_custom_sources(page):
    _open_tab(page)
    page.get_by_text("Fits:").first.wait_for()
    expect(page.get_by_label("Parameters (billions)")).to_be_hidden()
    expect(page.get_by_role("button", name="Full shape (custom)")).to_be_hidden()
    page.get_by_label("a parameter count").check()
    expect(page.get_by_label("Parameters (billions)")).to_be_visible()
    expect(page.locator("#vram-model")).to_be_hidden()
    page.get_by_label("a full shape").check()
    expect(page.get_by_role("button", name="Full shape (custom)")).to_be_visible()


def test_bold_text_is_one_font(page):
    """Gradio's SemiBold file is a 5 kB subset: without the page CSS's bold faces, bold text mixes it with DejaVu
    Sans Bold ("Gʙ")."""
    _open_tab(page)
    page.get_by_text("Fits:").first.wait_for()
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    verdict = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "h3"})["nodeIds"][0]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": verdict})["fonts"]
    assert len(fonts) == 1, fonts


def test_a_chinese_page_words_the_verdict_choices_and_fixes(page):
    _open_tab(page)
    page.get_by_text("Fits:").first.wait_for()
    page.get_by_label("繁體中文").check()
    page.get_by_text("放得下：").first.wait_for()  # the switch re-words the answer on the page
    page.get_by_label("參數量", exact=True).check()  # the source's choices are worded too, values unchanged
    params = page.get_by_label("參數量（十億）")
    params.fill("8")
    params.press("Enter")
    page.get_by_text("放不下：").first.wait_for()
    table = page.locator("#vram-fixes")
    expect(table).to_be_visible()
    expect(table).to_contain_text("權重改用")
    expect(table).to_contain_text("改法")
    assert page.get_by_text("Does not fit").count() == 0 and page.get_by_text("weights in").count() == 0
    page.get_by_role("button", name="計算方式").click()
    page.get_by_text("每個區塊的激活值").first.wait_for()
