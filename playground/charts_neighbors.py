"""Pure Plotly builders for the Embedding Neighbors tab: similarity bars and the PCA scatter.

Core dataclasses (core.neighbors) in, figures out, worded in the language passed in (`lang`; the words are
registered in playground/words/neighbors.py). The scatter places its labels itself (Plotly has no collision
handling). No gradio, no torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.charts import titled_layout
from playground.core.neighbors import NeighborsResult
from playground.core.tokens import show_piece
from playground.i18n import t
from playground.words.neighbors import group_labels

# One colour per query vector in the PCA scatter (cycled).
GROUP_COLOURS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#a16207", "#db2777")


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
    return titled_layout(fig, t("neighbors.bar_title", lang, query=r.query), height, t(f"neighbors.in_{r.space}", lang))


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
    fig = titled_layout(fig, t("neighbors.pca_title", lang), 500, t("neighbors.pca_note", lang))
    # The legend under the plot: above it, two rows on a phone ran into the title.
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.16, yanchor="top"))
    return fig
