"""Running one lesson step: the same core computations the tabs run, with the step's inputs.

`run(step, role, lm)` returns an `Outcome`: `data`, the core's own objects that the tab's charts take
(a Tokenization, a SamplingView, a NeighborsResult, ...), and `result`, a JSON-able dict of numbers that the
step's claims and prediction are checked against and that an export saves. Chat steps can also be run token
by token (`chat_generation`), so the page shows the first token at once; the editing steps and the tool loop
stream their first results (`stream`; the editing runners are in playground.core.lesson_edit).

Not here: the steps themselves (playground.core.lessons), words, charts, gradio.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core import lessons

if TYPE_CHECKING:
    from playground.core.generate import Generation
    from playground.loader import LoadedModel

# Kinds that read no weights (a config, or arithmetic only): they run with lm=None.
NO_WEIGHTS = {"architecture", "vram"}
# Kinds that read the tokenizer only: they run on a TokenizerOnly, so a lesson's first steps need no load.
TOKENIZER_ONLY = {"tokenize", "chat_loop", "tool_prompt"}


@dataclass(frozen=True)
class TokenizerOnly:
    """What a tokenizer-only step reads of a model: `tokenizer`, as on a LoadedModel."""

    tokenizer: Any


@dataclass(frozen=True)
class Outcome:
    data: Any  # the core's objects, for the charts
    result: dict[str, Any]  # numbers and texts: what the claims check and an export saves


def inputs_of(step: lessons.Step, role: str) -> dict[str, Any]:
    """The step's inputs for `role`, with the model they run on."""
    if role not in step.inputs:
        raise KeyError(f"step {step.id} is not shown for role {role}")
    return {"model": lessons.model_for(role), **step.inputs[role]}


def chat_generation(lm: LoadedModel, inputs: dict[str, Any]) -> tuple[Any, Generation]:
    """The prompt and the (not yet started) greedy reply of a chat step: iterate it for the tokens."""
    from playground.core import chat
    from playground.core.generate import Generation, Sampling

    prompt = chat.build_prompt(lm.tokenizer, inputs["question"], [], "", inputs["mode"])
    return prompt, Generation(lm, prompt.ids, Sampling(greedy=True, max_new_tokens=int(inputs["limit"])))


def chat_result(prompt: Any, gen: Generation, inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "mode": inputs["mode"],
        "question": inputs["question"],
        "prompt_tokens": prompt.n_tokens,
        "text": gen.text,
        "new_tokens": gen.new_tokens,
        "finish_reason": gen.finish_reason,
        "limit": int(inputs["limit"]),
    }


def _tokenize(lm: LoadedModel, i: dict[str, Any]) -> Outcome:
    from playground.core import tokens

    tok = tokens.tokenize(lm.tokenizer, i["text"], True)
    return Outcome(tok, tok.to_json())


def _next_token(lm: LoadedModel, i: dict[str, Any]) -> Outcome:
    from playground.core import next_token as nt

    ids = nt.check_forward(nt.prompt_ids(lm.tokenizer, i["prompt"]))
    view = nt.sampling_view(nt.last_logits(lm, ids), lm.tokenizer, i["temperature"], i["top_k"], i["top_p"], 10)
    return Outcome(view, {"prompt": i["prompt"], **view.to_json()})


def _chat(lm: LoadedModel, i: dict[str, Any]) -> Outcome:
    prompt, gen = chat_generation(lm, i)
    gen.run()
    return Outcome(gen, chat_result(prompt, gen, i))


