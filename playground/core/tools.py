"""The tools a model may call in the Tools & RAG tab: their JSON schemas, argument checks and the code that runs them.

Four small tools, pure Python (no shell, no network, no `eval`):
    calculator        + - * / ** % and parentheses over numbers, on a whitelist walk of Python's AST
    clock             the current UTC time, shifted by a timezone offset such as "+08:00"
    convert_units     length, mass and temperature units
    country_facts     a lookup in a small built-in table (capital, currency, continent)

`SCHEMAS` is the list `tokenizer.apply_chat_template(..., tools=SCHEMAS)` takes (OpenAI-style function specs);
`check_arguments(name, args)` validates a call against its schema and `run_tool(name, args)` runs it. Both raise
ToolError whose message names the value that was wrong: the loop hands that message back to the model, as a tool
result, the way a real agent framework does.

Not here: parsing a model's reply for a call (playground.core.tool_calls), prompts and the loop
(playground.core.tool_loop).
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from playground.errors import InputError


class ToolError(InputError):
    """A tool call that cannot run: unknown tool, bad arguments, or an expression the calculator refuses."""


MAX_EXPRESSION = 200  # characters of a calculator expression
MAX_MAGNITUDE = 1e100  # |value| of any intermediate result: refuses 9**9**9 before Python tries to compute it
MAX_EXPONENT = 1000  # |exponent| of a power


def _spec(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


LENGTH = {"m": 1.0, "km": 1000.0, "cm": 0.01, "mm": 0.001, "mi": 1609.344, "ft": 0.3048, "in": 0.0254}  # in metres
MASS = {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "oz": 0.028349523125}  # in kilograms
TEMPERATURE = ("C", "F", "K")
UNITS = [*LENGTH, *MASS, *TEMPERATURE]

# A tiny table (real, stable facts) for the lookup tool: country -> field -> value.
COUNTRIES: dict[str, dict[str, str]] = {
    "France": {"capital": "Paris", "currency": "euro", "continent": "Europe"},
    "Japan": {"capital": "Tokyo", "currency": "yen", "continent": "Asia"},
    "Brazil": {"capital": "Brasília", "currency": "real", "continent": "South America"},
    "Kenya": {"capital": "Nairobi", "currency": "Kenyan shilling", "continent": "Africa"},
    "Australia": {"capital": "Canberra", "currency": "Australian dollar", "continent": "Oceania"},
    "Canada": {"capital": "Ottawa", "currency": "Canadian dollar", "continent": "North America"},
    "Taiwan": {"capital": "Taipei", "currency": "New Taiwan dollar", "continent": "Asia"},
    "Egypt": {"capital": "Cairo", "currency": "Egyptian pound", "continent": "Africa"},
}
FIELDS = ["capital", "currency", "continent"]

SCHEMAS: list[dict[str, Any]] = [
    _spec(
        "calculator",
        "Evaluate an arithmetic expression with + - * / ** % and parentheses.",
        {"expression": {"type": "string", "description": "The expression, e.g. '(17 + 3) * 23'"}},
        ["expression"],
    ),
    _spec(
        "clock",
        "The current date and time at a UTC offset.",
        {"utc_offset": {"type": "string", "description": "Offset from UTC such as '+08:00' or '-05:00'"}},
        [],
    ),
    _spec(
        "convert_units",
        "Convert a value between units of length, mass or temperature.",
        {
            "value": {"type": "number", "description": "The value to convert"},
            "from_unit": {"type": "string", "enum": UNITS},
            "to_unit": {"type": "string", "enum": UNITS},
        },
        ["value", "from_unit", "to_unit"],
    ),
    _spec(
        "country_facts",
        "Look up a country's capital, currency or continent.",
        {"country": {"type": "string", "enum": list(COUNTRIES)}, "field": {"type": "string", "enum": FIELDS}},
        ["country", "field"],
    ),
]
NAMES = [s["function"]["name"] for s in SCHEMAS]


def schemas(names: list[str] | None = None) -> list[dict[str, Any]]:
    """The specs of `names` (all when None), in SCHEMAS' order; an unknown name -> ToolError naming the known ones."""
    if names is None:
        return list(SCHEMAS)
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise ToolError(f"Unknown tool {unknown[0]!r}; the tools are {', '.join(NAMES)}.")
    return [s for s in SCHEMAS if s["function"]["name"] in names]


# --------------------------------------------------------------------------- argument checks

_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "number": (int, float), "integer": (int,)}


def check_arguments(name: str, args: Any) -> dict[str, Any]:
    """`args` checked against tool `name`'s schema: a dict, required keys present, no unknown keys, types, enums.

    ('calculator', {'expression': '1+1'}) -> {'expression': '1+1'}; ('clock', {'tz': 'x'}) -> ToolError."""
    spec = schemas([name])[0]["function"]["parameters"]
    if not isinstance(args, dict):
        raise ToolError(f"The arguments of {name} must be a JSON object, got {args!r:.80}.")
    props: dict[str, Any] = spec["properties"]
    for key in spec["required"]:
        if key not in args:
            raise ToolError(f"{name} needs the argument {key!r}; got {sorted(args) or 'none'}.")
    for key, value in args.items():
        if key not in props:
            raise ToolError(f"{name} has no argument {key!r}; its arguments are {', '.join(props)}.")
        prop = props[key]
        ok = isinstance(value, _TYPES[prop["type"]]) and not isinstance(value, bool)
        if not ok:
            raise ToolError(f"{name}: {key!r} must be a {prop['type']}, got {value!r:.80}.")
        if "enum" in prop and value not in prop["enum"]:
            raise ToolError(f"{name}: {key!r} must be one of {', '.join(map(str, prop['enum']))}; got {value!r:.80}.")
    return dict(args)


