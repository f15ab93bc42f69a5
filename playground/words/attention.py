"""The Attention tab's words in English, 繁體中文 and 简体中文: its labels, the head choices' labels and the
summary line, worded from core.attention's numbers and codes.

Not here: the weights and views (playground.core.attention), the charts (playground.charts_inside), wiring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground import config
from playground.i18n import register, t

if TYPE_CHECKING:
    from playground.core.attention import AttentionView

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


def summary_text(v: AttentionView, lang: str = "en") -> str:
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
