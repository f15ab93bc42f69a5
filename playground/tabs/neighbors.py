"""Embedding Neighbors tab: the tokens nearest to a word by cosine similarity in the embedding table.

Thin: components and wiring. The search lives in playground/core/neighbors.py, the charts in
playground/charts_inside.py, the words in playground/words/neighbors.py.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts_inside import neighbors_bar, neighbors_scatter
from playground.core import neighbors as core
from playground.loader import get_loader
from playground.tabs import widgets
from playground.tabs.common import TabContext, code_box, friendly, json_box, model_examples
from playground.words import neighbors as words

ID = "neighbors"
TITLE = "neighbors.title"


def embedding_neighbors(model: str, word: str, k: int, mode: str, space: str, lang: str = "en") -> tuple[Any, ...]:
    """The k tokens nearest to `word` by cosine similarity in the input (or output) embedding table.

    Returns a summary, the bar chart, the PCA scatter, the table, the code and the JSON result
    (pieces, groups of neighbours with id/text/similarity, PCA points). `lang` words all but the JSON.
    """
    with get_loader().use(model) as lm:
        r = core.neighbors(lm, word, int(k), mode, space)
        code = core.code_for(lm.source.model_id, word, int(k), mode, space)
        return (
            words.summary(r, lm.name, lang),
            neighbors_bar(r, lang),
            neighbors_scatter(r, lang),
            words.table(r, core.table_rows(r), lang),
            code,
            {"model": lm.name, **core.to_json(r)},
        )


def relabel(lang: str) -> tuple[Any, Any]:
    """The radios' labels in the page's language; their values stay."""
    return gr.update(choices=words.mode_choices(lang)), gr.update(choices=words.space_choices(lang))


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    left, right = widgets.input_columns()
    with left:
        word = tr.make(
            gr.Textbox, i18n={"label": "neighbors.word", "info": "neighbors.word_info"}, value="apple", lines=1
        )
        go_btn = tr.make(gr.Button, i18n={"value": "neighbors.run"}, variant="primary")
    with right:
        k = widgets.count_slider(ctx, "neighbors.k", 10)
        mode = tr.make(
            gr.Radio,
            i18n={"label": "neighbors.mode", "info": "neighbors.mode_info"},
            choices=words.mode_choices(),
            value="mean",
        )
        space = tr.make(
            gr.Radio,
            i18n={"label": "neighbors.space", "info": "neighbors.space_info"},
            choices=words.space_choices(),
            value="input",
        )
    english, chinese = config.settings().default_model, config.settings().chinese_model
    model_examples(
        ctx,
        [
            [english, "apple"],
            [english, "Apple"],
            [chinese, "王"],
            [chinese, "苹果"],
            [chinese, "蘋果"],
            [english, "蘋果"],
        ],
        [word],
    )
    byte_warning = widgets.byte_warning(ctx, ID)  # shown when the word has byte pieces (result["byte_pieces"])
    summary = tr.make(gr.Markdown, i18n={"label": "neighbors.summary"})
    with gr.Row():
        bar = tr.make(gr.Plot, i18n={"label": "neighbors.bar"}, elem_id="neighbors-bar")
        scatter = tr.make(gr.Plot, i18n={"label": "neighbors.scatter"}, elem_id="neighbors-scatter")
    table = tr.make(gr.Dataframe, i18n={"label": "neighbors.table"}, headers=words.table_headers(), interactive=False)
    code, result = code_box(ctx), json_box(ctx)

    ctx.on_lang(relabel, [mode, space])
    inputs, outputs = [ctx.model, word, k, mode, space, *ctx.langs], [summary, bar, scatter, table, code, result]
    run = friendly(embedding_neighbors)
    shown = ctx.after_model(gr.on([go_btn.click, word.submit], run, inputs, outputs, api_name="embedding_neighbors"))
    widgets.then_byte_warning(shown, result, byte_warning)
