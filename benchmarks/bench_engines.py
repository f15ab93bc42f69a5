"""Chat engines side by side in one run (embedded SmolLM2 GGUF file, greedy, CPU, llama.cpp threads as the app's):

- the llama.cpp engine through the app's streaming API (/chat_engine on a live app in its own process, per-token
  alternatives on) against llama.cpp's own create_chat_completion(stream=True) on the same file and threads:
  target >= 0.9x; llama-cpp-python's own alternatives (logprobs=True, top_logprobs=5) recorded beside it
- the served route (/chat_engine, engine "served") against the same request streamed straight from the server
  (`python -m llama_cpp.server` on the same file): target >= 0.85x
- time to first token of a short prompt through the API on both routes: target <= 0.3 s
- transformers float32 (the app's decode loop) for reference

Decode rates count from the first token to the last as the client received them (the prompt's prefill is in the
time to first token). Run alone on the machine (`python -m benchmarks.run bench_engines`).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_chat import _serve

PROMPT = "Write a long story about a dragon who learns to cook."
N_TOKENS = 128  # new tokens per decode measurement (~0.7 s at llama.cpp's speed here)
ROUNDS = 2  # interleaved rounds; medians are reported


def _median(xs: list[float]) -> float:
    return round(statistics.median(xs), 3) if xs else float("nan")


def _rate(times: list[float]) -> float:
    """Tokens/s from the arrival times of tokens: (n - 1) / (last - first)."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else float("nan")


def _own(llm: Any, message: str, n: int, alternatives: bool = False) -> dict[str, float]:
    """llama-cpp-python's create_chat_completion, streamed: one chunk per token."""
    t, times = time.perf_counter(), []
    kw = {"logprobs": True, "top_logprobs": 5} if alternatives else {}
    for chunk in llm.create_chat_completion(
        [{"role": "user", "content": message}], max_tokens=n, temperature=0.0, repeat_penalty=1.0, stream=True, **kw
    ):
        if chunk["choices"][0]["delta"].get("content"):
            times.append(time.perf_counter() - t)
    return {"rate": _rate(times), "ttft": times[0] if times else float("nan"), "tokens": len(times)}


def _direct(url: str, body: dict) -> dict[str, float]:
    """The server's own streamed rate: the app's request body, read straight from /v1/chat/completions."""
    import httpx

    t, times = time.perf_counter(), []
    with httpx.stream("POST", url + "/chat/completions", json=body, timeout=60) as r:
        for line in r.iter_lines():
            data = line[5:].strip() if line.startswith("data:") else "[DONE]"
            if data != "[DONE]" and (json.loads(data)["choices"][0].get("delta") or {}).get("content"):
                times.append(time.perf_counter() - t)
    return {"rate": _rate(times), "ttft": times[0] if times else float("nan"), "tokens": len(times)}


def _api(client: Any, engine: str, server: str, message: str, n: int) -> dict[str, float]:
    """/chat_engine as an API client sees it: tokens/s between the first and the last update that brought tokens,
    (n_last - n_first) / (t_last - t_first), and the time to the first update with a token."""
    from playground.core.chat import HOMEMADE_PRESET

    model = "SmolLM2-135M-Instruct"
    args = (engine, server, model if engine == "served" else "", model, message, [], "", "official", HOMEMADE_PRESET)
    t, seen = time.perf_counter(), [(0.0, 0)]
    job = client.submit(*args, True, 0.7, 50, 0.9, 1.0, n, -1, "en", api_name="/chat_engine")
    for out in job:
        got = out[-1].get("new_tokens", 0)
        if got > seen[-1][1]:
            seen.append((time.perf_counter() - t, got))
    data = job.result()[-1]
    (t0, n0), (t1, n1) = seen[1] if len(seen) > 1 else seen[0], seen[-1]
    # A client starved of CPU receives updates late and bunched: with fewer than 3 updates carrying tokens, or
    # less than 0.2 s between them, the client's clock says nothing; take the app's own measurement then.
    rate = (n1 - n0) / (t1 - t0) if len(seen) > 3 and t1 - t0 > 0.2 else float(data["tokens_per_second"])
    ttft = seen[1][0] if len(seen) > 1 else float("nan")
    return {"rate": rate, "ttft": ttft, "tokens": data["new_tokens"], "engine_rate": data["tokens_per_second"]}


