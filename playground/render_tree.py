"""The commitment strip as HTML: each predicted token a chip coloured by the layer that decided it.

A line of chips wraps like text (a phone reads it without scrolling sideways); hovering a chip shows the
token it follows, the commitment layer and the entropy of the lens at every layer. Built with
playground.render's `el`/`esc` (escaped attributes and text). No gradio, no torch.
"""

from __future__ import annotations

from playground.core.commitment import Commitment
from playground.core.tokens import show_piece
from playground.i18n import t
from playground.render import el, esc
from playground.words import tree as _words  # noqa: F401 - registers the strip's strings

NEVER = "#d1d5db"  # grey: the condition never holds through the last layer (p > 0.5 mode)


def layer_colour(layer: int, n_layers: int) -> str:
    """Layer 0 -> green (decided early), the last layer -> red (decided at the end), as a light background."""
    frac = layer / max(1, n_layers)
    return f"hsl({int(130 * (1 - frac))}, 75%, 80%)"


def commitment_strip(c: Commitment, mode: str, lang: str = "en") -> str:
    layers = c.layers(mode)
    chips = []
    for k, pos in enumerate(c.positions):
        layer = layers[k]
        entropies = " ".join(f"{h:.1f}" for h in c.entropy_bits[k])
        title = t(
            "commit.chip",
            lang,
            token=repr(show_piece(c.tokens[pos])),
            pred=repr(show_piece(c.predicted[k])),
            layer=t("commit.never", lang) if layer is None else layer,
            n=c.n_layers,
            ent=entropies,
        )
        colour = NEVER if layer is None else layer_colour(layer, c.n_layers)
        label = "–" if layer is None else str(layer)
        chips.append(
            el(
                "span",
                esc(show_piece(c.predicted[k], running=True)) + el("sub", label),
                class_="tok commit-tok",
                style=f"background:{colour}",
                title=title,
                data_layer=label,
            )
        )
    scale = " ".join(
        el("span", str(x), class_="tok", style=f"background:{layer_colour(x, c.n_layers)}")
        for x in sorted({0, c.n_layers // 4, c.n_layers // 2, 3 * c.n_layers // 4, c.n_layers})
    )
    legend = el("div", esc(t("commit.legend", lang, n=c.n_layers)) + " " + scale, class_="commit-legend")
    return el("div", legend + el("div", "".join(chips), class_="token-spans"), class_="commit-strip")
