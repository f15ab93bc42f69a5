"""Foundation figures (issue 2), each measured side by side with its reference in one run.

- start-up: `python app.py` until the first answered /tokenize request, with the converted cache,
  against a Python that only imports gradio, torch and transformers (target <= 1.5x);
- converted-cache load against the GGUF conversion (target >= 20x faster);
- /tokenize through the HTTP API, p50 (target <= 30 ms);
- /next_token for a 64-token prompt through the HTTP API against one direct forward pass of the same
  prompt in the same process (target p50 <= 1.15x);
- memory the loaded default model adds to a fresh process (target <= 1.3 GB).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
MODEL = "SmolLM2-135M-Instruct"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, api: str, data: list[Any], session: str | None = None) -> Any:
    """One request through Gradio's HTTP API (POST, then read the event stream); returns the outputs.

    `session` reuses a session id, as a browser tab or a gradio_client.Client does; without it every
    request opens a new session, which costs gradio a per-session set-up of every component.
    """
    body = {"data": data} | ({"session_hash": session} if session else {})
    req = urllib.request.Request(
        f"{base}gradio_api/call/{api}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    event_id = json.load(urllib.request.urlopen(req, timeout=120))["event_id"]
    with urllib.request.urlopen(f"{base}gradio_api/call/{api}/{event_id}", timeout=120) as stream:
        event = None
        for raw in stream:
            line = raw.decode().strip()
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(line)
                return json.loads(line[5:])
    raise RuntimeError("no result")


def _env() -> dict[str, str]:
    return dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))


def import_seconds() -> float:
    t0 = time.perf_counter()
    subprocess.run([PY, "-c", "import gradio, torch, transformers"], check=True, env=_env())
    return time.perf_counter() - t0


def startup_seconds() -> float:
    """From spawning `python app.py` to the first answered /tokenize request."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [PY, str(ROOT / "app.py"), "--port", str(port)],
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                call(base, "tokenize", [MODEL, "good morning", True, "en"])
                return time.perf_counter() - t0
            except OSError as exc:
                if proc.poll() is not None or time.perf_counter() - t0 > 180:
                    raise RuntimeError("app did not start") from exc
                time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait()


def conversion_vs_cached_load() -> tuple[float, float]:
    """Seconds to convert the embedded GGUF into an empty cache, and median seconds to load the copy."""
    code = """
import sys, time, torch
from playground import config
from playground.loader import converted_folder, resolve
t0 = time.perf_counter(); folder = converted_folder(resolve(None).location); t1 = time.perf_counter()
from transformers import AutoModelForCausalLM, AutoTokenizer
loads = []
for _ in range(3):
    t = time.perf_counter()
    AutoTokenizer.from_pretrained(folder); AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    loads.append(time.perf_counter() - t)
print(t1 - t0, sorted(loads)[1])
"""
    with tempfile.TemporaryDirectory() as cache:
        out = subprocess.run(
            [PY, "-c", code], check=True, capture_output=True, text=True, env=_env() | {"PLAYGROUND_CACHE_DIR": cache}
        ).stdout.split()
    return float(out[-2]), float(out[-1])


def model_memory_bytes() -> int:
    code = """
import psutil, gc
p = psutil.Process()
import torch, transformers  # imported before the baseline: we measure the model, not the libraries
from playground.loader import get_loader
get_loader().tokenizer(None); gc.collect()
before = p.memory_info().rss
lm = get_loader().get(None)
with torch.no_grad():  # touch every weight: safetensors maps the file lazily
    lm.model(torch.tensor([lm.tokenizer("hello world").input_ids]))
gc.collect()
print(p.memory_info().rss - before)
"""
    out = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, env=_env()).stdout.split()
    return int(out[-1])


def api_latencies(repeats: int = 30) -> dict[str, Any]:
    """Tokenize and next_token through the live app's HTTP API, side by side with a direct forward."""
    import torch

    from playground.app import build_app, launch_kwargs
    from playground.loader import get_loader

    lm = get_loader().get(None)
    demo = build_app()
    port = _free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_kwargs())
    base = f"http://127.0.0.1:{port}/"
    try:
        text = "The quick brown fox jumps over the lazy dog. 大家好，今天天氣很好。"
        session = "benchmark"  # one user's session, as a browser tab or gradio_client keeps
        call(base, "tokenize", [MODEL, text, True, "en"], session)
        tok, fresh = [], []
        for i in range(repeats):
            t0 = time.perf_counter()
            call(base, "tokenize", [MODEL, text, True, "en"], session)
            tok.append(time.perf_counter() - t0)
            if i % 3 == 0:  # for information: a request that opens a new session
                t0 = time.perf_counter()
                call(base, "tokenize", [MODEL, text, True, "en"])
                fresh.append(time.perf_counter() - t0)

        ids = lm.tokenizer("word " * 80).input_ids[:64]
        prompt = lm.tokenizer.decode(ids)
        assert len(lm.tokenizer(prompt).input_ids) == 64
        x = torch.tensor([ids])
        api, direct = [], []
        call(base, "next_token", [MODEL, prompt, False, 1.0, 0, 1.0, 10, "en"], session)
        for _ in range(repeats // 2):
            t0 = time.perf_counter()
            with torch.no_grad():
                lm.model(x)
            direct.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            call(base, "next_token", [MODEL, prompt, False, 1.0, 0, 1.0, 10, "en"], session)
            api.append(time.perf_counter() - t0)
    finally:
        demo.close()
    return {"tokenize": tok, "tokenize_new_session": fresh, "next_token": api, "direct": direct}


def run() -> dict:
    imports = [import_seconds() for _ in range(3)]
    starts = [startup_seconds() for _ in range(3)]
    convert_s, cached_s = conversion_vs_cached_load()
    rss = model_memory_bytes()
    lat = api_latencies()
    imp, start = statistics.median(imports), statistics.median(starts)
    tok_p50 = statistics.median(lat["tokenize"])
    nt, direct = statistics.median(lat["next_token"]), statistics.median(lat["direct"])
    return {
        "startup_to_first_request_vs_imports": {
            "value": round(start / imp, 3),
            "target": 1.5,
            "pass": start / imp <= 1.5,
            "startup_s": round(start, 2),
            "imports_s": round(imp, 2),
        },
        "cached_load_speedup_over_conversion": {
            "value": round(convert_s / cached_s, 1),
            "target": 20,
            "pass": convert_s / cached_s >= 20,
            "conversion_s": round(convert_s, 2),
            "cached_load_s": round(cached_s, 3),
        },
        "tokenize_p50_ms": {
            "value": round(tok_p50 * 1e3, 1),
            "target": 30,
            "pass": tok_p50 * 1e3 <= 30,
            "p95_ms": round(statistics.quantiles(lat["tokenize"], n=20)[-1] * 1e3, 1),
            "new_session_p50_ms": round(statistics.median(lat["tokenize_new_session"]) * 1e3, 1),
        },
        "next_token_64_tokens_vs_direct_forward": {
            "value": round(nt / direct, 3),
            "target": 1.15,
            "pass": nt / direct <= 1.15,
            "api_p50_ms": round(nt * 1e3, 1),
            "direct_forward_p50_ms": round(direct * 1e3, 1),
        },
        "default_model_adds_gb": {"value": round(rss / 1e9, 3), "target": 1.3, "pass": rss / 1e9 <= 1.3},
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
