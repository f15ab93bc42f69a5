"""A lesson step's views, built by the same chart and render functions its tab uses, and the record of a run
(what the page shows and an export saves): pure, no gradio.

Not here: running the step (playground.core.lesson_runs), the handlers (playground.tabs.lesson_views).
"""

from __future__ import annotations

import json
from typing import Any

from playground import render
from playground.core import lesson_runs, lessons
from playground.core.tokens import token_text
from playground.i18n import t
from playground.words import lessons as words


def visuals(step: lessons.Step, out: lesson_runs.Outcome, lm: Any, lang: str) -> tuple[Any, str]:
    """The step's tab chart (a Plotly figure or None) and HTML view, from the same chart functions."""
    k, data = step.kind, out.data
    if k == "tokenize":
        return None, render.token_spans(data, lang=lang)
    if k == "chat_loop":
        return None, render.prompt_html(data, [token_text(lm.tokenizer, i) for i in data.ids], lang)
    if k == "tool_prompt":  # the prompt with the tools, coloured by role as the Tools & RAG tab shows it
        ids = data.with_tools.ids
        return None, render.prompt_html(data.with_tools, [token_text(lm.tokenizer, i) for i in ids], lang)
    if k == "next_token":
        from playground.charts import next_token_chart

        return next_token_chart(data, lang=lang), ""
    if k == "architecture":
        from playground.charts_architecture import treemap
        from playground.words import architecture as arch_words

        return treemap(data, arch_words.treemap_words(data, lang)), ""
    if k == "neighbors":
        from playground.charts_inside import neighbors_bar

        return neighbors_bar(data, lang), ""
    if k == "layers":
        from playground.charts_inside import lens_heatmap

        return lens_heatmap(data[1], lang), ""
    if k == "vram":
        from playground.tabs import vram_page

        return vram_page.estimate_view(lesson_runs.vram_forms(step.inputs[lessons.role_for(lang)])[-1], lang)[1], ""
    if k in EDIT:  # the Edit & Merge tab's charts: next-token before/after, the loss curve, p along alpha
        from playground import charts_edit

        if k == "steer":
            return charts_edit.next_token_chart(data, lang), ""
        if k == "finetune":
            return charts_edit.loss_chart(data.losses, len(data.losses), lang), ""
        i = step.inputs[lessons.role_for(lang)]
        return charts_edit.curve_chart(data[0], i["fact_answer"], i["control_answer"], lang), ""
    return None, ""  # chat, tool_loop: the reply (or the loop's steps) is the summary


EDIT = ("steer", "finetune", "merge")
WIDE = "lp-wide"  # the class of a chart that keeps a readable width on a phone (CSS in playground.links)


def classes(fig: Any) -> list[str]:
    """[WIDE] for a chart of bars or a heatmap (a label under every bar, a token in every cell: too narrow to read
    on a phone otherwise), [] for the rest (lines fit any width). `fig`: a Plotly figure, its JSON, or None."""
    data = (fig.get("data") if isinstance(fig, dict) else getattr(fig, "data", None)) or []
    kinds = {(t.get("type") if isinstance(t, dict) else getattr(t, "type", None)) for t in data}
    return [WIDE] if kinds & {"bar", "heatmap"} else []


def progress(p: Any, lang: str) -> tuple[Any, str, str]:
    """A first result -> (chart, html, summary): a fine-tune's Progress (core.lesson_edit) -> the tab's loss chart
    so far and its progress bar; a steering Preview -> the tab's next-token chart and the followed words'
    probabilities; the tool loop so far (core.tool_loop.LoopResult) -> its steps, the model still answering."""
    from playground import charts_edit
    from playground.core import tool_loop
    from playground.core.lesson_edit import Preview
    from playground.words import edit_merge, tools_rag

    if isinstance(p, tool_loop.LoopResult):
        return None, "", tools_rag.steps(tool_loop.loop_json(p)["steps"], lang, writing=True)
    if isinstance(p, Preview):
        lines = "<br>".join(
            words.concept_line(w, x["before"], x["after"], lang, html=True) for w, x in p.concept.items()
        )
        return charts_edit.next_token_chart(p.data, lang), f"<div>{lines}</div>", ""
    return charts_edit.loss_chart(p.losses, p.step.total, lang), edit_merge.progress_html(p.step, lang), ""


def edit_summary(step: lessons.Step, out: lesson_runs.Outcome, lang: str) -> str:
    """The Edit & Merge tab's own worded summary of the step's result (the fine-tune's first paragraph: the
    second one speaks of the tab's session, which a lesson's fine-tune is not kept in)."""
    from playground import config
    from playground.words import edit_merge

    i = step.inputs[lessons.role_for(lang)]
    if step.kind == "steer":
        concept = " · ".join(
            words.concept_line(w, p["before"], p["after"], lang) for w, p in out.result["concept"].items()
        )
        return edit_merge.steer_summary(out.data, i["prompt"], lang) + "\n\n" + concept
    if step.kind == "finetune":
        limit = config.settings().limits.max_finetune_seconds
        return edit_merge.finetune_summary(out.data, limit, lang).split("\n\n")[0]
    tuned = out.result["finetune"]  # the fine-tune it merges: the previous step's (kept, or trained just now)
    kept = t("lessons.s.kept", lang, steps=tuned["steps"], before=tuned["fact"]["before"], after=tuned["fact"]["after"])
    return kept + "\n\n" + edit_merge.merge_summary(out.data[0], i["fact_prompt"], lang)


def record(step: lessons.Step, role: str, out: lesson_runs.Outcome, fig: Any, html: str, given: Any, lang: str) -> dict:
    held = lessons.held(step, role, out.result)
    return {
        "step": step.id,
        "role": role,
        "model": lessons.model_for(role),
        "inputs": lesson_runs.inputs_of(step, role),
        "prediction": given,
        "result": json.loads(json.dumps(out.result)),  # as an export saves it (tuples become lists)
        "held": held,
        "figure": json.loads(fig.to_json()) if fig is not None else None,
        "html": html,
        "summary": edit_summary(step, out, lang) if step.kind in EDIT else words.summary(step, out.result, lang),
        "reveal": words.reveal(step, held, given, out.result, lang),
    }
