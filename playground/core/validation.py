"""The one place that checks raw values from people (UI boxes, API calls) before the core uses them.

`check_text(text, what)` accepts text a model may read: not empty (unless allowed), at most the
configured number of characters, and free of control characters (Unicode category Cc: C0, DEL and
C1 such as U+0085), where newline, carriage return and tab are fine.
`number(name, value, lo, hi)` turns a slider or box value into a float within [lo, hi], or says why not;
`index(name, value, n, outside)` a layer or position into 0..n-1, counting negative values from the end.
Errors are InputError with an English message that quotes the value (the tabs show them as they are).

Not here: what the ranges of the sampling settings are (playground.core.sampling), model-specific checks
(vocabulary ids, context length: the modules that know the model).
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from playground import config
from playground.errors import InputError

ALLOWED_CONTROLS = "\n\r\t"  # the only Cc characters a text may hold


def _subject(what: str) -> str:
    """'the prompt' -> 'The prompt' (the start of an error sentence)."""
    return what[:1].upper() + what[1:]


def check_text(
    text: Any,
    what: str = "the text",
    max_chars: int | None = None,
    allow_blank: bool = False,
    allow_empty: bool = False,
) -> str:
    """`text` if a model may read it, else InputError. 'a\\tb' -> 'a\\tb'; 'a\\x07b' -> error naming U+0007.

    what: how the error names the text ("the prompt", "a user message in the history").
    max_chars: the character cap; None reads limits.max_input_chars from spaces.yaml.
    allow_blank: whitespace only is fine (a tokenizer shows spaces), an empty text is not.
    allow_empty: empty and whitespace only are fine (an optional system prompt). None counts as empty.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise InputError(f"{_subject(what)} must be text, got {type(text).__name__}.")
    if not allow_empty:
        if text == "":
            raise InputError(f"{_subject(what)} is empty: type something first.")
        if not allow_blank and not text.strip():
            raise InputError(f"{_subject(what)} is empty: it is only whitespace. Type some words.")
    cap = config.settings().limits.max_input_chars if max_chars is None else max_chars
    if len(text) > cap:
        raise InputError(f"{_subject(what)} has {len(text):,} characters; the limit here is {cap:,}.")
    for position, ch in enumerate(text):
        if ch not in ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc":
            raise InputError(
                f"{_subject(what)} contains a control character (U+{ord(ch):04X}) at position {position}; remove it."
            )
    return text


def number(name: str, value: Any, lo: float, hi: float, integer: bool = False) -> float:
    """`value` as a float in [lo, hi], else InputError: ('Top-k', '40', 0, 200, True) -> 40.0; NaN, inf,
    'hot' and 2.5 for a whole number are refused with the name and the value."""
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number, got {value!r}.")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}.") from None
    if math.isnan(x) or math.isinf(x) or not lo <= x <= hi:
        raise InputError(f"{name} must be between {lo:g} and {hi:g}, got {value!r}.")
    if integer and x != int(x):
        raise InputError(f"{name} must be a whole number, got {value!r}.")
    return x


def index(name: str, value: Any, n: int, outside: str) -> int:
    """`value` as an index into `n` items, negatives from the end: ('layer', '-1', 30, ...) -> 29. Not a whole
    number: InputError naming `name`; outside -n..n-1: InputError with `outside` formatted with i, n and last."""
    try:
        i = int(value)
    except (TypeError, ValueError):
        raise InputError(f"The {name} must be a whole number, not '{value}'.") from None
    if not -n <= i < n:
        raise InputError(outside.format(i=i, n=n, last=n - 1))
    return i % n


def choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """`value` if it is one of `choices` (case and surrounding spaces ignored), else InputError naming them."""
    key = value.strip().lower() if isinstance(value, str) else value
    if key not in choices:
        raise InputError(f"Unknown {name} {value!r}. Choose one of: {', '.join(choices)}.")
    return key
