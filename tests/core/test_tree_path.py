"""A tree whose first branch is a given path (playground.core.tree_path): Next Token's appended tokens, a Chat reply.

The path's probabilities and alternatives equal one direct forward pass; a fork at any node of it equals
`model.generate` on prefix + the chosen token, starting from views of the path's own cache.
"""

from __future__ import annotations

import pytest
import torch

from playground.core import tree as tr
from playground.core import tree_decode as td
from playground.core.sampling import Sampling
from playground.core.tree_path import from_path
from playground.errors import InputError

PROMPT = "The capital of France is"
PATH_TEXT = " a big city with many old streets"  # not the greedy reply: a path a learner appended by hand


def _generate(lm, ids, n):
    with torch.inference_mode():
        return lm.model.generate(torch.tensor([ids]), max_new_tokens=n, do_sample=False)[0, len(ids) :].tolist()


def _ids(lm, text):
    return lm.tokenizer(text, add_special_tokens=False)["input_ids"]


# --------------------------------------------------------------------------- edge cases first


def test_an_empty_path_is_a_tree_to_grow(lm):
    tree = from_path(lm, _ids(lm, PROMPT), [], PROMPT)
    assert (tree.nodes, tree.branches) == ([], [])
    td.grow(lm, tree, Sampling(greedy=True, max_new_tokens=5))
    assert tree.token_ids(tree.branches[0]) == _generate(lm, tree.prompt_ids, 5)


def test_paths_out_of_bounds_are_refused(lm):
    with pytest.raises(InputError, match="at least one prompt token"):
        from_path(lm, [], [1, 2], "")
    with pytest.raises(InputError, match="at most 512"):
        from_path(lm, _ids(lm, PROMPT), [1] * 513, PROMPT)
    with pytest.raises(InputError, match="list of token ids"):
        from_path(lm, _ids(lm, PROMPT), ["a"], PROMPT)


# --------------------------------------------------------------------------- against a direct forward pass


@pytest.fixture(scope="module")
def given(lm):
    return from_path(lm, _ids(lm, PROMPT), _ids(lm, PATH_TEXT), PROMPT)


def test_the_path_is_branch_0_with_its_own_probabilities(lm, given):
    prompt, path = given.prompt_ids, _ids(lm, PATH_TEXT)
    with torch.inference_mode():  # one plain pass, no cache: row k predicts path[k]
        probs = lm.model(torch.tensor([prompt + path])).logits[0, len(prompt) - 1 : -1].float().softmax(-1)
    b = given.branches[0]
    assert (b.kind, b.fork_depth, b.finish, given.token_ids(b)) == ("given", 0, "length", path)
    assert given.text(b) == PATH_TEXT
    got = torch.tensor([given.nodes[i].prob for i in b.path])
    torch.testing.assert_close(got, probs[torch.arange(len(path)), torch.tensor(path)], rtol=1e-5, atol=1e-6)
    for k, i in enumerate(b.path):
        p, top = probs[k].topk(5)
        assert [a[0] for a in given.nodes[i].alternatives] == top.tolist()
        torch.testing.assert_close(torch.tensor([a[2] for a in given.nodes[i].alternatives]), p, rtol=1e-5, atol=1e-6)
    assert [n.parent for n in given.nodes] == [None, *range(len(path) - 1)]


def test_the_cache_holds_prompt_and_path_but_its_last_token(lm, given):
    assert given.caches[0].get_seq_length() == len(given.prompt_ids) + len(given.nodes) - 1


@pytest.mark.parametrize("at", [0, 3, 6])
def test_a_fork_in_the_path_is_generate_on_prefix_and_choice(lm, given, at):
    node = given.nodes[at]
    choice = node.alternatives[0][0] if node.alternatives[0][0] != node.token_id else node.alternatives[1][0]
    td.fork(lm, given, at, choice, Sampling(greedy=True, max_new_tokens=5))
    branch = given.branches[-1]
    prefix = [n.token_id for n in given.path_to(node)][:-1] + [choice]
    assert branch.kind == "fork" and branch.fork_depth == at
    assert given.token_ids(branch) == prefix + _generate(lm, given.prompt_ids + prefix, 4)


def test_json_round_trips_and_the_code_reads_the_path(lm, given):
    data = tr.to_json(given)
    assert tr.to_json(tr.from_json(data)) == data and data["branches"][0]["kind"] == "given"
    code = tr.code_for("HuggingFaceTB/SmolLM2-135M-Instruct", given, 0)
    assert f"path = {_ids(lm, PATH_TEXT)}" in code and "model.generate" not in code


def test_a_chat_reply_as_a_path_matches_the_replys_own_steps(lm):
    """The Chat tab's prompt (core.chat_reply.prepare, i.e. chat.fit_prompt) + its greedy reply: each node's
    probability is the one the reply's decoding recorded at that step."""
    from playground.core.chat_reply import prepare
    from playground.core.generate import Generation

    prompt = prepare(lm, "What is 2+2?", [], "", "official", "", 8)
    gen = Generation(lm, prompt.ids, Sampling(greedy=True, max_new_tokens=8))
    steps = list(gen)
    tree = from_path(lm, prompt.ids, [s.token_id for s in steps], prompt.text)
    got = [tree.nodes[i].prob for i in tree.branches[0].path]
    assert got == pytest.approx([s.prob for s in steps], abs=1e-5)
    assert [a[0] for a in tree.nodes[0].alternatives] == list(steps[0].top_ids)


def test_a_chat_replys_commitment_strip_has_one_position_per_reply_token(lm):
    """core.commitment.of_reply: the positions that predicted the reply's tokens, after the Chat tab's prompt; for
    a greedy reply the model's own prediction at each of them is the reply's token."""
    from playground.core.chat_reply import prepare
    from playground.core.commitment import of_reply
    from playground.core.generate import Generation

    prompt = prepare(lm, "What is 2+2?", [], "", "official", "", 8)
    reply = list(Generation(lm, prompt.ids, Sampling(greedy=True, max_new_tokens=8)).run().token_ids)
    c = of_reply(lm, prompt.ids, reply)
    assert c.positions == tuple(range(len(prompt.ids) - 1, len(prompt.ids) + len(reply) - 1))
    assert list(c.predicted_ids) == reply and c.token_ids == tuple(prompt.ids + reply[:-1])
    assert all(r[-1] == 1 for r in c.ranks)  # the last layer's lens is the model's own logits
    with pytest.raises(InputError, match="no reply"):
        of_reply(lm, prompt.ids, [])


def test_a_changed_system_prompt_since_the_reply_is_noticed(lm):
    """The Chat buttons rebuild the reply's prompt from the tab's settings; the reply's own JSON says which prompt
    it was generated from (template mode, token count), so a change since is told, not silently used."""
    from playground.core.chat_reply import prepare
    from playground.tabs.tree_handoff import prompt_changed

    then = prepare(lm, "What is 2+2?", [], "", "official", "", 8)
    result = {"done": True, "model": lm.name, "template_mode": then.mode, "prompt_tokens": then.n_tokens}
    assert not prompt_changed(result, prepare(lm, "What is 2+2?", [], "", "official", "", 8), lm.name)
    now = prepare(lm, "What is 2+2?", [], "You are a pirate.", "official", "", 8)
    assert now.n_tokens != then.n_tokens and prompt_changed(result, now, lm.name)
    assert not prompt_changed(result | {"model": "another model"}, now, lm.name)  # not this model's reply
    assert not prompt_changed(result | {"done": False}, now, lm.name)  # a reply still streaming
