"""The lessons' later chapters as steps of data: tools (what the model sees when it is given tools, and one
round of the tool-calling loop with a hand-written call) and editing (steering at strength 0 and 2, a LoRA
fine-tune of a new fact, merging base and fine-tuned weights). Same shapes as playground.core.lessons: inputs
per model role, a prediction, and claims checked by tests/core/test_lessons.py on each model they are stated for.

The tools steps run the Tools & RAG tab's own core functions (playground.core.tool_loop) with the tab's
default tools (all four); the editing steps run the Edit & Merge tab's (core.steer, core.finetune,
core.merge) with its defaults, each on its sub-tab (`view`), so the "open the full tab" link reproduces them.
Codes only: the words are in playground/words/lesson_text_c.py and lesson_text_d.py. Not here: running
(lesson_runs, lesson_edit), charts, gradio.
"""

from __future__ import annotations

from typing import Any

from playground.core import finetune as ft
from playground.core.lesson_types import Claim, Prediction, Step, both

QUESTION = "What is 1234 * 5678?"
EXACT = 1234 * 5678  # 7006652: what the calculator must return
# The call a model is trained to write, hand-written: the loop then parses, runs and answers whatever the model
# would have written first (a 135M model rarely writes a well-formed call by itself).
CALL = '{"name": "calculator", "arguments": {"expression": "1234 * 5678"}}'
LOOP_TOKENS = 16  # the answer's new tokens: enough to see whether it quotes the result or calls again


def _step(r: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s for s in r["steps"] if s["kind"] == kind)


def _answer(r: dict[str, Any]) -> str:
    """What the model did with the tool's result: quoted it, called the tool again, or something else."""
    text = _step(r, "answer")["text"].replace(",", "")
    return "quotes" if str(EXACT) in text else "again" if '"calculator"' in text else "other"


LATER_STEPS: tuple[Step, ...] = (
    Step(
        "tools.prompt",
        "tools",
        "tools_rag",
        "tool_prompt",
        both({"message": QUESTION}),
        Prediction(lambda r: "template" if r["native_tools"] else "fallback", ("template", "fallback")),
        (
            Claim(
                "fallback",
                lambda r: not r["native_tools"] and r["system"] in r["with"]["text"] and r["added_tokens"] > 0,
                ("en",),
            ),
            Claim("native", lambda r: r["native_tools"] and "<tools>" in r["added_text"], ("zh",)),
            Claim("all", lambda r: all(f'"name": "{n}"' in r["added_text"] for n in r["tools"])),
            Claim("costly", lambda r: r["added_tokens"] > 3 * r["without"]["n_tokens"]),
        ),
    ),
    Step(
        "tools.loop",
        "tools",
        "tools_rag",
        "tool_loop",
        both({"message": QUESTION, "assistant": CALL, "max_new_tokens": LOOP_TOKENS}),
        Prediction(_answer, ("quotes", "again", "other")),
        (
            Claim("parsed", lambda r: _step(r, "parse")["ok"] and _step(r, "parse")["name"] == "calculator"),
            Claim("exact", lambda r: _step(r, "run")["result"]["result"] == EXACT),
            Claim("again", lambda r: _answer(r) == "again"),
        ),
    ),
)


# --------------------------------------------------------------------------- editing and merging

# The Steering sub-tab's defaults (playground/tabs/edit_merge_layout.py): the love/hate contrast at layer 12.
STEER = {
    "prompt": "I think dogs are",
    "positive": "I love you",
    "negative": "I hate you",
    "layer": 12,
    "new_tokens": 12,
}
CONCEPT = (" loved", " hate")  # next tokens whose probability the steering steps follow, before and after
# The Fine-tune sub-tab's defaults: the made-up fact, the control, 16 steps at lr 2e-4, rank 8, seed 0.
FACTS = {
    "fact_prompt": ft.FACT[0],
    "fact_answer": ft.FACT[1],
    "control_prompt": ft.CONTROL[0],
    "control_answer": ft.CONTROL[1],
}
TRAIN = {"steps": ft.DEFAULT_STEPS, "lr": ft.DEFAULT_LR, "rank": 8, "seed": 0}
HALF = 0.5  # the merge step's alpha: halfway between the base and the fine-tuned weights


