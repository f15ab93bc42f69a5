"""How the next token is chosen: the settings, their one table of ranges, and transformers' processors.

`RANGES` is the one table of (minimum, maximum, step, default, off) that the sliders of the Next Token
and Chat tabs, the API (gradio's sliders refuse values outside them) and `check_sampling` all read.
`check_sampling(...)` turns raw UI/API values into a `Sampling`; `processors(sampling)` builds the
logits processors `model.generate` would build for it, in its order (repetition penalty, then
temperature, top-k, top-p); `keep_mask(logits, ...)` says which tokens those processors leave.

Temperature 0 means greedy everywhere (argmax; the filters then change nothing). Chat's `greedy` flag
says the same thing with a checkbox: a reply is greedy when the flag is set or the temperature is 0.

Not here: the decode loop (playground.core.generate), the view of one distribution (playground.core.next_token).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground import config
from playground.core.validation import number

if TYPE_CHECKING:
    import torch
    from transformers import LogitsProcessorList


@dataclass(frozen=True)
class Range:
    """The values one setting may take: the slider's bounds and step, and two notable values."""

    minimum: float
    maximum: float
    step: float
    default: float  # the Chat tab's starting value (a common chat setting)
    off: float  # the value that leaves the distribution as the model gives it (Next Token starts there)
    integer: bool = False

    def slider(self, value: float | None = None) -> dict[str, Any]:
        """Keyword arguments for gr.Slider: minimum, maximum, step, value (default unless given)."""
        return {
            "minimum": self.minimum,
            "maximum": self.maximum,
            "step": self.step,
            "value": self.default if value is None else value,
        }


# The one table. Temperature stops at 2: above it a 135M model's text is noise, and the page never offered more.
RANGES: dict[str, Range] = {
    "temperature": Range(0.0, 2.0, 0.05, 0.7, off=1.0),  # 0 = greedy
    "top_k": Range(0, 200, 1, 50, off=0, integer=True),  # 0 = off
    "top_p": Range(0.01, 1.0, 0.01, 0.9, off=1.0),  # 1 = off
    "repetition_penalty": Range(1.0, 2.0, 0.05, 1.0, off=1.0),  # 1 = off
}
LABELS = {
    "temperature": "Temperature",
    "top_k": "Top-k",
    "top_p": "Top-p",
    "repetition_penalty": "Repetition penalty",
    "max_new_tokens": "Max new tokens",
}
SEED_MAX = 2**63 - 1


def max_new_tokens_range() -> Range:
    """Tokens one reply may generate: 1 .. limits.max_new_tokens of spaces.yaml (default 256 or the cap)."""
    cap = config.settings().limits.max_new_tokens
    return Range(1, cap, 1, min(256, cap), off=min(256, cap), integer=True)


def ranges() -> dict[str, Range]:
    """RANGES and max_new_tokens (whose maximum comes from spaces.yaml)."""
    return RANGES | {"max_new_tokens": max_new_tokens_range()}


@dataclass(frozen=True)
class Sampling:
    """How the next token is chosen. Defaults follow a common chat setting (RANGES' defaults)."""

    greedy: bool = True  # argmax at every step; the other sampling fields are then ignored (except the penalty)
    temperature: float = RANGES["temperature"].default  # divides the logits; < 1 sharpens, > 1 flattens
    top_k: int = int(RANGES["top_k"].default)  # keep the k most likely tokens; 0 turns the filter off
    top_p: float = RANGES["top_p"].default  # keep the smallest set whose probability reaches p; 1 turns it off
    repetition_penalty: float = 1.0  # CTRL-style penalty on tokens already in prompt or reply; 1 is off
    max_new_tokens: int = 256  # tokens in the reply at most
    seed: int | None = None  # None: a fresh random seed, reported in the result so it can be replayed

    @property
    def is_greedy(self) -> bool:
        return self.greedy or self.temperature == 0

    def generate_kwargs(self) -> dict[str, Any]:
        """The same settings as `model.generate` keyword arguments (for the Code view and the tests)."""
        kw: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "do_sample": not self.is_greedy}
        if self.repetition_penalty != 1.0:
            kw["repetition_penalty"] = self.repetition_penalty
        if not self.is_greedy:
            kw.update(temperature=self.temperature, top_k=self.top_k, top_p=self.top_p)
        return kw


