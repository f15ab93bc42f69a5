"""The Chat endpoints' parameters, written once: one dataclass of every value a chat request may carry, and the
ordered names each endpoint takes (its API page's parameters, and the order gradio passes the page's inputs in).

`ChatCall.bind(RESPOND, args, kwargs)` names what a handler received; `signature(RESPOND)` is the signature
gradio reads the API page from. The sampling knobs (KNOBS) come in one order everywhere: the sliders, both
streaming endpoints and `core.sampling.check_sampling`. Without this table the three chat handlers wrote out
the same parameters three times, in an order nothing checked.

Not here: what the handlers do with the values (playground.tabs.chat_stream), their checks (core.sampling,
core.chat). No gradio.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, fields
from typing import Any

from playground.core.sampling import RANGES, Sampling, check_sampling

# greedy, the core.sampling sliders in their order, seed: how a reply's next token is chosen.
KNOBS = ("greedy", "temperature", "top_k", "top_p", "repetition_penalty", "max_new_tokens", "seed")
CONVERSATION = ("model", "message", "history", "system", "mode", "template")  # what makes the prompt
RESPOND = (*CONVERSATION, *KNOBS, "lang")  # /chat
PREVIEW = (*CONVERSATION, "max_new_tokens", "lang")  # /chat_prompt
COMPARE = ("model", "question", "system", "mode_a", "mode_b", "template", *KNOBS)  # /chat_compare


@dataclass(frozen=True)
class ChatCall:
    """One chat request's values, by name; the annotations are the types the API page documents."""

    model: str = ""  # the session's model choice (a name, or ModelChoice JSON)
    message: str = ""
    history: list | None = None  # Chatbot messages [{role, content}] before this message
    question: str = ""  # the comparison's question (no history)
    system: str = ""
    mode: str = "official"  # template mode: official | homemade | none
    mode_a: str = "official"
    mode_b: str = "homemade"
    template: str = ""  # the homemade template ({prompt} is the message)
    greedy: bool = True
    temperature: float = RANGES["temperature"].default
    top_k: float = RANGES["top_k"].default
    top_p: float = RANGES["top_p"].default
    repetition_penalty: float = RANGES["repetition_penalty"].default
    max_new_tokens: float = 256  # the slider starts at min(256, limits.max_new_tokens)
    seed: float | None = None
    lang: str = "en"  # the page's language ("en", "zh-Hant", "zh-Hans"): words only, never the JSON

    @classmethod
    def bind(cls, names: tuple[str, ...], args: tuple[Any, ...], kwargs: dict[str, Any]) -> ChatCall:
        """The values a handler taking `names` received: args in that order, then keywords. A value left out
        keeps its default only where the API has one (lang); anything else missing is a caller's mistake."""
        return cls(**inspect.Signature(_params(names)).bind(*args, **kwargs).arguments)

    def sampling(self) -> Sampling:
        """The knobs checked (InputError names a value out of range)."""
        return check_sampling(*(getattr(self, name) for name in KNOBS))


_TYPES = {f.name: f.type for f in fields(ChatCall)}


def _params(names: tuple[str, ...]) -> list[inspect.Parameter]:
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return [
        inspect.Parameter(n, kind, annotation=_TYPES[n], default="en" if n == "lang" else inspect.Parameter.empty)
        for n in names
    ]


def signature(names: tuple[str, ...], returns: Any = tuple) -> inspect.Signature:
    """The signature gradio reads an endpoint's API page from: `names`, typed as ChatCall's fields."""
    return inspect.Signature(_params(names), return_annotation=returns)
