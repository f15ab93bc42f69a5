"""The Lessons tab's handlers: the `lessons` and `lesson_step` endpoints, a step shown (fresh, run, or from a
saved file), export and import. Each step's chart is its tab's own chart function on the step's result.

Not here: the steps and their claims (playground.core.lessons), running them (core.lesson_runs), the saved
document (core.lesson_export), the layout (playground.tabs.lessons).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from playground import lesson_visuals
from playground.core import lesson_export, lesson_runs, lessons, links
from playground.core.generate import in_background
from playground.i18n import t
from playground.loader import get_loader
from playground.words import lessons as words

EMPTY: tuple[Any, ...] = (gr.update(value=None, visible=False), "", "", "", {})  # plot, html, summary, reveal, JSON


def lessons_api(lang: str = "en") -> dict[str, Any]:
    """The lesson of `lang` ("en": the default model; "zh-Hant"/"zh-Hans": the Chinese-speaking model): its
    model and its steps in order, each with its text, question, prediction kind and options, the inputs it
    runs, the claims its reveal makes, the tab that shows it in full, and its link (a query string)."""
    role = lessons.role_for(lang)
    steps = [
        words.describe(s, role, lang) | {"link": links.step_query(s.id, lang), "tab_link": links.tab_query(s, role)}
        for s in lessons.steps_for(role)
    ]
    return {"lang": lang, "model": lessons.model_for(role), "steps": steps}


def shown(record: dict[str, Any]) -> tuple[Any, ...]:
    """A record -> the step's outputs (plot, html, summary, reveal, JSON), nothing computed."""
    fig = None
    if record.get("figure") is not None:
        import plotly.graph_objects as go

        try:
            fig = go.Figure(record["figure"])
        except ValueError:  # a saved figure that plotly does not accept: show the rest
            fig = None
    result = {k: record[k] for k in ("step", "model", "inputs", "prediction", "result", "held")}
    result["all_held"] = all(record["held"].values())
    return plot(fig), record["html"], record["summary"], record["reveal"], result


def plot(fig: Any) -> Any:
    """The chart's update: bars and heatmaps keep a readable width on a phone (lesson_visuals.WIDE)."""
    return gr.update(value=fig, visible=fig is not None, elem_classes=lesson_visuals.classes(fig))


def lesson_step(step: str, prediction: str = "", lang: str = "en", runs: dict | None = None) -> Iterator[tuple]:
    """Run one step on `lang`'s lesson model and reveal it: yields (plot, html, summary, reveal, JSON) as it arrives
    (a chat reply, a fine-tune's loss stream), the last with the JSON result {step, model, inputs, prediction,
    result, held: {claim: bool}, all_held}. `prediction`: an option value or a number."""
    chosen = lessons.get_step(step)
    role = lessons.role_for(lang)
    if role not in chosen.roles:
        raise gr.Error(f"Step {chosen.id} is not part of the {lang} lesson.")
    given: Any = (prediction or "").strip() or None
    inputs = lesson_runs.inputs_of(chosen, role)
    if chosen.kind in lesson_runs.NO_WEIGHTS | lesson_runs.TOKENIZER_ONLY:
        tok = None if chosen.kind in lesson_runs.NO_WEIGHTS else get_loader().tokenizer(inputs["model"])
        holder = None if tok is None else lesson_runs.TokenizerOnly(tok)
        out = lesson_runs.run(chosen, role, holder)  # type: ignore[arg-type]  # reads .tokenizer only
        fig, html = lesson_visuals.visuals(chosen, out, holder, lang)
        record = lesson_visuals.record(chosen, role, out, fig, html, given, lang)
        yield (*shown(record), {**(runs or {}), chosen.id: record})
        return
    with get_loader().use(inputs["model"]) as lm:
        if chosen.kind == "chat":
            prompt, gen = lesson_runs.chat_generation(lm, inputs)
            for _ in in_background(gen):
                partial = (
                    "> " + gen.text.replace("\n", "\n> ") + "\n\n" + t("lessons.s.writing", lang, n=gen.new_tokens)
                )
                yield gr.update(visible=False), "", partial, "", {}, runs or {}
            out = lesson_runs.Outcome(gen, lesson_runs.chat_result(prompt, gen, inputs))
        elif chosen.kind in lesson_runs.STREAMED:  # first results at once (loss per step, next token, tool result)
            for item in lesson_runs.stream(chosen, role, lm):
                if isinstance(item, lesson_runs.Outcome):
                    out = item
                    break
                fig, html, summary = lesson_visuals.progress(item, lang)
                yield plot(fig), html, summary, "", {}, runs or {}
        else:
            out = lesson_runs.run(chosen, role, lm)
        fig, html = lesson_visuals.visuals(chosen, out, lm, lang)
        record = lesson_visuals.record(chosen, role, out, fig, html, given, lang)
    yield (*shown(record), {**(runs or {}), chosen.id: record})


def show_step(step_id: str, runs: dict | None, lang: str = "en") -> tuple[Any, ...]:
    """A step picked: its intro, prediction controls, links, and its saved or last run if there is one."""
    step = lessons.get_step(step_id)
    role = lessons.role_for(lang)
    radio = gr.update(choices=words.option_choices(step, lang), value=None, visible=bool(step.predict.options))
    number = gr.update(value=None, visible=not step.predict.options)
    record = (runs or {}).get(step.id)
    record = record if record and record.get("role") == role else None  # a run of the other language's model
    return (
        words.intro(step, role, lang),
        radio,
        number,
        words.links_markdown(step, role, lang),
        *(shown(record) if record else EMPTY),
    )


def move(step_id: str, by: int, lang: str = "en") -> str:
    """The step `by` places after `step_id` in `lang`'s lesson (clamped at both ends)."""
    ids = [s.id for s in lessons.steps_for(lessons.role_for(lang))]
    i = ids.index(step_id) if step_id in ids else 0
    return ids[max(0, min(len(ids) - 1, i + by))]


def export_run(runs: dict | None, lang: str = "en") -> str:
    """The session's runs as a JSON file; returns its path (a download)."""
    if not runs:
        raise gr.Error(t("lessons.nothing", lang))
    doc = lesson_export.make_export(runs, lang, lessons.model_for(lessons.role_for(lang)))
    folder = Path(tempfile.mkdtemp(prefix="lesson-"))
    path = folder / "lesson-run.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return str(path)


def import_run(path: str | None, step_id: str, lang: str = "en") -> tuple[Any, ...]:
    """A saved run -> the session's runs (nothing computed) and the current step shown from it."""
    if not path:
        return (gr.skip(),) * 8
    doc = lesson_export.read_export(Path(path).read_bytes())
    records = doc["records"]
    first = step_id if step_id in records else next(iter(records), step_id)
    note = t(
        "lessons.imported",
        lang,
        n=len(records),
        model=doc["model"],
        versions=", ".join(f"{k} {v}" for k, v in doc["versions"].items()),
    )
    return (records, first, note, *(shown(records[first]) if first in records else EMPTY))
