"""HTML views of the Chat tab: the prompt the model sees, and the reply coloured by confidence.

Pure functions from playground.core.chat dataclasses to HTML strings (inline styles, every text
escaped). No gradio, no model calls.
"""

from __future__ import annotations

import html
from typing import Sequence

from playground.core.chat import ROLES, Prompt, TokenConfidence

ROLE_COLOURS = {"system": "#ede9fe", "user": "#dbeafe", "assistant": "#dcfce7", "template": "#f3f4f6"}
_SPAN = "border-radius:4px;padding:1px 2px;margin:1px;white-space:pre-wrap;display:inline-block"


def _show(piece: str) -> str:
    """Make whitespace visible inside a token: ' ' stays, newline and tab get a symbol."""
    return piece.replace("\n", "↵\n").replace("\t", "→")


def prompt_html(prompt: Prompt, tokenizer_decode: Sequence[str] | None = None) -> str:
    """Token spans coloured by role, special tokens outlined, counts per role, and any warning.

    `tokenizer_decode`: each token decoded on its own (readable text); the raw token strings otherwise.
    """
    pieces = tokenizer_decode if tokenizer_decode is not None else prompt.tokens
    spans = []
    for i, (tid, raw, piece, role, special) in enumerate(zip(prompt.ids, prompt.tokens, pieces, prompt.roles,
                                                              prompt.special)):
        style = f"background:{ROLE_COLOURS.get(role, '#fff')};{_SPAN}"
        if special:
            style += ";outline:2px solid #dc2626;font-weight:600"
        title = f"#{i} id {tid} | {role}{' | special token' if special else ''} | raw {raw!r}"
        spans.append(f'<span class="chat-tok" style="{style}" title="{html.escape(title)}">'
                     f"{html.escape(_show(raw if special else piece))}</span>")
    legend = " ".join(
        f'<span style="background:{ROLE_COLOURS[r]};{_SPAN}">{r}: <b>{prompt.role_counts.get(r, 0)}</b></span>'
        for r in ROLES)
    head = (f'<div class="chat-counts"><b>{prompt.n_tokens}</b> tokens ({html.escape(prompt.mode)} template, '
            f"add_special_tokens={prompt.add_special_tokens}) &nbsp; {legend} &nbsp; "
            f'<span style="outline:2px solid #dc2626;{_SPAN}">special</span></div>')
    warn = "".join(f'<div class="chat-warning" style="color:#b91c1c;font-weight:600">⚠️ {html.escape(w)}</div>'
                   for w in prompt.warnings)
    if prompt.notice:
        warn += f'<div class="chat-notice" style="color:#b45309">✂️ {html.escape(prompt.notice)}</div>'
    ids = f'<details><summary>token ids</summary><code>{prompt.ids}</code></details>'
    text = f'<details><summary>prompt string</summary><pre>{html.escape(prompt.text)}</pre></details>'
    return f'<div class="chat-prompt">{head}{warn}<div style="line-height:2">{"".join(spans)}</div>{ids}{text}</div>'


def confidence_colour(p: float) -> str:
    """0 -> red, 0.5 -> yellow, 1 -> green, as a light background."""
    p = min(1.0, max(0.0, p))
    hue = int(120 * p)
    return f"hsl({hue}, 85%, 82%)"


def confidence_html(tokens: Sequence[TokenConfidence]) -> str:
    """The reply token by token, coloured by the model's probability; hover shows the top alternatives."""
    if not tokens:
        return '<div class="chat-confidence"><em>(no reply yet)</em></div>'
    spans = []
    for t in tokens:
        alts = ", ".join(f"{a!r} {p:.1%}" for a, p in t.alternatives)
        title = f"p = {t.prob:.1%} | id {t.token_id} | top: {alts}"
        spans.append(f'<span class="chat-tok" style="background:{confidence_colour(t.prob)};{_SPAN}" '
                     f'title="{html.escape(title)}">{html.escape(_show(t.text))}</span>')
    mean = sum(t.prob for t in tokens) / len(tokens)
    scale = " ".join(f'<span style="background:{confidence_colour(p)};{_SPAN}">{p:.0%}</span>'
                     for p in (0.0, 0.25, 0.5, 0.75, 1.0))
    return (f'<div class="chat-confidence"><div>{len(tokens)} tokens, mean probability {mean:.1%} &nbsp; {scale}'
            f'</div><div style="line-height:2">{"".join(spans)}</div></div>')
