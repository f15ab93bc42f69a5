"""Lessons tab: the tutorial as a class. Pick a step, read it, predict, Run (the real computation with its tab's
chart), then the reveal checks the prediction and lists the step's claims as they held on this run.

Thin: components and wiring. The steps are data in playground/core/lessons.py, the handlers in
playground/tabs/lesson_views.py, the words in playground/words/lessons*.py.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground.core import lessons
from playground.tabs import lesson_views as views
from playground.tabs.common import TabContext, friendly, json_box
from playground.words import lessons as words

ID = "lessons"
TITLE = "lessons.title"
QUIET: dict[str, Any] = {"api_visibility": "private", "queue": False, "show_progress": "hidden"}


def prediction_of(choice: str | None, number: float | None) -> str:
    """The two prediction controls -> the one `prediction` the endpoint takes ("" when none was made)."""
    if choice:
        return str(choice)
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def relabel(step_id: str, runs: dict | None, lang: str = "en") -> tuple[Any, ...]:
    """The step picker, the list of links and the shown step in the page's language (and its model's run)."""
    picker = gr.update(choices=words.step_choices(lessons.role_for(lang), lang), value=step_id)
    return (picker, words.all_links_markdown(lang), *views.show_step(step_id, runs, lang))


def on_open(step_id: str, runs: dict | None, lang: str = "en", request: gr.Request | None = None) -> tuple[Any, ...]:
    """The page opens: the step and language a link names (the link's own load sets them too; both agree)."""
    query = dict(request.query_params) if request is not None else {}
    step_id = query["step"] if query.get("step") in {s.id for s in lessons.STEPS} else step_id
    lang = query["lang"] if query.get("lang") in ("en", "zh-Hant", "zh-Hans") else lang
    return relabel(step_id, runs, lang)


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    first = lessons.STEPS[0]
    tr.make(gr.Markdown, i18n={"value": "lessons.intro"}, elem_classes=["lp-secondary"])
    with gr.Row(equal_height=True, elem_id="lesson-picker"):
        step = tr.make(
            gr.Dropdown,
            i18n={"label": "lessons.step"},
            choices=words.step_choices("en"),
            value=first.id,
            scale=4,
            elem_id="lesson-step",
        )
        prev_btn = tr.make(gr.Button, i18n={"value": "lessons.prev"}, size="sm", scale=0, min_width=110)
        next_btn = tr.make(gr.Button, i18n={"value": "lessons.next"}, size="sm", scale=0, min_width=110)
    intro = gr.Markdown("", elem_id="lesson-intro")  # worded on page load and on a language switch
    with gr.Row(equal_height=True):
        choice = tr.make(
            gr.Radio, i18n={"label": "lessons.choice"}, choices=[], visible=False, scale=3, elem_id="lesson-choice"
        )
        number = tr.make(gr.Number, i18n={"label": "lessons.number"}, value=None, scale=3, elem_id="lesson-number")
        run = tr.make(gr.Button, i18n={"value": "lessons.run"}, variant="primary", scale=1, elem_id="lesson-run")
    # The endpoint's `prediction` (an option value or a number): hidden, it only names the API parameter.
    prediction = gr.Textbox(value="", visible=False, label="prediction", elem_id="lesson-prediction")
    plot = tr.make(gr.Plot, i18n={"label": "lessons.chart"}, visible=False, elem_id="lesson-plot")
    html = gr.HTML("", elem_id="lesson-html")
    summary = gr.Markdown("", elem_id="lesson-summary")
    reveal = gr.Markdown("", elem_id="lesson-reveal")
    step_links = gr.Markdown("", elem_id="lesson-links")
    with tr.make(gr.Accordion, i18n={"label": "lessons.all_links"}, open=False, elem_classes=["lp-secondary"]):
        all_links = gr.Markdown("", elem_id="lesson-all-links")
    with tr.make(gr.Accordion, i18n={"label": "lessons.saved_section"}, open=False, elem_classes=["lp-secondary"]):
        with gr.Row():
            export_btn = tr.make(gr.Button, i18n={"value": "lessons.export"}, elem_id="lesson-export")
            export_file = tr.make(gr.File, i18n={"label": "lessons.export_file"}, interactive=False)
            upload = tr.make(gr.File, i18n={"label": "lessons.import"}, file_types=[".json"], elem_id="lesson-import")
        note = gr.Markdown("", elem_id="lesson-import-note")
    result = json_box(ctx)
    runs = gr.State({})  # this session's runs, step id -> record (what an export saves)

    langs = [ctx.lang] if ctx.lang is not None else []
    shown = [plot, html, summary, reveal, result]
    # The `lessons` endpoint (the steps as data): an event of a hidden button, so its parameter is the page's
    # language radio (documented with its choices) and it shows nothing in the page.
    listing = gr.JSON(visible=False)
    gr.Button(visible=False).click(views.lessons_api, langs, listing, api_name="lessons", queue=False)
    gr.on([choice.change, number.change], prediction_of, [choice, number], prediction, **QUIET)
    step.change(views.show_step, [step, runs, *langs], [intro, choice, number, step_links, *shown], **QUIET)
    prev_btn.click(lambda s, *lang: views.move(s, -1, *lang), [step, *langs], step, **QUIET)
    next_btn.click(lambda s, *lang: views.move(s, 1, *lang), [step, *langs], step, **QUIET)
    page = [step, all_links, intro, choice, number, step_links, *shown]
    if ctx.lang is not None:
        ctx.lang.change(relabel, [step, runs, ctx.lang], page, **QUIET)
    if ctx.demo is not None:
        ctx.demo.load(on_open, [step, runs, *langs], page, **QUIET)
    ctx.after_model(
        run.click(friendly(views.lesson_step), [step, prediction, *langs, runs], [*shown, runs], api_name="lesson_step")
    )
    export_btn.click(friendly(views.export_run), [runs, *langs], export_file, api_visibility="private")
    upload.upload(
        friendly(views.import_run), [upload, step, *langs], [runs, step, note, *shown], api_visibility="private"
    )
