"""Layer Representations tab: hidden states layer by layer, their norms and turns, and the logit lens.

Thin: components and wiring. The computations live in playground/core/layers.py, the charts in
playground/charts_inside.py.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts import plural
from playground.charts_inside import lens_heatmap, lens_rank_chart, next_cosine_heatmap, norms_heatmap, norms_lines
from playground.core import layers as core
from playground.core.tokens import show_piece
from playground.i18n import register
from playground.loader import get_loader
from playground.tabs.common import TabContext, code_box, friendly, json_box, model_examples

ID = "layers"
TITLE = "layers.title"

register({
    "layers.title": ("Layer Representations", "各層表示", "各层表示"),
    "layers.text": ("Text", "文字", "文本"),
    "layers.position": ("Lens position (-1 = last token)", "透鏡位置（-1 = 最後一個詞元）", "透镜位置（-1 = 最后一个词元）"),
    "layers.target": ("Token to track across layers", "要跨層追蹤的詞元", "要跨层追踪的词元"),
    "layers.target_info": (
        "One token, e.g. ' Rome' (leading space) or #12345 for an id; empty = the model's own prediction",
        "一個詞元，例如 ' Rome'（開頭有空格）或用 #12345 指定編號；留空 = 模型自己的預測",
        "一个词元，例如 ' Rome'（开头有空格）或用 #12345 指定编号；留空 = 模型自己的预测",
    ),
    "layers.run": ("Show the layers", "顯示各層", "显示各层"),
    "layers.summary": ("Summary", "摘要", "摘要"),
    "layers.shapes": ("output_hidden_states: one tensor per layer", "output_hidden_states：每層一個張量",
                      "output_hidden_states：每层一个张量"),
    "layers.norms": ("Norm per layer and token", "每層每個詞元的範數", "每层每个词元的范数"),
    "layers.lines": ("Norms across layers", "跨層的範數", "跨层的范数"),
    "layers.cosine": ("Similarity to the next layer", "與下一層的相似度", "与下一层的相似度"),
    "layers.lens": ("Logit lens", "Logit 透鏡", "Logit 透镜"),
    "layers.rank": ("Rank of the tracked token", "追蹤詞元的排名", "追踪词元的排名"),
    "layers.lens_table": ("Lens at the chosen position, layer by layer", "所選位置的透鏡，逐層",
                          "所选位置的透镜，逐层"),
    "layers.byte_warning": (
        "⚠️ **Byte pieces.** Some tokens of this text are not whole characters (shown as `<0xE8>`: bytes of a "
        "character's UTF-8 code; `byte_pieces` in the JSON lists their positions). At those positions the model "
        "has seen only part of a character, so the lens there mostly predicts the rest of some character, not "
        "the next word. Qwen2.5-Coder-0.5B-Instruct keeps most Chinese characters whole (a Traditional character "
        "or one after a space may still split).",
        "⚠️ **位元組片段。** 這段文字有些詞元不是完整的字元（顯示為 `<0xE8>`：某個字 UTF-8 編碼裡的位元組；JSON 裡的 "
        "`byte_pieces` 列出它們的位置）。在這些位置，模型只看到一個字的一部分，所以透鏡在那裡多半是在預測某個字剩下的"
        "位元組，而不是下一個詞。Qwen2.5-Coder-0.5B-Instruct 會保留大多數中文字的完整（繁體字或空格後的字仍可能被切開）。",
        "⚠️ **字节片段。** 这段文本有些词元不是完整的字符（显示为 `<0xE8>`：某个字 UTF-8 编码里的字节；JSON 里的 "
        "`byte_pieces` 列出它们的位置）。在这些位置，模型只看到一个字的一部分，所以透镜在那里多半是在预测某个字剩下的"
        "字节，而不是下一个词。Qwen2.5-Coder-0.5B-Instruct 会保留大多数汉字的完整（繁体字或空格后的字仍可能被切开）。",
    ),
})

SHAPE_HEADERS = ["hidden_states[i]", "what", "batch", "tokens", "hidden", "mean norm"]
LENS_HEADERS = ["layer", "rank of tracked", "p(tracked)", "top 1", "top 2", "top 3", "top 4", "top 5"]


def _shape_rows(stats: core.LayerStats) -> list[list[Any]]:
    last = len(stats.shapes) - 1
    rows = []
    for i, (b, t, d) in enumerate(stats.shapes):
        what = "embedding output" if i == 0 else f"after layer {i - 1}"
        if i == last and stats.last_is_normed:
            what += " + final norm"
        rows.append([i, what, b, t, d, round(sum(stats.norms[i]) / len(stats.norms[i]), 3)])
    return rows


def _lens_rows(at: core.LensAtPosition) -> list[list[Any]]:
    return [[x.layer, x.target_rank, round(x.target_prob, 5),
             *(f"{show_piece(text)} ({p:.3f})" for _i, text, p in x.top)] for x in at.layers]


def layer_representations(model: str, text: str, position: int, target: str) -> tuple:
    """Hidden states of `text` layer by layer, and the logit lens.

    Returns a summary, the shape table, the norm heatmap, the norm lines, the next-layer cosine
    chart, the lens heatmap, the rank chart, the lens table at `position`, the code and the JSON
    result (shapes, norms, cosines, lens grid, lens at the position with the tracked token's rank).
    """
    with get_loader().use(model) as lm:
        hs = core.hidden_states(lm, text)
        stats = core.layer_stats(hs)
        grid = core.logit_lens(lm, hs)
        chosen = (target or "").strip("\n") or None
        at = core.lens_at(lm, hs, position, chosen)
        T = len(hs.tokens)
        window = "" if len(grid.positions) == T else (
            f" The lens grid shows the last {len(grid.positions)} of {T} positions.")
        whose = "" if chosen else " (none given: the model's own prediction at the last layer)"
        summary = (f"**{T}** {plural(T, 'token')} through **{hs.n_layers}** layers of {lm.name}: "
                   f"`output_hidden_states` gives **{hs.n_layers + 1}** tensors of shape (1, {T}, "
                   f"{hs.states.shape[-1]}), the embedding output first; the last has already been through the "
                   f"final norm, so the lens applies that norm to all the others only.{window} Tracked token"
                   f"{whose}: `{show_piece(at.target_text)}` (id {at.target_id}) after `{show_piece(at.token)}` "
                   f"at position {at.position}: rank {at.layers[-1].target_rank} at the "
                   f"last layer; it first enters the top 10 at layer "
                   f"{next((x.layer for x in at.layers if x.target_rank <= 10), '—')}.")
        code = core.code_for(lm.source.model_id, text, core.norm_path(lm.model), at.position,
                             (target or "").strip("\n"))
        result = {"model": lm.name, **core.to_json(stats, grid, at)}
        return (summary, _shape_rows(stats), norms_heatmap(stats), norms_lines(stats), next_cosine_heatmap(stats),
                lens_heatmap(grid), lens_rank_chart(at), _lens_rows(at), code, result)


def show_byte_warning(result: dict | None) -> Any:
    """Show the byte-piece warning when the last result's text has byte pieces, hide it otherwise."""
    return gr.update(visible=bool((result or {}).get("byte_pieces")))


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    cap = config.settings().limits
    with gr.Row():
        with gr.Column(scale=3):
            text = tr.make(gr.Textbox, i18n={"label": "layers.text"}, lines=3, elem_id="layers-text",
                           value="The capital of France is Paris, and the capital of Italy is")
            go_btn = tr.make(gr.Button, i18n={"value": "layers.run"}, variant="primary")
        with gr.Column(scale=2):
            position = tr.make(gr.Number, i18n={"label": "layers.position"}, value=-1, precision=0,
                               minimum=-cap.max_forward_tokens, maximum=cap.max_forward_tokens - 1)
            target = tr.make(gr.Textbox, i18n={"label": "layers.target", "info": "layers.target_info"},
                             value=" Rome", lines=1, elem_id="layers-target")
    english, chinese = config.settings().default_model, config.settings().chinese_model
    examples = model_examples(ctx, [
        [english, "The capital of France is Paris, and the capital of Italy is", " Rome"],
        [english, "1, 2, 3, 4, 5,", " 6"], [chinese, "一、二、三、四、五、", "六"],
        [chinese, "中國的首都是北京，日本的首都是", ""], [english, "apple, Apple, 蘋果, 王", ""]], [text, target],
        label="Examples")
    # Shown when the text has byte pieces (result["byte_pieces"]); its text follows the language switch.
    byte_warning = tr.make(gr.Markdown, i18n={"value": "layers.byte_warning"}, visible=False,
                           elem_id="layers-byte-warning")
    summary = tr.make(gr.Markdown, i18n={"label": "layers.summary"})
    shapes = tr.make(gr.Dataframe, i18n={"label": "layers.shapes"}, headers=SHAPE_HEADERS, interactive=False,
                     max_height=300)
    norms = tr.make(gr.Plot, i18n={"label": "layers.norms"}, elem_id="layers-norms")
    with gr.Row():
        lines = tr.make(gr.Plot, i18n={"label": "layers.lines"}, elem_id="layers-lines")
        cosine = tr.make(gr.Plot, i18n={"label": "layers.cosine"}, elem_id="layers-cosine")
    lens = tr.make(gr.Plot, i18n={"label": "layers.lens"}, elem_id="layers-lens")
    rank = tr.make(gr.Plot, i18n={"label": "layers.rank"}, elem_id="layers-rank")
    lens_table = tr.make(gr.Dataframe, i18n={"label": "layers.lens_table"}, headers=LENS_HEADERS,
                         interactive=False, max_height=400)
    code = code_box(ctx)
    result = json_box(ctx)

    # The tracked token belongs to its text: the default's and an example's ' Rome' mean nothing after
    # another text, so editing the text clears them (the lens then tracks the model's own prediction).
    # A token the user typed stays: comparing one token across texts is a reason to type it.
    typed = gr.State(False)
    target.input(lambda: True, None, typed, api_visibility="private", queue=False, show_progress="hidden")
    examples.load_input_event.then(lambda: False, None, typed, api_visibility="private", queue=False,
                                   show_progress="hidden")
    text.input(lambda tgt, own: tgt if own else "", [target, typed], target, api_visibility="private",
               queue=False, show_progress="hidden")

    inputs = [ctx.model, text, position, target]
    outputs = [summary, shapes, norms, lines, cosine, lens, rank, lens_table, code, result]
    ctx.after_model(gr.on([go_btn.click, target.submit], friendly(layer_representations), inputs, outputs,
                          api_name="layer_representations")).then(
        show_byte_warning, result, byte_warning, api_visibility="private", queue=False, show_progress="hidden")
