"""The one place HTML is built: token spans (Tokenizer, Compare, Chat), the token-tax table, the Chat prompt
and confidence views, and the colours every view and chart shares.

Pure functions from core dataclasses to HTML strings: every text goes through `el` (attribute values and
text escaped), one styling scheme (inline styles on `span.tok` / `span.chat-tok`). Words come from
playground.i18n in the language passed in. Whitespace inside tokens is shown by core.tokens.show_piece,
the one whitespace renderer.

Not here: gradio, model calls, Plotly figures (playground/charts*.py), byte sizes (core.hardware.human).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from playground.core.tokens import bytes_text, show_piece
from playground.i18n import register, t

if TYPE_CHECKING:
    from playground.core.chat import Prompt, TokenConfidence
    from playground.core.tokens import Tokenization, TokenTax

# Ten soft colours that stay readable under dark text, cycled over tokens.
PALETTE = ("#fde68a", "#bbf7d0", "#bfdbfe", "#fbcfe8", "#ddd6fe", "#fed7aa", "#a5f3fc", "#d9f99d", "#fecaca", "#e5e7eb")
BLUE, ORANGE, GREY = "#2563eb", "#ea580c", "#9ca3af"
SPECIAL_BG = "#e5e7eb"  # special tokens (BOS/EOS, chat markers) in the Tokenizer spans
RED, AMBER = "#dc2626", "#b45309"  # outline of special tokens and warnings; notices
ROLE_COLOURS = {"system": "#ede9fe", "user": "#dbeafe", "assistant": "#dcfce7", "template": "#f3f4f6"}
_CHIP = "border-radius:4px;padding:1px 2px;margin:1px;white-space:pre-wrap;display:inline-block"

register(
    {
        "render.no_tokens": ("(no tokens)", "（沒有詞元）", "（没有词元）"),
        "render.part": (
            "part of a character: decodes only together with its neighbours",
            "字元的一部分：只能和相鄰的詞元一起解碼",
            "字符的一部分：只能和相邻的词元一起解码",
        ),
        "render.tax_tokenizer": ("tokenizer", "分詞器", "分词器"),
        "render.tax_english": ("English tokens", "英文詞元數", "英文词元数"),
        "render.tax_chinese": ("中文 tokens", "中文詞元數", "中文词元数"),
        "render.tax_ratio": ("中文 ÷ English", "中文 ÷ 英文", "中文 ÷ 英文"),
        "render.n_tokens": ("{n} tokens", "{n} 個詞元", "{n} 个词元"),
        "render.prompt_head": (
            "<b>{n}</b> tokens ({mode} template, add_special_tokens={add})",
            "<b>{n}</b> 個詞元（{mode} 模板，add_special_tokens={add}）",
            "<b>{n}</b> 个词元（{mode} 模板，add_special_tokens={add}）",
        ),
        "render.special": ("special", "特殊詞元", "特殊词元"),
        "render.special_token": ("special token", "特殊詞元", "特殊词元"),
        "render.token_ids": ("token ids", "詞元編號", "词元编号"),
        "render.prompt_string": ("prompt string", "提示字串", "提示字符串"),
        # Chat roles: the template's own word stays beside the translation (it is what the prompt string shows).
        "render.role_system": ("system", "系統 system", "系统 system"),
        "render.role_user": ("user", "使用者 user", "用户 user"),
        "render.role_assistant": ("assistant", "助理 assistant", "助手 assistant"),
        "render.role_template": ("template", "模板標記 template", "模板标记 template"),
        "render.hover_raw": ("raw", "原始", "原始"),
        "render.hover_top": ("top", "候選", "候选"),
        "render.no_reply": ("(no reply yet)", "（還沒有回覆）", "（还没有回复）"),
        "render.confidence_head": (
            "{n} tokens, mean probability {mean}",
            "{n} 個詞元，平均機率 {mean}",
            "{n} 个词元，平均概率 {mean}",
        ),
    }
)


def el(tag: str, body: str = "", **attrs: object) -> str:
    """One element; attribute values are escaped, `body` is HTML already (escape text with `esc`).

    el("span", esc("a<b"), class_="tok", title="x") -> '<span class="tok" title="x">a&lt;b</span>'
    """
    pairs = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{html.escape(str(v))}"' for k, v in attrs.items() if v is not None
    )
    return f"<{tag}{pairs}>{body}</{tag}>"


def esc(text: object) -> str:
    return html.escape(str(text))


# --------------------------------------------------------------------------- Tokenizer


def token_spans(tok: Tokenization, outline: Sequence[bool] | None = None, lang: str = "en") -> str:
    """Coloured spans, one per token, with the id under each and details on hover."""
    parts = []
    for i, x in enumerate(tok.tokens):
        shown = x.raw if x.special else show_piece(bytes_text(x.bytes))  # a byte piece reads <0xE5><0xA4>
        title = f"id {x.id} | raw {x.raw!r} | bytes {x.bytes.hex(' ')}"
        if not x.complete:
            title += " | " + t("render.part", lang)
        background = SPECIAL_BG if x.special else PALETTE[i % len(PALETTE)]
        cls = "tok diff" if outline and outline[i] else "tok"
        # What el() writes, in one f-string: this loop runs once per token (thousands for a long text).
        parts.append(
            f'<span class="{cls}" style="background:{background}" title="{esc(title)}">'
            f"{esc(shown)}<sub>{x.id}</sub></span>"
        )
    return el("div", "".join(parts) or el("em", esc(t("render.no_tokens", lang))), class_="token-spans")


def tax_table(rows: Sequence[tuple[str, TokenTax]], pairs: Sequence[tuple[str, str]], lang: str = "en") -> str:
    """The token tax of each tokenizer: tokens for `pairs` in English and in Chinese (sentences on hover)."""
    head = "".join(
        el("th", esc(t(k, lang)))
        for k in ("render.tax_tokenizer", "render.tax_english", "render.tax_chinese", "render.tax_ratio")
    )
    body = "".join(
        el(
            "tr",
            el("td", esc(name))
            + el("td", str(x.english))
            + el("td", str(x.chinese))
            + el("td", el("b", f"×{x.ratio:.2f}")),
        )
        for name, x in rows
    )
    return el("table", el("tr", head) + body, class_="token-tax", title=" | ".join(f"{en} = {zh}" for en, zh in pairs))


def compared(named: Sequence[tuple[str, Tokenization, Sequence[bool]]], lang: str = "en") -> str:
    """Two (or more) tokenizations one under the other, each headed by its model and token count."""
    return "".join(
        el("p", el("b", esc(name)) + ": " + esc(t("render.n_tokens", lang, n=tok.n_tokens)))
        + token_spans(tok, marks, lang)
        for name, tok, marks in named
    )


# --------------------------------------------------------------------------- Chat


def _chip(text: str, background: str, extra: str = "", **attrs: object) -> str:
    return el("span", text, style=f"background:{background};{_CHIP}{extra}", **attrs)


def prompt_html(
    prompt: Prompt,
    tokenizer_decode: Sequence[str] | None = None,
    lang: str = "en",
    warnings: Sequence[str] | None = None,
    notice: str | None = None,
) -> str:
    """Token spans coloured by role, special tokens outlined, counts per role, and any warning.

    `tokenizer_decode`: each token decoded on its own (readable text); the raw token strings otherwise.
    `warnings` and `notice`: worded by the caller in `lang`; the Prompt's English ones otherwise.
    """
    from playground.core.chat import ROLES

    pieces = tokenizer_decode if tokenizer_decode is not None else prompt.tokens
    spans = []
    for i, (tid, raw, piece, role, special) in enumerate(
        zip(prompt.ids, prompt.tokens, pieces, prompt.roles, prompt.special)
    ):
        special_note = " | " + t("render.special_token", lang) if special else ""
        title = f"#{i} id {tid} | {_role(role, lang)}{special_note} | {t('render.hover_raw', lang)} {raw!r}"
        spans.append(
            _chip(
                esc(show_piece(raw if special else piece, running=True)),
                ROLE_COLOURS.get(role, "#fff"),
                f";outline:2px solid {RED};font-weight:600" if special else "",
                class_="chat-tok",
                title=title,
            )
        )
    legend = " ".join(
        _chip(f"{esc(_role(r, lang))}: <b>{prompt.role_counts.get(r, 0)}</b>", ROLE_COLOURS[r]) for r in ROLES
    )
    counts = t("render.prompt_head", lang, n=prompt.n_tokens, mode=esc(prompt.mode), add=prompt.add_special_tokens)
    head = el(
        "div",
        f"{counts} &nbsp; {legend} &nbsp; "
        + el("span", esc(t("render.special", lang)), style=f"outline:2px solid {RED};{_CHIP}"),
        class_="chat-counts",
    )
    warn = "".join(
        el("div", "⚠️ " + esc(w), class_="chat-warning", style=f"color:{RED};font-weight:600")
        for w in (prompt.warnings if warnings is None else warnings)
    )
    notice = prompt.notice if notice is None else notice
    if notice:
        warn += el("div", "✂️ " + esc(notice), class_="chat-notice", style=f"color:{AMBER}")
    ids = el("details", el("summary", esc(t("render.token_ids", lang))) + el("code", esc(prompt.ids)))
    text = el("details", el("summary", esc(t("render.prompt_string", lang))) + el("pre", esc(prompt.text)))
    return el("div", head + warn + el("div", "".join(spans), style="line-height:2") + ids + text, class_="chat-prompt")


def _role(role: str, lang: str) -> str:
    """A chat role worded in `lang` (the template's own word kept); an unknown role as it is."""
    key = f"render.role_{role}"
    return t(key, lang) if role in ROLE_COLOURS else role


def confidence_colour(p: float) -> str:
    """0 -> red, 0.5 -> yellow, 1 -> green, as a light background."""
    return f"hsl({int(120 * min(1.0, max(0.0, p)))}, 85%, 82%)"


def confidence_html(tokens: Sequence[TokenConfidence], lang: str = "en") -> str:
    """The reply token by token, coloured by the model's probability; hover shows the top alternatives."""
    if not tokens:
        return el("div", el("em", esc(t("render.no_reply", lang))), class_="chat-confidence")
    spans = []
    for x in tokens:
        alts = ", ".join(f"{a!r} {p:.1%}" for a, p in x.alternatives)
        spans.append(
            _chip(
                esc(show_piece(x.text, running=True)),
                confidence_colour(x.prob),
                class_="chat-tok",
                title=f"p = {x.prob:.1%} | id {x.token_id} | {t('render.hover_top', lang)}: {alts}",
            )
        )
    mean = sum(x.prob for x in tokens) / len(tokens)
    scale = " ".join(_chip(f"{p:.0%}", confidence_colour(p)) for p in (0.0, 0.25, 0.5, 0.75, 1.0))
    head = t("render.confidence_head", lang, n=len(tokens), mean=f"{mean:.1%}")
    return el(
        "div",
        el("div", f"{head} &nbsp; {scale}") + el("div", "".join(spans), style="line-height:2"),
        class_="chat-confidence",
    )
