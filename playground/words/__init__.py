"""Words for people, per tab: the string tables (English, 繁體中文, 简体中文) and the functions that word a
core result (codes and numbers) in the page's language. Pure: no gradio, no model calls.

Not here: HTML (playground/render.py), figures (playground/charts*.py), wiring (playground/tabs/).
"""

from playground.i18n import register, t


def columns(text: str) -> list[str]:
    """Table headers kept as one translated string: "#|id|raw token" -> ['#', 'id', 'raw token']."""
    return text.split("|")


register({"words.token": ("token", "個詞元", "个词元"), "words.tokens": ("tokens", "個詞元", "个词元")})


def n_tokens(n: int, lang: str = "en") -> str:
    """The noun agreeing with its count, in `lang`: (1, 'en') -> 'token', (2, 'en') -> 'tokens'."""
    return t("words.token" if n == 1 else "words.tokens", lang)
