"""What a model sees when it is given tools, and one round of the tool-calling loop, step by step.

`tool_prompt(tokenizer, message, names)` renders the conversation twice: with the tool specs (the model's own
template: `tokenizer.apply_chat_template(messages, tools=..., tokenize=False, add_generation_prompt=True)`) and
without. A template that ignores `tools` (SmolLM2's renders the same text either way: `supports_tools` checks
exactly that) gets the common fallback instead: the specs described in the system prompt, with the plain JSON
format to answer in.

`run_loop(lm, message, names)` is one round: prompt -> the model's reply (greedy) -> parse it for a call
(playground.core.tool_calls) -> run the tool (playground.core.tools) -> the result as a `tool` message -> the
model's answer; `iter_loop` yields it as it goes, so a page shows the call's result while the model answers.
Every step is returned as data (`LoopStep`: a kind and its fields), failures included, since a small model
often writes a call that does not parse or names a wrong argument. `assistant` replaces the model's first reply
with a hand-written one, so parsing and running can be tried (and tested) whatever the model does.

Not here: the tools themselves, the parsers, the words the page shows (playground.words.tools_rag).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from playground.core import chat
from playground.core.generate import Generation, Sampling
from playground.core.tool_calls import ParseError, parse_call
from playground.core.tools import ToolError, run_tool, schemas
from playground.core.validation import check_text

if TYPE_CHECKING:
    from playground.loader import LoadedModel

_PROBE = [{"role": "user", "content": "hi"}]
FALLBACK_HEAD = (
    "You can call these tools. To call one, reply with only a JSON object "
    '{"name": <tool name>, "arguments": {<argument>: <value>}} and nothing else.\nTools:\n'
)


def supports_tools(tokenizer: Any) -> bool:
    """Does the chat template use `tools`? Rendered with and without one spec: the same text means it ignores them."""
    if not getattr(tokenizer, "chat_template", None):
        return False
    plain = tokenizer.apply_chat_template(_PROBE, tokenize=False, add_generation_prompt=True)
    with_tools = tokenizer.apply_chat_template(_PROBE, tools=schemas()[:1], tokenize=False, add_generation_prompt=True)
    return bool(plain != with_tools)


class _WithTools:
    """A tokenizer whose apply_chat_template always passes `tools`: chat.build_prompt (the Chat tab's renderer,
    which colours tokens by role) then renders exactly apply_chat_template(messages, tools=specs, ...)."""

    def __init__(self, tokenizer: Any, specs: list[dict[str, Any]]) -> None:
        self._tokenizer, self._specs = tokenizer, specs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._tokenizer(*args, **kwargs)

    def apply_chat_template(self, messages: list[dict[str, Any]], **kwargs: Any) -> Any:
        return self._tokenizer.apply_chat_template(messages, tools=self._specs, **kwargs)


def fallback_system(specs: list[dict[str, Any]], system: str = "") -> str:
    """The system prompt that describes `specs` to a model whose template has no tool support."""
    lines = "\n".join(json.dumps(s["function"], ensure_ascii=False) for s in specs)
    return FALLBACK_HEAD + lines + (f"\n\n{system}" if system else "")


@dataclass(frozen=True)
class ToolPrompt:
    """The prompt with tools and without, and how the tools got in."""

    with_tools: chat.Prompt
    without: chat.Prompt
    native: bool  # the template takes `tools`; False: the fallback system prompt carries them
    system: str  # the system prompt sent (the fallback's when not native)
    added: str  # the text the tools added: what lies between the two prompts' common start and end
    specs: list[dict[Any, Any]] = field(default_factory=list)

    @property
    def added_tokens(self) -> int:
        return self.with_tools.n_tokens - self.without.n_tokens


def _added(a: str, b: str) -> str:
    """The text `a` has where `b` has not: 'xABy', 'xy' -> 'AB' (common prefix and suffix taken off). A
    difference that starts inside a line is shown from the line's start: the fallback system prompt replaces
    "You are a helpful AI assistant..." with "You can call these tools...", which would read "can call ..."."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if a[start : start + 1] != "\n":
        start = a.rfind("\n", 0, start) + 1  # 0 when there is no line break before it
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start : len(a) - end]


