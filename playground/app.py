"""build_app(): the model bar, the language switch and the ordered tabs.

The tabs are an explicit tuple of modules (see playground/tabs/common.py for what a tab module
exposes). Nothing here loads a model itself: playground.startup prepares the default one in the
background, and the first request that needs another loads it through the loader. The model bar's
fields live in each page and become that session's ModelChoice, which every model-using event sends.
"""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

import gradio as gr

from playground import config, links, startup
from playground.choice import DEVICES, DTYPES, ModelChoice
from playground.errors import PlaygroundError
from playground.i18n import LANG_NAMES, LANGS, Translatable, t
from playground.loader import LoadedModel, get_loader
from playground.tabs.common import TabContext, friendly
from playground.words import status as status_text

log = logging.getLogger(__name__)

CSS = """
.token-spans { line-height: 2.2; font-family: ui-monospace, monospace; }
.token-spans .tok { border-radius: 4px; padding: 2px 3px; margin: 1px; white-space: pre-wrap; }
.token-spans .tok sub { font-size: 0.7em; opacity: 0.75; margin-left: 2px; }
.token-spans .diff { outline: 2px solid #d62728; }
/* Gradio 6 ships Source Sans Pro SemiBold as a 5 kB subset (static/fonts/SourceSansPro/SourceSansPro-SemiBold.woff2)
   and declares no 700 face, so bold text took some glyphs from it and the rest from the system's DejaVu Sans Bold:
   "GB" read "Gʙ", "NVIDIA" "NVIDIᴀ". The full Bold file gradio ships beside it serves both weights; declared
   later, these faces win over gradio's. */
@font-face { font-family: "Source Sans Pro"; font-weight: 600; font-style: normal;
  src: url("static/fonts/SourceSansPro/SourceSansPro-Bold.woff2") format("woff2"); }
@font-face { font-family: "Source Sans Pro"; font-weight: 700; font-style: normal;
  src: url("static/fonts/SourceSansPro/SourceSansPro-Bold.woff2") format("woff2"); }
/* The logit lens writes a token in every cell: on a phone its columns would be too narrow to read, so the
   plot keeps a readable width and its block scrolls sideways. */
#layers-lens { overflow-x: auto !important; }
#layers-lens .js-plotly-plot { min-width: 760px; }
/* The generation tree writes a token beside every node: the same sideways scroll on a phone. */
#tree-chart { overflow-x: auto !important; }
#tree-chart .js-plotly-plot { min-width: 760px; }
/* A commitment chip starts with its token's space: kept whole on one line (a wrapped chip left a blank sliver). */
.commit-strip .commit-tok { display: inline-block; line-height: 1.5; }
/* The commitment heatmap (Layer Representations, Chat) and the steered next-token bars (Edit & Merge): their
   titles and labels need the same width. */
#commit-heatmap, #chat-strip-heatmap, #steer-next { overflow-x: auto !important; }
#commit-heatmap .js-plotly-plot, #chat-strip-heatmap .js-plotly-plot, #steer-next .js-plotly-plot { min-width: 640px; }
/* A labelled gr.HTML floats its label over the first line of its content (gradio 6 gives the container the
   class label-padding but no padding for it): room for the label. */
.block > .html-container.label-padding { padding-top: 32px !important; }
"""


def default_tabs() -> tuple[ModuleType, ...]:
    """The tabs, in the order the page shows them."""
    from playground.tabs import (
        architecture,
        attention,
        chat,
        edit_merge,
        layers,
        lessons,
        neighbors,
        next_token,
        tokenizer,
        tools_rag,
        vram,
    )
    from playground.tabs import tree as generation_tree

    return (
        tokenizer,
        next_token,
        chat,
        generation_tree,
        architecture,
        neighbors,
        layers,
        attention,
        vram,
        tools_rag,
        edit_merge,
        lessons,
    )


def _model_choices() -> list[str]:
    return [e.name for e in config.settings().catalog]


def make_choice(model: str, device: str, dtype: str, int8: bool) -> str:
    """The model bar's fields -> the session's ModelChoice as JSON (what every tab's events send)."""
    try:
        return ModelChoice(
            (model or "").strip(), device or "auto", dtype or "auto", "int8" if int8 else "none"
        ).to_json()
    except PlaygroundError:  # an unknown option typed into the bar: keep the name, defaults for the rest
        return ModelChoice((model or "").strip()).to_json()


def load_model(
    model: str,
    device: str = "auto",
    dtype: str = "auto",
    int8: bool = False,
    lang: str = "en",
    progress: gr.Progress = gr.Progress(),  # noqa: B008 - gradio's way to ask for a progress bar
) -> str:
    """Load the variant of a model that these options name (for the caller only) and return its status line
    in `lang` ("en", "zh-Hant", "zh-Hans").

    Another session's choice is not changed: each session's events carry its own model choice.
    """

    def say(step: str, fraction: float | None = None, **values: Any) -> None:
        progress(fraction, desc=status_text.step_text(step, lang, **values))

    choice = ModelChoice((model or "").strip(), device or "auto", dtype or "auto", "int8" if int8 else "none")
    return get_loader().get(choice, on_progress=say).status(lang)


