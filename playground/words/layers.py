"""The Layer Representations tab's words: labels, the summary, the table headers, the chart titles and
axes (used by playground/charts_inside.py) and the byte-piece warning."""

from __future__ import annotations

from typing import Any

from playground.core.layer_summary import TOP_RANK, LayersSummary
from playground.i18n import register, t
from playground.words import columns, n_tokens

register(
    {
        "layers.title": ("Layer Representations", "各層表示", "各层表示"),
        "layers.text": ("Text", "文字", "文本"),
        "layers.position": (
            "Lens position (-1 = last token)",
            "透鏡位置（-1 = 最後一個詞元）",
            "透镜位置（-1 = 最后一个词元）",
        ),
        "layers.target": ("Token to track across layers", "要跨層追蹤的詞元", "要跨层追踪的词元"),
        "layers.target_info": (
            "One token, e.g. ' Rome' (leading space) or #12345 for an id; empty = the model's own prediction",
            "一個詞元，例如 ' Rome'（開頭有空格）或用 #12345 指定編號；留空 = 模型自己的預測",
            "一个词元，例如 ' Rome'（开头有空格）或用 #12345 指定编号；留空 = 模型自己的预测",
        ),
        "layers.run": ("Show the layers", "顯示各層", "显示各层"),
        "layers.summary": ("Summary", "摘要", "摘要"),
        "layers.shapes": (
            "output_hidden_states: one tensor per layer",
            "output_hidden_states：每層一個張量",
            "output_hidden_states：每层一个张量",
        ),
        "layers.norms": ("Norm per layer and token", "每層每個詞元的範數", "每层每个词元的范数"),
        "layers.lines": ("Norms across layers", "跨層的範數", "跨层的范数"),
        "layers.cosine": ("Similarity to the next layer", "與下一層的相似度", "与下一层的相似度"),
        "layers.lens": ("Logit lens", "Logit 透鏡", "Logit 透镜"),
        "layers.rank": ("Rank of the tracked token", "追蹤詞元的排名", "追踪词元的排名"),
        "layers.lens_table": (
            "Lens at the chosen position, layer by layer",
            "所選位置的透鏡，逐層",
            "所选位置的透镜，逐层",
        ),
        "layers.byte_warning": (
            "⚠️ **Byte pieces.** Some tokens of this text are not whole characters (shown as `<0xE8>`: bytes of a "
            "character's UTF-8 code; `byte_pieces` in the JSON lists their positions). At those positions the model "
            "has seen only part of a character, so the lens there mostly predicts the rest of some character, not "
            "the next word. Qwen2.5-Coder-0.5B-Instruct keeps most Chinese characters whole (a Traditional character "
            "or one after a space may still split).",
            "⚠️ **位元組片段。** 這段文字有些詞元不是完整的字元"
            "（顯示為 `<0xE8>`：某個字 UTF-8 編碼裡的位元組；JSON 裡的 "
            "`byte_pieces` 列出它們的位置）。在這些位置，模型只看到一個字的一部分，"
            "所以透鏡在那裡多半是在預測某個字剩下的"
            "位元組，而不是下一個詞。Qwen2.5-Coder-0.5B-Instruct 會保留大多數中文字的完整"
            "（繁體字或空格後的字仍可能被切開）。",
            "⚠️ **字节片段。** 这段文本有些词元不是完整的字符"
            "（显示为 `<0xE8>`：某个字 UTF-8 编码里的字节；JSON 里的 "
            "`byte_pieces` 列出它们的位置）。在这些位置，模型只看到一个字的一部分，"
            "所以透镜在那里多半是在预测某个字剩下的"
            "字节，而不是下一个词。Qwen2.5-Coder-0.5B-Instruct 会保留大多数汉字的完整"
            "（繁体字或空格后的字仍可能被切开）。",
        ),
    }
)

