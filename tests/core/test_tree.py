"""The generation tree (playground.core.tree, tree_decode) against `model.generate`, token for token.

A greedy root branch is generate's reply; a fork at node n is generate on prompt + path + the chosen token
(the fork reuses the parent's cache; generate re-reads everything); seeded samples decoded as a batch are
each `torch.manual_seed(seed); generate(do_sample=True)`'s, and come back the same when asked again.
"""

from __future__ import annotations

import json

import pytest
import torch

from playground.core import tree as tr
from playground.core import tree_decode as td
from playground.core.sampling import Sampling
from playground.errors import InputError

PROMPT = "The capital of France is"
GREEDY = Sampling(greedy=True, max_new_tokens=12)
FREE = dict(greedy=False, temperature=1.0, top_k=0, top_p=1.0)  # plain sampling from the model's distribution


def _generate(lm, ids, n, **kw):
    with torch.inference_mode():
        return lm.model.generate(torch.tensor([ids]), max_new_tokens=n, **kw)[0, len(ids) :].tolist()


# --------------------------------------------------------------------------- edge cases first


def test_empty_prompt_is_refused(lm):
    with pytest.raises(InputError, match="empty"):
        td.start(lm, "")


def test_a_fork_needs_one_of_the_nodes_alternatives(lm):
    tree = td.grow(lm, td.start(lm, PROMPT), Sampling(greedy=True, max_new_tokens=2))
    with pytest.raises(InputError, match="not one of node 0's alternatives"):
        td.fork(lm, tree, 0, 7, GREEDY)
    with pytest.raises(InputError, match="Node 9 is not in the tree"):
        td.fork(lm, tree, 9, 7, GREEDY)


def test_bounds_come_from_spaces_yaml(lm, monkeypatch):
    from playground import config

    tree = td.start(lm, PROMPT)
    lim = config.settings().limits
    assert (lim.max_tree_nodes, lim.max_tree_branches, lim.max_branch_tokens, lim.max_tree_samples) == (512, 16, 64, 8)
    with pytest.raises(InputError, match="at most 16"):
        tr.check_room(tree, 17, 1)
    with pytest.raises(InputError, match="bound of 512"):
        tr.check_room(tree, 9, 64)
    with pytest.raises(InputError, match="between 1 and 64"):
        tr.check_tokens(65)


# --------------------------------------------------------------------------- against generate


@pytest.fixture(scope="module")
def tree(lm):
    return td.grow(lm, td.start(lm, PROMPT), GREEDY)


def test_greedy_root_branch_is_generate(lm, tree):
    ids = tree.prompt_ids
    assert tree.token_ids(tree.branches[0]) == _generate(lm, ids, 12, do_sample=False)
    assert tree.text(tree.branches[0]).startswith(" Paris.")
    assert [n.depth for n in tree.nodes] == list(range(12)) and tree.nodes[0].parent is None
    assert tree.branches[0].finish == "length" and tree.branches[0].seed is None


def test_alternatives_are_the_steps_own_distribution(lm, tree):
    """Node 3's alternatives are the softmax of the model's logits after prompt + its path (no new pass kept)."""
    node = tree.nodes[3]
    prefix = tree.prompt_ids + [n.token_id for n in tree.path_to(node)][:-1]
    with torch.inference_mode():
        probs = lm.model(torch.tensor([prefix])).logits[0, -1].float().softmax(-1)
    p, i = probs.topk(5)
    assert [a[0] for a in node.alternatives] == i.tolist()
    assert [a[2] for a in node.alternatives] == pytest.approx(p.tolist(), abs=1e-5)
    assert node.prob == pytest.approx(float(probs[node.token_id]), abs=1e-5)


