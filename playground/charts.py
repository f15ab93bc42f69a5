"""Pure Plotly builders for the Tokenizer and Next Token tabs: core dataclasses in, figures out.

No gradio, no torch. Other tabs keep their builders in playground/charts_<area>.py.
"""

from __future__ import annotations

import plotly.graph_objects as go

from playground.core.next_token import SamplingView
from playground.core.tokens import show_piece

# Ten soft colours that stay readable under dark text, cycled over tokens.
PALETTE = ("#fde68a", "#bbf7d0", "#bfdbfe", "#fbcfe8", "#ddd6fe", "#fed7aa", "#a5f3fc", "#d9f99d", "#fecaca", "#e5e7eb")

BLUE, ORANGE, GREY = "#2563eb", "#ea580c", "#9ca3af"


def next_token_chart(view: SamplingView, title: str = "") -> go.Figure:
    """Bars for the most likely tokens: temperature-1 probability faintly behind, the tempered one,
    greyed out where top-k/top-p removed the token, and the renormalized probability of the rest."""
    labels = [f"{show_piece(c.text)}<br><sub>{c.id}</sub>" for c in view.candidates]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[c.prob for c in view.candidates], name="temperature 1",
                marker_color="rgba(37,99,235,0.18)", offsetgroup=0,
                hovertemplate="%{x}<br>p(T=1) = %{y:.4f}<extra></extra>")
    fig.add_bar(x=labels, y=[c.tempered for c in view.candidates], name=f"temperature {view.temperature:g}",
                marker_color=[BLUE if c.kept else GREY for c in view.candidates], offsetgroup=1,
                hovertemplate="%{x}<br>p(T) = %{y:.4f}<extra></extra>")
    fig.add_bar(x=labels, y=[c.final for c in view.candidates], name="after top-k / top-p (renormalized)",
                marker_color=ORANGE, offsetgroup=2,
                hovertemplate="%{x}<br>sampled with p = %{y:.4f}<extra></extra>")
    fig.update_layout(
        title=title or (f"Next-token candidates: entropy {view.entropy_bits:.2f} bits at T=1, "
                        f"{view.kept_count:,} token(s) may be sampled"),
        barmode="group", bargap=0.15, yaxis_title="probability", yaxis_range=[0, 1.02],
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        margin=dict(l=50, r=20, t=80, b=60), height=420, template="plotly_white",
    )
    return fig
