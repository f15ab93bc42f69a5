"""Chat tab: a streamed chat with the selected model, its prompt made visible, template modes compared.

Wiring only: the components come from playground.tabs.chat_layout, the handlers (/chat, /chat_prompt,
/chat_compare; importable from here) from playground.tabs.chat_stream, their parameters from core.chat_call.
The conversation lives in the Chatbot's value, which each browser session holds on its own; a gr.State
keeps the session's last request for Retry.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground.core.chat_reply import split_last
from playground.tabs import chat_engine, chat_reply_views
from playground.tabs.chat_layout import ChatUI, layout
from playground.tabs.chat_stream import compare, preview, respond
from playground.tabs.common import PRIVATE, TabContext, code_box, friendly, json_box
from playground.words import chat as words

ID = "chat"
TITLE = "chat.title"
# All chat events share one concurrency group: up to 8 replies stream at once, and their decode steps run as
# one batched forward pass (core/batching.py: 8 chats give ~3.8x the tokens/s of one); light requests of
# other tabs keep their own queue slots.
GROUP: dict[str, Any] = {"concurrency_id": "chat", "concurrency_limit": 8}


def clear() -> tuple:
    return [], "", "", "", "", {}


def relabel(lang: str) -> tuple:
    """The template choices' labels in the page's language (values unchanged)."""
    return (gr.update(choices=words.mode_choices(lang)),) * 3


def build(ctx: TabContext) -> None:
    ui = layout(ctx)
    # Feature modules add their components here: below the comparison, above the Code and JSON sections.
    strip = chat_reply_views.section(ctx)  # the last reply's commitment strip
    code, result = code_box(ctx), json_box(ctx)
    events = _wire(ctx, ui, code, result)  # the reply events (Send/Enter, Retry): a feature chains its own on them
    chat_reply_views.wire(ctx, ui, strip, result)  # the reply as a tree (a handoff) and its strip
    chat_engine.attach(ctx, ui, [ui.chatbot, ui.message, ui.prompt_view, ui.notice, ui.conf_view, code, result], events)


def _wire(ctx: TabContext, ui: ChatUI, code: gr.Code, result: gr.JSON) -> list[Any]:
    """The tab's events; returns the reply events (Send/Enter and Retry), which stream into the conversation."""
    settings = [ui.system, ui.mode, ui.template, *ui.knobs]
    outputs = [ui.chatbot, ui.message, ui.prompt_view, ui.notice, ui.conf_view, code, result]
    pending = gr.State("")  # this session's message waiting to be resent by Retry
    stream = friendly(chat_engine.routed(respond))  # the page's engine choice; /chat itself stays transformers
    sent = gr.on(
        [ui.send.click, ui.message.submit],
        stream,
        [ctx.model, ui.message, ui.chatbot, *settings, *ctx.langs],
        outputs,
        api_name="chat",
        **GROUP,
    )
    ctx.after_model(sent)
    retried = ui.retry.click(friendly(split_last), ui.chatbot, [ui.chatbot, pending], **PRIVATE).success(
        stream, [ctx.model, pending, ui.chatbot, *settings, *ctx.langs], outputs, **PRIVATE, **GROUP
    )
    ui.edit.click(friendly(split_last), ui.chatbot, [ui.chatbot, ui.message], **PRIVATE)
    compared = ui.compare.click(
        friendly(compare),
        [ctx.model, ui.question, ui.system, ui.mode_a, ui.mode_b, ui.template, *ui.knobs],
        [ui.reply_a, ui.reply_b, ui.prompt_a, ui.prompt_b, result],
        api_name="chat_compare",
        **GROUP,
    )
    ui.stop.click(None, None, None, cancels=[sent, retried, compared], **PRIVATE)
    cleared = [ui.chatbot, ui.message, ui.prompt_view, ui.notice, ui.conf_view, result]
    gr.on([ui.clear.click, ui.chatbot.clear], clear, None, cleared, queue=False, **PRIVATE)
    preview_in = [ctx.model, ui.message, ui.chatbot, ui.system, ui.mode, ui.template, ui.knobs[5], *ctx.langs]
    ui.preview.click(friendly(preview), preview_in, [ui.prompt_view, ui.preview_json], api_name="chat_prompt")
    gr.on(
        [ui.mode.change, ui.template.change, ui.system.change],
        friendly(preview),
        preview_in,
        [ui.prompt_view, ui.preview_json],
        trigger_mode="always_last",
        show_progress="hidden",
        **PRIVATE,
    )
    ctx.on_lang(relabel, [ui.mode, ui.mode_a, ui.mode_b])
    return [sent, retried]
