"""Tools & RAG tab: what a model sees when it is given tools, one round of the tool-calling loop, and
retrieval-augmented answers over a shipped document set.

Thin: handlers and wiring. The tools, the loop and retrieval live in playground/core/tools.py, tool_calls.py,
tool_loop.py, rag.py and rag_answer.py; the layout in playground/tabs/tools_rag_layout.py; the charts in
playground/charts_tools_rag.py; the words in playground/words/tools_rag.py. Every request is stateless (the
chunk embeddings are a read-only cache per loaded model), so sessions cannot affect each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from playground.charts_tools_rag import fact_chart, scores_chart
from playground.core import rag_answer, tool_loop
from playground.core.tokens import token_text
from playground.core.validation import number
from playground.loader import get_loader
from playground.render import prompt_html
from playground.tabs.common import TabContext, code_box, friendly, json_box
from playground.tabs.tools_rag_layout import layout
from playground.words import tools_rag as words
from playground.words.tools_rag import tool_choices

ID = "tools_rag"
TITLE = "tools_rag.title"
MAX_NEW = 128  # tokens per reply at most: the loop answers twice, RAG twice, greedy, on a CPU


def _max_new(value: Any) -> int:
    return int(number("Max new tokens", value, 1, MAX_NEW, integer=True))


def _names(tools: Any) -> list[str] | None:
    return None if tools is None else [str(x) for x in tools]


def tool_prompt(model: str, message: str, tools: list[str] | None = None, lang: str = "en") -> tuple[Any, ...]:
    """The prompt with the tools (the model's template, or the system-prompt fallback) and without.

    Returns the summary, the added text, both prompts as token views, the code and the JSON result
    {model, native_tools, system, added_text, added_tokens, with: {text, ids, n_tokens}, without: {...}}."""
    with get_loader().use(model) as lm:
        tp = tool_loop.tool_prompt(lm.tokenizer, message, _names(tools))
        views = [
            prompt_html(p, [token_text(lm.tokenizer, i) for i in p.ids], lang) for p in (tp.with_tools, tp.without)
        ]
        n_with, n_without = tp.with_tools.n_tokens, tp.without.n_tokens
        return (
            words.tool_summary(lm.name, tp.native, n_with, n_without, lang),
            tp.added,
            *views,
            tool_loop.code_for(lm.source.model_id, tp, message),
            {"model": lm.name, **tool_loop.prompt_json(tp)},
        )


def tool_chat(
    model: str,
    message: str,
    tools: list[str] | None = None,
    assistant: str = "",
    max_new_tokens: float = 64,
    lang: str = "en",
) -> Iterator[tuple[Any, ...]]:
    """One round of the loop: reply (the model's, or `assistant` when given), parse, run, tool message, answer.

    Streams the steps worded as they come (the parsed call and the tool's result show while the model writes its
    answer); the last output carries the code and the JSON {model, native_tools, prompt_tokens, steps, messages,
    final_prompt}; each step is {kind, ok, ...} (see playground.core.tool_loop.iter_loop)."""
    with get_loader().use(model) as lm:
        for r in tool_loop.iter_loop(lm, message, _names(tools), assistant or "", _max_new(max_new_tokens)):
            if not r.done:  # the steps so far, while the model writes its next reply
                yield words.steps(tool_loop.loop_json(r)["steps"], lang, writing=True), gr.skip(), gr.skip()
                continue
            result = {"model": lm.name, **tool_loop.loop_json(r)}
            code = tool_loop.code_for(lm.source.model_id, r.prompt, message)
            yield words.steps(result["steps"], lang), code, result


def rag(model: str, question: str, k: float = 1, max_new_tokens: float = 48, lang: str = "en") -> tuple[Any, ...]:
    """Rank the chunks, answer with the best k in the prompt and without, score a labelled question's key fact.

    Returns the summary, the score chart, the fact chart, both answers, the augmented prompt view, the code and
    the JSON (playground.core.rag_answer.rag_json)."""
    with get_loader().use(model) as lm:
        r = rag_answer.answer(lm, question, int(k), _max_new(max_new_tokens))
        result = rag_answer.rag_json(r, lm)
        view = prompt_html(r.augmented, [token_text(lm.tokenizer, i) for i in r.augmented.ids], lang)
        code = rag_answer.code_for(lm.source.model_id, r.question, len(r.hits), r.layer, _max_new(max_new_tokens))
        return (
            words.rag_summary(result, lang),
            scores_chart(result, lang),
            fact_chart(result, lang),
            result["answer_with"],
            result["answer_without"],
            view,
            code,
            result,
        )


def build(ctx: TabContext) -> None:
    ui = layout(ctx)
    code, result = code_box(ctx), json_box(ctx)
    lang = ctx.langs
    ctx.after_model(
        gr.on(
            [ui.show_prompt.click],
            friendly(tool_prompt),
            [ctx.model, ui.message, ui.tools, *lang],
            [ui.prompt_summary, ui.added, ui.with_view, ui.without_view, code, result],
            api_name="tool_prompt",
        )
    )
    looped = gr.on(
        [ui.run_loop.click, ui.message.submit],
        friendly(tool_chat),
        [ctx.model, ui.message, ui.tools, ui.assistant, ui.max_new, *lang],
        [ui.steps, code, result],
        api_name="tool_chat",
    )
    # Then what the model saw, with and without the tools (tokenizing only); code and JSON stay the loop's.
    ctx.after_model(looped).then(
        friendly(lambda *args: tool_prompt(*args)[:4]),
        [ctx.model, ui.message, ui.tools, *lang],
        [ui.prompt_summary, ui.added, ui.with_view, ui.without_view],
        api_visibility="private",
        show_progress="hidden",
    )
    ctx.after_model(
        gr.on(
            [ui.ask.click, ui.question.submit],
            friendly(rag),
            [ctx.model, ui.question, ui.k, ui.max_new, *lang],
            [ui.rag_summary, ui.scores, ui.fact, ui.answer_with, ui.answer_without, ui.augmented, code, result],
            api_name="rag",
        )
    )

    def relabel(lang: str) -> dict:  # the tool choices' labels follow the page's language; their values stay
        return gr.update(choices=tool_choices(lang))

    ctx.on_lang(relabel, [ui.tools])
