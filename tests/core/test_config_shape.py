"""The one config reader (core.config_shape.shape_of) against the readers it replaced, for every catalog model.

Before it, four places read heads, layers and the sliding window from a config with their own rules: the
meta build (core.architecture.build_shape), the measurement's spec (core.measure.spec_from_model), the
attention groups (core.attention.kv_heads) and the Attention tab's head choices (architectures.json read by
hand). Their rules are copied here as they were, so a change of the reader that moves a number fails.
"""

from __future__ import annotations

import json

import pytest

from playground import config
from playground.core.architecture import SHIPPED, shipped_shape
from playground.core.config_shape import NON_GATED, TEXT_ALL, TEXT_OF_MULTIMODAL, shape_of
from playground.core.config_sources import shipped_config, shipped_fields

SHIPPED_KEYS = [k for k in json.loads(SHIPPED.read_text(encoding="utf-8")) if not k.startswith("_")]


def _first(cfg, *names):
    return next((getattr(cfg, n) for n in names if getattr(cfg, n, None) is not None), None)


def old_build_shape(cfg):
    """core/architecture.build_shape's reading, as it was (after _text_config)."""
    get_text = getattr(cfg, "get_text_config", None)
    cfg = get_text(decoder=True) if get_text else cfg
    n_layers = int(_first(cfg, "num_hidden_layers", "n_layer"))
    hidden = int(_first(cfg, "hidden_size", "n_embd"))
    n_heads = int(_first(cfg, "num_attention_heads", "n_head"))
    window, types = getattr(cfg, "sliding_window", None), getattr(cfg, "layer_types", None)
    if types:
        n = sum(1 for t in types if t == "sliding_attention")
    elif window and getattr(cfg, "use_sliding_window", True):
        n = n_layers
    else:
        n = 0
    return {
        "n_layers": n_layers,
        "d_model": hidden,
        "n_heads": n_heads,
        "n_kv_heads": int(_first(cfg, "num_key_value_heads") or n_heads),
        "d_head": int(_first(cfg, "head_dim") or hidden // n_heads),
        "d_mlp": int(_first(cfg, "intermediate_size", "n_inner") or 4 * hidden),
        "d_vocab": int(cfg.vocab_size),
        "max_context": int(_first(cfg, "max_position_embeddings", "n_positions") or 0),
        "sliding_window": int(window) if window and n else None,
        "n_sliding_layers": n if window else 0,
    }


def old_spec_from_model(cfg):
    """core/measure.spec_from_model's reading, as it was (Llama-style names only; 7 non-gated types)."""
    cfg = cfg.get_text_config() if hasattr(cfg, "get_text_config") else cfg
    hidden, heads = cfg.hidden_size, cfg.num_attention_heads
    window = getattr(cfg, "sliding_window", None)
    n_sliding = sum(1 for t in getattr(cfg, "layer_types", None) or [] if "sliding" in str(t)) if window else 0
    return {
        "n_layers": cfg.num_hidden_layers,
        "d_model": hidden,
        "n_heads": heads,
        "n_kv_heads": getattr(cfg, "num_key_value_heads", None) or heads,
        "d_head": getattr(cfg, "head_dim", None) or hidden // heads,
        "d_mlp": getattr(cfg, "intermediate_size", None) or getattr(cfg, "n_inner", None) or 4 * hidden,
        "d_vocab": cfg.vocab_size,
        "gated_mlp": cfg.model_type not in ("gpt2", "gpt_neox", "gptj", "opt", "bloom", "falcon", "phi"),
        "sliding_window": window if n_sliding else None,
        "n_sliding_layers": n_sliding,
    }


def old_kv_heads(cfg):
    """core/attention.kv_heads, as it was."""
    cfg = cfg.get_text_config() if hasattr(cfg, "get_text_config") else cfg
    heads = cfg.num_attention_heads
    kv = getattr(cfg, "num_key_value_heads", None) or heads
    return kv if heads % kv == 0 else heads


def old_tab_choices(fields):
    """tabs/attention._default_choices's reading of architectures.json, as it was: (heads, kv heads)."""
    heads = int(fields["num_attention_heads"])
    return heads, int(fields.get("num_key_value_heads") or heads)


def test_every_catalog_model_has_a_shipped_config():
    assert {e.hub_id for e in config.settings().catalog if e.hub_id} <= set(SHIPPED_KEYS)
    assert len(SHIPPED_KEYS) >= 15


@pytest.mark.parametrize("key", SHIPPED_KEYS)
def test_the_one_reader_gives_the_numbers_of_the_old_readers(key):
    cfg = shipped_config(key)
    s = shape_of(cfg)
    got = vars(s)
    for name, value in old_build_shape(cfg).items():
        assert got[name] == value, (key, "build_shape", name)
    if hasattr(cfg.get_text_config(), "hidden_size"):  # the old spec reader knew Llama-style names only
        old = old_spec_from_model(cfg)
        for name, value in old.items():
            assert got[name] == value, (key, "spec_from_model", name)
    assert (s.n_kv_heads if s.n_heads % s.n_kv_heads == 0 else s.n_heads) == old_kv_heads(cfg)
    fields = json.loads(SHIPPED.read_text(encoding="utf-8"))[key]
    if "num_attention_heads" in fields:  # the tab read the top level; multimodal entries nest it
        assert (s.n_heads, s.n_kv_heads) == old_tab_choices(fields)
        fast = shape_of(shipped_fields(key))  # what the tab reads at start-up, without transformers
        assert (fast.n_heads, fast.n_kv_heads) == (s.n_heads, s.n_kv_heads)
    assert s.gated_mlp == (s.model_type not in NON_GATED)


@pytest.mark.parametrize("key", SHIPPED_KEYS)
def test_the_meta_build_agrees_with_what_the_config_declares(key):
    """tied and gated_mlp read from the config match what the built model has."""
    cfg = shipped_config(key)
    s, built = shape_of(cfg), shipped_shape(key)
    assert s.tied == built.tied
    assert s.gated_mlp == any(p.part in ("gate", "gate_up") for p in built.params)
    assert (built.hidden, built.head_dim, built.intermediate, built.vocab) == (s.d_model, s.d_head, s.d_mlp, s.d_vocab)


def test_exact_numbers_of_the_default_model_and_gemma3():
    s = shape_of(shipped_config("HuggingFaceTB/SmolLM2-135M-Instruct"))
    assert (s.n_layers, s.d_model, s.n_heads, s.n_kv_heads, s.d_head, s.d_mlp, s.d_vocab, s.tied, s.gated_mlp) == (
        30,
        576,
        9,
        3,
        64,
        1536,
        49152,
        True,
        True,
    )
    assert (s.sliding_window, s.n_sliding_layers, s.text_part) == (None, 0, TEXT_ALL)
    g = shape_of(shipped_config("google/gemma-3-4b-it"))
    assert (g.n_layers, g.sliding_window, g.n_sliding_layers, g.d_head) == (34, 1024, 29, 256)
    gpt2 = shape_of(shipped_config("openai-community/gpt2"))
    assert (gpt2.n_layers, gpt2.d_model, gpt2.d_mlp, gpt2.max_context, gpt2.gated_mlp) == (12, 768, 3072, 1024, False)


def test_a_multimodal_config_is_read_through_its_text_decoder():
    from transformers import Gemma3Config

    fields = dict(json.loads(SHIPPED.read_text())["google/gemma-3-4b-it"])
    fields.pop("model_type")
    s = shape_of(Gemma3Config(text_config=fields))
    assert (s.text_part, s.outer_config, s.model_type, s.n_layers) == (
        TEXT_OF_MULTIMODAL,
        "Gemma3Config",
        "gemma3_text",
        34,
    )
