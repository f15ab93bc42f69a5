"""The served engine against a real OpenAI-compatible server: llama.cpp's own (`python -m llama_cpp.server` on
the embedded GGUF file, 127.0.0.1, a free port), started here. Streaming, stop, logprobs in the confidence view,
a server that goes away mid-reply, a wrong URL, path or model, a refused key, a server that stays silent.

Skipped (with the reason) where llama-cpp-python is not installed; CI installs it (make install-llamacpp).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playground import config
from playground.core import chat
from playground.core.generate import Sampling
from playground.engines import route
from playground.engines.served import ServedError, ServedReply, server_for
from playground.errors import InputError
from playground.render import confidence_html
from tests.llama_server import ALIAS, KEY, Server, free_port, llama_server, needs_llama_cpp, silent_server

KEY_ENV = "PLAYGROUND_TEST_SERVER_KEY"
GREEDY = Sampling(greedy=True, max_new_tokens=24)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with llama_server(tmp_path_factory.mktemp("served"), api_key=KEY) as s:
        yield s


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    needs_llama_cpp()
    monkeypatch.setenv(KEY_ENV, KEY)


def _srv(url: str, **kw: Any) -> config.Server:
    return config.Server(name="test", url=url, key_env=KEY_ENV, **kw)


def _reply(url: str, messages: list | None = None, sampling: Sampling = GREEDY, **kw: Any) -> ServedReply:
    msgs = messages or [{"role": "user", "content": "Why is the sky blue?"}]
    return ServedReply(sampling, server=_srv(url), model=kw.pop("model", ALIAS), messages=msgs, **kw)


# --------------------------------------------------------------------------- edge cases: names and settings


def test_a_url_is_a_server_only_off_a_hosted_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    assert server_for("http://127.0.0.1:9/v1").url == "http://127.0.0.1:9/v1"
    monkeypatch.setattr(config, "HOSTED", True)
    with pytest.raises(InputError, match="talks only to the servers in its settings"):
        server_for("http://169.254.169.254/v1")
    with pytest.raises(InputError, match="Unknown server 'class'"):
        server_for("class")


# --------------------------------------------------------------------------- a real server


@pytest.mark.slow
def test_streams_the_same_greedy_reply_as_the_llama_cpp_engine(server: Server, tokenizer: Any) -> None:
    from playground.engines.llamacpp import LlamaReply
    from tests.llama_server import gguf_path

    prompt = chat.build_prompt(tokenizer, "Why is the sky blue?")
    got = _reply(server.url, prompt.messages)
    times = [step.seconds for step in got]
    ref = LlamaReply(GREEDY, path=gguf_path(), input_ids=prompt.ids).run()
    assert got.text == ref.text and got.new_tokens == ref.new_tokens == 24
    assert got.finish_reason == "length"
    assert times == sorted(times) and times[-1] - times[0] > 0  # token by token, not one block at the end


@pytest.mark.slow
def test_logprobs_become_the_confidence_view(server: Server, tokenizer: Any) -> None:
    got = _reply(server.url).run()
    conf = got.confidences(tokenizer)
    assert "".join(c.text for c in conf) == got.text
    assert all(0 < c.prob <= 1 and len(c.alternatives) == 5 for c in conf)
    assert all(c.alternatives[0][0] == c.text for c in conf)  # greedy: the pick is the best alternative
    assert sum(c.token_id >= 0 for c in conf) >= len(conf) // 2  # most tokens map to one local id
    html = confidence_html(conf)
    assert html.count('class="chat-tok"') == len(conf)


def test_stop_closes_the_stream_and_the_server_keeps_serving(server: Server) -> None:
    got = _reply(server.url, sampling=Sampling(greedy=True, max_new_tokens=200), stop=threading.Event())
    for step in got:
        if step.index == 2:
            assert got.stop is not None
            got.stop.set()
    assert got.finish_reason == "stopped" and got.new_tokens == 3
    assert _reply(server.url, sampling=Sampling(greedy=True, max_new_tokens=3)).run().new_tokens == 3


def test_the_prompt_view_uses_the_local_tokenizer(server: Server) -> None:
    run = route.start("served", server.url, ALIAS, "", "Hi", [], "", "official", "", GREEDY)
    assert run.prompt is not None and run.prompt.text.endswith("<|im_start|>assistant\n")
    run.reply.server = _srv(server.url)  # the key's variable (a URL typed on the page names none)
    data = route.run_json(run, True) | {"tokens": None}
    assert run.reply.run().new_tokens > 0
    assert data["engine"] == "served" and data["server"] == server.url and data["prompt_tokens"] == run.prompt.n_tokens


def test_the_homemade_template_is_continued_as_rendered_here(server: Server, tokenizer: Any) -> None:
    """homemade / none: the text the app renders goes to /completions; the server continues exactly those tokens,
    so its greedy reply is the llama.cpp engine's on the same ids, with the same confidence view."""
    from playground.engines.llamacpp import LlamaReply
    from tests.llama_server import gguf_path

    sampling = Sampling(greedy=True, max_new_tokens=12)
    # An English template: llama-cpp-python's server sends "" for each piece of a character split across tokens
    # when logprobs are asked (its own streaming, with either endpoint), which the preset's 答 would show.
    template = "User: {prompt}\nAssistant:"
    run = route.start("served", server.url, ALIAS, "", "Hi", [], "", "homemade", template, sampling)
    run.reply.server = _srv(server.url)
    assert run.prompt is not None and run.prompt.mode == "homemade" and run.reply.path == "/completions"
    assert run.reply.body()["prompt"] == run.prompt.text and "messages" not in run.reply.body()
    got = run.reply.run()
    assert got.text == LlamaReply(sampling, path=gguf_path(), input_ids=run.prompt.ids).run().text
    conf = got.confidences(tokenizer)
    assert "".join(c.text for c in conf) == got.text and all(len(c.alternatives) == 5 for c in conf)
    assert "/completions" in route.code(run) and "'prompt'" in route.code(run)


