"""The lessons: the tutorial's chapters as steps of data, each with a prediction, the inputs it runs, and the
claims its reveal makes, every claim a check over the step's result.

A step names the tab that shows it in full (`tab`), what it runs (`kind`, see playground.core.lesson_runs)
and its inputs per model role: "en" is the default embedded model (the English lesson), "zh" the
Chinese-speaking one (config.settings().chinese_model, the Chinese lessons). A step is shown in a lesson
only when it has inputs for that lesson's role, and a claim only on the roles it lists: tests/core/
test_lessons.py runs every step on every role it declares and asserts each of its claims, so a lesson never
promises what its model does not do.

Codes only: the words (titles, explanations, questions, options, claims, reveals) are keyed by the step id
in playground/words/lessons*.py. The types are in lesson_types, the later chapters' steps (tools, editing)
in lesson_later. Not here: running a step (lesson_runs), charts, gradio.
"""

from __future__ import annotations

from typing import Any

from playground.core.lesson_later import EDIT_STEPS, LATER_STEPS
from playground.core.lesson_types import ROLES as ROLES
from playground.core.lesson_types import Check as Check
from playground.core.lesson_types import Claim, Prediction, Step
from playground.core.lesson_types import both as _both
from playground.core.lesson_types import model_for as model_for
from playground.core.lesson_types import role_for as role_for
from playground.errors import InputError

CHAT_LIMIT = 64  # new tokens a lesson's chat step may write: enough to see a reply end or keep talking
GB = 1e9


def _top(r: dict[str, Any]) -> dict[str, Any]:
    return r["candidates"][0]


def _gb(r: dict[str, Any], i: int, *parts: str) -> float:
    per = r["estimates"][i]["per_gpu"]
    return sum(per[p] for p in parts) / GB


def _memory(step_id: str, hardware: str, forms: list[dict[str, Any]], predict: Prediction, *claims: Claim) -> Step:
    """A memory step: the VRAM calculator on an 8B model (counted, no config to read), the same on both models."""
    forms = [{"source": "count", "params_b": 8.0, **f} for f in forms]
    return Step(step_id, "memory", "vram", "vram", _both({"forms": forms, "hardware": hardware}), predict, claims)


def _chat(step_id: str, mode: str, claim: Claim) -> Step:
    """A chat step: one question in one template mode, greedy, at most CHAT_LIMIT new tokens. The Chinese model
    answers the French capital question in a few tokens in both modes: its rambling shows on the sky question."""
    questions = {"en": "What is the capital of France?", "zh": "天空為什麼是藍色的？"}
    inputs = {r: {"question": q, "limit": CHAT_LIMIT, "mode": mode} for r, q in questions.items()}
    ends = Prediction(lambda r: "ends" if r["finish_reason"] == "eos" else "talks", ("ends", "talks"))
    return Step(step_id, "chat", "chat", "chat", inputs, ends, (claim,))


