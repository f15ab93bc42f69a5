"""Pure Plotly builders for the Tools & RAG tab: the retrieved chunks' scores and the key fact's probabilities.

The RAG JSON result (playground.core.rag_answer.rag_json) in, figures out, worded in `lang` (the words are
registered in playground/words/tools_rag.py). No gradio, no torch.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from playground.charts import titled_layout
from playground.i18n import t
from playground.render import BLUE, GREY, ORANGE

LABEL_CHARS = 28  # a chunk's label on the score chart: its id and its first characters (a phone is 390 px wide)


def _label(hit: dict[str, Any]) -> str:
    text = hit["text"]
    short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return f"{hit['id']}<br>{short}"


def scores_chart(result: dict[str, Any], lang: str = "en") -> go.Figure:
    """Horizontal bars of the ranked chunks' cosine similarity, best at the top; the right topic in blue, the
    chunks left out of the prompt faded."""
    hits = list(reversed(result.get("ranking") or result["hits"]))
    topic = (result.get("fact") or {}).get("topic")
    fig = go.Figure(
        go.Bar(
            x=[h["score"] for h in hits],
            y=[_label(h) for h in hits],
            orientation="h",
            marker_color=[BLUE if h["topic"] == topic else GREY for h in hits],
            marker_opacity=[1.0 if h.get("in_prompt", True) else 0.35 for h in hits],
            hovertext=[h["text"] for h in hits],
            hovertemplate="%{hovertext}<br>cosine %{x:.4f}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=t("tools_rag.score_axis", lang))
    fig.update_yaxes(automargin=True)
    title = t("tools_rag.scores_title", lang, k=len(result["hits"]))
    return titled_layout(fig, title, 140 + 48 * len(hits))


def fact_chart(result: dict[str, Any], lang: str = "en") -> go.Figure:
    """Grouped bars: p of each token of the key fact with retrieval and without (empty when not labelled)."""
    fact = result.get("fact")
    fig = go.Figure()
    if fact is None:
        return titled_layout(fig, t("tools_rag.no_fact", lang), 200)
    pieces = [f"{i + 1}: {piece!r}" for i, (piece, _) in enumerate(fact["with"])]
    for key, colour, name in (("with", BLUE, "tools_rag.with"), ("without", ORANGE, "tools_rag.without")):
        fig.add_bar(
            x=pieces,
            y=[p for _, p in fact[key]],
            name=t(name, lang),
            marker_color=colour,
            hovertemplate="%{x}<br>p = %{y:.2%}<extra></extra>",
        )
    fig.update_yaxes(title_text=t("tools_rag.p_axis", lang), range=[0, 1], tickformat=".0%")
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.25))
    return titled_layout(fig, t("tools_rag.fact_title", lang, fact=fact["fact"].strip()), 340)
