"""A chat reply as the Chat tab and its API return it: Chatbot messages, the JSON result, the prompt's JSON.

`prepare(lm, message, ...)` is the prompt for one request, trimmed to fit the model's context and the cap;
`reply_messages(text, ...)` splits a reply into a reasoning block and the answer (Chatbot messages);
`reply_json(...)` is the JSON of one reply while streaming and when done; `prompt_json(prompt)` what
the model sees; `split_last(history)` the history without its last exchange, for Retry and Edit;
`side_by_side(a, b)` advances two generations one token each in turn (the template comparison).

Not here: rendering or tokenizing prompts (playground.core.chat), decoding (playground.core.generate),
words in three languages (the tab). JSON field names are the API's and stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from playground import config
from playground.core import chat
from playground.errors import InputError

if TYPE_CHECKING:
    from playground.core.generate import Generation, Sampling
    from playground.loader import LoadedModel


def prepare(
    lm: LoadedModel, message: str, history: Any, system: str, mode: str, template: str, max_new_tokens: Any
) -> chat.Prompt:
    """chat.fit_prompt within the cap and the model's context minus room for the reply. max_new_tokens is
    clamped to 1 .. limits.max_new_tokens (a preview follows the slider as it moves, without refusing)."""
    cap = config.settings().limits.max_new_tokens
    try:
        room = max(1, min(int(max_new_tokens or 1), cap))
    except (TypeError, ValueError):
        room = cap
    budget = chat.context_budget(lm.model.config, room)
    return chat.fit_prompt(lm.tokenizer, message, history, system, mode, template, budget)


def reply_messages(text: str, opens_think: bool, final: bool, reasoning_title: str = "Reasoning") -> list[dict]:
    """The assistant's reply as Chatbot messages: a collapsible reasoning block (if any), then the answer.
    '<think>a</think>b' -> [{content 'a', metadata {title, status 'done'}}, {content 'b'}]."""
    r = chat.split_reasoning(text, opened_by_prompt=opens_think)
    out: list[dict[str, Any]] = []
    if r.reasoning is not None:
        out.append(
            {
                "role": "assistant",
                "content": r.reasoning or "…",
                "metadata": {"title": reasoning_title, "status": "done" if r.done else "pending"},
            }
        )
    if r.answer or r.reasoning is None or final:
        out.append({"role": "assistant", "content": r.answer})
    return out


def reply_json(
    lm: LoadedModel, prompt: chat.Prompt, gen: Generation, sampling: Sampling, final: bool
) -> dict[str, Any]:
    """{reply, reasoning, done, new_tokens, ...} while streaming; the last one adds finish_reason, raw_reply,
    seed, timings and `tokens` [{id, text, p, top: [{text, p}]}]."""
    r = chat.split_reasoning(gen.text, opened_by_prompt=prompt.opens_think)
    out: dict[str, Any] = {
        "model": lm.name,
        "reply": r.answer,
        "reasoning": r.reasoning,
        "done": final,
        "new_tokens": gen.new_tokens,
        "prompt_tokens": prompt.n_tokens,
        "template_mode": prompt.mode,
    }
    if not final:
        return out
    out.update(
        {
            "finish_reason": gen.finish_reason or "stopped",
            "raw_reply": gen.text,
            "dropped_turns": prompt.dropped_turns,
            "notice": prompt.notice,
            "warnings": list(prompt.warnings),
            "role_tokens": prompt.role_counts,
            "seed": gen.seed,
            "sampling": sampling.__dict__ | {"seed": gen.seed if not sampling.is_greedy else sampling.seed},
            "time_to_first_token_s": round(gen.time_to_first_token or 0.0, 4),
            "seconds": round(gen.seconds, 4),
            "tokens_per_second": round(gen.tokens_per_second, 2),
            "tokens": [
                {"id": t.token_id, "text": t.text, "p": t.prob, "top": [{"text": a, "p": p} for a, p in t.alternatives]}
                for t in chat.confidences(gen.steps, lm.tokenizer)
            ],
        }
    )
    return out


def prompt_json(prompt: chat.Prompt) -> dict[str, Any]:
    """What the model sees: {text, ids, tokens, special, roles, role_tokens, n_tokens, add_special_tokens,
    bos_doubled, warnings, dropped_turns, notice}."""
    return {
        "text": prompt.text,
        "ids": prompt.ids,
        "tokens": prompt.tokens,
        "special": prompt.special,
        "roles": prompt.roles,
        "role_tokens": prompt.role_counts,
        "n_tokens": prompt.n_tokens,
        "add_special_tokens": prompt.add_special_tokens,
        "bos_doubled": prompt.bos_doubled,
        "warnings": list(prompt.warnings),
        "dropped_turns": prompt.dropped_turns,
        "notice": prompt.notice,
    }


def split_last(history: list | None) -> tuple[list, str]:
    """History without its last user message and what followed it, and that message's text."""
    history = list(history or [])
    for i in range(len(history) - 1, -1, -1):
        if history[i].get("role") == "user":
            return history[:i], chat.normalize_history([history[i]])[0]["content"]
    raise InputError("There is no message to retry or edit yet.")


def side_by_side(a: Generation, b: Generation) -> Iterator[None]:
    """Advance `a` and `b` one token each in turn until both finish; yields after every round."""
    live = [iter(a), iter(b)]
    while live:
        for it in list(live):
            if next(it, None) is None:
                live.remove(it)
        yield None
