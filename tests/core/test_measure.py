"""Measured against estimated, on the real default model (CPU: peak RSS; CUDA: max_memory_allocated)."""

from __future__ import annotations

from typing import Any

import pytest

from playground.core import measure
from playground.core.vram import count_params
from playground.errors import InputError


@pytest.mark.parametrize("context", [0, -1, 10**6, 2.5])
def test_bad_context_is_refused(lm: Any, context: Any) -> None:
    with pytest.raises(InputError, match="Context"):
        measure.measure_inference(lm, context=context)


def test_spec_of_the_loaded_model_matches_its_tensors(lm: Any) -> None:
    spec = measure.spec_from_model(lm.model, lm.n_params)
    cfg = lm.model.config
    assert spec.n_params == sum(p.numel() for p in lm.model.parameters())
    assert spec.tied and spec.lm_head_params == 0
    assert spec.embedding_params == cfg.vocab_size * cfg.hidden_size
    assert (spec.n_heads, spec.n_kv_heads, spec.head_dim) == (9, 3, 64)  # grouped-query attention
    assert spec.n_params == count_params(spec.n_layers, spec.hidden, spec.n_heads, spec.n_kv_heads, spec.head_dim,
                                         spec.intermediate, spec.vocab, spec.tied)


def test_inference_estimate_within_15_percent(lm: Any) -> None:
    m = measure.measure_inference(lm, context=1024)
    assert m.weights_bytes == lm.weight_bytes
    assert m.measured_bytes > m.weights_bytes  # the KV cache and the working set add something
    assert m.estimated.kv_cache == 2 * 30 * 3 * 64 * 1024 * 4  # fp32 cache, key/value heads
    assert abs(m.ratio - 1) <= 0.15, m.summary()


def test_training_step_estimate_within_15_percent_and_weights_unchanged(lm: Any) -> None:
    import torch

    before = lm.model.model.layers[0].mlp.up_proj.weight.detach().clone()
    m = measure.measure_training(lm, context=128)
    assert m.estimated.optimizer == lm.n_params * 8  # fp32 AdamW: momentum + variance
    assert m.estimated.gradients == lm.n_params * 4
    assert abs(m.ratio - 1) <= 0.15, m.summary()
    assert torch.equal(before, lm.model.model.layers[0].mlp.up_proj.weight)  # lr = 0
    assert all(p.grad is None for p in lm.model.parameters())
    d = m.as_dict()
    assert d["measured_bytes"] == m.measured_bytes and d["estimated"]["total"] >= d["estimated_bytes"]
