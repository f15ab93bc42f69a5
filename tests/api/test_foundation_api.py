"""The tokenize and next_token endpoints through gradio_client against a live app."""

from __future__ import annotations

import pytest
import torch
from gradio_client.exceptions import AppError

MODEL = "SmolLM2-135M-Instruct"


def test_api_lists_the_stable_endpoints(client):
    names = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert {"/tokenize", "/next_token", "/load_model", "/compare_tokenizers"} <= names
    assert not any("relabel" in n or "lambda" in n for n in names)  # helper events stay private


def test_tokenize_returns_the_documented_json(client, tokenizer):
    *_, result = client.predict(MODEL, "大家好", True, api_name="/tokenize")
    assert result["ids"] == tokenizer("大家好").input_ids == [41479, 18310, 131, 48392, 138]
    assert result["tokens"] == tokenizer.convert_ids_to_tokens(result["ids"])
    assert result["count"] == 5 and result["decoded"] == "大家好" and result["round_trip"] is True


def test_tokenize_spans_and_code(client):
    spans, stats, table, code, result = client.predict(MODEL, "i am good", True, api_name="/tokenize")
    assert spans.count('class="tok"') == 3 and "1123" in spans
    assert "3</strong>" in stats or "**3**" in stats
    assert "AutoTokenizer.from_pretrained('HuggingFaceTB/SmolLM2-135M-Instruct')" in code
    assert result["tokens"] == ["i", "Ġam", "Ġgood"]


def test_next_token_matches_direct_transformers(client, lm):
    out = client.predict(MODEL, "1+1=", False, 1.0, 0, 1.0, 10, api_name="/next_token")
    result = out[-1]
    ids = lm.tokenizer("1+1=", return_tensors="pt").input_ids
    with torch.no_grad():
        probs = torch.softmax(lm.model(ids).logits[0, -1], -1)
    top = torch.topk(probs, 10)
    assert [c["id"] for c in result["candidates"]] == top.indices.tolist()
    for c, p in zip(result["candidates"], top.values.tolist()):
        assert c["probability"] == pytest.approx(p, abs=1e-5)
        assert set(c) >= {"id", "token", "probability", "logit"}


def test_compare_tokenizers_with_a_local_tokenizer_folder(client, tokenizer, tmp_path):
    """A second tokenizer from a local folder: the same tokenizer, so nothing is outlined."""
    import json

    tokenizer.save_pretrained(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    html, data = client.predict(MODEL, str(tmp_path), "good morning", True, api_name="/compare_tokenizers")
    assert data["a"]["ids"] == data["b"]["ids"] == [12018, 5738]
    assert data["a"]["differs"] == [False, False] and 'class="tok diff"' not in html


@pytest.mark.parametrize(
    "args, message",
    [
        ((MODEL, "", True), "empty"),
        ((MODEL, "a\x07b", True), "control character"),
        (("no such model", "hi", True), "Unknown model"),
        ((MODEL, "x" * 20001, True), "limit"),
    ],
)
def test_tokenize_bad_input_gets_a_clear_message(client, args, message):
    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name="/tokenize")


@pytest.mark.parametrize(
    "args, message",
    [
        ((MODEL, "   ", False, 1.0, 0, 1.0, 10), "only whitespace"),
        (("Qwen/Qwen2.5-0.5B-Instruct", "hi", False, 1.0, 0, 1.0, 10), "cannot be reached"),
        ((MODEL, "hi", False, 9.0, 0, 1.0, 10), "maximum"),
    ],
)
def test_next_token_bad_input_gets_a_clear_message_and_the_app_keeps_serving(client, args, message):
    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name="/next_token")
    *_, ok = client.predict(MODEL, "hi", False, 1.0, 0, 1.0, 3, api_name="/next_token")
    assert len(ok["candidates"]) == 3


def test_too_many_tokens_for_one_forward_pass(client):
    from playground import config

    cap = config.settings().limits.max_forward_tokens
    with pytest.raises(AppError, match="limit for one forward pass"):
        client.predict(MODEL, "hello " * (cap + 10), False, 1.0, 0, 1.0, 3, api_name="/next_token")
