"""What a reader sees in Chromium: the Next Token legend names each bar series once, and the Layer tab's
tracked token does not silently carry over to a text it does not belong to."""

from __future__ import annotations

from playwright.sync_api import expect


def test_next_token_legend_names_each_series_once_at_temperature_one(page):
    page.get_by_role("tab", name="Next Token", exact=True).click()
    page.get_by_role("button", name="Predict the next token").click()
    chart = page.locator("#next-token-chart .js-plotly-plot")
    chart.wait_for()
    names = chart.locator(".legendtext").evaluate_all("els => els.map(e => e.textContent)")
    assert names == ["probability (T=1)", "after top-k / top-p (renormalized)"]
    page.get_by_text("tokens survive top-k/top-p").first.wait_for()


def test_tracked_token_clears_when_the_text_changes_unless_typed(page):
    page.get_by_role("tab", name="Layer Representations", exact=True).click()
    text = page.locator("#layers-text textarea")
    target = page.locator("#layers-target textarea, #layers-target input")
    assert target.input_value() == " Rome"
    # Typed key by key: gradio's input event (a user's edit) does not follow Playwright's fill().
    text.fill("1, 2, 3, 4, 5")
    text.press_sequentially(",")  # the default's ' Rome' does not belong to this text
    expect(target).to_have_value("")
    page.get_by_role("button", name="Show the layers").click()
    page.get_by_text("none given: the model's own prediction").first.wait_for()
    target.press_sequentially(" 6")  # typed by the user: it stays when the text changes
    text.press_sequentially(" 6, 7,")
    page.wait_for_timeout(1500)
    assert target.input_value() == " 6"
