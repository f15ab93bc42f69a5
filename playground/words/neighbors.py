"""The Embedding Neighbors tab's words: labels, the summary, the table headers, the chart titles and the
byte-piece warning."""

from __future__ import annotations

from playground.core.neighbors import MODES, SPACES, NeighborsResult, is_mean_group, query_kind
from playground.core.tokens import show_piece
from playground.i18n import register, t
from playground.words import columns, n_tokens

register(
    {
        "neighbors.title": ("Embedding Neighbors", "嵌入鄰居", "嵌入邻居"),
        "neighbors.word": ("Word or token", "詞或詞元", "词或词元"),
        "neighbors.word_info": (
            "A leading space matters: ' apple' and 'apple' are different tokens",
            "開頭的空格有差：' apple' 和 'apple' 是不同的詞元",
            "开头的空格有区别：' apple' 和 'apple' 是不同的词元",
        ),
        "neighbors.k": ("Neighbours (k)", "鄰居數（k）", "邻居数（k）"),
        "neighbors.mode": ("Several tokens: search with", "切成多個詞元時，搜尋用", "切成多个词元时，搜索用"),
        "neighbors.mode_info": (
            "mean = the average of the pieces' vectors; each = one search per piece",
            "mean = 各片段向量的平均；each = 每個片段各搜尋一次",
            "mean = 各片段向量的平均；each = 每个片段各搜索一次",
        ),
        "neighbors.space": ("Embedding table", "嵌入表", "嵌入表"),
        "neighbors.space_info": (
            "input = embed_tokens; output = lm_head (the same table when the model ties them)",
            "input = embed_tokens；output = lm_head（模型綁定兩者時是同一張表）",
            "input = embed_tokens；output = lm_head（模型绑定两者时是同一张表）",
        ),
        "neighbors.run": ("Find neighbours", "找鄰居", "找邻居"),
        "neighbors.summary": ("How the word splits", "這個詞怎麼切", "这个词怎么切"),
        "neighbors.bar": ("Cosine similarity", "餘弦相似度", "余弦相似度"),
        "neighbors.scatter": ("PCA (2D)", "PCA（二維）", "PCA（二维）"),
        "neighbors.table": ("Neighbours", "鄰居", "邻居"),
        "neighbors.byte_warning": (
            "⚠️ **Byte pieces.** This model cuts the word into pieces that are not whole characters (shown as "
            "`<0xE8>`: bytes of a character's UTF-8 code). A byte piece's vector stands for a byte that thousands of "
            "characters share, not for a meaning, so its neighbours, and the mean of such vectors, say little about "
            "the word. Use a model whose vocabulary has the word: Qwen2.5-Coder-0.5B-Instruct has 王 and 苹果 as "
            "single tokens (but it too cuts the Traditional 蘋 into bytes).",
            "⚠️ **位元組片段。** 這個模型把這個詞切成不是完整字元的片段"
            "（顯示為 `<0xE8>`：某個字 UTF-8 編碼裡的位元組）。"
            "位元組片段的向量代表的是成千上萬個字共用的一個位元組，不是意思，所以它的鄰居、以及這些向量的平均，"
            "都說明不了這個詞。請改用詞彙表裡有這個詞的模型：Qwen2.5-Coder-0.5B-Instruct 把「王」和「苹果」各當成一個"
            "詞元（但它也把繁體的「蘋」切成位元組）。",
            "⚠️ **字节片段。** 这个模型把这个词切成不是完整字符的片段（显示为 `<0xE8>`：某个字 UTF-8 编码里的字节）。"
            "字节片段的向量代表的是成千上万个字共用的一个字节，不是意思，所以它的邻居、以及这些向量的平均，"
            "都说明不了这个词。请改用词表里有这个词的模型：Qwen2.5-Coder-0.5B-Instruct 把「王」和「苹果」各当成一个"
            "词元（但它也把繁体的「蘋」切成字节）。",
        ),
    }
)

