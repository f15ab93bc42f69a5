"""One sampling module for Next Token and Chat: one table of ranges, transformers' processors, T=0 is greedy."""

from __future__ import annotations

import pytest
import torch
from transformers import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

from playground import config
from playground.core import sampling
from playground.core.sampling import RANGES, Sampling, check_sampling, keep_mask, processors
from playground.errors import InputError


def test_the_one_table_of_ranges():
    assert {n: (r.minimum, r.maximum, r.step, r.default, r.off) for n, r in RANGES.items()} == {
        "temperature": (0.0, 2.0, 0.05, 0.7, 1.0),
        "top_k": (0, 200, 1, 50, 0),
        "top_p": (0.01, 1.0, 0.01, 0.9, 1.0),
        "repetition_penalty": (1.0, 2.0, 0.05, 1.0, 1.0),
    }
    cap = config.settings().limits.max_new_tokens
    assert sampling.ranges()["max_new_tokens"].slider() == {
        "minimum": 1,
        "maximum": cap,
        "step": 1,
        "value": min(256, cap),
    }
    assert RANGES["top_p"].slider(value=1.0)["value"] == 1.0


def test_sampling_defaults_are_the_tables():
    s = Sampling()
    assert (s.temperature, s.top_k, s.top_p) == (0.7, 50, 0.9)


@pytest.mark.parametrize(
    "name, value",
    [
        ("temperature", 2.05),
        ("temperature", -0.01),
        ("top_k", 201),
        ("top_p", 0.0),
        ("repetition_penalty", 0.9),
        ("repetition_penalty", 2.1),
    ],
)
def test_values_just_outside_the_table_are_refused(name, value):
    with pytest.raises(InputError, match="must be between"):
        check_sampling(**{name: value})


def test_the_table_bounds_themselves_are_accepted():
    s = check_sampling(greedy=False, temperature=2.0, top_k=200, top_p=0.01, repetition_penalty=2.0)
    assert (s.temperature, s.top_k, s.top_p, s.repetition_penalty) == (2.0, 200, 0.01, 2.0)


def test_temperature_zero_is_greedy_in_chat_too():
    s = check_sampling(greedy=False, temperature=0)
    assert s.is_greedy and s.generate_kwargs() == {"max_new_tokens": 256, "do_sample": False}
    assert len(processors(s)) == 0


def test_processors_are_transformers_in_generate_order():
    s = Sampling(greedy=False, temperature=0.9, top_k=40, top_p=0.95, repetition_penalty=1.1)
    assert [type(p).__name__ for p in processors(s)] == [
        "RepetitionPenaltyLogitsProcessor",
        "TemperatureLogitsWarper",
        "TopKLogitsWarper",
        "TopPLogitsWarper",
    ]
    assert [type(p).__name__ for p in processors(Sampling(greedy=False, temperature=1.0, top_k=0, top_p=1.0))] == []


def test_keep_mask_on_a_tiny_distribution():
    logits = torch.tensor([3.0, 2.0, 1.0, 0.0, -1.0])  # (V,) with V = 5
    assert keep_mask(logits, 0, 0, 1.0).tolist() == [True, False, False, False, False]
    assert keep_mask(logits, 1.0, 2, 1.0).tolist() == [True, True, False, False, False]
    scores = TopPLogitsWarper(0.8)(None, TemperatureLogitsWarper(0.5)(None, logits[None]))
    assert keep_mask(logits, 0.5, 0, 0.8).tolist() == torch.isfinite(scores[0]).tolist()
    scores = TopKLogitsWarper(10)(None, logits[None])  # k above the vocabulary keeps everything
    assert keep_mask(logits, 1.0, 10, 1.0).tolist() == torch.isfinite(scores[0]).tolist() == [True] * 5
