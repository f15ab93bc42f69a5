"""The chat, chat_compare and chat_prompt endpoints through gradio_client against a live app."""

from __future__ import annotations

import re
import threading
import time

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from playground.core import chat
from playground.core.generate import Generation, Sampling

MODEL = "SmolLM2-135M-Instruct"
GREEDY = (True, 0.7, 50, 0.9, 1.0)  # greedy, temperature, top_k, top_p, repetition_penalty


def chat_args(message, history=(), max_new=24, mode="official", system="", seed=-1, sampling=GREEDY):
    return (MODEL, message, list(history), system, mode, chat.HOMEMADE_PRESET, *sampling, max_new, seed)


def msg(role, text):
    """A history message as gradio 6's Chatbot takes it over the API: content is a list of parts."""
    return {"role": role, "content": [{"type": "text", "text": text}]}


def text_of(message):
    content = message["content"]
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content)


# --------------------------------------------------------------------------- bad input first


@pytest.mark.parametrize(
    "args, expected",
    [
        (chat_args("   "), "empty"),
        (chat_args("bell\x07"), "control character"),
        (chat_args("hi", mode="fancy"), "fancy"),
        # the sliders refuse out-of-range numbers themselves, naming the value and the bound
        (chat_args("hi", sampling=(False, 0.7, -5, 0.9, 1.0)), "-5 is less than minimum value 0"),
        (chat_args("hi", sampling=(False, 0.7, 50, 0.9, 9.0)), "9.0 is greater than maximum value 2.0"),
        (chat_args("hi", max_new=100_000), "100000 is greater than maximum"),
        (chat_args("hi", seed=-7), "Seed must be between 0"),
        (("no such model", "hi", [], "", "official", "x{prompt}", *GREEDY, 8, -1), "Unknown model"),
        (chat_args("hi", mode="homemade")[:5] + ("no slot here",) + chat_args("hi")[6:], "a {prompt} slot"),
    ],
)
def test_bad_input_gets_a_clear_message_and_the_app_keeps_serving(client, args, expected):
    with pytest.raises(AppError, match=re.escape(expected)):
        client.predict(*args, api_name="/chat")
    assert client.predict(*chat_args("Hi", max_new=2), api_name="/chat")[-1]["done"] is True


def test_endpoints_are_listed(client):
    names = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert {"/chat", "/chat_compare", "/chat_prompt"} <= names


# --------------------------------------------------------------------------- streaming


def test_chat_streams_the_greedy_reply_of_the_core(client, lm, capsys):
    job = client.submit(*chat_args("Write a short poem about the sea.", max_new=24), api_name="/chat")
    replies = [out[-1]["reply"] for out in job]
    history, box, view, notice, conf, code, result = job.result()
    direct = Generation(
        lm,
        chat.build_prompt(lm.tokenizer, "Write a short poem about the sea.").ids,
        Sampling(greedy=True, max_new_tokens=24),
    ).run()
    assert result["done"] and result["reply"] == direct.text and result["new_tokens"] == len(direct.token_ids)
    assert [t["id"] for t in result["tokens"]] == direct.token_ids
    assert len(set(replies)) >= 3, "the reply should arrive in several pieces"
    assert all(b.startswith(a) for a, b in zip(replies, replies[1:]))
    assert [m["role"] for m in history] == ["user", "assistant"] and text_of(history[1]) == direct.text
    assert box == "" and "&lt;|im_start|&gt;" in view and "apply_chat_template" in code and 'title="p = ' in conf
    assert result["finish_reason"] in ("eos", "length") and result["time_to_first_token_s"] > 0
    top = result["tokens"][0]["top"]
    assert top[0]["p"] >= top[1]["p"] and len(top) == 5
    # The Code box runs as shown (the converted folder in place of the Hub id, offline) and prints this reply.
    assert "'HuggingFaceTB/SmolLM2-135M-Instruct'" in code
    capsys.readouterr()
    snippet = code.replace("'HuggingFaceTB/SmolLM2-135M-Instruct'", repr(lm.model.name_or_path))
    exec(compile(snippet, "<code box>", "exec"), {"__name__": "code_box"})  # noqa: S102 - the code the tab shows
    assert capsys.readouterr().out == result["reply"] + "\n"


def test_history_is_sent_back_and_used(client):
    first = client.predict(*chat_args("What is the capital of France?", max_new=12), api_name="/chat")
    history = first[0]
    second = client.predict(*chat_args("And of Germany?", history=history, max_new=12), api_name="/chat")
    result = second[-1]
    assert [m["role"] for m in second[0]] == ["user", "assistant", "user", "assistant"]
    assert result["role_tokens"]["assistant"] > 0 and "Berlin" in result["reply"]


