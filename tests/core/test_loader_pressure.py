"""Eviction under memory pressure never breaks a running chat.

A long greedy chat holds its model with `loader.use()` and streams to its end while, in other threads,
other variants of the same model (int8, bfloat16, eager attention) load, are refused or evict each other
in a loader with too few slots. The chat's reply must equal `model.generate` token for token and its
model must be the same object from the first token to the last.

Not here: the API's busy message (tests/api) or admission by free memory (test_admission.py).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import torch

from playground.core import chat
from playground.core.generate import Generation, Sampling
from playground.errors import LoaderBusyError
from playground.loader import ModelLoader

# Every test here streams a long chat while other variants load: seconds of model time, so the model tier.
pytestmark = pytest.mark.slow

PROMPT = "Write a long story about a dragon who learns to cook."
N_NEW = 48  # new tokens; the chat waits at half way for the other thread, so its loads overlap the stream
INT8 = '{"name": "SmolLM2-135M-Instruct", "device": "cpu", "dtype": "float32", "quantization": "int8"}'
BF16 = '{"name": "SmolLM2-135M-Instruct", "device": "cpu", "dtype": "bfloat16"}'
WAIT = 300  # seconds at most for the other thread (loads on a busy 2-core machine)


def _reference(lm: Any, ids: list[int]) -> list[int]:
    out = lm.model.generate(
        torch.tensor([ids]),
        attention_mask=torch.ones(1, len(ids), dtype=torch.long),
        max_new_tokens=N_NEW,
        do_sample=False,
    )
    return out[0, len(ids) :].tolist()


def _chat_under_pressure(loader: ModelLoader, ids: list[int], pressure: Any) -> tuple[Any, Generation, list]:
    """Stream a greedy chat with its model pinned; after its first token, run `pressure(chat_model)` in
    another thread, and hold the chat at half way until that thread is done (so every load and eviction
    happens while the reply is mid-stream). Returns (the pinned model, the generation, errors)."""
    errors: list[BaseException] = []
    started, done = threading.Event(), threading.Event()
    box: dict[str, Any] = {}

    def other() -> None:
        started.wait(WAIT)
        try:
            pressure(box["lm"])
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=other, daemon=True)
    worker.start()
    with loader.use(None) as lm:
        box["lm"] = lm
        gen = Generation(lm, ids, Sampling(greedy=True, max_new_tokens=N_NEW))
        for step in gen:
            assert any(m is lm for m in loader.loaded()), f"the chat's model left the cache at token {step.index}"
            if step.index == 0:
                started.set()
            if step.index == N_NEW // 2:
                assert done.wait(WAIT), "the other thread did not finish"
    worker.join(WAIT)
    return lm, gen, errors


def test_a_full_loader_refuses_others_and_lends_eager_attention_while_a_chat_streams(lm, tokenizer):
    """One slot, pinned by the chat: int8 is refused with the busy message (never evicting the chat's model);
    eager attention shares the chat model's weights, takes no slot and works."""
    loader = ModelLoader(max_models=1)
    ids = chat.build_prompt(tokenizer, PROMPT).ids
    seen: dict[str, Any] = {}

    def pressure(chat_lm: Any) -> None:
        try:
            loader.get(INT8)
        except LoaderBusyError as exc:
            seen["busy"] = str(exc)
        with loader.use(None, attn_implementation="eager") as eager:
            shared = eager.model.model.embed_tokens.weight
            assert shared.data_ptr() == chat_lm.model.model.embed_tokens.weight.data_ptr()
            with torch.no_grad():
                out = eager.model(torch.tensor([ids[:12]]), output_attentions=True)
            seen["attention_layers"] = len(out.attentions)

    chat_lm, gen, errors = _chat_under_pressure(loader, ids, pressure)
    assert not errors, errors
    assert "in use by running requests" in seen["busy"]
    assert seen["attention_layers"] == chat_lm.model.config.num_hidden_layers
    assert gen.finish_reason == "length" and gen.token_ids == _reference(chat_lm, ids)
    # The chat has ended: its pin is gone, so int8 now takes the one slot and the float32 copy is dropped.
    int8 = loader.get(INT8)
    assert loader.loaded() == [int8]


def test_other_variants_load_and_evict_each_other_while_a_chat_streams(lm, tokenizer):
    """Two slots, one pinned by the chat: int8 and bfloat16 take turns in the other, each load evicting the
    previous one, and every eviction picks the unpinned model."""
    loader = ModelLoader(max_models=2)
    ids = chat.build_prompt(tokenizer, PROMPT).ids
    loads: list[tuple[str, str]] = []

    def pressure(chat_lm: Any) -> None:
        for choice in (INT8, BF16, INT8):
            with loader.use(choice) as other:
                assert other is not chat_lm
                with torch.no_grad():
                    other.model(torch.tensor([ids[:8]]))
                loads.append((other.dtype, other.quantization))
                models = loader.loaded()
                assert len(models) == 2 and any(m is chat_lm for m in models) and any(m is other for m in models)

    chat_lm, gen, errors = _chat_under_pressure(loader, ids, pressure)
    assert not errors, errors
    assert loads == [("float32", "int8"), ("bfloat16", "none"), ("float32", "int8")]
    assert gen.finish_reason == "length" and gen.token_ids == _reference(chat_lm, ids)
    assert [m.dtype for m in loader.loaded()] == ["float32", "float32"]  # the chat's copy and the last int8
