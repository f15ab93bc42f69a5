"""Components and helper events that several tabs build the same way, worded through ctx.tr.

Examples without a model column, the top-k-like slider, the byte-piece warning, a tab's own model field
that follows the model bar, and a re-worded accordion. Each returns what it made, so the tab wires it.
Not here: the error boundary and the tab context (playground.tabs.common), any tab's handlers or words.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from gradio.helpers import Examples

from playground import config
from playground.i18n import t
from playground.tabs.common import QUIET, TabContext

CANDIDATES_SHOWN = 50  # a longer list of tokens would not be read; spaces.yaml's max_top_k may lower it


def examples(ctx: TabContext, rows: list[list[Any]], inputs: list[Any]) -> Examples:
    """gr.Examples for inputs that are not a model (the model bar's model runs them), labelled "Examples" in the
    page's language. For rows that start with a model name, see common.model_examples."""
    shown = gr.Examples(rows, inputs=inputs, label=t("common.examples"))
    ctx.tr.items.append((shown.dataset, {"label": "common.examples"}))
    return shown


def count_slider(ctx: TabContext, key: str, value: int) -> gr.Slider:
    """A slider of how many tokens to list: 1 .. min(CANDIDATES_SHOWN, limits.max_top_k)."""
    top = min(CANDIDATES_SHOWN, config.settings().limits.max_top_k)
    return ctx.tr.make(gr.Slider, i18n={"label": key}, minimum=1, maximum=top, step=1, value=value)


def byte_warning(ctx: TabContext, tab: str) -> gr.Markdown:
    """The "<tab>.byte_warning" Markdown, hidden until a result has byte pieces (see `show_byte_warning`)."""
    return ctx.tr.make(gr.Markdown, i18n={"value": f"{tab}.byte_warning"}, visible=False, elem_id=f"{tab}-byte-warning")


def show_byte_warning(result: dict | None) -> Any:
    """Show the byte-piece warning when the last result's text has byte pieces, hide it otherwise."""
    return gr.update(visible=bool((result or {}).get("byte_pieces")))


def then_byte_warning(event: Any, result: gr.JSON, warning: gr.Markdown) -> Any:
    """After `event`, show or hide `warning` from the JSON result it wrote."""
    return event.then(show_byte_warning, result, warning, **QUIET)


def follow_bar(ctx: TabContext, field: gr.Dropdown) -> None:
    """A tab's own model field follows the model bar's name ("" = the default model); the field's own choices
    never flow back to the bar, so a model chosen there is only read, never loaded for the session."""
    if ctx.model_picker is not None:
        ctx.model_picker.change(bar_model, ctx.model_picker, field, **QUIET)


def bar_model(name: str | None) -> str:
    """The bar's model name -> a tab's own field: the name, or the default model for an empty bar."""
    return (name or "").strip() or config.settings().default_model


def accordion(ctx: TabContext, key: str, **kwargs: Any) -> gr.Accordion:
    """A gr.Accordion whose label is the i18n key `key` and follows the language switch."""
    return ctx.tr.make(gr.Accordion, i18n={"label": key}, **kwargs)


def input_columns(left: int = 3, right: int = 2) -> tuple[gr.Column, gr.Column]:
    """The tabs' input row: the text and its run button on the left, the settings on the right (3:2 unless said).
    Fill each with `with left:` and `with right:`."""
    with gr.Row():
        return gr.Column(scale=left), gr.Column(scale=right)
