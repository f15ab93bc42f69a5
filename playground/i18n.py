"""UI strings in English, 繁體中文 and 简体中文, and the switch that re-labels the page.

Each tab module registers its own strings with `register({...})` at import time, keyed
"<tab id>.<name>", as (English, Traditional Chinese, Simplified Chinese). `t(key, lang)` looks a
string up; unknown keys come back as the key itself, so a missing translation is visible, not fatal.

The page-level switch lives in the app factory: components created through
`Translatable.make()` are remembered and re-labelled when the language changes.

One mechanism, the in-page switch, rather than gradio's gr.I18n (which follows the browser's locale): a
classroom's projector or a shared PC often runs a browser whose locale is not the class's language, and
the teacher must be able to switch the page in front of everyone. Results that carry words (verdicts,
notes, table headers, chart titles) are worded by the tab from codes and numbers the core returns, in
the language the page sends with the request (`ctx.lang`, the switch itself, as the last input; API
callers may pass "en", "zh-Hant" or "zh-Hans", English by default).

Not here: messages of errors raised by the core (they stay English, as they name values).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LANGS: tuple[str, ...] = ("en", "zh-Hant", "zh-Hans")
LANG_NAMES: dict[str, str] = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}

_STRINGS: dict[str, tuple[str, str, str]] = {}
_MISSING: set[str] = set()  # keys asked for but never registered (a test keeps this empty)


def register(strings: dict[str, tuple[str, str, str]]) -> None:
    """Add strings: {"tokenizer.text": ("Text", "文字", "文字")}. Re-registering a key must not change it."""
    for key, triple in strings.items():
        if len(triple) != 3:
            raise ValueError(f"i18n string {key!r} needs 3 translations, got {len(triple)}")
        if key in _STRINGS and _STRINGS[key] != tuple(triple):
            raise ValueError(f"i18n key {key!r} registered twice with different text")
        _STRINGS[key] = tuple(triple)  # type: ignore[assignment]


def t(key: str, lang: str | None = "en", **values: object) -> str:
    """The string for `key` in `lang` ('en', 'zh-Hant', 'zh-Hans'; None or unknown -> English), with
    `values` filled in by str.format: t("vram.fits", "zh-Hant", total="3.2 GB"). The key itself if unknown."""
    triple = _STRINGS.get(key)
    if triple is None:
        _MISSING.add(key)
        return key
    text = triple[LANGS.index(lang) if lang in LANGS else 0]
    return text.format(**values) if values else text


def keys() -> list[str]:
    return sorted(_STRINGS)


def missing() -> list[str]:
    """Keys that were looked up but never registered."""
    return sorted(_MISSING)


class Translatable:
    """Creates UI components whose texts follow the language switch.

    `make(gr.Textbox, i18n={"label": "tokenizer.text"}, lines=3)` builds the component with the
    English text and remembers which attribute shows which key.
    """

    def __init__(self) -> None:
        self.items: list[tuple[Any, dict[str, str]]] = []

    def make(self, cls: Callable[..., Any], i18n: dict[str, str], **kwargs: Any) -> Any:
        component = cls(**kwargs, **{attr: t(key) for attr, key in i18n.items()})
        self.items.append((component, dict(i18n)))
        return component

    def updates(self, lang: str) -> list[dict[str, Any]]:
        """One gr.update-style dict per remembered component, in registration order."""
        import gradio as gr

        return [
            gr.update(**{attr: t(key, lang) for attr, key in mapping.items()})  # type: ignore[arg-type]
            for _component, mapping in self.items
        ]  # any component's texts: label, info, value, ...


register(
    {
        "app.title": ("LLM Playground", "LLM 遊樂場", "LLM 游乐场"),
        "app.heading": ("# LLM Playground", "# LLM 遊樂場", "# LLM 游乐场"),
        "app.subtitle": (
            "See how a causal language model works: tokens, next-token probabilities, chat templates, "
            "what is inside the model, and how much memory it needs.",
            "看看因果語言模型如何運作：詞元、下一個詞元的機率、對話模板、模型內部，以及它需要多少記憶體。",
            "看看因果语言模型如何运作：词元、下一个词元的概率、对话模板、模型内部，以及它需要多少内存。",
        ),
        "app.language": ("Language", "語言", "语言"),
        "bar.model": ("Model", "模型", "模型"),
        "bar.model_info": (
            "A catalog name, a Hub id (owner/name), a local folder or a .gguf file",
            "目錄中的名稱、Hub 代號（owner/name）、本機資料夾或 .gguf 檔",
            "目录中的名称、Hub 代号（owner/name）、本地文件夹或 .gguf 文件",
        ),
        "bar.device": ("Device", "裝置", "设备"),
        "bar.dtype": ("Data type", "資料型別", "数据类型"),
        "bar.quantization": ("CPU int8", "CPU int8", "CPU int8"),
        "bar.load": ("Load model", "載入模型", "加载模型"),
        "bar.status": ("Status", "狀態", "状态"),
        "common.code": (
            "Code: the same with plain transformers",
            "程式碼：用 transformers 做同樣的事",
            "代码：用 transformers 做同样的事",
        ),
        "common.code_section": ("Code", "程式碼", "代码"),
        "common.json_section": ("JSON", "JSON", "JSON"),
        "common.result": (
            "JSON result (what the API returns)",
            "JSON 結果（API 傳回的內容）",
            "JSON 结果（API 返回的内容）",
        ),
        "common.examples": ("Examples", "範例", "示例"),
        "common.run": ("Run", "執行", "运行"),
    }
)
