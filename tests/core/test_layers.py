"""Hidden states, norms, next-layer cosines and the logit lens against direct transformers computations."""

from __future__ import annotations

import pytest
import torch

from playground.core import layers as ly
from playground.errors import InputError

TEXT = "The capital of France is Paris, and the capital of Italy is"

# --------------------------------------------------------------------------- edge cases first


@pytest.mark.parametrize("text", ["", "  \n "])
def test_empty_text_is_refused(lm, text):
    with pytest.raises(InputError, match="empty|whitespace"):
        ly.hidden_states(lm, text)


def test_control_characters_are_refused(lm):
    with pytest.raises(InputError, match="control"):
        ly.hidden_states(lm, "a\x07b")


def test_text_over_the_cap_is_refused_with_the_counts(lm):
    with pytest.raises(InputError, match="13 tokens long; this view takes at most 5"):
        ly.encode(lm, TEXT, cap=5)


def test_one_token_works(lm):
    hs = ly.hidden_states(lm, "Hi")
    stats = ly.layer_stats(hs)
    assert len(stats.norms) == 31 and len(stats.norms[0]) == 1
    grid = ly.logit_lens(lm, hs)
    assert grid.positions == (0,)


@pytest.fixture(scope="module")
def direct(lm):
    """The reference: one plain forward with output_hidden_states."""
    ids = lm.tokenizer(TEXT, return_tensors="pt").input_ids
    with torch.inference_mode():
        out = lm.model(ids, output_hidden_states=True)
    return ids, out


@pytest.fixture(scope="module")
def hs(lm):
    return ly.hidden_states(lm, TEXT)


def test_hidden_states_are_the_direct_ones(lm, direct, hs):
    ids, out = direct
    assert hs.token_ids == ids[0].tolist()
    assert hs.states.shape == (31, ids.shape[1], 576)  # layers + 1: the embedding output first
    for layer, h in enumerate(out.hidden_states):
        torch.testing.assert_close(hs.states[layer], h[0], rtol=0, atol=0)
    torch.testing.assert_close(hs.states[0], lm.model.get_input_embeddings().weight[ids[0]].detach())
    assert hs.last_is_normed
    torch.testing.assert_close(hs.last_logits, out.logits[0, -1])


def test_norms_and_next_layer_cosines(direct, hs):
    _, out = direct
    stats = ly.layer_stats(hs)
    T = hs.states.shape[1]
    assert stats.shapes == tuple((1, T, 576) for _ in range(31))
    want_norms = torch.stack([h[0].norm(dim=-1) for h in out.hidden_states])
    torch.testing.assert_close(torch.tensor(stats.norms), want_norms, rtol=1e-5, atol=1e-4)
    want_cos = torch.stack(
        [
            torch.nn.functional.cosine_similarity(a[0], b[0], dim=-1)
            for a, b in zip(out.hidden_states[:-1], out.hidden_states[1:])
        ]
    )
    torch.testing.assert_close(torch.tensor(stats.next_cosine), want_cos, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(torch.tensor(stats.mean_next_cosine), want_cos.mean(dim=1), rtol=1e-5, atol=1e-5)


def test_last_layer_lens_equals_the_model_logits(lm, direct, hs):
    _, out = direct
    T = hs.states.shape[1]
    lens = ly.lens_logits(lm, hs, [hs.n_layers], list(range(T)))[0]  # (T, V)
    torch.testing.assert_close(lens, out.logits[0], rtol=0, atol=1e-5)
    # Applying the final norm a second time would give other logits: it is applied exactly once.
    twice = lm.model.lm_head(lm.model.model.norm(out.hidden_states[-1][0]))
    assert (twice - out.logits[0]).abs().max() > 1.0


def test_middle_layer_lens_is_final_norm_then_lm_head(lm, direct, hs):
    _, out = direct
    with torch.inference_mode():
        want = lm.model.lm_head(lm.model.model.norm(out.hidden_states[12][0]))  # (T, V)
    got = ly.lens_logits(lm, hs, [12], list(range(hs.states.shape[1])))[0]
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-4)


def _direct_lens(lm, out) -> torch.Tensor:
    with torch.inference_mode():
        rows = [lm.model.lm_head(lm.model.model.norm(h[0])) for h in out.hidden_states[:-1]]
        return torch.stack([*rows, out.logits[0]])  # (layers+1, T, V)


