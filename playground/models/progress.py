"""Progress of a load running now, as the status line shows it: what it does, how far, how long is left.

Not here: who reports it (playground.models.gguf, playground.models.load) or who reads it
(playground.loader's `peek`, the model bar's status line).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# on_progress(step: str, fraction: float | None = None, **values): a step code ("convert.tensor") and its values
# (i=3, n=272); playground.words.status words them in the page's language.
Progress = Callable[..., None]


@dataclass
class LoadProgress:
    """A load running now, as the status line shows it: what it does, how far, how long is left.

    A step whose length is known only roughly (reading a GGUF file's tokenizer: no inner progress to
    count) advances with the time against its expected length, never past 95% of its share of the bar.
    """

    name: str
    key: Any  # the LoadKey (or GGUF path) being prepared
    step: str = "load.start"  # the code of the step running now (see playground.words.status)
    values: dict[str, Any] = field(default_factory=dict)  # the numbers and names that step's words need
    started: float = field(default_factory=time.monotonic)
    _lo: float | None = None  # the bar at the start of the current step (0..1)
    _hi: float | None = None  # ... and at its end
    _expect: float | None = None  # expected seconds of the current step, where its own progress is unknown
    _step_started: float = 0.0

    def update(
        self,
        step: str,
        fraction: float | None = None,
        until: float | None = None,
        expect: float | None = None,
        **values: Any,
    ) -> None:
        self.step, self.values = step, values
        if fraction is not None:
            self._lo, self._hi = fraction, until if until is not None else fraction
            self._expect, self._step_started = expect, time.monotonic()

    @property
    def fraction(self) -> float | None:
        if self._lo is None:
            return None
        if self._expect and self._hi is not None:
            done = min(0.95, (time.monotonic() - self._step_started) / self._expect)
            return self._lo + (self._hi - self._lo) * done
        return self._lo

    @property
    def seconds_left(self) -> float | None:
        """A straight-line guess from the time so far; None until 5% is done."""
        f = self.fraction
        if not f or f < 0.05:
            return None
        return (time.monotonic() - self.started) * (1 - f) / f

    def status(self, lang: str | None = "en") -> str:
        from playground.words import status as status_text

        return status_text.preparing(self, lang)
