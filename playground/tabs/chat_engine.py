"""The Chat tab's engine choice: transformers, llama.cpp or a served model, and the speed of the last reply.

`attach(ctx, ui, outputs, events)` adds the choice (and, for a served model, the server and the model name) at
the top of the conversation column, a line with the engine and its measured speed after every reply, and the
/chat_engine endpoint. `routed(respond)` makes the page's Send follow the session's engine choice while the
/chat endpoint stays as it was (the transformers engine): the choice of each browser session is kept in a small
store keyed by its session, bounded and freed when the page closes.

Not here: the engines (playground.engines), the conversation's components (playground.tabs.chat_layout).
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from playground import config, engines
from playground.tabs.chat_engine_reply import respond_engine
from playground.tabs.common import QUIET, TabContext, friendly
from playground.words import engine as words

SESSIONS = 4096  # engine choices remembered at most (one per open page; the oldest go first)
_choices: OrderedDict[str, tuple[str, str, str]] = OrderedDict()  # session -> (engine, server, served model)


def routed(respond: Callable[..., Iterator[tuple]]) -> Callable[..., Iterator[tuple]]:
    """`respond` for API callers (and pages that keep transformers); this page's engine otherwise.
    Same parameters as `respond` (the API page is unchanged) plus gradio's request, which names the session."""

    def handler(*args: Any) -> Iterator[tuple]:
        *inputs, request = args if args and isinstance(args[-1], gr.Request) else (*args, None)
        engine, server, served = _choices.get(getattr(request, "session_hash", None) or "", ("transformers", "", ""))
        if engine == "transformers":
            yield from respond(*inputs)
        else:
            yield from respond_engine(engine, server, served, *inputs)

    sig = inspect.signature(respond)
    extra = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=gr.Request)
    handler.__signature__ = sig.replace(parameters=[*sig.parameters.values(), extra])  # type: ignore[attr-defined]
    handler.__annotations__ = {"request": gr.Request}
    handler.__name__, handler.__doc__ = respond.__name__, respond.__doc__
    return handler


def remember(engine: str, server: str, served_model: str, request: gr.Request) -> None:
    if request.session_hash:
        _choices[request.session_hash] = (engines.check_engine(engine), server or "", served_model or "")
        _choices.move_to_end(request.session_hash)
        while len(_choices) > SESSIONS:
            _choices.popitem(last=False)


def forget(request: gr.Request) -> None:
    _choices.pop(request.session_hash or "", None)


def attach(ctx: TabContext, ui: Any, outputs: list[Any], events: list[Any]) -> None:
    """The engine choice above the conversation, the speed line, /chat_engine. `outputs`: /chat's outputs (the
    JSON result last); `events`: the page's reply events, after which the speed line is refreshed."""
    from playground.tabs.chat import GROUP  # the chat events' concurrency group (chat.py imports this module)

    tr = ctx.tr
    offered, servers = engines.available(), [s.name for s in config.settings().servers]
    names = {"label": "engine.server", "info": "engine.server_info"}
    with gr.Column(visible=len(offered) > 1) as group:
        with gr.Row(equal_height=True):
            engine = tr.make(
                gr.Radio,
                i18n={"label": "engine.label", "info": "engine.info"},
                scale=3,
                choices=words.engine_choices(offered),
                value="transformers",
                elem_id="chat-engine",
            )
            speed = gr.Markdown(elem_id="chat-speed")
        with gr.Row(visible=False) as served_row:
            # A hosted instance offers its settings' servers only; elsewhere a URL may be typed as well.
            server = (
                tr.make(gr.Dropdown, i18n=names, choices=servers, value=servers[0] if servers else None)
                if config.HOSTED
                else tr.make(gr.Textbox, i18n=names | {"placeholder": "engine.server_ph"}, value=",".join(servers[:1]))
            )
            served_model = tr.make(
                gr.Textbox, i18n={"label": "engine.served_model", "placeholder": "engine.served_model_ph"}
            )
    column = ui.chatbot.parent  # the engine's row goes first in the conversation's column
    group.parent.children.remove(group)
    column.children.insert(0, group)
    group.parent = column
    choice = [engine, server, served_model]
    gr.on([c.change for c in choice], friendly(remember), choice, None, **QUIET)
    engine.change(lambda e: gr.update(visible=e == "served"), engine, served_row, **QUIET)
    for event in events:
        event.then(words.speed, [outputs[-1], *ctx.langs], speed, **QUIET)
    go = gr.Button(visible=False)  # /chat_engine is an API endpoint; the page's Send goes through routed()
    inputs = [*choice, ctx.model, ui.message, ui.chatbot, ui.system, ui.mode, ui.template, *ui.knobs, *ctx.langs]
    go.click(friendly(respond_engine), inputs, outputs, api_name="chat_engine", **GROUP)
    if ctx.demo is not None:
        ctx.demo.unload(forget)

    def relabel(lang: str) -> Any:
        return gr.update(choices=words.engine_choices(offered, lang))

    ctx.on_lang(relabel, [engine])
