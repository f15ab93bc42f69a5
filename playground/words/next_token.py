"""The Next Token tab's words: labels, the summary, the table headers, the candidate picker, and the chart's
title, legend and axis (used by playground/charts.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from playground.core.tokens import show_piece
from playground.i18n import register, t
from playground.words import columns, n_tokens

if TYPE_CHECKING:
    from playground.core.next_token import SamplingView

register(
    {
        "next_token.title": ("Next Token", "下一個詞元", "下一个词元"),
        "next_token.prompt": ("Prompt", "提示", "提示"),
        "next_token.chat": (
            "Wrap the prompt in the model's chat template",
            "用模型的對話模板包住提示",
            "用模型的对话模板包住提示",
        ),
        "next_token.predict": ("Predict the next token", "預測下一個詞元", "预测下一个词元"),
        "next_token.temperature": ("Temperature (0 = greedy)", "溫度（0 = 貪婪）", "温度（0 = 贪婪）"),
        "next_token.top_k": ("Top-k (0 = off)", "Top-k（0 = 關閉）", "Top-k（0 = 关闭）"),
        "next_token.top_p": ("Top-p (1 = off)", "Top-p（1 = 關閉）", "Top-p（1 = 关闭）"),
        "next_token.show": ("Candidates shown", "顯示的候選數", "显示的候选数"),
        "next_token.table": ("Candidates", "候選詞元", "候选词元"),
        "next_token.pick": ("Candidate to append", "要接上的候選詞元", "要接上的候选词元"),
        "next_token.append_top": ("Append the most likely", "接上最可能的", "接上最可能的"),
        "next_token.append_pick": ("Append the chosen one", "接上選的那個", "接上选的那个"),
        "next_token.undo": ("Undo", "復原", "撤销"),
        "next_token.chart": ("Next-token probabilities", "下一個詞元的機率", "下一个词元的概率"),
        "next_token.generated": (
            "Text so far (prompt + appended tokens)",
            "目前的文字（提示 + 接上的詞元）",
            "目前的文本（提示 + 接上的词元）",
        ),
        # the summary, in three parts: tokens in and entropy, the tempered entropy (T != 1 only), what survives
        "next_token.summary_in": (
            "**{n:,}** {tokens} in, entropy **{bits:.3f} bits** at temperature 1",
            "輸入 **{n:,}** {tokens}，溫度 1 時的熵為 **{bits:.3f} 位元**",
            "输入 **{n:,}** {tokens}，温度 1 时的熵为 **{bits:.3f} 比特**",
        ),
        "next_token.summary_tempered": (
            " ({bits:.3f} bits at T={T:g})",
            "（T={T:g} 時 {bits:.3f} 位元）",
            "（T={T:g} 时 {bits:.3f} 比特）",
        ),
        "next_token.summary_kept_one": (
            "; **1** token survives top-k/top-p, holding {mass:.1%} of the tempered mass.",
            "；只有 **1** 個詞元通過 top-k/top-p，占調溫後機率的 {mass:.1%}。",
            "；只有 **1** 个词元通过 top-k/top-p，占调温后概率的 {mass:.1%}。",
        ),
        "next_token.summary_kept": (
            "; **{n:,}** tokens survive top-k/top-p, holding {mass:.1%} of the tempered mass.",
            "；**{n:,}** 個詞元通過 top-k/top-p，占調溫後機率的 {mass:.1%}。",
            "；**{n:,}** 个词元通过 top-k/top-p，占调温后概率的 {mass:.1%}。",
        ),
        "next_token.headers": (
            "rank|id|token|text|probability|logit|p(T)|kept|final p",
            "名次|編號|詞元|文字|機率|logit|p(T)|保留|最終機率",
            "名次|编号|词元|文本|概率|logit|p(T)|保留|最终概率",
        ),
        "next_token.yes": ("yes", "是", "是"),
        "next_token.no": ("no", "否", "否"),
        "next_token.choice": (
            "{rank}. {piece}  (id {id}, p={p:.4f})",
            "{rank}. {piece}（編號 {id}，p={p:.4f}）",
            "{rank}. {piece}（编号 {id}，p={p:.4f}）",
        ),
    }
)


def summary(
    n_in: int,
    entropy: float,
    temperature: float,
    tempered_entropy: float,
    kept: int,
    kept_mass: float,
    lang: str = "en",
) -> str:
    """The one-line summary above the chart, in `lang`."""
    text = t("next_token.summary_in", lang, n=n_in, tokens=n_tokens(n_in, lang), bits=entropy)
    if temperature != 1:
        text += t("next_token.summary_tempered", lang, bits=tempered_entropy, T=temperature)
    if kept == 1:
        return text + t("next_token.summary_kept_one", lang, mass=kept_mass)
    return text + t("next_token.summary_kept", lang, n=kept, mass=kept_mass)


def headers(lang: str = "en") -> list[str]:
    return columns(t("next_token.headers", lang))


def view_words(view: SamplingView, n_in: int, lang: str = "en") -> tuple[str, list[tuple[str, int]], dict[str, Any]]:
    """One view in `lang`: the summary, the picker's (label, token id) choices, the table {headers, data}."""
    said = summary(
        n_in, view.entropy_bits, view.temperature, view.tempered_entropy_bits, view.kept_count, view.kept_mass, lang
    )
    choices = [
        (t("next_token.choice", lang, rank=c.rank, piece=show_piece(c.text), id=c.id, p=c.prob), c.id)
        for c in view.candidates
    ]
    kept = (t("next_token.yes", lang), t("next_token.no", lang))
    return said, choices, {"headers": headers(lang), "data": view.rows(kept)}


register(
    {  # the chart (playground/charts.py)
        "chart.next_token.before": ("before temperature (T=1)", "調溫前（T=1）", "调温前（T=1）"),
        "chart.next_token.after": ("after temperature (T={T:g})", "調溫後（T={T:g}）", "调温后（T={T:g}）"),
        "chart.next_token.plain": ("probability (T=1)", "機率（T=1）", "概率（T=1）"),
        "chart.next_token.final": (
            "after top-k / top-p (renormalized)",
            "top-k / top-p 之後（重新歸一化）",
            "top-k / top-p 之后（重新归一化）",
        ),
        "chart.next_token.sampled": ("sampled with p", "抽樣機率 p", "抽样概率 p"),
        "chart.next_token.title": ("Next-token candidates", "下一個詞元的候選", "下一个词元的候选"),
        "chart.next_token.details_one": (
            "entropy {bits:.2f} bits at T=1, 1 token may be sampled",
            "T=1 時的熵 {bits:.2f} 位元，只有 1 個詞元可能被抽中",
            "T=1 时的熵 {bits:.2f} 比特，只有 1 个词元可能被抽中",
        ),
        "chart.next_token.details": (
            "entropy {bits:.2f} bits at T=1, {n:,} tokens may be sampled",
            "T=1 時的熵 {bits:.2f} 位元，{n:,} 個詞元可能被抽中",
            "T=1 时的熵 {bits:.2f} 比特，{n:,} 个词元可能被抽中",
        ),
        "chart.next_token.y": ("probability", "機率", "概率"),
    }
)
