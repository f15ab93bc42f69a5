"""Attention tab: each layer's attention patterns per head, grouped by shared key/value head.

Thin: components and wiring. The model comes from the shared loader with
attn_implementation="eager" (a second cached copy next to the default one: only eager attention
returns the weights). The computations live in playground/core/attention.py, the charts in
playground/charts_inside.py.
"""

from __future__ import annotations

import gradio as gr

from playground import config
from playground.charts_inside import attention_heads, attention_selected, first_token_heatmap
from playground.core import attention as core
from playground.core.config_sources import shipped_fields
from playground.i18n import register, t
from playground.loader import get_loader
from playground.tabs.common import TabContext, code_box, friendly, json_box

ID = "attention"
TITLE = "attention.title"
CAP = config.settings().limits.max_attention_tokens  # shown in the text box's hint

register(
    {
        "attention.title": ("Attention", "注意力", "注意力"),
        "attention.text": ("Text", "文字", "文本"),
        "attention.text_info": (
            f"At most {CAP} tokens: every head's token x token matrix is drawn",
            f"最多 {CAP} 個詞元：每個注意力頭的詞元 x 詞元矩陣都會畫出來",
            f"最多 {CAP} 个词元：每个注意力头的词元 x 词元矩阵都会画出来",
        ),
        "attention.layer": (
            "Layer (0 = first; -1 = last)",
            "層（0 = 第一層；-1 = 最後一層）",
            "层（0 = 第一层；-1 = 最后一层）",
        ),
        "attention.head": ("Head", "注意力頭", "注意力头"),
        "attention.head_info": (
            "mean = average over all heads; kv g = the heads sharing key/value head g; head h = one head",
            "mean = 所有頭的平均；kv g = 共用第 g 個鍵/值頭的那些頭；head h = 單一個頭",
            "mean = 所有头的平均；kv g = 共用第 g 个键/值头的那些头；head h = 单一个头",
        ),
        "attention.run": ("Show attention", "顯示注意力", "显示注意力"),
        "attention.summary": ("Summary", "摘要", "摘要"),
        "attention.selected": ("Selected pattern", "所選的注意力模式", "所选的注意力模式"),
        "attention.heads": ("All heads of the layer", "這一層的所有頭", "这一层的所有头"),
        "attention.sink": ("Attention on the first token", "落在第一個詞元的注意力", "落在第一个词元的注意力"),
        "attention.choice_mean": ("mean", "平均", "平均"),
        "attention.choice_kv": ("kv {n}", "鍵/值頭 {n}", "键/值头 {n}"),
        "attention.choice_head": ("head {n}", "頭 {n}", "头 {n}"),
        "attention.gqa": (
            "grouped-query attention: **{heads}** query heads share **{kv}** key/value heads ({per} per group)",
            "分組查詢注意力：**{heads}** 個查詢頭共用 **{kv}** 個鍵/值頭（每組 {per} 個）",
            "分组查询注意力：**{heads}** 个查询头共用 **{kv}** 个键/值头（每组 {per} 个）",
        ),
        "attention.mha": (
            "**{heads}** heads, each with its own keys and values",
            "**{heads}** 個頭，各有自己的鍵和值",
            "**{heads}** 个头，各有自己的键和值",
        ),
        "attention.summary_text": (
            "**{tokens}** tokens, **{layers}** layers, {gqa}. Showing layer **{layer}**, {head}. Rows are the "
            "attending (query) tokens, columns the attended (key) tokens; each row sums to 1 and no token sees the "
            "ones after it.",
            "**{tokens}** 個詞元，**{layers}** 層，{gqa}。顯示第 **{layer}** 層，{head}。每一列是發出注意力的（查詢）"
            "詞元，每一行是被注意的（鍵）詞元；每一列加起來等於 1，沒有詞元看得到它後面的詞元。",
            "**{tokens}** 个词元，**{layers}** 层，{gqa}。显示第 **{layer}** 层，{head}。每一行是发出注意力的（查询）"
            "词元，每一列是被注意的（键）词元；每一行加起来等于 1，没有词元看得到它后面的词元。",
        ),
    }
)


