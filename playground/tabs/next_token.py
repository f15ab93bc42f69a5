"""Next Token tab: the last position's logits, softmax, top-k candidates, the sampling pipeline
(temperature, top-k, top-p) re-drawn without a new forward pass, and step-by-step generation.

Per browser session, a gr.State keeps the prompt ids, the tokens appended so far and the current
logits, so moving a slider only re-ranks numbers already computed.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts import next_token_chart, plural
from playground.core.next_token import code_for, last_logits, prompt_ids, sampling_view
from playground.core.tokens import check_text, show_piece
from playground.errors import InputError
from playground.i18n import register
from playground.loader import get_loader, resolve
from playground.tabs.common import TabContext, code_box, friendly, json_box

ID = "next_token"
TITLE = "next_token.title"

register({
    "next_token.title": ("Next Token", "下一個詞元", "下一个词元"),
    "next_token.prompt": ("Prompt", "提示", "提示"),
    "next_token.chat": ("Wrap the prompt in the model's chat template", "用模型的對話模板包住提示",
                        "用模型的对话模板包住提示"),
    "next_token.predict": ("Predict the next token", "預測下一個詞元", "预测下一个词元"),
    "next_token.temperature": ("Temperature (0 = greedy)", "溫度（0 = 貪婪）", "温度（0 = 贪婪）"),
    "next_token.top_k": ("Top-k (0 = off)", "Top-k（0 = 關閉）", "Top-k（0 = 关闭）"),
    "next_token.top_p": ("Top-p (1 = off)", "Top-p（1 = 關閉）", "Top-p（1 = 关闭）"),
    "next_token.show": ("Candidates shown", "顯示的候選數", "显示的候选数"),
    "next_token.table": ("Candidates", "候選詞元", "候选词元"),
    "next_token.pick": ("Candidate to append", "要接上的候選詞元", "要接上的候选词元"),
    "next_token.append_top": ("Append the most likely", "接上最可能的", "接上最可能的"),
    "next_token.append_pick": ("Append the chosen one", "接上選的那個", "接上选的那个"),
    "next_token.undo": ("Undo", "復原", "撤销"),
    "next_token.chart": ("Next-token probabilities", "下一個詞元的機率", "下一个词元的概率"),
    "next_token.generated": ("Text so far (prompt + appended tokens)", "目前的文字（提示 + 接上的詞元）",
                             "目前的文本（提示 + 接上的词元）"),
})

HEADERS = ["rank", "id", "token", "text", "probability", "logit", "p(T)", "kept", "final p"]


def _rows(view: Any) -> list[list[Any]]:
    return [[c.rank, c.id, c.token, show_piece(c.text), round(c.prob, 6), round(c.logit, 4), round(c.tempered, 6),
             "yes" if c.kept else "no", round(c.final, 6)] for c in view.candidates]


def _render(state: dict, temperature: float, top_k: int, top_p: float, show: int) -> tuple:
    """Chart, table, summary, candidate choices and JSON from the logits kept in `state`."""
    lm_tok = get_loader().tokenizer(state["model"])
    show = int(show)
    if not 1 <= show <= config.settings().limits.max_top_k:
        raise InputError(f"Candidates shown must be between 1 and {config.settings().limits.max_top_k}, not {show}.")
    view = sampling_view(state["logits"], lm_tok, float(temperature), int(top_k), float(top_p), show=show)
    n_in, kept = len(state["ids"]), view.kept_count
    tempered = ("" if view.temperature == 1 else
                f" ({view.tempered_entropy_bits:.3f} bits at T={view.temperature:g})")
    summary = (f"**{n_in:,}** {plural(n_in, 'token')} in, entropy **{view.entropy_bits:.3f} bits** at temperature "
               f"1{tempered}; **{kept:,}** {plural(kept, 'token')} {'survives' if kept == 1 else 'survive'} "
               f"top-k/top-p, holding {view.kept_mass:.1%} of the tempered mass.")
    choices = [(f"{c.rank}. {show_piece(c.text)!s}  (id {c.id}, p={c.prob:.4f})", c.id) for c in view.candidates]
    text = lm_tok.decode(state["ids"], skip_special_tokens=False)
    result = view.to_json() | {"model": resolve(state["model"]).name, "n_tokens": len(state["ids"])}
    return (next_token_chart(view), _rows(view), summary, gr.update(choices=choices, value=choices[0][1]), text,
            result)


def _state_for(model: str, ids: list[int], n_prompt: int, chat: bool) -> dict:
    cap = config.settings().limits.max_forward_tokens
    if len(ids) > cap:
        raise InputError(f"The prompt has {len(ids):,} tokens; the limit for one forward pass here is {cap:,}.")
    with get_loader().use(model) as lm:
        return {"model": model, "ids": ids, "n_prompt": n_prompt, "chat": chat, "logits": last_logits(lm, ids)}


def predict(model: str, prompt: str, chat_template: bool, temperature: float, top_k: int, top_p: float,
            show: int) -> tuple:
    """Run the model on `prompt` and show the next-token candidates.

    Returns the chart, the candidate table, a summary, the code, the JSON result
    (candidates with id, token, probability, logit, and the sampling stages), and the session state.
    """
    check_text(prompt, config.settings().limits.max_input_chars, what="prompt")
    tokenizer = get_loader().tokenizer(model)
    ids = prompt_ids(tokenizer, prompt, bool(chat_template))
    state = _state_for(model, ids, len(ids), bool(chat_template))
    chart, rows, summary, pick, text, result = _render(state, temperature, top_k, top_p, show)
    src = resolve(model)
    code = code_for(src.model_id, prompt, bool(chat_template), int(show))
    return chart, rows, summary, pick, text, code, result, state


def _need(state: dict | None) -> dict:
    if not state:
        raise InputError("Predict the next token first.")
    return state


def rerender(state: dict | None, temperature: float, top_k: int, top_p: float, show: int) -> tuple:
    if not state:
        return (gr.update(),) * 6
    return _render(state, temperature, top_k, top_p, show)


def append(state: dict | None, token_id: int | None, temperature: float, top_k: int, top_p: float,
           show: int) -> tuple:
    """Append `token_id` (None: the most likely) and compute the next distribution."""
    state = _need(state)
    tid = int(state["logits"].argmax()) if token_id is None else int(token_id)
    if not 0 <= tid < state["logits"].numel():
        raise InputError(f"Token id {tid} is outside the vocabulary.")
    new = _state_for(state["model"], state["ids"] + [tid], state["n_prompt"], state["chat"])
    return (*_render(new, temperature, top_k, top_p, show), new)


def undo(state: dict | None, temperature: float, top_k: int, top_p: float, show: int) -> tuple:
    state = _need(state)
    if len(state["ids"]) <= state["n_prompt"]:
        raise InputError("Nothing to undo: only the prompt is left.")
    new = _state_for(state["model"], state["ids"][:-1], state["n_prompt"], state["chat"])
    return (*_render(new, temperature, top_k, top_p, show), new)


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    state = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            prompt = tr.make(gr.Textbox, i18n={"label": "next_token.prompt"}, lines=3, value="1+1=")
            chat = tr.make(gr.Checkbox, i18n={"label": "next_token.chat"}, value=False)
            go_btn = tr.make(gr.Button, i18n={"value": "next_token.predict"}, variant="primary")
        with gr.Column(scale=2):
            temperature = tr.make(gr.Slider, i18n={"label": "next_token.temperature"}, minimum=0, maximum=2,
                                  step=0.05, value=1.0)
            top_k = tr.make(gr.Slider, i18n={"label": "next_token.top_k"}, minimum=0, maximum=100, step=1, value=0)
            top_p = tr.make(gr.Slider, i18n={"label": "next_token.top_p"}, minimum=0.01, maximum=1, step=0.01,
                            value=1.0)
            show = tr.make(gr.Slider, i18n={"label": "next_token.show"}, minimum=1,
                           maximum=min(50, config.settings().limits.max_top_k), step=1, value=15)
    gr.Examples([["1+1="], ["The capital of France is"], ["台灣最高的山是"], ["Once upon a time"]], inputs=[prompt],
                label="Examples")
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

    knobs = [temperature, top_k, top_p, show]
    view_out = [chart, table, summary, pick, generated, result]
    ctx.after_model(gr.on([go_btn.click, prompt.submit], friendly(predict), [ctx.model, prompt, chat, *knobs],
                          [chart, table, summary, pick, generated, code, result, state], api_name="next_token"))
    for knob in knobs:
        knob.change(friendly(rerender), [state, *knobs], view_out, api_visibility="private", queue=False,
                    show_progress="hidden")
    top_btn.click(friendly(lambda s, *k: append(s, None, *k)), [state, *knobs], [*view_out, state],
                  api_visibility="private")
    pick_btn.click(friendly(append), [state, pick, *knobs], [*view_out, state], api_visibility="private")
    undo_btn.click(friendly(undo), [state, *knobs], [*view_out, state], api_visibility="private")

