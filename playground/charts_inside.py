"""Pure Plotly builders for the Embedding Neighbors, Layer Representations and Attention tabs.

Core dataclasses in, figures out, worded in the language passed in (`lang`; the words are registered in
playground/words/). No gradio, no torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.core.attention import AttentionView
from playground.core.layers import LayerStats, LensAtPosition, LensGrid
from playground.core.neighbors import NeighborsResult
from playground.core.tokens import show_piece
from playground.i18n import t
from playground.render import BLUE, ORANGE
from playground.words.layers import layer_axis
from playground.words.neighbors import group_labels

# One colour per query vector in the PCA scatter (cycled).
GROUP_COLOURS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#a16207", "#db2777")


def _labels(tokens: tuple[str, ...]) -> list[str]:
    """Unique axis labels: Plotly merges equal category labels, so each token gets its position."""
    return [f"{i}:{show_piece(t)}" for i, t in enumerate(tokens)]


def _layout(fig: go.Figure, title: str, height: int, note: str = "") -> go.Figure:
    """The common look. `note` goes on a smaller second title line: Plotly does not wrap a title, and one
    long line runs off a phone's 390-pixel screen."""
    text = f"{title}<br><sup>{note}</sup>" if note else title
    fig.update_layout(
        title=text, template="plotly_white", height=height, margin=dict(l=60, r=20, t=85 if note else 70, b=60)
    )
    return fig


# --------------------------------------------------------------------------- neighbours


def neighbors_bar(r: NeighborsResult, lang: str = "en") -> go.Figure:
    """Horizontal bars of cosine similarity, one panel per query vector (stacked), best at the top.

    One column: token labels sit left of each panel, and side by side they ran over the next panel's
    bars on a phone. The panels share the similarity axis, so lengths compare across queries.
    """
    n = len(r.groups)
    k = max((len(g.neighbors) for g in r.groups), default=1)
    height = 110 + n * (50 + 20 * k)  # pixels: 20 per bar, 50 per panel title and gap, 110 for the rest
    fig = make_subplots(
        rows=n, cols=1, subplot_titles=group_labels(r, lang), shared_xaxes=True, vertical_spacing=min(0.3, 45 / height)
    )
    for i, g in enumerate(r.groups):
        nb = list(reversed(g.neighbors))
        fig.add_bar(
            x=[x.similarity for x in nb],
            y=[f"{show_piece(x.text)} ({x.token_id})" for x in nb],
            orientation="h",
            marker_color=GROUP_COLOURS[i % len(GROUP_COLOURS)],
            showlegend=False,
            hovertemplate="%{y}<br>cosine %{x:.4f}<extra></extra>",
            row=i + 1,
            col=1,
        )
    fig.update_xaxes(title_text=t("neighbors.cosine_axis", lang), row=n, col=1)
    fig.update_xaxes(showticklabels=True)
    return _layout(fig, t("neighbors.bar_title", lang, query=r.query), height, t(f"neighbors.in_{r.space}", lang))


# Labels a PCA point may take, tried in this order; (dx, dy) in label heights/widths from the point.
_PLACES = (
    ("top center", 0.0, 1.0),
    ("bottom center", 0.0, -1.0),
    ("middle right", 0.6, 0.0),
    ("middle left", -0.6, 0.0),
    ("top right", 0.6, 1.0),
    ("bottom left", -0.6, -1.0),
)


def _label_width(text: str) -> float:
    """Rough width of a label in pixels at font size 12: CJK characters are about twice as wide."""
    return sum(12.0 if ord(c) > 0x2E80 else 7.0 for c in text) + 4


def _place_labels(
    xs: list[float],
    ys: list[float],
    texts: list[str],
    span: tuple[float, float],
    markers: Sequence[tuple[float, float]] = (),
    size: tuple[float, float] = (480.0, 330.0),
) -> list[str]:
    """A textposition for each label, greedily avoiding labels already placed and the `markers` (Plotly has
    no collision handling). Boxes are estimated in pixels of a `size` plot area over the padded axis
    ranges; a label that fits nowhere goes on top."""
    sx, sy = size[0] / ((span[0] or 1.0) * 1.3), size[1] / ((span[1] or 1.0) * 1.3)  # 15% padding each side
    taken = [(mx * sx - 6, my * sy - 6, mx * sx + 6, my * sy + 6) for mx, my in markers]
    out = []
    for x, y, text in zip(xs, ys, texts):
        w, h = _label_width(text), 16.0
        px, py = x * sx, y * sy
        own = (px - 6, py - 6, px + 6, py + 6)
        choice = _PLACES[0][0]
        for name, dx, dy in _PLACES:
            cx, cy = px + dx * (w / 2 + 8), py + dy * (h / 2 + 8)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken if b != own):
                choice = name
                taken.append(box)
                break
        out.append(choice)
    return out


