"""The Chat tab's components, laid out: conversation, settings, the prompt and confidence views, the comparison.

`layout(ctx)` creates them (labels through ctx.tr, sliders over core.sampling's ranges, template choices as
translated (label, value) pairs) and returns them in a `ChatUI`; playground.tabs.chat wires their events.
Not here: handlers, events, words (playground.words.chat).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from playground import config
from playground.core import chat
from playground.core.chat_call import KNOBS
from playground.core.sampling import ranges
from playground.tabs.common import TabContext, model_examples
from playground.tabs.widgets import accordion
from playground.words import chat as words
from playground.words import chat_tree as _tree_words  # noqa: F401 - registers chat.tree

# The lesson's examples: the source tutorial's question, and the same in English for the default model.
CHINESE_QUESTION = "天空為什麼是藍色的？"
ENGLISH_QUESTION = "Why is the sky blue?"
SLIDERS = KNOBS[1:-1]  # the sampling sliders, in the API's order (greedy before them, seed after)


@dataclass
class ChatUI:
    """The Chat tab's components by name, filled in by `layout` as it creates them."""

    chatbot: Any = None
    notice: Any = None
    message: Any = None
    send: Any = None
    stop: Any = None
    retry: Any = None
    edit: Any = None
    clear: Any = None
    tree: Any = None  # opens the last reply in the Generation Tree tab (playground/tabs/chat_reply_views.py)
    system: Any = None
    mode: Any = None
    template: Any = None
    knobs: list[Any] = field(default_factory=list)  # greedy, the SLIDERS, seed: the API's order
    preview: Any = None
    prompt_view: Any = None
    preview_json: Any = None
    conf_view: Any = None
    question: Any = None
    mode_a: Any = None
    mode_b: Any = None
    compare: Any = None
    reply_a: Any = None
    reply_b: Any = None
    prompt_a: Any = None
    prompt_b: Any = None


def layout(ctx: TabContext) -> ChatUI:
    tr, r, ui = ctx.tr, ranges(), ChatUI()
    tr.make(gr.Markdown, i18n={"value": "chat.lesson"})

    def box(key: str, **kw: Any) -> Any:
        return tr.make(gr.Textbox, i18n={"label": key}, **kw)

    def button(key: str, **kw: Any) -> Any:
        return tr.make(gr.Button, i18n={"value": key}, **kw)

    def modes(key: str, value: str, cls: Any = gr.Dropdown, **kw: Any) -> Any:
        return tr.make(cls, i18n={"label": key, **kw.pop("i18n", {})}, choices=words.mode_choices(), value=value, **kw)

    english, chinese = config.settings().default_model, config.settings().chinese_model
    with gr.Row():
        with gr.Column(scale=3):
            ui.chatbot = tr.make(
                gr.Chatbot,
                i18n={"label": "chat.conversation"},
                height=420,
                elem_id="chat-conversation",
                render_markdown=False,
                feedback_options=None,
            )
            ui.notice = gr.Markdown(elem_id="chat-notice", label="notice")
            with gr.Row(equal_height=True):
                ui.message = tr.make(
                    gr.Textbox,
                    i18n={"label": "chat.message", "placeholder": "chat.message_ph"},
                    lines=2,
                    scale=5,
                    elem_id="chat-message",
                )
                ui.send = button("chat.send", variant="primary", scale=1, min_width=80)
            model_examples(ctx, [[chinese, CHINESE_QUESTION], [english, ENGLISH_QUESTION]], [ui.message])
            with gr.Row():
                ui.stop = button("chat.stop", variant="stop", size="sm")
                ui.retry, ui.edit, ui.clear = (button(f"chat.{k}", size="sm") for k in ("retry", "edit", "clear"))
                ui.tree = button("chat.tree", size="sm", elem_id="chat-tree")
        with gr.Column(scale=2):
            ui.system = box("chat.system", lines=2, value="")
            ui.mode = modes("chat.mode", "official", gr.Radio, i18n={"info": "chat.mode_info"})
            ui.template = box("chat.template", lines=2, value=chat.HOMEMADE_PRESET)
            with accordion(ctx, "chat.sampling", open=True):
                ui.knobs = [
                    tr.make(gr.Checkbox, i18n={"label": "chat.greedy"}, value=True),
                    *(tr.make(gr.Slider, i18n={"label": f"chat.{n}"}, **r[n].slider()) for n in SLIDERS),
                    tr.make(gr.Number, i18n={"label": "chat.seed"}, value=-1, precision=0),
                ]
    with accordion(ctx, "chat.sees", open=False):
        ui.preview = button("chat.preview", size="sm")
        ui.prompt_view = tr.make(gr.HTML, i18n={"label": "chat.prompt_view"}, elem_id="chat-prompt-view")
        ui.preview_json = gr.JSON(visible=False)
    with accordion(ctx, "chat.confidence", open=False):
        ui.conf_view = tr.make(gr.HTML, i18n={"label": "chat.confidence_view"}, elem_id="chat-confidence")
    with accordion(ctx, "chat.compare", open=False):
        with gr.Row(equal_height=True):
            ui.question = box("chat.compare_q", value=ENGLISH_QUESTION, scale=3)
            ui.mode_a, ui.mode_b = modes("chat.mode_a", "official", scale=1), modes("chat.mode_b", "homemade", scale=1)
            ui.compare = button("chat.compare_go", scale=1)
        rows = [[chinese, CHINESE_QUESTION], [english, ENGLISH_QUESTION], [english, CHINESE_QUESTION]]
        model_examples(ctx, rows, [ui.question])
        with gr.Row():
            for side in "ab":
                with gr.Column():
                    reply = box("chat.reply", lines=8, interactive=False, elem_id=f"chat-reply-{side}")
                    setattr(ui, f"reply_{side}", reply)
                    setattr(ui, f"prompt_{side}", box("chat.prompt_text", lines=4, interactive=False))
    return ui
