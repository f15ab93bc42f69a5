"""Architecture tab: what a model is made of, from its config alone (no weights), for any catalog or
Hub model, folder or GGUF file: summary, weight size per dtype, treemap, the full named_parameters()
list (filterable), parameters per layer, and a second model side by side.

The tab has its own model field: it starts as the model bar's model and follows the bar, but choosing
a model here changes neither the bar nor what is loaded (a 70B model is inspected while the other tabs
keep running the small one). Thin wiring over playground.core.architecture; never loads weights.
"""

from __future__ import annotations

import gradio as gr

import playground.words.architecture_labels  # noqa: F401  (registers the tab's labels)
from playground import config
from playground.charts_architecture import compare_chart, treemap
from playground.core.architecture import code_for, model_shape, to_json
from playground.core.architecture_views import table_rows
from playground.tabs.common import PRIVATE, TabContext, code_box, friendly, json_box
from playground.tabs.widgets import accordion, follow_bar
from playground.words import architecture as words

ID = "architecture"
TITLE = "architecture.title"


def architecture(model: str, compare_with: str | None = "", filter: str | None = "", lang: str = "en") -> tuple:
    """The architecture of `model` (a name: catalog, Hub id, folder, .gguf; "" = the default model) from
    its config, optionally beside `compare_with`. Loads no weights and changes no session's model.

    Returns the summary, the treemap, the parameter table, the per-layer table, the comparison
    table and chart, the code, and the JSON result: {"model": summary fields, "groups",
    "weight_bytes", "layers", "filter", "parameters": [{name, shape, count, share, group, part,
    layer}], "compare": null | {"model": summary fields, "rows": [{field, label, a, b, ratio}]}}.
    `lang` ("en", "zh-Hant", "zh-Hans") words the summary, tables and charts; the JSON stays English.
    """
    shape = model_shape(model)
    other = model_shape(compare_with) if compare_with and compare_with.strip() else None
    result = to_json(shape, filter or "", other, label=words.field_label)
    params, layers = table_rows(result, shape)
    side, side_chart = "", None
    if other is not None:
        side = words.compare_markdown(shape, other, lang)
        side_chart = compare_chart(shape, other, words.compare_chart_words(shape, other, lang))
    return (
        words.summary_markdown(shape, lang),
        treemap(shape, words.treemap_words(shape, lang)),
        {"data": params, "headers": words.headers(words.PARAM_COLUMNS, lang)},
        {"data": layers, "headers": words.headers(words.LAYER_COLUMNS, lang)},
        side,
        gr.update(value=side_chart, visible=side_chart is not None),
        code_for(shape),
        result,
    )


def _table(ctx: TabContext, key: str, columns: tuple[str, ...], height: int) -> gr.Dataframe:
    """A read-only table whose headers are `columns` worded (the handler re-words them per request)."""
    headers = words.headers(columns)
    return ctx.tr.make(gr.Dataframe, i18n={"label": key}, headers=headers, interactive=False, max_height=height)


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    tr.make(gr.Markdown, i18n={"value": "architecture.intro"})
    catalog = [e.name for e in config.settings().catalog]
    fields = {"allow_custom_value": True, "filterable": True, "scale": 2}
    with gr.Row(equal_height=True):
        model = tr.make(
            gr.Dropdown,
            i18n={"label": "architecture.model", "info": "architecture.model_info"},
            choices=catalog,
            value=config.settings().default_model,
            elem_id="architecture-model",
            **fields,
        )
        choices = [("-", ""), *((name, name) for name in catalog)]
        other = tr.make(gr.Dropdown, i18n={"label": "architecture.compare_with"}, choices=choices, value="", **fields)
    with gr.Row(equal_height=True):
        i18n = {"label": "architecture.filter", "placeholder": "architecture.placeholder"}
        query = tr.make(gr.Textbox, i18n=i18n, value="", scale=4)
        go_btn = tr.make(gr.Button, i18n={"value": "architecture.show"}, variant="primary", scale=1)
    summary = gr.Markdown(elem_id="architecture-summary")
    chart = tr.make(gr.Plot, i18n={"label": "architecture.treemap"}, elem_id="architecture-treemap")
    params = _table(ctx, "architecture.params", words.PARAM_COLUMNS, 420)
    with accordion(ctx, "architecture.layers", open=False):
        layers = _table(ctx, "architecture.layers", words.LAYER_COLUMNS, 360)
    with accordion(ctx, "architecture.side_by_side", open=True):
        side = gr.Markdown()
        i18n = {"label": "architecture.comparison"}
        side_chart = tr.make(gr.Plot, i18n=i18n, elem_id="architecture-compare", visible=False)
    # Feature modules add their components here: below the comparison, above the Code and JSON sections.
    code, result = code_box(ctx), json_box(ctx)

    # The tab's own field, not the session's choice: reading a config never loads or switches a model.
    inputs = [model, other, query, *ctx.langs]
    outputs = [summary, chart, params, layers, side, side_chart, code, result]
    go_btn.click(friendly(architecture), inputs, outputs, api_name="architecture")
    # From the config alone (~0.03 s): a new model, a filter or a new page language re-draws at once; so is the
    # default model shown as the page opens.
    page = [ctx.demo.load] if ctx.demo is not None else []
    again = [query.submit, model.change, *(x.change for x in ctx.langs), *page]
    gr.on(again, friendly(architecture), inputs, outputs, show_progress="hidden", **PRIVATE)
    follow_bar(ctx, model)
