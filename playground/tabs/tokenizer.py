"""Tokenizer tab: text in, coloured token spans with ids, raw pieces, counts, round trip, and a
second tokenizer side by side. Thin wiring over playground.core.tokens."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from playground import config
from playground.charts import PALETTE
from playground.core.tokens import Tokenization, check_text, differing, show_piece, tokenize
from playground.i18n import register
from playground.loader import get_loader, resolve
from playground.tabs.common import TabContext, code_box, friendly, json_box

ID = "tokenizer"
TITLE = "tokenizer.title"

register({
    "tokenizer.title": ("Tokenizer", "分詞器", "分词器"),
    "tokenizer.text": ("Text", "文字", "文本"),
    "tokenizer.special": ("Add special tokens (BOS/EOS the model expects)", "加入特殊詞元（模型預期的 BOS/EOS）",
                          "加入特殊词元（模型预期的 BOS/EOS）"),
    "tokenizer.go": ("Tokenize", "分詞", "分词"),
    "tokenizer.tokens": ("Tokens (hover for id and raw piece)", "詞元（滑鼠移上去看編號與原始片段）",
                         "词元（鼠标移上去看编号与原始片段）"),
    "tokenizer.table": ("Every token", "每個詞元", "每个词元"),
    "tokenizer.compare_with": ("Compare with another tokenizer", "與另一個分詞器比較", "与另一个分词器比较"),
    "tokenizer.compare": ("Compare", "比較", "比较"),
    "tokenizer.compare_out": ("Side by side (outlined: cut differently)", "並排（有外框：切法不同）",
                              "并排（有外框：切法不同）"),
    "tokenizer.why": (
        "**Why do 'good' in \"good morning\" and \"i am good\" get different ids?** Byte-level BPE keeps the "
        "space in front of a word inside the token: `good` (start of text) and `Ġgood` (` good`, after a space) "
        "are two different vocabulary entries. **大家好**: Chinese characters take 3 bytes in UTF-8; a rare "
        "character may be split into byte pieces that only decode together.",
        "**為什麼 \"good morning\" 和 \"i am good\" 裡的 good 編號不同？** 位元組層級 BPE 把字前面的空格放進詞元裡："
        "`good`（開頭）和 `Ġgood`（前面有空格）是詞彙表中兩個不同的詞元。**大家好**：中文字在 UTF-8 中占 3 個位元組，"
        "較少見的字可能被切成只能合起來解碼的位元組片段。",
        "**为什么 \"good morning\" 和 \"i am good\" 里的 good 编号不同？** 字节级 BPE 把词前面的空格放进词元里："
        "`good`（开头）和 `Ġgood`（前面有空格）是词表中两个不同的词元。**大家好**：汉字在 UTF-8 中占 3 个字节，"
        "较少见的字可能被切成只能合起来解码的字节片段。",
    ),
})

HEADERS = ["#", "id", "raw token", "bytes", "text", "span"]


def spans_html(tok: Tokenization, outline: list[bool] | None = None) -> str:
    """Coloured spans, one per token, with the id under each and details on hover."""
    parts = []
    for i, t in enumerate(tok.tokens):
        colour = "#e5e7eb" if t.special else PALETTE[i % len(PALETTE)]
        shown = t.raw if t.special else (show_piece(t.text) if t.complete else f"{t.bytes.hex(' ')}")
        title = f"id {t.id} | raw {t.raw!r} | bytes {t.bytes.hex(' ')}"
        if not t.complete:
            title += " | part of a character: decodes only together with its neighbours"
        cls = "tok diff" if outline and outline[i] else "tok"
        parts.append(f'<span class="{cls}" style="background:{colour}" title="{html.escape(title)}">'
                     f"{html.escape(shown)}<sub>{t.id}</sub></span>")
    return f'<div class="token-spans">{"".join(parts) or "<em>(no tokens)</em>"}</div>'


def table_rows(tok: Tokenization) -> list[list[Any]]:
    rows = []
    for i, t in enumerate(tok.tokens):
        span = "" if t.start is None else tok.text[t.start:t.end]
        rows.append([i, t.id, t.raw, t.bytes.hex(" "), show_piece(t.text) if t.complete else "(partial character)",
                     show_piece(span)])
    return rows


def stats_md(tok: Tokenization) -> str:
    lines = [f"**{tok.n_chars:,}** characters → **{tok.n_tokens:,}** tokens "
             f"(**{tok.chars_per_token:.2f}** characters per token)."]
    if tok.special_added:
        lines.append(f"Special tokens added by the tokenizer: {', '.join(f'`{s}`' for s in tok.special_added)}.")
    elif tok.add_special_tokens:
        lines.append("This tokenizer adds no special tokens to plain text (no BOS/EOS).")
    lines.append(f"Decoded back: `{show_piece(tok.decoded)}`")
    note = tok.round_trip_note()
    lines.append("Round trip: decode(encode(text)) == text ✓" if note is None else f"⚠️ Round trip differs. {note}")
    return "\n\n".join(lines)


def code_for(model_id: str, text: str, add_special: bool) -> str:
    return f"""from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
