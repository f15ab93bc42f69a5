"""What the Layer Representations tab says about one run, as numbers and codes: the summary's facts,
the shape table and the lens table at one position. The tab words them (playground/words/layers.py).

Not here: the forward pass and the lens themselves (core/layers.py), words for people, figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.core.layers import HiddenStates, LayerStats, LensAtPosition, LensGrid
from playground.core.tokens import show_piece

# The tracked token "enters the top" at the first layer whose lens ranks it within this many.
TOP_RANK = 10


@dataclass(frozen=True)
class LayersSummary:
    n_tokens: int  # T, tokens of the text
    n_layers: int  # decoder layers; output_hidden_states gives n_layers + 1 tensors
    d_model: int
    lens_positions: int  # positions the lens grid shows (the last ones when the text is longer)
    chosen: bool  # a tracked token was given (else: the model's own prediction at the last layer)
    target_text: str  # the tracked token, as shown
    target_id: int
    token: str  # the input token at the lens position, as shown
    position: int
    final_rank: int  # the tracked token's rank at the last layer (1 = top)
    first_top: int | None  # first layer whose lens ranks it within TOP_RANK; None if none does


def summarize(hs: HiddenStates, grid: LensGrid, at: LensAtPosition, chosen: bool) -> LayersSummary:
    """The facts the summary states: 'The capital of France is Paris, and the capital of Italy is' with
    ' Rome' (SmolLM2) -> 15 tokens, 30 layers, d_model 576, final rank 1."""
    return LayersSummary(
        len(hs.tokens),
        hs.n_layers,
        int(hs.states.shape[-1]),
        len(grid.positions),
        chosen,
        show_piece(at.target_text),
        at.target_id,
        show_piece(at.token),
        at.position,
        at.layers[-1].target_rank,
        next((x.layer for x in at.layers if x.target_rank <= TOP_RANK), None),
    )


def shape_rows(stats: LayerStats) -> list[tuple[int, int, bool, int, int, int, float]]:
    """One row per hidden_states tensor: (index, after which layer (-1 = the embedding output), whether the
    final norm is in it, batch, tokens, d_model, mean norm over tokens to 3 places)."""
    last = len(stats.shapes) - 1
    return [
        (i, i - 1, i == last and stats.last_is_normed, b, t, d, round(sum(stats.norms[i]) / len(stats.norms[i]), 3))
        for i, (b, t, d) in enumerate(stats.shapes)
    ]


def lens_rows(at: LensAtPosition) -> list[list[Any]]:
    """The lens at one position, layer by layer: layer, rank and p of the tracked token, then the top 5."""
    return [
        [x.layer, x.target_rank, round(x.target_prob, 5), *(f"{show_piece(text)} ({p:.3f})" for _i, text, p in x.top)]
        for x in at.layers
    ]
