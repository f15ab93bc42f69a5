"""Pure Plotly builders for the Architecture tab: ModelShape in, figures out. No gradio, no torch."""

from __future__ import annotations

import plotly.graph_objects as go

from playground.core.architecture import GROUPS, ModelShape, breakdown, group_totals

# One colour per group, reused by the treemap and the comparison bars.
GROUP_COLORS = {"embeddings": "#f59e0b", "attention": "#2563eb", "mlp": "#16a34a", "norms": "#9ca3af",
                "lm_head": "#dc2626", "other": "#7c3aed", "layers": "#e5e7eb", "final norm": "#9ca3af"}


# How the comparison chart names the groups (the treemap keeps the module names it shows as boxes).
GROUP_LABELS = {"embeddings": "Embeddings", "attention": "Attention", "mlp": "MLP", "norms": "Norms",
                "lm_head": "lm_head (0 when tied)", "other": "Other"}


def _color(node_id: str, root: str) -> str:
    """Colour a box by the group it belongs to: 'root/layers/layer 3/mlp/up' -> the MLP colour."""
    parts = node_id[len(root) + 1:].split("/") if node_id != root else []
    for part in reversed(parts):
        if part in GROUP_COLORS:
            return GROUP_COLORS[part]
    return "#ffffff"


def _human(n: int) -> str:
    """1777088000 -> '1.78B'; 576 -> '576'."""
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return str(n)


def treemap(shape: ModelShape, max_depth: int = 4) -> go.Figure:
    """Where the parameters live: embeddings, each layer's attention / MLP / norms, lm_head.

    Click a box to zoom into it (a layer shows its q, k, v, o, gate, up, down); `max_depth` levels
    (model, layers, layer i, attention/MLP/norms) are drawn at a time so an 80-layer model stays readable.
    """
    nodes = breakdown(shape)
    root = nodes[0].id
    fig = go.Figure(go.Treemap(
        ids=[n.id for n in nodes], parents=[n.parent for n in nodes], labels=[n.label for n in nodes],
        values=[n.count for n in nodes], branchvalues="total", maxdepth=max_depth,
        marker=dict(colors=[_color(n.id, root) for n in nodes], line=dict(width=1, color="#ffffff")),
        customdata=[_human(n.count) for n in nodes],
        texttemplate="<b>%{label}</b><br>%{customdata}<br>%{percentRoot:.1%}",
        hovertemplate="<b>%{id}</b><br>%{value:,} parameters<br>%{percentRoot:.2%} of the model"
                      "<br>%{percentParent:.2%} of %{parent}<extra></extra>",
    ))
    fig.update_layout(
        title=f"Where the {shape.n_params:,} parameters of {shape.name} live (click a box to zoom)",
        margin=dict(l=10, r=10, t=50, b=10), height=520, template="plotly_white",
    )
    return fig


def compare_chart(a: ModelShape, b: ModelShape) -> go.Figure:
    """Parameters per group of two models, side by side (absolute counts; hover shows the share)."""
    fig = go.Figure()
    for shape, pattern in ((a, ""), (b, "/")):
        totals = {g.group: g for g in group_totals(shape)}
        groups = [g for g in GROUPS if any(g in {t.group for t in group_totals(s)} for s in (a, b))]
        fig.add_bar(
            x=[GROUP_LABELS.get(g, g) for g in groups], y=[totals[g].count if g in totals else 0 for g in groups], name=shape.name,
            marker=dict(color=[GROUP_COLORS[g] for g in groups], pattern_shape=pattern),
            customdata=[totals[g].share if g in totals else 0 for g in groups],
            hovertemplate=f"{shape.name}<br>%{{x}}: %{{y:,}} parameters (%{{customdata:.1%}})<extra></extra>",
        )
    fig.update_layout(
        title=f"{a.name} ({_human(a.n_params)}) vs {b.name} ({_human(b.n_params)}): parameters per group",
        barmode="group", yaxis_title="parameters", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        margin=dict(l=60, r=20, t=80, b=40), height=400, template="plotly_white",
    )
    return fig
