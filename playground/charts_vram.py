"""Plotly figure for the VRAM calculator: a stacked bar per GPU against the device's usable memory,
and a bar for the CPU RAM (loading, offload). Pure: a VramEstimate and the words to show in, a figure out
(the words, in the page's language, come from playground.words.vram_page.chart_labels). GB = 1e9 bytes."""

from __future__ import annotations

import plotly.graph_objects as go

from playground.core.hardware import GB, human
from playground.core.vram import VramEstimate

PARTS = (  # (Breakdown field, colour), bottom to top
    ("weights", "#1f77b4"),
    ("gradients", "#ff7f0e"),
    ("optimizer", "#2ca02c"),
    ("activations", "#d62728"),
    ("logits", "#9467bd"),
    ("kv_cache", "#8c564b"),
    ("overhead", "#7f7f7f"),
)
MAX_BARS = 8  # GPUs beyond this look the same: one bar stands for them


def vram_chart(est: VramEstimate, labels: dict[str, str]) -> go.Figure:
    """Stacked bars (GB) per GPU plus a CPU RAM bar, a dashed line at the usable memory per device.

    Built as a plain figure dict without Plotly's per-property validation (~10x faster; the endpoint
    has a 20 ms budget); tests check that the same dict validates.
    """
    return go.Figure(figure_dict(est, labels), _validate=False)


def figure_dict(est: VramEstimate, labels: dict[str, str]) -> dict:
    """`labels`: one word per PARTS field, "loading", "offload", "cpu", "usable" and "title"."""
    n = est.inputs.n_gpus
    gpus = [f"GPU {k + 1}" for k in range(min(n, MAX_BARS))]
    if n > MAX_BARS:
        gpus[-1] = f"GPU {MAX_BARS}-{n}"
    cpu = labels["cpu"]
    per = est.per_gpu.as_dict()
    data: list[dict] = []
    for key, colour in PARTS:
        v = per[key]
        if v == 0:
            continue
        data.append(
            {
                "type": "bar",
                "name": labels[key],
                "x": gpus,
                "y": [v / GB] * len(gpus),
                "marker": {"color": colour},
                "hovertemplate": f"%{{x}}: {human(v)}<extra>{labels[key]}</extra>",
            }
        )
    for value, key, colour in (
        (est.cpu_ram_loading, "loading", "#bcbd22"),
        (est.cpu_ram_offload, "offload", "#17becf"),
    ):
        if value:
            data.append(
                {
                    "type": "bar",
                    "name": labels[key],
                    "x": [cpu],
                    "y": [value / GB],
                    "marker": {"color": colour},
                    "hovertemplate": f"{human(value)}<extra>{labels[key]}</extra>",
                }
            )
    usable = est.usable / GB
    layout = {
        # The right margin holds the "usable" label beside the plot, where no bar can run into it.
        "barmode": "stack",
        "height": 420,
        "margin": {"l": 50, "r": 110, "t": 40, "b": 40},
        "title": {"text": labels["title"]},
        "yaxis": {"title": {"text": "GB"}},
        "xaxis": {"categoryorder": "array", "categoryarray": [*gpus, cpu]},
        "legend": {"orientation": "h", "y": -0.15},
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "x0": -0.5,
                "x1": len(gpus) - 0.5,
                "y0": usable,
                "y1": usable,
                "line": {"color": "black", "dash": "dash", "width": 2},
            }
        ],
        "annotations": [
            {
                "xref": "paper",
                "x": 1.0,
                "xanchor": "left",
                "xshift": 6,
                "y": usable,
                "yref": "y",
                "yanchor": "middle",
                "align": "left",
                "showarrow": False,
                "text": f"{labels['usable']}<br>{human(est.usable).replace(' (', '<br>(')}",
            }
        ],
    }
    return {"data": data, "layout": layout}