register(
    {
        "neighbors.headers": ("query|rank|id|token|cosine", "查詢|排名|編號|詞元|餘弦", "查询|排名|编号|词元|余弦"),
        "neighbors.mean_of": ("mean of {n} pieces", "{n} 個片段的平均", "{n} 个片段的平均"),
        "neighbors.summary_text": (
            "**{query}** is **{n}** {tokens} for {name}: {pieces}. Searched with {used} against all **{vocab}** rows "
            "({d_model} dimensions), the query's own tokens left out.",
            "**{query}** 在 {name} 是 **{n}** {tokens}：{pieces}。用{used}和全部 **{vocab}** 列（{d_model} 維）比較，"
            "查詢自己的詞元不算在內。",
            "**{query}** 在 {name} 是 **{n}** {tokens}：{pieces}。用{used}和全部 **{vocab}** 行（{d_model} 维）比较，"
            "查询自己的词元不算在内。",
        ),
        "neighbors.used_mean": ("the mean of the pieces' vectors", "各片段向量的平均", "各片段向量的平均"),
        "neighbors.used_each": ("each piece's own vector", "每個片段自己的向量", "每个片段自己的向量"),
        "neighbors.used_row": ("its row of the table", "它在表中的那一列", "它在表中的那一行"),
        "neighbors.tied": (
            " This model ties `lm_head` to `embed_tokens`, so both spaces are one table.",
            "這個模型把 `lm_head` 綁定到 `embed_tokens`，兩個空間是同一張表。",
            "这个模型把 `lm_head` 绑定到 `embed_tokens`，两个空间是同一张表。",
        ),
        "neighbors.untied": (
            " This model has its own `lm_head`: the output space is a second table.",
            "這個模型有自己的 `lm_head`：輸出空間是第二張表。",
            "这个模型有自己的 `lm_head`：输出空间是第二张表。",
        ),
        "neighbors.bar_title": ("Nearest tokens to '{query}'", "最接近「{query}」的詞元", "最接近“{query}”的词元"),
        "neighbors.in_input": (
            "in the input embedding (embed_tokens)",
            "在輸入嵌入（embed_tokens）中",
            "在输入嵌入（embed_tokens）中",
        ),
        "neighbors.in_output": (
            "in the output embedding (lm_head)",
            "在輸出嵌入（lm_head）中",
            "在输出嵌入（lm_head）中",
        ),
        "neighbors.cosine_axis": ("cosine similarity", "餘弦相似度", "余弦相似度"),
        "neighbors.pca_title": ("PCA of the vectors (2D)", "向量的 PCA（二維）", "向量的 PCA（二维）"),
        "neighbors.pca_note": (
            "unit length; stars are the queries",
            "長度皆為 1；星號是查詢",
            "长度皆为 1；星号是查询",
        ),
        "neighbors.pc": ("PC{i} ({share} of variance)", "PC{i}（變異的 {share}）", "PC{i}（方差的 {share}）"),
        "neighbors.query": ("query {label}", "查詢 {label}", "查询 {label}"),
    }
)


def group_labels(r: NeighborsResult, lang: str = "en") -> list[str]:
    """How each query vector is named in the table and the charts: '<0xE8>', 'mean of 4 pieces'."""
    if is_mean_group(r):
        return [t("neighbors.mean_of", lang, n=len(r.pieces))]
    return [show_piece(g.label) for g in r.groups]


def summary(r: NeighborsResult, name: str, lang: str = "en") -> str:
    """How the word splits and what was searched, in `lang`."""
    n = len(r.pieces)
    return t(
        "neighbors.summary_text",
        lang,
        query=repr(r.query),
        n=n,
        tokens=n_tokens(n, lang),
        name=name,
        pieces=" ".join(f"`{show_piece(text)}` ({i})" for i, text in r.pieces),
        used=t(f"neighbors.used_{query_kind(r)}", lang),
        vocab=f"{r.vocab_size:,}",
        d_model=r.d_model,
    ) + t("neighbors.tied" if r.tied else "neighbors.untied", lang)


def table(r: NeighborsResult, rows: list[tuple[int, int, int, str, float]], lang: str = "en") -> dict:
    """The table as gradio's Dataframe value, its query column and headers worded."""
    labels = group_labels(r, lang)
    return {"data": [[labels[g], *rest] for g, *rest in rows], "headers": table_headers(lang)}


def table_headers(lang: str = "en") -> list[str]:
    return columns(t("neighbors.headers", lang))


register(
    {
        "neighbors.mode_mean": ("mean", "平均", "平均"),
        "neighbors.mode_each": ("each", "逐片段", "逐片段"),
        "neighbors.space_input": ("input", "輸入", "输入"),
        "neighbors.space_output": ("output", "輸出", "输出"),
    }
)


def mode_choices(lang: str = "en") -> list[tuple[str, str]]:
    """The mode radio's (label, value) pairs: the values ("mean", "each") are what the API accepts."""
    return [(t(f"neighbors.mode_{m}", lang), m) for m in reversed(MODES)]


def space_choices(lang: str = "en") -> list[tuple[str, str]]:
    """The embedding-table radio's (label, value) pairs; the values are "input" and "output"."""
    return [(t(f"neighbors.space_{s}", lang), s) for s in SPACES]
