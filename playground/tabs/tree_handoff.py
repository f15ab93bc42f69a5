"""Opening a token path as a generation tree from another tab: Next Token's appended tokens, Chat's last reply.

The source tab's button writes this session's handoff (TabContext.handoff, a gr.State: nothing here is shared
between sessions) with the prompt's ids and the path, and selects the Generation Tree tab; that tab's
`receive` reads the path in one forward pass (playground.core.tree_path) into the session's tree, ready to fork.
A handoff with an empty path (Next Token before any appended token) grows a branch with the tree tab's settings.

Not here: the tree's math (core.tree_path, core.tree_decode), the chat prompt (core.chat_reply.prepare, which
the Chat tab's replies use), words (playground.words.tree).
"""

from __future__ import annotations

import itertools
from typing import Any

import gradio as gr

from playground.core import tree_decode as decode
from playground.core.chat import normalize_history
from playground.core.chat_reply import prepare, split_last
from playground.core.next_token import Steps, prompt_ids
from playground.core.sampling import check_sampling
from playground.core.tree import check_tokens, code_for
from playground.core.tree_path import from_path
from playground.i18n import t
from playground.loader import get_loader
from playground.tabs.common import PRIVATE, TabContext, friendly
from playground.words import tree as words

_count = itertools.count(1)  # each handoff differs from the last, so clicking twice opens the tree again
TREE_TAB = "tree"  # playground.tabs.tree.ID


def _handoff(model: str, prompt: str, chat: bool, ids: list[int], path: list[int], source: str) -> tuple[Any, Any]:
    data = {"model": model, "prompt": prompt, "chat": chat, "prompt_ids": ids, "path": path, "source": source}
    return data | {"n": next(_count)}, gr.Tabs(selected=TREE_TAB)


def from_next_token(model: str, steps: Steps | None, prompt: str, chat: bool) -> tuple[Any, Any]:
    """The prompt before the first appended token and the appended tokens (before any: the prompt box, no path)."""
    tok = get_loader().tokenizer(steps.model if steps else model)
    if steps is None:
        return _handoff(model, prompt, bool(chat), prompt_ids(tok, prompt, bool(chat)), [], "next_token")
    before, path = steps.ids[: steps.n_prompt], steps.ids[steps.n_prompt :]
    if prompt_ids(tok, prompt, steps.chat) != before:  # the box was edited since: the prompt as the model read it
        prompt, steps_chat = str(tok.decode(before, skip_special_tokens=False)), False
    else:
        steps_chat = steps.chat
    return _handoff(steps.model, prompt, steps_chat, before, path, "next_token")


def _own(result: Any, model_name: str) -> bool:
    """Whether the JSON `result` is a finished reply of this model (the Chat tab's last result)."""
    return isinstance(result, dict) and bool(result.get("done")) and result.get("model") == model_name


def last_reply(history: Any, result: Any, tok: Any, model_name: str) -> tuple[list, str, list[int]] | None:
    """(history before the last user message, that message, the reply's token ids) of a conversation, or None
    when it has no reply yet. The ids are those the reply was generated as when the JSON result is that reply's
    (its `tokens`), else the answer's text tokenized."""
    history = list(history or [])
    if not any(isinstance(m, dict) and m.get("role") == "user" for m in history):
        return None
    before, message = split_last(history)
    after = normalize_history(history[len(before) + 1 :])
    answer = next((m["content"] for m in reversed(after) if m["role"] == "assistant"), "")
    if not answer.strip():
        return None
    if _own(result, model_name) and result.get("tokens") and str(result.get("reply", "")).strip() == answer.strip():
        return before, message, [int(x["id"]) for x in result["tokens"]]
    return before, message, list(tok(answer, add_special_tokens=False)["input_ids"])


def prompt_changed(result: Any, prompt: Any, model_name: str) -> bool:
    """True when `result` is this model's finished reply and the prompt rebuilt now from the tab's settings is
    not the one it was generated from (another template mode or token count: the system prompt, template or mode
    changed since), so the page can say that the tree or strip reads the current settings."""
    if not _own(result, model_name):
        return False
    return (result.get("template_mode"), result.get("prompt_tokens")) != (prompt.mode, prompt.n_tokens)


def reply_prompt(
    lm: Any, history: Any, system: str, mode: str, template: str, max_new_tokens: Any, result: Any, lang: str
) -> tuple[Any, list[int]] | None:
    """The Chat tab's prompt before its last reply (as the tab builds it now, with a note in the page when its
    settings changed since the reply) and that reply's token ids; None when there is no reply yet."""
    found = last_reply(history, result, lm.tokenizer, lm.name)
    if found is None:
        return None
    before, message, reply = found
    prompt = prepare(lm, message, before, system, mode, template, max_new_tokens)
    if prompt_changed(result, prompt, lm.name):
        gr.Info(t("chat.settings_changed", lang))
    return prompt, reply


def from_chat(
    model: str, history: Any, system: str, mode: str, template: str, max_new_tokens: Any, result: Any, lang: str = "en"
) -> tuple[Any, Any]:
    """The Chat tab's prompt before its last reply (as the tab built it) and that reply's tokens."""
    with get_loader().use(model) as lm:
        found = reply_prompt(lm, history, system, mode, template, max_new_tokens, result, lang)
        if found is None:
            gr.Warning(t("tree.no_reply", lang))
            return gr.skip(), gr.skip()
        prompt, reply = found
        return _handoff(model, prompt.text, False, prompt.ids, reply, "chat")


def receive(
    handoff: Any, mode: str, temperature: float, seed: float, max_new_tokens: float, lang: str = "en"
) -> tuple[Any, ...]:
    """The handed-off path as this session's tree: prompt box, chat box, the tree's views, code, JSON, session."""
    from playground.tabs.tree_views import views

    if not handoff:
        return (gr.skip(),) * 12
    with get_loader().use(handoff["model"]) as lm:
        tree = from_path(lm, handoff["prompt_ids"], handoff["path"], handoff["prompt"])
        if not tree.branches:  # nothing appended yet: grow the root reply with this tab's settings
            steps = check_tokens(max_new_tokens)
            greedy = mode != "sample"
            decode.grow(lm, tree, check_sampling(greedy, temperature, 0, 1.0, 1.0, steps, seed))
        shown = views(tree, 0, lang)
        code = code_for(lm.source.model_id, tree, 0)
    note = words.opened(handoff["source"], len(handoff["path"]), lang)
    return handoff["prompt"], bool(handoff["chat"]), note + "\n\n" + shown[0], *shown[1:], code, tree


def send_button(ctx: TabContext, key: str, fn: Any, inputs: list[Any], elem_id: str) -> gr.Button:
    """A button that hands a path to the Generation Tree tab (and selects it); `inputs` end with the language
    when `fn` words a message."""
    button = ctx.tr.make(gr.Button, i18n={"value": key}, size="sm", elem_id=elem_id)
    if ctx.handoff is not None and ctx.tabs is not None:
        button.click(friendly(fn), inputs, [ctx.handoff, ctx.tabs], **PRIVATE)
    return button
