"""The generation_tree and commitment endpoints through gradio_client: JSON round trips, sessions kept apart."""

from __future__ import annotations

import json

import pytest
import torch
from gradio_client.exceptions import AppError

MODEL = "SmolLM2-135M-Instruct"
PROMPT = "The capital of France is"


def _grow(client, prompt=PROMPT, **kw):
    args = dict(chat_template=False, mode="greedy", temperature=1.0, seed=-1, n_samples=1, max_new_tokens=6)
    args.update(kw)
    return client.predict(MODEL, prompt, *args.values(), "", -1, -1, api_name="/generation_tree")


def _fork(client, tree, node, choice, max_new_tokens=4):
    return client.predict(
        MODEL, PROMPT, False, "greedy", 1.0, -1, 1, max_new_tokens, tree, node, choice, api_name="/generation_tree"
    )


def test_the_endpoints_are_listed_with_the_model_first(client):
    api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    params = [p["parameter_name"] for p in api["/generation_tree"]["parameters"]]
    assert params[0] == "model" and params[-4:] == ["tree", "node", "choice", "lang"]
    assert [p["parameter_name"] for p in api["/commitment"]["parameters"]] == ["model", "text", "reply", "mode", "lang"]


def test_greedy_tree_is_generate_and_its_json_forks_in_another_session(client, live_app, lm):
    from gradio_client import Client

    *_, result, _code = _grow(client)
    tree = result["tree"]
    ids = tree["prompt_ids"]
    with torch.inference_mode():
        want = lm.model.generate(torch.tensor([ids]), max_new_tokens=6, do_sample=False)[0, len(ids) :].tolist()
    assert [n["token_id"] for n in tree["nodes"]] == want
    assert set(tree["nodes"][0]) >= {"id", "token_id", "text", "prob", "parent", "branch", "seed", "alternatives"}
    node = tree["nodes"][2]
    choice = node["alternatives"][1]["id"]
    # the same fork: here from the session's tree (its KV cache), there from the JSON alone (re-read prefix)
    *_, here, _ = _fork(client, "", 2, choice)
    *_, there, _ = _fork(Client(live_app, verbose=False), json.dumps(tree), 2, choice)
    # same tokens and structure; probabilities within float32 noise (a cached prefix vs. one re-read in a prefill)
    shape = lambda tr: [(n["token_id"], n["parent"], n["branch"]) for n in tr["nodes"]]  # noqa: E731
    assert shape(here["tree"]) == shape(there["tree"])
    assert [b["path"] for b in here["tree"]["branches"]] == [b["path"] for b in there["tree"]["branches"]]
    assert [n["prob"] for n in here["tree"]["nodes"]] == pytest.approx(
        [n["prob"] for n in there["tree"]["nodes"]], abs=1e-5
    )
    branch = here["tree"]["branches"][1]
    assert (branch["kind"], branch["fork_depth"], here["shown_branch"]) == ("fork", 2, 1)
    forked = [here["tree"]["nodes"][i]["token_id"] for i in branch["path"]]
    prefix = want[:2] + [choice]
    with torch.inference_mode():
        rest = lm.model.generate(torch.tensor([ids + prefix]), max_new_tokens=3, do_sample=False)[0, len(ids) + 3 :]
    assert forked == prefix + rest.tolist()


def test_two_sessions_trees_are_independent(live_app):
    from gradio_client import Client

    a, b = Client(live_app, verbose=False), Client(live_app, verbose=False)
    _grow(a)
    _grow(b, prompt="Once upon a time")
    *_, result, _ = _fork(a, "", 0, _grow_alt(a))
    assert result["tree"]["prompt"] == PROMPT and len(result["tree"]["branches"]) == 2
    *_, other, _ = _grow(b, prompt="Once upon a time", max_new_tokens=2)
    assert other["tree"]["prompt"] == "Once upon a time" and len(other["tree"]["branches"]) == 1


def _grow_alt(client):
    *_, result, _ = _grow(client)
    return result["tree"]["nodes"][0]["alternatives"][1]["id"]


def test_seeded_samples_reproduce_through_the_api(client):
    first = _grow(client, mode="sample", seed=11, n_samples=3)[-2]["tree"]
    again = _grow(client, mode="sample", seed=11, n_samples=3)[-2]["tree"]
    assert first == again and [b["seed"] for b in first["branches"]] == [11, 12, 13]


def test_bad_requests_are_refused_by_name(client):
    with pytest.raises(AppError, match="not one of node 0's alternatives"):
        _grow(client)
        _fork(client, "", 0, 7)
    with pytest.raises(AppError, match="format"):
        _fork(client, '{"nodes": []}', 0, 7)


def test_commitment_of_a_chat_reply_and_a_mode_switch(client):
    summary, strip, _heat, code, result = client.predict(
        MODEL, "What is the capital of France?", "Paris.", "top3", api_name="/commitment"
    )
    assert result["mode"] == "top3" and result["n_layers"] == 30
    assert result["positions"][0]["token"] == "\n"  # the template's line after 'assistant' predicts the reply
    layers = [p["commitment_layers"] for p in result["positions"]]
    assert all(x["top3"] <= x["top1"] for x in layers)
    assert "commit-tok" in strip and "positions" in summary and "lm_head" in code
