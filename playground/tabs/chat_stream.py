"""The Chat tab's handlers: a streamed reply (/chat), the prompt preview (/chat_prompt), two template modes side
by side (/chat_compare). Their parameters are the table in playground.core.chat_call (one order for the
sliders, the API page and the checks); playground.tabs.chat wires them to the components.

Over playground.core.chat (templates, trimming, confidences), core.chat_reply (the prompt for a request, the
Chatbot messages and JSON of a reply), core.generate (the decode loop); words from playground.words.chat.
Not here: components, events.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from playground.core import chat
from playground.core.chat_call import COMPARE, PREVIEW, RESPOND, ChatCall, signature
from playground.core.chat_reply import prepare, prompt_json, reply_json, reply_messages, side_by_side
from playground.core.generate import Generation, in_background
from playground.core.tokens import token_text
from playground.i18n import t
from playground.loader import get_loader, resolve
from playground.render import confidence_html, prompt_html
from playground.words import chat as words

if TYPE_CHECKING:
    from playground.loader import LoadedModel

STREAM_INTERVAL = 0.1  # seconds between streamed updates at most 10 a second; decoding is ~10-20 tokens/s here
# The outputs of /chat, in order; a streamed update names the ones it changes and leaves the others (gr.skip).
OUTPUTS = ("chatbot", "message", "prompt_view", "notice", "conf_view", "code", "result")


def takes(names: tuple[str, ...], returns: Any = tuple) -> Callable[[Any], Any]:
    """Give a handler the API page's parameters `names` (see core.chat_call); it binds them with ChatCall.bind."""

    def give(fn: Any) -> Any:
        fn.__signature__ = signature(names, returns)
        return fn

    return give


def _update(**changed: Any) -> tuple:
    return tuple(changed[name] if name in changed else gr.skip() for name in OUTPUTS)


def _prompt_view(lm: LoadedModel, prompt: chat.Prompt) -> str:
    return prompt_html(prompt, [token_text(lm.tokenizer, i) for i in prompt.ids])


@takes(RESPOND, Iterator[tuple])
def respond(*args: Any, **kwargs: Any) -> Iterator[tuple]:
    """Stream one reply. Yields (history, cleared message box, prompt view, notice, confidence view, code, JSON).

    JSON while streaming: {reply, reasoning, done: false, new_tokens, ...}; the last one adds finish_reason,
    raw_reply, seed, timings and `tokens` [{id, text, p, top: [{text, p}]}].
    """
    c = ChatCall.bind(RESPOND, args, kwargs)
    sampling, mode = c.sampling(), chat.check_mode(c.mode)
    with get_loader().use(c.model) as lm:  # pinned: never dropped from the cache while this reply streams
        prompt = prepare(lm, c.message, c.history, c.system, mode, c.template, sampling.max_new_tokens)
        shown = [*(c.history or []), {"role": "user", "content": c.message}]
        notice, title = words.notice(prompt, c.lang), t("chat.reasoning", c.lang)
        if notice:
            gr.Warning(notice)
        gen, view = Generation(lm, prompt.ids, sampling), _prompt_view(lm, prompt)
        yield _update(
            chatbot=shown,
            message="",
            prompt_view=view,
            notice=notice,
            result=reply_json(lm, prompt, gen, sampling, False),
        )
        for _steps in in_background(gen):
            sent = time.perf_counter()
            reply = reply_messages(gen.text, prompt.opens_think, False, title)
            yield _update(chatbot=shown + reply, result=reply_json(lm, prompt, gen, sampling, False))
            # Each update costs the server CPU that decoding (on every core) would otherwise use: after an update,
            # let STREAM_INTERVAL pass; tokens decoded meanwhile go out together in the next one.
            if gen.finish_reason is None:
                time.sleep(max(0.0, STREAM_INTERVAL - (time.perf_counter() - sent)))
        settings = sampling.generate_kwargs()
        code = chat.code_snippet(resolve(c.model).model_id, prompt.messages, mode, c.template, settings, gen.seed)
        # The last update carries every output, so an API client's final result has no placeholders.
        yield (
            shown + reply_messages(gen.text, prompt.opens_think, True, title),
            "",
            view,
            words.after_reply(notice, gen.finish_reason, gen.new_tokens, c.lang),
            confidence_html(chat.confidences(gen.steps, lm.tokenizer)),
            code,
            reply_json(lm, prompt, gen, sampling, True),
        )


@takes(PREVIEW, tuple[str, dict])
def preview(*args: Any, **kwargs: Any) -> tuple[str, dict]:
    """What the model would see for this message, without generating. Returns (prompt view, JSON:
    {text, ids, tokens, special, roles, role_tokens, n_tokens, bos_doubled, warnings, dropped_turns, notice})."""
    c = ChatCall.bind(PREVIEW, args, kwargs)
    message = c.message if (c.message or "").strip() else "…"  # an empty box: the template around '…'
    with get_loader().use(c.model) as lm:
        prompt = prepare(lm, message, c.history, c.system, c.mode, c.template, c.max_new_tokens)
        return _prompt_view(lm, prompt), prompt_json(prompt)


@takes(COMPARE, Iterator[tuple])
def compare(*args: Any, **kwargs: Any) -> Iterator[tuple]:
    """The same question under two template modes, streamed side by side (one token of each in turn).
    Yields (reply A, reply B, prompt A, prompt B, JSON {a: {...}, b: {...}})."""
    c = ChatCall.bind(COMPARE, args, kwargs)
    s, modes = c.sampling(), (chat.check_mode(c.mode_a), chat.check_mode(c.mode_b))
    with get_loader().use(c.model) as lm:
        pa, pb = (prepare(lm, c.question, [], c.system, m, c.template, s.max_new_tokens) for m in modes)
        ga, gb = Generation(lm, pa.ids, s), Generation(lm, pb.ids, s)
        yield "", "", pa.text, pb.text, {}
        for _ in side_by_side(ga, gb):
            yield ga.text, gb.text, gr.skip(), gr.skip(), gr.skip()
        a, b = (reply_json(lm, p, g, s, True) | {"prompt": p.text} for p, g in ((pa, ga), (pb, gb)))
        yield ga.text, gb.text, pa.text, pb.text, {"a": a, "b": b}
