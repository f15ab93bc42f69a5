"""Pure Plotly builders for the Generation Tree and the commitment strip: core dataclasses in, figures out.

The tree is drawn with the token's position in the reply along x and one lane per branch along y: a node sits
on the lane of the branch that produced it first, so a fork steps down to its own lane where it leaves its
parent, and samples that agree share the first lane until they part. Words come from playground.words.tree
in the language passed in. No gradio, no torch.

Not here: the HTML strip (playground.render_tree).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from playground.charts import titled_layout
from playground.core.commitment import Commitment
from playground.core.tokens import show_piece
from playground.core.tree import Tree
from playground.i18n import t
from playground.render import BLUE, GREY
from playground.words import tree as _words  # noqa: F401 - registers the charts' strings

PROB_SCALE = "Viridis"  # colour = probability, 0 (dark) .. 1 (yellow)


def tree_figure(tree: Tree, shown: int | None = None, lang: str = "en") -> go.Figure:
    """The tree: markers coloured by probability, token texts beside them, the shown branch's path thick."""
    fig = go.Figure()
    on_path = set(tree.branches[shown].path) if shown is not None and shown < len(tree.branches) else set()
    lane = {b.id: -k for k, b in enumerate(tree.branches)}  # branch 0 on top
    for path_only in (False, True):  # thin edges of every node first, then the shown path over them
        xs: list[float | None] = []
        ys: list[float | None] = []
        for n in tree.nodes:
            if (n.id in on_path) != path_only:
                continue
            if n.parent is None:
                px, py = -1.0, 0.0  # the prompt
            else:
                p = tree.nodes[n.parent]
                px, py = float(p.depth), float(lane[p.branch])
            xs += [px, float(n.depth), None]
            ys += [py, float(lane[n.branch]), None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line=dict(color=BLUE if path_only else GREY, width=4 if path_only else 1.5),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    hover = [
        t(
            "tree.hover",
            lang,
            id=n.id,
            branch=n.branch,
            p=f"{n.prob:.1%}",
            alts=", ".join(f"{show_piece(s)!r} {p:.0%}" for _, s, p in n.alternatives),
        )
        for n in tree.nodes
    ]
    fig.add_trace(
        go.Scatter(
            x=[n.depth for n in tree.nodes],
            y=[lane[n.branch] for n in tree.nodes],
            mode="markers+text",
            text=[show_piece(n.text) for n in tree.nodes],
            textposition="top center",
            textfont=dict(size=11),
            customdata=[n.id for n in tree.nodes],
            hovertext=hover,
            hoverinfo="text",
            marker=dict(
                size=[14 if n.id in on_path else 9 for n in tree.nodes],
                color=[n.prob for n in tree.nodes],
                colorscale=PROB_SCALE,
                cmin=0,
                cmax=1,
                line=dict(width=[2 if n.id in on_path else 0 for n in tree.nodes], color=BLUE),
                colorbar=dict(title=t("tree.prob", lang), thickness=12, len=0.8),
            ),
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[-1],
            y=[0],
            mode="markers+text",
            text=["▶"],
            textposition="middle left",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    depth = max((n.depth for n in tree.nodes), default=0)
    titled_layout(fig, t("tree.chart_title", lang), height=max(260, 90 + 70 * len(tree.branches)))
    fig.update_xaxes(title=t("tree.x", lang), range=[-1.5, depth + 0.8], zeroline=False)
    fig.update_yaxes(
        title=t("tree.y", lang),
        tickvals=[lane[b.id] for b in tree.branches],
        ticktext=[str(b.id) for b in tree.branches],
        range=[-len(tree.branches) + 0.4, 0.6],
        zeroline=False,
    )
    return fig


def commitment_heatmap(c: Commitment, lang: str = "en") -> go.Figure:
    """Positions (x) by layers (y): log10 rank of each position's predicted token; hover adds entropy."""
    labels = [f"{p}:{show_piece(s)}" for p, s in zip(c.positions, c.predicted)]
    z = [[math.log10(c.ranks[k][layer]) for k in range(len(c.positions))] for layer in range(c.n_layers + 1)]
    hover = [
        [
            t(
                "commit.hover",
                lang,
                token=repr(show_piece(c.tokens[pos])),
                pred=repr(show_piece(c.predicted[k])),
                layer=layer,
                rank=c.ranks[k][layer],
                p=f"{c.probs[k][layer]:.1%}",
                h=f"{c.entropy_bits[k][layer]:.2f}",
            )
            for k, pos in enumerate(c.positions)
        ]
        for layer in range(c.n_layers + 1)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=list(range(c.n_layers + 1)),
            colorscale="Viridis_r",
            zmin=0,
            zmax=max(1.0, max(max(row) for row in z)),
            hovertext=hover,
            hoverinfo="text",
            colorbar=dict(title="log10 rank", thickness=12),
        )
    )
    titled_layout(fig, t("commit.heat_title", lang), height=420)
    fig.update_xaxes(title=t("commit.position", lang), tickangle=-45)
    fig.update_yaxes(title=t("commit.layer", lang))
    return fig
