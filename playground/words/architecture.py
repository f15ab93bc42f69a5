"""The Architecture tab's words in English, 繁體中文 and 简体中文: the summary, the side-by-side table, table
headers and chart titles, worded from the numbers and codes of core.architecture.

Pure (no Gradio): `summary_markdown(shape, lang)` and friends return strings the tab shows. Not here: the
numbers themselves (core.architecture_views), the Plotly figures (charts_architecture), the wiring (the tab).
"""

from __future__ import annotations

from typing import Any

from playground.core.architecture import (
    COMPARED,
    GQA,
    GROUPS,
    MHA,
    ModelShape,
    attention_kind,
    group_totals,
    shown_rows,
    weight_sizes,
)
from playground.core.architecture_views import COMPARE_SKIPPED
from playground.core.config_shape import TEXT_OF_MULTIMODAL, TEXT_PART_ONLY
from playground.core.hardware import human
from playground.i18n import register, t

register(
    {
        # where the config came from (ModelShape.source)
        "architecture.from.loaded": ("the loaded model", "已載入的模型", "已加载的模型"),
        "architecture.from.folder": ("a local folder", "本機資料夾", "本地文件夹"),
        "architecture.from.gguf": ("the GGUF file", "GGUF 檔", "GGUF 文件"),
        "architecture.from.hub": ("the Hugging Face Hub", "Hugging Face Hub", "Hugging Face Hub"),
        "architecture.from.shipped": (
            "the architecture data shipped with the playground",
            "遊樂場內附的架構資料",
            "游乐场自带的架构数据",
        ),
        "architecture.head": (
            "### {name}\n`{arch}` (model_type `{model_type}`), config from {source}",
            "### {name}\n`{arch}`（model_type `{model_type}`），設定檔來自{source}",
            "### {name}\n`{arch}`（model_type `{model_type}`），配置文件来自{source}",
        ),
        # summary rows
        "architecture.row.params": ("Parameters", "參數", "参数"),
        "architecture.row.layers": ("Layers", "層數", "层数"),
        "architecture.row.hidden": ("Hidden size (d_model)", "隱藏維度（d_model）", "隐藏维度（d_model）"),
        "architecture.row.heads": ("Attention heads", "注意力頭", "注意力头"),
        "architecture.row.head_dim": ("Head dim", "每頭維度", "每头维度"),
        "architecture.row.intermediate": ("MLP intermediate size", "MLP 中間層寬度", "MLP 中间层宽度"),
        "architecture.row.vocab": ("Vocabulary", "詞彙量", "词表大小"),
        "architecture.row.context": ("Context length", "上下文長度", "上下文长度"),
        "architecture.row.tied": ("Tied embeddings", "共用嵌入矩陣", "共享嵌入矩阵"),
        "architecture.row.sizes": ("Weights alone", "只算權重", "只算权重"),
        "architecture.row.groups": ("Where the parameters are", "參數在哪裡", "参数在哪里"),
        "architecture.tokens": ("{n} tokens", "{n} 個詞元", "{n} 个词元"),
        "architecture.heads.mha": (
            "{heads} (multi-head attention: each query head has its own key/value head)",
            "{heads}（多頭注意力：每個查詢頭都有自己的鍵/值頭）",
            "{heads}（多头注意力：每个查询头都有自己的键/值头）",
        ),
        "architecture.heads.mqa": (
            "{heads} query, 1 key/value (multi-query attention)",
            "{heads} 個查詢頭，1 個鍵/值頭（多查詢注意力）",
            "{heads} 个查询头，1 个键/值头（多查询注意力）",
        ),
        "architecture.heads.gqa": (
            "{heads} query, {kv} key/value (grouped-query attention: {ratio} query heads share each key/value head)",
            "{heads} 個查詢頭，{kv} 個鍵/值頭（分組查詢注意力：每 {ratio} 個查詢頭共用一個鍵/值頭）",
            "{heads} 个查询头，{kv} 个键/值头（分组查询注意力：每 {ratio} 个查询头共用一个键/值头）",
        ),
        "architecture.tied.yes": (
            "yes: the output layer reuses the input embedding matrix, so `named_parameters()` lists no "
            "`lm_head.weight`; the {emb} embedding parameters ({share}) count once",
            "是：輸出層沿用輸入的嵌入矩陣，所以 `named_parameters()` 裡沒有 `lm_head.weight`；"
            "{emb} 個嵌入參數（{share}）只算一次",
            "是：输出层沿用输入的嵌入矩阵，所以 `named_parameters()` 里没有 `lm_head.weight`；"
            "{emb} 个嵌入参数（{share}）只算一次",
        ),
        "architecture.tied.no": (
            "no: `lm_head.weight` is a separate {n}-parameter matrix ({share} of the model)",
            "否：`lm_head.weight` 是另一個 {n} 參數的矩陣（佔模型的 {share}）",
            "否：`lm_head.weight` 是另一个 {n} 参数的矩阵（占模型的 {share}）",
        ),
        "architecture.sliding": (
            "; {n} of {layers} layers attend only to the last {window} tokens (sliding window)",
            "；{layers} 層中有 {n} 層只看最近的 {window} 個詞元（滑動視窗）",
            "；{layers} 层中有 {n} 层只看最近的 {window} 个词元（滑动窗口）",
        ),
        "architecture.note.multimodal": (
            "{outer} is multimodal: only its text decoder ({model_type}) is shown; the vision tower and projector "
            "are excluded.",
            "{outer} 是多模態模型：這裡只顯示它的文字解碼器（{model_type}），不含視覺編碼器與投影層。",
            "{outer} 是多模态模型：这里只显示它的文本解码器（{model_type}），不含视觉编码器与投影层。",
        ),
        "architecture.note.text_only": (
            "Only the text decoder ({model_type}) is shown; the vision tower is excluded.",
            "只顯示文字解碼器（{model_type}），不含視覺編碼器。",
            "只显示文本解码器（{model_type}），不含视觉编码器。",
        ),
        # the side-by-side table (the JSON result's "label" is the English one)
        "architecture.field.n_params": ("Parameters", "參數", "参数"),
        "architecture.field.n_layers": ("Layers", "層數", "层数"),
        "architecture.field.hidden": ("Hidden size (d_model)", "隱藏維度（d_model）", "隐藏维度（d_model）"),
        "architecture.field.n_heads": ("Query heads", "查詢頭", "查询头"),
        "architecture.field.n_kv_heads": ("Key/value heads", "鍵/值頭", "键/值头"),
        "architecture.field.gqa_ratio": (
            "Query heads per key/value head",
            "每個鍵/值頭的查詢頭數",
            "每个键/值头的查询头数",
        ),
        "architecture.field.head_dim": ("Head dim", "每頭維度", "每头维度"),
        "architecture.field.intermediate": ("MLP intermediate size", "MLP 中間層寬度", "MLP 中间层宽度"),
        "architecture.field.vocab": ("Vocabulary (tokens)", "詞彙量（詞元）", "词表大小（词元）"),
        "architecture.field.max_context": ("Context length (tokens)", "上下文長度（詞元）", "上下文长度（词元）"),
        "architecture.field.tied": ("Tied embeddings", "共用嵌入矩陣", "共享嵌入矩阵"),
        "architecture.field.sliding_window": ("Sliding window (tokens)", "滑動視窗（詞元）", "滑动窗口（词元）"),
        "architecture.field.n_sliding_layers": ("Sliding-window layers", "滑動視窗的層數", "滑动窗口的层数"),
        "architecture.field.embeddings_parameters": ("Embedding parameters", "嵌入參數", "嵌入参数"),
        "architecture.field.attention_parameters": ("Attention parameters", "注意力參數", "注意力参数"),
        "architecture.field.mlp_parameters": ("MLP parameters", "MLP 參數", "MLP 参数"),
        "architecture.field.norms_parameters": ("Norm parameters", "正規化層參數", "归一化层参数"),
        "architecture.field.lm_head_parameters": (
            "lm_head parameters (0 when tied)",
            "lm_head 參數（共用時為 0）",
            "lm_head 参数（共享时为 0）",
        ),
        "architecture.field.other_parameters": ("Other parameters", "其他參數", "其他参数"),
        "architecture.yes": ("yes", "是", "是"),
        "architecture.no": ("no", "否", "否"),
        # table headers
        "architecture.col.name": ("name", "名稱", "名称"),
        "architecture.col.shape": ("shape", "形狀", "形状"),
        "architecture.col.count": ("count", "數量", "数量"),
        "architecture.col.share": ("share %", "占比 %", "占比 %"),
        "architecture.col.group": ("group", "組", "组"),
        "architecture.col.part": ("part", "部分", "部分"),
        "architecture.col.layer": ("layer", "層", "层"),
        "architecture.col.attention": ("attention", "注意力", "注意力"),
        "architecture.col.mlp": ("mlp", "MLP", "MLP"),
        "architecture.col.norms": ("norms", "正規化層", "归一化层"),
        "architecture.col.other": ("other", "其他", "其他"),
        "architecture.col.total": ("total", "合計", "合计"),
        # charts
        "architecture.chart.treemap": (
            "Where the {n} parameters of {name} live (click a box to zoom)",
            "{name} 的 {n} 個參數分布在哪裡（點一下方塊可放大）",
            "{name} 的 {n} 个参数分布在哪里（点一下方块可放大）",
        ),
        # a Plotly hover template: looked up without values, so its braces stay as they are
        "architecture.chart.treemap_hover": (
            "<b>%{id}</b><br>%{value:,} parameters<br>%{percentRoot:.2%} of the model"
            "<br>%{percentParent:.2%} of %{parent}<extra></extra>",
            "<b>%{id}</b><br>%{value:,} 個參數<br>佔模型的 %{percentRoot:.2%}<br>佔 %{parent} 的 %{percentParent:.2%}"
            "<extra></extra>",
            "<b>%{id}</b><br>%{value:,} 个参数<br>占模型的 %{percentRoot:.2%}<br>占 %{parent} 的 %{percentParent:.2%}"
            "<extra></extra>",
        ),
        "architecture.chart.compare": (
            "{a} ({na}) vs {b} ({nb}): parameters per group",
            "{a}（{na}）對 {b}（{nb}）：各組參數",
            "{a}（{na}）对 {b}（{nb}）：各组参数",
        ),
        "architecture.chart.parameters": ("parameters", "參數", "参数"),
        "architecture.group.embeddings": ("Embeddings", "嵌入", "嵌入"),
        "architecture.group.attention": ("Attention", "注意力", "注意力"),
        "architecture.group.mlp": ("MLP", "MLP", "MLP"),
        "architecture.group.norms": ("Norms", "正規化層", "归一化层"),
        "architecture.group.lm_head": ("lm_head (0 when tied)", "lm_head（共用時為 0）", "lm_head（共享时为 0）"),
        "architecture.group.other": ("Other", "其他", "其他"),
    }
)

