"""build_app(): the model bar, the language switch and the ordered tabs.

The tabs are an explicit tuple of modules (see playground/tabs/common.py for what a tab module
exposes). Nothing here loads a model: the first request that needs one does, through the loader.
"""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

import gradio as gr

from playground import config
from playground.i18n import LANG_NAMES, LANGS, Translatable, t
from playground.loader import DEVICES, DTYPES, get_loader
from playground.tabs.common import TabContext, friendly

log = logging.getLogger(__name__)

CSS = """
.token-spans { line-height: 2.2; font-family: ui-monospace, monospace; }
.token-spans .tok { border-radius: 4px; padding: 2px 3px; margin: 1px; white-space: pre-wrap; }
.token-spans .tok sub { font-size: 0.7em; opacity: 0.75; margin-left: 2px; }
.token-spans .diff { outline: 2px solid #d62728; }
"""


def default_tabs() -> tuple[ModuleType, ...]:
    """The tabs, in the order the page shows them."""
    from playground.tabs import architecture, attention, chat, layers, neighbors, next_token, tokenizer, vram

    return (tokenizer, next_token, chat, architecture, neighbors, layers, attention, vram)


def _model_choices() -> list[str]:
    return [e.name for e in config.settings().catalog]


def load_model(model: str, device: str, dtype: str, int8: bool, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> str:
    """Load a model through the shared loader and return its status line."""
    def say(message: str) -> None:
        progress(0, desc=message)

    loaded = get_loader().get(model, device=device, dtype=dtype, quantization="int8" if int8 else "none",
                              on_progress=say)
    return loaded.status()


def current_status() -> str:
    """The status line for a new page: what the shared loader holds right now."""
    loaded = get_loader().loaded()
    if not loaded:
        return "No model loaded yet: the first request loads the default model."
    return " | ".join(m.status() for m in loaded if m.attn_implementation == "sdpa") or loaded[-1].status()


def build_app(tabs: tuple[ModuleType, ...] | None = None) -> gr.Blocks:
    tabs = default_tabs() if tabs is None else tabs
    tr = Translatable()
    with gr.Blocks(title="LLM Playground") as demo:
        with gr.Row(equal_height=True):
            with gr.Column(scale=4):
                gr.Markdown("# LLM Playground")
                tr.make(gr.Markdown, i18n={"value": "app.subtitle"})
            lang = tr.make(gr.Radio, i18n={"label": "app.language"},
                           choices=[(LANG_NAMES[code], code) for code in LANGS], value="en", scale=1)
        with gr.Group():
            with gr.Row(equal_height=True):
                model = tr.make(gr.Dropdown, i18n={"label": "bar.model", "info": "bar.model_info"},
                                choices=_model_choices(), value=config.settings().default_model,
                                allow_custom_value=True, filterable=True, scale=4)
                device = tr.make(gr.Dropdown, i18n={"label": "bar.device"}, choices=list(DEVICES), value="auto",
                                 scale=1, min_width=100)
                dtype = tr.make(gr.Dropdown, i18n={"label": "bar.dtype"}, choices=list(DTYPES), value="auto",
                                scale=1, min_width=110)
                int8 = tr.make(gr.Checkbox, i18n={"label": "bar.quantization"}, value=False, scale=1, min_width=90)
                load = tr.make(gr.Button, i18n={"value": "bar.load"}, variant="primary", scale=1, min_width=110)
            status = tr.make(gr.Textbox, i18n={"label": "bar.status"}, interactive=False, lines=1,
                             value=current_status)  # a callable: evaluated on every page load
        load.click(friendly(load_model), [model, device, dtype, int8], status, api_name="load_model")

        ctx = TabContext(model=model, tr=tr, demo=demo)
        tab_items: list[tuple[Any, str]] = []
        with gr.Tabs():
            for module in tabs:
                with gr.Tab(label=t(module.TITLE), id=module.ID) as tab_item:
                    module.build(ctx)
                tab_items.append((tab_item, module.TITLE))
        for item, key in tab_items:
            tr.items.append((item, {"label": key}))

        def relabel(code: str) -> list[Any]:
            return tr.updates(code)

        lang.change(relabel, lang, [c for c, _ in tr.items], api_visibility="private", queue=False)
    demo.queue(default_concurrency_limit=4)
    return demo


def launch_kwargs() -> dict[str, Any]:
    """Options that gradio 6 takes at launch() rather than in Blocks(); shared by app.py and the tests."""
    return {"css": CSS, "footer_links": ["api", "gradio"]}