# --------------------------------------------------------------------------- the calculator

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


def _value(node: ast.AST) -> float | int:
    """Evaluate one whitelisted node; anything else (names, calls, attributes, strings) -> ToolError."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_value(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow):
            if abs(right) > MAX_EXPONENT or (abs(left) > 1 and abs(right) * math.log10(abs(left)) > 100):
                raise ToolError(f"The power {left!r} ** {right!r} is too large for the calculator.")
            if left == 0 and right < 0:
                raise ToolError("Zero cannot be raised to a negative power.")
        if isinstance(node.op, (ast.Div, ast.Mod)) and right == 0:
            raise ToolError("Division by zero.")
        result = _BINARY[type(node.op)](left, right)
        if isinstance(result, complex):  # (-8) ** 0.5
            raise ToolError(f"{left!r} ** {right!r} is not a real number.")
        if not math.isfinite(result) or abs(result) > MAX_MAGNITUDE:
            raise ToolError("The result is too large for the calculator.")
        return result
    what = type(node).__name__
    raise ToolError(f"The calculator takes numbers, + - * / ** % and parentheses only; it refuses {what}.")


def calculate(expression: str) -> float | int:
    """'(17 + 3) * 23' -> 460; '2 ** 0.5' -> 1.414...; "__import__('os')" -> ToolError. Never calls eval."""
    text = expression.strip()
    if not text:
        raise ToolError("The expression is empty.")
    if len(text) > MAX_EXPRESSION:
        raise ToolError(f"The expression is {len(text)} characters; the calculator takes at most {MAX_EXPRESSION}.")
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        raise ToolError(f"The expression {text!r} is not arithmetic: {exc.msg}.") from None
    result = _value(tree.body)
    return int(result) if isinstance(result, float) and result.is_integer() and abs(result) < 2**53 else result


# --------------------------------------------------------------------------- the other tools

_OFFSET = re.compile(r"^(?:UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$")


def parse_offset(text: str) -> timedelta:
    """'+08:00' -> 8 h; '-5' -> -5 h; 'UTC+05:30' -> 5.5 h; '' or 'Z' -> 0; 'Mars' -> ToolError."""
    text = text.strip()
    if text in ("", "Z", "UTC", "+00:00"):
        return timedelta(0)
    m = _OFFSET.match(text)
    if not m:
        raise ToolError(f"utc_offset must look like '+08:00' or '-05:00', got {text!r:.40}.")
    sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes >= 60 or (hours == 14 and minutes):
        raise ToolError(f"utc_offset {text!r} is outside -14:00 .. +14:00.")
    delta = timedelta(hours=hours, minutes=minutes)
    return -delta if sign == "-" else delta


def clock(utc_offset: str = "+00:00", now: datetime | None = None) -> dict[str, str]:
    """{'utc_offset': '+08:00', 'time': '2026-11-30 02:57', 'weekday': 'Monday'}; `now` (UTC) for tests."""
    delta = parse_offset(utc_offset)
    local = (now or datetime.now(UTC)).astimezone(UTC) + delta
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    shown = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return {"utc_offset": shown, "time": local.strftime("%Y-%m-%d %H:%M"), "weekday": local.strftime("%A")}


def convert_units(value: float, from_unit: str, to_unit: str) -> dict[str, Any]:
    """(10, 'km', 'mi') -> {'value': 6.213712, 'unit': 'mi'}; (100, 'C', 'F') -> 212.0; (1, 'kg', 'm') -> ToolError."""
    for table in (LENGTH, MASS):
        if from_unit in table and to_unit in table:
            return {"value": round(value * table[from_unit] / table[to_unit], 6), "unit": to_unit}
    if from_unit in TEMPERATURE and to_unit in TEMPERATURE:
        kelvin = {"C": value + 273.15, "F": (value - 32) * 5 / 9 + 273.15, "K": value}[from_unit]
        if kelvin < 0:
            raise ToolError(f"{value} {from_unit} is below absolute zero.")
        out = {"C": kelvin - 273.15, "F": (kelvin - 273.15) * 9 / 5 + 32, "K": kelvin}[to_unit]
        return {"value": round(out, 6), "unit": to_unit}
    raise ToolError(f"Cannot convert {from_unit} to {to_unit}: they measure different things.")


def country_facts(country: str, field: str) -> dict[str, str]:
    """('Japan', 'capital') -> {'country': 'Japan', 'capital': 'Tokyo'} (the schema's enums limit both)."""
    return {"country": country, field: COUNTRIES[country][field]}


def run_tool(name: str, args: Any, now: datetime | None = None) -> Any:
    """Check `args` against tool `name`'s schema, then run it; the result is JSON-ready. Errors -> ToolError."""
    args = check_arguments(name, args)
    if name == "calculator":
        return {"expression": args["expression"], "result": calculate(args["expression"])}
    if name == "clock":
        return clock(args.get("utc_offset", "+00:00"), now)
    if name == "convert_units":
        return convert_units(float(args["value"]), args["from_unit"], args["to_unit"])
    return country_facts(args["country"], args["field"])
