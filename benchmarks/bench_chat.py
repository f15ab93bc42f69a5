"""Chat speed, measured side by side in one run on this machine (default model, greedy, CPU).

- decode through bare model.generate, through the source's pipeline(...) route, through the app's
  streaming `chat` API (gradio_client on a live app): target API >= 0.95 x model.generate
- time to first token of a short prompt through the API: target <= 0.5 s
- CPU int8 mode against float32, same loop: target >= 1.6x, with the top-1 agreement it costs
- while one chat streams: tokenize p95 <= 200 ms, and two chats at once both progress

Run alone on the machine (`python -m benchmarks.bench_chat`); `run()` returns the figures.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from typing import Any

PROMPT = "Write a long story about a dragon who learns to cook."
N_TOKENS = 48  # new tokens per decode measurement
ROUNDS = 3  # interleaved rounds; medians are reported


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))] if xs else float("nan")


def _serve() -> tuple[Any, str]:
    """The full app in its own process, as it is deployed (the API client here shares no GIL with it)."""
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = (
        "from playground.app import build_app, launch_kwargs\n"
        f"build_app().launch(server_name='127.0.0.1', server_port={port}, quiet=True, **launch_kwargs())"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the app did not start within a minute")


def _chat_args(message: str, max_new: int) -> tuple:
    from playground.core.chat import HOMEMADE_PRESET

    return ("SmolLM2-135M-Instruct", message, [], "", "official", HOMEMADE_PRESET, True, 0.7, 50, 0.9, 1.0, max_new, -1)


def _generate(lm: Any, ids: list[int], n: int = N_TOKENS) -> tuple[int, float]:
    """(new tokens, seconds) of one bare model.generate call."""
    import torch

    t = time.perf_counter()
    out = lm.model.generate(torch.tensor([ids]), max_new_tokens=n, do_sample=False)
    return out.shape[1] - len(ids), time.perf_counter() - t


def _pipeline_rate(pipe: Any) -> float:
    t = time.perf_counter()
    out = pipe([{"role": "user", "content": PROMPT}], max_new_tokens=N_TOKENS, do_sample=False)
    reply = out[0]["generated_text"][-1]["content"]
    n = len(pipe.tokenizer(reply, add_special_tokens=False).input_ids)
    return n / (time.perf_counter() - t)


def _api_stream(client: Any, message: str, max_new: int) -> dict[str, float]:
    """Through the streaming API: end-to-end tokens/s (submit to the final update), decode tokens/s (first
    token to last token, as the client received them) and time to first token."""
    t = time.perf_counter()
    first = last = None
    seen = 0
    job = client.submit(*_chat_args(message, max_new), api_name="/chat")
    for out in job:
        n = out[-1].get("new_tokens", 0)
        now = time.perf_counter() - t
        if n >= 1 and first is None:
            first = now
        if n > seen:
            seen, last = n, now
    total = time.perf_counter() - t
    n = job.result()[-1]["new_tokens"]
    first = first if first is not None else total
    decode = (n - 1) / (last - first) if last and last > first and n > 1 else float("nan")
    return {"tokens": n, "rate": n / total, "decode": decode, "ttft": first}


def _loop_rate(lm: Any, ids: list[int]) -> float:
    from playground.core.generate import Generation, Sampling

    t = time.perf_counter()
    g = Generation(lm, ids, Sampling(greedy=True, max_new_tokens=N_TOKENS)).run()
    return len(g.token_ids) / (time.perf_counter() - t)


def run() -> dict:
    import gradio_client
    import torch
    from transformers import pipeline

    from playground import quantize
    from playground.core import chat
    from playground.loader import get_loader

    loader = get_loader()
    lm = loader.get(None)
    ids = chat.build_prompt(lm.tokenizer, PROMPT).ids
    pipe = pipeline("text-generation", model=lm.model, tokenizer=lm.tokenizer)

    server, url = _serve()
    try:
        client = gradio_client.Client(url, verbose=False)
        # warm-up: first forward passes, first request through each path
        _generate(lm, ids), _pipeline_rate(pipe), _api_stream(client, "Hi", 4)

        gen, gen_decode, pip, api, api_decode, ttft, one_thread = [], [], [], [], [], [], []
        for _ in range(ROUNDS):  # interleaved, so load changes hit every route alike
            _, prefill = _generate(lm, ids, 1)  # prompt pass + first token
            n, secs = _generate(lm, ids)
            gen.append(n / secs)
            gen_decode.append((n - 1) / max(1e-9, secs - prefill))
            pip.append(_pipeline_rate(pipe))
            threads = torch.get_num_threads()
            torch.set_num_threads(1)  # for reference: decode of a small model on one core
            n1, secs1 = _generate(lm, ids)
            torch.set_num_threads(threads)
            one_thread.append(n1 / secs1)
            a = _api_stream(client, PROMPT, N_TOKENS)
            api.append(a["rate"])
            api_decode.append(a["decode"])
            ttft += [_api_stream(client, "Hi", 1)["ttft"] for _ in range(3)]

        # int8 against float32, the same decode loop
        q = loader.get(None, device="cpu", dtype="float32", quantization="int8")
        _loop_rate(q, ids)
        f32, i8 = [], []
        for _ in range(ROUNDS):
            f32.append(_loop_rate(lm, ids))
            i8.append(_loop_rate(q, ids))
        agree = quantize.agreement(lm.model, q.model, lm.tokenizer)

        # tokenize latency while one chat streams
        lat: list[float] = []
        job = client.submit(*_chat_args(PROMPT, 96), api_name="/chat")
        tok_client = gradio_client.Client(url, verbose=False)
        while not job.done():
            t = time.perf_counter()
            tok_client.predict("SmolLM2-135M-Instruct", "Hello world, 大家好", True, api_name="/tokenize")
            lat.append(time.perf_counter() - t)
            time.sleep(0.1)
        job.result()
        idle: list[float] = []  # the same request with nothing streaming, for reference
        for _ in range(10):
            t = time.perf_counter()
            tok_client.predict("SmolLM2-135M-Instruct", "Hello world, 大家好", True, api_name="/tokenize")
            idle.append(time.perf_counter() - t)

        # two chats at once: both must have tokens before either finishes
        first: dict[int, float] = {}
        done: dict[int, float] = {}
        counts: dict[int, int] = {}

        def one(k: int) -> None:
            c = gradio_client.Client(url, verbose=False)
            j = c.submit(*_chat_args(PROMPT if k == 0 else "Tell me about the history of tea.", 40), api_name="/chat")
            for out in j:
                if out[-1].get("new_tokens", 0) and k not in first:
                    first[k] = time.perf_counter()
            done[k] = time.perf_counter()
            counts[k] = j.result()[-1]["new_tokens"]

        t0 = time.perf_counter()
        threads = [threading.Thread(target=one, args=(k,)) for k in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        both = len(first) == 2 and first[0] < done[1] and first[1] < done[0]
    finally:
        server.terminate()
        server.wait(timeout=30)

    gen_m, api_m = _median(gen_decode), _median(api_decode)
    ratio_int8 = _median(i8) / _median(f32)
    return {
        "model": lm.name,
        "new_tokens": N_TOKENS,
        # end to end: new tokens / wall time of the whole call (prompt pass and, for the API, HTTP and queue)
        "generate_tokens_per_s": round(_median(gen), 2),
        "pipeline_tokens_per_s": round(_median(pip), 2),
        "generate_one_thread_tokens_per_s": round(_median(one_thread), 2),
        "torch_threads": torch.get_num_threads(),
        "api_stream_tokens_per_s": round(_median(api), 2),
        "api_vs_generate_end_to_end": round(_median(api) / _median(gen), 3),
        # decode: tokens after the first / time after the first (generate: minus a max_new_tokens=1 call)
        "generate_decode_tokens_per_s": round(gen_m, 2),
        "api_decode_tokens_per_s": round(api_m, 2),
        "api_vs_generate": {
            "value": round(api_m / gen_m, 3),
            "target": ">= 0.95 (decode)",
            "pass": api_m / gen_m >= 0.95,
        },
        "time_to_first_token_s": {"value": round(_median(ttft), 3), "target": "<= 0.5", "pass": _median(ttft) <= 0.5},
        "int8": {
            "float32_tokens_per_s": round(_median(f32), 2),
            "int8_tokens_per_s": round(_median(i8), 2),
            "speedup": {"value": round(ratio_int8, 3), "target": ">= 1.6", "pass": ratio_int8 >= 1.6},
            "top1_agreement": round(agree["top1_agreement"], 3),
            "last_token_agreement": round(agree["last_token_agreement"], 3),
            "agreement_positions": agree["positions"],
        },
        "tokenize_during_stream_ms": {
            "median": round(1000 * _median(lat), 1),
            "samples": len(lat),
            "idle_median": round(1000 * _median(idle), 1),
            "p95": {"value": round(1000 * _p95(lat), 1), "target": "<= 200", "pass": _p95(lat) <= 0.2},
        },
        "two_chats": {
            "tokens": [counts.get(0), counts.get(1)],
            "seconds": round(max(done.values(), default=t0) - t0, 2),
            "both_progress": {"value": both, "target": True, "pass": both},
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
