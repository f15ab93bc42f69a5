"""The Tools & RAG tab in a real browser: the loop's steps with a hand-written call, the prompt with and
without tools, the retrieval charts, and the words in Chinese."""

from __future__ import annotations

CALL = '{"name": "calculator", "arguments": {"expression": "(17 + 3) * 23"}}'


def _open(page, name: str = "Tools & RAG") -> None:
    page.get_by_role("tab").first.wait_for()  # the tab row is drawn
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.count() == 0:  # more tabs than fit in a row: gradio's "More tabs" menu holds it
        page.get_by_role("button", name="More tabs").click()
    tab.click()


def test_a_hand_written_call_runs_and_the_prompts_show(page):
    _open(page)
    page.get_by_label("Hand-written first reply (optional)").fill(CALL)
    page.get_by_label("Max new tokens per reply").first.fill("8")
    page.get_by_role("button", name="Run the loop").click()
    page.locator("#tools-steps").get_by_text("The tool runs").wait_for()
    assert "460" in page.locator("#tools-steps").inner_text()
    page.get_by_role("button", name="Show the prompt").click()
    page.locator("#tools-summary").get_by_text("no tool support").wait_for()
    assert page.locator("#tools-with .chat-tok").count() > page.locator("#tools-without .chat-tok").count() > 0
    assert page.get_by_text("Traceback").count() == 0


def test_retrieval_charts_render_in_chinese(page):
    page.get_by_label("繁體中文").check()
    _open(page, "工具與 RAG")
    page.get_by_label("每次回覆最多新詞元").first.fill("8")
    page.get_by_role("button", name="檢索並回答").click()
    page.locator("#rag-scores .js-plotly-plot").wait_for()
    page.locator("#rag-fact .js-plotly-plot").wait_for()
    page.locator("#rag-summary").get_by_text("關鍵事實").wait_for()
    assert page.locator("#rag-fact .barlayer .trace").count() == 2  # with and without retrieval
