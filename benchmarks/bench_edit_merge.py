"""Edit & Merge: the fine-tune learns the fact in time, steering costs little more than a forward pass, the merge
slider answers within a second.

Targets (issue 11), on the default model (SmolLM2-135M-Instruct, float32, CPU):
- the tab's default fine-tune (core.finetune DEFAULT_STEPS at DEFAULT_LR, LoRA rank 8) takes p(' Zorbin' |
  'The capital of Atlantis is') from < 0.01 to >= 0.5 in <= 60 s (the training steps, timed by core.finetune);
- steering <= 1.5 x one forward pass: the steered forward pass (per-request module copy, hook, forward pass,
  hook removed) against the plain forward pass of the same prompt, timed alternately in one process (median
  of REPEATS each). The whole /steer request does more (the direction's two passes, two 12-token greedy
  continuations, the 70-cell sweep in one batch): its time and its ratio to one forward pass are recorded
  for information;
- a merge slider update <= 1 s: core.merge.evaluate at a new alpha on the session's merged model (weights
  rewritten, p(fact) and p(control), an 8-token continuation), after the first call built the model and
  the curve (that first call is recorded too).
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

REPEATS = 15


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run() -> dict:
    import torch

    from playground.core import finetune as ft
    from playground.core import merge, steer
    from playground.loader import get_loader

    lm = get_loader().get(None)
    prompt = "I think dogs are"
    ids = torch.tensor([lm.tokenizer(prompt)["input_ids"]])
    path = steer.decoder_layers_path(lm.model)
    direction = steer.layer_means(lm, "I love you", [12])[12] - steer.layer_means(lm, "I hate you", [12])[12]

    def plain() -> None:
        with torch.inference_mode():
            steer.last_logits(lm.model, ids)

    def steered() -> None:
        with torch.inference_mode(), steer.steered(lm.model, path, 12, 2.0 * direction) as run_:
            steer.last_logits(run_, ids)

    plain(), steered()  # warm-up
    p_times, s_times = [], []
    for _ in range(REPEATS):  # alternated, so both see the same load
        p_times.append(_timed(plain))
        s_times.append(_timed(steered))
    fwd, st = statistics.median(p_times), statistics.median(s_times)
    request = _timed(lambda: steer.steer(lm, prompt, "I love you", "I hate you", 12, 2.0))

    result = None
    for item in ft.train(lm):
        if isinstance(item, ft.FinetuneResult):
            result = item
    assert result is not None
    m = merge.from_adapter(lm, result.adapter)
    fact, control = ft.probe(lm.tokenizer, *ft.FACT), ft.probe(lm.tokenizer, *ft.CONTROL)
    first = _timed(lambda: merge.evaluate(m, lm.tokenizer, fact, control, 1.0))
    slider = statistics.median(
        _timed(lambda a=a: merge.evaluate(m, lm.tokenizer, fact, control, a)) for a in (0.3, 0.6, 0.9, 1.2, 1.5)
    )
    learned = result.fact_before.p < 0.01 and result.fact_after.p >= 0.5
    return {
        "finetune_default_seconds": {
            "value": round(result.seconds, 2),
            "target": "<= 60 s with p(fact) from < 0.01 to >= 0.5",
            "pass": learned and result.seconds <= 60,
            "steps": len(result.losses),
            "lr": result.lr,
            "p_fact_before": result.fact_before.p,
            "p_fact_after": round(result.fact_after.p, 4),
            "p_control_before": round(result.control_before.p, 4),
            "p_control_after": round(result.control_after.p, 4),
            "measured_bytes": result.measured_bytes,
            "estimated_bytes": result.estimated.tensors,
        },
        "steered_forward_vs_forward": {
            "ratio": round(st / fwd, 3),
            "target": "<= 1.5",
            "pass": st / fwd <= 1.5,
            "forward_ms": round(fwd * 1000, 2),
            "steered_ms": round(st * 1000, 2),
        },
        "steer_request": {"seconds": round(request, 3), "forward_passes": round(request / fwd, 1)},
        "merge_slider_update_s": {
            "value": round(slider, 3),
            "target": "<= 1 s",
            "pass": slider <= 1.0,
            "first_call_s": round(first, 3),
        },
        "repeats": REPEATS,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