def tool_prompt(tokenizer: Any, message: str, names: list[str] | None = None, system: str = "") -> ToolPrompt:
    """The conversation [system?, user message] rendered with the tools `names` (all when None) and without."""
    specs = schemas(names)
    native = supports_tools(tokenizer)
    without = chat.build_prompt(tokenizer, message, system=system)
    if native:
        with_tools, sent = chat.build_prompt(_WithTools(tokenizer, specs), message, system=system), system
    else:
        sent = fallback_system(specs, system.strip())
        with_tools = chat.build_prompt(tokenizer, message, system=sent)
    return ToolPrompt(with_tools, without, native, sent, _added(with_tools.text, without.text), specs)


@dataclass(frozen=True)
class LoopStep:
    """One step of the loop. kind: prompt, reply, parse, run, tool_message, answer. `ok` False: it failed here."""

    kind: str
    ok: bool = True
    data: dict[str, Any] = field(default_factory=dict)  # JSON-ready fields of the step (see run_loop)


@dataclass(frozen=True)
class LoopResult:
    prompt: ToolPrompt
    steps: list[LoopStep]
    messages: list[dict[str, Any]]  # the conversation as the model saw it last (tool call and result included)
    final_prompt: str  # the text of the last prompt the model continued
    done: bool = True  # False: the loop so far, yielded by iter_loop while the model writes its next reply


def _generate(lm: LoadedModel, text: str, max_new_tokens: int) -> Generation:
    ids = lm.tokenizer(text, add_special_tokens=False)["input_ids"]  # the template wrote BOS and markers already
    return Generation(lm, list(ids), Sampling(greedy=True, max_new_tokens=max_new_tokens)).run()


def _reply(kind: str, gen: Generation) -> LoopStep:
    text = gen.text.strip()
    return LoopStep(kind, True, {"text": text, "new_tokens": gen.new_tokens, "finish_reason": gen.finish_reason})


def run_loop(lm: LoadedModel, message: str, *args: Any, **kwargs: Any) -> LoopResult:
    """One round of the loop, whole: the last of iter_loop's results (the same parameters)."""
    *_, last = iter_loop(lm, message, *args, **kwargs)
    return last