@pytest.mark.parametrize("at", [0, 3, 7])
def test_a_fork_is_generate_on_prefix_and_choice(lm, tree, at):
    node = tree.nodes[at]
    choice = node.alternatives[1][0]
    td.fork(lm, tree, at, choice, Sampling(greedy=True, max_new_tokens=6))
    branch = tree.branches[-1]
    prefix = [n.token_id for n in tree.path_to(node)][:-1] + [choice]
    assert branch.fork_depth == at
    assert tree.token_ids(branch) == prefix + _generate(lm, tree.prompt_ids + prefix, 5, do_sample=False)
    first = tree.nodes[branch.path[at]]
    assert (first.parent, first.prob, first.alternatives) == (node.parent, node.alternatives[1][2], node.alternatives)


def test_a_fork_reuses_the_prefix_cache(lm, tree):
    """The parent branch's cache holds prompt + path; the fork starts from views of its first positions."""
    cache = tree.caches[0]
    assert cache.get_seq_length() == len(tree.prompt_ids) + 11  # every token but the last was fed
    view = td.prefix_cache(lm, cache, len(tree.prompt_ids) + 4)
    assert view.get_seq_length() == len(tree.prompt_ids) + 4
    assert view.layers[0].keys.data_ptr() == cache.layers[0].keys.data_ptr()  # a view: no copy


@pytest.mark.slow
def test_seeded_samples_are_generate_with_that_seed_and_reproduce(lm):
    sampling = Sampling(**FREE, max_new_tokens=10, seed=5)
    a = td.grow(lm, td.start(lm, PROMPT), sampling, n=4)
    b = td.grow(lm, td.start(lm, PROMPT), sampling, n=4)
    assert [br.seed for br in a.branches] == [5, 6, 7, 8]
    assert tr.to_json(a) == tr.to_json(b)
    for br in a.branches:
        torch.manual_seed(br.seed)
        assert a.token_ids(br) == _generate(
            lm, a.prompt_ids, 10, do_sample=True, **{k: v for k, v in FREE.items() if k != "greedy"}
        )
    # drawn as one tree: samples that start alike share their first nodes
    firsts = {a.nodes[br.path[0]].token_id for br in a.branches}
    assert len([n for n in a.nodes if n.parent is None]) == len(firsts)


def test_json_round_trips_and_a_tree_from_json_can_fork(lm, tree):
    data = tr.to_json(tree)
    back = tr.from_json(json.dumps(data))
    assert tr.to_json(back) == data and back.caches == {}
    node = back.nodes[2]
    td.fork(lm, back, 2, node.alternatives[2][0], Sampling(greedy=True, max_new_tokens=3))  # re-reads the prefix
    prefix = [n.token_id for n in back.path_to(node)][:-1] + [node.alternatives[2][0]]
    assert back.token_ids(back.branches[-1]) == prefix + _generate(lm, back.prompt_ids + prefix, 2, do_sample=False)


def test_bad_json_is_refused():
    with pytest.raises(InputError, match="format"):
        tr.from_json({"nodes": []})
    with pytest.raises(InputError, match="not valid JSON"):
        tr.from_json("{")


def test_comparison_names_the_divergence_and_log_probabilities(lm):
    t = td.grow(lm, td.start(lm, PROMPT), Sampling(greedy=True, max_new_tokens=6))
    node = t.nodes[2]
    td.fork(lm, t, 2, node.alternatives[1][0], Sampling(greedy=True, max_new_tokens=4))
    c = tr.compare(t, 0, 1)
    assert c.divergence == 2 and c.shared == t.nodes[0].text + t.nodes[1].text
    assert c.logprob_a == pytest.approx(sum(torch.tensor([t.nodes[i].prob for i in t.branches[0].path]).log().tolist()))
    # Greedy takes the likelier token at every step, not the likelier reply: the fork's ' The' (less likely than
    # '\n') leads to a reply the model finds likelier in total.
    assert (c.rest_a, c.rest_b) == ("\n\nThe answer", " The capital of France")
    assert (round(c.logprob_a, 3), round(c.logprob_b, 3)) == (-7.672, -5.685)
