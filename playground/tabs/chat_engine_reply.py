"""The Chat tab's reply through the engine a request names (transformers, llama.cpp or a served model):
the handler of /chat_engine and of the page's Send when its engine is not transformers.

Yields what /chat yields, over playground.engines.route (prompt, reply, JSON, Code); words from
playground.words.chat and playground.words.engine. Not here: the engine choice's components (tabs.chat_engine).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from playground import engines
from playground.core import chat
from playground.core.chat_call import RESPOND, ChatCall, signature
from playground.core.chat_reply import reply_messages
from playground.core.generate import in_background
from playground.core.tokens import token_text
from playground.engines import route
from playground.i18n import t
from playground.render import confidence_html, prompt_html
from playground.tabs.chat_stream import respond
from playground.words import chat as chat_words

ENGINE = ("engine", "server", "served_model")  # /chat_engine's own parameters, before /chat's
STREAM_INTERVAL = 0.1  # seconds between streamed updates: llama.cpp's ~200 tokens/s go out ~20 at a time


def _signature() -> inspect.Signature:
    """/chat_engine's parameters: the engine, the server and the model name on it, then /chat's (core.chat_call)."""
    kind, chat_sig = inspect.Parameter.POSITIONAL_OR_KEYWORD, signature(RESPOND, Iterator[tuple])
    own = [inspect.Parameter(name, kind, annotation=str) for name in ENGINE]
    return chat_sig.replace(parameters=[*own, *chat_sig.parameters.values()])


def respond_engine(*args: Any, **kwargs: Any) -> Iterator[tuple]:
    """/chat's reply through `engine` ("transformers", "llama.cpp" or "served"; `server` and `served_model` name
    a served one). Yields what /chat yields; the JSON adds `engine` (and `server`)."""
    values = SIGNATURE.bind(*args, **kwargs).arguments
    engine, server, served_model = (values.pop(name) for name in ENGINE)
    engine, c = engines.check_engine(engine), ChatCall(**values)
    if engine == "transformers":
        for out in respond(**values):
            yield (*out[:6], out[6] | {"engine": "transformers"} if isinstance(out[6], dict) else out[6])
        return
    mode, lang = chat.check_mode(c.mode), c.lang
    run = route.start(
        engine, server, served_model, c.model, c.message, c.history, c.system, mode, c.template, c.sampling()
    )
    shown, skip = [*(c.history or []), {"role": "user", "content": c.message}], gr.skip()
    prompt, title = run.prompt, t("chat.reasoning", lang)
    notice = chat_words.notice(prompt, lang) if prompt else t("engine.no_prompt", lang, model=run.model)
    view = prompt_html(prompt, [token_text(run.tokenizer, i) for i in prompt.ids], lang) if prompt else ""
    yield shown, "", view, notice, skip, skip, route.run_json(run, False)
    opens = bool(prompt and prompt.opens_think)
    for _steps in in_background(run.reply):
        sent = time.perf_counter()
        yield shown + reply_messages(run.reply.text, opens, False, title), *(skip,) * 5, route.run_json(run, False)
        if run.reply.finish_reason is None:  # as the transformers route: updates at most every STREAM_INTERVAL
            time.sleep(max(0.0, STREAM_INTERVAL - (time.perf_counter() - sent)))
    conf = confidence_html(run.reply.confidences(run.tokenizer), lang)
    notice = chat_words.after_reply(notice, run.reply.finish_reason, run.reply.new_tokens, lang)
    final = shown + reply_messages(run.reply.text, opens, True, title)
    yield final, "", view, notice, conf, route.code(run), route.run_json(run, True)


SIGNATURE = _signature()
respond_engine.__signature__ = SIGNATURE  # type: ignore[attr-defined]  # what gradio reads the API page from
