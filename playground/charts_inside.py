"""The charts of the three tabs that look inside the model, under one name for the tabs that import them.

The builders live by tab: playground/charts_neighbors.py (Embedding Neighbors), playground/charts_layers.py
(Layer Representations: norms, cosines, the logit lens) and playground/charts_attention.py (Attention), over
the shared look in playground/charts.py. This module only names them; it builds nothing itself.
"""

from __future__ import annotations

from playground.charts_attention import attention_heads, attention_selected, first_token_heatmap
from playground.charts_layers import (
    LENS_SCALE,
    LENS_TEXT_POSITIONS,
    MAX_LINES,
    lens_heatmap,
    lens_rank_chart,
    next_cosine_heatmap,
    norms_heatmap,
    norms_lines,
)
from playground.charts_neighbors import GROUP_COLOURS, neighbors_bar, neighbors_scatter

__all__ = [
    "GROUP_COLOURS",
    "LENS_SCALE",
    "LENS_TEXT_POSITIONS",
    "MAX_LINES",
    "attention_heads",
    "attention_selected",
    "first_token_heatmap",
    "lens_heatmap",
    "lens_rank_chart",
    "neighbors_bar",
    "neighbors_scatter",
    "next_cosine_heatmap",
    "norms_heatmap",
    "norms_lines",
]