def choice_pairs(values: list[str], lang: str = "en") -> list[tuple[str, str]]:
    """Head choices as (label, value): the values ('mean', 'kv 1', 'head 4') are what the API accepts."""

    def label(value: str) -> str:
        kind, _, num = value.partition(" ")
        return t(f"attention.choice_{kind}", lang, n=num)

    return [(label(v), v) for v in values]


def summary_text(v: core.AttentionView, lang: str = "en") -> str:
    """The summary line in the page's language."""
    gqa = (
        t("attention.gqa", lang, heads=v.n_heads, kv=v.n_kv_heads, per=v.n_heads // v.n_kv_heads)
        if v.n_kv_heads < v.n_heads
        else t("attention.mha", lang, heads=v.n_heads)
    )
    return t(
        "attention.summary_text",
        lang,
        tokens=len(v.tokens),
        layers=v.n_layers,
        gqa=gqa,
        layer=v.layer,
        head=choice_pairs([v.head], lang)[0][0],
    )


def attention(model: str, text: str, layer: int, head: str, lang: str = "en") -> tuple:
    """Attention patterns of `text` at `layer`, for one head, one key/value group or the mean.

    Returns a summary, the selected heatmap, all heads of the layer, the first-token overview,
    the head choices for this model, the code and the JSON result (tokens, heads, kv groups, the
    selected weights and the first-token share per layer and head).
    """
    with get_loader().use(model, attn_implementation="eager") as lm:
        v = core.view(core.attention_maps(lm, text), layer, head)
        choices = choice_pairs(core.head_choices(v.n_heads, v.n_kv_heads), lang)
        code = core.code_for(lm.source.model_id, text, v.layer, list(v.heads), v.head)
        result = {"model": lm.name, **core.to_json(v)}
        return (
            summary_text(v, lang),
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
    return choice_pairs(core.config_head_choices(cfg) if cfg is not None else ["mean"])


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    with gr.Row():
        with gr.Column(scale=3):
            text = tr.make(
                gr.Textbox,
                i18n={"label": "attention.text", "info": "attention.text_info"},
                lines=3,
                value="The cat sat on the mat because it was tired.",
            )
            go_btn = tr.make(gr.Button, i18n={"value": "attention.run"}, variant="primary")
        with gr.Column(scale=2):
            layer = tr.make(gr.Number, i18n={"label": "attention.layer"}, value=0, precision=0)
            head = tr.make(
                gr.Dropdown,
                i18n={"label": "attention.head", "info": "attention.head_info"},
                choices=_default_choices(),
                value="mean",
                allow_custom_value=True,
            )
    examples = gr.Examples(
        [
            ["The cat sat on the mat because it was tired."],
            ["apple, Apple, 蘋果, 王"],
            ["1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3,"],
        ],
        inputs=[text],
        label=t("common.examples"),
    )
    tr.items.append((examples.dataset, {"label": "common.examples"}))
    summary = tr.make(gr.Markdown, i18n={"label": "attention.summary"})
    selected = tr.make(gr.Plot, i18n={"label": "attention.selected"}, elem_id="attention-selected")
    heads = tr.make(gr.Plot, i18n={"label": "attention.heads"}, elem_id="attention-heads")
    sink = tr.make(gr.Plot, i18n={"label": "attention.sink"}, elem_id="attention-sink")
    code = code_box(ctx)
    result = json_box(ctx)

    inputs = [ctx.model, text, layer, head] + ([ctx.lang] if ctx.lang is not None else [])
    outputs = [summary, selected, heads, sink, head, code, result]
    ctx.after_model(gr.on([go_btn.click, text.submit], friendly(attention), inputs, outputs, api_name="attention"))