def test_the_homemade_template_needs_the_models_tokenizer_here() -> None:
    with pytest.raises(InputError, match="rendered here with the model's tokenizer"):
        route.start("served", "http://127.0.0.1:9/v1", "unknown-model", "", "Hi", [], "", "none", "", GREEDY)


def test_a_wrong_model_name_names_what_the_server_serves(server: Server) -> None:
    with pytest.raises(ServedError, match=f"serves {ALIAS}, not 'llama-70b'"):
        _reply(server.url, model="llama-70b").run()


def test_a_url_without_v1_says_so(server: Server) -> None:
    with pytest.raises(ServedError, match=r"has no /models \(HTTP 404\).*end in /v1"):
        _reply(server.url.removesuffix("/v1")).run()


def test_nothing_listening_says_so() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ServedError, match=f"Nothing answers at {url}"):
        _reply(url).run()


def test_a_refused_key_names_its_variable_never_the_key(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "wrong-key-123")
    with pytest.raises(ServedError) as err:
        _reply(server.url).run()
    assert "HTTP 401" in str(err.value) and KEY_ENV in str(err.value) and "wrong-key-123" not in str(err.value)


@pytest.mark.slow
def test_a_silent_server_times_out() -> None:
    with silent_server() as url, pytest.raises(ServedError, match="sent nothing for 1 s"):
        _reply(url, timeout=1.0).run()


@pytest.mark.slow
def test_a_server_that_goes_away_mid_reply(tmp_path: Path) -> None:
    with llama_server(tmp_path, api_key=KEY) as s:
        got = _reply(s.url, sampling=Sampling(greedy=True, max_new_tokens=400))
        with pytest.raises(ServedError, match=r"after \d+ tokens") as err:
            for step in got:
                if step.index == 3:
                    s.proc.kill()
        assert got.new_tokens >= 4 and got.text  # the part received is kept
        assert "stopped" in str(err.value)