PARAM_COLUMNS = ("name", "shape", "count", "share", "group", "part", "layer")
LAYER_COLUMNS = ("layer", "attention", "mlp", "norms", "other", "total")
# The compared fields a label exists for: the side-by-side table's summary fields, then one row per group.
_LABELLED = frozenset({f for f in COMPARED if f not in COMPARE_SKIPPED} | {f"{g} parameters" for g in GROUPS})


def headers(columns: tuple[str, ...], lang: str = "en") -> list[str]:
    return [t(f"architecture.col.{c}", lang) for c in columns]


def field_label(field: str, lang: str = "en") -> str:
    """A compared field's readable name: 'n_kv_heads' -> 'Key/value heads'; an unlabelled field as is."""
    return t(f"architecture.field.{field.replace(' ', '_')}", lang) if field in _LABELLED else field


def notes(shape: ModelShape, lang: str = "en") -> list[str]:
    """The caveats of a shape (a multimodal model's vision tower left out), worded."""
    if shape.text_part == TEXT_OF_MULTIMODAL:
        return [t("architecture.note.multimodal", lang, outer=shape.outer_config, model_type=shape.model_type)]
    if shape.text_part == TEXT_PART_ONLY:
        return [t("architecture.note.text_only", lang, model_type=shape.model_type)]
    return []


