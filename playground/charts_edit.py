"""Pure Plotly builders for the Edit & Merge tab: core results in, figures out, worded in `lang`.

No gradio, no torch. The words are registered in playground/words/edit_merge.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from playground.core.merge import MergeResult
from playground.core.steer import SteerResult
from playground.core.tokens import show_piece
from playground.i18n import t
from playground.render import BLUE, GREY, ORANGE
from playground.words import edit_merge as _words  # noqa: F401 - registers the charts' strings


def _layout(fig: go.Figure, title: str, height: int, note: str = "") -> go.Figure:
    """The common look; `note` on a smaller second title line (Plotly does not wrap, a phone is 390 px wide)."""
    fig.update_layout(
        title=f"{title}<br><sup>{note}</sup>" if note else title,
        template="plotly_white",
        height=height,
        margin=dict(l=60, r=20, t=85 if note else 60, b=60),
        legend=dict(orientation="h", x=0, y=-0.25),
    )
    return fig


def next_token_chart(r: SteerResult, lang: str = "en") -> go.Figure:
    """Grouped bars: the plain and the steered probability of every token in either top list."""
    ids = list(dict.fromkeys([x.id for x in r.before] + [x.id for x in r.after]))
    text = {x.id: x.text for x in (*r.before, *r.after)}
    plain = {x.id: x.p for x in r.before}
    steered = {x.id: x.p for x in r.after}
    labels = [f"{show_piece(text[i])}<br><sub>{i}</sub>" for i in ids]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[plain.get(i, 0.0) for i in ids], name=t("edit_merge.plain", lang), marker_color=GREY)
    fig.add_bar(
        x=labels,
        y=[steered.get(i, 0.0) for i in ids],
        name=t("edit_merge.steered", lang, s=r.strength),
        marker_color=BLUE,
    )
    fig.update_layout(barmode="group", yaxis_title=t("edit_merge.probability", lang))
    return _layout(fig, t("edit_merge.next_title", lang), 420)


def sweep_heatmap(r: SteerResult, lang: str = "en") -> go.Figure:
    """KL(plain || steered) for each layer (rows) and strength (columns), the top token written in each cell."""
    fig = go.Figure()
    s = r.sweep
    if s is None:
        return _layout(fig, t("edit_merge.sweep_title", lang), 300)
    cols = [f"{x:g}" for x in s.strengths]
    rows = [str(n) for n in s.layers]
    fig.add_heatmap(
        z=[list(row) for row in s.kl_bits],
        x=cols,
        y=rows,
        text=[[show_piece(x) for x in row] for row in s.top],
        texttemplate="%{text}",
        colorscale="Blues",
        colorbar=dict(title="KL"),
        hovertemplate="layer %{y}, strength %{x}<br>KL %{z:.3f} bits<br>%{text}<extra></extra>",
    )
    fig.update_xaxes(title_text=t("edit_merge.strength_axis", lang), type="category")
    fig.update_yaxes(title_text=t("edit_merge.layer_axis", lang), type="category", autorange="reversed")
    return _layout(fig, t("edit_merge.sweep_title", lang), 120 + 32 * len(rows), t("edit_merge.sweep_note", lang))


def loss_chart(losses: Sequence[float], total: int, lang: str = "en") -> go.Figure:
    """The loss after each step so far; the x axis spans every planned step, so the curve grows into it."""
    fig = go.Figure()
    fig.add_scatter(
        x=list(range(1, len(losses) + 1)), y=list(losses), mode="lines+markers", line_color=ORANGE, showlegend=False
    )
    fig.update_xaxes(title_text=t("edit_merge.step_axis", lang), range=[0.5, max(total, 1) + 0.5])
    fig.update_yaxes(title_text="loss", rangemode="tozero")
    return _layout(fig, t("edit_merge.loss_title", lang), 340, t("edit_merge.loss_note", lang))


def curve_chart(r: MergeResult, fact_answer: str, control_answer: str, lang: str = "en") -> go.Figure:
    """p(fact) and p(control) at each alpha of the curve, and a line where the slider is now."""
    alphas = [a for a, _f, _c in r.curve]
    fig = go.Figure()
    for k, key, answer, colour in (
        (1, "edit_merge.fact_legend", fact_answer, BLUE),
        (2, "edit_merge.control_legend", control_answer, ORANGE),
    ):
        fig.add_scatter(
            x=alphas,
            y=[point[k] for point in r.curve],
            name=t(key, lang, answer=repr(answer)),
            mode="lines+markers",
            line_color=colour,
        )
    fig.add_vline(x=r.alpha, line_dash="dot", line_color=GREY, annotation_text=t("edit_merge.now", lang))
    fig.update_xaxes(title_text="alpha")
    fig.update_yaxes(title_text=t("edit_merge.probability", lang), range=[0, 1.02])
    return _layout(fig, t("edit_merge.curve_title", lang), 380)
