"""Chat prompts made visible: templating, what the model sees, history trimming.

Three ways to turn a conversation into the text a causal LM continues:
    official   the model's own chat template: tokenizer.apply_chat_template(..., add_generation_prompt=True)
    homemade   an editable template with a {prompt} slot, e.g. the source's "使用者說：{prompt}\\nAI回答："
    none       raw continuation: the turns' texts one after another, no markers at all

`build_prompt()` renders one of them and tokenizes it, keeping which role every token came from;
`fit_prompt()` drops the oldest turns (and says so) when the prompt would outgrow the input cap or
the model's context. Reading a reply (`split_reasoning()`, `confidences()`) is in
playground.core.reply_reading, the plain-transformers code of a reply (`code_snippet()`) in
playground.core.chat_code; both are named here too, for the callers that import them from this module.

Not here: running the model (playground.core.generate), HTML or any UI (playground.render, the tab).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground import config
from playground.core.chat_code import code_snippet
from playground.core.reply_reading import (
    THINK_CLOSE,
    THINK_OPEN,
    Reasoning,
    TokenConfidence,
    confidences,
    split_reasoning,
)
from playground.core.validation import check_text, choice
from playground.errors import InputError

__all__ = [  # this module's own names, and those of the reading and code modules its callers import from here
    "HOMEMADE_PRESET",
    "MODES",
    "ROLES",
    "SLOT",
    "THINK_CLOSE",
    "THINK_OPEN",
    "Prompt",
    "Reasoning",
    "TokenConfidence",
    "build_prompt",
    "check_mode",
    "check_template",
    "code_snippet",
    "confidences",
    "context_budget",
    "fit_prompt",
    "normalize_history",
    "split_reasoning",
    "turns",
]

MODES = ("official", "homemade", "none")
HOMEMADE_PRESET = "使用者說：{prompt}\nAI回答："  # the source's example: the model answers, then keeps talking
SLOT = "{prompt}"
ROLES = ("system", "user", "assistant", "template")  # "template": text the template itself adds


# --------------------------------------------------------------------------- input checks


def check_mode(mode: Any) -> str:
    """'Official ' -> 'official'; None -> 'official'; anything not in MODES -> InputError naming MODES."""
    return choice("template mode", mode or "official", MODES)


def check_template(template: Any) -> str:
    template = check_text(template if template is not None else HOMEMADE_PRESET, "the homemade template")
    if SLOT not in template:
        raise InputError(f"The homemade template needs a {SLOT} slot where the message goes, got {template!r}.")
    return template


def normalize_history(history: Any) -> list[dict[str, str]]:
    """Chatbot messages (or [user, bot] pairs) -> [{"role": "user"|"assistant", "content": str}, ...].

    Messages with a metadata title (the reasoning blocks the Chat tab shows) are display only and
    left out: a reasoning model is not shown its earlier thoughts again. System messages in the
    history are refused, since the system prompt has its own box.
    """
    out: list[dict[str, str]] = []
    for item in history or []:
        if isinstance(item, (list, tuple)) and len(item) == 2:  # the old [user, bot] pairs
            for role, content in zip(("user", "assistant"), item):
                if content:
                    out.append({"role": role, "content": check_text(content, f"a {role} message in the history")})
            continue
        if not isinstance(item, dict) or "role" not in item:
            raise InputError(f"History items must be {{'role': ..., 'content': ...}} messages, got {item!r:.80}.")
        if (item.get("metadata") or {}).get("title"):
            continue
        role, content = item["role"], item.get("content")
        if role not in ("user", "assistant"):
            raise InputError(f"History roles must be 'user' or 'assistant', got {role!r}.")
        if isinstance(content, list):  # gradio may hand content back as a list of parts
            content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
        out.append(
            {
                "role": role,
                "content": check_text(content, f"a {role} message in the history", allow_empty=role == "assistant"),
            }
        )
    return out


def turns(history: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """Messages grouped into turns, each starting at a user message: [[u, a], [u, a], [u]]."""
    groups: list[list[dict[str, str]]] = []
    for m in history:
        if m["role"] == "user" or not groups:
            groups.append([])
        groups[-1].append(m)
    return groups


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Prompt:
    """What the model sees for one request."""

    mode: str
    text: str  # the exact prompt string
    ids: list[int]  # its token ids, as fed to the model
    tokens: list[str]  # each id as the tokenizer's own token string
    special: list[bool]  # True for the tokenizer's special tokens (BOS, <|im_start|>, ...)
    roles: list[str]  # per token: system, user, assistant or template
    role_counts: dict[str, int]  # tokens per role
    add_special_tokens: bool  # how the text was tokenized
    bos_doubled: bool  # the ids start with BOS twice, or the default tokenization would
    warnings: tuple[str, ...] = ()  # English, for the JSON result; the page words `warning_codes`
    messages: list[dict[str, str]] = field(default_factory=list)  # the conversation that was rendered
    dropped_turns: int = 0  # oldest turns left out to fit (see fit_prompt)
    dropped_tokens: int = 0
    notice: str = ""  # the notice when turns were dropped, in English (JSON); the page words the numbers
    budget: int = 0  # the prompt-token budget the turns were dropped for (0: nothing dropped)
    warning_codes: tuple[str, ...] = ()  # "bos_doubled" (the ids start with BOS twice), "bos_would_double"

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def opens_think(self) -> bool:
        """The template already opened a reasoning section (DeepSeek-R1 templates end with '<think>\\n')."""
        return self.text.rstrip().endswith(THINK_OPEN)


def _render_official(tokenizer: Any, messages: list[dict[str, str]]) -> str:
    if not getattr(tokenizer, "chat_template", None):
        raise InputError("This model has no chat template (it is not a chat model): use the homemade or none mode.")
    try:
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    except Exception as exc:
        raise InputError(f"The model's chat template refused this conversation: {exc}") from exc


def _spans_official(text: str, messages: list[dict[str, str]]) -> list[tuple[str, int, int]]:
    """Where each message's content sits in the rendered text (templates may trim it; then look for that)."""
    spans, pos = [], 0
    for m in messages:
        for needle in (m["content"], m["content"].strip()):
            at = text.find(needle, pos) if needle else -1
            if at >= 0:
                spans.append((m["role"], at, at + len(needle)))
                pos = at + len(needle)
                break
    return spans