def summary_markdown(shape: ModelShape, lang: str = "en") -> str:
    """The summary table people read first."""
    kind = attention_kind(shape)
    heads = (
        t(f"architecture.heads.{kind}", lang, heads=shape.n_heads, kv=shape.n_kv_heads, ratio=f"{shape.gqa_ratio:g}")
        if kind in (MHA, GQA)
        else t("architecture.heads.mqa", lang, heads=shape.n_heads)
    )
    if shape.tied:
        tied = t(
            "architecture.tied.yes",
            lang,
            emb=f"{shape.embedding_params:,}",
            share=f"{shape.embedding_params / shape.n_params:.1%}",
        )
    else:
        tied = t(
            "architecture.tied.no",
            lang,
            n=f"{shape.lm_head_params:,}",
            share=f"{shape.lm_head_params / shape.n_params:.1%}",
        )
    context = t("architecture.tokens", lang, n=f"{shape.max_context:,}")
    if shape.sliding_window:
        context += t(
            "architecture.sliding",
            lang,
            n=shape.n_sliding_layers,
            layers=shape.n_layers,
            window=f"{shape.sliding_window:,}",
        )
    rows = [
        ("params", f"**{shape.n_params:,}**"),
        ("layers", f"{shape.n_layers}"),
        ("hidden", f"{shape.hidden:,}"),
        ("heads", heads),
        ("head_dim", f"{shape.head_dim}"),
        ("intermediate", f"{shape.intermediate:,}"),
        ("vocab", t("architecture.tokens", lang, n=f"{shape.vocab:,}")),
        ("context", context),
        ("tied", tied),
        ("sizes", " · ".join(f"{w.dtype} {human(w.bytes)}" for w in weight_sizes(shape))),
        (
            "groups",
            " · ".join(
                f"{g.group} {g.share:.1%}" if g.share >= 0.001 else f"{g.group} {g.share:.3%}"
                for g in group_totals(shape)
            ),
        ),
    ]
    source = t(f"architecture.from.{shape.source}", lang) if shape.source else shape.source
    head = t(
        "architecture.head", lang, name=shape.name, arch=shape.architecture, model_type=shape.model_type, source=source
    )
    lines = [f"| {t(f'architecture.row.{k}', lang)} | {v} |" for k, v in rows]
    table = "\n".join([lines[0], "|---|---|", *lines[1:]])  # the first row doubles as the header
    return f"{head}\n\n{table}" + "".join(f"\n\n> {n}" for n in notes(shape, lang))


