"""The embedding_neighbors, layer_representations and attention endpoints through gradio_client."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from gradio_client.exceptions import AppError

MODEL = "SmolLM2-135M-Instruct"
TEXT = "The capital of France is Paris, and the capital of Italy is"


def test_the_endpoints_are_listed_with_the_model_first(client):
    api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    for name in ("/embedding_neighbors", "/layer_representations", "/attention"):
        assert name in api
        assert api[name]["parameters"][0]["label"] == "Model"


def test_embedding_neighbors_equals_sklearn_cosine_similarity(client, lm):
    from sklearn.metrics.pairwise import cosine_similarity

    *_, result = client.predict(MODEL, "apple", 10, "mean", "input", api_name="/embedding_neighbors")
    assert result["model"] == MODEL and result["tied"] is True
    assert result["pieces"] == [{"id": 21949, "text": "apple"}]
    table = lm.model.get_input_embeddings().weight.detach().numpy()
    sims = cosine_similarity(table[[21949]], table)[0]
    sims[21949] = -np.inf
    want = np.argsort(-sims, kind="stable")[:10].tolist()
    got = result["groups"][0]["neighbors"]
    assert [n["id"] for n in got] == want
    assert got[0]["similarity"] == pytest.approx(float(sims[want[0]]), abs=1e-5)
    assert len(result["pca"]["points"]) == 11 and result["pca"]["points"][0]["query"] is True


def test_embedding_neighbors_each_piece_and_code(client):
    summary, _bar, _scatter, table, code, result = client.predict(
        MODEL, "蘋果", 3, "each", "input", api_name="/embedding_neighbors"
    )
    assert [g["label"] for g in result["groups"]] == ["<0xE8>", "<0x98>", "<0x8B>", "果"]
    assert len(table["data"]) == 12
    assert "**4** tokens" in summary
    assert "AutoModelForCausalLM.from_pretrained('HuggingFaceTB/SmolLM2-135M-Instruct'" in code


def test_layer_representations_matches_direct_transformers(client, lm):
    out = client.predict(MODEL, TEXT, -1, " Rome", api_name="/layer_representations")
    result = out[-1]
    ids = lm.tokenizer(TEXT, return_tensors="pt").input_ids
    with torch.inference_mode():
        direct = lm.model(ids, output_hidden_states=True)
    T = ids.shape[1]
    assert result["n_layers"] == 30 and result["hidden_state_shapes"] == [[1, T, 576]] * 31
    want = torch.stack([h[0].norm(dim=-1) for h in direct.hidden_states])
    np.testing.assert_allclose(result["norms"], want.numpy(), rtol=1e-4)
    assert result["lens"]["top_ids"][-1] == direct.logits[0].argmax(dim=-1).tolist()  # last layer = the model
    at = result["lens_at_position"]
    assert at["position"] == T - 1 and at["target"]["text"] == " Rome"
    assert at["layers"][-1]["target_rank"] == 1
    p = torch.softmax(direct.logits[0, -1], -1)[at["target"]["id"]].item()
    assert at["layers"][-1]["target_prob"] == pytest.approx(p, abs=1e-5)
    assert "output_hidden_states=True" in out[-2]


def test_attention_returns_the_selected_pattern(client):
    from playground.loader import get_loader

    out = client.predict(MODEL, "The cat sat on the mat", 2, "kv 1", api_name="/attention")
    result = out[-1]
    eager = get_loader().get(MODEL, attn_implementation="eager")
    ids = eager.tokenizer("The cat sat on the mat", return_tensors="pt").input_ids
    with torch.inference_mode():
        att = eager.model(ids, output_attentions=True).attentions[2][0]  # (heads, T, T)
    assert result["kv_groups"] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]] and result["heads"] == [3, 4, 5]
    np.testing.assert_allclose(result["weights"], att[3:6].mean(dim=0).numpy(), atol=1e-5)
    assert len(result["first_token_share"]) == 30
    assert 'attn_implementation="eager"' in out[-2]


@pytest.mark.parametrize(
    "api, args, message",
    [
        ("/embedding_neighbors", (MODEL, "   ", 10, "mean", "input"), "whitespace"),
        ("/embedding_neighbors", (MODEL, "apple", 10, "median", "input"), "not in the list of choices"),
        ("/embedding_neighbors", ("no such model", "apple", 10, "mean", "input"), "Unknown model"),
        ("/layer_representations", (MODEL, "", -1, ""), "empty"),
        ("/layer_representations", (MODEL, "hi there", 5, ""), "outside the text"),
        ("/layer_representations", (MODEL, "hi there", -1, "蘋果"), "one token"),
        ("/attention", (MODEL, "hi", 99, "mean"), "Layer 99 does not exist"),
        ("/attention", (MODEL, "hi", 0, "head 42"), "Head 42 does not exist"),
        ("/attention", (MODEL, " word" * 200, 0, "mean"), "at most 128 tokens"),
    ],
)
def test_bad_input_gets_a_clear_message_and_the_app_keeps_serving(client, api, args, message):
    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name=api)
    *_, ok = client.predict(MODEL, "王", 3, "mean", "input", api_name="/embedding_neighbors")
    assert len(ok["groups"][0]["neighbors"]) == 3


def test_text_over_the_forward_cap_is_refused(client):
    from playground import config

    cap = config.settings().limits.max_forward_tokens
    with pytest.raises(AppError, match=f"at most {cap:,} tokens"):
        client.predict(MODEL, " word" * (cap + 5), -1, "", api_name="/layer_representations")
