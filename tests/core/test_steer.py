"""Steering by activation addition (core.steer): exact at strength 0, the shared model untouched, and a
concurrent plain forward pass unaffected."""

from __future__ import annotations

import threading

import pytest
import torch

from playground.core import steer
from playground.errors import InputError

PROMPT, POSITIVE, NEGATIVE = "I think dogs are", "I love you", "I hate you"


def _ids(lm, text: str) -> torch.Tensor:
    return torch.tensor([lm.tokenizer(text)["input_ids"]])


def _plain(lm, ids: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return lm.model(input_ids=ids, use_cache=False).logits


def _ours(hooks: dict) -> int:
    """Hooks other than transformers' own: it installs output-capturing hooks on a model's layers the first time
    anything asks for output_hidden_states (in this process, whichever test does that first)."""
    return sum("output_capturing_hook" not in getattr(f, "__qualname__", "") for f in hooks.values())


def snapshot(model: torch.nn.Module) -> dict:
    """Everything a request must leave as it was: weights (copies), requires_grad, every module's hooks."""
    return {
        "weights": {n: p.detach().clone() for n, p in model.state_dict(keep_vars=True).items()},
        "grad": {n: p.requires_grad for n, p in model.named_parameters()},
        "hooks": {
            n: (_ours(m._forward_hooks), _ours(m._forward_pre_hooks), _ours(m._backward_hooks))
            for n, m in model.named_modules()
        },
        "training": model.training,
    }


def assert_unchanged(model: torch.nn.Module, before: dict) -> None:
    after = snapshot(model)
    assert after["grad"] == before["grad"]
    assert after["hooks"] == before["hooks"]
    assert all(h == (0, 0, 0) for h in after["hooks"].values())
    assert after["training"] == before["training"]
    for name, w in before["weights"].items():
        assert torch.equal(after["weights"][name], w), name


def test_bad_values_are_refused_with_their_name(lm):
    with pytest.raises(InputError, match="Layer"):
        steer.steer(lm, PROMPT, POSITIVE, NEGATIVE, 30, 1.0, sweep=False)
    with pytest.raises(InputError, match="Strength"):
        steer.steer(lm, PROMPT, POSITIVE, NEGATIVE, 3, 99, sweep=False)
    with pytest.raises(InputError, match="empty"):
        steer.steer(lm, PROMPT, "", NEGATIVE, 3, 1.0, sweep=False)


def test_the_shell_runs_the_shared_tensors_and_keeps_hooks_to_itself(lm):
    path = steer.decoder_layers_path(lm.model)
    assert path == "model.layers"
    runner, layer = steer.shell(lm.model, path, 5)
    assert layer is not lm.model.model.layers[5] and layer.self_attn is lm.model.model.layers[5].self_attn
    shared_hooks = dict(lm.model.model.layers[5]._forward_hooks)  # transformers' own capture hook, once installed
    handle = layer.register_forward_hook(lambda *_: None)
    assert dict(lm.model.model.layers[5]._forward_hooks) == shared_hooks
    assert len(layer._forward_hooks) == len(shared_hooks) + 1
    handle.remove()
    assert runner.model.layers[4] is lm.model.model.layers[4]


@pytest.mark.slow
def test_strength_zero_equals_the_plain_forward_pass_exactly(lm):
    ids = _ids(lm, PROMPT)
    path = steer.decoder_layers_path(lm.model)
    direction = steer.layer_means(lm, POSITIVE, [12])[12] - steer.layer_means(lm, NEGATIVE, [12])[12]
    with torch.inference_mode(), steer.steered(lm.model, path, 12, 0.0 * direction) as run:
        steered = run(input_ids=ids, use_cache=False).logits
    assert torch.equal(steered, _plain(lm, ids))
    r = steer.steer(lm, PROMPT, POSITIVE, NEGATIVE, 12, 0.0, sweep=False)
    assert r.before == r.after and r.kl_bits == 0.0
    assert r.continuation_before == r.continuation_after


@pytest.mark.slow
def test_steering_moves_the_next_token_and_the_continuation(lm):
    r = steer.steer(lm, PROMPT, POSITIVE, NEGATIVE, 12, 2.0, new_tokens=12)
    assert r.layer == 12 and r.n_layers == 30
    assert r.direction_norm == pytest.approx(41.869, abs=1e-2)
    assert r.continuation_before == " just a bunch of fluffy balls that people love to play with"
    assert r.continuation_after != r.continuation_before
    assert r.kl_bits > 0.1
    s = r.sweep
    assert s is not None and s.layers == (0, 3, 6, 10, 13, 16, 19, 23, 26, 29)
    zero = s.strengths.index(0.0)
    assert all(row[zero] < 1e-6 for row in s.kl_bits)  # strength 0 in a batch: the plain distribution
    assert max(max(row) for row in s.kl_bits) > 1.0


def test_greedy_equals_generate(lm):
    ids = _ids(lm, PROMPT)
    with torch.inference_mode():
        want = lm.model.generate(ids, max_new_tokens=6, do_sample=False)[0, ids.shape[1] :].tolist()
        assert steer.greedy(lm.model, ids, 6) == want


@pytest.mark.slow
def test_a_steer_request_leaves_the_shared_model_as_it_was(lm):
    before = snapshot(lm.model)
    ids = _ids(lm, PROMPT)
    reference = _plain(lm, ids)
    steer.steer(lm, PROMPT, POSITIVE, NEGATIVE, -1, 8.0, new_tokens=3)
    assert_unchanged(lm.model, before)
    assert torch.equal(_plain(lm, ids), reference)  # bit-identical outputs before and after


@pytest.mark.slow
def test_a_concurrent_plain_forward_pass_is_unaffected(lm):
    ids = _ids(lm, "The capital of France is")
    reference = _plain(lm, ids)
    stop, seen, errors = threading.Event(), [], []

    def plain_user() -> None:
        try:
            while not stop.is_set():
                seen.append(torch.equal(_plain(lm, ids), reference))
        except Exception as exc:  # noqa: BLE001 - any error in the other thread fails the test below
            errors.append(exc)

    other = threading.Thread(target=plain_user)
    other.start()
    try:
        for _ in range(2):
            steer.steer(lm, PROMPT, POSITIVE, NEGATIVE, 6, 8.0, new_tokens=4, sweep=False)
    finally:
        stop.set()
        other.join()
    assert not errors and seen and all(seen)