def _p(r: dict[str, Any], word: str, when: str) -> float:
    return float(r["concept"][word][when])


def _same_step(r: dict[str, Any]) -> bool:
    return r["before"] == r["after"] and r["kl_bits"] == 0.0


def _moves(r: dict[str, Any]) -> str:
    """Where p(' loved') went: "up" (more than doubled), "down" (halved or less) or "same"."""
    ratio = _p(r, " loved", "after") / max(_p(r, " loved", "before"), 1e-30)
    return "up" if ratio > 2 else "down" if ratio < 0.5 else "same"


def _fact(r: dict[str, Any], when: str) -> float:
    return float(r["fact"][when])


def _band(p: float) -> str:
    """A probability -> the fine-tune step's options: "low" (< 1%), "some" (1-50%), "high" (>= 50%)."""
    return "low" if p < 0.01 else "some" if p < 0.5 else "high"


def _curve(r: dict[str, Any], alpha: float) -> dict[str, float]:
    return next(c for c in r["curve"] if c["alpha"] == alpha)


def _where(r: dict[str, Any]) -> str:
    """Where p(fact) of the half-merged model lies: "base", "between" or "tuned" (or beyond them)."""
    base, tuned, half = _curve(r, 0.0)["fact"], _curve(r, 1.0)["fact"], float(r["fact"]["p"])
    return "between" if base < half < tuned else "base" if half <= base else "tuned"


EDIT_STEPS: tuple[Step, ...] = (
    Step(
        "edit.steer_zero",
        "edit",
        "edit_merge",
        "steer",
        both({**STEER, "strength": 0.0}),
        Prediction(lambda r: "same" if _same_step(r) else "different", ("same", "different")),
        (
            Claim("identical", _same_step),
            Claim("continuation", lambda r: r["continuation_after"] == r["continuation_before"]),
        ),
        view="edit-steer",
    ),
    Step(
        "edit.steer_love",
        "edit",
        "edit_merge",
        "steer",
        both({**STEER, "strength": 2.0}),
        Prediction(_moves, ("up", "down", "same")),
        (
            Claim("loved", lambda r: _p(r, " loved", "after") > 5 * _p(r, " loved", "before")),
            Claim("hate", lambda r: _p(r, " hate", "after") < _p(r, " hate", "before")),
            Claim("moved", lambda r: r["kl_bits"] > 1 and r["continuation_after"] != r["continuation_before"]),
        ),
        view="edit-steer",
    ),
    Step(
        "edit.finetune",
        "edit",
        "edit_merge",
        "finetune",
        both({**FACTS, **TRAIN}),
        Prediction(lambda r: _band(_fact(r, "after")), ("low", "some", "high")),
        (
            Claim("unknown", lambda r: _fact(r, "before") < 0.01),
            Claim("learned", lambda r: _fact(r, "after") >= 0.5),
            Claim("control", lambda r: r["control"]["after"] > 0.5 * r["control"]["before"], ("en",)),
            Claim("damage", lambda r: r["control"]["after"] < 0.5 * r["control"]["before"], ("zh",)),
        ),
        view="edit-finetune",
    ),
    Step(
        "edit.merge",
        "edit",
        "edit_merge",
        "merge",
        both({"kind": "adapter", "alpha": HALF, **FACTS, **TRAIN}),
        Prediction(_where, ("base", "between", "tuned")),
        (
            Claim("base", lambda r: _curve(r, 0.0)["fact"] == r["finetune"]["fact"]["before"]),
            Claim("tuned", lambda r: abs(_curve(r, 1.0)["fact"] / r["finetune"]["fact"]["after"] - 1) < 0.05),
            Claim("between", lambda r: _where(r) == "between"),
            Claim("slow", lambda r: _curve(r, 0.25)["fact"] < 0.01, ("en",)),
            Claim("quarter", lambda r: _curve(r, 0.25)["fact"] > 0.9, ("zh",)),
        ),
        view="edit-merge",
    ),
)