@pytest.mark.slow
def test_full_lens_grid_matches_direct_and_does_not_depend_on_chunks(lm, direct, hs):
    _, out = direct
    want = _direct_lens(lm, out).softmax(dim=-1)
    p, i = want.max(dim=-1)  # (layers+1, T)
    for chunk in (7, 256, 100_000):
        grid = ly.logit_lens(lm, hs, chunk_rows=chunk)
        assert grid.top_ids == tuple(map(tuple, i.tolist()))
        torch.testing.assert_close(torch.tensor(grid.top_probs), p, rtol=1e-4, atol=1e-5)
    assert grid.top_texts[-1][-1] == " Rome"


def test_lens_grid_keeps_the_last_positions(lm, hs):
    grid = ly.logit_lens(lm, hs, max_positions=4)
    T = hs.states.shape[1]
    assert grid.positions == tuple(range(T - 4, T))
    assert len(grid.top_ids[0]) == 4


def test_lens_at_one_position_ranks_the_target(lm, direct, hs):
    _, out = direct
    at = ly.lens_at(lm, hs, position=-1, target=" Rome")
    rome = lm.tokenizer(" Rome", add_special_tokens=False)["input_ids"][0]
    assert at.target_id == rome and at.position == hs.states.shape[1] - 1
    logits = _direct_lens(lm, out)[:, -1]  # (layers+1, V)
    want_ranks = ((logits > logits[:, rome : rome + 1]).sum(dim=-1) + 1).tolist()
    assert [x.target_rank for x in at.layers] == want_ranks
    assert at.layers[-1].target_rank == 1
    want_p = logits.softmax(dim=-1)[:, rome]
    torch.testing.assert_close(torch.tensor([x.target_prob for x in at.layers]), want_p, rtol=1e-4, atol=1e-6)
    assert [t[0] for t in at.layers[5].top] == logits[5].topk(5).indices.tolist()


def test_lens_at_defaults_to_the_model_prediction_and_takes_ids(lm, hs):
    default = ly.lens_at(lm, hs, position=3)
    assert default.target_id == int(ly.lens_logits(lm, hs, [hs.n_layers], [3])[0, 0].argmax())
    assert default.layers[-1].target_rank == 1
    by_id = ly.lens_at(lm, hs, position=3, target=f"#{default.target_id}")
    assert by_id.target_id == default.target_id


def test_lens_at_refuses_bad_position_and_multi_token_target(lm, hs):
    T = hs.states.shape[1]
    with pytest.raises(InputError, match=f"Position {T} is outside"):
        ly.lens_at(lm, hs, position=T)
    with pytest.raises(InputError, match="one token"):
        ly.lens_at(lm, hs, target="蘋果")
    with pytest.raises(InputError, match="outside the vocabulary"):
        ly.lens_at(lm, hs, target="#999999")


def test_json_result_has_the_documented_fields(lm, hs):
    j = ly.to_json(ly.layer_stats(hs), ly.logit_lens(lm, hs), ly.lens_at(lm, hs))
    assert set(j) == {
        "tokens",
        "n_layers",
        "hidden_state_shapes",
        "last_is_normed",
        "norms",
        "next_layer_cosine",
        "mean_next_layer_cosine",
        "lens",
        "lens_at_position",
        "byte_pieces",
    }
    assert j["n_layers"] == 30 and len(j["norms"]) == 31 and len(j["next_layer_cosine"]) == 30


def test_lens_of_an_untied_bfloat16_model_equals_its_logits(lm):
    """A small random Llama with its own lm_head, in bfloat16: the lens uses lm_head, not the embeddings."""
    from types import SimpleNamespace

    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=len(lm.tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_key_value_heads=2,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(cfg).to(torch.bfloat16).eval()
    tiny = SimpleNamespace(model=model, tokenizer=lm.tokenizer, name="tiny", input_device=torch.device("cpu"))
    hs = ly.hidden_states(tiny, TEXT)
    assert hs.states.shape == (4, 13, 32) and hs.states.dtype == torch.bfloat16
    ids = lm.tokenizer(TEXT, return_tensors="pt").input_ids
    with torch.inference_mode():
        want = model(ids).logits[0].float()  # (T, V)
    got = ly.lens_logits(tiny, hs, [3], list(range(13)))[0]
    torch.testing.assert_close(got, want, rtol=0, atol=1e-2)
    grid = ly.logit_lens(tiny, hs, chunk_rows=5)
    assert grid.top_ids[-1] == tuple(want.argmax(dim=-1).tolist())
    with torch.inference_mode():
        mid = model.lm_head(model.model.norm(hs.states[1])).float()
    assert grid.top_ids[1] == tuple(mid.argmax(dim=-1).tolist())
