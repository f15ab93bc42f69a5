"""The generation tree and the commitment strip on the default model, each timed side by side with its reference.

Targets (issue 13), each measured in this one run, the two sides alternated so both see the same machine load:
- a fork at depth 32 of a 64-token reply: the fork's first generated token (the chosen token, then one forward
  pass from views of the parent's cache) <= 1.2x one bare decode step of the model over a cache of that length;
  for information, the same fork when the prefix must be re-read (a tree sent back as JSON has no cache);
- N = 4 seeded samples of 64 tokens decoded as one batch <= 1.5x one sample of 64 tokens;
- the commitment strip for 64 tokens (forward pass + ranks, probabilities and entropies at every layer)
  <= 1.5x the full logit lens of the same text (forward pass + top token at every layer).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

REPEATS = 7
SLOW_REPEATS = 3  # the samples and the strip (seconds each on a busy 2-core host)
TOKENS = 64
DEPTH = 32
TARGETS = {"fork_ratio": 1.2, "samples_ratio": 1.5, "commitment_ratio": 1.5}


def _time(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _alternate(a: Callable[[], Any], b: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Medians of a and b, timed in turn (a, b, a, b, ...) after one warm-up each."""
    a(), b()
    ta, tb = [], []
    for _ in range(repeats):
        ta.append(_time(a))
        tb.append(_time(b))
    return statistics.median(ta), statistics.median(tb)


def _figure(ours: float, ref: float, target: float, **extra: Any) -> dict[str, Any]:
    ratio = ours / ref
    return {
        "ours_s": round(ours, 4),
        "reference_s": round(ref, 4),
        "ratio": round(ratio, 3),
        "target": target,
        "pass": ratio <= target,
        **extra,
    }


def run() -> dict:
    import torch
    from transformers import DynamicCache

    from playground.core import commitment, layers
    from playground.core import tree_decode as td
    from playground.core.sampling import Sampling
    from playground.loader import get_loader

    # One OpenMP thread, as the app's decode threads run (generate.DECODE_THREADS, batching.BATCH_THREADS): on this
    # busy 2-core host two threads spin at every barrier and a step takes several times longer.
    torch.set_num_threads(1)
    lm = get_loader().get(None)

    # --- fork at depth 32 vs one decode step over the same cache length
    tree = td.grow(
        lm, td.start(lm, "Write a long story about a cat who learns to sail."), Sampling(max_new_tokens=TOKENS)
    )
    n_nodes, node = len(tree.nodes), tree.nodes[DEPTH]
    choice = node.alternatives[1][0]
    length = len(tree.prompt_ids) + DEPTH
    parent = tree.caches[0]

    def fork() -> None:
        td.fork(lm, tree, DEPTH, choice, Sampling(max_new_tokens=2))  # the chosen token, then one forward pass
        del tree.branches[1:], tree.nodes[n_nodes:]
        tree.caches = {0: parent}

    def fork_from_json() -> None:
        tree.caches = {}
        fork()

    def step() -> None:
        cache = DynamicCache(config=lm.model.config)
        for mine, theirs in zip(cache.layers, parent.layers):
            keys, values = theirs.keys[:, :, :length], theirs.values[:, :, :length]
            mine.lazy_initialization(keys, values)
            mine.keys, mine.values = keys, values
        with torch.inference_mode():
            lm.model(input_ids=torch.tensor([[choice]]), past_key_values=cache, use_cache=True, logits_to_keep=1)

    fork_s, step_s = _alternate(fork, step, REPEATS * 2)
    json_s, _ = _alternate(fork_from_json, step, 3)

    # --- N = 4 samples of 64 tokens as one batch vs one sample
    sampled = Sampling(greedy=False, temperature=0.8, top_k=0, top_p=1.0, max_new_tokens=TOKENS, seed=1)
    prompt = "Once upon a time"
    counts: dict[int, list[int]] = {}

    def samples(n: int) -> Callable[[], Any]:
        def go() -> None:
            t = td.grow(lm, td.start(lm, prompt), sampled, n)
            counts[n] = [len(b.path) for b in t.branches]

        return go

    four_s, one_s = _alternate(samples(4), samples(1), SLOW_REPEATS)

    # --- commitment strip vs full logit lens, 64 tokens, forward pass included in both
    from benchmarks.bench_inside import _text_of

    text = _text_of(lm.tokenizer, TOKENS)
    strip_s, lens_s = _alternate(
        lambda: commitment.commitment(lm, layers.hidden_states(lm, text)),
        lambda: layers.logit_lens(lm, layers.hidden_states(lm, text)),
        SLOW_REPEATS,
    )
    return {
        "model": lm.name,
        "fork_first_token_vs_decode_step": _figure(
            fork_s,
            step_s,
            TARGETS["fork_ratio"],
            depth=DEPTH,
            cache_positions=length,
            fork_rereading_prefix_s=round(json_s, 4),
        ),
        "samples_4x64_batched_vs_one": _figure(
            four_s, one_s, TARGETS["samples_ratio"], tokens_per_sample=counts.get(4), tokens_one=counts.get(1)
        ),
        "commitment_vs_full_lens_64_tokens": _figure(strip_s, lens_s, TARGETS["commitment_ratio"]),
        "repeats": {"fork": 2 * REPEATS, "samples_and_strip": SLOW_REPEATS},
        "torch_threads": torch.get_num_threads(),
    }
