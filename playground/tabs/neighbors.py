"""Embedding Neighbors tab: the tokens nearest to a word by cosine similarity in the embedding table.

Thin: components and wiring. The search lives in playground/core/neighbors.py, the charts in
playground/charts_inside.py.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts import plural
from playground.charts_inside import neighbors_bar, neighbors_scatter
from playground.core.neighbors import MODES, SPACES, code_for, neighbors, to_json
from playground.core.tokens import show_piece
from playground.i18n import register
from playground.loader import get_loader
from playground.tabs.common import TabContext, code_box, friendly, json_box, model_examples

ID = "neighbors"
TITLE = "neighbors.title"

register({
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
        "⚠️ **位元組片段。** 這個模型把這個詞切成不是完整字元的片段（顯示為 `<0xE8>`：某個字 UTF-8 編碼裡的位元組）。"
        "位元組片段的向量代表的是成千上萬個字共用的一個位元組，不是意思，所以它的鄰居、以及這些向量的平均，"
        "都說明不了這個詞。請改用詞彙表裡有這個詞的模型：Qwen2.5-Coder-0.5B-Instruct 把「王」和「苹果」各當成一個"
        "詞元（但它也把繁體的「蘋」切成位元組）。",
        "⚠️ **字节片段。** 这个模型把这个词切成不是完整字符的片段（显示为 `<0xE8>`：某个字 UTF-8 编码里的字节）。"
        "字节片段的向量代表的是成千上万个字共用的一个字节，不是意思，所以它的邻居、以及这些向量的平均，"
        "都说明不了这个词。请改用词表里有这个词的模型：Qwen2.5-Coder-0.5B-Instruct 把「王」和「苹果」各当成一个"
        "词元（但它也把繁体的「蘋」切成字节）。",
    ),
})

HEADERS = ["query", "rank", "id", "token", "cosine"]


def _summary(r: Any, name: str) -> str:
    pieces = " ".join(f"`{show_piece(text)}` ({i})" for i, text in r.pieces)
    tied = (" This model ties `lm_head` to `embed_tokens`, so both spaces are one table." if r.tied else
            " This model has its own `lm_head`: the output space is a second table.")
    used = ("the mean of the pieces' vectors" if r.mode == "mean" and len(r.pieces) > 1 else
            "each piece's own vector" if len(r.pieces) > 1 else "its row of the table")
    n = len(r.pieces)
    return (f"**{r.query!r}** is **{n}** {plural(n, 'token')} for {name}: {pieces}. Searched with {used} "
            f"against all **{r.vocab_size:,}** rows ({r.d_model} dimensions), the query's own tokens left out."
            + tied)


def embedding_neighbors(model: str, word: str, k: int, mode: str, space: str) -> tuple:
    """The k tokens nearest to `word` by cosine similarity in the input (or output) embedding table.

    Returns a summary, the bar chart, the PCA scatter, the table, the code and the JSON result
    (pieces, groups of neighbours with id/text/similarity, PCA points).
    """
    with get_loader().use(model) as lm:
        r = neighbors(lm, word, int(k), mode, space)
        rows = [[show_piece(g.label), n + 1, x.token_id, show_piece(x.text), round(x.similarity, 4)]
                for g in r.groups for n, x in enumerate(g.neighbors)]
        code = code_for(lm.source.model_id, word, int(k), mode, space)
        result = {"model": lm.name, **to_json(r)}
        return _summary(r, lm.name), neighbors_bar(r), neighbors_scatter(r), rows, code, result


def show_byte_warning(result: dict | None) -> Any:
    """Show the byte-piece warning when the last result's word has byte pieces, hide it otherwise."""
    return gr.update(visible=bool((result or {}).get("byte_pieces")))


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    with gr.Row():
        with gr.Column(scale=3):
            word = tr.make(gr.Textbox, i18n={"label": "neighbors.word", "info": "neighbors.word_info"},
                           value="apple", lines=1)
            go_btn = tr.make(gr.Button, i18n={"value": "neighbors.run"}, variant="primary")
        with gr.Column(scale=2):
            k = tr.make(gr.Slider, i18n={"label": "neighbors.k"}, minimum=1,
                        maximum=min(50, config.settings().limits.max_top_k), step=1, value=10)
            mode = tr.make(gr.Radio, i18n={"label": "neighbors.mode", "info": "neighbors.mode_info"},
                           choices=list(reversed(MODES)), value="mean")
            space = tr.make(gr.Radio, i18n={"label": "neighbors.space", "info": "neighbors.space_info"},
                            choices=list(SPACES), value="input")
    english, chinese = config.settings().default_model, config.settings().chinese_model
    model_examples(ctx, [[english, "apple"], [english, "Apple"], [chinese, "王"], [chinese, "苹果"], [chinese, "蘋果"],
                         [english, "蘋果"]], [word], label="Examples")
    # Shown when the word has byte pieces (result["byte_pieces"]); its text follows the language switch.
    byte_warning = tr.make(gr.Markdown, i18n={"value": "neighbors.byte_warning"}, visible=False,
                           elem_id="neighbors-byte-warning")
    summary = tr.make(gr.Markdown, i18n={"label": "neighbors.summary"})
    with gr.Row():
        bar = tr.make(gr.Plot, i18n={"label": "neighbors.bar"}, elem_id="neighbors-bar")
        scatter = tr.make(gr.Plot, i18n={"label": "neighbors.scatter"}, elem_id="neighbors-scatter")
    table = tr.make(gr.Dataframe, i18n={"label": "neighbors.table"}, headers=HEADERS, interactive=False)
    code = code_box(ctx)
    result = json_box(ctx)

    inputs = [ctx.model, word, k, mode, space]
    outputs = [summary, bar, scatter, table, code, result]
    ctx.after_model(gr.on([go_btn.click, word.submit], friendly(embedding_neighbors), inputs, outputs,
                          api_name="embedding_neighbors")).then(
        show_byte_warning, result, byte_warning, api_visibility="private", queue=False, show_progress="hidden")
