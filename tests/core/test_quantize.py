"""CPU int8 mode: smoothing is exact, quantization keeps the model's top-1 choices mostly intact."""

from __future__ import annotations

import copy

import pytest
import torch

from playground import quantize


@pytest.mark.slow  # a model copy, calibration and 2 x 10 prompts: ~10 s, more on a busy machine
def test_smoothing_leaves_the_outputs_unchanged(lm):
    smoothed = copy.deepcopy(lm.model)
    assert quantize.smooth(smoothed, lm.tokenizer) == lm.model.config.num_hidden_layers
    ids = lm.tokenizer("Smoothing moves outliers from activations into weights.", return_tensors="pt").input_ids
    with torch.no_grad():
        assert torch.allclose(smoothed(ids).logits, lm.model(ids).logits, atol=1e-3)
    assert quantize.agreement(lm.model, smoothed, lm.tokenizer)["top1_agreement"] == 1.0


@pytest.mark.slow  # a model copy, calibration and 2 x 10 prompts: ~10 s, more on a busy machine
def test_int8_model_agrees_with_float32_and_keeps_the_embedding_float(lm):
    q = quantize.quantize_int8(copy.deepcopy(lm.model), lm.tokenizer)
    dynamic = torch.ao.nn.quantized.dynamic.Linear
    assert isinstance(q.lm_head, dynamic) and isinstance(q.model.layers[0].self_attn.q_proj, dynamic)
    assert type(q.model.layers[0].mlp.down_proj) is torch.nn.Linear  # FLOAT_LAYERS stay float32
    assert q.model.embed_tokens.weight.dtype == torch.float32
    assert lm.model.lm_head.weight is lm.model.model.embed_tokens.weight  # the original stays tied
    result = quantize.agreement(lm.model, q, lm.tokenizer)
    assert result["positions"] > 50 and result["top1_agreement"] >= 0.8  # measured 0.88


@pytest.mark.slow  # a model copy, calibration and 2 x 10 prompts: ~10 s, more on a busy machine
def test_plain_dynamic_int8_is_what_smoothing_fixes(lm):
    """Without smoothing and with every layer int8, agreement collapses (the reason for this module)."""
    plain = copy.deepcopy(lm.model)
    quantize._untie_head(plain)
    quantize.dynamic_int8(plain, [n for n, m in plain.named_modules() if isinstance(m, torch.nn.Linear)])
    assert quantize.agreement(lm.model, plain, lm.tokenizer)["top1_agreement"] < 0.7


@pytest.mark.slow  # a model copy, calibration and 2 x 10 prompts: ~10 s, more on a busy machine
def test_loader_int8_mode_counts_parameters_as_float32_does(lm):
    from playground.loader import ModelLoader

    # a loader of its own: in the shared one, the int8 model would become what every later request gets
    q = ModelLoader(max_models=1).get(lm.name, device="cpu", dtype="float32", quantization="int8")
    assert q.n_params == lm.n_params == 134_515_008
    # 327 MB against 538: int8 linears and head copy (28 MB), float32 embedding (113 MB) and down_proj (106 MB)
    assert q.weight_bytes < 0.65 * lm.weight_bytes
    assert isinstance(q.model.lm_head, torch.ao.nn.quantized.dynamic.Linear)
    ids = lm.tokenizer("The capital of France is", return_tensors="pt").input_ids
    with torch.no_grad():
        assert q.model(ids).logits.argmax(-1)[0, -1] == lm.model(ids).logits.argmax(-1)[0, -1]


def test_untied_head_stays_untied_when_transformers_ties_again(lm):
    model = copy.deepcopy(lm.model)
    quantize._untie_head(model)
    model.tie_weights()  # what from_pretrained and resize_token_embeddings call
    assert model.lm_head.weight is not model.model.embed_tokens.weight
    assert torch.equal(model.lm_head.weight, lm.model.lm_head.weight)
    assert model.all_tied_weights_keys == {}