def _render_plain(mode: str, messages: list[dict[str, str]], template: str) -> tuple[str, list[tuple[str, int, int]]]:
    """homemade: system line, then template(user) + reply + newline per turn, ending on template(message).
    none: every text on its own line; the model continues the last one."""
    parts: list[tuple[str, str]] = []  # (role or "template", text)
    head, _, tail = template.partition(SLOT)
    for i, m in enumerate(messages):
        if m["role"] == "system":
            parts += [("system", m["content"]), ("template", "\n")]
        elif mode == "none":
            sep = "\n" if i + 1 < len(messages) else ""
            parts += [(m["role"], m["content"]), ("template", sep)]
        elif m["role"] == "user":
            parts += [("template", head), ("user", m["content"]), ("template", tail)]
        else:
            parts += [("assistant", m["content"]), ("template", "\n")]
    text, spans = "", []
    for role, piece in parts:
        if role != "template":
            spans.append((role, len(text), len(text) + len(piece)))
        text += piece
    return text, spans


def _adds_bos(tokenizer: Any) -> bool:
    bos = tokenizer.bos_token_id
    return bos is not None and tokenizer("a").input_ids[:1] == [bos]


def build_prompt(
    tokenizer: Any,
    message: str,
    history: Any = (),
    system: str = "",
    mode: str = "official",
    template: str = HOMEMADE_PRESET,
) -> Prompt:
    """Render and tokenize the conversation `history` + `message` under `mode`.

    official: the text is tokenized with add_special_tokens=False, exactly as apply_chat_template does
    (the template already wrote BOS and the role markers). homemade/none: with the tokenizer's default
    add_special_tokens=True, as `tokenizer(prompt)` in the source does.
    """
    mode = check_mode(mode)
    message = check_text(message, "the message")
    system = check_text(system, "the system prompt", allow_empty=True).strip()
    messages = (
        ([{"role": "system", "content": system}] if system else [])
        + normalize_history(history)
        + [{"role": "user", "content": message}]
    )
    if mode == "official":
        text = _render_official(tokenizer, messages)
        spans = _spans_official(text, messages)
        add_special = False
    else:
        text, spans = _render_plain(mode, messages, check_template(template) if mode == "homemade" else SLOT)
        add_special = True
    try:
        enc = tokenizer(text, add_special_tokens=add_special, return_offsets_mapping=True)
        offsets = enc["offset_mapping"]
    except (NotImplementedError, ValueError, TypeError):  # slow tokenizers have no offsets
        enc = tokenizer(text, add_special_tokens=add_special)
        offsets = [(0, 0)] * len(enc["input_ids"])
    ids = list(enc["input_ids"])
    special_ids = set(tokenizer.all_special_ids)
    roles = []
    for start, end in offsets:
        role = "template"
        for r, s, e in spans:
            if end > start and start < e and end > s:  # the token overlaps that message's content
                role = r
                break
        roles.append(role)
    counts = {r: roles.count(r) for r in ROLES}
    bos = tokenizer.bos_token_id
    doubled_now = bos is not None and ids[:2] == [bos, bos]
    would_double = (
        bos is not None
        and not add_special
        and tokenizer.bos_token
        and text.startswith(tokenizer.bos_token)
        and _adds_bos(tokenizer)
    )
    warnings, codes = [], ("bos_doubled",) if doubled_now else ("bos_would_double",) if would_double else ()
    if doubled_now:
        warnings.append(
            f"The prompt starts with two BOS tokens ({tokenizer.bos_token!r}): the text already begins "
            "with it and the tokenizer adds another. Remove it from the template."
        )
    elif would_double:
        warnings.append(
            f"The templated text already starts with BOS {tokenizer.bos_token!r}; tokenizing it again "
            "with tokenizer(text) (add_special_tokens=True, the default) would double it. "
            "Use add_special_tokens=False, as apply_chat_template(tokenize=True) does."
        )
    return Prompt(
        mode,
        text,
        ids,
        tokenizer.convert_ids_to_tokens(ids),
        [i in special_ids for i in ids],
        roles,
        counts,
        add_special,
        bool(doubled_now or would_double),
        tuple(warnings),
        messages,
        warning_codes=codes,
    )


