"""The Chinese lessons through gradio_client: Compare's offline second tokenizer and its token tax, and
the byte-piece flags the Neighbours and Layers pages warn from."""

from __future__ import annotations

MODEL = "SmolLM2-135M-Instruct"
QWEN = "Qwen2.5-Coder-0.5B-Instruct"


def test_compare_with_the_embedded_qwen_tokenizer_shows_the_token_tax(client):
    html, data = client.predict(MODEL, QWEN, "大家好", False, api_name="/compare_tokenizers")
    assert data["a"]["model"] == MODEL and data["b"]["model"] == QWEN
    assert data["a"]["count"] == 5 and data["b"]["tokens"] == ["å¤§å®¶", "å¥½"]  # 大家 + 好
    tax = data["token_tax"]
    assert tax["pairs"][0] == ["Why is the sky blue?", "天空為什麼是藍色的？"]
    assert tax["a"] == {"english": 19, "chinese": 50, "ratio": 2.6316}
    assert tax["b"] == {"english": 19, "chinese": 17, "ratio": 0.8947}
    assert 'class="token-tax"' in html and "×2.63" in html and "×0.89" in html


def test_neighbours_and_layers_report_byte_pieces(client):
    *_, nb = client.predict(MODEL, "蘋果", 3, "mean", "input", api_name="/embedding_neighbors")
    assert nb["byte_pieces"] == [0, 1, 2]
    *_, ok = client.predict(MODEL, "apple", 3, "mean", "input", api_name="/embedding_neighbors")
    assert ok["byte_pieces"] == []
    *_, lay = client.predict(MODEL, "apple, Apple, 蘋果, 王", -1, "", api_name="/layer_representations")
    assert lay["byte_pieces"] == [4, 5, 6, 9, 10, 11]
