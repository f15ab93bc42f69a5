"""Pure Plotly builders for the Layer Representations tab: hidden-state norms and cosines, the logit lens.

Core dataclasses (core.layers, core.lens) in, figures out, worded in the language passed in (`lang`; the
words are registered in playground/words/layers.py). No gradio, no torch.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.charts import position_labels, titled_layout
from playground.core.layers import LayerStats
from playground.core.lens import LensAtPosition, LensGrid
from playground.core.tokens import show_piece
from playground.i18n import t
from playground.render import BLUE, ORANGE
from playground.words.layers import layer_axis


def norms_heatmap(s: LayerStats, lang: str = "en") -> go.Figure:
    """L2 norm of every hidden state: layers (0 = embeddings) down, tokens across."""
    # Colour on a log scale: a few tokens (often the first) carry norms 100x the others
    # ("massive activations"), which would flatten every other cell to one colour.
    logz = [[math.log10(max(v, 1e-6)) for v in row] for row in s.norms]
    lo = math.floor(min(min(r) for r in logz))
    hi = math.ceil(max(max(r) for r in logz))
    ticks = list(range(lo, hi + 1))
    fig = go.Figure(
        go.Heatmap(
            z=logz,
            customdata=s.norms,
            x=position_labels(s.tokens),
            y=list(range(len(s.norms))),
            colorscale="Viridis",
            colorbar=dict(title="‖h‖", tickvals=ticks, ticktext=[f"{10**e:g}" for e in ticks]),
            hovertemplate="layer %{y}<br>token %{x}<br>norm %{customdata:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text=layer_axis(lang), autorange="reversed")
    fig.update_xaxes(title_text=t("layers.axis_token", lang))
    note = t("layers.norms_note_normed" if s.last_is_normed else "layers.norms_note", lang)
    return titled_layout(fig, t("layers.norms_title", lang), 520, note)


# One trace per token: past this many a browser slows down and the legend is unreadable.
MAX_LINES = 64


def norms_lines(s: LayerStats, lang: str = "en") -> go.Figure:
    """One line per token (the last MAX_LINES tokens): how its hidden state's norm changes through the layers."""
    fig = go.Figure()
    layers = list(range(len(s.norms)))
    labels = position_labels(s.tokens)
    first = max(0, len(labels) - MAX_LINES)
    for k in range(first, len(labels)):
        fig.add_scatter(
            x=layers,
            y=[row[k] for row in s.norms],
            mode="lines",
            name=labels[k],
            hovertemplate=f"{labels[k]}<br>layer %{{x}}<br>norm %{{y:.2f}}<extra></extra>",
        )
    fig.update_xaxes(title_text=layer_axis(lang))
    fig.update_yaxes(title_text=t("layers.axis_norm", lang), type="log")
    note = t("layers.lines_note_last", lang, n=MAX_LINES) if first else t("layers.lines_note", lang)
    return titled_layout(fig, t("layers.lines_title", lang), 440, note)


def next_cosine_heatmap(s: LayerStats, lang: str = "en") -> go.Figure:
    """cos(h_l, h_{l+1}) per token, with the mean over tokens as a line below."""
    fig = make_subplots(rows=2, cols=1, row_heights=[0.7, 0.3], vertical_spacing=0.12, shared_xaxes=False)
    ys = [f"{i}→{i + 1}" for i in range(len(s.next_cosine))]
    fig.add_trace(
        go.Heatmap(
            z=s.next_cosine,
            x=position_labels(s.tokens),
            y=ys,
            colorscale="RdBu",
            zmid=0,
            zmin=-1,
            zmax=1,
            colorbar=dict(title="cos", len=0.65, y=0.68),
            hovertemplate="layers %{y}<br>token %{x}<br>cos %{z:.3f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=ys,
        y=s.mean_next_cosine,
        mode="lines+markers",
        marker_color=BLUE,
        showlegend=False,
        hovertemplate="layers %{x}<br>mean cos %{y:.3f}<extra></extra>",
        row=2,
        col=1,
    )
    fig.update_yaxes(autorange="reversed", title_text=t("layers.axis_next", lang), row=1, col=1)
    fig.update_yaxes(title_text=t("layers.axis_mean_cos", lang), row=2, col=1)
    return titled_layout(fig, t("layers.cosine_title", lang), 640, t("layers.cosine_note", lang))


# Light to mid blue, so that the dark cell text stays readable on every cell (contrast >= 4.8:1 at p = 1).
LENS_SCALE = ((0.0, "#f8fafc"), (0.35, "#dbeafe"), (0.7, "#93c5fd"), (1.0, "#3b82f6"))
# Past this many positions the cells are too narrow for text: the tokens are shown on hover only.
LENS_TEXT_POSITIONS = 24


def lens_heatmap(g: LensGrid, lang: str = "en") -> go.Figure:
    """Logit lens: the top token of every layer at every position, coloured by its probability."""
    x = [f"{p}:{show_piece(g.tokens[p])}" for p in g.positions]
    text = [[show_piece(x) for x in row] for row in g.top_texts]
    written = len(g.positions) <= LENS_TEXT_POSITIONS
    fig = go.Figure(
        go.Heatmap(
            z=g.top_probs,
            x=x,
            y=list(range(len(g.top_probs))),
            text=text,
            texttemplate="%{text}" if written else None,
            textfont=dict(size=13, color="#0f172a"),
            colorscale=[list(stop) for stop in LENS_SCALE],
            zmin=0,
            zmax=1,
            xgap=1,
            ygap=1,
            colorbar=dict(title="p(top)", thickness=14),
            hovertemplate="layer %{y}<br>after %{x}<br>top %{text}<br>p %{z:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text=layer_axis(lang), autorange="reversed", tickfont=dict(size=12))
    fig.update_xaxes(title_text=t("layers.axis_position", lang), tickfont=dict(size=12))
    fig = titled_layout(
        fig,
        t("layers.lens_title", lang),
        max(520, 26 * len(g.top_probs) + 160),
        t("layers.lens_note" if written else "layers.lens_note_hover", lang),
    )
    fig.update_layout(plot_bgcolor="#ffffff")
    return fig


def lens_rank_chart(at: LensAtPosition, lang: str = "en") -> go.Figure:
    """Rank (log scale) and probability of the tracked token through the layers at one position."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    layers = [x.layer for x in at.layers]
    tops = [show_piece(x.top[0][1]) if x.top else "" for x in at.layers]
    fig.add_scatter(
        x=layers,
        y=[x.target_rank for x in at.layers],
        mode="lines+markers",
        name=t("layers.legend_rank", lang),
        marker_color=BLUE,
        customdata=tops,
        hovertemplate="layer %{x}<br>rank %{y}<br>top: %{customdata}<extra></extra>",
    )
    fig.add_scatter(
        x=layers,
        y=[x.target_prob for x in at.layers],
        mode="lines",
        name=t("layers.legend_probability", lang),
        line=dict(color=ORANGE, dash="dot"),
        secondary_y=True,
        hovertemplate="layer %{x}<br>p %{y:.4f}<extra></extra>",
    )
    fig.update_yaxes(title_text=t("layers.axis_rank", lang), type="log", autorange="reversed", secondary_y=False)
    fig.update_yaxes(title_text=t("layers.legend_probability", lang), range=[0, 1], secondary_y=True)
    fig.update_xaxes(title_text=layer_axis(lang))
    fig = titled_layout(
        fig,
        t("layers.rank_title", lang, target=show_piece(at.target_text)),
        440,
        t("layers.rank_note", lang, token=show_piece(at.token), position=at.position),
    )
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"))  # beside the plot it squeezes a phone
    return fig