def run() -> dict:
    import gradio_client
    from llama_cpp import Llama

    from playground import config
    from playground.core import chat
    from playground.core.generate import Generation, Sampling
    from playground.engines.served import ServedReply
    from playground.loader import get_loader, resolve
    from tests.llama_server import ALIAS, llama_server

    threads = config.LLAMACPP_THREADS
    path = resolve(config.settings().default_model).location
    common = {"model_path": path, "n_threads": threads, "n_threads_batch": threads, "verbose": False}
    own = Llama(n_ctx=2560, chat_format="chat_template.default", **common)
    own_alts = Llama(n_ctx=2560, chat_format="chat_template.default", logits_all=True, **common)
    lm = get_loader().get(None)
    ids = chat.build_prompt(lm.tokenizer, PROMPT).ids

    app, url = _serve()
    with tempfile.TemporaryDirectory() as tmp, llama_server(Path(tmp), threads=threads) as srv:
        try:
            client = gradio_client.Client(url, verbose=False)
            msgs = [{"role": "user", "content": PROMPT}]
            body = ServedReply(Sampling(greedy=True, max_new_tokens=N_TOKENS), model=ALIAS, messages=msgs).body()
            # warm-up: each path once
            _own(own, "Hi", 4), _api(client, "llama.cpp", "", "Hi", 4), _api(client, "served", srv.url, "Hi", 4)
            _direct(srv.url, body | {"max_tokens": 4})
            r: dict[str, list[float]] = {
                k: []
                for k in (
                    "own",
                    "own_alts",
                    "engine",
                    "engine_inner",
                    "served",
                    "direct",
                    "direct_plain",
                    "ttft_engine",
                    "ttft_served",
                    "tf",
                )
            }
            for k in range(ROUNDS):  # interleaved, so load changes hit every route alike
                print(f"round {k}: {json.dumps(r)}", file=sys.stderr, flush=True)
                r["own"].append(_own(own, PROMPT, N_TOKENS)["rate"])
                e = _api(client, "llama.cpp", "", PROMPT, N_TOKENS)
                r["engine"].append(e["rate"])
                r["engine_inner"].append(e["engine_rate"])
                r["own_alts"].append(_own(own_alts, PROMPT, N_TOKENS, alternatives=True)["rate"])
                r["direct"].append(_direct(srv.url, body)["rate"])
                r["served"].append(_api(client, "served", srv.url, PROMPT, N_TOKENS)["rate"])
                plain = {k: v for k, v in body.items() if k not in ("logprobs", "top_logprobs")}
                r["direct_plain"].append(_direct(srv.url, plain)["rate"])
                r["ttft_engine"] += [_api(client, "llama.cpp", "", "Hi", 1)["ttft"] for _ in range(2)]
                r["ttft_served"] += [_api(client, "served", srv.url, "Hi", 1)["ttft"] for _ in range(2)]
                r["tf"].append(Generation(lm, ids, Sampling(greedy=True, max_new_tokens=48)).run().tokens_per_second)
        finally:
            app.terminate()
    m = {k: _median(v) for k, v in r.items()}
    engine_ratio, served_ratio = m["engine"] / m["own"], m["served"] / m["direct"]
    return {
        "llamacpp_api_vs_own": {"ratio": round(engine_ratio, 3), "target": ">= 0.9", "pass": engine_ratio >= 0.9},
        "served_api_vs_server": {"ratio": round(served_ratio, 3), "target": ">= 0.85", "pass": served_ratio >= 0.85},
        "ttft_llamacpp_s": {"value": m["ttft_engine"], "target": "<= 0.3", "pass": m["ttft_engine"] <= 0.3},
        "ttft_served_s": {"value": m["ttft_served"], "target": "<= 0.3", "pass": m["ttft_served"] <= 0.3},
        "tokens_per_s": {
            "llamacpp_engine_api": m["engine"],
            "llamacpp_engine_inner": m["engine_inner"],
            "llamacpp_create_chat_completion": m["own"],
            "llamacpp_create_chat_completion_logprobs5": m["own_alts"],
            "served_api": m["served"],
            "server_direct_same_request": m["direct"],
            "server_direct_without_logprobs": m["direct_plain"],
            "transformers_float32": m["tf"],
        },
        "speedup_llamacpp_vs_transformers": round(m["engine"] / m["tf"], 2),
        "threads": threads,
        "new_tokens": N_TOKENS,
        "rounds": ROUNDS,
        "runs": r,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
