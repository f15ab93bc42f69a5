"""Every documented API signature is accepted: a client that follows the API page never gets an AppError.

The values come from what the app documents (`view_api`): each parameter's documented default (or, where
there is none, its example), converted to exactly the documented type (a float where the page says float,
an int where it says int, a string where it says string). Then every enum parameter is tried with each of
its documented choices, the others at their defaults. Streaming endpoints get a small max_new_tokens.

Not here: whether the numbers are right (each tab's own API tests check that).
"""

from __future__ import annotations

from typing import Any

import pytest
from gradio_client.exceptions import AppError

# Every public endpoint the API page lists; test_the_api_page_lists_exactly_these fails when one is added,
# so a new endpoint cannot go untested here.
ENDPOINTS = (
    "/load_model",
    "/tokenize",
    "/compare_tokenizers",
    "/next_token",
    "/chat",
    "/chat_compare",
    "/chat_prompt",
    "/chat_engine",
    "/architecture",
    "/embedding_neighbors",
    "/layer_representations",
    "/attention",
    "/vram_estimate",
    "/vram_measure",
    "/tool_prompt",
    "/tool_chat",
    "/rag",
    "/lessons",
    "/lesson_step",
    "/generation_tree",
    "/commitment",
    "/steer",
    "/finetune",
    "/merge",
)
STREAMING = {"/chat", "/chat_compare", "/chat_engine", "/lesson_step", "/finetune"}
SMALL_MAX_NEW = 4  # new tokens for the streaming endpoints: the signature is under test, not the reply
EMBEDDED = "SmolLM2-135M-Instruct"  # a documented choice of every model enum, available with no Hub access
# Enum parameters whose choices are model names to load: trying each one would load (or download) every
# catalog model, which says nothing about the signature; and a default such as gpt2 needs the Hub, which
# a test machine may not reach. They get the documented choice that ships with the app.
MODEL_ENUMS = {("/load_model", "model"), ("/compare_tokenizers", "other"), ("/merge", "other")}
SMALL_STEPS = 2  # optimizer steps of /finetune here: the signature is under test, not the training


@pytest.fixture(scope="module")
def api(client: Any) -> dict:
    return client.view_api(return_format="dict", print_info=False)["named_endpoints"]


def _typed(param: dict, value: Any) -> Any:
    """`value` as exactly the documented type: 'float' -> 0.0 not 0, 'int' -> 3 not 3.0."""
    kind = param["python_type"]["type"]
    if kind == "float":
        return float(value)
    if kind == "int":
        assert float(value).is_integer(), f"{param['parameter_name']}: documented int, default {value!r}"
        return int(value)
    if kind == "bool":
        assert isinstance(value, bool), f"{param['parameter_name']}: documented bool, default {value!r}"
    if kind == "str" or kind.startswith("Literal["):
        assert isinstance(value, str), f"{param['parameter_name']}: documented string, default {value!r}"
    return value


def _documented(param: dict) -> Any:
    """The documented default, or the documented example where there is no default."""
    if param["parameter_has_default"] and param["parameter_default"] is not None:
        return _typed(param, param["parameter_default"])
    return _typed(param, param["example_input"])


def _args(endpoint: str, params: list[dict], **override: Any) -> list[Any]:
    args = []
    for p in params:
        name = p["parameter_name"]
        value = override[name] if name in override else _documented(p)
        if (endpoint, name) in MODEL_ENUMS and name not in override:
            assert EMBEDDED in _enum(p)
            value = EMBEDDED
        if endpoint in STREAMING and name == "max_new_tokens":
            value = _typed(p, SMALL_MAX_NEW)
        if endpoint == "/finetune" and name == "steps":
            value = _typed(p, SMALL_STEPS)
        args.append(value)
    return args


def _absent_devices() -> set[str]:
    """Documented devices this machine does not have: refusing them is right ("not available here")."""
    import torch

    absent = set()
    if not torch.cuda.is_available():
        absent.add("cuda")
    if not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        absent.add("mps")
    return absent


def _enum(param: dict) -> list[str]:
    return list(param.get("type", {}).get("enum") or [])


def _call(client: Any, endpoint: str, args: list[Any]) -> Any:
    try:
        return client.predict(*args, api_name=endpoint)
    except AppError as exc:
        pytest.fail(f"{endpoint}{tuple(args)!r} was refused: {exc}")


def test_the_api_page_lists_exactly_these(api: dict) -> None:
    assert sorted(api) == sorted(ENDPOINTS)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_documented_defaults_are_accepted(client: Any, api: dict, endpoint: str) -> None:
    params = api[endpoint]["parameters"]
    out = _call(client, endpoint, _args(endpoint, params))
    n_out = len(api[endpoint]["returns"])
    assert (len(out) if isinstance(out, (tuple, list)) and n_out > 1 else 1) == n_out


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_documented_choice_is_accepted(client: Any, api: dict, endpoint: str) -> None:
    params = api[endpoint]["parameters"]
    enums = [p for p in params if _enum(p) and (endpoint, p["parameter_name"]) not in MODEL_ENUMS]
    if not enums:
        pytest.skip(f"{endpoint} documents no enum besides model names")
    refused = []
    absent = _absent_devices()
    for p in enums:
        default = _documented(p)
        for choice in _enum(p):
            if choice == default:
                continue  # the defaults test called it
            if p["parameter_name"] == "device" and choice in absent:
                continue
            if (endpoint, p["parameter_name"], choice) == ("/chat_engine", "engine", "served"):
                continue  # needs a server to talk to: tests/api/test_chat_engine_api.py starts one
            args = _args(endpoint, params, **{p["parameter_name"]: choice})
            try:
                client.predict(*args, api_name=endpoint)
            except AppError as exc:
                refused.append(f"{p['parameter_name']}={choice!r}: {exc}")
    assert not refused, f"{endpoint} refused documented choices:\n" + "\n".join(refused)


@pytest.mark.parametrize("endpoint", ["/chat_prompt", "/chat"])
def test_the_documented_example_history_is_accepted_and_read(client: Any, api: dict, endpoint: str) -> None:
    """The page's example history is Gradio's message format (content as a list of text parts): the
    conversation it holds must reach the prompt, not only pass validation."""
    params = api[endpoint]["parameters"]
    history = next(p["example_input"] for p in params if p["parameter_name"] == "history")
    out = _call(client, endpoint, _args(endpoint, params, message="And now?", history=history))
    data = out[-1]
    text = data["text"] if endpoint == "/chat_prompt" else None
    if text is None:  # /chat: ask the prompt preview of the same conversation what the model saw
        assert data["done"] and data["prompt_tokens"] > 0
        text = _call(
            client,
            "/chat_prompt",
            _args("/chat_prompt", api["/chat_prompt"]["parameters"], message="And now?", history=history),
        )[-1]["text"]
    assert "Hello!" in text and "How can I help you?" in text and "And now?" in text
