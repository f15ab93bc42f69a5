"""Architecture tab: what a model is made of, from its config alone (no weights), for any catalog or
Hub model, folder or GGUF file: summary, weight size per dtype, treemap, the full named_parameters()
list (filterable), parameters per layer, and a second model side by side.

The tab has its own model field: it starts as the model bar's model and follows the bar, but choosing
a model here changes neither the bar nor what is loaded (a 70B model is inspected while the other tabs
keep running the small one). Thin wiring over playground.core.architecture; never loads weights.
"""

from __future__ import annotations

import gradio as gr

from playground import config
from playground.charts_architecture import compare_chart, treemap
from playground.core.architecture import code_for, layer_rows, model_shape, to_json
from playground.i18n import register
from playground.tabs.common import TabContext, code_box, friendly, json_box
from playground.words import architecture as words

ID = "architecture"
TITLE = "architecture.title"

register(
    {
        "architecture.title": ("Architecture", "模型架構", "模型架构"),
        "architecture.intro": (
            "Built from the model's **config alone** on PyTorch's `meta` device: no weights are downloaded, so even "
            "a 70B model is inspected in about a second. The catalog models also work offline.",
            "只用模型的**設定檔**在 PyTorch 的 `meta` 裝置上建出模型：不下載權重，所以連 70B 的模型也約一秒就能看完。"
            "目錄中的模型離線也能看。",
            "只用模型的**配置文件**在 PyTorch 的 `meta` 设备上建出模型：不下载权重，所以连 70B 的模型也约一秒就能看完。"
            "目录中的模型离线也能看。",
        ),
        "architecture.model": ("Model to inspect", "要查看的模型", "要查看的模型"),
        "architecture.model_info": (
            "Follows the model bar; a model chosen here only reads its config (no weights, the bar keeps its model).",
            "跟隨上方的模型列；在這裡選的模型只讀設定檔（不載入權重，模型列的模型不變）。",
            "跟随上方的模型栏；在这里选的模型只读配置文件（不加载权重，模型栏的模型不变）。",
        ),
        "architecture.compare_with": (
            "Compare with (optional)",
            "與另一個模型比較（可留空）",
            "与另一个模型比较（可留空）",
        ),
        "architecture.filter": (
            "Filter parameter names (space-separated terms, -term excludes)",
            "篩選參數名稱（以空格分隔，-詞 表示排除）",
            "筛选参数名称（以空格分隔，-词 表示排除）",
        ),
        "architecture.placeholder": ("layers.0. proj -bias", "layers.0. proj -bias", "layers.0. proj -bias"),  # names
        "architecture.show": ("Show the architecture", "顯示模型架構", "显示模型架构"),
        "architecture.params": (
            "named_parameters()",
            "named_parameters()（所有參數）",
            "named_parameters()（所有参数）",
        ),
        "architecture.layers": ("Parameters per layer", "每一層的參數", "每一层的参数"),
        "architecture.side_by_side": ("Side by side", "並排比較", "并排比较"),
        "architecture.treemap": ("Where the parameters live", "參數分布在哪裡", "参数分布在哪里"),
        "architecture.comparison": ("Parameters per group, side by side", "各組參數並排比較", "各组参数并排比较"),
    }
)


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
    params = [
        [
            p["name"],
            str(tuple(p["shape"])),
            p["count"],
            round(100 * p["share"], 4),
            p["group"],
            p["part"],
            "" if p["layer"] is None else p["layer"],
        ]
        for p in result["parameters"]
    ]
    layers = [[r.layer, r.attention, r.mlp, r.norms, r.other, r.total] for r in layer_rows(shape)]
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


def follow_bar(bar_model: str | None) -> str:
    """The bar's model name -> this tab's field (the bar's value is a name; "" means the default)."""
    return (bar_model or "").strip() or config.settings().default_model


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    tr.make(gr.Markdown, i18n={"value": "architecture.intro"})
    catalog = [e.name for e in config.settings().catalog]
    choices = [("-", "")] + [(name, name) for name in catalog]
    with gr.Row(equal_height=True):
        model = tr.make(
            gr.Dropdown,
            i18n={"label": "architecture.model", "info": "architecture.model_info"},
            choices=catalog,
            value=config.settings().default_model,
            allow_custom_value=True,
            filterable=True,
            scale=2,
            elem_id="architecture-model",
        )
        other = tr.make(
            gr.Dropdown,
            i18n={"label": "architecture.compare_with"},
            choices=choices,
            value="",
            allow_custom_value=True,
            filterable=True,
            scale=2,
        )
    with gr.Row(equal_height=True):
        query = tr.make(
            gr.Textbox,
            i18n={"label": "architecture.filter", "placeholder": "architecture.placeholder"},
            value="",
            scale=4,
        )
        go_btn = tr.make(gr.Button, i18n={"value": "architecture.show"}, variant="primary", scale=1)
    summary = gr.Markdown(elem_id="architecture-summary")
    chart = tr.make(gr.Plot, i18n={"label": "architecture.treemap"}, elem_id="architecture-treemap")
    params = tr.make(
        gr.Dataframe,
        i18n={"label": "architecture.params"},
        headers=words.headers(words.PARAM_COLUMNS),
        interactive=False,
        max_height=420,
    )
    with gr.Accordion("Parameters per layer", open=False) as layers_acc:
        layers = tr.make(
            gr.Dataframe,
            i18n={"label": "architecture.layers"},
            headers=words.headers(words.LAYER_COLUMNS),
            interactive=False,
            max_height=360,
        )
    tr.items.append((layers_acc, {"label": "architecture.layers"}))
    with gr.Accordion("Side by side", open=True) as side_acc:
        side = gr.Markdown()
        side_chart = tr.make(
            gr.Plot, i18n={"label": "architecture.comparison"}, elem_id="architecture-compare", visible=False
        )
    tr.items.append((side_acc, {"label": "architecture.side_by_side"}))
    code = code_box(ctx)
    result = json_box(ctx)

    # The tab's own field, not the session's choice: reading a config never loads or switches a model.
    inputs = [model, other, query] + ([ctx.lang] if ctx.lang is not None else [])
    outputs = [summary, chart, params, layers, side, side_chart, code, result]
    go_btn.click(friendly(architecture), inputs, outputs, api_name="architecture")
    # From the config alone (~0.03 s): a new model, a filter or a new page language re-draws at once.
    gr.on(
        [query.submit, model.change] + ([ctx.lang.change] if ctx.lang is not None else []),
        friendly(architecture),
        inputs,
        outputs,
        api_visibility="private",
        show_progress="hidden",
    )
    if ctx.model_picker is not None:  # follow the bar; the field's own choices never flow back to it
        ctx.model_picker.change(
            follow_bar, ctx.model_picker, model, api_visibility="private", queue=False, show_progress="hidden"
        )
    if ctx.demo is not None:  # from the config alone (~0.03 s), so the default model is shown as the page opens
        ctx.demo.load(friendly(architecture), inputs, outputs, api_visibility="private", show_progress="hidden")
