"""Generation Tree tab: grow a reply (or N samples) as a tree, click a token, fork with an alternative.

Thin: components and wiring. Handlers in playground/tabs/tree_views.py, numbers in playground.core.tree and
tree_decode, chart in playground.charts_tree, words in playground.words.tree. Next Token and Chat open a path here
through this session's handoff (playground/tabs/tree_handoff.py). (The commitment strip's section,
playground/tabs/commitment.py, sits in Layer Representations.)
"""

from __future__ import annotations

import gradio as gr

from playground import config
from playground.core.sampling import RANGES
from playground.tabs.common import PRIVATE, QUIET, TabContext, code_box, friendly, json_box
from playground.tabs.tree_handoff import receive
from playground.tabs.tree_views import COLOURS, compare_branches, generation_tree, pick_token, show_branch
from playground.words import tree as words

ID = "tree"
TITLE = "tree.title"
SESSION_TTL_S = 3600  # a session's tree (and its KV caches) is dropped an hour after its last change


def build(ctx: TabContext) -> None:
    tr, lim = ctx.tr, config.settings().limits
    session = gr.State(None, time_to_live=SESSION_TTL_S)  # this browser session's Tree, never shared
    tr.make(gr.Markdown, i18n={"value": "tree.intro"})
    with gr.Row():
        with gr.Column(scale=3):
            prompt = tr.make(gr.Textbox, i18n={"label": "tree.prompt"}, lines=2, value="The capital of France is")
            chat = tr.make(gr.Checkbox, i18n={"label": "tree.chat"}, value=False)
            grow_btn = tr.make(gr.Button, i18n={"value": "tree.grow"}, variant="primary", elem_id="tree-grow")
        with gr.Column(scale=2):
            mode = tr.make(gr.Radio, i18n={"label": "tree.mode"}, choices=words.mode_choices(), value="greedy")
            r = RANGES["temperature"]
            temperature = tr.make(
                gr.Slider,
                i18n={"label": "tree.temperature"},
                minimum=r.minimum,
                maximum=r.maximum,
                step=r.step,
                value=1.0,
            )
            seed = tr.make(gr.Number, i18n={"label": "tree.seed"}, value=-1, precision=0)
            n = tr.make(
                gr.Slider, i18n={"label": "tree.samples"}, minimum=1, maximum=lim.max_tree_samples, step=1, value=1
            )
            max_new = tr.make(
                gr.Slider, i18n={"label": "tree.max_new"}, minimum=1, maximum=lim.max_branch_tokens, step=1, value=12
            )
    # What an API caller sends to fork a tree it holds; the page forks its session's tree (empty here).
    tree_in = gr.Textbox("", visible=False, label="tree")
    node_in = gr.Number(-1, visible=False, label="node", precision=0)
    choice_in = gr.Number(-1, visible=False, label="choice", precision=0)
    summary = gr.Markdown()
    chart = tr.make(gr.Plot, i18n={"label": "tree.chart"}, elem_id="tree-chart")
    shown = tr.make(gr.Radio, i18n={"label": "tree.branch"}, choices=[], elem_id="tree-branch")
    tokens = tr.make(
        gr.HighlightedText,
        i18n={"label": "tree.tokens"},
        color_map=COLOURS,
        combine_adjacent=False,
        show_legend=True,
        elem_id="tree-tokens",
    )
    picked = gr.Number(-1, visible=False, precision=0)  # the clicked node
    with gr.Row():
        alternative = tr.make(gr.Radio, i18n={"label": "tree.alternatives"}, choices=[], scale=3, elem_id="tree-alts")
        fork_btn = tr.make(gr.Button, i18n={"value": "tree.fork"}, scale=1, elem_id="tree-fork")
    with gr.Row():
        compare_a = tr.make(gr.Dropdown, i18n={"label": "tree.compare_a"}, choices=[])
        compare_b = tr.make(gr.Dropdown, i18n={"label": "tree.compare_b"}, choices=[])
    comparison = gr.Markdown(elem_id="tree-compare")
    code = code_box(ctx)
    result = json_box(ctx)

    lang = ctx.langs
    knobs = [ctx.model, prompt, chat, mode, temperature, seed, n, max_new, tree_in]
    outputs = [summary, chart, shown, tokens, compare_a, compare_b, comparison, result, code, session]
    ctx.after_model(
        gr.on(
            [grow_btn.click, prompt.submit],
            friendly(generation_tree),
            [*knobs, node_in, choice_in, session, *lang],
            outputs,
            api_name="generation_tree",
        )
    )
    ctx.after_model(
        fork_btn.click(friendly(generation_tree), [*knobs, picked, alternative, session, *lang], outputs, **PRIVATE)
    )
    if ctx.handoff is not None:  # a path opened from Next Token or Chat (playground/tabs/tree_handoff.py)
        handed = [ctx.handoff, mode, temperature, seed, max_new, *lang]
        ctx.after_model(ctx.handoff.change(friendly(receive), handed, [prompt, chat, *outputs], **PRIVATE))
    shown.change(friendly(show_branch), [session, shown, *lang], [chart, tokens], **QUIET)
    tokens.select(friendly(pick_token), [session, shown, *lang], [picked, alternative], **QUIET)
    gr.on(
        [compare_a.change, compare_b.change],
        friendly(compare_branches),
        [session, compare_a, compare_b, *lang],
        comparison,
        **QUIET,
    )

    def relabel(lg: str) -> dict:
        return gr.update(choices=words.mode_choices(lg))

    ctx.on_lang(relabel, [mode])
