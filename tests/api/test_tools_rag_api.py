"""The Tools & RAG endpoints through gradio_client on the live app: /tool_prompt, /tool_chat, /rag.

Their JSON equals what the core computes on the same model; refusals come back as clear errors; two sessions
asking at once get what each gets alone (the requests hold no state; the chunk embeddings are a shared,
read-only cache).
"""

from __future__ import annotations

import threading

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from playground.core import rag, tool_loop
from playground.core.tools import NAMES

MODEL = "SmolLM2-135M-Instruct"
CALL = '{"name": "calculator", "arguments": {"expression": "(17 + 3) * 23"}}'


def test_tool_prompt_is_the_fallback_prompt_on_smollm2(client, lm):
    summary, added, with_view, without_view, code, result = client.predict(
        MODEL, "What is 2 + 2?", ["calculator", "clock"], api_name="/tool_prompt"
    )
    tp = tool_loop.tool_prompt(lm.tokenizer, "What is 2 + 2?", ["calculator", "clock"])
    assert result["native_tools"] is False and result["tools"] == ["calculator", "clock"]
    assert result["with"]["text"] == tp.with_tools.text and result["with"]["ids"] == tp.with_tools.ids
    assert result["added_tokens"] == tp.added_tokens and added == tp.added
    assert "no tool support" in summary and "chat-tok" in with_view and "apply_chat_template" in code


def test_tool_chat_runs_a_hand_written_call(client):
    steps, code, result = client.predict(MODEL, "What is (17 + 3) * 23?", NAMES, CALL, 8, api_name="/tool_chat")
    kinds = [s["kind"] for s in result["steps"]]
    assert kinds == ["prompt", "reply", "parse", "run", "tool_message", "answer"]
    assert result["steps"][3] == {"kind": "run", "ok": True, "result": {"expression": "(17 + 3) * 23", "result": 460}}
    assert "**4. The tool runs**" in steps and "460" in steps and "writing" not in steps


def test_tool_chat_streams_the_tool_result_before_the_answer(client):
    job = client.submit(MODEL, "What is (17 + 3) * 23?", ["calculator"], CALL, 8, api_name="/tool_chat")
    job.result()
    outputs = job.outputs()
    assert len(outputs) == 2  # the loop up to the tool's message, then the whole loop
    assert "460" in outputs[0][0] and "The model is writing its reply" in outputs[0][0]
    assert "**6. The model answers**" not in outputs[0][0] and "**6. The model answers**" in outputs[1][0]


def test_tool_chat_shows_a_refused_expression_in_chinese(client):
    bad = '{"name": "calculator", "arguments": {"expression": "__import__(\'os\')"}}'
    steps, _, result = client.predict(MODEL, "x", ["calculator"], bad, 8, "zh-Hant", api_name="/tool_chat")
    assert result["steps"][3]["ok"] is False and "refuses Call" in result["steps"][3]["error"]
    assert "工具拒絕" in steps


def test_unknown_tools_and_bad_k_are_refused(client):
    with pytest.raises(AppError, match="'weather'.* is not in the list of choices"):  # gradio's own check
        client.predict(MODEL, "hi", ["weather"], api_name="/tool_prompt")
    with pytest.raises(AppError, match="Value 0 is less than minimum value 1"):  # the slider's own range
        client.predict(MODEL, "What is the capital of Quellmark?", 0, 8, api_name="/rag")


def test_rag_retrieves_and_scores_the_key_fact(client, lm):
    q = rag.corpus()[1][0]
    summary, scores, fact, with_answer, without_answer, view, code, result = client.predict(
        MODEL, q.q, 3, 8, api_name="/rag"
    )
    hits = rag.retrieve(lm, q.q, 3)
    assert [h["id"] for h in result["hits"]] == [h.chunk.id for h in hits]
    assert [h["score"] for h in result["hits"]] == pytest.approx([h.score for h in hits], abs=1e-5)
    assert result["fact"]["fact"] == " Tavrin" and result["fact"]["p_with"] > result["fact"]["p_without"]
    assert with_answer == result["answer_with"] and without_answer == result["answer_without"]
    assert "Tavrin" in result["augmented_prompt"] and "hidden_states" in code


def test_two_sessions_at_once_get_what_each_gets_alone(live_app):
    a, b = Client(live_app, verbose=False), Client(live_app, verbose=False)
    qa, qb = rag.corpus()[1][1].q, rag.corpus()[1][12].q
    alone = {"a": a.predict(MODEL, qa, 2, 8, api_name="/rag")[-1], "b": b.predict(MODEL, qb, 2, 8, api_name="/rag")[-1]}
    together: dict = {}
    threads = [
        threading.Thread(target=lambda: together.update(a=a.predict(MODEL, qa, 2, 8, api_name="/rag")[-1])),
        threading.Thread(target=lambda: together.update(b=b.predict(MODEL, qb, 2, 8, api_name="/rag")[-1])),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for key in ("a", "b"):
        for field in ("hits", "answer_with", "answer_without", "fact"):
            assert together[key][field] == alone[key][field], (key, field)