enc = tokenizer({text!r}, add_special_tokens={add_special})
ids = enc.input_ids
print(ids)                                    # token ids
print(tokenizer.convert_ids_to_tokens(ids))   # raw pieces ('Ġ' is a leading space)
print(tokenizer.decode(ids))                  # back to text
"""


def run_tokenize(model: str, text: str, add_special_tokens: bool) -> tuple[str, str, list[list[Any]], str, dict]:
    """Tokenize `text` with `model`'s tokenizer. Returns spans (HTML), stats (Markdown), the token table,
    the transformers code, and the JSON result (ids, tokens, count, decoded, round_trip, ...)."""
    check_text(text, config.settings().limits.max_input_chars, allow_blank=True)
    tok = tokenize(get_loader().tokenizer(model), text, bool(add_special_tokens))
    result = tok.to_json() | {"model": resolve(model).name}
    return (spans_html(tok), stats_md(tok), table_rows(tok), code_for(resolve(model).model_id, text, bool(add_special_tokens)),
            result)


def live_tokenize(model: str, text: str, add_special_tokens: bool) -> tuple:
    """As the user types: an empty box clears the view instead of raising an error."""
    if not text:
        return "", "", [], "", {}
    return run_tokenize(model, text, add_special_tokens)


def run_compare(model: str, other: str, text: str, add_special_tokens: bool) -> tuple[str, dict]:
    """Tokenize `text` with two tokenizers; tokens cut differently are outlined."""
    check_text(text, config.settings().limits.max_input_chars, allow_blank=True)
    a = tokenize(get_loader().tokenizer(model), text, bool(add_special_tokens))
    b = tokenize(get_loader().tokenizer(other), text, bool(add_special_tokens))
    mark_a, mark_b = differing(a, b)
    body = (f"<p><b>{html.escape(resolve(model).name)}</b>: {a.n_tokens} tokens</p>{spans_html(a, mark_a)}"
            f"<p><b>{html.escape(resolve(other).name)}</b>: {b.n_tokens} tokens</p>{spans_html(b, mark_b)}")
    return body, {"a": a.to_json() | {"model": resolve(model).name, "differs": mark_a},
                  "b": b.to_json() | {"model": resolve(other).name, "differs": mark_b}}


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    with gr.Row():
        with gr.Column(scale=3):
            text = tr.make(gr.Textbox, i18n={"label": "tokenizer.text"}, lines=3, value="good morning")
            special = tr.make(gr.Checkbox, i18n={"label": "tokenizer.special"}, value=True)
            go_btn = tr.make(gr.Button, i18n={"value": "tokenizer.go"}, variant="primary")
        with gr.Column(scale=2):
            tr.make(gr.Markdown, i18n={"value": "tokenizer.why"})
    gr.Examples([["good morning"], ["i am good"], ["大家好"], ["👩‍💻 emoji with a zero-width joiner"],
                 ["Hello   world\n\tindented"]], inputs=[text], label="Examples")
    spans = tr.make(gr.HTML, i18n={"label": "tokenizer.tokens"}, elem_id="token-spans")
    stats = gr.Markdown(label="stats")
    with gr.Accordion("Table", open=False):
        table = tr.make(gr.Dataframe, i18n={"label": "tokenizer.table"}, headers=HEADERS, interactive=False,
                        wrap=True)
    with gr.Accordion("Compare", open=False) as acc:
        with gr.Row():
            other = tr.make(gr.Dropdown, i18n={"label": "tokenizer.compare_with"},
                            choices=[e.name for e in config.settings().catalog], value="gpt2",
                            allow_custom_value=True, scale=3)
            cmp_btn = tr.make(gr.Button, i18n={"value": "tokenizer.compare"}, scale=1)
        cmp_out = tr.make(gr.HTML, i18n={"label": "tokenizer.compare_out"})
        cmp_json = gr.JSON(label="comparison", visible=False)
    tr.items.append((acc, {"label": "tokenizer.compare"}))
    code = code_box(ctx)
    result = json_box(ctx)

    outputs = [spans, stats, table, code, result]
    fn = friendly(run_tokenize)
    go_btn.click(fn, [ctx.model, text, special], outputs, api_name="tokenize")
    text.submit(fn, [ctx.model, text, special], outputs, api_visibility="private")
    special.change(fn, [ctx.model, text, special], outputs, api_visibility="private")
    # Live as the text changes (typing, an input method's commit, an example): a tokenizer call is cheap.
    text.change(friendly(live_tokenize), [ctx.model, text, special], outputs, api_visibility="private",
               trigger_mode="always_last",
               show_progress="hidden")
    if ctx.demo is not None:  # show the example's tokens as soon as the page opens
        ctx.demo.load(friendly(live_tokenize), [ctx.model, text, special], outputs, api_visibility="private")
    cmp_btn.click(friendly(run_compare), [ctx.model, other, text, special], [cmp_out, cmp_json],
                  api_name="compare_tokenizers")