def _setting(name: str, value: Any, table: dict[str, Range]) -> float:
    r = table[name]
    return number(LABELS[name], value, r.minimum, r.maximum, integer=r.integer)


def check_filters(temperature: Any, top_k: Any, top_p: Any) -> tuple[float, int, float]:
    """Temperature, top-k and top-p checked against RANGES: (0.7, 40.0, 0.9) -> (0.7, 40, 0.9)."""
    return (
        _setting("temperature", temperature, RANGES),
        int(_setting("top_k", top_k, RANGES)),
        _setting("top_p", top_p, RANGES),
    )


def check_sampling(
    greedy: Any = True,
    temperature: Any = RANGES["temperature"].default,
    top_k: Any = RANGES["top_k"].default,
    top_p: Any = RANGES["top_p"].default,
    repetition_penalty: Any = 1.0,
    max_new_tokens: Any = 256,
    seed: Any = None,
) -> Sampling:
    """Validate raw UI/API values into a Sampling, or raise InputError naming the bad value.

    A seed of None, "" or -1 means "pick one at random" (the result reports the seed used).
    Temperature 0 makes the reply greedy, as the Next Token tab's temperature 0 does.
    """
    table = ranges()
    temperature, top_k, top_p = check_filters(temperature, top_k, top_p)
    if seed is None or (isinstance(seed, str) and not seed.strip()) or seed == -1:
        seed_value = None
    else:
        seed_value = int(number("Seed", seed, 0, SEED_MAX, integer=True))
    return Sampling(
        greedy=bool(greedy) or temperature == 0,
        temperature=temperature,
        top_k=top_k,
        top_p=top_p,
        repetition_penalty=_setting("repetition_penalty", repetition_penalty, table),
        max_new_tokens=int(_setting("max_new_tokens", max_new_tokens, table)),
        seed=seed_value,
    )


def processors(sampling: Sampling) -> LogitsProcessorList:
    """The logits processors model.generate builds for these settings, in its order (an empty list: none)."""
    from transformers import (
        LogitsProcessorList,
        RepetitionPenaltyLogitsProcessor,
        TemperatureLogitsWarper,
        TopKLogitsWarper,
        TopPLogitsWarper,
    )

    s = sampling
    procs = LogitsProcessorList()
    if s.repetition_penalty != 1.0:
        procs.append(RepetitionPenaltyLogitsProcessor(penalty=s.repetition_penalty))
    if not s.is_greedy:
        if s.temperature != 1.0:
            procs.append(TemperatureLogitsWarper(s.temperature))
        if s.top_k != 0:
            procs.append(TopKLogitsWarper(top_k=s.top_k, min_tokens_to_keep=1))
        if s.top_p < 1.0:
            procs.append(TopPLogitsWarper(top_p=s.top_p, min_tokens_to_keep=1))
    return procs


def keep_mask(logits: torch.Tensor, temperature: float, top_k: int, top_p: float) -> torch.Tensor:
    """Which tokens survive temperature -> top-k -> top-p, as transformers' warpers decide. logits: (V,) -> (V,) bool.

    Temperature 0 means greedy: only the argmax survives.
    """
    import torch

    if temperature == 0:
        mask = torch.zeros_like(logits, dtype=torch.bool)
        mask[int(logits.argmax())] = True
        return mask
    procs = processors(Sampling(greedy=False, temperature=temperature, top_k=top_k, top_p=top_p))
    scores = procs(None, logits[None]) if procs else logits[None]  # type: ignore[arg-type]  # (1, V); no input_ids read
    return torch.isfinite(scores[0])
