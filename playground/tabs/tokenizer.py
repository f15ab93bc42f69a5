"""Tokenizer tab: text in, coloured token spans with ids, raw pieces, counts, round trip, and a
second tokenizer side by side. Thin wiring over playground.core.tokens; HTML from playground.render,
words from playground.words.tokenizer."""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config, render
from playground.core import tokens as core
from playground.loader import get_loader, resolve
from playground.tabs.common import QUIET, TabContext, code_box, friendly, json_box, model_examples
from playground.tabs.widgets import input_columns
from playground.words import tokenizer as words

ID = "tokenizer"
TITLE = "tokenizer.title"


def run_tokenize(model: str, text: str, add_special_tokens: bool, lang: str = "en") -> tuple[Any, ...]:
    """Tokenize `text` with `model`'s tokenizer. Returns spans (HTML), stats (Markdown), the token table,
    the transformers code, and the JSON result (ids, tokens, count, decoded, round_trip, ...)."""
    core.check_text(text, config.settings().limits.max_input_chars, allow_blank=True)
    tok = core.tokenize(get_loader().tokenizer(model), text, bool(add_special_tokens))
    entry = resolve(model)
    return (
        render.token_spans(tok, lang=lang),
        words.stats_md(tok, lang),
        {"data": core.token_rows(tok), "headers": words.headers(lang)},
        core.code_for(entry.model_id, text, bool(add_special_tokens)),
        tok.to_json() | {"model": entry.name},
    )


def live_tokenize(model: str, text: str, add_special_tokens: bool, lang: str = "en") -> tuple[Any, ...]:
    """As the user types: an empty box clears the view instead of raising an error."""
    if not text:
        return "", "", {"data": [], "headers": words.headers(lang)}, "", {}
    return run_tokenize(model, text, add_special_tokens, lang)


def run_compare(model: str, other: str, text: str, add_special_tokens: bool, lang: str = "en") -> tuple[str, dict]:
    """Tokenize `text` with two tokenizers; tokens cut differently are outlined. Below, the token tax of
    both: the same sentences in English and in Chinese, counted by each tokenizer."""
    core.check_text(text, config.settings().limits.max_input_chars, allow_blank=True)
    tok_a, tok_b = get_loader().tokenizer(model), get_loader().tokenizer(other)
    a = core.tokenize(tok_a, text, bool(add_special_tokens))
    b = core.tokenize(tok_b, text, bool(add_special_tokens))
    mark_a, mark_b = core.differing(a, b)
    name_a, name_b = resolve(model).name, resolve(other).name
    tax_a, tax_b = core.token_tax(tok_a), core.token_tax(tok_b)
    body = render.compared([(name_a, a, mark_a), (name_b, b, mark_b)], lang) + render.tax_table(
        [(name_a, tax_a), (name_b, tax_b)], core.TAX_PAIRS, lang
    )
    tax = {"pairs": [list(p) for p in core.TAX_PAIRS], "a": core.tax_json(tax_a), "b": core.tax_json(tax_b)}
    return body, {
        "a": a.to_json() | {"model": name_a, "differs": mark_a},
        "b": b.to_json() | {"model": name_b, "differs": mark_b},
        "token_tax": tax,
    }


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    left, right = input_columns()
    with left:
        text = tr.make(gr.Textbox, i18n={"label": "tokenizer.text"}, lines=3, value="good morning")
        special = tr.make(gr.Checkbox, i18n={"label": "tokenizer.special"}, value=True)
        go_btn = tr.make(gr.Button, i18n={"value": "tokenizer.go"}, variant="primary")
    with right:
        tr.make(gr.Markdown, i18n={"value": "tokenizer.why"})
    english, chinese = config.settings().default_model, config.settings().chinese_model
    model_examples(
        ctx,
        [
            [english, "good morning"],
            [english, "i am good"],
            [chinese, "大家好"],
            [english, "👩‍💻 emoji with a zero-width joiner"],
            [english, "Hello   world\n\tindented"],
        ],
        [text],
    )
    spans = tr.make(gr.HTML, i18n={"label": "tokenizer.tokens"}, elem_id="token-spans")
    stats = gr.Markdown(label="stats")
    with tr.make(gr.Accordion, i18n={"label": "tokenizer.table_box"}, open=False):
        table = tr.make(
            gr.Dataframe, i18n={"label": "tokenizer.table"}, headers=words.headers(), interactive=False, wrap=True
        )
    with tr.make(gr.Accordion, i18n={"label": "tokenizer.compare"}, open=False):
        with gr.Row():
            other = tr.make(
                gr.Dropdown,
                i18n={"label": "tokenizer.compare_with"},
                choices=[e.name for e in config.settings().catalog],
                value=chinese,
                allow_custom_value=True,
                scale=3,
            )
            cmp_btn = tr.make(gr.Button, i18n={"value": "tokenizer.compare"}, scale=1)
        tr.make(gr.Markdown, i18n={"value": "tokenizer.tax"})
        cmp_out = tr.make(gr.HTML, i18n={"label": "tokenizer.compare_out"})
        cmp_json = tr.make(gr.JSON, i18n={"label": "tokenizer.comparison"}, visible=False)
    # Feature modules add their components here: below the comparison, above the Code and JSON sections.
    code, result = code_box(ctx), json_box(ctx)

    lang = ctx.langs
    inputs, outputs = [ctx.model, text, special, *lang], [spans, stats, table, code, result]
    live = dict(api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    page = [ctx.demo.load] if ctx.demo is not None else []  # the example's tokens as soon as the page opens
    events = [
        gr.on(
            [go_btn.click, text.submit, special.change], friendly(run_tokenize), inputs, outputs, api_name="tokenize"
        ),
        # Live as the text changes (typing, an input method's commit, an example): a tokenizer call is cheap.
        # Another model (the bar, or an example that switches it) cuts the text anew; another language re-words.
        gr.on(
            [text.change, ctx.model.change, *(x.change for x in lang), *page],
            friendly(live_tokenize),
            inputs,
            outputs,
            **live,
        ),
    ]
    compared = cmp_btn.click(
        friendly(run_compare),
        [ctx.model, other, text, special, *lang],
        [cmp_out, cmp_json],
        api_name="compare_tokenizers",
    )
    # A refused input (too long, a control character) or a failed load: clear what was shown, so the old
    # tokens never stand under the new text as if they were its result. The error itself is shown as a toast.
    for event in events:
        event.failure(lambda: ("", "", [], "", {}, "", {}), None, [*outputs, cmp_out, cmp_json], **QUIET)
    compared.failure(lambda: ("", {}), None, [cmp_out, cmp_json], **QUIET)
