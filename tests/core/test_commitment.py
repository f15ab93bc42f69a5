"""The commitment strip (playground.core.commitment) against a direct computation from output_hidden_states.

The direct computation: one forward pass, the final norm on every hidden state but the last (which has it),
the LM head on all of them at once, ranks of the last layer's argmax at every layer and position. The
chunked strip must give exactly the same ranks, and commitment layers that follow from them.
"""

from __future__ import annotations

import pytest
import torch

from playground.core import commitment as cm
from playground.core import layers as ly
from playground.errors import InputError

TEXT = "The capital of France is Paris. It is known for the Eiffel Tower, its museums and its food."


def test_unknown_mode_is_refused():
    with pytest.raises(InputError, match="top1, top3, p50"):
        cm.check_mode("top2")


def test_one_token_text(lm):
    c = cm.commitment(lm, ly.hidden_states(lm, "Hi"))
    assert c.positions == (0,) and len(c.ranks[0]) == 31 and c.ranks[0][-1] == 1


@pytest.fixture(scope="module")
def direct(lm):
    hs = ly.hidden_states(lm, TEXT)
    with torch.inference_mode():
        out = lm.model(torch.tensor([hs.token_ids]), output_hidden_states=True)
        states = torch.stack(out.hidden_states)[:, 0]  # (layers+1, T, d_model)
        logits = lm.model.lm_head(torch.cat([lm.model.model.norm(states[:-1]), states[-1:]])).float()  # (L1, T, V)
    y = logits[-1].argmax(-1)  # (T,)
    target = logits.gather(-1, y[None, :, None].expand(logits.shape[0], -1, 1))  # (L1, T, 1)
    ranks = ((logits > target).sum(-1) + 1).T  # (T, L1)
    probs = logits.softmax(-1)
    entropy = -(probs * probs.clamp_min(1e-45).log()).sum(-1).T / torch.log(torch.tensor(2.0))  # (T, L1) bits
    p_y = probs.gather(-1, y[None, :, None].expand(logits.shape[0], -1, 1))[..., 0].T  # (T, L1)
    return hs, y, ranks, p_y, entropy


@pytest.mark.slow
def test_ranks_are_exactly_the_direct_computations_at_every_position(lm, direct):
    hs, y, ranks, p_y, entropy = direct
    for chunk_rows in (31, 256, 10_000):  # one position at a time, the default chunk, everything at once
        c = cm.commitment(lm, hs, chunk_rows=chunk_rows)
        assert list(c.predicted_ids) == y.tolist()
        assert [list(r) for r in c.ranks] == ranks.tolist()
    assert torch.tensor(c.probs) == pytest.approx(p_y, abs=1e-4)  # logsumexp over 49,152 float32 logits
    assert torch.tensor(c.entropy_bits) == pytest.approx(entropy, rel=1e-3, abs=1e-3)  # float32 sums of 49,152 terms


def test_commitment_layers_follow_from_the_ranks(lm, direct):
    hs, _, ranks, p_y, _ = direct
    c = cm.commitment(lm, hs)
    L1 = ranks.shape[1]
    for mode, holds in (("top1", ranks == 1), ("top3", ranks <= 3), ("p50", p_y > 0.5)):
        expected = []
        for row in holds.tolist():
            layers = [layer for layer in range(L1) if all(row[layer:])]
            expected.append(layers[0] if layers else None)
        assert list(c.layers(mode)) == expected
    top1, top3 = c.layers("top1"), c.layers("top3")
    assert all(a >= b for a, b in zip(top1, top3))  # staying in the top 3 starts no later than staying top-1
    at = c.tokens.index(" is")
    # ' is' -> ' Paris': in the top 3 from layer 29, top-1 (and above p 0.5) only at the last layer, rank 4316 at
    # the embeddings: read by the raw lens, the answer appears in the last layers only
    assert (c.predicted[at], top1[at], top3[at], c.layers("p50")[at]) == (" Paris", 30, 29, 30)
    assert c.ranks[at][0] == 4316 and c.ranks[at][-4:] == (34, 7, 3, 1)


def test_json_lists_every_position(lm, direct):
    data = cm.to_json(cm.commitment(lm, direct[0]), "top3")
    assert data["mode"] == "top3" and data["n_layers"] == 30
    assert len(data["positions"]) == len(direct[0].token_ids)
    first = data["positions"][4]
    assert first["predicted"]["text"] == " Paris" and first["commitment_layer"] == first["commitment_layers"]["top3"]
