"""Concurrent chats decoding as one batch, measured side by side in one run (default model, greedy, CPU).

- aggregate tokens/s of 4 concurrent chats (128 new tokens each, consumed as the Chat tab does, through
  `in_background`) against one chat alone: target >= 2.0x; 8 concurrent: >= 3.0x
- one chat alone against bare `model.generate` (same prompt, same token count): target >= 0.95x
- for reference: the raw batched forward step (200-token cache) at batch 1 / 4 / 8 with 1 and 2 OpenMP
  threads (what playground.core.batching.BATCH_THREADS was chosen from), and the latency of a tokenize
  call made in the same process while 8 chats stream

Run alone on the machine (`python -m benchmarks.bench_batching`); `run()` returns the figures.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from typing import Any

N_TOKENS = 128  # new tokens per chat
ROUNDS = 3  # interleaved rounds; medians are reported
# Prompts whose greedy replies run past N_TOKENS (so every chat stays in the batch to the end).
PROMPTS = (
    "Write a long story about a dragon who learns to cook.",
    "Write a long essay about the history of tea in China and Japan.",
    "Write a long story about a robot who wants to become a gardener.",
    "Write a long letter to a friend about your summer holiday by the sea.",
    "Describe a walk through a busy city market, with every sound and smell.",
    "Write a long fairy tale about a clever fox and a proud crow.",
    "Explain step by step how bread is baked, from flour to loaf.",
    "Write a long diary entry of a sailor crossing the Atlantic Ocean.",
)


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))] if xs else float("nan")


def _generate(lm: Any, ids: list[int]) -> float:
    """Tokens/s of one bare model.generate call (prompt pass included), at torch's default threads."""
    import torch

    t = time.perf_counter()
    out = lm.model.generate(torch.tensor([ids]), max_new_tokens=N_TOKENS, do_sample=False)
    return (out.shape[1] - len(ids)) / (time.perf_counter() - t)


def _chats(lm: Any, prompts: list[list[int]]) -> tuple[float, int, list[int]]:
    """Aggregate tokens/s of these chats streamed at once (start of the first to end of the last),
    the largest batch a decode step had, and the new tokens of each."""
    from playground.core import batching
    from playground.core.generate import Generation, Sampling, in_background

    gens = [Generation(lm, ids, Sampling(greedy=True, max_new_tokens=N_TOKENS)) for ids in prompts]

    def consume(g: Generation) -> None:
        for _ in in_background(g):
            pass

    b = batching.batcher_of(lm)
    before = dict(b.sizes) if b else {}
    parked = b.parked if b else 0
    threads = [threading.Thread(target=consume, args=(g,)) for g in gens]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    secs = time.perf_counter() - t
    b = batching.batcher_of(lm)
    widest = max((k for k, v in b.sizes.items() if v > before.get(k, 0)), default=0)
    _PARKED.append(b.parked - parked)
    return sum(g.new_tokens for g in gens) / secs, widest, [g.new_tokens for g in gens]


_PARKED: list[int] = []  # rows parked (caller late by more than GRACE_S) per _chats call


def _raw_steps(lm: Any) -> dict[str, float]:
    """ms per batched decode step over a 200-token cache, per batch size and OpenMP thread count."""
    import torch
    from transformers import DynamicCache

    from playground.core.batching import limit_openmp_threads

    out: dict[str, float] = {}

    def measure() -> None:
        for batch in (1, 4, 8):
            for threads in (1, 2):
                limit_openmp_threads(threads)
                ids = torch.randint(100, 1000, (batch, 200), generator=torch.Generator().manual_seed(0))
                with torch.inference_mode():
                    cache = DynamicCache(config=lm.model.config)
                    lm.model(input_ids=ids, past_key_values=cache, use_cache=True, logits_to_keep=1)
                    x = ids[:, -1:]
                    for _ in range(2):
                        lm.model(input_ids=x, past_key_values=cache, use_cache=True, logits_to_keep=1)
                    t, n = time.perf_counter(), 16
                    for _ in range(n):
                        lm.model(input_ids=x, past_key_values=cache, use_cache=True, logits_to_keep=1)
                out[f"batch{batch}_threads{threads}_ms"] = round(1000 * (time.perf_counter() - t) / n, 1)

    th = threading.Thread(target=measure)  # a thread of its own: its OpenMP setting stays with it
    th.start()
    th.join()
    return out


def _tokenize_while_streaming(lm: Any, prompts: list[list[int]]) -> dict[str, float]:
    """Latency of tokenizing a short text in this process while these chats stream (GIL and cores shared)."""
    lat: list[float] = []
    done = threading.Event()

    def chats() -> None:
        _chats(lm, prompts)
        done.set()

    threading.Thread(target=chats).start()
    while not done.is_set():
        t = time.perf_counter()
        lm.tokenizer("Hello world, 大家好", add_special_tokens=True)
        lat.append(time.perf_counter() - t)
        time.sleep(0.1)
    return {"median_ms": round(1000 * _median(lat), 2), "p95_ms": round(1000 * _p95(lat), 2), "samples": len(lat)}


def run() -> dict:
    import torch

    from playground.core import batching, chat
    from playground.loader import get_loader

    lm = get_loader().get(None)
    prompts = [chat.build_prompt(lm.tokenizer, p).ids for p in PROMPTS]
    # warm-up: first forward passes of each path
    _generate(lm, prompts[0]), _chats(lm, prompts[:2])
    _PARKED.clear()

    gen, one, four, eight, widest, tokens = [], [], [], [], {}, {}
    for _ in range(ROUNDS):  # interleaved, so load changes hit every figure alike
        gen.append(_generate(lm, prompts[0]))
        rate, widest[1], tokens[1] = _chats(lm, prompts[:1])
        one.append(rate)
        rate, widest[4], tokens[4] = _chats(lm, prompts[:4])
        four.append(rate)
        rate, widest[8], tokens[8] = _chats(lm, prompts[:8])
        eight.append(rate)
    raw = _raw_steps(lm)
    tok = _tokenize_while_streaming(lm, prompts[:8])

    g, o, f, e = _median(gen), _median(one), _median(four), _median(eight)
    return {
        "model": lm.name,
        "new_tokens": N_TOKENS,
        "torch_threads": torch.get_num_threads(),
        "batch_threads": batching.BATCH_THREADS,
        # end to end: new tokens of all chats / wall time from the first start to the last end
        "generate_tokens_per_s": round(g, 2),
        "one_chat_tokens_per_s": round(o, 2),
        "four_chats_tokens_per_s": round(f, 2),
        "eight_chats_tokens_per_s": round(e, 2),
        "widest_batch": widest,  # the largest batch a decode step had, per number of chats
        "rows_parked": sum(_PARKED),  # rows that left the batch for a late caller, over every measured run
        "tokens_per_chat": tokens,
        "one_vs_generate": {"value": round(o / g, 3), "target": ">= 0.95", "pass": o / g >= 0.95},
        "four_vs_one": {"value": round(f / o, 3), "target": ">= 2.0", "pass": f / o >= 2.0},
        "eight_vs_one": {"value": round(e / o, 3), "target": ">= 3.0", "pass": e / o >= 3.0},
        "raw_batched_step": raw,
        "tokenize_in_process_while_8_stream": tok,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
