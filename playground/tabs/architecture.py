"""Architecture tab: what a model is made of, from its config alone (no weights), for any catalog or
Hub model, folder or GGUF file: summary, weight size per dtype, treemap, the full named_parameters()
list (filterable), parameters per layer, and a second model side by side.

The tab has its own model field: it starts as the model bar's model and follows the bar, but choosing
a model here changes neither the bar nor what is loaded (a 70B model is inspected while the other tabs
keep running the small one). Thin wiring over playground.core.architecture; never loads weights.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts_architecture import compare_chart, treemap
from playground.core.architecture import (
    ModelShape,
    code_for,
    compare,
    filter_params,
    group_totals,
    layer_rows,
    model_shape,
    weight_sizes,
)
from playground.i18n import register
from playground.tabs.common import TabContext, code_box, friendly, json_box

ID = "architecture"
TITLE = "architecture.title"

register({
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
        "跟随上方的模型栏；在这里选的模型只读配置文件（不加载权重，模型栏的模型不变）。"),
    "architecture.compare_with": ("Compare with (optional)", "與另一個模型比較（可留空）", "与另一个模型比较（可留空）"),
    "architecture.filter": ("Filter parameter names (space-separated terms, -term excludes)",
                            "篩選參數名稱（以空格分隔，-詞 表示排除）", "筛选参数名称（以空格分隔，-词 表示排除）"),
    "architecture.show": ("Show the architecture", "顯示模型架構", "显示模型架构"),
    "architecture.params": ("named_parameters()", "named_parameters()（所有參數）", "named_parameters()（所有参数）"),
    "architecture.layers": ("Parameters per layer", "每一層的參數", "每一层的参数"),
    "architecture.side_by_side": ("Side by side", "並排比較", "并排比较"),
    "architecture.treemap": ("Where the parameters live", "參數分布在哪裡", "参数分布在哪里"),
    "architecture.comparison": ("Parameters per group, side by side", "各組參數並排比較", "各组参数并排比较"),
})

PARAM_HEADERS = ["name", "shape", "count", "share %", "group", "part", "layer"]
LAYER_HEADERS = ["layer", "attention", "mlp", "norms", "other", "total"]


def _mb(n: int) -> str:
    return f"{n / 1e9:,.2f} GB" if n >= 1e9 else f"{n / 1e6:,.1f} MB"


def summary_markdown(shape: ModelShape) -> str:
    """The summary table people read first."""
    source = {"loaded": "the loaded model", "folder": "a local folder", "gguf": "the GGUF file",
              "hub": "the Hugging Face Hub", "shipped": "the architecture data shipped with the playground"}
    if shape.n_kv_heads == shape.n_heads:
        heads = f"{shape.n_heads} (multi-head attention: each query head has its own key/value head)"
    elif shape.n_kv_heads == 1:
        heads = f"{shape.n_heads} query, 1 key/value (multi-query attention)"
    else:
        heads = (f"{shape.n_heads} query, {shape.n_kv_heads} key/value (grouped-query attention: "
                 f"{shape.gqa_ratio:g} query heads share each key/value head)")
    emb_share = shape.embedding_params / shape.n_params
    if shape.tied:
        tied = (f"yes: the output layer reuses the input embedding matrix, so `named_parameters()` lists no "
                f"`lm_head.weight`; the {shape.embedding_params:,} embedding parameters ({emb_share:.1%}) count once")
    else:
        tied = (f"no: `lm_head.weight` is a separate {shape.lm_head_params:,}-parameter matrix "
                f"({shape.lm_head_params / shape.n_params:.1%} of the model)")
    context = f"{shape.max_context:,} tokens"
    if shape.sliding_window:
        context += (f"; {shape.n_sliding_layers} of {shape.n_layers} layers attend only to the last "
                    f"{shape.sliding_window:,} tokens (sliding window)")
    sizes = " · ".join(f"{w.dtype} {_mb(w.bytes)}" for w in weight_sizes(shape))
    groups = " · ".join(f"{g.group} {g.share:.1%}" if g.share >= 0.001 else f"{g.group} {g.share:.3%}"
                        for g in group_totals(shape))
    rows = [
        ("Parameters", f"**{shape.n_params:,}**"),
        ("Layers", f"{shape.n_layers}"),
        ("Hidden size (d_model)", f"{shape.hidden:,}"),
        ("Attention heads", heads),
        ("Head dim", f"{shape.head_dim}"),
        ("MLP intermediate size", f"{shape.intermediate:,}"),
        ("Vocabulary", f"{shape.vocab:,} tokens"),
        ("Context length", context),
        ("Tied embeddings", tied),
        ("Weights alone", sizes),
        ("Where the parameters are", groups),
    ]
    head = (f"### {shape.name}\n`{shape.architecture}` (model_type `{shape.model_type}`), "
            f"config from {source.get(shape.source, shape.source)}")
    lines = [f"| {k} | {v} |" for k, v in rows]
    table = "\n".join([lines[0], "|---|---|", *lines[1:]])  # the first row doubles as the header
    notes = "".join(f"\n\n> {n}" for n in shape.notes)
    return f"{head}\n\n{table}{notes}"


# Readable names for the compared fields. embedding_params / lm_head_params are left out: the
# per-group rows ("Embedding parameters", "lm_head parameters") that follow give the same numbers.
COMPARE_LABELS = {
    "n_params": "Parameters", "n_layers": "Layers", "hidden": "Hidden size (d_model)",
    "n_heads": "Query heads", "n_kv_heads": "Key/value heads", "gqa_ratio": "Query heads per key/value head",
    "head_dim": "Head dim", "intermediate": "MLP intermediate size", "vocab": "Vocabulary (tokens)",
    "max_context": "Context length (tokens)", "tied": "Tied embeddings", "sliding_window": "Sliding window (tokens)",
    "n_sliding_layers": "Sliding-window layers",
    "embeddings parameters": "Embedding parameters", "attention parameters": "Attention parameters",
    "mlp parameters": "MLP parameters", "norms parameters": "Norm parameters",
    "lm_head parameters": "lm_head parameters (0 when tied)", "other parameters": "Other parameters",
}
COMPARE_SKIPPED = {"embedding_params", "lm_head_params"}


def compare_rows(a: ModelShape, b: ModelShape) -> list[tuple[str, Any, Any, float | None]]:
    """(label, a, b, ratio) for the side-by-side table: readable labels, each number once, and rows
    that say nothing for either model (no sliding window in both) left out."""
    rows = []
    for r in compare(a, b):
        if r.field in COMPARE_SKIPPED or (not r.a and not r.b and r.field != "tied"):
            continue
        rows.append((COMPARE_LABELS.get(r.field, r.field.replace("_", " ")), r.a, r.b, r.ratio))
    return rows


def compare_markdown(a: ModelShape, b: ModelShape) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, bool) or v is None:
            return {True: "yes", False: "no", None: "-"}[v]
        return f"{v:,.3g}" if isinstance(v, float) else f"{v:,}"

    names = (a.name, b.name) if a.name != b.name else (f"{a.name} (A)", f"{b.name} (B)")
    lines = [f"| | {names[0]} | {names[1]} | B / A |", "|---|---:|---:|---:|"]
    for label, x, y, ratio in compare_rows(a, b):
        lines.append(f"| {label} | {fmt(x)} | {fmt(y)} | {'' if ratio is None else f'{ratio:.2f}x'} |")
    return "\n".join(lines)


def _param_rows(shape: ModelShape, query: str) -> tuple[list[list[Any]], list[dict[str, Any]]]:
    picked = filter_params(shape, query)
    rows = [[p.name, str(p.shape), p.count, round(100 * p.share, 4), p.group, p.part,
             "" if p.layer is None else p.layer] for p in picked]
    records = [{"name": p.name, "shape": list(p.shape), "count": p.count, "share": p.share, "group": p.group,
                "part": p.part, "layer": p.layer} for p in picked]
    return rows, records


def architecture(model: str, compare_with: str | None = "", filter: str | None = "") -> tuple:
    """The architecture of `model` (a name: catalog, Hub id, folder, .gguf; "" = the default model) from
    its config, optionally beside `compare_with`. Loads no weights and changes no session's model.

    Returns the summary, the treemap, the parameter table, the per-layer table, the comparison
    table and chart, the code, and the JSON result: {"model": summary fields, "groups",
    "weight_bytes", "layers", "filter", "parameters": [{name, shape, count, share, group, part,
    layer}], "compare": null | {"model": summary fields, "rows": [{field, a, b, ratio}]}}.
    """
    shape = model_shape(model)
    rows, records = _param_rows(shape, filter or "")
    per_layer = layer_rows(shape)
    result: dict[str, Any] = {
        "model": shape.summary(),
        "groups": [{"group": g.group, "count": g.count, "share": g.share} for g in group_totals(shape)],
        "weight_bytes": {w.dtype: w.bytes for w in weight_sizes(shape)},
        "layers": [vars(r) for r in per_layer],
        "filter": filter or "",
        "parameters": records,
        "compare": None,
    }
    other_md, other_chart = "", None
    if compare_with and compare_with.strip():
        other = model_shape(compare_with)
        other_md = compare_markdown(shape, other)
        other_chart = compare_chart(shape, other)
        result["compare"] = {"model": other.summary(),
                             "rows": [{"field": r.field, "label": COMPARE_LABELS.get(r.field, r.field),
                                       "a": r.a, "b": r.b, "ratio": r.ratio} for r in compare(shape, other)]}
    layer_table = [[r.layer, r.attention, r.mlp, r.norms, r.other, r.total] for r in per_layer]
    return (summary_markdown(shape), treemap(shape), rows, layer_table, other_md,
            gr.update(value=other_chart, visible=other_chart is not None), code_for(shape), result)


def follow_bar(bar_model: str | None) -> str:
    """The bar's model name -> this tab's field (the bar's value is a name; "" means the default)."""
    return (bar_model or "").strip() or config.settings().default_model


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    tr.make(gr.Markdown, i18n={"value": "architecture.intro"})
    catalog = [e.name for e in config.settings().catalog]
    choices = [("-", "")] + [(name, name) for name in catalog]
    with gr.Row(equal_height=True):
        model = tr.make(gr.Dropdown, i18n={"label": "architecture.model", "info": "architecture.model_info"},
                        choices=catalog, value=config.settings().default_model, allow_custom_value=True,
                        filterable=True, scale=2, elem_id="architecture-model")
        other = tr.make(gr.Dropdown, i18n={"label": "architecture.compare_with"}, choices=choices, value="",
                        allow_custom_value=True, filterable=True, scale=2)
    with gr.Row(equal_height=True):
        query = tr.make(gr.Textbox, i18n={"label": "architecture.filter"}, placeholder="layers.0. proj -bias",
                        value="", scale=4)
        go_btn = tr.make(gr.Button, i18n={"value": "architecture.show"}, variant="primary", scale=1)
    summary = gr.Markdown()
    chart = tr.make(gr.Plot, i18n={"label": "architecture.treemap"}, elem_id="architecture-treemap")
    params = tr.make(gr.Dataframe, i18n={"label": "architecture.params"}, headers=PARAM_HEADERS,
                     interactive=False, max_height=420)
    with gr.Accordion("Parameters per layer", open=False) as layers_acc:
        layers = tr.make(gr.Dataframe, i18n={"label": "architecture.layers"}, headers=LAYER_HEADERS,
                         interactive=False, max_height=360)
    tr.items.append((layers_acc, {"label": "architecture.layers"}))
    with gr.Accordion("Side by side", open=True) as side_acc:
        side = gr.Markdown()
        side_chart = tr.make(gr.Plot, i18n={"label": "architecture.comparison"}, elem_id="architecture-compare",
                             visible=False)
    tr.items.append((side_acc, {"label": "architecture.side_by_side"}))
    code = code_box(ctx)
    result = json_box(ctx)

    # The tab's own field, not the session's choice: reading a config never loads or switches a model.
    inputs = [model, other, query]
    outputs = [summary, chart, params, layers, side, side_chart, code, result]
    go_btn.click(friendly(architecture), inputs, outputs, api_name="architecture")
    query.submit(friendly(architecture), inputs, outputs, api_visibility="private")
    model.change(friendly(architecture), inputs, outputs, api_visibility="private", show_progress="hidden")
    if ctx.model_picker is not None:  # follow the bar; the field's own choices never flow back to it
        ctx.model_picker.change(follow_bar, ctx.model_picker, model, api_visibility="private", queue=False,
                                show_progress="hidden")
    if ctx.demo is not None:  # from the config alone (~0.03 s), so the default model is shown as the page opens
        ctx.demo.load(friendly(architecture), inputs, outputs, api_visibility="private", show_progress="hidden")
