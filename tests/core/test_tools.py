"""Tools, tool-call parsers, the tool prompt and the loop (playground.core.tools / tool_calls / tool_loop).

Edge cases first: the calculator refuses anything but arithmetic, tools refuse bad arguments, the parsers refuse
malformed calls with a message that says why. Then the prompt against apply_chat_template itself, and the loop
with a hand-written reply (parsing and running are exercised whatever the model does) and with the real models.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import torch

from playground import config
from playground.core import tool_loop
from playground.core.tool_calls import ParseError, parse_call
from playground.core.tools import SCHEMAS, ToolError, calculate, check_arguments, run_tool, schemas
from playground.loader import get_loader

NOW = datetime(2026, 11, 29, 19, 30, tzinfo=UTC)

# ----------------------------------------------------------------------- the calculator


@pytest.mark.parametrize(
    "expression, want",
    [
        ("1", 1),
        ("(17 + 3) * 23", 460),
        ("2 ** 10", 1024),
        ("7 % 3", 1),
        ("1 / 4", 0.25),
        ("-2 ^ 2", -4),
        ("2**-1", 0.5),
    ],
)
def test_the_calculator_does_arithmetic(expression, want):  # ^ is **, which binds tighter than a minus
    assert calculate(expression) == want


@pytest.mark.parametrize(
    "expression, says",
    [
        ("__import__('os').system('ls')", "refuses Call"),
        ("().__class__.__bases__", "refuses Attribute"),
        ("x + 1", "refuses Name"),
        ("'a' * 3", "refuses Constant"),
        ("True + 1", "refuses Constant"),
        ("[1, 2]", "refuses List"),
        ("lambda: 1", "refuses Lambda"),
        ("9 ** 9 ** 9", "too large"),
        ("10 ** 101", "too large"),
        ("2 ** 5000", "too large"),
        ("1e300 * 1e300", "too large"),
        ("1 / 0", "Division by zero"),
        ("5 % 0", "Division by zero"),
        ("(-8) ** 0.5", "not a real number"),
        ("0 ** -1", "negative power"),
        ("", "empty"),
        ("1 +", "not arithmetic"),
        ("1" * 201, "at most 200"),
    ],
)
def test_the_calculator_refuses_anything_else(expression, says):
    with pytest.raises(ToolError, match=says):
        calculate(expression)


# ----------------------------------------------------------------------- arguments and the other tools


@pytest.mark.parametrize(
    "name, args, says",
    [
        ("calculator", "2+2", "must be a JSON object"),
        ("calculator", {}, "needs the argument 'expression'"),
        ("calculator", {"expression": 4}, "'expression' must be a string"),
        ("clock", {"tz": "+01:00"}, "has no argument 'tz'"),
        ("convert_units", {"value": "10", "from_unit": "km", "to_unit": "mi"}, "'value' must be a number"),
        ("convert_units", {"value": True, "from_unit": "km", "to_unit": "mi"}, "'value' must be a number"),
        ("convert_units", {"value": 1, "from_unit": "parsec", "to_unit": "mi"}, "must be one of"),
        ("country_facts", {"country": "Atlantis", "field": "capital"}, "must be one of France"),
        ("weather", {}, "Unknown tool 'weather'"),
    ],
)
def test_tools_refuse_bad_arguments(name, args, says):
    with pytest.raises(ToolError, match=says):
        check_arguments(name, args)


def test_each_tool_runs():
    assert run_tool("calculator", {"expression": "17*23"}) == {"expression": "17*23", "result": 391}
    assert run_tool("clock", {"utc_offset": "+08:00"}, NOW) == {
        "utc_offset": "+08:00",
        "time": "2026-11-30 03:30",
        "weekday": "Monday",
    }
    assert run_tool("clock", {}, NOW)["time"] == "2026-11-29 19:30"
    assert run_tool("clock", {"utc_offset": "UTC-05:30"}, NOW)["time"] == "2026-11-29 14:00"
    assert run_tool("convert_units", {"value": 42, "from_unit": "km", "to_unit": "mi"}) == {
        "value": 26.097590,
        "unit": "mi",
    }
    assert run_tool("convert_units", {"value": 100, "from_unit": "C", "to_unit": "F"}) == {"value": 212.0, "unit": "F"}
    assert run_tool("country_facts", {"country": "Japan", "field": "capital"}) == {
        "country": "Japan",
        "capital": "Tokyo",
    }


@pytest.mark.parametrize(
    "args, says",
    [
        ({"utc_offset": "Mars"}, "must look like"),
        ({"utc_offset": "+15:00"}, "outside -14:00"),
        ({"value": 1, "from_unit": "kg", "to_unit": "m"}, "different things"),
        ({"value": -300, "from_unit": "C", "to_unit": "K"}, "below absolute zero"),
    ],
)
def test_tools_refuse_bad_values(args, says):
    with pytest.raises(ToolError, match=says):
        run_tool("clock" if "utc_offset" in args else "convert_units", args, NOW)


# ----------------------------------------------------------------------- parsers


@pytest.mark.parametrize(
    "reply, fmt, name, args",
    [
        ('<tool_call>\n{"name": "clock", "arguments": {"utc_offset": "+01:00"}}\n</tool_call>', "qwen", "clock", {}),
        ('Sure.<tool_call>[{"name": "clock", "arguments": {}}]</tool_call>', "qwen", "clock", {}),  # SmolLM2's list
        ('{"name": "clock", "parameters": {"utc_offset": "+01:00"}}', "llama3", "clock", {}),
        ('<|python_tag|>{"name": "clock", "parameters": {}}', "llama3", "clock", {}),
        ('{"name": "clock", "arguments": {"utc_offset": "+01:00"}}', "json", "clock", {}),
        ('```json\n{"name": "clock", "arguments": "{\\"utc_offset\\": \\"+01:00\\"}"}\n```', "json", "clock", {}),
    ],
)
def test_each_format_parses(reply, fmt, name, args):
    call = parse_call(reply)
    assert call is not None and (call.fmt, call.name) == (fmt, name)
    assert call.arguments in ({}, {"utc_offset": "+01:00"})


def test_a_plain_answer_calls_nothing():
    assert parse_call("17 * 23 = 391.") is None
    assert parse_call("") is None


@pytest.mark.parametrize(
    "reply, code, says",
    [
        ("<tool_call>{name: clock}</tool_call>", "bad_json", "not valid JSON"),
        ('<tool_call>{"name": "clock", "arguments": {}}', "unclosed", "never closed"),
        ('<tool_call>{"arguments": {}}</tool_call>', "no_name", 'no "name"'),
        ("<tool_call>[]</tool_call>", "no_name", "empty list"),
        ('{"name": "clock", "arguments": [1, 2]}', "bad_arguments", "must be a JSON object"),
        ('{"name": "clock", "parameters": 5}', "bad_arguments", "parameters must be a JSON object"),
        ('{"name": "clock", "arguments": {}', "bad_json", "not valid JSON"),
    ],
)
def test_malformed_calls_are_refused_with_a_reason(reply, code, says):
    with pytest.raises(ParseError, match=says) as info:
        parse_call(reply)
    assert info.value.code == code


# ----------------------------------------------------------------------- the prompt


@pytest.fixture(scope="module")
def qwen_tokenizer():
    return get_loader().tokenizer(config.settings().chinese_model)


def test_the_tool_prompt_is_apply_chat_template_with_tools(qwen_tokenizer):
    tp = tool_loop.tool_prompt(qwen_tokenizer, "What is 17 * 23?", ["calculator", "clock"])
    messages = [{"role": "user", "content": "What is 17 * 23?"}]
    want = qwen_tokenizer.apply_chat_template(
        messages, tools=schemas(["calculator", "clock"]), tokenize=False, add_generation_prompt=True
    )
    assert tp.native and tp.with_tools.text == want
    assert tp.with_tools.ids == qwen_tokenizer(want, add_special_tokens=False)["input_ids"]
    assert tp.without.text == qwen_tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert tp.added.startswith("\n\n# Tools") and '"name": "clock"' in tp.added
    assert (tp.with_tools.n_tokens, tp.without.n_tokens, tp.added_tokens) == (285, 39, 246)


def test_a_template_without_tools_gets_the_fallback(tokenizer):
    assert not tool_loop.supports_tools(tokenizer)  # SmolLM2 renders the same text with tools= as without
    tp = tool_loop.tool_prompt(tokenizer, "What is 17 * 23?", ["calculator"])
    assert not tp.native and tp.system == tool_loop.fallback_system(schemas(["calculator"]))
    messages = [{"role": "system", "content": tp.system}, {"role": "user", "content": "What is 17 * 23?"}]
    assert tp.with_tools.text == tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert json.dumps(SCHEMAS[0]["function"]) in tp.added
    assert tp.added.startswith("You can call these tools.")  # from the line's start, not "can call"
    assert tp.added_tokens == tp.with_tools.n_tokens - tp.without.n_tokens > 50


# ----------------------------------------------------------------------- the loop


def _greedy(lm, text: str, n: int) -> str:
    ids = torch.tensor([lm.tokenizer(text, add_special_tokens=False)["input_ids"]])
    out = lm.model.generate(ids, max_new_tokens=n, do_sample=False)
    return lm.tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True).strip()


@pytest.mark.slow
def test_the_loop_parses_and_runs_a_hand_written_call(lm):
    call = '{"name": "calculator", "arguments": {"expression": "(17 + 3) * 23"}}'
    r = tool_loop.run_loop(lm, "What is (17 + 3) * 23?", ["calculator"], assistant=call, max_new_tokens=16)
    kinds = [(s.kind, s.ok) for s in r.steps]
    assert kinds == [
        ("prompt", True),
        ("reply", True),
        ("parse", True),
        ("run", True),
        ("tool_message", True),
        ("answer", True),
    ]
    assert r.steps[2].data == {
        "call": True,
        "format": "json",
        "name": "calculator",
        "args": {"expression": "(17 + 3) * 23"},
    }
    assert r.steps[3].data == {"result": {"expression": "(17 + 3) * 23", "result": 460}}
    assert r.messages[-2:] == [
        {"role": "assistant", "content": call},  # SmolLM2: no tool support, the reply goes back as written
        {"role": "tool", "name": "calculator", "content": '{"expression": "(17 + 3) * 23", "result": 460}'},
    ]
    assert r.final_prompt.endswith(
        '<|im_start|>tool\n{"expression": "(17 + 3) * 23", "result": 460}<|im_end|>\n<|im_start|>assistant\n'
    )
    assert r.steps[5].data["text"] == _greedy(lm, r.final_prompt, 16)  # the answer is the model's own greedy reply


@pytest.mark.slow
def test_the_loop_yields_the_tool_result_before_the_answer(lm, monkeypatch):
    """iter_loop shows the call's result while the model answers: one result before the answer, then the whole."""
    call = '{"name": "calculator", "arguments": {"expression": "2 + 2"}}'
    replies: list[str] = []  # the model replies generated so far (the real decode, counted)
    generate = tool_loop._generate
    monkeypatch.setattr(tool_loop, "_generate", lambda lm, text, n: replies.append(text) or generate(lm, text, n))
    loop = tool_loop.iter_loop(lm, "What is 2 + 2?", ["calculator"], assistant=call, max_new_tokens=2)
    results = [next(loop)]
    assert replies == []  # shown before the model writes anything
    results += list(loop)
    assert len(replies) == 1
    assert [[s.kind for s in r.steps] for r in results] == [
        ["prompt", "reply", "parse", "run", "tool_message"],
        ["prompt", "reply", "parse", "run", "tool_message", "answer"],
    ]
    assert results[0].final_prompt == results[1].final_prompt and results[0].steps[3].data["result"]["result"] == 4
    assert [r.done for r in results] == [False, True]
    whole = tool_loop.run_loop(lm, "What is 2 + 2?", ["calculator"], assistant=call, max_new_tokens=2)
    assert tool_loop.loop_json(whole) == tool_loop.loop_json(results[-1])
    # Without a hand-written call the model's reply comes first: the prompt alone is shown while it writes.
    first = next(tool_loop.iter_loop(lm, "What is 2 + 2?", ["calculator"], max_new_tokens=2))
    assert [s.kind for s in first.steps] == ["prompt"] and not first.done


