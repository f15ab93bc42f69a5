"""Reading a tool call out of a model's reply, in the formats model families are trained to write.

    qwen     <tool_call>\\n{"name": "calculator", "arguments": {"expression": "2+2"}}\\n</tool_call>
             (Qwen2.5's template asks for exactly this; SmolLM2's training data wraps a one-item list the same way)
    llama3   {"name": "calculator", "parameters": {"expression": "2+2"}}   (bare JSON, maybe after <|python_tag|>)
    json     {"name": "calculator", "arguments": {"expression": "2+2"}}    (bare, or in a ```json fence: what the
             fallback system prompt asks a model without tool support for)

`parse_call(reply)` returns a `ParsedCall` (name, arguments, the format it was found in), `None` when the reply
calls nothing (a plain answer), or raises `ParseError` whose `code` says what was wrong and whose message quotes it:
a small model often writes a call that is almost right, and showing why it fails is part of the lesson.

Not here: whether the arguments fit the tool (playground.core.tools.check_arguments), running it, prompts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from playground.errors import InputError

FORMATS = ("qwen", "llama3", "json")
_TAG = re.compile(r"<tool_call>(.*?)(</tool_call>|$)", re.S)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)
PYTHON_TAG = "<|python_tag|>"


class ParseError(InputError):
    """A reply that tries to call a tool but cannot be read. `code`: bad_json, no_name, bad_arguments, unclosed."""

    def __init__(self, code: str, message: str, fmt: str) -> None:
        super().__init__(message)
        self.code = code
        self.fmt = fmt


@dataclass(frozen=True)
class ParsedCall:
    """One tool call read from a reply."""

    name: str
    arguments: dict[str, Any]
    fmt: str  # one of FORMATS
    raw: str  # the text the call was read from
    others: tuple[Any, ...] = field(default=())  # further calls in the same reply (only the first one runs)


def _load(text: str, fmt: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(  # noqa: B904 - the message carries what matters; the decoder's traceback does not
            "bad_json", f"The {fmt} tool call is not valid JSON ({exc.msg} at {exc.pos}): {text!r:.120}", fmt
        )


def _call(obj: Any, fmt: str, raw: str) -> ParsedCall:
    """{"name": ..., "arguments"|"parameters": {...}} -> ParsedCall; a list -> its first item (the rest kept)."""
    others: tuple[Any, ...] = ()
    if isinstance(obj, list):
        if not obj:
            raise ParseError("no_name", f"The {fmt} tool call is an empty list: {raw!r:.120}", fmt)
        obj, others = obj[0], tuple(obj[1:])
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str) or not obj["name"].strip():
        raise ParseError("no_name", f'The {fmt} tool call has no "name" string: {raw!r:.120}', fmt)
    key = "parameters" if fmt == "llama3" else "arguments"
    args = obj.get(key, obj.get("arguments" if key == "parameters" else "parameters", {}))
    if isinstance(args, str):  # OpenAI-style: the arguments as a JSON string
        args = _load(args, fmt) if args.strip() else {}
    if not isinstance(args, dict):
        raise ParseError("bad_arguments", f"The {fmt} tool call's {key} must be a JSON object, got {args!r:.80}", fmt)
    return ParsedCall(obj["name"].strip(), args, fmt, raw, others)


def parse_qwen(reply: str) -> ParsedCall | None:
    """'<tool_call>{"name": "clock", "arguments": {}}</tool_call>' -> ParsedCall('clock', {}, 'qwen'); no tag: None."""
    m = _TAG.search(reply)
    if m is None:
        return None
    body = m.group(1).strip()
    if not m.group(2):
        raise ParseError("unclosed", f"The <tool_call> tag is never closed: {reply!r:.120}", "qwen")
    return _call(_load(body, "qwen"), "qwen", body)


def _bare_json(reply: str) -> str | None:
    """The reply's JSON object, if the reply is one (whitespace, a python tag or a ```json fence around it)."""
    text = reply.strip().removeprefix(PYTHON_TAG).strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    return text if text.startswith(("{", "[")) else None


def parse_llama3(reply: str) -> ParsedCall | None:
    """'{"name": "clock", "parameters": {"utc_offset": "+01:00"}}' -> ParsedCall; prose: None."""
    text = _bare_json(reply)
    return None if text is None else _call(_load(text, "llama3"), "llama3", text)


def parse_json(reply: str) -> ParsedCall | None:
    """'```json\\n{"name": "clock", "arguments": {}}\\n```' -> ParsedCall('clock', {}, 'json'); prose: None."""
    text = _bare_json(reply)
    return None if text is None else _call(_load(text, "json"), "json", text)


PARSERS = {"qwen": parse_qwen, "llama3": parse_llama3, "json": parse_json}


def parse_call(reply: str, fmt: str = "auto") -> ParsedCall | None:
    """The first tool call in `reply`, read in format `fmt` ("auto": a <tool_call> tag first, then bare JSON, which
    is "llama3" when it carries "parameters" and "json" otherwise). None: the reply calls no tool."""
    if fmt != "auto":
        if fmt not in PARSERS:
            raise InputError(f"Unknown tool-call format {fmt!r}; the formats are auto, {', '.join(FORMATS)}.")
        return PARSERS[fmt](reply)
    if "<tool_call>" in reply:
        return parse_qwen(reply)
    text = _bare_json(reply)
    if text is None:
        return None
    return (parse_llama3 if '"parameters"' in text else parse_json)(reply)
