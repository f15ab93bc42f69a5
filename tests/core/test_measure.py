"""Measured against estimated, on the real default model (CPU: peak RSS; CUDA: max_memory_allocated)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from playground import measure
from playground.core.vram import count_params
from playground.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("context", [0, -1, 10**6, 2.5])
def test_bad_context_is_refused(lm: Any, context: Any) -> None:
    with pytest.raises(InputError, match="Context"):
        measure.measure_inference(lm, context=context)


def test_int8_training_is_refused_with_the_reason(lm: Any) -> None:
    with pytest.raises(InputError, match="unquantized \\(float\\) weights only"):
        measure.measure_training(replace(lm, quantization="int8"), context=8)


def test_spec_of_the_loaded_model_matches_its_tensors(lm: Any) -> None:
    spec = measure.spec_from_model(lm.model, lm.n_params)
    cfg = lm.model.config
    assert spec.n_params == sum(p.numel() for p in lm.model.parameters())
    assert spec.tied and spec.lm_head_params == 0
    assert spec.embedding_params == cfg.vocab_size * cfg.hidden_size
    assert (spec.n_heads, spec.n_kv_heads, spec.head_dim) == (9, 3, 64)  # grouped-query attention
    assert spec.n_params == count_params(
        spec.n_layers,
        spec.hidden,
        spec.n_heads,
        spec.n_kv_heads,
        spec.head_dim,
        spec.intermediate,
        spec.vocab,
        spec.tied,
    )


def _inference_in_a_fresh_process(context: int) -> dict:
    """measure_inference in a new Python process: a process peak (VmHWM) is the whole process's, and the test
    process has run hundreds of tests (threads of live apps, caches, allocator arenas) that the one measured
    forward pass would be charged with. A fresh process is what an app's own process looks like."""
    code = (
        "import json; from playground import measure; from playground.loader import get_loader; "
        f"m = measure.measure_inference(get_loader().get(None), context={context}); "
        "print('@@' + json.dumps({'ratio': m.ratio, 'measured': m.measured_bytes, 'weights': m.weights_bytes, "
        "'kv': m.estimated.kv_cache, 'summary': m.summary()}))"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("@@")]
    assert lines, out.stderr[-2000:]
    return json.loads(lines[-1][2:])


@pytest.mark.slow  # a 1,024-token prefill measured in its own process: seconds of model time
def test_inference_estimate_within_15_percent(lm: Any) -> None:
    m = _inference_in_a_fresh_process(1024)
    assert m["weights"] == lm.weight_bytes
    assert m["measured"] > m["weights"]  # the KV cache and the working set add something
    assert m["kv"] == 2 * 30 * 3 * 64 * 1024 * 4  # fp32 cache, key/value heads
    assert abs(m["ratio"] - 1) <= 0.15, m["summary"]


@pytest.mark.slow  # a model copy and an AdamW step on 128 tokens: seconds of model time
def test_training_runs_on_a_private_copy_while_others_use_the_shared_model(lm: Any) -> None:
    """Another thread runs forward passes on the shared model during the training measurement: its
    logits never change, and no shared weight, requires_grad flag or .grad is touched."""
    import torch

    params = dict(lm.model.named_parameters())
    flags = {n: p.requires_grad for n, p in params.items()}
    watched = ("model.layers.0.mlp.up_proj.weight", "model.embed_tokens.weight", "model.norm.weight")
    before = {n: params[n].detach().clone() for n in watched}
    ids = torch.tensor([[1, 2, 3, 4, 5, 6, 7, 8]])
    with torch.inference_mode():
        reference = lm.model(input_ids=ids, use_cache=False).logits
    seen: list[tuple[bool, bool, bool]] = []  # (logits equal, flags as before, no .grad) per forward
    started, done = threading.Event(), threading.Event()

    def other_request() -> None:
        while not done.is_set():
            with torch.inference_mode():
                logits = lm.model(input_ids=ids, use_cache=False).logits
            seen.append(
                (
                    torch.equal(logits, reference),
                    all(p.requires_grad == flags[n] for n, p in params.items()),
                    all(p.grad is None for p in params.values()),
                )
            )
            started.set()

    worker = threading.Thread(target=other_request)
    worker.start()
    try:
        started.wait(60)
        m = measure.measure_training(lm, context=128)
    finally:
        done.set()
        worker.join()
    assert m.estimated.optimizer == lm.n_params * 8  # fp32 AdamW: momentum + variance
    assert m.estimated.gradients == lm.n_params * 4
    assert abs(m.ratio - 1) <= 0.15, m.summary()
    assert len(seen) >= 2 and all(all(s) for s in seen), seen
    assert all(torch.equal(before[n], params[n]) for n in watched)
    assert all(p.requires_grad == flags[n] and p.grad is None for n, p in params.items())
    d = m.as_dict()
    assert d["measured_bytes"] == m.measured_bytes and d["estimated"]["total"] >= d["estimated_bytes"]