@pytest.mark.slow
def test_a_tool_error_goes_back_to_the_model(lm):
    call = '{"name": "convert_units", "arguments": {"value": 10, "from_unit": "km", "to_unit": "kg"}}'
    r = tool_loop.run_loop(lm, "Convert 10 km.", assistant=call, max_new_tokens=4)
    assert (r.steps[3].kind, r.steps[3].ok) == ("run", False)
    assert r.steps[3].data["error"] == "Cannot convert km to kg: they measure different things."
    assert json.loads(r.messages[-1]["content"]) == {"error": "Cannot convert km to kg: they measure different things."}
    assert r.steps[-1].kind == "answer"


def test_a_call_that_does_not_parse_ends_the_loop(lm):
    r = tool_loop.run_loop(lm, "What time is it?", assistant="<tool_call>{name: clock}</tool_call>")
    assert [s.kind for s in r.steps] == ["prompt", "reply", "parse"]
    assert not r.steps[2].ok and r.steps[2].data["code"] == "bad_json"


def test_the_real_qwen_model_calls_the_calculator(qwen):
    """Qwen2.5-Coder-0.5B writes the call as bare JSON (not inside the <tool_call> tags its template asks for),
    and after the tool's result it repeats the call with the result added instead of writing a sentence."""
    r = tool_loop.run_loop(qwen, "What is (17 + 3) * 23?", ["calculator"], max_new_tokens=40)
    call = '{"name": "calculator", "arguments": {"expression": "(17 + 3) * 23"}}'
    assert r.prompt.native and r.steps[1].data["text"] == call == _greedy(qwen, r.prompt.with_tools.text, 40)
    assert r.steps[2].data == {
        "call": True,
        "format": "json",
        "name": "calculator",
        "args": {"expression": "(17 + 3) * 23"},
    }
    assert r.steps[3].data == {"result": {"expression": "(17 + 3) * 23", "result": 460}}
    assert (
        '<tool_call>\n{"name": "calculator", "arguments": {"expression": "(17 + 3) * 23"}}\n</tool_call>'
        in r.final_prompt
    )
    assert r.steps[5].data["text"] == _greedy(qwen, r.final_prompt, 40)
    assert '"result": 460' in r.steps[5].data["text"]
