"""Pure Plotly builders for the Architecture tab: ModelShape and worded labels in, figures out. No gradio, no torch.

The words (titles, hover text, group names) come from the caller in the page's language
(playground.words.architecture.treemap_words / compare_chart_words).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from playground.core.architecture import GROUPS, ModelShape, group_totals, param_tree
from playground.words.architecture import short_count

# One colour per group, reused by the treemap and the comparison bars.
GROUP_COLORS = {
    "embeddings": "#f59e0b",
    "attention": "#2563eb",
    "mlp": "#16a34a",
    "norms": "#9ca3af",
    "lm_head": "#dc2626",
    "other": "#7c3aed",
    "layers": "#e5e7eb",
    "final norm": "#9ca3af",
}


def _color(node_id: str, root: str) -> str:
    """Colour a box by the group it belongs to: 'root/layers/layer 3/mlp/up' -> the MLP colour."""
    parts = node_id[len(root) + 1 :].split("/") if node_id != root else []
    for part in reversed(parts):
        if part in GROUP_COLORS:
            return GROUP_COLORS[part]
    return "#ffffff"


def treemap(shape: ModelShape, words: dict[str, str], max_depth: int = 4) -> go.Figure:
    """Where the parameters live: embeddings, each layer's attention / MLP / norms, lm_head.

    Click a box to zoom into it (a layer shows its q, k, v, o, gate, up, down); `max_depth` levels
    (model, layers, layer i, attention/MLP/norms) are drawn at a time so an 80-layer model stays readable.
    `words`: {"title", "hover"} (words.architecture.treemap_words).
    """
    nodes = param_tree(shape)
    root = nodes[0].id
    fig = go.Figure(
        go.Treemap(
            ids=[n.id for n in nodes],
            parents=[n.parent for n in nodes],
            labels=[n.label for n in nodes],
            values=[n.count for n in nodes],
            branchvalues="total",
            maxdepth=max_depth,
            marker=dict(colors=[_color(n.id, root) for n in nodes], line=dict(width=1, color="#ffffff")),
            customdata=[short_count(n.count) for n in nodes],
            texttemplate="<b>%{label}</b><br>%{customdata}<br>%{percentRoot:.1%}",
            hovertemplate=words["hover"],
        )
    )
    fig.update_layout(title=words["title"], margin=dict(l=10, r=10, t=50, b=10), height=520, template="plotly_white")
    return fig


def compare_chart(a: ModelShape, b: ModelShape, words: dict[str, Any]) -> go.Figure:
    """Parameters per group of two models, side by side (absolute counts; hover shows the share).
    `words`: {"title", "parameters", "groups": {group: name}} (words.architecture.compare_chart_words)."""
    fig = go.Figure()
    present = {t.group for s in (a, b) for t in group_totals(s)}
    groups = [g for g in GROUPS if g in present]
    for shape, pattern in ((a, ""), (b, "/")):
        totals = {g.group: g for g in group_totals(shape)}
        fig.add_bar(
            x=[words["groups"].get(g, g) for g in groups],
            y=[totals[g].count if g in totals else 0 for g in groups],
            name=shape.name,
            marker=dict(color=[GROUP_COLORS[g] for g in groups], pattern_shape=pattern),
            customdata=[totals[g].share if g in totals else 0 for g in groups],
            hovertemplate=(
                f"{shape.name}<br>%{{x}}: %{{y:,}} {words['parameters']} (%{{customdata:.1%}})<extra></extra>"
            ),
        )
    fig.update_layout(
        title=words["title"],
        barmode="group",
        yaxis_title=words["parameters"],
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        margin=dict(l=60, r=20, t=80, b=40),
        height=400,
        template="plotly_white",
    )
    return fig