def neighbors_scatter(r: NeighborsResult, lang: str = "en") -> go.Figure:
    """The query vectors (stars) and their neighbours (dots) on the first two principal axes.

    One colour per query vector. Only the queries and the nearest few neighbours of each carry a label
    (more labels pile up into an unreadable clump); every point names itself on hover.
    """
    fig = go.Figure()
    n_groups = max(len(r.groups), 1)
    labelled = max(1, min(5, 8 // n_groups))  # nearest neighbours labelled per query: 5 for one query, 1 for 8+
    xs_all, ys_all = [p.x for p in r.points], [p.y for p in r.points]
    span = (max(xs_all, default=0) - min(xs_all, default=0), max(ys_all, default=0) - min(ys_all, default=0))
    # Label order: queries first, then each group's nearest, so the important labels get the free places.
    label_pts = [p for p in r.points if p.is_query]
    for g in range(len(r.groups)):
        label_pts += [p for p in r.points if p.group == g and not p.is_query][:labelled]
    places = dict(
        zip(
            map(id, label_pts),
            _place_labels(
                [p.x for p in label_pts],
                [p.y for p in label_pts],
                [show_piece(p.label) for p in label_pts],
                span,
                [(p.x, p.y) for p in r.points],
            ),
        )
    )
    names = group_labels(r, lang)
    for g, group in enumerate(r.groups):
        colour = GROUP_COLOURS[g % len(GROUP_COLOURS)]
        query = names[g]
        near = [p for p in r.points if p.group == g and not p.is_query]  # in neighbour order, nearest first
        sims = [n.similarity for n in group.neighbors]
        fig.add_scatter(
            x=[p.x for p in near],
            y=[p.y for p in near],
            text=[show_piece(p.label) if i < labelled else "" for i, p in enumerate(near)],
            textposition=[places.get(id(p), "top center") for p in near],
            customdata=[
                [show_piece(p.label), i + 1, sims[i] if i < len(sims) else float("nan")] for i, p in enumerate(near)
            ],
            mode="markers+text",
            textfont=dict(size=12, color=colour),
            name=query,
            legendgroup=str(g),
            showlegend=False,
            marker=dict(color=colour, size=9, opacity=0.8),
            hovertemplate=f"%{{customdata[0]}}<br>neighbour %{{customdata[1]}} of {query}"
            "<br>cosine %{customdata[2]:.3f}<extra></extra>",
        )
        q = [p for p in r.points if p.group == g and p.is_query]
        fig.add_scatter(
            x=[p.x for p in q],
            y=[p.y for p in q],
            text=[query] * len(q),
            textposition=[places.get(id(p), "top center") for p in q],
            mode="markers+text",
            textfont=dict(size=13, color="#111827"),
            name=t("neighbors.query", lang, label=query),
            legendgroup=str(g),
            marker=dict(color=colour, size=18, symbol="star", line=dict(width=1, color="#111827")),
            hovertemplate="query %{text}<extra></extra>",
        )
    a, b = r.explained_variance
    # Room around the points for their labels; a degenerate PCA (under 3 points) gets a unit square.
    for axis, values, extent in (("x", xs_all, span[0]), ("y", ys_all, span[1])):
        pad = 0.15 * extent if extent > 1e-9 else 1.0
        rng = [min(values, default=0) - pad, max(values, default=0) + pad]
        (fig.update_xaxes if axis == "x" else fig.update_yaxes)(range=rng, zeroline=False)
    fig.update_xaxes(title_text=t("neighbors.pc", lang, i=1, share=f"{a:.0%}"))
    fig.update_yaxes(title_text=t("neighbors.pc", lang, i=2, share=f"{b:.0%}"))
    fig = _layout(fig, t("neighbors.pca_title", lang), 500, t("neighbors.pca_note", lang))
    # The legend under the plot: above it, two rows on a phone ran into the title.
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.16, yanchor="top"))
    return fig


# --------------------------------------------------------------------------- layers


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
            x=_labels(s.tokens),
            y=list(range(len(s.norms))),
            colorscale="Viridis",
            colorbar=dict(title="‖h‖", tickvals=ticks, ticktext=[f"{10**e:g}" for e in ticks]),
            hovertemplate="layer %{y}<br>token %{x}<br>norm %{customdata:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text=layer_axis(lang), autorange="reversed")
    fig.update_xaxes(title_text=t("layers.axis_token", lang))
    note = t("layers.norms_note_normed" if s.last_is_normed else "layers.norms_note", lang)
    return _layout(fig, t("layers.norms_title", lang), 520, note)


# One trace per token: past this many a browser slows down and the legend is unreadable.
MAX_LINES = 64


def norms_lines(s: LayerStats, lang: str = "en") -> go.Figure:
    """One line per token (the last MAX_LINES tokens): how its hidden state's norm changes through the layers."""
    fig = go.Figure()
    layers = list(range(len(s.norms)))
    labels = _labels(s.tokens)
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
    return _layout(fig, t("layers.lines_title", lang), 440, note)


def next_cosine_heatmap(s: LayerStats, lang: str = "en") -> go.Figure:
    """cos(h_l, h_{l+1}) per token, with the mean over tokens as a line below."""
    fig = make_subplots(rows=2, cols=1, row_heights=[0.7, 0.3], vertical_spacing=0.12, shared_xaxes=False)
    ys = [f"{i}→{i + 1}" for i in range(len(s.next_cosine))]
    fig.add_trace(
        go.Heatmap(
            z=s.next_cosine,
            x=_labels(s.tokens),
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
    return _layout(fig, t("layers.cosine_title", lang), 640, t("layers.cosine_note", lang))


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
    fig = _layout(
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
    fig = _layout(
        fig,
        t("layers.rank_title", lang, target=show_piece(at.target_text)),
        440,
        t("layers.rank_note", lang, token=show_piece(at.token), position=at.position),
    )
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"))  # beside the plot it squeezes a phone
    return fig


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
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.02,
        vertical_spacing=0.06 if rows < 8 else 0.02,
    )
    labels = _labels(v.tokens)
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
    return _layout(fig, f"Layer {v.layer}: every head (rows share a key/value head)", max(420, 230 * rows))


def attention_selected(v: AttentionView) -> go.Figure:
    """The selected head, key/value group or the mean over heads: query rows, key columns."""
    labels = _labels(v.tokens)
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
    return _layout(fig, f"Layer {v.layer}, {what}", size)


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
    return _layout(fig, "Share of attention on the first token, per layer and head", 460)
