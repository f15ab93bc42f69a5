"""Layer Representations tab: hidden states layer by layer, their norms and turns, and the logit lens.

Thin: components and wiring. The computations live in playground/core/layers.py (and what the summary
states in core/layer_summary.py), the charts in playground/charts_inside.py, the words in
playground/words/layers.py.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts_inside import lens_heatmap, lens_rank_chart, next_cosine_heatmap, norms_heatmap, norms_lines
from playground.core import layer_summary as views
from playground.core import layers as core
from playground.loader import get_loader
from playground.tabs import commitment, widgets
from playground.tabs.common import QUIET, TabContext, code_box, friendly, json_box, model_examples
from playground.tabs.widgets import input_columns
from playground.words import layers as words

ID = "layers"
TITLE = "layers.title"


def layer_representations(model: str, text: str, position: int, target: str, lang: str = "en") -> tuple[Any, ...]:
    """Hidden states of `text` layer by layer, and the logit lens.

    Returns a summary, the shape table, the norm heatmap, the norm lines, the next-layer cosine
    chart, the lens heatmap, the rank chart, the lens table at `position`, the code and the JSON
    result (shapes, norms, cosines, lens grid, lens at the position with the tracked token's rank).
    `lang` words all but the code and the JSON.
    """
    with get_loader().use(model) as lm:
        hs = core.hidden_states(lm, text)
        stats = core.layer_stats(hs)
        grid = core.logit_lens(lm, hs)
        chosen = (target or "").strip("\n")
        at = core.lens_at(lm, hs, position, chosen or None)
        code = core.code_for(lm.source.model_id, text, core.norm_path(lm.model), at.position, chosen)
        return (
            words.summary(views.summarize(hs, grid, at, bool(chosen)), lm.name, lang),
            words.shape_table(views.shape_rows(stats), lang),
            norms_heatmap(stats, lang),
            norms_lines(stats, lang),
            next_cosine_heatmap(stats, lang),
            lens_heatmap(grid, lang),
            lens_rank_chart(at, lang),
            {"data": views.lens_rows(at), "headers": words.lens_headers(lang)},
            code,
            {"model": lm.name, **core.to_json(stats, grid, at)},
        )


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    limits = config.settings().limits
    left, right = input_columns()
    with left:
        text = tr.make(
            gr.Textbox,
            i18n={"label": "layers.text"},
            lines=3,
            elem_id="layers-text",
            value="The capital of France is Paris, and the capital of Italy is",
        )
        go_btn = tr.make(gr.Button, i18n={"value": "layers.run"}, variant="primary")
    with right:
        position = tr.make(
            gr.Number,
            i18n={"label": "layers.position"},
            value=-1,
            precision=0,
            minimum=-limits.max_forward_tokens,
            maximum=limits.max_forward_tokens - 1,
        )
        target = tr.make(
            gr.Textbox,
            i18n={"label": "layers.target", "info": "layers.target_info"},
            value=" Rome",
            lines=1,
            elem_id="layers-target",
        )
    english, chinese = config.settings().default_model, config.settings().chinese_model
    examples = model_examples(
        ctx,
        [
            [english, "The capital of France is Paris, and the capital of Italy is", " Rome"],
            [english, "1, 2, 3, 4, 5,", " 6"],
            [chinese, "一、二、三、四、五、", "六"],
            [chinese, "中國的首都是北京，日本的首都是", ""],
            [english, "apple, Apple, 蘋果, 王", ""],
        ],
        [text, target],
    )
    byte_warning = widgets.byte_warning(ctx, ID)  # shown when the text has byte pieces (result["byte_pieces"])
    summary = tr.make(gr.Markdown, i18n={"label": "layers.summary"})
    shapes = tr.make(
        gr.Dataframe, i18n={"label": "layers.shapes"}, headers=words.shape_headers(), interactive=False, max_height=300
    )
    norms = tr.make(gr.Plot, i18n={"label": "layers.norms"}, elem_id="layers-norms")
    with gr.Row():
        lines = tr.make(gr.Plot, i18n={"label": "layers.lines"}, elem_id="layers-lines")
        cosine = tr.make(gr.Plot, i18n={"label": "layers.cosine"}, elem_id="layers-cosine")
    lens = tr.make(gr.Plot, i18n={"label": "layers.lens"}, elem_id="layers-lens")
    rank = tr.make(gr.Plot, i18n={"label": "layers.rank"}, elem_id="layers-rank")
    lens_table = tr.make(
        gr.Dataframe,
        i18n={"label": "layers.lens_table"},
        headers=words.lens_headers(),
        interactive=False,
        max_height=400,
    )
    # Feature modules add their components here: below the lens, above the Code and JSON sections.
    code, result = code_box(ctx), json_box(ctx)

    # The tracked token belongs to its text: the default's and an example's ' Rome' mean nothing after
    # another text, so editing the text clears them (the lens then tracks the model's own prediction).
    # A token the user typed stays: comparing one token across texts is a reason to type it.
    typed = gr.State(False)
    target.input(lambda: True, None, typed, **QUIET)
    examples.load_input_event.then(lambda: False, None, typed, **QUIET)
    text.input(lambda tgt, own: tgt if own else "", [target, typed], target, **QUIET)

    inputs = [ctx.model, text, position, target, *ctx.langs]
    outputs = [summary, shapes, norms, lines, cosine, lens, rank, lens_table, code, result]
    run = friendly(layer_representations)
    shown = ctx.after_model(
        gr.on([go_btn.click, target.submit], run, inputs, outputs, api_name="layer_representations")
    )
    widgets.then_byte_warning(shown, result, byte_warning)
    commitment.section(ctx)  # the commitment strip (playground/tabs/commitment.py): its own text, endpoint and result
