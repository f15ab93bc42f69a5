"""Attention patterns against a direct recomputation from the layer's own projections."""

from __future__ import annotations

import pytest
import torch

from playground.core import attention as at
from playground.errors import InputError, PlaygroundError

TEXT = "The capital of France is Paris"


@pytest.fixture(scope="module")
def eager():
    from playground.loader import get_loader

    return get_loader().get(None, attn_implementation="eager")


# --------------------------------------------------------------------------- edge cases first


def test_empty_text_is_refused(eager):
    with pytest.raises(InputError, match="empty|whitespace"):
        at.attention_maps(eager, "   ")


def test_text_over_the_attention_cap_is_refused(eager):
    from playground import config

    cap = config.settings().limits.max_attention_tokens
    with pytest.raises(InputError, match=f"at most {cap} tokens"):
        at.attention_maps(eager, " word" * (cap + 1))


def test_a_model_without_eager_attention_is_refused_clearly(lm):
    with pytest.raises(PlaygroundError, match="eager"):
        at.attention_maps(lm, TEXT)


def test_bad_layer_and_head_are_refused(eager):
    maps = at.attention_maps(eager, TEXT)
    with pytest.raises(InputError, match="Layer 30 does not exist"):
        at.view(maps, 30)
    with pytest.raises(InputError, match="Head 9 does not exist"):
        at.view(maps, 0, "head 9")
    with pytest.raises(InputError, match="group 3 does not exist"):
        at.view(maps, 0, "kv 3")
    with pytest.raises(InputError, match="Unknown head"):
        at.view(maps, 0, "all")


def test_one_token_attends_to_itself(eager):
    v = at.view(at.attention_maps(eager, "Hi"), 0)
    assert v.selected == ((pytest.approx(1.0),),)


# --------------------------------------------------------------------------- against direct computations


def _recompute(eager, layer: int) -> torch.Tensor:
    """softmax(Q K^T / sqrt(d) + causal mask) of one Llama layer, from its input hidden state."""
    from transformers.models.llama.modeling_llama import apply_rotary_pos_emb, repeat_kv

    m = eager.model
    ids = eager.tokenizer(TEXT, return_tensors="pt").input_ids
    with torch.inference_mode():
        h = m(ids, output_hidden_states=True).hidden_states[layer]  # (1, T, d) input of `layer`
        block = m.model.layers[layer]
        x = block.input_layernorm(h)
        T, hd = ids.shape[1], m.config.head_dim
        q = block.self_attn.q_proj(x).view(1, T, -1, hd).transpose(1, 2)  # (1, H, T, hd)
        k = block.self_attn.k_proj(x).view(1, T, -1, hd).transpose(1, 2)  # (1, KV, T, hd)
        cos, sin = m.model.rotary_emb(h, torch.arange(T)[None])
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        k = repeat_kv(k, m.config.num_attention_heads // m.config.num_key_value_heads)
        scores = q @ k.transpose(-1, -2) / hd**0.5  # (1, H, T, T)
        scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        return scores.softmax(dim=-1)[0]  # (H, T, T)


@pytest.mark.parametrize("layer", [0, 7])
def test_weights_equal_a_recomputation_from_q_and_k(eager, layer):
    maps = at.attention_maps(eager, TEXT)
    torch.testing.assert_close(maps.weights[layer], _recompute(eager, layer), rtol=1e-4, atol=1e-5)


def test_patterns_are_causal_and_rows_sum_to_one(eager):
    w = at.attention_maps(eager, TEXT).weights  # (layers, heads, T, T)
    T = w.shape[-1]
    assert w.shape == (30, 9, T, T)
    torch.testing.assert_close(w.sum(dim=-1), torch.ones(30, 9, T))
    assert (w * torch.ones(T, T).triu(1)).abs().max() == 0


def test_heads_are_grouped_by_their_key_value_head(eager):
    maps = at.attention_maps(eager, TEXT)
    assert maps.n_kv_heads == 3 and maps.groups() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert at.head_choices(9, 3)[:4] == ["mean", "kv 0", "kv 1", "kv 2"]
    assert at.head_choices(12, 12)[:2] == ["mean", "head 0"]  # no groups without GQA
    v = at.view(maps, 4, "kv 1")
    assert v.heads == (3, 4, 5)
    torch.testing.assert_close(torch.tensor(v.selected), maps.weights[4, 3:6].mean(dim=0))
    mean = at.view(maps, -1, "mean")
    assert mean.layer == 29
    torch.testing.assert_close(torch.tensor(mean.selected), maps.weights[29].mean(dim=0))
    one = at.view(maps, 2, "head 5")
    torch.testing.assert_close(torch.tensor(one.selected), maps.weights[2, 5])
    torch.testing.assert_close(torch.tensor(one.per_head), maps.weights[2])
    assert at.view(maps, 2, 5).heads == (5,)


def test_first_token_share(eager):
    maps = at.attention_maps(eager, TEXT)
    v = at.view(maps, 0)
    torch.testing.assert_close(torch.tensor(v.first_token_share), maps.weights[:, :, 1:, 0].mean(dim=-1))
    j = at.to_json(v)
    assert j["kv_groups"] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]] and len(j["weights"]) == len(j["tokens"])
