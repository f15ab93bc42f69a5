"""Reading a chat reply: its reasoning section apart from its answer, and each token's confidence.

`split_reasoning(text)` separates a `<think> ... </think>` section from the answer (also when the prompt
opened it); `confidences(steps, tokenizer)` turns generation steps (playground.core.generate.Step) into
per-token probabilities with their top alternatives. No model call: the steps carry the probabilities.

Not here: prompts (playground.core.chat), decoding (playground.core.generate), HTML (playground.render).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playground.core.tokens import token_text

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"


@dataclass(frozen=True)
class Reasoning:
    """A reply split into its reasoning section and its answer."""

    reasoning: str | None  # None: the reply has no reasoning section
    answer: str
    done: bool  # the reasoning section is closed (or there is none)


def split_reasoning(text: str, opened_by_prompt: bool = False) -> Reasoning:
    """'<think>a</think>b' -> Reasoning('a', 'b', True); '<think>a' -> Reasoning('a', '', False).

    `opened_by_prompt`: the template ended with '<think>' (DeepSeek-R1), so the reply starts inside it.
    A reply with a lone '</think>' is treated the same way.
    """
    body = text.lstrip()
    if body.startswith(THINK_OPEN):
        body, opened = body[len(THINK_OPEN) :], True
    else:
        opened = opened_by_prompt or THINK_CLOSE in body
    if not opened:
        return Reasoning(None, text, True)
    thought, closed, answer = body.partition(THINK_CLOSE)
    if not closed:
        return Reasoning(thought.strip(), "", False)
    return Reasoning(thought.strip(), answer.lstrip(), True)


@dataclass(frozen=True)
class TokenConfidence:
    """One generated token with the model's probability for it and the best alternatives at that step."""

    token_id: int
    text: str  # the token decoded on its own
    prob: float  # the model's probability of it (temperature 1, before any filter)
    alternatives: tuple[tuple[str, float], ...]  # (decoded token, probability), best first


def confidences(steps: Sequence[Any], tokenizer: Any) -> list[TokenConfidence]:
    """generate.Step list -> TokenConfidence list (no model call: the steps carry the probabilities)."""
    out = []
    for s in steps:
        alts = tuple((token_text(tokenizer, i), round(p, 6)) for i, p in zip(s.top_ids, s.top_probs))
        out.append(TokenConfidence(s.token_id, token_text(tokenizer, s.token_id), round(s.prob, 6), alts))
    return out