STEPS: tuple[Step, ...] = (
    Step(
        "tokens.roundtrip",
        "tokens",
        "tokenizer",
        "tokenize",
        _both({"text": "Hello world"}),
        Prediction(lambda r: r["count"], tolerance=0.0),
        (Claim("decodes", lambda r: r["round_trip"]), Claim("fewer", lambda r: r["count"] < r["characters"])),
    ),
    Step(
        "tokens.space",
        "tokens",
        "tokenizer",
        "tokenize",
        _both({"text": "good good"}),
        Prediction(lambda r: "same" if len(set(r["ids"])) == 1 else "different", ("same", "different")),
        (
            Claim("two", lambda r: r["count"] == 2),
            Claim("different", lambda r: r["ids"][0] != r["ids"][1] and r["pieces"][1] == " good"),
        ),
    ),
    Step(
        "tokens.chinese",
        "tokens",
        "tokenizer",
        "tokenize",
        _both({"text": "大家好"}),
        Prediction(lambda r: r["count"]),
        (
            Claim("bytes", lambda r: r["count"] > r["characters"], ("en",)),
            Claim("words", lambda r: r["pieces"] == ["大家", "好"], ("zh",)),
            Claim("decodes", lambda r: r["round_trip"]),
        ),
    ),
    Step(
        "next.one_plus_one",
        "next",
        "next_token",
        "next_token",
        _both({"prompt": "1+1=", "temperature": 1.0, "top_k": 0, "top_p": 1.0}),
        Prediction(lambda r: "sure" if _top(r)["probability"] > 0.9 else "likely", ("sure", "likely", "other")),
        (
            Claim("two", lambda r: _top(r)["text"] == "2"),
            Claim("unsure", lambda r: _top(r)["probability"] < 0.9),
            Claim("others", lambda r: len({c["text"] for c in r["candidates"][:4]} & {"1", "3", "4"}) >= 2),
        ),
    ),
    Step(
        "next.temperature",
        "next",
        "next_token",
        "next_token",
        _both({"prompt": "1+1=", "temperature": 0.5, "top_k": 0, "top_p": 1.0}),
        Prediction(lambda r: "more" if _top(r)["tempered"] > _top(r)["probability"] else "less", ("more", "less")),
        (
            Claim("sharper", lambda r: _top(r)["tempered"] > _top(r)["probability"]),
            Claim("entropy", lambda r: r["tempered_entropy_bits"] < r["entropy_bits"] / 2),
        ),
    ),
    Step(
        "next.top_p",
        "next",
        "next_token",
        "next_token",
        _both({"prompt": "1+1=", "temperature": 1.0, "top_k": 0, "top_p": 0.9}),
        Prediction(lambda r: r["kept_count"], tolerance=0.5),
        (
            Claim("few", lambda r: r["kept_count"] <= 20),
            Claim("mass", lambda r: r["kept_mass"] >= 0.9),
            Claim("renormalized", lambda r: _top(r)["final"] > _top(r)["probability"]),
        ),
    ),
    _chat(
        "chat.official",
        "official",
        Claim("ends", lambda r: r["finish_reason"] == "eos" and r["new_tokens"] < r["limit"]),
    ),
    _chat(
        "chat.homemade",
        "homemade",
        Claim("talks", lambda r: r["finish_reason"] == "length" and r["new_tokens"] == r["limit"]),
    ),
    Step(
        "chat.loop",
        "loop",
        "chat",
        "chat_loop",
        {
            "en": {"history": ["My name is Ada.", "Nice to meet you, Ada!"], "message": "What is my name?"},
            "zh": {"history": ["我叫小明。", "你好，小明！"], "message": "我叫什麼名字？"},
        },
        Prediction(lambda r: "resent", ("remembers", "resent")),
        (
            Claim("resent", lambda r: r["contains_history"]),
            Claim("grows", lambda r: r["with_history"] > r["alone"] + 10),
        ),
    ),
    Step(
        "inside.params",
        "inside",
        "architecture",
        "architecture",
        _both({}),
        Prediction(lambda r: round(r["n_params"] / 1e6), tolerance=0.25),
        (
            Claim("tied", lambda r: r["tied"] and r["lm_head_params"] == 0, ("en",)),
            Claim("untied", lambda r: not r["tied"] and r["lm_head_params"] == r["embedding_params"], ("zh",)),
            Claim("embedding", lambda r: r["embedding_params"] == r["vocab"] * r["hidden"]),
            Claim("layers", lambda r: r["n_layers"] >= 20),
        ),
    ),
    Step(
        "embeddings.apple",
        "embeddings",
        "neighbors",
        "neighbors",
        _both({"word": "apple", "k": 10}),
        Prediction(lambda r: "forms", ("fruits", "forms", "random")),
        (
            Claim("forms", lambda r: {"Apple", " apple"} <= _neighbor_texts(r)),
            Claim("chinese", lambda r: "苹果" in _neighbor_texts(r), ("zh",)),
        ),
    ),
    Step(
        "embeddings.wang",
        "embeddings",
        "neighbors",
        "neighbors",
        _both({"word": "王", "k": 10}),
        Prediction(lambda r: "bytes" if r["byte_pieces"] else "names", ("names", "bytes")),
        (
            Claim("bytes", lambda r: len(r["byte_pieces"]) > 0, ("en",)),
            Claim("names", lambda r: not r["byte_pieces"] and {"李", "刘"} <= _neighbor_texts(r), ("zh",)),
        ),
    ),
    Step(
        "lens.paris",
        "lens",
        "layers",
        "layers",
        _both({"text": "The capital of France is"}),
        Prediction(lambda r: "late", ("early", "middle", "late")),
        (
            Claim("final", lambda r: r["final_top"] == " Paris"),
            Claim("late", lambda r: r["ranks"][len(r["ranks"]) // 2] > 100),
        ),
    ),
    _memory(
        "memory.fp16",
        "t4",
        [{"weight_format": "fp32"}, {"weight_format": "bf16"}],
        Prediction(lambda r: round(_gb(r, 1, "weights")), tolerance=0.1),
        Claim("half", lambda r: _gb(r, 0, "weights") == 2 * _gb(r, 1, "weights") == 32),
        Claim("t4", lambda r: not r["estimates"][1]["fits"]),
    ),
    _memory(
        "memory.adam",
        "a100-80",
        [{"mode": "training"}],
        Prediction(lambda r: round(_gb(r, 0, "weights", "gradients", "optimizer")), tolerance=0.15),
        Claim("sixteen", lambda r: _gb(r, 0, "weights", "gradients", "optimizer") == 16 * 8),
        Claim("a100", lambda r: not r["estimates"][0]["fits"]),
    ),
    _memory(
        "memory.checkpointing",
        "a100-80",
        [{"mode": "training"}, {"mode": "training", "checkpointing": "full"}],
        Prediction(lambda r: "activations", ("weights", "activations", "optimizer")),
        Claim("smaller", lambda r: _gb(r, 1, "activations") * 10 < _gb(r, 0, "activations")),
        Claim("states", lambda r: _gb(r, 1, "weights", "optimizer") == _gb(r, 0, "weights", "optimizer")),
    ),
    _memory(
        "memory.zero",
        "a100-80",
        [{"mode": "training", "n_gpus": 8, "zero_stage": 0}, {"mode": "training", "n_gpus": 8, "zero_stage": 3}],
        Prediction(lambda r: round(_gb(r, 1, "weights", "gradients", "optimizer")), tolerance=0.25),
        Claim("eighth", lambda r: _gb(r, 1, "optimizer") * 8 == _gb(r, 0, "optimizer")),
        Claim("fits", lambda r: not r["estimates"][0]["fits"] and r["estimates"][1]["fits"]),
    ),
    _memory(
        "memory.quantization",
        "t4",
        [{"weight_format": "bf16"}, {"weight_format": "q4_k_m"}],
        Prediction(lambda r: "yes" if r["estimates"][1]["fits"] else "no", ("yes", "no")),
        Claim("third", lambda r: _gb(r, 1, "weights") * 3 < _gb(r, 0, "weights")),
        Claim("fits", lambda r: r["estimates"][1]["fits"] and not r["estimates"][0]["fits"]),
    ),
    _memory(
        "memory.mac",
        "mac-48",
        [{"weight_format": "bf16"}, {"mode": "training"}],
        Prediction(lambda r: "run", ("both", "run", "neither")),
        Claim("runs", lambda r: r["estimates"][0]["fits"]),
        Claim("trains", lambda r: not r["estimates"][1]["fits"]),
        Claim("share", lambda r: r["estimates"][0]["usable"] < 48 * GB),
    ),
    *LATER_STEPS,  # tools (playground.core.lesson_later)
    *EDIT_STEPS,  # editing and merging (the same module)
)

CHAPTERS: tuple[str, ...] = tuple(dict.fromkeys(s.chapter for s in STEPS))
_BY_ID = {s.id: s for s in STEPS}


def _neighbor_texts(r: dict[str, Any]) -> set[str]:
    return {n["text"] for g in r["groups"] for n in g["neighbors"]}


def steps_for(role: str) -> tuple[Step, ...]:
    """The steps a lesson for `role` shows, in order."""
    return tuple(s for s in STEPS if role in s.inputs)


def get_step(step_id: Any) -> Step:
    """The step named `step_id`, or InputError naming it."""
    step = _BY_ID.get(str(step_id or "").strip())
    if step is None:
        raise InputError(f"There is no lesson step {step_id!r}; the steps are: {', '.join(_BY_ID)}.")
    return step


def held(step: Step, role: str, result: dict[str, Any]) -> dict[str, bool]:
    """Each claim shown for `role` -> whether it holds on `result` (a check that raises does not hold)."""
    out = {}
    for claim in step.claims_for(role):
        try:
            out[claim.code] = bool(claim.check(result))
        except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
            out[claim.code] = False
    return out
