"""The Edit & Merge tab in a real browser: steering draws both charts and words both continuations; the Merge
view before any fine-tune says what to do; the labels follow the language switch. Screenshots (desktop 1280
and phone 390 wide, English and 简体中文) go to $PLAYGROUND_SHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _open(page, tab: str = "Edit & Merge") -> None:
    page.set_viewport_size({"width": 1280, "height": 1000})  # the desktop width the screenshots use
    page.get_by_role("tab").first.wait_for()  # the tab row is drawn
    button = page.get_by_role("tab", name=tab, exact=True)
    if button.count() == 0:  # more tabs than fit in a row: gradio's "More tabs" menu lists it as a button
        page.get_by_role("button", name="More tabs").click()
        button = page.get_by_role("button", name=tab, exact=True)
    button.click()


def _shot(page, name: str) -> None:
    folder = os.environ.get("PLAYGROUND_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.slow
def test_steering_renders_both_charts_and_continuations(page):
    _open(page)
    page.get_by_role("button", name="Steer", exact=True).click()
    for elem in ("steer-next", "steer-sweep"):
        page.locator(f"#{elem} .js-plotly-plot").wait_for(timeout=600_000)
    assert page.locator("#steer-next .barlayer").count() == 1
    page.get_by_text("Steered:").first.wait_for()
    page.get_by_text("fluffy balls").first.wait_for()
    _shot(page, "edit_steer_desktop_en")
    page.set_viewport_size({"width": 390, "height": 900})
    _shot(page, "edit_steer_phone_en")


def test_merge_before_a_fine_tune_says_to_fine_tune_first(page):
    _open(page)
    page.get_by_role("tab", name="Merge", exact=True).click()
    page.get_by_role("button", name="Merge", exact=True).click()
    page.get_by_text("no fine-tuned adapter yet").first.wait_for(timeout=300_000)
    assert page.get_by_text("Traceback").count() == 0


def test_labels_follow_the_language_switch(page):
    _open(page)
    page.get_by_label("简体中文").check()
    page.get_by_text("编辑与合并").first.wait_for()
    page.get_by_role("button", name="引导", exact=True).wait_for()
    page.get_by_role("tab", name="微调", exact=True).click()
    page.get_by_role("button", name="微调", exact=True).wait_for()
    page.get_by_text("教模型一个新事实").first.wait_for()
    _shot(page, "edit_finetune_desktop_zh")
    page.set_viewport_size({"width": 390, "height": 900})
    _shot(page, "edit_finetune_phone_zh")
    page.get_by_role("tab", name="合并", exact=True).click()
    page.get_by_label("基础 + alpha x 适配器").wait_for()