def status_for(choice: str | None, lang: str = "en") -> tuple[str, Any]:
    """The status line of one session's choice in its page's language, and whether the page should ask again
    in a second (while it is being prepared, or not loaded yet: a session whose model is loaded asks nothing)."""
    try:
        parsed = ModelChoice.parse(choice)
        source, key = get_loader().key_for(parsed)  # resolves the name once
    except PlaygroundError as exc:
        return str(exc), gr.Timer(active=False)
    found = get_loader().peek(parsed)
    if isinstance(found, LoadedModel):
        return found.status(lang), gr.Timer(active=False)
    if found is not None:  # a load or a conversion in progress
        return found.status(lang), gr.Timer(active=True)
    if not startup.ready.is_set():  # start-up: the imports, before the default model's load registers
        return status_text.starting(source.name, lang), gr.Timer(active=True)
    # Keep asking while it is not loaded: the first request that needs it starts a load whose progress this
    # line should show as it happens, not when that request ends.
    return status_text.not_loaded(source.name, key.dtype, key.quantization, key.device, lang), gr.Timer(active=True)


def build_app(tabs: tuple[ModuleType, ...] | None = None) -> gr.Blocks:
    tabs = default_tabs() if tabs is None else tabs
    startup.start()  # imports and the default model, in the background: the page opens at once
    tr = Translatable()
    default_choice = ModelChoice(config.settings().default_model).to_json()
    with gr.Blocks(title="LLM Playground") as demo:
        with gr.Row(equal_height=True):
            with gr.Column(scale=4):
                tr.make(gr.Markdown, i18n={"value": "app.heading"})
                tr.make(gr.Markdown, i18n={"value": "app.subtitle"}, elem_id="app-subtitle")
            lang = tr.make(
                gr.Radio,
                i18n={"label": "app.language"},
                choices=[(LANG_NAMES[code], code) for code in LANGS],
                value="en",
                scale=1,
            )
        with gr.Group(elem_id="model-bar"):
            with gr.Row(equal_height=True):
                model = tr.make(
                    gr.Dropdown,
                    i18n={"label": "bar.model", "info": "bar.model_info"},
                    choices=_model_choices(),
                    value=config.settings().default_model,
                    allow_custom_value=True,
                    filterable=True,
                    scale=4,
                )
                device = tr.make(
                    gr.Dropdown,
                    i18n={"label": "bar.device"},
                    choices=list(DEVICES),
                    value="auto",
                    scale=1,
                    min_width=100,
                )
                dtype = tr.make(
                    gr.Dropdown, i18n={"label": "bar.dtype"}, choices=list(DTYPES), value="auto", scale=1, min_width=110
                )
                int8 = tr.make(gr.Checkbox, i18n={"label": "bar.quantization"}, value=False, scale=1, min_width=90)
                load = tr.make(gr.Button, i18n={"value": "bar.load"}, variant="primary", scale=1, min_width=110)
            status = tr.make(
                gr.Textbox, i18n={"label": "bar.status"}, interactive=False, lines=1, elem_id="model-status"
            )
        # The session's choice: what every model-using event sends first. It lives in this page only.
        # Never shown: its label names the first parameter of every model-using endpoint on the API page.
        choice = gr.Textbox(value=default_choice, visible=False, label="Model", elem_id="model-choice")
        ticker = gr.Timer(1.0, active=False)
        bar = [model, device, dtype, int8]
        gr.on(
            [c.change for c in bar],
            make_choice,
            bar,
            choice,
            api_visibility="private",
            queue=False,
            show_progress="hidden",
        ).then(
            status_for, [choice, lang], [status, ticker], api_visibility="private", queue=False, show_progress="hidden"
        )
        ticker.tick(
            status_for, [choice, lang], [status, ticker], api_visibility="private", queue=False, show_progress="hidden"
        )
        demo.load(status_for, [choice, lang], [status, ticker], api_visibility="private", queue=False)
        lang.change(status_for, [choice, lang], [status, ticker], api_visibility="private", queue=False)
        load.click(friendly(load_model), [*bar, lang], status, api_name="load_model")

        def refresh_status(event: Any) -> Any:
            return event.then(
                status_for,
                [choice, lang],
                [status, ticker],
                api_visibility="private",
                queue=False,
                show_progress="hidden",
            )

        ctx = TabContext(
            model=choice, tr=tr, demo=demo, model_picker=model, status=status, refresh_status=refresh_status, lang=lang
        )
        ctx.handoff = gr.State(None, time_to_live=3600)  # this session's cross-tab handoff (a path to open as a tree)
        tab_items: list[tuple[Any, str]] = []
        link_controls = links.controls(tr)  # copy link, presentation mode
        with gr.Tabs() as tab_strip:
            ctx.tabs = tab_strip
            for module in tabs:
                with gr.Tab(label=t(module.TITLE), id=module.ID) as tab_item:
                    module.build(ctx)
                tab_items.append((tab_item, module.TITLE))
        for item, key in tab_items:
            tr.items.append((item, {"label": key}))

        def relabel(code: str) -> list[Any]:
            return tr.updates(code)

        lang.change(relabel, lang, [c for c, _ in tr.items], api_visibility="private", queue=False)
        links.wire(demo, link_controls, tab_strip, [item for item, _ in tab_items], model, lang)  # ?tab=...&model=...
    demo.queue(default_concurrency_limit=4)
    return demo


def launch_kwargs() -> dict[str, Any]:
    """Options that gradio 6 takes at launch() rather than in Blocks(); shared by app.py and the tests."""
    # Run history (gradio keeps past calls in the browser's storage): off unless PLAYGROUND_RUN_HISTORY=1,
    # because a classroom PC is shared and a chat is personal; with it off, gradio also deletes runs an
    # earlier start had saved in that browser.
    return {"css": CSS + links.CSS, "footer_links": ["api", "gradio"], "run_history": config.RUN_HISTORY}
