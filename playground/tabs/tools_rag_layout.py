"""The Tools & RAG tab's components, laid out: the tool section (message, tools, prompts, the loop's steps) and
the retrieval section (question, scores, fact probabilities, both answers, the augmented prompt).

`layout(ctx)` creates them (labels through ctx.tr) and returns them in a `ToolsRagUI`; playground.tabs.tools_rag
wires their events. Not here: handlers, words (playground.words.tools_rag).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from playground import config
from playground.core import rag
from playground.core.tools import NAMES
from playground.i18n import t
from playground.tabs.common import TabContext, model_examples
from playground.words.tools_rag import tool_choices

QWEN_CALL = '<tool_call>\n{"name": "calculator", "arguments": {"expression": "(17 + 3) * 23"}}\n</tool_call>'
BAD_CALL = '{"name": "convert_units", "arguments": {"value": 10, "from_unit": "km", "to_unit": "kg"}}'


@dataclass
class ToolsRagUI:
    message: Any
    tools: Any
    assistant: Any
    max_new: Any
    show_prompt: Any
    run_loop: Any
    prompt_summary: Any
    added: Any
    with_view: Any
    without_view: Any
    steps: Any
    question: Any
    k: Any
    ask: Any
    rag_summary: Any
    scores: Any
    fact: Any
    answer_with: Any
    answer_without: Any
    augmented: Any


def layout(ctx: TabContext) -> ToolsRagUI:
    tr = ctx.tr
    english, chinese = config.settings().default_model, config.settings().chinese_model
    tr.make(gr.Markdown, i18n={"value": "tools_rag.lesson"})

    def accordion(key: str, **kw: Any) -> gr.Accordion:
        acc = gr.Accordion(t(key), **kw)
        tr.items.append((acc, {"label": key}))
        return acc

    with accordion("tools_rag.tools_section", open=True):
        with gr.Row():
            with gr.Column(scale=3):
                message = tr.make(gr.Textbox, i18n={"label": "tools_rag.message"}, value="What is (17 + 3) * 23?")
                assistant = tr.make(
                    gr.Textbox, i18n={"label": "tools_rag.assistant", "info": "tools_rag.assistant_info"}, lines=2
                )
                with gr.Row():
                    show_prompt = tr.make(gr.Button, i18n={"value": "tools_rag.show_prompt"})
                    run_loop = tr.make(gr.Button, i18n={"value": "tools_rag.run_loop"}, variant="primary")
            with gr.Column(scale=2):
                tools = tr.make(
                    gr.CheckboxGroup, i18n={"label": "tools_rag.tools"}, choices=tool_choices(), value=NAMES
                )
                max_new = tr.make(
                    gr.Slider, i18n={"label": "tools_rag.max_new"}, minimum=8, maximum=128, step=8, value=64
                )
        model_examples(
            ctx,
            [
                [chinese, "What is (17 + 3) * 23?", ""],
                [chinese, "How many miles is 42 km?", ""],
                [chinese, "What time is it in Taipei (UTC+08:00)?", ""],
                [english, "What is (17 + 3) * 23?", ""],
                [english, "What is (17 + 3) * 23?", QWEN_CALL],
                [english, "Convert 10 km.", BAD_CALL],
            ],
            [message, assistant],
        )
        steps = tr.make(gr.Markdown, i18n={"label": "tools_rag.steps"}, elem_id="tools-steps")
        prompt_summary = tr.make(gr.Markdown, i18n={"label": "tools_rag.prompt_summary"}, elem_id="tools-summary")
        added = tr.make(gr.Code, i18n={"label": "tools_rag.added"}, language=None, interactive=False)
        views = []
        with gr.Row():  # side by side on a desktop, one under the other on a phone (min_width)
            for key, elem in (("tools_rag.with_tools", "tools-with"), ("tools_rag.without_tools", "tools-without")):
                with gr.Column(min_width=340):
                    views.append(tr.make(gr.HTML, i18n={"label": key}, elem_id=elem, show_label=True, container=True))
        with_view, without_view = views
    with accordion("tools_rag.rag_section", open=True):
        with gr.Row(equal_height=True):
            question = tr.make(gr.Textbox, i18n={"label": "tools_rag.question"}, value=rag.corpus()[1][4].q, scale=4)
            k = tr.make(
                gr.Slider,
                i18n={"label": "tools_rag.k"},
                minimum=1,
                maximum=rag.MAX_K,
                step=1,
                value=rag.DEFAULT_K,
                scale=2,
            )
            ask = tr.make(gr.Button, i18n={"value": "tools_rag.ask"}, variant="primary", scale=1)
        model_examples(
            ctx,
            [[english, rag.corpus()[1][i].q] for i in (4, 5, 0)]
            + [[chinese, q.q] for q in rag.corpus()[1] if not q.q.isascii()][:2],
            [question],
        )
        rag_summary = tr.make(gr.Markdown, i18n={"label": "tools_rag.rag_summary"}, elem_id="rag-summary")
        with gr.Row():
            answer_with = tr.make(gr.Textbox, i18n={"label": "tools_rag.answer_with"}, lines=4, interactive=False)
            answer_without = tr.make(gr.Textbox, i18n={"label": "tools_rag.answer_without"}, lines=4, interactive=False)
        with gr.Row():
            scores = tr.make(gr.Plot, i18n={"label": "tools_rag.scores"}, elem_id="rag-scores")
            fact = tr.make(gr.Plot, i18n={"label": "tools_rag.fact_chart"}, elem_id="rag-fact")
        with accordion("tools_rag.augmented", open=False):
            augmented = tr.make(gr.HTML, i18n={"label": "tools_rag.augmented"}, elem_id="rag-augmented")
    return ToolsRagUI(
        message,
        tools,
        assistant,
        max_new,
        show_prompt,
        run_loop,
        prompt_summary,
        added,
        with_view,
        without_view,
        steps,
        question,
        k,
        ask,
        rag_summary,
        scores,
        fact,
        answer_with,
        answer_without,
        augmented,
    )
