"""The Chat tab's components, laid out: conversation, settings, the prompt and confidence views, the comparison.

`layout(ctx)` creates them (labels through ctx.tr, sliders over core.sampling's ranges, template choices as
translated (label, value) pairs) and returns them in a `ChatUI`; playground.tabs.chat wires their events.
Not here: handlers, events, words (playground.words.chat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from playground import config
from playground.core import chat
from playground.core.sampling import ranges
from playground.i18n import t
from playground.tabs.common import TabContext, model_examples
from playground.words import chat as words

# The lesson's examples: the source tutorial's question, and the same in English for the default model.
CHINESE_QUESTION = "天空為什麼是藍色的？"
ENGLISH_QUESTION = "Why is the sky blue?"
SAMPLING = ("temperature", "top_k", "top_p", "repetition_penalty", "max_new_tokens")  # sliders, in API order


@dataclass
class ChatUI:
    chatbot: Any
    notice: Any
    message: Any
    send: Any
    stop: Any
    retry: Any
    edit: Any
    clear: Any
    system: Any
    mode: Any
    template: Any
    knobs: list[Any]  # greedy, the SAMPLING sliders, seed: the API's order
    preview: Any
    prompt_view: Any
    preview_json: Any
    conf_view: Any
    question: Any
    mode_a: Any
    mode_b: Any
    compare: Any
    reply_a: Any
    reply_b: Any
    prompt_a: Any
    prompt_b: Any


def layout(ctx: TabContext) -> ChatUI:
    tr, r = ctx.tr, ranges()
    tr.make(gr.Markdown, i18n={"value": "chat.lesson"})

    def accordion(key: str, **kw: Any) -> gr.Accordion:
        acc = gr.Accordion(t(key), **kw)
        tr.items.append((acc, {"label": key}))
        return acc

    def examples(rows: list[list[str]], box: Any) -> None:
        ex = model_examples(ctx, rows, [box], label=t("chat.examples"))
        tr.items.append((ex.dataset, {"label": "chat.examples"}))

    def box(key: str, **kw: Any) -> Any:
        return tr.make(gr.Textbox, i18n={"label": key}, **kw)

    def button(key: str, **kw: Any) -> Any:
        return tr.make(gr.Button, i18n={"value": key}, **kw)

    def modes(key: str, value: str, cls: Any = gr.Dropdown, **kw: Any) -> Any:
        return tr.make(cls, i18n={"label": key, **kw.pop("i18n", {})}, choices=words.mode_choices(), value=value, **kw)

    english, chinese = config.settings().default_model, config.settings().chinese_model
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = tr.make(
                gr.Chatbot,
                i18n={"label": "chat.conversation"},
                height=420,
                elem_id="chat-conversation",
                render_markdown=False,
                feedback_options=None,
            )
            notice = gr.Markdown(elem_id="chat-notice", label="notice")
            with gr.Row(equal_height=True):
                message = tr.make(
                    gr.Textbox,
                    i18n={"label": "chat.message", "placeholder": "chat.message_ph"},
                    lines=2,
                    scale=5,
                    elem_id="chat-message",
                )
                send = button("chat.send", variant="primary", scale=1, min_width=80)
            examples([[chinese, CHINESE_QUESTION], [english, ENGLISH_QUESTION]], message)
            with gr.Row():
                stop = button("chat.stop", variant="stop", size="sm")
                retry, edit, clear = (button(f"chat.{k}", size="sm") for k in ("retry", "edit", "clear"))
        with gr.Column(scale=2):
            system = box("chat.system", lines=2, value="")
            mode = modes("chat.mode", "official", gr.Radio, i18n={"info": "chat.mode_info"})
            template = box("chat.template", lines=2, value=chat.HOMEMADE_PRESET)
            with accordion("chat.sampling", open=True):
                knobs = [
                    tr.make(gr.Checkbox, i18n={"label": "chat.greedy"}, value=True),
                    *(tr.make(gr.Slider, i18n={"label": f"chat.{n}"}, **r[n].slider()) for n in SAMPLING),
                    tr.make(gr.Number, i18n={"label": "chat.seed"}, value=-1, precision=0),
                ]
    with accordion("chat.sees", open=False):
        preview = button("chat.preview", size="sm")
        prompt_view = tr.make(gr.HTML, i18n={"label": "chat.prompt_view"}, elem_id="chat-prompt-view")
        preview_json = gr.JSON(visible=False)
    with accordion("chat.confidence", open=False):
        conf_view = tr.make(gr.HTML, i18n={"label": "chat.confidence_view"}, elem_id="chat-confidence")
    with accordion("chat.compare", open=False):
        with gr.Row(equal_height=True):
            question = box("chat.compare_q", value=ENGLISH_QUESTION, scale=3)
            mode_a, mode_b = modes("chat.mode_a", "official", scale=1), modes("chat.mode_b", "homemade", scale=1)
            compare = button("chat.compare_go", scale=1)
        examples([[chinese, CHINESE_QUESTION], [english, ENGLISH_QUESTION], [english, CHINESE_QUESTION]], question)
        with gr.Row():
            sides = []
            for side in "ab":
                with gr.Column():
                    sides.append(
                        (
                            box("chat.reply", lines=8, interactive=False, elem_id=f"chat-reply-{side}"),
                            box("chat.prompt_text", lines=4, interactive=False),
                        )
                    )
    (reply_a, prompt_a), (reply_b, prompt_b) = sides
    return ChatUI(
        chatbot,
        notice,
        message,
        send,
        stop,
        retry,
        edit,
        clear,
        system,
        mode,
        template,
        knobs,
        preview,
        prompt_view,
        preview_json,
        conf_view,
        question,
        mode_a,
        mode_b,
        compare,
        reply_a,
        reply_b,
        prompt_a,
        prompt_b,
    )
