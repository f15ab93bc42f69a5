"""The Edit & Merge tab's components: three sub-tabs (Steering, Fine-tune, Merge), their inputs and outputs.

Layout only: no events (playground/tabs/edit_merge.py wires them), no math, no words (their keys come from
playground/words/edit_merge.py).
"""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from playground import config
from playground.core import finetune, merge, steer
from playground.tabs.common import TabContext, code_box, json_box, model_examples
from playground.words import edit_merge as words


def _outputs(ctx: TabContext, prefix: str) -> tuple[gr.Code, gr.JSON]:
    return code_box(ctx), json_box(ctx)


def steer_view(ctx: TabContext) -> SimpleNamespace:
    tr = ctx.tr
    v = SimpleNamespace()
    tr.make(gr.Markdown, i18n={"value": "edit_merge.steer_intro"})
    with gr.Row():
        with gr.Column(scale=3):
            v.prompt = tr.make(gr.Textbox, i18n={"label": "edit_merge.prompt"}, value="I think dogs are", lines=1)
            with gr.Row():
                v.positive = tr.make(gr.Textbox, i18n={"label": "edit_merge.positive"}, value="I love you", lines=2)
                v.negative = tr.make(gr.Textbox, i18n={"label": "edit_merge.negative"}, value="I hate you", lines=2)
            v.run = tr.make(gr.Button, i18n={"value": "edit_merge.steer_run"}, variant="primary")
        with gr.Column(scale=2):
            v.layer = tr.make(gr.Number, i18n={"label": "edit_merge.layer"}, value=12, precision=0, minimum=-64)
            v.strength = tr.make(
                gr.Slider,
                i18n={"label": "edit_merge.strength"},
                minimum=-steer.MAX_STRENGTH,
                maximum=steer.MAX_STRENGTH,
                step=0.5,
                value=2,
            )
            v.new_tokens = tr.make(
                gr.Slider,
                i18n={"label": "edit_merge.new_tokens"},
                minimum=1,
                maximum=steer.MAX_NEW_TOKENS,
                step=1,
                value=12,
            )
    english, chinese = config.settings().default_model, config.settings().chinese_model
    model_examples(
        ctx,
        [
            [english, "I think dogs are", "I love you", "I hate you"],
            [english, "The weather today is", "Wonderful, happy, sunny", "Awful, sad, rainy"],
            [chinese, "我觉得狗", "我爱你", "我恨你"],
        ],
        [v.prompt, v.positive, v.negative],
    )
    v.summary = tr.make(gr.Markdown, i18n={"label": "edit_merge.summary"})
    with gr.Row():
        v.next_chart = tr.make(gr.Plot, i18n={"label": "edit_merge.next_chart"}, elem_id="steer-next")
        v.sweep_chart = tr.make(gr.Plot, i18n={"label": "edit_merge.sweep_chart"}, elem_id="steer-sweep")
    v.code, v.json = _outputs(ctx, "steer")
    return v


def fact_inputs(ctx: TabContext, v: SimpleNamespace) -> None:
    """The fact and the control, a row each: on a phone a prompt and its answer still share a line."""
    tr, kw = ctx.tr, {"lines": 1}
    for name, (prompt, answer) in (("fact", finetune.FACT), ("control", finetune.CONTROL)):
        with gr.Row():
            box = tr.make(
                gr.Textbox, i18n={"label": f"edit_merge.{name}_prompt"}, value=prompt, scale=3, min_width=200, **kw
            )
            setattr(v, f"{name}_prompt", box)
            box = tr.make(
                gr.Textbox, i18n={"label": f"edit_merge.{name}_answer"}, value=answer, scale=1, min_width=100, **kw
            )
            setattr(v, f"{name}_answer", box)


def finetune_view(ctx: TabContext, v: SimpleNamespace) -> None:
    tr = ctx.tr
    limits = config.settings().limits
    tr.make(gr.Markdown, i18n={"value": "edit_merge.finetune_intro"})
    fact_inputs(ctx, v)
    with gr.Row():
        v.steps = tr.make(
            gr.Slider,
            i18n={"label": "edit_merge.steps"},
            minimum=1,
            maximum=limits.max_finetune_steps,
            step=1,
            value=finetune.DEFAULT_STEPS,
        )
        v.lr = tr.make(gr.Number, i18n={"label": "edit_merge.lr"}, value=finetune.DEFAULT_LR, minimum=1e-6, maximum=0.1)
        v.rank = tr.make(gr.Slider, i18n={"label": "edit_merge.rank"}, minimum=1, maximum=64, step=1, value=8)
        v.seed = tr.make(gr.Number, i18n={"label": "edit_merge.seed"}, value=0, precision=0, minimum=0)
    v.ft_run = tr.make(gr.Button, i18n={"value": "edit_merge.finetune_run"}, variant="primary")
    v.progress = tr.make(gr.HTML, i18n={"label": "edit_merge.progress"}, elem_id="finetune-progress")
    v.loss_chart = tr.make(gr.Plot, i18n={"label": "edit_merge.loss_chart"}, elem_id="finetune-loss")
    v.ft_summary = tr.make(gr.Markdown, i18n={"label": "edit_merge.summary"})
    v.ft_memory = tr.make(gr.Markdown, i18n={"label": "edit_merge.memory"})
    v.ft_code, v.ft_json = _outputs(ctx, "finetune")


def merge_view(ctx: TabContext, v: SimpleNamespace) -> None:
    tr = ctx.tr
    tr.make(gr.Markdown, i18n={"value": "edit_merge.merge_intro"})
    with gr.Row():
        v.kind = tr.make(gr.Radio, i18n={"label": "edit_merge.kind"}, choices=words.kind_choices(), value="adapter")
        v.alpha = tr.make(
            gr.Slider,
            i18n={"label": "edit_merge.alpha"},
            minimum=merge.ALPHA_RANGE[0],
            maximum=merge.ALPHA_RANGE[1],
            step=0.05,
            value=1.0,
        )
        v.other = tr.make(
            gr.Dropdown,
            i18n={"label": "edit_merge.other"},
            choices=[e.name for e in config.settings().catalog],
            value="Qwen2.5-0.5B-Instruct",
            allow_custom_value=True,
        )
    v.merge_run = tr.make(gr.Button, i18n={"value": "edit_merge.merge_run"}, variant="primary")
    v.merge_summary = tr.make(gr.Markdown, i18n={"label": "edit_merge.summary"}, elem_id="merge-summary")
    v.curve_chart = tr.make(gr.Plot, i18n={"label": "edit_merge.curve_chart"}, elem_id="merge-curve")
    v.merge_code, v.merge_json = _outputs(ctx, "merge")


def layout(ctx: TabContext) -> SimpleNamespace:
    """Every component of the tab, by name."""
    tr = ctx.tr
    with gr.Tabs():
        with tr.make(gr.Tab, i18n={"label": "edit_merge.steer_tab"}, id="edit-steer"):
            v = steer_view(ctx)
        with tr.make(gr.Tab, i18n={"label": "edit_merge.finetune_tab"}, id="edit-finetune"):
            finetune_view(ctx, v)
        with tr.make(gr.Tab, i18n={"label": "edit_merge.merge_tab"}, id="edit-merge"):
            merge_view(ctx, v)
    return v
