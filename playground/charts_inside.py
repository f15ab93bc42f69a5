"""Pure Plotly builders for the Embedding Neighbors, Layer Representations and Attention tabs.

Core dataclasses in, figures out. No gradio, no torch.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.core.attention import AttentionView
from playground.core.layers import LayerStats, LensAtPosition, LensGrid
from playground.core.neighbors import NeighborsResult
from playground.core.tokens import show_piece

BLUE, ORANGE, GREY = "#2563eb", "#ea580c", "#9ca3af"
# One colour per query vector in the PCA scatter (cycled).
GROUP_COLOURS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777")


def _labels(tokens: tuple[str, ...]) -> list[str]:
    """Unique axis labels: Plotly merges equal category labels, so each token gets its position."""
    return [f"{i}:{show_piece(t)}" for i, t in enumerate(tokens)]


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title=title, template="plotly_white", height=height, margin=dict(l=60, r=20, t=70, b=60))
    return fig


# --------------------------------------------------------------------------- neighbours


def neighbors_bar(r: NeighborsResult) -> go.Figure:
    """Horizontal bars of cosine similarity, one panel per query vector, best at the top."""
    n = len(r.groups)
    cols = min(n, 2)  # token labels sit left of each panel: more columns would overlap them
    rows = math.ceil(n / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[show_piece(g.label) for g in r.groups],
                        horizontal_spacing=0.3, vertical_spacing=min(0.2, 0.6 / rows))
    for i, g in enumerate(r.groups):
        nb = list(reversed(g.neighbors))
        fig.add_bar(x=[x.similarity for x in nb], y=[f"{show_piece(x.text)} ({x.token_id})" for x in nb],
                    orientation="h", marker_color=GROUP_COLOURS[i % len(GROUP_COLOURS)], showlegend=False,
                    hovertemplate="%{y}<br>cosine %{x:.4f}<extra></extra>", row=i // cols + 1, col=i % cols + 1)
    fig.update_xaxes(title_text="cosine similarity")
    k = max((len(g.neighbors) for g in r.groups), default=1)
    space = "input embedding (embed_tokens)" if r.space == "input" else "output embedding (lm_head)"
    return _layout(fig, f"Nearest tokens to '{r.query}' in the {space}", max(320, rows * (80 + 22 * k)))


def neighbors_scatter(r: NeighborsResult) -> go.Figure:
    """The query vectors (stars) and their neighbours (dots) on the first two principal axes."""
    fig = go.Figure()
    for g, group in enumerate(r.groups):
        colour = GROUP_COLOURS[g % len(GROUP_COLOURS)]
        pts = [p for p in r.points if p.group == g]
        for is_query in (False, True):
            sel = [p for p in pts if p.is_query == is_query]
            fig.add_scatter(
                x=[p.x for p in sel], y=[p.y for p in sel], text=[show_piece(p.label) for p in sel],
                mode="markers+text", textposition="top center",
                name=("query " if is_query else "") + show_piece(group.label),
                marker=dict(color=colour, size=16 if is_query else 9, symbol="star" if is_query else "circle",
                            line=dict(width=1, color="#111827") if is_query else None),
                hovertemplate="%{text}<extra></extra>", legendgroup=str(g), showlegend=is_query)
    a, b = r.explained_variance
    fig.update_xaxes(title_text=f"PC1 ({a:.0%} of variance)")
    fig.update_yaxes(title_text=f"PC2 ({b:.0%} of variance)")
    return _layout(fig, "PCA of the unit-length vectors (2D)", 480)


# --------------------------------------------------------------------------- layers


def norms_heatmap(s: LayerStats) -> go.Figure:
    """L2 norm of every hidden state: layers (0 = embeddings) down, tokens across."""
    # Colour on a log scale: a few tokens (often the first) carry norms 100x the others
    # ("massive activations"), which would flatten every other cell to one colour.
    logz = [[math.log10(max(v, 1e-6)) for v in row] for row in s.norms]
    lo = math.floor(min(min(r) for r in logz))
    hi = math.ceil(max(max(r) for r in logz))
    ticks = list(range(lo, hi + 1))
    fig = go.Figure(go.Heatmap(z=logz, customdata=s.norms, x=_labels(s.tokens), y=list(range(len(s.norms))),
                               colorscale="Viridis",
                               colorbar=dict(title="‖h‖", tickvals=ticks, ticktext=[f"{10 ** t:g}" for t in ticks]),
                               hovertemplate="layer %{y}<br>token %{x}<br>norm %{customdata:.2f}<extra></extra>"))
    fig.update_yaxes(title_text="layer (0 = embedding output)", autorange="reversed")
    fig.update_xaxes(title_text="token")
    note = "; last row: after the final norm" if s.last_is_normed else ""
    return _layout(fig, f"L2 norm of the hidden state per layer and token (log colour scale{note})", 520)


# One trace per token: past this many a browser slows down and the legend is unreadable.
MAX_LINES = 64


def norms_lines(s: LayerStats) -> go.Figure:
    """One line per token (the last MAX_LINES tokens): how its hidden state's norm changes through the layers."""
    fig = go.Figure()
    layers = list(range(len(s.norms)))
    labels = _labels(s.tokens)
    first = max(0, len(labels) - MAX_LINES)
    for t in range(first, len(labels)):
        fig.add_scatter(x=layers, y=[row[t] for row in s.norms], mode="lines", name=labels[t],
                        hovertemplate=f"{labels[t]}<br>layer %{{x}}<br>norm %{{y:.2f}}<extra></extra>")
    fig.update_xaxes(title_text="layer (0 = embedding output)")
    fig.update_yaxes(title_text="L2 norm", type="log")
    shown = f" (the last {MAX_LINES} tokens)" if first else ""
    return _layout(fig, f"Norm of each token's hidden state across layers{shown}", 440)


