"""The `architecture` endpoint through gradio_client against the live app."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError


def _call(client, *args):
    return client.predict(*args, api_name="/architecture")


def test_unknown_model_is_a_clear_error(client):
    with pytest.raises(AppError, match="no-such-model"):
        _call(client, "no-such-model", "", "")


def test_unknown_comparison_model_is_a_clear_error(client):
    with pytest.raises(AppError, match="also-not-a-model"):
        _call(client, "SmolLM2-135M-Instruct", "also-not-a-model", "")


def test_huge_filter_is_refused(client):
    with pytest.raises(AppError, match="filter"):
        _call(client, "SmolLM2-135M-Instruct", "", "x" * 5000)


def test_default_model_summary_and_parameter_table(client, lm):
    summary, _chart, table, layers, _side, _side_chart, code, result = _call(client, "SmolLM2-135M-Instruct", "", "")
    assert "134,515,008" in summary
    model = result["model"]
    assert model["n_params"] == 134_515_008 == sum(p.numel() for p in lm.model.parameters())
    assert (model["n_layers"], model["hidden"], model["n_heads"], model["n_kv_heads"]) == (30, 576, 9, 3)
    assert model["tied"] is True and model["gqa_ratio"] == 3
    names = [p["name"] for p in result["parameters"]]
    assert names == [n for n, _ in lm.model.named_parameters()]
    assert result["parameters"][0]["shape"] == [49152, 576]
    assert sum(p["count"] for p in result["parameters"]) == 134_515_008
    assert result["weight_bytes"]["float32"] == 4 * 134_515_008
    assert len(result["layers"]) == 30 and result["compare"] is None
    assert len(table["data"]) == len(names) and len(layers["data"]) == 30
    assert "init_empty_weights" in code and "tie_weights" in code


def test_filter_and_comparison(client):
    *_, result = _call(client, "DeepSeek-R1-Distill-Qwen-1.5B", "Llama-3.2-1B-Instruct", "lm_head")
    assert result["model"]["n_params"] == 1_777_088_000
    assert [(p["name"], p["shape"]) for p in result["parameters"]] == [("lm_head.weight", [151936, 1536])]
    other = result["compare"]["model"]
    assert other["n_params"] == 1_235_814_400 and other["tied"] is True
    rows = {r["field"]: r for r in result["compare"]["rows"]}
    assert rows["n_layers"]["a"] == 28 and rows["n_layers"]["b"] == 16


def test_every_documented_parameter_is_accepted(client):
    api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/architecture"]["parameters"]
    assert [p["parameter_name"] for p in api] == ["model", "compare_with", "filter", "lang"]
    defaults = {
        p["parameter_name"]: p["parameter_default"] if p["parameter_has_default"] else p["example_input"] for p in api
    }
    *_, result = _call(client, *defaults.values())
    assert result["model"]["name"] == "SmolLM2-135M-Instruct"
    assert "Llama-3.1-70B-Instruct" in api[0]["type"]["enum"]  # the tab's own field: any catalog model


def test_a_70b_architecture_loads_no_weights(client):
    from playground.loader import get_loader

    before = [(m.name, m.quantization) for m in get_loader().loaded()]
    *_, result = _call(client, "Llama-3.1-70B-Instruct", "", "")
    assert result["model"]["n_params"] == 70_553_706_496
    assert [(m.name, m.quantization) for m in get_loader().loaded()] == before


def test_comparison_table_uses_readable_labels_once_each(client):
    _s, _c, _t, _l, side, _sc, _code, result = _call(client, "SmolLM2-135M-Instruct", "Llama-3.2-1B-Instruct", "")
    lines = [line for line in side.splitlines() if line.startswith("| ") and "---" not in line][1:]
    labels = [line.split("|")[1].strip() for line in lines]
    assert labels[:4] == ["Parameters", "Layers", "Hidden size (d_model)", "Query heads"]
    assert len(labels) == len(set(labels))
    from playground.core.architecture import COMPARED

    assert not set(labels) & set(COMPARED)  # no raw field names
    assert "Sliding window (tokens)" not in labels  # neither model has one: the row says nothing
    assert "Embedding parameters" in labels and "embedding_params" not in side
    rows = {r["field"]: r for r in result["compare"]["rows"]}
    assert rows["n_layers"]["label"] == "Layers" and (rows["n_layers"]["a"], rows["n_layers"]["b"]) == (30, 16)


def test_a_chinese_page_gets_chinese_words_and_the_same_json(client):
    """lang words the summary, the tables' headers and the side-by-side labels; the JSON stays as in English."""
    en = _call(client, "gemma-3-4b-it", "gpt2", "", "en")
    hant = _call(client, "gemma-3-4b-it", "gpt2", "", "zh-Hant")
    hans = _call(client, "gemma-3-4b-it", "gpt2", "", "zh-Hans")
    summary, _chart, table, layers, side, _sc, _code, result = hant
    assert "| 參數 | **3,880,263,168** |" in summary and "分組查詢注意力" in summary
    assert "34 層中有 29 層只看最近的 1,024 個詞元" in summary  # the sliding window, worded
    assert "只顯示文字解碼器（gemma3_text）" in summary  # the note of a multimodal model's text part
    assert "Parameters" not in summary and "Layers" not in summary
    assert table["headers"] == ["名稱", "形狀", "數量", "占比 %", "組", "部分", "層"]
    assert layers["headers"][0] == "層" and "| 查詢頭 |" in side and "| 共用嵌入矩陣 | 是 | 是 |" in side
    assert "| 参数 | **3,880,263,168** |" in hans[0] and hans[2]["headers"][0] == "名称"
    assert en[2]["headers"] == ["name", "shape", "count", "share %", "group", "part", "layer"]
    assert result == en[-1] == hans[-1]
    assert result["model"]["notes"] == ["Only the text decoder (gemma3_text) is shown; the vision tower is excluded."]
