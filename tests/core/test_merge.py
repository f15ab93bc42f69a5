"""Merging (core.merge) and the session store (core.edit_store): alpha 0 is the base exactly, alpha 1 the
fine-tuned model, the shared model is unchanged, different shapes are refused, the store stays bounded."""

from __future__ import annotations

import copy

import pytest
import torch

from playground.core import merge
from playground.core.edit_store import EditStore
from playground.core.finetune import CONTROL, FACT, Adapter, probe
from playground.errors import InputError
from tests.core.test_steer import assert_unchanged, snapshot

TEXT = "The capital of Atlantis is"


def _adapter(lm, rank: int = 4, seed: int = 0) -> Adapter:
    """A LoRA adapter with random A and B on every linear layer of the blocks (no training needed here)."""
    g = torch.Generator().manual_seed(seed)
    weights = {}
    for name, m in lm.model.named_modules():
        if isinstance(m, torch.nn.Linear) and name.startswith("model.layers."):
            out_f, in_f = m.weight.shape
            weights[name] = (torch.randn(rank, in_f, generator=g) * 0.02, torch.randn(out_f, rank, generator=g) * 0.02)
    return Adapter(lm.name, (lm.device, lm.dtype, lm.quantization), rank, 2 * rank, weights, FACT, CONTROL)


def _logits(model, lm, text: str = TEXT) -> torch.Tensor:
    with torch.inference_mode():
        return model(input_ids=torch.tensor([lm.tokenizer(text)["input_ids"]]), use_cache=False).logits


def _peft(lm, adapter: Adapter):
    """The fine-tuned model as peft runs it (adapter beside the weights, not merged)."""
    from peft import LoraConfig, get_peft_model

    targets = sorted({n.rsplit(".", 1)[-1] for n in adapter.weights})
    cfg = LoraConfig(r=adapter.rank, lora_alpha=adapter.alpha, target_modules=targets, lora_dropout=0.0)
    model = get_peft_model(copy.deepcopy(lm.model), cfg)
    mods = dict(model.named_modules())
    with torch.no_grad():
        for name, (a, b) in adapter.weights.items():
            mods["base_model.model." + name].lora_A["default"].weight.copy_(a)
            mods["base_model.model." + name].lora_B["default"].weight.copy_(b)
    return model.eval()


def test_shape_mismatch_names_the_first_difference():
    assert merge.shape_mismatch({"w": (2, 3)}, {"w": (2, 3)}) is None
    assert merge.shape_mismatch({"w": (2, 3)}, {"w": (3, 3)}) == "w: (2, 3) vs (3, 3)"
    assert merge.shape_mismatch({"w": (1,), "v": (1,)}, {"w": (1,)}) == "v: only in the first model"


def test_two_models_of_different_shapes_are_refused_before_any_weights(lm):
    with pytest.raises(InputError, match="cannot be merged: their weights have different shapes") as exc:
        merge.check_mergeable("SmolLM2-135M-Instruct", "Qwen2.5-Coder-0.5B-Instruct")
    assert "model.embed_tokens.weight: (49152, 576) vs (151936, 896)" in str(exc.value)


@pytest.mark.slow
def test_alpha_zero_is_the_base_and_one_the_fine_tuned_model(lm):
    before = snapshot(lm.model)
    adapter = _adapter(lm)
    m = merge.from_adapter(lm, adapter)
    m.set_alpha(1.0)
    m.set_alpha(0.0)  # back from 1: rewritten from the originals, so exactly the base
    assert torch.equal(_logits(m.model, lm), _logits(lm.model, lm))
    m.set_alpha(1.0)
    tuned = _logits(_peft(lm, adapter), lm)
    assert torch.allclose(_logits(m.model, lm), tuned, atol=1e-4, rtol=0)
    assert not torch.allclose(tuned, _logits(lm.model, lm), atol=1e-2)  # the adapter does change the model
    assert_unchanged(lm.model, before)


@pytest.mark.slow
def test_evaluate_gives_the_curve_and_the_point(lm):
    m = merge.from_adapter(lm, _adapter(lm))
    fact, control = probe(lm.tokenizer, *FACT), probe(lm.tokenizer, *CONTROL)
    r = merge.evaluate(m, lm.tokenizer, fact, control, 0.0, new_tokens=3)
    assert [a for a, _f, _c in r.curve] == list(merge.CURVE_ALPHAS)
    zero = {a: (f, c) for a, f, c in r.curve}[0.0]
    assert zero == (r.fact.p, r.control.p)
    assert r.fact.p < 0.01 and r.control.p > 0.5
    with pytest.raises(InputError, match="Alpha"):
        merge.evaluate(m, lm.tokenizer, fact, control, 5.0)


def test_a_model_merged_with_itself_is_itself(lm):
    m = merge.from_models(lm, lm)
    m.set_alpha(0.5)
    assert torch.equal(_logits(m.model, lm), _logits(lm.model, lm))


def test_an_adapter_of_another_model_is_refused(lm):
    adapter = _adapter(lm)
    adapter.model = "Qwen2.5-Coder-0.5B-Instruct"
    with pytest.raises(InputError, match="trained on Qwen2.5-Coder-0.5B-Instruct"):
        merge.from_adapter(lm, adapter)


def test_the_store_is_bounded_and_per_session(lm):
    store = EditStore(max_adapters=2, max_sessions=2, max_merged=1)
    with pytest.raises(InputError, match="no fine-tuned adapter"):
        store.adapter("s1")
    ids = [store.add("s1", _adapter(lm, seed=i)) for i in range(3)]
    assert store.adapter_ids("s1") == ids[1:] and len(set(ids)) == 3  # the oldest went
    assert store.adapter("s1").id == ids[-1]
    assert store.adapter_ids("s2") == []
    store.set_merged("s1", "merged-1")
    store.set_merged("s2", "merged-2")  # one merged model in all: s1's goes
    assert store.merged("s1") is None and store.merged("s2") == "merged-2"
    store.add("s3", _adapter(lm))  # a third session: the least recently used (s1) goes
    assert store.adapter_ids("s1") == [] and store.counts()["sessions"] <= 2
    assert store.free("s3") and store.adapter_ids("s3") == []