def next_cosine_heatmap(s: LayerStats) -> go.Figure:
    """cos(h_l, h_{l+1}) per token, with the mean over tokens as a line below."""
    fig = make_subplots(rows=2, cols=1, row_heights=[0.7, 0.3], vertical_spacing=0.12, shared_xaxes=False)
    ys = [f"{l}→{l + 1}" for l in range(len(s.next_cosine))]
    fig.add_trace(go.Heatmap(z=s.next_cosine, x=_labels(s.tokens), y=ys, colorscale="RdBu", zmid=0, zmin=-1, zmax=1,
                             colorbar=dict(title="cos", len=0.65, y=0.68),
                             hovertemplate="layers %{y}<br>token %{x}<br>cos %{z:.3f}<extra></extra>"), row=1, col=1)
    fig.add_scatter(x=ys, y=s.mean_next_cosine, mode="lines+markers", marker_color=BLUE, showlegend=False,
                    hovertemplate="layers %{x}<br>mean cos %{y:.3f}<extra></extra>", row=2, col=1)
    fig.update_yaxes(autorange="reversed", title_text="layer → next", row=1, col=1)
    fig.update_yaxes(title_text="mean cos", row=2, col=1)
    return _layout(fig, "Cosine similarity of each layer's hidden state to the next", 640)


def lens_heatmap(g: LensGrid) -> go.Figure:
    """Logit lens: the top token of every layer at every position, coloured by its probability."""
    x = [f"{p}:{show_piece(g.tokens[p])}" for p in g.positions]
    text = [[show_piece(t) for t in row] for row in g.top_texts]
    fig = go.Figure(go.Heatmap(
        z=g.top_probs, x=x, y=list(range(len(g.top_probs))), text=text, texttemplate="%{text}",
        textfont=dict(size=9), colorscale="Blues", zmin=0, zmax=1, colorbar=dict(title="p(top)"),
        hovertemplate="layer %{y}<br>after %{x}<br>top %{text}<br>p %{z:.3f}<extra></extra>"))
    fig.update_yaxes(title_text="layer (0 = embedding output)", autorange="reversed")
    fig.update_xaxes(title_text="position (the prediction is for the next token)")
    return _layout(fig, "Logit lens: each layer's top next-token guess (final norm + LM head)",
                   max(520, 18 * len(g.top_probs) + 140))


