"""Next Token tab: the last position's logits, softmax, top-k candidates, the sampling pipeline
(temperature, top-k, top-p) re-drawn without a new forward pass, and step-by-step generation.

Per browser session, a gr.State keeps a core.next_token.Steps (the prompt ids, the tokens appended so far and
the current logits), so moving a slider only re-ranks numbers already computed. Wiring only: the numbers come from
playground.core.next_token and core.sampling (whose RANGES the sliders read), the words from
playground/words/next_token.py.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts import next_token_chart
from playground.core.next_token import Steps, check_forward, code_for, last_logits, prompt_ids, sampling_view
from playground.core.sampling import RANGES
from playground.core.tokens import check_text
from playground.errors import InputError
from playground.loader import get_loader, resolve
from playground.tabs.common import PRIVATE, QUIET, TabContext, code_box, friendly, json_box
from playground.tabs.tree_handoff import from_next_token, send_button
from playground.tabs.widgets import count_slider, examples, input_columns
from playground.words import next_token as words

ID = "next_token"
TITLE = "next_token.title"
EXAMPLES = [["1+1="], ["The capital of France is"], ["台灣最高的山是"], ["Once upon a time"]]


def _render(steps: Steps, temperature: float, top_k: int, top_p: float, show: int, lang: str = "en") -> tuple:
    """Chart, table, summary, candidate choices, text so far and JSON from the logits kept in `steps`."""
    tok = get_loader().tokenizer(steps.model)
    view = sampling_view(steps.logits, tok, temperature, top_k, top_p, show=show)
    summary, choices, table = words.view_words(view, len(steps.ids), lang)
    result = view.to_json() | {"model": resolve(steps.model).name, "n_tokens": len(steps.ids)}
    pick = gr.update(choices=choices, value=choices[0][1])
    text = tok.decode(steps.ids, skip_special_tokens=False)
    return next_token_chart(view, lang=lang), table, summary, pick, text, result


def _steps(model: str, ids: list[int], n_prompt: int, chat: bool) -> Steps:
    with get_loader().use(model) as lm:
        return Steps(model, ids, n_prompt, chat, last_logits(lm, check_forward(ids)))


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
    steps = _steps(model, ids, len(ids), bool(chat_template))
    chart, rows, summary, pick, text, result = _render(steps, temperature, top_k, top_p, show, lang)
    code = code_for(resolve(model).model_id, prompt, bool(chat_template), int(show))
    return chart, rows, summary, pick, text, code, result, steps


def _need(steps: Steps | None) -> Steps:
    if not steps:
        raise InputError("Predict the next token first.")
    return steps


def _moved(steps: Steps, ids: list[int], *knobs: Any) -> tuple:
    """The view after one token more or less (`ids`), and the new state. knobs: T, k, p, show, lang."""
    new = _steps(steps.model, ids, steps.n_prompt, steps.chat)
    return (*_render(new, *knobs), new)


def rerender(steps: Steps | None, *knobs: Any) -> tuple:
    """The kept logits re-ranked for new knobs (T, k, p, show, lang); nothing before the first prediction."""
    return _render(steps, *knobs) if steps else (gr.update(),) * 6


def append(steps: Steps | None, token_id: int | None, *knobs: Any) -> tuple:
    """Append `token_id` (None: the most likely) and compute the next distribution."""
    steps = _need(steps)
    return _moved(steps, steps.appended(token_id), *knobs)


def append_top(steps: Steps | None, *knobs: Any) -> tuple:
    return append(steps, None, *knobs)


def undo(steps: Steps | None, *knobs: Any) -> tuple:
    steps = _need(steps)
    return _moved(steps, steps.undone(), *knobs)


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    state = gr.State(None)
    left, right = input_columns()
    with left:
        prompt = tr.make(gr.Textbox, i18n={"label": "next_token.prompt"}, lines=3, value="1+1=")
        chat = tr.make(gr.Checkbox, i18n={"label": "next_token.chat"}, value=False)
        go_btn = tr.make(gr.Button, i18n={"value": "next_token.predict"}, variant="primary")
    with right:
        # Each filter's slider starts where it leaves the distribution unchanged (core.sampling's `off`).
        temperature, top_k, top_p = (
            tr.make(gr.Slider, i18n={"label": f"next_token.{n}"}, **RANGES[n].slider(value=RANGES[n].off))
            for n in ("temperature", "top_k", "top_p")
        )
        show = count_slider(ctx, "next_token.show", 15)
    examples(ctx, EXAMPLES, [prompt])
    summary = gr.Markdown(label="summary")
    chart = tr.make(gr.Plot, i18n={"label": "next_token.chart"}, elem_id="next-token-chart")
    with gr.Row():
        pick = tr.make(gr.Dropdown, i18n={"label": "next_token.pick"}, choices=[], scale=3)
        top_btn = tr.make(gr.Button, i18n={"value": "next_token.append_top"}, scale=1)
        pick_btn = tr.make(gr.Button, i18n={"value": "next_token.append_pick"}, scale=1)
        undo_btn = tr.make(gr.Button, i18n={"value": "next_token.undo"}, scale=1)
        send_button(ctx, "tree.open_next", from_next_token, [ctx.model, state, prompt, chat], "next-token-tree")
    generated = tr.make(gr.Textbox, i18n={"label": "next_token.generated"}, interactive=False, lines=2)
    table = tr.make(gr.Dataframe, i18n={"label": "next_token.table"}, headers=words.headers(), interactive=False)
    # Feature modules add their components here: below the candidates, above the Code and JSON sections.
    code, result = code_box(ctx), json_box(ctx)

    knobs = [temperature, top_k, top_p, show, *ctx.langs]
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
    gr.on([k.change for k in knobs], friendly(rerender), [state, *knobs], view_out, **QUIET)
    top_btn.click(friendly(append_top), [state, *knobs], [*view_out, state], **PRIVATE)
    pick_btn.click(friendly(append), [state, pick, *knobs], [*view_out, state], **PRIVATE)
    undo_btn.click(friendly(undo), [state, *knobs], [*view_out, state], **PRIVATE)