def test_seeded_sampling_reproduces_through_the_api(client):
    args = chat_args("Tell me a story.", max_new=10, seed=7, sampling=(False, 1.0, 50, 0.95, 1.0))
    a, b = client.predict(*args, api_name="/chat")[-1], client.predict(*args, api_name="/chat")[-1]
    assert a["reply"] == b["reply"] and a["seed"] == 7
    rnd = client.predict(
        *chat_args("Tell me a story.", max_new=4, sampling=(False, 1.0, 50, 0.95, 1.0)), api_name="/chat"
    )[-1]
    assert isinstance(rnd["seed"], int)


def test_long_history_is_trimmed_with_a_visible_notice(client):
    history = []
    for i in range(8):
        history += [
            msg("user", f"Turn {i}. " + "Tell me about rivers and lakes. " * 20),
            msg("assistant", f"Answer {i}. " + "Rivers flow into lakes and seas. " * 20),
        ]
    history_out, _, view, notice, *_, result = client.predict(
        *chat_args("Summarize.", history=history, max_new=2), api_name="/chat"
    )
    assert result["dropped_turns"] >= 1 and result["prompt_tokens"] <= 2048
    assert "oldest turn" in notice and "oldest turn" in view
    assert len(history_out) == len(history) + 2  # the page keeps showing every turn


def test_stop_ends_the_reply_on_the_server(client, lm):
    calls = []
    handle = lm.model.register_forward_hook(lambda *_: calls.append(time.perf_counter()))
    try:
        job = client.submit(
            *chat_args("Count from one to two hundred, one number per line.", max_new=200), api_name="/chat"
        )
        deadline = time.time() + 60
        while len(calls) < 4 and time.time() < deadline:
            time.sleep(0.05)
        job.cancel()
        time.sleep(0.3)
        at_cancel = len(calls)
        time.sleep(2.0)
        after = len(calls)
    finally:
        handle.remove()
    assert 4 <= at_cancel < 200
    assert after - at_cancel <= 2, "decoding should stop within a token or two of Stop"


def test_two_sessions_stream_at_once_and_never_see_each_other(live_app):
    clients = [Client(live_app, verbose=False) for _ in range(2)]
    questions = ["Name three colours.", "Name three animals."]
    first_token: dict[int, float] = {}
    done: dict[int, float] = {}
    results: dict[int, tuple] = {}

    def run(k: int) -> None:
        job = clients[k].submit(*chat_args(questions[k], max_new=20), api_name="/chat")
        for out in job:
            if out[-1]["new_tokens"] and k not in first_token:
                first_token[k] = time.perf_counter()
        done[k] = time.perf_counter()
        results[k] = job.result()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert set(results) == {0, 1}
    for k in range(2):
        history = results[k][0]
        assert text_of(history[0]) == questions[k] and len(history) == 2
        assert questions[1 - k] not in str(history)
    # both progressed: each had its first token before the other had finished
    assert first_token[0] < done[1] and first_token[1] < done[0]


# --------------------------------------------------------------------------- compare and prompt view


def test_compare_runs_both_templates(client):
    a, b, pa, pb, result = client.predict(
        MODEL,
        "Why is the sky blue?",
        "",
        "official",
        "homemade",
        chat.HOMEMADE_PRESET,
        *GREEDY,
        16,
        -1,
        api_name="/chat_compare",
    )
    assert pa.endswith("<|im_start|>assistant\n") and pb == "使用者說：Why is the sky blue?\nAI回答："
    assert result["a"]["reply"] == a and result["b"]["reply"] == b and a and b
    assert result["a"]["template_mode"] == "official" and result["b"]["prompt"] == pb


def test_chat_prompt_shows_what_the_model_sees(client, tokenizer):
    history = [msg("user", "Hi"), msg("assistant", "Hello!")]
    view, result = client.predict(
        MODEL, "How are you?", history, "Be brief.", "official", chat.HOMEMADE_PRESET, 64, api_name="/chat_prompt"
    )
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "How are you?"},
    ]
    assert result["ids"] == list(
        tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True)["input_ids"]
    )
    assert result["role_tokens"]["system"] == len(tokenizer("Be brief.").input_ids)
    assert sum(result["role_tokens"].values()) == result["n_tokens"] == len(result["ids"])
    assert result["special"].count(True) == result["text"].count("<|im_start|>") + result["text"].count("<|im_end|>")
    assert "outline:2px solid" in view and result["bos_doubled"] is False
