"""Tokenizer tab: text in, coloured token spans with ids, raw pieces, counts, round trip, and a
second tokenizer side by side. Thin wiring over playground.core.tokens."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from playground import config
from playground.charts import PALETTE
from playground.core.tokens import (
    TAX_PAIRS,
    Tokenization,
    TokenTax,
    bytes_text,
    check_text,
    differing,
    show_piece,
    token_tax,
    tokenize,
)
from playground.i18n import register
from playground.loader import get_loader, resolve
from playground.tabs.common import TabContext, code_box, friendly, json_box, model_examples

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
        "are two different vocabulary entries. **大家好** (its example switches to Qwen2.5-Coder-0.5B-Instruct): "
        "a Chinese character takes 3 bytes in UTF-8. Qwen's 151,936-token vocabulary has whole words, 大家 + 好: "
        "2 tokens. SmolLM2's English-centric 49,152 has 大 but cuts 家 and 好 into 4 byte pieces that only "
        "decode together: 5 tokens. Compare them below.",
        "**為什麼 \"good morning\" 和 \"i am good\" 裡的 good 編號不同？** 位元組層級 BPE 把字前面的空格放進詞元裡："
        "`good`（開頭）和 `Ġgood`（前面有空格）是詞彙表中兩個不同的詞元。**大家好**（這個範例會切換到 "
        "Qwen2.5-Coder-0.5B-Instruct）：一個中文字在 UTF-8 中占 3 個位元組。Qwen 有 151,936 個詞元的詞彙表，"
        "收了整個詞：大家 + 好，共 2 個詞元。以英文為主的 SmolLM2（49,152 個）有「大」，卻把「家」和「好」切成 4 個"
        "只能合起來解碼的位元組片段：共 5 個詞元。可在下方比較。",
        "**为什么 \"good morning\" 和 \"i am good\" 里的 good 编号不同？** 字节级 BPE 把词前面的空格放进词元里："
        "`good`（开头）和 `Ġgood`（前面有空格）是词表中两个不同的词元。**大家好**（这个示例会切换到 "
        "Qwen2.5-Coder-0.5B-Instruct）：一个汉字在 UTF-8 中占 3 个字节。Qwen 有 151,936 个词元的词表，"
        "收了整个词：大家 + 好，共 2 个词元。以英文为主的 SmolLM2（49,152 个）有「大」，却把「家」和「好」切成 4 个"
        "只能合起来解码的字节片段：共 5 个词元。可在下方比较。",
    ),
    "tokenizer.tax": (
        "**Token tax**: the same sentences in English and in Chinese cost each tokenizer a different number of "
        "tokens; a model's context, speed and price are counted in tokens, so a tokenizer with few Chinese "
        "words makes Chinese text longer, slower and dearer. The comparison below shows it for both tokenizers.",
        "**詞元稅**：同樣的句子用英文和中文寫，每個分詞器花的詞元數不同；模型的上下文長度、速度和價格都以詞元計，"
        "所以中文詞彙少的分詞器會讓中文更長、更慢、更貴。下方的比較會列出兩個分詞器的數字。",
        "**词元税**：同样的句子用英文和中文写，每个分词器花的词元数不同；模型的上下文长度、速度和价格都以词元计，"
        "所以中文词汇少的分词器会让中文更长、更慢、更贵。下方的比较会列出两个分词器的数字。",
    ),
})

HEADERS = ["#", "id", "raw token", "bytes", "text", "span"]


def spans_html(tok: Tokenization, outline: list[bool] | None = None) -> str:
    """Coloured spans, one per token, with the id under each and details on hover."""
    parts = []
    for i, t in enumerate(tok.tokens):
        colour = "#e5e7eb" if t.special else PALETTE[i % len(PALETTE)]
        shown = t.raw if t.special else show_piece(bytes_text(t.bytes))  # a byte piece reads <0xE5><0xA4>
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
        rows.append([i, t.id, t.raw, t.bytes.hex(" "), show_piece(bytes_text(t.bytes)),
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


def tax_html(rows: list[tuple[str, TokenTax]]) -> str:
    """The token tax of each tokenizer: tokens for TAX_PAIRS in English and in Chinese (sentences on hover)."""
    title = html.escape(" | ".join(f"{en} = {zh}" for en, zh in TAX_PAIRS))
    body = "".join(f"<tr><td>{html.escape(name)}</td><td>{t.english}</td><td>{t.chinese}</td>"
                   f"<td><b>×{t.ratio:.2f}</b></td></tr>" for name, t in rows)
    return (f'<table class="token-tax" title="{title}"><tr><th>tokenizer</th><th>English tokens</th>'
            f"<th>中文 tokens</th><th>中文 ÷ English</th></tr>{body}</table>")


def run_compare(model: str, other: str, text: str, add_special_tokens: bool) -> tuple[str, dict]:
    """Tokenize `text` with two tokenizers; tokens cut differently are outlined. Below, the token tax of
    both: the same sentences in English and in Chinese, counted by each tokenizer."""
    check_text(text, config.settings().limits.max_input_chars, allow_blank=True)
    tok_a, tok_b = get_loader().tokenizer(model), get_loader().tokenizer(other)
    a = tokenize(tok_a, text, bool(add_special_tokens))
    b = tokenize(tok_b, text, bool(add_special_tokens))
    mark_a, mark_b = differing(a, b)
    name_a, name_b = resolve(model).name, resolve(other).name
    tax_a, tax_b = token_tax(tok_a), token_tax(tok_b)
    body = (f"<p><b>{html.escape(name_a)}</b>: {a.n_tokens} tokens</p>{spans_html(a, mark_a)}"
            f"<p><b>{html.escape(name_b)}</b>: {b.n_tokens} tokens</p>{spans_html(b, mark_b)}"
            + tax_html([(name_a, tax_a), (name_b, tax_b)]))
    tax = {"pairs": [list(p) for p in TAX_PAIRS],
           "a": {"english": tax_a.english, "chinese": tax_a.chinese, "ratio": round(tax_a.ratio, 4)},
           "b": {"english": tax_b.english, "chinese": tax_b.chinese, "ratio": round(tax_b.ratio, 4)}}
    return body, {"a": a.to_json() | {"model": name_a, "differs": mark_a},
                  "b": b.to_json() | {"model": name_b, "differs": mark_b}, "token_tax": tax}


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    with gr.Row():
        with gr.Column(scale=3):
            text = tr.make(gr.Textbox, i18n={"label": "tokenizer.text"}, lines=3, value="good morning")
            special = tr.make(gr.Checkbox, i18n={"label": "tokenizer.special"}, value=True)
            go_btn = tr.make(gr.Button, i18n={"value": "tokenizer.go"}, variant="primary")
        with gr.Column(scale=2):
            tr.make(gr.Markdown, i18n={"value": "tokenizer.why"})
    english, chinese = config.settings().default_model, config.settings().chinese_model
    model_examples(ctx, [[english, "good morning"], [english, "i am good"], [chinese, "大家好"],
                         [english, "👩‍💻 emoji with a zero-width joiner"], [english, "Hello   world\n\tindented"]],
                   [text], label="Examples")
    spans = tr.make(gr.HTML, i18n={"label": "tokenizer.tokens"}, elem_id="token-spans")
    stats = gr.Markdown(label="stats")
    with gr.Accordion("Table", open=False):
        table = tr.make(gr.Dataframe, i18n={"label": "tokenizer.table"}, headers=HEADERS, interactive=False,
                        wrap=True)
    with gr.Accordion("Compare", open=False) as acc:
        with gr.Row():
            other = tr.make(gr.Dropdown, i18n={"label": "tokenizer.compare_with"},
                            choices=[e.name for e in config.settings().catalog], value=chinese,
                            allow_custom_value=True, scale=3)
            cmp_btn = tr.make(gr.Button, i18n={"value": "tokenizer.compare"}, scale=1)
        tr.make(gr.Markdown, i18n={"value": "tokenizer.tax"})
        cmp_out = tr.make(gr.HTML, i18n={"label": "tokenizer.compare_out"})
        cmp_json = gr.JSON(label="comparison", visible=False)
    tr.items.append((acc, {"label": "tokenizer.compare"}))
    code = code_box(ctx)
    result = json_box(ctx)

    outputs = [spans, stats, table, code, result]
    fn = friendly(run_tokenize)
    events = [
        go_btn.click(fn, [ctx.model, text, special], outputs, api_name="tokenize"),
        text.submit(fn, [ctx.model, text, special], outputs, api_visibility="private"),
        special.change(fn, [ctx.model, text, special], outputs, api_visibility="private"),
        # Live as the text changes (typing, an input method's commit, an example): a tokenizer call is cheap.
        text.change(friendly(live_tokenize), [ctx.model, text, special], outputs, api_visibility="private",
                    trigger_mode="always_last", show_progress="hidden"),
        # Another model (the bar, or an example that switches it): its tokenizer cuts the text anew.
        ctx.model.change(friendly(live_tokenize), [ctx.model, text, special], outputs, api_visibility="private",
                         trigger_mode="always_last", show_progress="hidden"),
    ]
    if ctx.demo is not None:  # show the example's tokens as soon as the page opens
        ctx.demo.load(friendly(live_tokenize), [ctx.model, text, special], outputs, api_visibility="private")
    compared = cmp_btn.click(friendly(run_compare), [ctx.model, other, text, special], [cmp_out, cmp_json],
                             api_name="compare_tokenizers")
    # A refused input (too long, a control character) or a failed load: clear what was shown, so the old
    # tokens never stand under the new text as if they were its result. The error itself is shown as a toast.
    for event in events:
        event.failure(lambda: ("", "", [], "", {}, "", {}), None, [*outputs, cmp_out, cmp_json],
                      api_visibility="private", queue=False, show_progress="hidden")
    compared.failure(lambda: ("", {}), None, [cmp_out, cmp_json], api_visibility="private", queue=False,
                     show_progress="hidden")
