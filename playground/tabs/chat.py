"""Chat tab: a streamed chat with the selected model, its prompt made visible, template modes compared.

Handlers and events, over playground.core.chat (templates, trimming, reasoning, confidences), core.chat_reply
(the prompt for a request, the Chatbot messages and JSON of a reply), core.generate (the decode loop)
and core.sampling (whose ranges the sliders read); words come from playground.words.chat.
The conversation lives in the Chatbot's value, which each browser session holds on its own; a gr.State
keeps the session's last request for Retry.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from playground.core import chat
from playground.core.chat_reply import prepare, prompt_json, reply_json, reply_messages, side_by_side, split_last
from playground.core.generate import Generation, Sampling, check_sampling, in_background
from playground.core.tokens import token_text
from playground.i18n import t
from playground.loader import get_loader, resolve
from playground.render import confidence_html, prompt_html
from playground.tabs.chat_layout import layout
from playground.tabs.common import TabContext, code_box, friendly, json_box
from playground.words import chat as words

if TYPE_CHECKING:
    from playground.loader import LoadedModel

ID = "chat"
TITLE = "chat.title"
_SKIP = gr.skip
STREAM_INTERVAL = 0.1  # seconds between streamed updates at most 10 a second; decoding is ~10-20 tokens/s here


def _prompt_view(lm: LoadedModel, prompt: chat.Prompt) -> str:
    return prompt_html(prompt, [token_text(lm.tokenizer, i) for i in prompt.ids])


def respond(
    model: str,
    message: str,
    history: list | None,
    system: str,
    mode: str,
    template: str,
    greedy: bool,
    temperature: float,
    top_k: float,
    top_p: float,
    repetition_penalty: float,
    max_new_tokens: float,
    seed: float | None,
    lang: str = "en",
) -> Iterator[tuple]:
    """Stream one reply. Yields (history, cleared message box, prompt view, notice, confidence view, code, JSON).

    JSON while streaming: {reply, reasoning, done: false, new_tokens, ...}; the last one adds finish_reason,
    raw_reply, seed, timings and `tokens` [{id, text, p, top: [{text, p}]}].
    """
    sampling = check_sampling(greedy, temperature, top_k, top_p, repetition_penalty, max_new_tokens, seed)
    mode = chat.check_mode(mode)
    with get_loader().use(model) as lm:  # pinned: never dropped from the cache while this reply streams
        yield from _respond(lm, model, message, history, system, mode, template, sampling, lang)


def _respond(
    lm: LoadedModel,
    model: str,
    message: str,
    history: list | None,
    system: str,
    mode: str,
    template: str,
    sampling: Sampling,
    lang: str,
) -> Iterator[tuple]:
    prompt = prepare(lm, message, history, system, mode, template, sampling.max_new_tokens)
    shown = [*(history or []), {"role": "user", "content": message}]
    notice, title = words.notice(prompt, lang), t("chat.reasoning", lang)
    if notice:
        gr.Warning(notice)
    gen = Generation(lm, prompt.ids, sampling)
    view = _prompt_view(lm, prompt)
    yield shown, "", view, notice, _SKIP(), _SKIP(), reply_json(lm, prompt, gen, sampling, False)
    for _steps in in_background(gen):
        sent = time.perf_counter()
        yield (
            shown + reply_messages(gen.text, prompt.opens_think, False, title),
            _SKIP(),
            _SKIP(),
            _SKIP(),
            _SKIP(),
            _SKIP(),
            reply_json(lm, prompt, gen, sampling, False),
        )
        # Each update costs the server CPU that decoding (on every core) would otherwise use: after an update,
        # let STREAM_INTERVAL pass; tokens decoded meanwhile go out together in the next one.
        if gen.finish_reason is None:
            time.sleep(max(0.0, STREAM_INTERVAL - (time.perf_counter() - sent)))
    code = chat.code_snippet(
        resolve(model).model_id, prompt.messages, mode, template, sampling.generate_kwargs(), gen.seed
    )
    # The last yield carries every output, so an API client's final result has no placeholders.
    conf = confidence_html(chat.confidences(gen.steps, lm.tokenizer))
    notice = words.after_reply(notice, gen.finish_reason, gen.new_tokens, lang)
    yield (
        shown + reply_messages(gen.text, prompt.opens_think, True, title),
        "",
        view,
        notice,
        conf,
        code,
        reply_json(lm, prompt, gen, sampling, True),
    )


def preview(
    model: str,
    message: str,
    history: list | None,
    system: str,
    mode: str,
    template: str,
    max_new_tokens: float,
    lang: str = "en",
) -> tuple[str, dict]:
    """What the model would see for this message, without generating. Returns (prompt view, JSON:
    {text, ids, tokens, special, roles, role_tokens, n_tokens, bos_doubled, warnings, dropped_turns, notice})."""
    with get_loader().use(model) as lm:  # an empty box: the template around '…'
        prompt = prepare(
            lm, message if (message or "").strip() else "…", history, system, mode, template, max_new_tokens
        )
        return _prompt_view(lm, prompt), prompt_json(prompt)


def compare(
    model: str,
    question: str,
    system: str,
    mode_a: str,
    mode_b: str,
    template: str,
    greedy: bool,
    temperature: float,
    top_k: float,
    top_p: float,
    repetition_penalty: float,
    max_new_tokens: float,
    seed: float | None,
) -> Iterator[tuple]:
    """The same question under two template modes, streamed side by side (one token of each in turn).
    Yields (reply A, reply B, prompt A, prompt B, JSON {a: {...}, b: {...}})."""
    s = check_sampling(greedy, temperature, top_k, top_p, repetition_penalty, max_new_tokens, seed)
    modes = (chat.check_mode(mode_a), chat.check_mode(mode_b))
    with get_loader().use(model) as lm:
        pa, pb = (prepare(lm, question, [], system, m, template, s.max_new_tokens) for m in modes)
        ga, gb = Generation(lm, pa.ids, s), Generation(lm, pb.ids, s)
        yield "", "", pa.text, pb.text, {}
        for _ in side_by_side(ga, gb):
            yield ga.text, gb.text, _SKIP(), _SKIP(), _SKIP()
        yield (
            ga.text,
            gb.text,
            pa.text,
            pb.text,
            {
                "a": reply_json(lm, pa, ga, s, True) | {"prompt": pa.text},
                "b": reply_json(lm, pb, gb, s, True) | {"prompt": pb.text},
            },
        )


def clear() -> tuple:
    return [], "", "", "", "", {}


def relabel(lang: str) -> tuple:
    """The template choices' labels in the page's language (values unchanged)."""
    return (gr.update(choices=words.mode_choices(lang)),) * 3


def build(ctx: TabContext) -> None:
    ui = layout(ctx)
    code, result = code_box(ctx), json_box(ctx)
    lang = [ctx.lang] if ctx.lang is not None else []
    settings = [ui.system, ui.mode, ui.template, *ui.knobs]
    outputs = [ui.chatbot, ui.message, ui.prompt_view, ui.notice, ui.conf_view, code, result]
    pending = gr.State("")  # this session's message waiting to be resent by Retry
    stream, private = friendly(respond), dict[str, Any](api_visibility="private")
    # All chat events share one concurrency group: up to 8 replies stream at once, and their decode steps run as
    # one batched forward pass (core/batching.py: 8 chats give ~3.8x the tokens/s of one); light requests of
    # other tabs keep their own queue slots.
    group = {"concurrency_id": "chat", "concurrency_limit": 8}
    sent = gr.on(
        [ui.send.click, ui.message.submit],
        stream,
        [ctx.model, ui.message, ui.chatbot, *settings, *lang],
        outputs,
        api_name="chat",
        **group,
    )
    ctx.after_model(sent)
    retried = ui.retry.click(friendly(split_last), ui.chatbot, [ui.chatbot, pending], **private).success(
        stream, [ctx.model, pending, ui.chatbot, *settings, *lang], outputs, **private, **group
    )
    ui.edit.click(friendly(split_last), ui.chatbot, [ui.chatbot, ui.message], **private)
    compared = ui.compare.click(
        friendly(compare),
        [ctx.model, ui.question, ui.system, ui.mode_a, ui.mode_b, ui.template, *ui.knobs],
        [ui.reply_a, ui.reply_b, ui.prompt_a, ui.prompt_b, result],
        api_name="chat_compare",
        **group,
    )
    ui.stop.click(None, None, None, cancels=[sent, retried, compared], **private)
    gr.on(
        [ui.clear.click, ui.chatbot.clear],
        clear,
        None,
        [ui.chatbot, ui.message, ui.prompt_view, ui.notice, ui.conf_view, result],
        queue=False,
        **private,
    )
    preview_in = [ctx.model, ui.message, ui.chatbot, ui.system, ui.mode, ui.template, ui.knobs[5], *lang]
    ui.preview.click(friendly(preview), preview_in, [ui.prompt_view, ui.preview_json], api_name="chat_prompt")
    gr.on(
        [ui.mode.change, ui.template.change, ui.system.change],
        friendly(preview),
        preview_in,
        [ui.prompt_view, ui.preview_json],
        trigger_mode="always_last",
        show_progress="hidden",
        **private,
    )
    if ctx.lang is not None:
        ctx.lang.change(relabel, ctx.lang, [ui.mode, ui.mode_a, ui.mode_b], queue=False, **private)