def context_budget(model_config: Any, max_new_tokens: int) -> int:
    """Prompt tokens allowed: the hosted cap, and room for the reply inside the model's context."""
    cap = config.settings().limits.max_input_tokens
    context = getattr(model_config, "max_position_embeddings", None) or cap + max_new_tokens
    return max(1, min(cap, int(context) - int(max_new_tokens)))


def fit_prompt(
    tokenizer: Any,
    message: str,
    history: Any = (),
    system: str = "",
    mode: str = "official",
    template: str = HOMEMADE_PRESET,
    budget: int | None = None,
) -> Prompt:
    """build_prompt(), leaving out the oldest turns until the prompt has at most `budget` tokens.

    The system prompt and the new message are always kept; if they alone are too long, InputError.
    The returned Prompt says how many turns were dropped and carries a notice for the page.
    """
    budget = budget or config.settings().limits.max_input_tokens
    groups = turns(normalize_history(history))
    full = build_prompt(tokenizer, message, [m for g in groups for m in g], system, mode, template)
    prompt, dropped = full, 0
    while prompt.n_tokens > budget and dropped < len(groups):
        dropped += 1
        kept = [m for g in groups[dropped:] for m in g]
        prompt = build_prompt(tokenizer, message, kept, system, mode, template)
    if prompt.n_tokens > budget:
        raise InputError(
            f"The message and system prompt alone are {prompt.n_tokens:,} tokens; the limit is "
            f"{budget:,}. Shorten the message."
        )
    if not dropped:
        return prompt
    notice = (
        f"The {dropped} oldest turn{'s' if dropped > 1 else ''} ({full.n_tokens - prompt.n_tokens:,} tokens) "
        f"left out: the conversation is {full.n_tokens:,} tokens and the model is given at most {budget:,}. "
        "The model no longer sees them."
    )
    return Prompt(
        **{
            **prompt.__dict__,
            "dropped_turns": dropped,
            "dropped_tokens": full.n_tokens - prompt.n_tokens,
            "notice": notice,
            "budget": budget,
        }
    )
