"""Edit & Merge tab: steering by activation addition, a quick LoRA fine-tune, and merging weights.

Thin: handlers and events. The math lives in playground/core/steer.py, core/finetune.py and core/merge.py,
a session's adapters and merged model in core/edit_store.py (keyed by gradio's session hash, freed when the
page closes), the charts in playground/charts_edit.py, the words in playground/words/edit_merge.py, the
components in playground/tabs/edit_merge_layout.py, the fine-tune and merge handlers (the ones that keep
weights for the session) in playground/tabs/edit_merge_weights.py.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground.charts_edit import next_token_chart, sweep_heatmap
from playground.core import steer as st
from playground.core.edit_code import steer_code
from playground.loader import get_loader
from playground.tabs.common import TabContext, friendly
from playground.tabs.edit_merge_layout import layout
from playground.tabs.edit_merge_weights import finetune, free_session, merge
from playground.words import edit_merge as words

ID = "edit_merge"
TITLE = "edit_merge.title"


def steer(
    model: str,
    prompt: str,
    positive: str,
    negative: str,
    layer: float,
    strength: float,
    new_tokens: float,
    lang: str = "en",
) -> tuple[Any, ...]:
    """Add strength x (mean(positive) - mean(negative)) at one decoder layer while the model reads `prompt`.

    Returns the summary (with the plain and the steered greedy continuation), the next-token chart, the
    layer x strength sweep, the code and the JSON result (top tokens before/after, KL, continuations, sweep).
    """
    with get_loader().use(model) as lm:
        r = st.steer(lm, prompt, positive, negative, layer, strength, new_tokens=new_tokens)
        code = steer_code(lm.source.model_id, prompt, positive, negative, r.layer, r.strength, int(new_tokens))
        return (
            words.steer_summary(r, prompt, lang),
            next_token_chart(r, lang),
            sweep_heatmap(r, lang),
            code,
            {"model": lm.name, **st.to_json(r)},
        )


def build(ctx: TabContext) -> None:
    v = layout(ctx)
    lang = [ctx.lang] if ctx.lang is not None else []
    steer_in = [ctx.model, v.prompt, v.positive, v.negative, v.layer, v.strength, v.new_tokens, *lang]
    steer_out = [v.summary, v.next_chart, v.sweep_chart, v.code, v.json]
    ctx.after_model(gr.on([v.run.click, v.prompt.submit], friendly(steer), steer_in, steer_out, api_name="steer"))
    facts = [v.fact_prompt, v.fact_answer, v.control_prompt, v.control_answer]
    ft_in = [ctx.model, *facts, v.steps, v.lr, v.rank, v.seed, *lang]
    ft_out = [v.progress, v.loss_chart, v.ft_summary, v.ft_memory, v.ft_code, v.ft_json]
    ctx.after_model(v.ft_run.click(friendly(finetune), ft_in, ft_out, api_name="finetune", concurrency_limit=1))
    merge_in = [ctx.model, v.kind, v.alpha, v.other, *facts, *lang]
    merge_out = [v.merge_summary, v.curve_chart, v.merge_code, v.merge_json]
    ctx.after_model(
        gr.on(
            [v.merge_run.click, v.alpha.release],
            friendly(merge),
            merge_in,
            merge_out,
            api_name="merge",
            trigger_mode="always_last",
        )
    )
    if ctx.lang is not None:
        ctx.lang.change(
            lambda code: gr.update(choices=words.kind_choices(code)),
            ctx.lang,
            v.kind,
            api_visibility="private",
            queue=False,
            show_progress="hidden",
        )
    if ctx.demo is not None:
        ctx.demo.unload(free_session)