def compare_markdown(a: ModelShape, b: ModelShape, lang: str = "en") -> str:
    """Two shapes side by side: readable labels, each number once, B / A."""

    def fmt(v: Any) -> str:
        if isinstance(v, bool):
            return t("architecture.yes" if v else "architecture.no", lang)
        if v is None:
            return "-"
        return f"{v:,.3g}" if isinstance(v, float) else f"{v:,}"

    names = (a.name, b.name) if a.name != b.name else (f"{a.name} (A)", f"{b.name} (B)")
    lines = [f"| | {names[0]} | {names[1]} | B / A |", "|---|---:|---:|---:|"]
    for r in shown_rows(a, b):
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}x"
        lines.append(f"| {field_label(r.field, lang)} | {fmt(r.a)} | {fmt(r.b)} | {ratio} |")
    return "\n".join(lines)


def short_count(n: int) -> str:
    """1777088000 -> '1.78B'; 576 -> '576'."""
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return str(n)


def treemap_words(shape: ModelShape, lang: str = "en") -> dict[str, str]:
    """The treemap's title and hover template (charts_architecture.treemap's `words`)."""
    return {
        "title": t("architecture.chart.treemap", lang, n=f"{shape.n_params:,}", name=shape.name),
        "hover": t("architecture.chart.treemap_hover", lang),
    }


def compare_chart_words(a: ModelShape, b: ModelShape, lang: str = "en") -> dict[str, Any]:
    """The comparison chart's title, axis title and group names (charts_architecture.compare_chart's `words`)."""
    return {
        "title": t(
            "architecture.chart.compare",
            lang,
            a=a.name,
            na=short_count(a.n_params),
            b=b.name,
            nb=short_count(b.n_params),
        ),
        "parameters": t("architecture.chart.parameters", lang),
        "groups": {g: t(f"architecture.group.{g}", lang) for g in GROUPS},
    }
