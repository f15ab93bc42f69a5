"""The Chat tab's last reply seen two more ways: as a generation tree (a button that hands it to the Generation
Tree tab) and as a commitment strip (the layer at which each of its tokens was decided), in an accordion.

Both read the reply after the prompt the Chat tab built for it (core.chat_reply.prepare, i.e. chat.fit_prompt with
the tab's system prompt, template mode and history), its token ids from the reply's JSON result when it is that
reply's. The strip is core.commitment.of_reply, drawn by the commitment section's own `render`
(playground/tabs/commitment.py). Not here: the chat's components (chat_layout) and reply events (chat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from playground.core import commitment as core
from playground.i18n import t
from playground.loader import get_loader
from playground.tabs import commitment
from playground.tabs.common import PRIVATE, QUIET, TabContext, friendly
from playground.tabs.tree_handoff import from_chat, reply_prompt
from playground.words import chat_tree as _words  # noqa: F401 - registers the strings
from playground.words import tree as words


def reply_strip(
    model: str,
    history: Any,
    system: str,
    mode: str,
    template: str,
    max_new_tokens: Any,
    result: Any,
    strip_mode: str = "top1",
    lang: str = "en",
) -> tuple[Any, ...]:
    """Summary, strip, heatmap and the kept numbers of the conversation's last reply (a message when none)."""
    with get_loader().use(model) as lm:
        found = reply_prompt(lm, history, system, mode, template, max_new_tokens, result, lang)
        if found is None:
            return t("chat.strip_none", lang), "", None, None
        prompt, reply = found
        c = core.of_reply(lm, prompt.ids, reply)
    return (*commitment.render(c, strip_mode, lang), c)


@dataclass
class StripUI:
    run: Any
    mode: Any
    summary: Any
    strip: Any
    heat: Any
    kept: Any


def section(ctx: TabContext) -> StripUI:
    """The strip's accordion (closed), below the conversation's other views."""
    tr = ctx.tr
    with tr.make(gr.Accordion, i18n={"label": "chat.strip"}, open=False, elem_id="chat-strip-section"):
        with gr.Row(equal_height=True):
            mode = tr.make(
                gr.Radio,
                i18n={"label": "commit.mode"},
                choices=words.strip_mode_choices(),
                value="top1",
                scale=3,
                elem_id="chat-strip-mode",
            )
            run = tr.make(gr.Button, i18n={"value": "chat.strip_run"}, scale=1, elem_id="chat-strip-run")
        tr.make(gr.Markdown, i18n={"value": "commit.note"}, elem_id="chat-strip-note")
        summary = gr.Markdown(elem_id="chat-strip-summary")
        strip = tr.make(gr.HTML, i18n={"label": "commit.strip"}, elem_id="chat-strip")
        heat = tr.make(gr.Plot, i18n={"label": "commit.heatmap"}, elem_id="chat-strip-heatmap")
    return StripUI(run, mode, summary, strip, heat, gr.State(None, time_to_live=3600))


def wire(ctx: TabContext, ui: Any, s: StripUI, result: gr.JSON) -> None:
    """The tree button's handoff and the strip's events; `ui`: the ChatUI, `result`: the reply's JSON."""
    chat_in = [ctx.model, ui.chatbot, ui.system, ui.mode, ui.template, ui.knobs[5], result]
    if ctx.handoff is not None and ctx.tabs is not None:
        ui.tree.click(friendly(from_chat), [*chat_in, *ctx.langs], [ctx.handoff, ctx.tabs], **PRIVATE)
    ctx.after_model(
        s.run.click(
            friendly(reply_strip), [*chat_in, s.mode, *ctx.langs], [s.summary, s.strip, s.heat, s.kept], **PRIVATE
        )
    )
    s.mode.change(friendly(commitment.render), [s.kept, s.mode, *ctx.langs], [s.summary, s.strip, s.heat], **QUIET)

    def relabel(lang: str) -> Any:
        return gr.update(choices=words.strip_mode_choices(lang))

    ctx.on_lang(relabel, [s.mode])
