"""Next Token tab: the last position's logits, softmax, top-k candidates, the sampling pipeline
(temperature, top-k, top-p) re-drawn without a new forward pass, and step-by-step generation.

Per browser session, a gr.State keeps the prompt ids, the tokens appended so far and the current
logits, so moving a slider only re-ranks numbers already computed. Wiring only: the numbers come from
playground.core.next_token and core.sampling (whose RANGES the sliders read), the words from
playground/words/next_token.py.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts import next_token_chart
from playground.core.next_token import check_forward, code_for, last_logits, next_id, prompt_ids, sampling_view
from playground.core.sampling import RANGES
from playground.core.tokens import check_text, show_piece
from playground.errors import InputError
from playground.i18n import t
from playground.loader import get_loader, resolve
from playground.tabs.common import TabContext, code_box, friendly, json_box
from playground.words import next_token as words

ID = "next_token"
TITLE = "next_token.title"
HEADERS = words.headers("en")


def _render(state: dict, temperature: float, top_k: int, top_p: float, show: int, lang: str = "en") -> tuple:
    """Chart, table, summary, candidate choices, text so far and JSON from the logits kept in `state`."""
    tok = get_loader().tokenizer(state["model"])
    view = sampling_view(state["logits"], tok, temperature, top_k, top_p, show=show)
    summary = words.summary(
        len(state["ids"]),
        view.entropy_bits,
        view.temperature,
        view.tempered_entropy_bits,
        view.kept_count,
        view.kept_mass,
        lang,
    )
    choices = [
        (t("next_token.choice", lang, rank=c.rank, piece=show_piece(c.text), id=c.id, p=c.prob), c.id)
        for c in view.candidates
    ]
    table = {"headers": words.headers(lang), "data": view.rows((t("next_token.yes", lang), t("next_token.no", lang)))}
    result = view.to_json() | {"model": resolve(state["model"]).name, "n_tokens": len(state["ids"])}
    return (
        next_token_chart(view, lang=lang),
        table,
        summary,
        gr.update(choices=choices, value=choices[0][1]),
        tok.decode(state["ids"], skip_special_tokens=False),
        result,
    )


def _state_for(model: str, ids: list[int], n_prompt: int, chat: bool) -> dict:
    with get_loader().use(model) as lm:
        return {
            "model": model,
            "ids": ids,
            "n_prompt": n_prompt,
            "chat": chat,
            "logits": last_logits(lm, check_forward(ids)),
        }


def predict(
    model: str,
    prompt: str,
    chat_template: bool,
    temperature: float,
    top_k: int,
    top_p: float,
    show: int,
    lang: str = "en",
) -> tuple:
    """Run the model on `prompt` and show the next-token candidates.

    Returns the chart, the candidate table, a summary, the code, the JSON result
    (candidates with id, token, probability, logit, and the sampling stages), and the session state.
    """
    check_text(prompt, config.settings().limits.max_input_chars, what="prompt")
    ids = prompt_ids(get_loader().tokenizer(model), prompt, bool(chat_template))
    state = _state_for(model, ids, len(ids), bool(chat_template))
    chart, rows, summary, pick, text, result = _render(state, temperature, top_k, top_p, show, lang)
    code = code_for(resolve(model).model_id, prompt, bool(chat_template), int(show))
    return chart, rows, summary, pick, text, code, result, state


def _need(state: dict | None) -> dict:
    if not state:
        raise InputError("Predict the next token first.")
    return state


def rerender(state: dict | None, temperature: float, top_k: int, top_p: float, show: int, lang: str = "en") -> tuple:
    if not state:
        return (gr.update(),) * 6
    return _render(state, temperature, top_k, top_p, show, lang)


def append(
    state: dict | None, token_id: int | None, temperature: float, top_k: int, top_p: float, show: int, lang: str = "en"
) -> tuple:
    """Append `token_id` (None: the most likely) and compute the next distribution."""
    state = _need(state)
    tid = next_id(state["logits"], token_id)
    new = _state_for(state["model"], state["ids"] + [tid], state["n_prompt"], state["chat"])
    return (*_render(new, temperature, top_k, top_p, show, lang), new)


def append_top(state: dict | None, temperature: float, top_k: int, top_p: float, show: int, lang: str = "en") -> tuple:
    return append(state, None, temperature, top_k, top_p, show, lang)


def undo(state: dict | None, temperature: float, top_k: int, top_p: float, show: int, lang: str = "en") -> tuple:
    state = _need(state)
    if len(state["ids"]) <= state["n_prompt"]:
        raise InputError("Nothing to undo: only the prompt is left.")
    new = _state_for(state["model"], state["ids"][:-1], state["n_prompt"], state["chat"])
    return (*_render(new, temperature, top_k, top_p, show, lang), new)


def _slider(tr: Any, key: str, name: str) -> gr.Slider:
    """A slider over core.sampling.RANGES[name], starting where it leaves the distribution unchanged."""
    r = RANGES[name]
    return tr.make(gr.Slider, i18n={"label": key}, **r.slider(value=r.off))


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    state = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            prompt = tr.make(gr.Textbox, i18n={"label": "next_token.prompt"}, lines=3, value="1+1=")
            chat = tr.make(gr.Checkbox, i18n={"label": "next_token.chat"}, value=False)
            go_btn = tr.make(gr.Button, i18n={"value": "next_token.predict"}, variant="primary")
        with gr.Column(scale=2):
            temperature = _slider(tr, "next_token.temperature", "temperature")
            top_k = _slider(tr, "next_token.top_k", "top_k")
            top_p = _slider(tr, "next_token.top_p", "top_p")
            show = tr.make(
                gr.Slider,
                i18n={"label": "next_token.show"},
                minimum=1,
                maximum=min(50, config.settings().limits.max_top_k),
                step=1,
                value=15,
            )
    examples = gr.Examples(
        [["1+1="], ["The capital of France is"], ["台灣最高的山是"], ["Once upon a time"]],
        inputs=[prompt],
        label=t("common.examples"),
    )
    tr.items.append((examples.dataset, {"label": "common.examples"}))
    summary = gr.Markdown(label="summary")
    chart = tr.make(gr.Plot, i18n={"label": "next_token.chart"}, elem_id="next-token-chart")
    with gr.Row():
        pick = tr.make(gr.Dropdown, i18n={"label": "next_token.pick"}, choices=[], scale=3)
        top_btn = tr.make(gr.Button, i18n={"value": "next_token.append_top"}, scale=1)
        pick_btn = tr.make(gr.Button, i18n={"value": "next_token.append_pick"}, scale=1)
        undo_btn = tr.make(gr.Button, i18n={"value": "next_token.undo"}, scale=1)
    generated = tr.make(gr.Textbox, i18n={"label": "next_token.generated"}, interactive=False, lines=2)
    table = tr.make(gr.Dataframe, i18n={"label": "next_token.table"}, headers=HEADERS, interactive=False)
    code = code_box(ctx)
    result = json_box(ctx)

    lang = [ctx.lang] if ctx.lang is not None else []
    knobs = [temperature, top_k, top_p, show, *lang]
    view_out = [chart, table, summary, pick, generated, result]
    ctx.after_model(
        gr.on(
            [go_btn.click, prompt.submit],
            friendly(predict),
            [ctx.model, prompt, chat, *knobs],
            [chart, table, summary, pick, generated, code, result, state],
            api_name="next_token",
        )
    )
    gr.on(
        [k.change for k in knobs],
        friendly(rerender),
        [state, *knobs],
        view_out,
        api_visibility="private",
        queue=False,
        show_progress="hidden",
    )
    private: dict[str, Any] = {"api_visibility": "private"}
    top_btn.click(friendly(append_top), [state, *knobs], [*view_out, state], **private)
    pick_btn.click(friendly(append), [state, pick, *knobs], [*view_out, state], **private)
    undo_btn.click(friendly(undo), [state, *knobs], [*view_out, state], **private)
