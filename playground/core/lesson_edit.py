"""Running the lessons' editing steps: steering, a LoRA fine-tune and a merge, with the Edit & Merge tab's own
core functions (core.steer, core.finetune, core.merge) and its defaults.

All three stream (`playground.core.lesson_runs.stream`): a fine-tune yields a `Progress` item per training
step (its loss), steering first a `Preview` (the next-token distributions, plain and steered: one forward
pass each) before the greedy continuations, and the merge first the fine-tune it merges; then the step's
`Outcome`. A lesson's fine-tune has fixed inputs and a fixed seed, so its result is the same for everyone:
it is kept here (`FINETUNES`, a few entries, keyed by the model variant and every input) and the merge step
reuses it instead of training again (the fine-tune step itself always trains: the class watches the loss).
Nothing of it is per user (the tab's own adapters live in core.edit_store, per session), and the merged model
is a private copy made for the request and dropped after it; the shared model is never changed.

Not here: the steps (playground.core.lesson_later), the other kinds (lesson_runs), words, charts, gradio.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core import finetune as ft

if TYPE_CHECKING:
    from playground.core.lesson_runs import Outcome
    from playground.loader import LoadedModel

MAX_KEPT = 2  # fine-tunes kept: one per embedded model
FINETUNES: OrderedDict[tuple, ft.FinetuneResult] = OrderedDict()
_LOCK = threading.Lock()
LESSON_ADAPTER = "lesson"  # the id the lesson's adapter shows (it is not in any session's store)


@dataclass(frozen=True)
class Progress:
    """One training step, while a fine-tune (or the merge step's fine-tune) runs."""

    step: ft.Step
    losses: tuple[float, ...]  # every step's loss so far


@dataclass(frozen=True)
class Preview:
    """A steering step's first result: the next token, plain and steered (a SteerResult with 1 new token)."""

    data: Any  # core.steer.SteerResult
    concept: dict[str, dict[str, float]]  # p of the followed words' first tokens: {" loved": {"before", "after"}}


def steer(lm: LoadedModel, i: dict[str, Any]) -> Iterator[Preview | Outcome]:
    """The Steering sub-tab's computation (its defaults: 10 candidates; the layer x strength sweep left out,
    the lesson shows the next-token chart) plus the concept words' probabilities: a Preview with one new
    token first, then the Outcome with the step's continuations."""
    from playground.core import steer as st
    from playground.core.lesson_later import CONCEPT
    from playground.core.lesson_runs import Outcome

    args = (lm, i["prompt"], i["positive"], i["negative"], i["layer"], i["strength"], 10)
    first = st.steer(*args, 1, False, CONCEPT)
    words = {w: {"before": before, "after": after} for w, before, after in first.followed}
    yield Preview(first, words)
    r = st.steer(*args, i["new_tokens"], False)
    yield Outcome(r, {"prompt": i["prompt"], **st.to_json(r), "concept": words})


def _key(lm: LoadedModel, i: dict[str, Any]) -> tuple:
    facts = (i["fact_prompt"], i["fact_answer"], i["control_prompt"], i["control_answer"])
    return (lm.name, lm.device, lm.dtype, lm.quantization, facts, *(i[k] for k in ("steps", "lr", "rank", "seed")))


def train(lm: LoadedModel, i: dict[str, Any], reuse: bool = True) -> Iterator[Progress | ft.FinetuneResult]:
    """The fine-tune of the step's inputs: the kept one when there is one (and `reuse`: its last step's
    Progress, then it), else trained here (and kept)."""
    key = _key(lm, i)
    with _LOCK:
        kept = FINETUNES.get(key) if reuse else None
    if kept is not None:
        n = len(kept.losses)
        yield Progress(ft.Step(n, n, kept.losses[-1], kept.seconds), kept.losses)
        yield kept
        return
    losses: list[float] = []
    fact, control = (i["fact_prompt"], i["fact_answer"]), (i["control_prompt"], i["control_answer"])
    for item in ft.train(lm, fact, control, i["steps"], i["lr"], i["rank"], i["seed"]):
        if isinstance(item, ft.Step):
            losses.append(item.loss)
            yield Progress(item, tuple(losses))
            continue
        item.adapter.id = LESSON_ADAPTER
        with _LOCK:
            FINETUNES[key] = item
            while len(FINETUNES) > MAX_KEPT:
                FINETUNES.popitem(last=False)
        yield item


def finetune(lm: LoadedModel, i: dict[str, Any]) -> Iterator[Progress | Outcome]:
    """The Fine-tune sub-tab's computation: Progress per step, then the Outcome (data: the FinetuneResult)."""
    from playground.core.lesson_runs import Outcome

    for item in train(lm, i, reuse=False):
        yield Outcome(item, ft.to_json(item)) if isinstance(item, ft.FinetuneResult) else item


def merge(lm: LoadedModel, i: dict[str, Any]) -> Iterator[Progress | Outcome]:
    """The Merge sub-tab's computation on the step's fine-tune (kept, or trained first: Progress items either
    way), at the step's alpha, on a private copy dropped afterwards. Data: (MergeResult, FinetuneResult)."""
    from playground.core import merge as mg
    from playground.core.lesson_runs import Outcome

    tuned: ft.FinetuneResult | None = None
    for item in train(lm, i):
        if isinstance(item, ft.FinetuneResult):
            tuned = item
        else:
            yield item
    assert tuned is not None  # train() always ends with the result
    fact = ft.probe(lm.tokenizer, i["fact_prompt"], i["fact_answer"])
    control = ft.probe(lm.tokenizer, i["control_prompt"], i["control_answer"])
    r = mg.evaluate(mg.from_adapter(lm, tuned.adapter), lm.tokenizer, fact, control, i["alpha"])
    summary = {k: v for k, v in ft.to_json(tuned).items() if k in ("steps", "seconds", "fact", "control")}
    yield Outcome((r, tuned), {**mg.to_json(r), "finetune": summary})
