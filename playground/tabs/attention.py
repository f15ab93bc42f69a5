"""Attention tab: each layer's attention patterns per head, grouped by shared key/value head.

Thin: components and wiring. The model comes from the shared loader with
attn_implementation="eager" (a second cached copy next to the default one: only eager attention
returns the weights). The computations live in playground/core/attention.py, the charts in
playground/charts_inside.py, the words in playground/words/attention.py.
"""

from __future__ import annotations

import gradio as gr

from playground import config
from playground.charts_inside import attention_heads, attention_selected, first_token_heatmap
from playground.core import attention as core
from playground.core.config_sources import shipped_fields
from playground.loader import get_loader
from playground.tabs.common import TabContext, code_box, friendly, json_box
from playground.tabs.widgets import examples, input_columns
from playground.words import attention as words

ID = "attention"
TITLE = "attention.title"
EXAMPLES = [
    ["The cat sat on the mat because it was tired."],
    ["apple, Apple, 蘋果, 王"],
    ["1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3,"],
]


def attention(model: str, text: str, layer: int, head: str, lang: str = "en") -> tuple:
    """Attention patterns of `text` at `layer`, for one head, one key/value group or the mean.

    Returns a summary, the selected heatmap, all heads of the layer, the first-token overview,
    the head choices for this model, the code and the JSON result (tokens, heads, kv groups, the
    selected weights and the first-token share per layer and head).
    """
    with get_loader().use(model, attn_implementation="eager") as lm:
        v = core.view(core.attention_maps(lm, text), layer, head)
        choices = words.choice_pairs(core.head_choices(v.n_heads, v.n_kv_heads), lang)
        code = core.code_for(lm.source.model_id, text, v.layer, list(v.heads), v.head)
        result = {"model": lm.name, **core.to_json(v)}
        return (
            words.summary_text(v, lang),
            attention_selected(v),
            attention_heads(v),
            first_token_heatmap(v),
            gr.update(choices=choices, value=v.head),
            code,
            result,
        )


def _default_choices() -> list[tuple[str, str]]:
    """Head choices of the default model from its shipped config (no load); the first run updates them."""
    entry = config.settings().entry(config.settings().default_model)
    cfg = shipped_fields(getattr(entry, "hub_id", None))
    return words.choice_pairs(core.config_head_choices(cfg) if cfg is not None else ["mean"])


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    left, right = input_columns()
    with left:
        text = tr.make(
            gr.Textbox,
            i18n={"label": "attention.text", "info": "attention.text_info"},
            lines=3,
            value="The cat sat on the mat because it was tired.",
        )
        go_btn = tr.make(gr.Button, i18n={"value": "attention.run"}, variant="primary")
    with right:
        layer = tr.make(gr.Number, i18n={"label": "attention.layer"}, value=0, precision=0)
        head = tr.make(
            gr.Dropdown,
            i18n={"label": "attention.head", "info": "attention.head_info"},
            choices=_default_choices(),
            value="mean",
            allow_custom_value=True,
        )
    examples(ctx, EXAMPLES, [text])
    summary = tr.make(gr.Markdown, i18n={"label": "attention.summary"})
    selected = tr.make(gr.Plot, i18n={"label": "attention.selected"}, elem_id="attention-selected")
    heads = tr.make(gr.Plot, i18n={"label": "attention.heads"}, elem_id="attention-heads")
    sink = tr.make(gr.Plot, i18n={"label": "attention.sink"}, elem_id="attention-sink")
    # Feature modules add their components here: below the charts, above the Code and JSON sections.
    code, result = code_box(ctx), json_box(ctx)

    inputs = [ctx.model, text, layer, head, *ctx.langs]
    outputs = [summary, selected, heads, sink, head, code, result]
    ctx.after_model(gr.on([go_btn.click, text.submit], friendly(attention), inputs, outputs, api_name="attention"))