def iter_loop(
    lm: LoadedModel,
    message: str,
    names: list[str] | None = None,
    assistant: str = "",
    max_new_tokens: int = 64,
    now: datetime | None = None,
) -> Iterator[LoopResult]:
    """One round of the loop, yielded as it goes: the result so far (done=False) before each model reply (which
    takes the time: the answer's prompt carries the tool specs, ~585 tokens on SmolLM2), then the whole (done=True).
    The steps' data:

    prompt {n_tokens, native}; reply {text, new_tokens, finish_reason, handwritten}; parse {format, name,
    arguments} or {code, error} (ok False) or {call: False} (a plain answer: the loop ends there);
    run {result} or {error}; tool_message {content}; answer {text, new_tokens, finish_reason}.
    A call that does not parse ends the loop; a tool error goes back to the model as the tool's result.
    """
    message = check_text(message, "the message")
    tp = tool_prompt(lm.tokenizer, message, names)
    steps = [LoopStep("prompt", True, {"n_tokens": tp.with_tools.n_tokens, "native": tp.native})]
    messages: list[dict[str, Any]] = list(tp.with_tools.messages)
    if assistant.strip():
        reply = check_text(assistant, "the assistant reply").strip()
        steps.append(LoopStep("reply", True, {"text": reply, "new_tokens": 0, "handwritten": True}))
    else:
        yield LoopResult(tp, list(steps), messages, tp.with_tools.text, done=False)
        first = _reply("reply", _generate(lm, tp.with_tools.text, max_new_tokens))
        reply = first.data["text"]
        steps.append(LoopStep("reply", True, first.data | {"handwritten": False}))
    try:
        call = parse_call(reply)
    except ParseError as exc:
        steps.append(LoopStep("parse", False, {"code": exc.code, "format": exc.fmt, "error": str(exc)}))
        yield LoopResult(tp, steps, [*messages, {"role": "assistant", "content": reply}], tp.with_tools.text)
        return
    if call is None:
        steps.append(LoopStep("parse", True, {"call": False}))
        yield LoopResult(tp, steps, [*messages, {"role": "assistant", "content": reply}], tp.with_tools.text)
        return
    steps.append(LoopStep("parse", True, {"call": True, "format": call.fmt, "name": call.name, "args": call.arguments}))
    try:
        result: Any = run_tool(call.name, call.arguments, now)
        steps.append(LoopStep("run", True, {"result": result}))
    except ToolError as exc:
        result = {"error": str(exc)}
        steps.append(LoopStep("run", False, {"error": str(exc)}))
    content = json.dumps(result, ensure_ascii=False)
    if tp.native:  # the standard shape: the call as structured data, which the template writes back in its format
        function = {"name": call.name, "arguments": call.arguments}
        messages.append(
            {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": function}]}
        )
    else:  # a template without tools: the reply as it was written
        messages.append({"role": "assistant", "content": reply})
    messages.append({"role": "tool", "name": call.name, "content": content})
    steps.append(LoopStep("tool_message", True, {"content": content}))
    final = str(
        lm.tokenizer.apply_chat_template(
            messages, tools=list(tp.specs) if tp.native else None, tokenize=False, add_generation_prompt=True
        )
    )
    yield LoopResult(tp, list(steps), list(messages), final, done=False)  # shown while the model answers
    steps.append(_reply("answer", _generate(lm, final, max_new_tokens)))
    yield LoopResult(tp, steps, messages, final)


def loop_json(r: LoopResult) -> dict[str, Any]:
    """The loop as the API returns it: {native, prompt_tokens, steps: [{kind, ok, ...}], messages, final_prompt}."""
    return {
        "native_tools": r.prompt.native,
        "prompt_tokens": r.prompt.with_tools.n_tokens,
        "steps": [{"kind": s.kind, "ok": s.ok, **s.data} for s in r.steps],
        "messages": r.messages,
        "final_prompt": r.final_prompt,
    }


def prompt_json(tp: ToolPrompt) -> dict[str, Any]:
    """{native_tools, system, added_text, added_tokens, tools, with: {text, ids, n_tokens}, without: {...}}."""
    return {
        "native_tools": tp.native,
        "system": tp.system,
        "added_text": tp.added,
        "added_tokens": tp.added_tokens,
        "tools": [s["function"]["name"] for s in tp.specs],
        "with": {"text": tp.with_tools.text, "ids": tp.with_tools.ids, "n_tokens": tp.with_tools.n_tokens},
        "without": {"text": tp.without.text, "ids": tp.without.ids, "n_tokens": tp.without.n_tokens},
    }


def code_for(hub_id: str, tp: ToolPrompt, message: str) -> str:
    """Plain transformers code: the prompt with the tools, a greedy reply, and the tool result sent back."""
    names = [s["function"]["name"] for s in tp.specs]
    if tp.native:
        render = "tokenizer.apply_chat_template(messages, tools=tools, add_generation_prompt=True, tokenize=False)"
        head = f"messages = [{{'role': 'user', 'content': {message!r}}}]"
        parse = 'json.loads(first.split("<tool_call>")[-1].split("</tool_call>")[0])'
        back = '{"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": call}]}'
    else:  # the template ignores tools=: they go into the system prompt
        render = "tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)"
        system = f"{{'role': 'system', 'content': {tp.system!r}}}"
        head = f"messages = [{system},\n            {{'role': 'user', 'content': {message!r}}}]"
        parse, back = "json.loads(first)", '{"role": "assistant", "content": first}'
    return f"""import json, torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({hub_id!r})
model = AutoModelForCausalLM.from_pretrained({hub_id!r}, dtype=torch.float32)
tools = {json.dumps(tp.specs, ensure_ascii=False)}  # {", ".join(names)}
{head}

def reply(messages):
    text = {render}
    ids = tokenizer(text, add_special_tokens=False, return_tensors="pt").input_ids
    out = model.generate(ids, max_new_tokens=64, do_sample=False)
    return tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)

first = reply(messages)
print(first)
call = {parse}  # {{"name": ..., "arguments": {{...}}}}
result = {{"result": 391}}  # run the tool call["name"] on call["arguments"] (the app's tools: playground/core/tools.py)
messages += [{back}, {{"role": "tool", "content": json.dumps(result)}}]
print(reply(messages))
"""