register(
    {
        "layers.shape_headers": (
            "hidden_states[i]|what|batch|tokens|hidden|mean norm",
            "hidden_states[i]|內容|批次|詞元|隱藏維度|平均範數",
            "hidden_states[i]|内容|批次|词元|隐藏维度|平均范数",
        ),
        "layers.embedding_output": ("embedding output", "嵌入層輸出", "嵌入层输出"),
        "layers.after_layer": ("after layer {i}", "第 {i} 層之後", "第 {i} 层之后"),
        "layers.plus_norm": (" + final norm", " + 最終正規化", " + 最终归一化"),
        "layers.lens_headers": (
            "layer|rank of tracked|p(tracked)|top 1|top 2|top 3|top 4|top 5",
            "層|追蹤詞元排名|p（追蹤詞元）|第 1|第 2|第 3|第 4|第 5",
            "层|追踪词元排名|p（追踪词元）|第 1|第 2|第 3|第 4|第 5",
        ),
        "layers.summary_text": (
            "**{T}** {tokens} through **{n_layers}** layers of {name}: `output_hidden_states` gives **{n_states}** "
            "tensors of shape (1, {T}, {d_model}), the embedding output first; the last has already been through the "
            "final norm, so the lens applies that norm to all the others only.{window} Tracked token{whose}: "
            "`{target}` (id {target_id}) after `{token}` at position {position}: rank {rank} at the last layer; it "
            "first enters the top {top} at layer {first}.",
            "**{T}** {tokens}經過 {name} 的 **{n_layers}** 層：`output_hidden_states` 給出 **{n_states}** 個形狀為 "
            "(1, {T}, {d_model}) 的張量，第一個是嵌入層輸出；最後一個已經做過最終正規化，"
            "所以透鏡只對其他張量套用這個正規化。"
            "{window}追蹤的詞元{whose}：位置 {position} 的 `{token}` 之後的 `{target}`（編號 {target_id}）："
            "在最後一層排第 "
            "{rank}；它在第 {first} 層第一次進入前 {top} 名。",
            "**{T}** {tokens}经过 {name} 的 **{n_layers}** 层：`output_hidden_states` 给出 **{n_states}** 个形状为 "
            "(1, {T}, {d_model}) 的张量，第一个是嵌入层输出；最后一个已经做过最终归一化，"
            "所以透镜只对其他张量应用这个归一化。"
            "{window}追踪的词元{whose}：位置 {position} 的 `{token}` 之后的 `{target}`（编号 {target_id}）："
            "在最后一层排第 "
            "{rank}；它在第 {first} 层第一次进入前 {top} 名。",
        ),
        "layers.window": (
            " The lens grid shows the last {shown} of {T} positions.",
            "透鏡網格只顯示 {T} 個位置中的最後 {shown} 個。",
            "透镜网格只显示 {T} 个位置中的最后 {shown} 个。",
        ),
        "layers.whose": (
            " (none given: the model's own prediction at the last layer)",
            "（未指定：模型在最後一層自己的預測）",
            "（未指定：模型在最后一层自己的预测）",
        ),
        # Charts (playground/charts_inside.py)
        "layers.axis_layer": ("layer (0 = embedding output)", "層（0 = 嵌入層輸出）", "层（0 = 嵌入层输出）"),
        "layers.axis_token": ("token", "詞元", "词元"),
        "layers.norms_title": ("L2 norm of the hidden states", "隱藏狀態的 L2 範數", "隐藏状态的 L2 范数"),
        "layers.norms_note": ("log colour scale", "對數色階", "对数色阶"),
        "layers.norms_note_normed": (
            "log colour scale; last row after the final norm",
            "對數色階；最後一列在最終正規化之後",
            "对数色阶；最后一行在最终归一化之后",
        ),
        "layers.lines_title": ("Norm of each token's hidden state", "每個詞元隱藏狀態的範數", "每个词元隐藏状态的范数"),
        "layers.lines_note": ("across layers", "跨層", "跨层"),
        "layers.lines_note_last": (
            "across layers (the last {n} tokens)",
            "跨層（最後 {n} 個詞元）",
            "跨层（最后 {n} 个词元）",
        ),
        "layers.axis_norm": ("L2 norm", "L2 範數", "L2 范数"),
        "layers.cosine_title": ("Cosine similarity to the next layer", "與下一層的餘弦相似度", "与下一层的余弦相似度"),
        "layers.cosine_note": ("of each token's hidden state", "每個詞元的隱藏狀態", "每个词元的隐藏状态"),
        "layers.axis_next": ("layer → next", "層 → 下一層", "层 → 下一层"),
        "layers.axis_mean_cos": ("mean cos", "平均 cos", "平均 cos"),
        "layers.lens_title": (
            "Logit lens: each layer's top next-token guess",
            "Logit 透鏡：每一層對下一個詞元的首選猜測",
            "Logit 透镜：每一层对下一个词元的首选猜测",
        ),
        "layers.lens_note": ("final norm + LM head", "最終正規化 + LM head", "最终归一化 + LM head"),
        "layers.lens_note_hover": (
            "final norm + LM head; hover a cell for its token",
            "最終正規化 + LM head；滑鼠移到格子上看詞元",
            "最终归一化 + LM head；鼠标移到格子上看词元",
        ),
        "layers.axis_position": (
            "position (the prediction is for the next token)",
            "位置（預測的是下一個詞元）",
            "位置（预测的是下一个词元）",
        ),
        "layers.rank_title": ("Rank of '{target}' across layers", "「{target}」在各層的排名", "“{target}”在各层的排名"),
        "layers.rank_note": (
            "after '{token}' (position {position})",
            "在「{token}」之後（位置 {position}）",
            "在“{token}”之后（位置 {position}）",
        ),
        "layers.legend_rank": ("rank", "排名", "排名"),
        "layers.legend_probability": ("probability", "機率", "概率"),
        "layers.axis_rank": ("rank (1 = top)", "排名（1 = 第一）", "排名（1 = 第一）"),
    }
)


def summary(s: LayersSummary, name: str, lang: str = "en") -> str:
    """The run in one paragraph, in `lang`."""
    window = "" if s.lens_positions == s.n_tokens else t("layers.window", lang, shown=s.lens_positions, T=s.n_tokens)
    return t(
        "layers.summary_text",
        lang,
        T=s.n_tokens,
        tokens=n_tokens(s.n_tokens, lang),
        n_layers=s.n_layers,
        name=name,
        n_states=s.n_layers + 1,
        d_model=s.d_model,
        window=window,
        whose="" if s.chosen else t("layers.whose", lang),
        target=s.target_text,
        target_id=s.target_id,
        token=s.token,
        position=s.position,
        rank=s.final_rank,
        top=TOP_RANK,
        first="—" if s.first_top is None else s.first_top,
    )


def shape_table(rows: list[tuple[int, int, bool, int, int, int, float]], lang: str = "en") -> dict[str, Any]:
    """The shape table as gradio's Dataframe value, its "what" column worded."""

    def what(after: int, normed: bool) -> str:
        text = t("layers.embedding_output", lang) if after < 0 else t("layers.after_layer", lang, i=after)
        return text + (t("layers.plus_norm", lang) if normed else "")

    return {
        "data": [[i, what(after, normed), *rest] for i, after, normed, *rest in rows],
        "headers": shape_headers(lang),
    }


def shape_headers(lang: str = "en") -> list[str]:
    return columns(t("layers.shape_headers", lang))


def lens_headers(lang: str = "en") -> list[str]:
    return columns(t("layers.lens_headers", lang))


def layer_axis(lang: str = "en") -> str:
    """The layer axis of every layer chart."""
    return t("layers.axis_layer", lang)