def _chat_loop(lm: LoadedModel, i: dict[str, Any]) -> Outcome:
    from playground.core import chat

    user, reply = i["history"]
    history = [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    alone = chat.build_prompt(lm.tokenizer, i["message"], [], "", "official")
    full = chat.build_prompt(lm.tokenizer, i["message"], history, "", "official")
    result = {
        "alone": alone.n_tokens,
        "with_history": full.n_tokens,
        "text": full.text,
        "contains_history": user in full.text and reply in full.text,
    }
    return Outcome(full, result)


def _architecture(lm: LoadedModel | None, i: dict[str, Any]) -> Outcome:
    from playground.core.architecture import model_shape, to_json

    shape = model_shape(i["model"])
    return Outcome(shape, to_json(shape, "", None)["model"])


def _neighbors(lm: LoadedModel, i: dict[str, Any]) -> Outcome:
    from playground.core import neighbors

    r = neighbors.neighbors(lm, i["word"], int(i["k"]), "mean", "input")
    return Outcome(r, neighbors.to_json(r))


def _layers(lm: LoadedModel, i: dict[str, Any]) -> Outcome:
    from playground.core import layers

    hs = layers.hidden_states(lm, i["text"])
    stats, grid, at = layers.layer_stats(hs), layers.logit_lens(lm, hs), layers.lens_at(lm, hs, -1, None)
    result = {
        "text": i["text"],
        "tokens": list(hs.tokens),
        "final_top": at.target_text,
        "ranks": [layer.target_rank for layer in at.layers],  # (n_layers+1,) rank of the final top, per layer
        "tops": [layer.top[0][1] for layer in at.layers],
    }
    return Outcome((stats, grid, at), result)


def vram_forms(i: dict[str, Any]) -> list[Any]:
    """The calculator forms of a memory step (the VRAM tab's form, its defaults for the rest)."""
    from playground.core.vram.form import VramForm

    return [VramForm(model="", hardware=i["hardware"], **f) for f in i["forms"]]


def _vram(lm: LoadedModel | None, i: dict[str, Any]) -> Outcome:
    from playground.core.vram import estimate, to_inputs

    found = [estimate(to_inputs(form), with_fixes=False) for form in vram_forms(i)]
    result = {
        "estimates": [
            {"per_gpu": e.per_gpu.as_dict(), "usable": e.usable, "fits": e.fits, "verdict": e.verdict.kind}
            for e in found
        ]
    }
    return Outcome(found, result)


def _tool_prompt(lm: LoadedModel, i: dict[str, Any]) -> Outcome:
    from playground.core import tool_loop

    tp = tool_loop.tool_prompt(lm.tokenizer, i["message"])  # all tools, as the Tools & RAG tab opens
    return Outcome(tp, {"model": i["model"], "message": i["message"], **tool_loop.prompt_json(tp)})


def _tool_loop(lm: LoadedModel, i: dict[str, Any]) -> Iterator[Any]:
    """The loop so far (a tool_loop.LoopResult: the call parsed and run) while the model answers, then the Outcome."""
    from playground.core import tool_loop

    for r in tool_loop.iter_loop(lm, i["message"], None, i["assistant"], int(i["max_new_tokens"])):
        yield Outcome(r, {"message": i["message"], **tool_loop.loop_json(r)}) if r.done else r


def _last(items: Iterator[Any]) -> Outcome:
    *_, out = items
    assert isinstance(out, Outcome)
    return out


# Kinds that stream first results before their Outcome (playground.core.lesson_edit's Progress, Preview; the
# tool loop's steps so far).
STREAMED = {"steer", "finetune", "merge", "tool_loop"}


def stream(step: lessons.Step, role: str, lm: LoadedModel) -> Iterator[Any]:
    """A streamed kind's first results (Progress or Preview items, the tool loop so far), then its Outcome."""
    from playground.core import lesson_edit

    edits = {"steer": lesson_edit.steer, "finetune": lesson_edit.finetune, "merge": lesson_edit.merge}
    yield from {**edits, "tool_loop": _tool_loop}[step.kind](lm, inputs_of(step, role))


RUNNERS = {
    "tokenize": _tokenize,
    "next_token": _next_token,
    "chat": _chat,
    "chat_loop": _chat_loop,
    "architecture": _architecture,
    "neighbors": _neighbors,
    "layers": _layers,
    "vram": _vram,
    "tool_prompt": _tool_prompt,
}


def run(step: lessons.Step, role: str, lm: LoadedModel | None) -> Outcome:
    """Run `step` for `role` on `lm` (the role's model; None for the kinds in NO_WEIGHTS)."""
    if step.kind in STREAMED:
        return _last(stream(step, role, lm))  # type: ignore[arg-type]  # the streamed kinds need weights
    return RUNNERS[step.kind](lm, inputs_of(step, role))  # type: ignore[arg-type]  # lm=None only for NO_WEIGHTS
