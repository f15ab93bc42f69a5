"""The lessons' later chapters as steps of data: tools (what the model sees when it is given tools, and one
round of the tool-calling loop with a hand-written call). Same shapes as playground.core.lessons: inputs per
model role, a prediction, and claims checked by tests/core/test_lessons.py on each model they are stated for.

Both steps run the Tools & RAG tab's own core functions (playground.core.tool_loop) with the tab's default
tools (all four), so the "open the full tab" link reproduces them. Codes only: the words are in
playground/words/lesson_text_c.py. Not here: running (lesson_runs), charts, gradio.
"""

from __future__ import annotations

from typing import Any

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
