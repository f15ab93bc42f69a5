"""Plotly figure for the VRAM calculator: a stacked bar per GPU against the device's usable memory,
and a bar for the CPU RAM (loading, offload). Pure: a VramEstimate in, a figure out. GB = 1e9 bytes."""

from __future__ import annotations

import plotly.graph_objects as go

from playground.core.hardware import GB, GiB
from playground.core.vram import VramEstimate

PARTS = (  # (field, English label, colour)
    ("weights", "weights", "#1f77b4"),
    ("gradients", "gradients", "#ff7f0e"),
    ("optimizer", "optimizer states", "#2ca02c"),
    ("activations", "activations", "#d62728"),
    ("logits", "logits", "#9467bd"),
    ("kv_cache", "KV cache", "#8c564b"),
    ("overhead", "runtime overhead", "#7f7f7f"),
)
MAX_BARS = 8  # GPUs beyond this look the same: one bar stands for them


def vram_chart(est: VramEstimate, labels: dict[str, str] | None = None) -> go.Figure:
    labels = labels or {}
    n = est.inputs.n_gpus
    gpus = [f"GPU {k + 1}" for k in range(min(n, MAX_BARS))]
    if n > MAX_BARS:
        gpus[-1] = f"GPU {MAX_BARS}-{n}"
    cpu = labels.get("cpu", "CPU RAM")
    x = gpus + [cpu]
    per = est.per_gpu.as_dict()
    fig = go.Figure()
    for key, name, colour in PARTS:
        v = per[key]
        if v == 0:
            continue
        fig.add_bar(name=labels.get(key, name), x=gpus, y=[v / GB] * len(gpus), marker_color=colour,
                    hovertemplate=f"%{{x}}: %{{y:.2f}} GB ({v / GiB:.2f} GiB)<extra>{labels.get(key, name)}</extra>")
    for value, name, colour in ((est.cpu_ram_loading, labels.get("loading", "loading (checkpoint)"), "#bcbd22"),
                                (est.cpu_ram_offload, labels.get("offload", "offloaded states"), "#17becf")):
        if value:
            fig.add_bar(name=name, x=[cpu], y=[value / GB], marker_color=colour,
                        hovertemplate=f"%{{y:.2f}} GB ({value / GiB:.2f} GiB)<extra>{name}</extra>")
    usable = est.usable / GB
    fig.add_shape(type="line", xref="x", x0=-0.5, x1=len(gpus) - 0.5, y0=usable, y1=usable,
                  line=dict(color="black", dash="dash", width=2))
    fig.add_annotation(x=len(gpus) - 0.5, y=usable, xanchor="right", yanchor="bottom", showarrow=False,
                       text=f"{labels.get('usable', 'usable')}: {usable:.1f} GB ({est.usable / GiB:.1f} GiB)")
    fig.update_layout(barmode="stack", height=420, margin=dict(l=50, r=20, t=40, b=40),
                      title=labels.get("title", f"Memory per device, GB (1 GB = 1e9 bytes): "
                                                f"{est.per_gpu.total / GB:.2f} GB per GPU"),
                      yaxis_title="GB", legend=dict(orientation="h", y=-0.15))
    return fig
