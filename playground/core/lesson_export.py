"""A saved lesson run: what a class saw (each step's inputs, result, claims, prediction, chart and worded
views), the model and the versions, as one JSON document that a machine without the model can show again.

`make_export(records, ...)` builds the document; `read_export(raw)` checks an uploaded one and returns its
records, or raises InputError naming what is wrong. A document comes from anyone: its size is bounded,
every field is type-checked, only known steps are kept, and its HTML views pass `clean_html`, which keeps
the few tags and attributes the token views use and escapes everything else (no script, no event handler,
no link).

Not here: running steps (lesson_runs), gradio, the file download (the tab writes the file).
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from importlib import metadata
from typing import Any

from playground.core import lessons
from playground.errors import InputError

FORMAT = "llm-playground-lesson"
VERSION = 1
MAX_BYTES = 5_000_000  # an export of every step with its charts is ~1 MB
PACKAGES = ("torch", "transformers", "gradio", "plotly")
# What a record holds, and the type each field must have (figure: a Plotly figure as a dict, or None).
FIELDS: dict[str, type | tuple[type, ...]] = {
    "step": str,
    "role": str,
    "model": str,
    "inputs": dict,
    "prediction": (str, int, float, type(None)),
    "result": dict,
    "held": dict,
    "figure": (dict, type(None)),
    "html": str,
    "summary": str,
    "reveal": str,
}
TAGS = {"span", "sub", "sup", "div", "br", "b", "i", "code", "small", "table", "thead", "tbody", "tr", "td", "th"}
ATTRS = {"class", "title", "style"}
_BAD_STYLE = re.compile(r"url\s*\(|expression|javascript:|@import|\\", re.I)


def versions() -> dict[str, str]:
    """The installed versions a run was made with."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def make_export(records: dict[str, dict[str, Any]], lang: str, model: str) -> dict[str, Any]:
    """The document for `records` (step id -> record), steps in lesson order."""
    ordered = [records[s.id] for s in lessons.STEPS if s.id in records]
    return {
        "format": FORMAT,
        "version": VERSION,
        "lang": lang,
        "model": model,
        "versions": versions(),
        "steps": ordered,
    }


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            return
        kept = [
            f' {k}="{html.escape(v or "", quote=True)}"'
            for k, v in attrs
            if k in ATTRS and not (k == "style" and _BAD_STYLE.search(v or ""))
        ]
        if tag == "br":
            self.out.append("<br>")
            return
        self.out.append(f"<{tag}{''.join(kept)}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))


def clean_html(text: str) -> str:
    """`text` with only TAGS and ATTRS kept (a style with url(), expression or javascript: dropped), the text
    escaped: '<span class="tok" onclick="x">a</span><script>1</script>' -> '<span class="tok">a</span>1'."""
    cleaner = _Cleaner()
    cleaner.feed(text)
    cleaner.close()
    return "".join(cleaner.out) + "".join(f"</{t}>" for t in reversed(cleaner.open))


def _record(raw: Any, i: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError(f"Step {i + 1} of the file is not an object.")
    for name, kind in FIELDS.items():
        if not isinstance(raw.get(name), kind):
            raise InputError(f"Step {i + 1} of the file has no valid {name!r}.")
    step = lessons.get_step(raw["step"])
    if raw["role"] not in step.roles:
        raise InputError(f"Step {step.id} is not shown for {raw['role']!r}.")
    record = {name: raw[name] for name in FIELDS}
    record["held"] = {str(k): bool(v) for k, v in raw["held"].items()}
    record["html"] = clean_html(raw["html"])
    return record


def read_export(raw: bytes | str) -> dict[str, Any]:
    """A document from `raw` (the file's bytes), checked: {"lang", "model", "versions", "records": {id: record}}."""
    if len(raw) > MAX_BYTES:
        raise InputError(f"The file has {len(raw):,} bytes; a saved lesson has at most {MAX_BYTES:,}.")
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"The file is not JSON ({exc}).") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise InputError(f"The file is not a saved lesson (format {FORMAT!r}, version {VERSION}).")
    steps = doc.get("steps")
    if not isinstance(steps, list):
        raise InputError("The file has no list of steps.")
    records = {r["step"]: r for r in (_record(s, i) for i, s in enumerate(steps))}
    vers = doc["versions"] if isinstance(doc.get("versions"), dict) else {}
    lang = doc.get("lang") if doc.get("lang") in ("en", "zh-Hant", "zh-Hans") else "en"
    return {
        "lang": lang,
        "model": str(doc.get("model", "")),
        "versions": {str(k): str(v) for k, v in vers.items()},
        "records": records,
    }
