"""What every tab module shares: the context it is built with and the error boundary.

A tab module exposes:
    ID: str              stable id, also the prefix of its i18n keys
    TITLE: str           i18n key of the tab title
    build(ctx) -> None   creates its components inside the open gr.Tab and wires its events

Public events get a stable `api_name`; helper events use `api_visibility="private"`.
Handlers are wrapped in `friendly`, which turns core errors into a message in the page (and a
clear exception for API clients) and keeps the app serving.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr
from gradio.helpers import Examples

from playground.errors import PlaygroundError
from playground.i18n import Translatable, t

log = logging.getLogger(__name__)

PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # a helper event: not on the API page
# A helper event that only moves values inside the page: no queue slot, no spinner.
QUIET: dict[str, Any] = {"api_visibility": "private", "queue": False, "show_progress": "hidden"}


@dataclass
class TabContext:
    # The session's model choice (a hidden Textbox holding ModelChoice JSON, written by the model bar):
    # pass it as the first input of every model-using event. API callers send a plain name or JSON.
    model: gr.Textbox
    tr: Translatable  # tr.make(gr.Textbox, i18n={"label": "tab.key"}, ...) for texts that follow the language
    demo: gr.Blocks | None = None  # the app, for events on page load (demo.load)
    model_picker: gr.Dropdown | None = None  # the bar's model name, for Examples that switch the model
    status: gr.Textbox | None = None  # the bar's status line
    refresh_status: Callable[..., Any] | None = None  # refresh_status(event): update the status line after it
    lang: gr.Radio | None = None  # the page's language ("en", "zh-Hant", "zh-Hans"): last input of worded results
    # Cross-tab handoff: a tab writes this session's State (e.g. a token path to open as a tree) and selects
    # another tab on `tabs` (gr.Tabs(selected=its ID)); the receiving tab reacts to the State's change.
    handoff: gr.State | None = None
    tabs: gr.Tabs | None = None  # the top-level tab strip (set before the tabs are built)

    def after_model(self, event: Any) -> Any:
        """Chain a status-line refresh after an event that may have loaded (or waited for) a model."""
        return self.refresh_status(event) if self.refresh_status is not None else event

    @property
    def langs(self) -> list[gr.Radio]:
        """The page's language as the last input of an event whose outputs carry words ([] without a switch)."""
        return [self.lang] if self.lang is not None else []

    def on_lang(self, fn: Callable[[str], Any], outputs: list[Any]) -> None:
        """Re-word `outputs` with fn(lang) when the page's language changes (a handler named `relabel` is what
        tests/core/test_i18n.py counts as following the switch)."""
        if self.lang is not None:
            self.lang.change(fn, self.lang, outputs, **QUIET)


def _ready() -> None:
    from playground.startup import ensure_imports

    ensure_imports()  # waits for the start-up imports instead of racing them (see playground.startup)


def _message(exc: BaseException) -> str:
    if isinstance(exc, PlaygroundError):
        return str(exc)
    log.exception("unexpected error in a handler")
    return f"Something went wrong ({type(exc).__name__}: {exc}). The app keeps running; try other input."


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a handler (plain or generator) so that errors become gr.Error with a readable message."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                _ready()
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                raise gr.Error(_message(exc), print_exception=False) from exc

        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            _ready()
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:
            raise gr.Error(_message(exc), print_exception=False) from exc

    return wrapper


def code_box(ctx: TabContext) -> gr.Code:
    """The "Code" section: plain transformers code reproducing what the tab shows."""
    # "lp-secondary": hidden in presentation mode (playground.links), where the class sees views, not code.
    with ctx.tr.make(gr.Accordion, i18n={"label": "common.code_section"}, open=False, elem_classes=["lp-secondary"]):
        return ctx.tr.make(gr.Code, i18n={"label": "common.code"}, language="python", interactive=False)


def json_box(ctx: TabContext) -> gr.JSON:
    """The JSON result the API returns, shown in the page too (folded)."""
    with ctx.tr.make(gr.Accordion, i18n={"label": "common.json_section"}, open=False, elem_classes=["lp-secondary"]):
        return ctx.tr.make(gr.JSON, i18n={"label": "common.result"})


def model_examples(ctx: TabContext, rows: list[list[Any]], inputs: list[Any], **kwargs: Any) -> Examples:
    """gr.Examples whose rows start with a model name: a click also sets the model bar (ctx.model_picker),
    so a Chinese example runs on a model that speaks Chinese. Without a picker the names are left out.

    Its label ("Examples") and its column headers follow the language switch: gradio 6 takes the headers
    from the inputs' labels once, at build time, so they are re-sent from the same i18n keys on a switch.
    """
    kwargs.pop("label", None)  # always the translated "Examples"
    inputs = inputs if ctx.model_picker is None else [ctx.model_picker, *inputs]
    examples = gr.Examples(
        rows if ctx.model_picker else [row[1:] for row in rows], inputs=inputs, label=t("common.examples"), **kwargs
    )
    ctx.tr.items.append((examples.dataset, {"label": "common.examples"}))
    keys = [next((m["label"] for c, m in ctx.tr.items if c is x and "label" in m), "") for x in inputs]
    if all(keys):
        ctx.on_lang(lambda lang: gr.update(headers=[t(k, lang) for k in keys]), [examples.dataset])
    return examples
