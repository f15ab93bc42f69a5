"""The shapes of a lesson: a step (what it runs, per model role), its prediction and its claims, and which
model a page language's lesson runs on. Data types only.

Not here: the steps themselves (playground.core.lessons, lesson_later), running them (lesson_runs), words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground import config

ROLES: tuple[str, ...] = ("en", "zh")  # "en": the default model; "zh": the Chinese-speaking model

Check = Callable[[dict[str, Any]], bool]


def role_for(lang: str | None) -> str:
    """The page language -> the model role of its lesson: Chinese pages use the Chinese-speaking model."""
    return "zh" if lang in ("zh-Hant", "zh-Hans") else "en"


def model_for(role: str) -> str:
    """The catalog name of the model a role stands for."""
    s = config.settings()
    return s.chinese_model if role == "zh" else s.default_model


@dataclass(frozen=True)
class Claim:
    code: str  # words: "lessons.<step>.claim.<code>"
    check: Check  # result -> whether the claim holds
    roles: tuple[str, ...] = ROLES  # the models it is stated for (intersected with the step's)


@dataclass(frozen=True)
class Prediction:
    """What the learner is asked before Run: one of `options` (codes), or a number when options is empty."""

    answer: Callable[[dict[str, Any]], Any]  # result -> the right option code, or the right number
    options: tuple[str, ...] = ()  # words: "lessons.<step>.option.<code>"
    tolerance: float = 0.0  # numbers: a relative error this large still counts as right (0.25 = 25%)

    @property
    def kind(self) -> str:
        return "choice" if self.options else "number"

    def right(self, given: Any, result: dict[str, Any]) -> bool | None:
        """Whether `given` is right for `result`; None when nothing was given (or it is not a number)."""
        answer = self.answer(result)
        if given is None or given == "":
            return None
        if self.options:
            return str(given) == str(answer)
        try:
            value = float(given)
        except (TypeError, ValueError):
            return None
        return abs(value - float(answer)) <= self.tolerance * abs(float(answer)) + 1e-9


@dataclass(frozen=True)
class Step:
    id: str  # stable: links and exports name it ("tokens.space")
    chapter: str  # words: "lessons.chapter.<chapter>"
    tab: str  # the ID of the tab that shows this computation in full (the "open in the tab" link)
    kind: str  # what lesson_runs.run computes: tokenize, next_token, chat, chat_loop, architecture, ...
    inputs: dict[str, dict[str, Any]]  # role -> the inputs of the run; the keys are the roles it is shown for
    predict: Prediction
    claims: tuple[Claim, ...]
    view: str | None = None  # the sub-tab of `tab` that shows it (Edit & Merge: "edit-merge"); None: the tab itself

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.inputs)

    def claims_for(self, role: str) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if role in c.roles)


def both(inputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The same inputs for both models."""
    return {r: dict(inputs) for r in ROLES}
