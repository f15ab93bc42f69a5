"""Architecture tab: what a model is made of, from its config alone (no weights), for the loaded
model or any catalog or Hub model: summary, weight size per dtype, treemap, the full
named_parameters() list (filterable), parameters per layer, and a second model side by side.

Thin wiring over playground.core.architecture.
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


def compare_markdown(a: ModelShape, b: ModelShape) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, bool) or v is None:
            return {True: "yes", False: "no", None: "-"}[v]
        return f"{v:,.3g}" if isinstance(v, float) else f"{v:,}"

    lines = [f"| | {a.name} | {b.name} | ratio |", "|---|---:|---:|---:|"]
    for r in compare(a, b):
        lines.append(f"| {r.field} | {fmt(r.a)} | {fmt(r.b)} | {'' if r.ratio is None else f'{r.ratio:.2f}x'} |")
    return "\n".join(lines)


def _param_rows(shape: ModelShape, query: str) -> tuple[list[list[Any]], list[dict[str, Any]]]:
    picked = filter_params(shape, query)
    rows = [[p.name, str(p.shape), p.count, round(100 * p.share, 4), p.group, p.part,
             "" if p.layer is None else p.layer] for p in picked]
    records = [{"name": p.name, "shape": list(p.shape), "count": p.count, "share": p.share, "group": p.group,
                "part": p.part, "layer": p.layer} for p in picked]
    return rows, records


def architecture(model: str, compare_with: str | None = "", filter: str | None = "") -> tuple:
    """The architecture of `model` from its config, optionally beside `compare_with`.

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
                             "rows": [{"field": r.field, "a": r.a, "b": r.b, "ratio": r.ratio}
                                      for r in compare(shape, other)]}
    layer_table = [[r.layer, r.attention, r.mlp, r.norms, r.other, r.total] for r in per_layer]
    return (summary_markdown(shape), treemap(shape), rows, layer_table, other_md,
            gr.update(value=other_chart, visible=other_chart is not None), code_for(shape), result)


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    tr.make(gr.Markdown, i18n={"value": "architecture.intro"})
    choices = [("-", "")] + [(e.name, e.name) for e in config.settings().catalog]
    with gr.Row(equal_height=True):
        other = tr.make(gr.Dropdown, i18n={"label": "architecture.compare_with"}, choices=choices, value="",
                        allow_custom_value=True, filterable=True, scale=2)
        query = tr.make(gr.Textbox, i18n={"label": "architecture.filter"}, placeholder="layers.0. proj -bias",
                        scale=2)
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

    outputs = [summary, chart, params, layers, side, side_chart, code, result]
    go_btn.click(friendly(architecture), [ctx.model, other, query], outputs, api_name="architecture")
    query.submit(friendly(architecture), [ctx.model, other, query], outputs, api_visibility="private")
    if ctx.demo is not None:  # from the config alone (~0.03 s), so the default model is shown as the page opens
        ctx.demo.load(friendly(architecture), [ctx.model, other, query], outputs, api_visibility="private",
                      show_progress="hidden")
