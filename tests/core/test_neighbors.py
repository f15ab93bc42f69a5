"""Embedding neighbours against direct computations (sklearn's cosine_similarity, PCA)."""

from __future__ import annotations

import gc
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from playground.core import neighbors as nb
from playground.errors import InputError

# --------------------------------------------------------------------------- edge cases first


@pytest.mark.parametrize("word", ["", "   ", "\n"])
def test_empty_word_is_refused(lm, word):
    with pytest.raises(InputError, match="empty|whitespace"):
        nb.neighbors(lm, word)


def test_control_characters_are_refused(lm):
    with pytest.raises(InputError, match="control"):
        nb.neighbors(lm, "app\x00le")


def test_too_many_pieces_are_refused(lm):
    with pytest.raises(InputError, match=f"at most {nb.MAX_PIECES}"):
        nb.neighbors(lm, " apple" * (nb.MAX_PIECES + 1))


@pytest.mark.parametrize("k", [0, -3, 10_000, "ten"])
def test_k_out_of_range_is_refused(lm, k):
    with pytest.raises(InputError, match="k must"):
        nb.neighbors(lm, "apple", k=k)


def test_unknown_mode_and_space_are_refused(lm):
    with pytest.raises(InputError, match="mode 'median'"):
        nb.neighbors(lm, "apple", mode="median")
    with pytest.raises(InputError, match="space 'hidden'"):
        nb.neighbors(lm, "apple", space="hidden")


# --------------------------------------------------------------------------- against the source's method


def _sklearn_top(lm, vector: np.ndarray, exclude: list[int], k: int) -> tuple[list[int], np.ndarray]:
    """The source's method: sklearn cosine_similarity of the query against the raw table."""
    from sklearn.metrics.pairwise import cosine_similarity

    table = lm.model.get_input_embeddings().weight.detach().numpy()  # (V, d)
    sims = cosine_similarity(vector[None, :], table)[0]  # (V,)
    sims[exclude] = -np.inf
    order = np.argsort(-sims, kind="stable")[:k]
    return order.tolist(), sims[order]


@pytest.mark.parametrize("word", ["apple", "Apple", " apple", "王"])
def test_ranking_equals_sklearn_cosine_similarity(lm, word):
    r = nb.neighbors(lm, word, k=20, mode="mean")
    ids = lm.tokenizer(word, add_special_tokens=False)["input_ids"]
    table = lm.model.get_input_embeddings().weight.detach()
    query = table[ids].mean(dim=0).numpy()
    want_ids, want_sims = _sklearn_top(lm, query, ids, 20)
    got = r.groups[0].neighbors
    assert [n.token_id for n in got] == want_ids
    np.testing.assert_allclose([n.similarity for n in got], want_sims, atol=1e-5)


def test_each_piece_of_a_split_word_has_its_own_list(lm):
    r = nb.neighbors(lm, "蘋果", k=5, mode="each")
    ids = lm.tokenizer("蘋果", add_special_tokens=False)["input_ids"]
    assert [i for i, _ in r.pieces] == ids and len(ids) == 4  # byte-level pieces of two characters
    assert len(r.groups) == 4
    table = lm.model.get_input_embeddings().weight.detach()
    for group, piece in zip(r.groups, ids):
        assert group.token_ids == (piece,)
        want_ids, _ = _sklearn_top(lm, table[piece].numpy(), [piece], 5)
        assert [n.token_id for n in group.neighbors] == want_ids


def test_mean_of_a_split_word_excludes_all_its_pieces(lm):
    r = nb.neighbors(lm, "蘋果", k=50, mode="mean")
    assert r.groups[0].label == "mean of 4 pieces"
    got = {n.token_id for n in r.groups[0].neighbors}
    assert not got & {i for i, _ in r.pieces}


def test_the_query_token_is_not_its_own_neighbour(lm):
    r = nb.neighbors(lm, "apple", k=10)
    apple = lm.tokenizer("apple", add_special_tokens=False)["input_ids"][0]
    assert apple not in [n.token_id for n in r.groups[0].neighbors]
    assert [n.text for n in r.groups[0].neighbors][:3] == ["apples", "Apple", " apple"]


def test_token_text_shows_bytes_of_split_characters(lm):
    assert nb.token_text(lm.tokenizer, lm.tokenizer(" apple", add_special_tokens=False)["input_ids"][0]) == " apple"
    ids = lm.tokenizer("蘋", add_special_tokens=False)["input_ids"]
    texts = [nb.token_text(lm.tokenizer, i) for i in ids]
    assert "".join(texts) == "<0xE8><0x98><0x8B>"  # 蘋 is E8 98 8B in UTF-8


def test_pca_points_equal_sklearn_pca_of_the_unit_vectors(lm):
    from sklearn.decomposition import PCA

    r = nb.neighbors(lm, "apple", k=8)
    table = lm.model.get_input_embeddings().weight.detach()
    apple = lm.tokenizer("apple", add_special_tokens=False)["input_ids"][0]
    rows = torch.stack([table[apple], *(table[n.token_id] for n in r.groups[0].neighbors)])
    unit = torch.nn.functional.normalize(rows, dim=1).numpy()
    want = PCA(n_components=2, random_state=0).fit_transform(unit)
    got = np.array([[p.x, p.y] for p in r.points])
    np.testing.assert_allclose(got, want, atol=1e-4)
    assert [p.is_query for p in r.points] == [True] + [False] * 8
    assert 0 < sum(r.explained_variance) < 1


def test_the_normalized_table_is_computed_once_and_shared_by_tied_spaces(lm):
    first = nb._table(lm, "input")
    assert nb._table(lm, "input") is first
    assert nb.is_tied(lm)
    assert nb._table(lm, "output") is first  # SmolLM2 ties lm_head: one table, one copy
    np.testing.assert_allclose(first.unit.norm(dim=1).numpy(), 1.0, atol=1e-5)


def _tiny_untied(tokenizer):
    """A small randomly initialized Llama with its own lm_head (a real model, not a mock)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        tie_word_embeddings=False,
    )
    return SimpleNamespace(model=LlamaForCausalLM(cfg).eval(), tokenizer=tokenizer, name="tiny-untied")


def test_untied_models_search_the_output_embedding(lm):
    tiny = _tiny_untied(lm.tokenizer)
    assert not nb.is_tied(tiny)
    r_in = nb.neighbors(tiny, " apple", k=5, space="input")
    r_out = nb.neighbors(tiny, " apple", k=5, space="output")
    assert not r_out.tied
    out = tiny.model.get_output_embeddings().weight.detach()
    piece = r_out.pieces[0][0]
    cos = torch.nn.functional.cosine_similarity(out[piece][None], out, dim=1)
    cos[piece] = -2
    assert [n.token_id for n in r_out.groups[0].neighbors] == cos.topk(5).indices.tolist()
    assert [n.token_id for n in r_in.groups[0].neighbors] != [n.token_id for n in r_out.groups[0].neighbors]


def test_the_cache_lets_a_dropped_model_go(lm):
    tiny = _tiny_untied(lm.tokenizer)
    nb._table(tiny, "input")
    key = (id(tiny.model), "input")
    assert key in nb._CACHE
    del tiny
    gc.collect()
    assert key not in nb._CACHE
