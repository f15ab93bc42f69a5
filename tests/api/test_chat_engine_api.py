"""/chat_engine through gradio_client on the live app: the llama.cpp engine, the transformers engine (the same
reply as /chat), a served model on a real llama.cpp server started here, clear errors after which the app keeps
serving; and the page's Send following the session's engine choice while /chat stays the transformers route.

Skipped (with the reason) where llama-cpp-python is not installed; CI installs it (make install-llamacpp).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gradio_client.exceptions import AppError

from playground.core.chat import HOMEMADE_PRESET
from tests.llama_server import ALIAS, Server, free_port, llama_server, needs_llama_cpp

MODEL = "SmolLM2-135M-Instruct"
QUESTION = "Why is the sky blue?"
KNOBS = (True, 0.7, 50, 0.9, 1.0, 16, -1)  # greedy, 16 new tokens


def _args(engine: str, server: str = "", served_model: str = "") -> tuple:
    return (engine, server, served_model, MODEL, QUESTION, [], "", "official", HOMEMADE_PRESET, *KNOBS)


@pytest.fixture(autouse=True)
def llama() -> None:
    needs_llama_cpp()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with llama_server(tmp_path_factory.mktemp("served-api")) as s:
        yield s


@pytest.fixture(scope="module")
def reference(client: Any) -> dict:
    """The transformers engine's reply to QUESTION through /chat."""
    return client.predict(MODEL, QUESTION, [], "", "official", HOMEMADE_PRESET, *KNOBS, api_name="/chat")[-1]


def test_llama_cpp_engine(client: Any, reference: dict) -> None:
    history, box, view, _notice, conf, code, data = client.predict(*_args("llama.cpp"), api_name="/chat_engine")
    assert data["engine"] == "llama.cpp" and data["done"] and data["new_tokens"] == 16
    assert data["prompt_tokens"] == reference["prompt_tokens"]  # the same template, the same tokens
    ids = [t["id"] for t in data["tokens"]]
    assert ids[:8] == [t["id"] for t in reference["tokens"]][:8]  # greedy replies agree on the first tokens
    assert all(len(t["top"]) == 5 for t in data["tokens"]) and data["tokens_per_second"] > 0
    assert history[-1]["content"][0]["text"] == data["reply"] and box == ""
    assert 'class="chat-tok"' in conf and "&lt;|im_start|&gt;" in view and "from llama_cpp import Llama" in code


def test_transformers_engine_is_chat(client: Any, reference: dict) -> None:
    data = client.predict(*_args("transformers"), api_name="/chat_engine")[-1]
    assert data["engine"] == "transformers"
    assert [t["id"] for t in data["tokens"]] == [t["id"] for t in reference["tokens"]]


def test_served_model(client: Any, server: Server) -> None:
    ours = client.predict(*_args("llama.cpp"), api_name="/chat_engine")[-1]
    _h, _b, view, _n, conf, code, data = client.predict(*_args("served", server.url, ALIAS), api_name="/chat_engine")
    assert data["engine"] == "served" and data["server"] == server.url and data["model"] == ALIAS
    assert data["reply"] == ours["reply"]  # greedy, the same template, the same llama.cpp
    assert len(data["tokens"]) == 16 and all(len(t["top"]) == 5 for t in data["tokens"])
    assert "&lt;|im_start|&gt;" in view and conf.count('class="chat-tok"') == 16 and "/chat/completions" in code


def test_wrong_url_and_model_are_clear_and_the_app_keeps_serving(client: Any, server: Server) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(AppError, match=f"Nothing answers at {nowhere}"):
        client.predict(*_args("served", nowhere, ALIAS), api_name="/chat_engine")
    with pytest.raises(AppError, match=f"serves {ALIAS}, not 'gpt-5'"):
        client.predict(*_args("served", server.url, "gpt-5"), api_name="/chat_engine")
    assert client.predict(MODEL, "still here", True, api_name="/tokenize")


def test_the_page_follows_its_engine_and_chat_stays_transformers(lm: Any) -> None:
    """routed(respond): a session that chose llama.cpp gets it from the page's Send; any other gets /chat."""
    import gradio as gr

    from playground.tabs import chat_engine
    from playground.tabs.chat import respond

    handler = chat_engine.routed(respond)
    args = (MODEL, QUESTION, [], "", "official", HOMEMADE_PRESET, *KNOBS, "en")
    chose, other = gr.Request(session_hash="chose-llama"), gr.Request(session_hash="kept-default")
    chat_engine.remember("llama.cpp", "", "", chose)
    assert list(handler(*args, chose))[-1][-1]["engine"] == "llama.cpp"
    assert "engine" not in list(handler(*args, other))[-1][-1]
    chat_engine.forget(chose)
    assert "chose-llama" not in chat_engine._choices
