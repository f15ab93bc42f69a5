"""A reply decoded by another engine, reported field for field as playground.core.generate.Generation reports one.

`Decoding` holds what the Chat tab reads while a reply streams and when it ends (steps, text, finish reason,
seed, time to first token, speed); the llama.cpp and served engines fill it in their `__iter__`.
`top_log_softmax(row, k)` is the confidence view's arithmetic over one logits row, cheap enough to run at
every step: one partial sort for the k best and one log-sum-exp over the vocabulary.

Not here: decoding itself (playground.engines.llamacpp, playground.engines.served).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from playground.core import chat

if TYPE_CHECKING:
    import numpy as np

    from playground.core.generate import Sampling, Step

TOP_ALTERNATIVES = 5  # alternatives per token in the confidence view, as the transformers engine keeps


@dataclass
class Decoding:
    """The summary fields of core.generate.Generation, for an engine that is not transformers."""

    sampling: Sampling
    stop: threading.Event | None = None
    top_n: int = TOP_ALTERNATIVES
    steps: list[Step] = field(default_factory=list)
    token_ids: list[int] = field(default_factory=list)  # generated ids, a final end-of-turn token included
    text: str = ""
    finish_reason: str | None = None  # "eos", "length" or "stopped"
    seed: int | None = None  # the seed actually used (sampling only)
    time_to_first_token: float | None = None
    seconds: float = 0.0

    @property
    def new_tokens(self) -> int:
        return len(self.steps)

    @property
    def tokens_per_second(self) -> float:
        """Decode speed after the first token (the prompt's prefill is in the time to first token)."""
        first = self.time_to_first_token
        if self.new_tokens < 2 or first is None or self.seconds <= first:
            return 0.0
        return (self.new_tokens - 1) / (self.seconds - first)

    def __iter__(self) -> Iterator[Step]:
        raise NotImplementedError

    def run(self) -> Decoding:
        for _ in self:
            pass
        return self

    def _record(
        self,
        token_id: int,
        piece: str,
        prob: float,
        sampled_prob: float,
        top_ids: tuple[int, ...],
        top_probs: tuple[float, ...],
        t0: float,
    ) -> Step:
        """Append one generated token (its piece already added to `text`) as a Step timed since t0."""
        from playground.core.generate import Step

        self.token_ids.append(token_id)
        self.seconds = time.perf_counter() - t0
        if self.time_to_first_token is None:
            self.time_to_first_token = self.seconds
        step = Step(len(self.steps), token_id, piece, prob, sampled_prob, top_ids, top_probs, self.text, self.seconds)
        self.steps.append(step)
        return step

    def confidences(self, tokenizer: Any) -> list[chat.TokenConfidence]:
        """Per token: its probability and the best alternatives (the transformers engine's structure)."""
        return chat.confidences(self.steps, tokenizer)


def top_log_softmax(row: np.ndarray, k: int, scratch: np.ndarray) -> tuple[np.ndarray, float]:
    """The k largest entries of one logits row, best first, and the row's log-sum-exp.

    row (n_vocab,) float32; scratch: a float32 buffer of the same shape (reused: no allocation per step).
    [2.0, 0.0, 1.0], k=2 -> ([0, 2], 2.4076) so that p(i) = exp(row[i] - 2.4076): 0.665, 0.245.
    """
    import numpy as np

    top = np.argpartition(row, -k)[-k:]  # (k,) unordered
    top = top[np.argsort(-row[top])]
    peak = float(row[top[0]])
    np.subtract(row, peak, out=scratch)
    np.exp(scratch, out=scratch)
    return top, peak + float(np.log(scratch.sum(dtype=np.float64)))