def lens_rank_chart(at: LensAtPosition) -> go.Figure:
    """Rank (log scale) and probability of the tracked token through the layers at one position."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    layers = [x.layer for x in at.layers]
    tops = [show_piece(x.top[0][1]) if x.top else "" for x in at.layers]
    fig.add_scatter(x=layers, y=[x.target_rank for x in at.layers], mode="lines+markers", name="rank",
                    marker_color=BLUE, customdata=tops,
                    hovertemplate="layer %{x}<br>rank %{y}<br>top: %{customdata}<extra></extra>")
    fig.add_scatter(x=layers, y=[x.target_prob for x in at.layers], mode="lines", name="probability",
                    line=dict(color=ORANGE, dash="dot"), secondary_y=True,
                    hovertemplate="layer %{x}<br>p %{y:.4f}<extra></extra>")
    fig.update_yaxes(title_text="rank (1 = top)", type="log", autorange="reversed", secondary_y=False)
    fig.update_yaxes(title_text="probability", range=[0, 1], secondary_y=True)
    fig.update_xaxes(title_text="layer (0 = embedding output)")
    return _layout(fig, f"Rank of '{show_piece(at.target_text)}' after '{show_piece(at.token)}' "
                        f"(position {at.position}) across layers", 420)


# --------------------------------------------------------------------------- attention


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
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.02,
                        vertical_spacing=0.06 if rows < 8 else 0.02)
    labels = _labels(v.tokens)
    for n, h in enumerate(order):
        fig.add_trace(go.Heatmap(z=v.per_head[h], x=labels, y=labels, colorscale="Viridis", zmin=0, zmax=1,
                                 showscale=n == 0, coloraxis=None,
                                 hovertemplate=f"head {h}<br>query %{{y}}<br>key %{{x}}<br>weight %{{z:.3f}}"
                                               "<extra></extra>"),
                      row=n // cols + 1, col=n % cols + 1)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, autorange="reversed")
    return _layout(fig, f"Layer {v.layer}: every head (rows share a key/value head)", max(420, 230 * rows))


def attention_selected(v: AttentionView) -> go.Figure:
    """The selected head, key/value group or the mean over heads: query rows, key columns."""
    labels = _labels(v.tokens)
    fig = go.Figure(go.Heatmap(z=v.selected, x=labels, y=labels, colorscale="Viridis", zmin=0,
                               colorbar=dict(title="weight"),
                               hovertemplate="query %{y}<br>key %{x}<br>weight %{z:.3f}<extra></extra>"))
    fig.update_yaxes(title_text="query (attending) token", autorange="reversed")
    fig.update_xaxes(title_text="key (attended) token")
    what = "mean over all heads" if v.head == "mean" else v.head if v.head.startswith("head") else \
        f"{v.head}: mean over heads {', '.join(map(str, v.heads))}"
    size = min(900, max(480, 14 * len(labels) + 200))
    return _layout(fig, f"Layer {v.layer}, {what}", size)


def first_token_heatmap(v: AttentionView) -> go.Figure:
    """Layers x heads: the mean weight queries put on the first token (an 'attention sink')."""
    fig = go.Figure(go.Heatmap(z=v.first_token_share, x=[f"h{h}" for h in range(v.n_heads)],
                               y=list(range(v.n_layers)), colorscale="Oranges", zmin=0, zmax=1,
                               colorbar=dict(title="share"),
                               hovertemplate="layer %{y}, %{x}<br>weight on token 0: %{z:.3f}<extra></extra>"))
    fig.update_yaxes(title_text="layer", autorange="reversed")
    fig.update_xaxes(title_text="head")
    return _layout(fig, "Share of attention on the first token, per layer and head", 460)
