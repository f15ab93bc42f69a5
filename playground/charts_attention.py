"""Pure Plotly builders for the Attention tab: every head of a layer, the selected head, the first-token share.

Core dataclasses (core.attention) in, figures out. No gradio, no torch.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.charts import position_labels, titled_layout
from playground.core.attention import AttentionView


def attention_heads(v: AttentionView) -> go.Figure:
    """Every head of one layer as a small heatmap; each row is one key/value group (GQA)."""
    per = len(v.groups[0]) if v.groups else v.n_heads
    if per == 1:  # no grouping (or one head per kv head): wrap the heads into a square-ish grid
        cols = math.ceil(math.sqrt(v.n_heads))
        order = list(range(v.n_heads))
        titles = [f"head {h}" for h in order]
    else:
        cols = per
        order = [h for g in v.groups for h in g]
        titles = [f"head {h} · kv {gi}" for gi, g in enumerate(v.groups) for h in g]
    rows = math.ceil(len(order) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.02,
        vertical_spacing=0.06 if rows < 8 else 0.02,
    )
    labels = position_labels(v.tokens)
    for n, h in enumerate(order):
        fig.add_trace(
            go.Heatmap(
                z=v.per_head[h],
                x=labels,
                y=labels,
                colorscale="Viridis",
                zmin=0,
                zmax=1,
                showscale=n == 0,
                coloraxis=None,
                hovertemplate=f"head {h}<br>query %{{y}}<br>key %{{x}}<br>weight %{{z:.3f}}<extra></extra>",
            ),
            row=n // cols + 1,
            col=n % cols + 1,
        )
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, autorange="reversed")
    return titled_layout(fig, f"Layer {v.layer}: every head (rows share a key/value head)", max(420, 230 * rows))


def attention_selected(v: AttentionView) -> go.Figure:
    """The selected head, key/value group or the mean over heads: query rows, key columns."""
    labels = position_labels(v.tokens)
    fig = go.Figure(
        go.Heatmap(
            z=v.selected,
            x=labels,
            y=labels,
            colorscale="Viridis",
            zmin=0,
            colorbar=dict(title="weight"),
            hovertemplate="query %{y}<br>key %{x}<br>weight %{z:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="query (attending) token", autorange="reversed")
    fig.update_xaxes(title_text="key (attended) token")
    what = (
        "mean over all heads"
        if v.head == "mean"
        else v.head
        if v.head.startswith("head")
        else f"{v.head}: mean over heads {', '.join(map(str, v.heads))}"
    )
    size = min(900, max(480, 14 * len(labels) + 200))
    return titled_layout(fig, f"Layer {v.layer}, {what}", size)


def first_token_heatmap(v: AttentionView) -> go.Figure:
    """Layers x heads: the mean weight queries put on the first token (an 'attention sink')."""
    fig = go.Figure(
        go.Heatmap(
            z=v.first_token_share,
            x=[f"h{h}" for h in range(v.n_heads)],
            y=list(range(v.n_layers)),
            colorscale="Oranges",
            zmin=0,
            zmax=1,
            colorbar=dict(title="share"),
            hovertemplate="layer %{y}, %{x}<br>weight on token 0: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="layer", autorange="reversed")
    fig.update_xaxes(title_text="head")
    return titled_layout(fig, "Share of attention on the first token, per layer and head", 460)
