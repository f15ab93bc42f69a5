"""The first page after a fresh start (empty cache): no error anywhere, the preparation's progress in the
status line, then the loaded model; and a status line that belongs to its own session."""

from __future__ import annotations

import re

from playwright.sync_api import expect

BROWSER_ARGS = {"viewport": {"width": 1400, "height": 1000}, "locale": "en-US"}


def _status(page) -> str:
    return page.locator("#model-status textarea").input_value()


def test_a_fresh_start_shows_progress_and_no_error(browser, fresh_app):
    context = browser.new_context(**BROWSER_ARGS)
    page = context.new_page()
    page.goto(fresh_app)
    page.wait_for_selector("text=LLM Playground")
    seen = []
    for _ in range(240):  # the conversion takes ~30 s here; up to 2 minutes on a loaded machine
        seen.append(_status(page))
        if "parameters" in seen[-1]:
            break
        page.wait_for_timeout(500)
    assert "134,515,008 parameters" in seen[-1]
    assert any(re.search(r"Preparing SmolLM2-135M-Instruct.*\d+%", s) for s in seen), seen
    # The tabs that answer as the page opens did answer, and nothing showed an error.
    expect(page.locator(".token-spans .tok").first).to_be_visible()
    page.wait_for_timeout(1000)
    assert page.locator(".toast-body").count() == 0, page.locator(".toast-body").all_inner_texts()
    assert page.get_by_text("Error", exact=True).count() == 0
    context.close()


def test_the_status_line_is_per_session_and_follows_the_choice(browser, live_app):
    a, b = browser.new_context(**BROWSER_ARGS), browser.new_context(**BROWSER_ARGS)
    pa, pb = a.new_page(), b.new_page()
    for p in (pa, pb):
        p.goto(live_app)
        p.wait_for_selector("text=LLM Playground")
        expect(p.locator("#model-status textarea")).to_have_value(re.compile("134,515,008 parameters"))
    pa.get_by_label("Data type").click()
    pa.get_by_role("option", name="bfloat16").click()
    expect(pa.locator("#model-status textarea")).to_have_value(re.compile(r"bfloat16 on cpu\): not loaded yet"))
    # The other session still shows its own (float32) model, and a new page does too.
    assert "float32 on cpu" in _status(pb)
    pb.reload()
    expect(pb.locator("#model-status textarea")).to_have_value(re.compile("float32 on cpu"))
    a.close()
    b.close()
