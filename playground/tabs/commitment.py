"""The commitment strip as a section a tab's build() calls: a text (or a chat reply), the strip, the rank heatmap.

`section(ctx)` adds the components and wires the `commitment` endpoint; switching the mode re-colours the strip
from the numbers kept in the session (no new forward pass). The numbers come from playground.core.commitment,
the strip from playground.render_tree, the heatmap from playground.charts_tree, the words from
playground.words.tree.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground.charts_tree import commitment_heatmap
from playground.core import commitment as core
from playground.core import layers
from playground.loader import get_loader
from playground.render_tree import commitment_strip
from playground.tabs.common import QUIET, TabContext, code_box, friendly, json_box
from playground.words import tree as words

CODE = """import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model!r})
model = AutoModelForCausalLM.from_pretrained({model!r}, dtype=torch.float32)
ids = tokenizer({text!r}, return_tensors="pt").input_ids
with torch.inference_mode():
    hs = torch.stack(model(ids, output_hidden_states=True).hidden_states)[:, 0]  # (layers+1, tokens, d_model)
    # raw logit lens: the final norm on every state but the last (which has it), then the LM head
    logits = model.lm_head(torch.cat([model.{norm}(hs[:-1]), hs[-1:]])).float()  # (layers+1, tokens, vocab)
y = logits[-1].argmax(-1)                                  # the model's prediction at every position
target = logits.gather(-1, y[None, :, None].expand(len(logits), -1, 1))
rank = (logits > target).sum(-1) + 1                       # (layers+1, tokens), 1 = top
stays_top1 = (rank == 1).flip(0).cumprod(0).flip(0)        # 1 where it is top-1 from this layer to the last
commitment_layer = len(logits) - stays_top1.sum(0)         # first layer from which it stays top-1
print([(tokenizer.decode([int(t)]), int(l)) for t, l in zip(y, commitment_layer)])
"""


def commitment(model: str, text: str, reply: str = "", mode: str = "top1", lang: str = "en") -> tuple[Any, ...]:
    """The layer at which the model settles on its prediction, at every position of `text` (with `reply`: of the
    assistant's reply to `text` as one user turn, in the chat template). `mode`: top1, top3 or p50.

    Returns the summary, the strip (HTML), the rank heatmap, the code and the JSON result (per position: the
    predicted token, its commitment layer in each mode, its rank, probability and entropy at every layer).
    """
    mode = core.check_mode(mode)
    with get_loader().use(model) as lm:
        first = 0
        if reply and reply.strip():
            whole, before = core.reply_text(lm.tokenizer, text, reply)
            first = len(lm.tokenizer(before)["input_ids"]) - 1  # the position that predicts the reply's first token
            text = whole
        c = core.commitment(lm, layers.hidden_states(lm, text), first=first)
        code = CODE.format(model=lm.source.model_id, text=text, norm=layers.norm_path(lm.model))
        return (*render(c, mode, lang), code, {"model": lm.name, **core.to_json(c, mode)}, c)


def render(c: core.Commitment | None, mode: str, lang: str = "en") -> tuple[Any, Any, Any]:
    """Summary, strip and heatmap of numbers already computed (a mode switch re-colours, no forward pass)."""
    if c is None:
        return gr.update(), gr.update(), gr.update()
    mode = core.check_mode(mode)
    summary = words.commitment_summary(c, mode, lang)
    return summary, commitment_strip(c, mode, lang), commitment_heatmap(c, lang)


def section(ctx: TabContext, text: str = "The capital of France is Paris. The capital of Italy is Rome.") -> None:
    tr = ctx.tr
    kept = gr.State(None, time_to_live=3600)  # this session's last Commitment, for mode switches
    with tr.make(gr.Accordion, i18n={"label": "commit.title"}, open=True, elem_id="commit-title"):
        with gr.Row():
            with gr.Column(scale=3):
                box = tr.make(gr.Textbox, i18n={"label": "commit.text"}, lines=2, value=text)
                reply = tr.make(gr.Textbox, i18n={"label": "commit.reply"}, lines=1, value="")
            with gr.Column(scale=2):
                mode = tr.make(
                    gr.Radio,
                    i18n={"label": "commit.mode"},
                    choices=words.strip_mode_choices(),
                    value="top1",
                    elem_id="commit-mode",
                )
                run = tr.make(gr.Button, i18n={"value": "commit.run"}, variant="primary", elem_id="commit-run")
        tr.make(gr.Markdown, i18n={"value": "commit.note"}, elem_id="commit-note")
        summary = gr.Markdown()
        strip = tr.make(gr.HTML, i18n={"label": "commit.strip"}, elem_id="commit-strip")
        heat = tr.make(gr.Plot, i18n={"label": "commit.heatmap"}, elem_id="commit-heatmap")
        code = code_box(ctx)
        result = json_box(ctx)
    lang = ctx.langs
    ctx.after_model(
        gr.on(
            [run.click, box.submit],
            friendly(commitment),
            [ctx.model, box, reply, mode, *lang],
            [summary, strip, heat, code, result, kept],
            api_name="commitment",
        )
    )
    mode.change(friendly(render), [kept, mode, *lang], [summary, strip, heat], **QUIET)

    def relabel(lg: str) -> dict:
        return gr.update(choices=words.strip_mode_choices(lg))

    ctx.on_lang(relabel, [mode])
