"""Links that reopen a view: a page's state as URL query parameters, and the checks that read one back.

The link format: `?tab=<tab id>&model=<catalog name>&lang=<en|zh-Hant|zh-Hans>&<parameter>=<value>...`, where
each parameter is one of the tab's inputs under its API parameter name (`?tab=neighbors&word=apple&k=10`),
plus `run=1` (compute the view on opening) and `present=1` (presentation mode); a lesson step is the Lessons
tab's `step` input (`?tab=lessons&step=tokens.space`). A tab with sub-tabs (Edit & Merge) takes `view=<sub-tab
id>` (`?tab=edit_merge&view=edit-merge&alpha=0.5&run=1`): the link opens that sub-tab and run=1 runs its event
(a link without `view` opens the tab as it always did, and runs the tab's first event).

A value is only ever used as the value of the input it names, after `check` has matched it against that
input's kind, range or choices; anything else (an unknown name, a value out of range, a model outside the
catalog, a sub-tab the tab does not have, a control character) is ignored and reported in a note, never
evaluated.

Not here: which inputs a tab has (playground.links reads them from the built app), gradio.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from playground.core import lessons

PAGE = ("tab", "view", "model", "lang", "run", "present")  # parameters of the page, not of one tab
LANGS = ("en", "zh-Hant", "zh-Hans")
MAX_PARAMS = 64  # a query with more parameters than this is not a link this app wrote
MAX_NAME = 40
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Lesson inputs whose tab calls them otherwise (a chat step's question is the Chat tab's message).
RENAMED = {"question": "message", "limit": "max_new_tokens"}
# Events a linked run runs first: api_name -> (the event before it, the input and value that need it). A
# fresh page has no fine-tuned adapter, so a linked merge of "the session's adapter" fine-tunes first.
BEFORE: dict[str, tuple[str, str, str]] = {"merge": ("finetune", "kind", "adapter")}


@dataclass(frozen=True)
class Field:
    """One input as a link may set it: its kind and what it accepts."""

    kind: str  # "text" | "number" | "bool" | "choice"
    minimum: float | None = None
    maximum: float | None = None
    whole: bool = False  # a number that must be an integer (a slider with an integer step)
    choices: tuple[str, ...] = ()  # "choice": the values accepted
    max_chars: int = 2000  # "text"


def _number(field: Field, raw: str) -> float | int | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    if field.minimum is not None and value < field.minimum:
        return None
    if field.maximum is not None and value > field.maximum:
        return None
    if field.whole:
        return int(value) if value.is_integer() else None
    return value


def check(field: Field, raw: str) -> Any:
    """The value `raw` stands for in `field`, or None when the field does not accept it.

    check(Field("number", 0, 2), "0.5") -> 0.5; check(Field("number", 0, 2), "__import__('os')") -> None.
    """
    if field.kind == "number":
        return _number(field, raw.strip())
    if field.kind == "bool":
        low = raw.strip().lower()
        return True if low in TRUE else False if low in FALSE else None
    if field.kind == "choice":
        return raw if raw in field.choices else None
    if len(raw) > field.max_chars or any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in raw):
        return None
    return raw


@dataclass(frozen=True)
class Parsed:
    tab: str | None  # the tab to select (a known tab id), None: leave the page as it opens
    model: str | None  # a catalog name
    lang: str | None
    run: bool
    present: bool
    values: dict[str, Any]  # parameter name -> checked value, for the selected tab's inputs
    ignored: tuple[tuple[str, str], ...]  # (parameter name, why: "unknown" | "invalid" | "too_many")
    view: str | None = None  # the sub-tab of `tab` to select (one of its view ids), None: the tab as it opens


def parse(
    query: dict[str, str],
    tabs: dict[str, dict[str, Field]],
    models: tuple[str, ...],
    views: dict[str, tuple[str, ...]] | None = None,
) -> Parsed:
    """Read a query: `tabs` maps each tab id to its linkable inputs, `models` lists the names a link may set,
    `views` maps a tab id to the ids of its sub-tabs (a `view` names one of the linked tab's)."""
    ignored: list[tuple[str, str]] = []
    items = list(query.items())
    if len(items) > MAX_PARAMS:
        ignored.append(("*", "too_many"))
        items = items[:MAX_PARAMS]
    q = {}
    for name, raw in items:
        if not isinstance(name, str) or not isinstance(raw, str) or len(name) > MAX_NAME or not _NAME.match(name):
            ignored.append((str(name)[:MAX_NAME], "unknown"))
        else:
            q[name] = raw
    tab = q.pop("tab", None)
    if tab is not None and tab not in tabs:
        ignored.append(("tab", "invalid"))
        tab = None
    view = q.pop("view", None)
    if view is not None and view not in (views or {}).get(tab or "", ()):
        ignored.append(("view", "invalid"))
        view = None
    model = q.pop("model", None)
    if model is not None and model not in models:
        ignored.append(("model", "invalid"))
        model = None
    lang = q.pop("lang", None)
    if lang is not None and lang not in LANGS:
        ignored.append(("lang", "invalid"))
        lang = None
    flags = {}
    for flag in ("run", "present"):
        given = q.pop(flag, "")
        flags[flag] = bool(given and check(Field("bool"), given))
    fields = tabs.get(tab or "", {})
    values = {}
    if model is not None and "model" in fields and check(fields["model"], model) is not None:
        values["model"] = model  # a tab with a model field of its own (Architecture, VRAM) shows the linked model
    for name, raw in q.items():
        if name not in fields:
            ignored.append((name, "unknown"))
            continue
        value = check(fields[name], raw)
        if value is None:
            ignored.append((name, "invalid"))
        else:
            values[name] = value
    return Parsed(tab, model, lang, flags["run"], flags["present"], values, tuple(ignored), view)


def query(tab: str, values: dict[str, Any], **page: Any) -> str:
    """The query string of a view: query("neighbors", {"word": "apple", "k": 10}, model="M") ->
    '?tab=neighbors&model=M&word=apple&k=10'. Booleans as 1/0, whole floats as ints; None values left out."""

    def text(v: Any) -> str:
        if isinstance(v, bool):
            return "1" if v else "0"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    pairs = [("tab", tab)] + [(k, v) for k, v in page.items() if v is not None and v is not False]
    pairs += [(k, v) for k, v in values.items() if v is not None]
    return "?" + urlencode([(k, text(v)) for k, v in pairs])


def step_query(step_id: str, lang: str = "en") -> str:
    """The link of one lesson step: '?tab=lessons&lang=en&step=tokens.space'."""
    return query("lessons", {}, lang=lang, step=step_id)


def tab_query(step: lessons.Step, role: str) -> str:
    """The link that opens a step's own tab (and sub-tab: `view`) with the step's inputs and computes it (run=1)."""
    inputs = dict(step.inputs[role])
    if step.kind == "vram":  # the calculator's form: the last form of the step, on its hardware
        inputs = {**inputs["forms"][-1], "hardware": inputs["hardware"]}
    if step.kind == "chat_loop":
        inputs = {"message": inputs["message"]}
    values = {RENAMED.get(k, k): v for k, v in inputs.items()}
    return query(step.tab, values, view=step.view, model=lessons.model_for(role), run=True)
