"""Pure Plotly builders for the Tokenizer and Next Token tabs: core dataclasses in, figures out.

No gradio, no torch. Words (titles, legends, hover text) come from playground.i18n in the language
passed in (`lang`); playground/words/next_token.py holds the Next Token chart's. Other tabs keep their
builders in playground/charts_<area>.py; the look that the token-axis charts share (`position_labels`,
`titled_layout`) is here.
"""

from __future__ import annotations

import plotly.graph_objects as go

from playground.core.next_token import SamplingView
from playground.core.tokens import show_piece
from playground.i18n import t
from playground.render import BLUE, GREY, ORANGE  # the one set of colours
from playground.words import next_token as _words  # noqa: F401 - registers the chart's strings


def position_labels(tokens: tuple[str, ...]) -> list[str]:
    """Unique axis labels: Plotly merges equal category labels, so each token gets its position."""
    return [f"{i}:{show_piece(t)}" for i, t in enumerate(tokens)]


def titled_layout(fig: go.Figure, title: str, height: int, note: str = "") -> go.Figure:
    """The common look. `note` goes on a smaller second title line: Plotly does not wrap a title, and one
    long line runs off a phone's 390-pixel screen."""
    text = f"{title}<br><sup>{note}</sup>" if note else title
    fig.update_layout(
        title=text, template="plotly_white", height=height, margin=dict(l=60, r=20, t=85 if note else 70, b=60)
    )
    return fig


def plural(n: int, noun: str) -> str:
    """The noun agreeing with its count: (1, 'token') -> 'token', (2, 'token') -> 'tokens'."""
    return noun if n == 1 else noun + "s"


def next_token_chart(view: SamplingView, title: str = "", lang: str = "en") -> go.Figure:
    """Bars for the most likely tokens: temperature-1 probability faintly behind, the tempered one,
    greyed out where top-k/top-p removed the token, and the renormalized probability of the rest.

    At T=1 the tempered probabilities are the temperature-1 ones: one bar, not two with the same name.
    """
    labels = [f"{show_piece(c.text)}<br><sub>{c.id}</sub>" for c in view.candidates]
    fig = go.Figure()
    if view.temperature != 1:
        fig.add_bar(
            x=labels,
            y=[c.prob for c in view.candidates],
            name=t("chart.next_token.before", lang),
            marker_color="rgba(37,99,235,0.18)",
            offsetgroup=0,
            hovertemplate="%{x}<br>p(T=1) = %{y:.4f}<extra></extra>",
        )
        tempered = t("chart.next_token.after", lang, T=view.temperature)
    else:
        tempered = t("chart.next_token.plain", lang)
    fig.add_bar(
        x=labels,
        y=[c.tempered for c in view.candidates],
        name=tempered,
        marker_color=[BLUE if c.kept else GREY for c in view.candidates],
        offsetgroup=1,
        hovertemplate=f"%{{x}}<br>p(T={view.temperature:g}) = %{{y:.4f}}<extra></extra>",
    )
    fig.add_bar(
        x=labels,
        y=[c.final for c in view.candidates],
        name=t("chart.next_token.final", lang),
        marker_color=ORANGE,
        offsetgroup=2,
        hovertemplate=f"%{{x}}<br>{t('chart.next_token.sampled', lang)} = %{{y:.4f}}<extra></extra>",
    )
    details = t(
        "chart.next_token.details_one" if view.kept_count == 1 else "chart.next_token.details",
        lang,
        bits=view.entropy_bits,
        n=view.kept_count,
    )
    fig.update_layout(
        # Details on a smaller second line: Plotly does not wrap a title, and a phone is 390 pixels wide.
        title=title or f"{t('chart.next_token.title', lang)}<br><sup>{details}</sup>",
        barmode="group",
        bargap=0.15,
        yaxis_title=t("chart.next_token.y", lang),
        yaxis_range=[0, 1.02],
        # The legend in the top right corner of the plot, where the bars (most likely first) are always low:
        # above the plot it wrapped into the title on a phone, below it ran into rotated token labels.
        legend=dict(x=1, xanchor="right", y=1, yanchor="top", bgcolor="rgba(255,255,255,0.85)"),
        margin=dict(l=50, r=20, t=95, b=60),
        height=440,
        template="plotly_white",
    )
    return fig
