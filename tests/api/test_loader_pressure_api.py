"""Through the API: a long chat keeps streaming to its end while another session loads and evicts variants.

Session B first loads the int8 variant (/load_model): with the default float32 copy, the app's 2 slots
are full. Then session A streams a long greedy /chat, and meanwhile B loads bfloat16 (which must evict
int8, never A's pinned float32 copy), computes with it (/next_token, JSON choice), reads attention
(/attention: an eager sibling of the float32 copy) and asks for int8 again (evicting bfloat16). A's reply
must equal `model.generate` token for token.
The core version of this, with a one-slot loader: tests/core/test_loader_pressure.py.
"""

from __future__ import annotations

import json
import threading
import time

import torch
from gradio_client import Client

from playground.core.chat import HOMEMADE_PRESET
from playground.loader import get_loader

MODEL = "SmolLM2-135M-Instruct"
MESSAGE = "Write a long story about a dragon who learns to cook."
N_NEW = 200  # long enough for B's bfloat16 load to finish mid-stream on a busy 2-core machine
INT8 = json.dumps({"name": MODEL, "device": "cpu", "dtype": "float32", "quantization": "int8"})
BF16 = json.dumps({"name": MODEL, "device": "cpu", "dtype": "bfloat16"})


def test_a_streaming_chat_survives_other_sessions_loading_and_evicting(live_app, lm):
    a, b = Client(live_app, verbose=False), Client(live_app, verbose=False)
    args = (MODEL, MESSAGE, [], "", "official", HOMEMADE_PRESET, True, 0.7, 50.0, 0.9, 1.0, float(N_NEW), -1)
    seen_ids = a.predict(*args[:6], float(N_NEW), api_name="/chat_prompt")[-1]["ids"]
    assert "int8" in b.predict(MODEL, "cpu", "float32", True, api_name="/load_model")  # both slots in use now
    b_log: list[tuple[str, float, list]] = []
    b_errors: list[BaseException] = []
    streaming = threading.Event()

    def cached() -> list[tuple[str, str]]:
        return sorted((m.dtype, m.quantization) for m in get_loader().loaded() if m.attn_implementation == "sdpa")

    def other_session() -> None:
        try:
            streaming.wait(120)
            for name, call in (
                ("load bfloat16", lambda: b.predict(MODEL, "cpu", "bfloat16", False, api_name="/load_model")),
                (
                    "next_token bfloat16",
                    lambda: b.predict(BF16, "1+1=", False, 1.0, 0.0, 1.0, 5.0, api_name="/next_token"),
                ),
                ("attention", lambda: b.predict(MODEL, "The cat sat on the mat", 0, "mean", api_name="/attention")),
                ("next_token int8", lambda: b.predict(INT8, "1+1=", False, 1.0, 0.0, 1.0, 5.0, api_name="/next_token")),
            ):
                call()
                b_log.append((name, time.perf_counter(), cached()))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            b_errors.append(exc)

    worker = threading.Thread(target=other_session, daemon=True)
    worker.start()
    job = a.submit(*args, api_name="/chat")
    counts = []
    for out in job:
        counts.append(out[-1].get("new_tokens", 0))
        if counts[-1] >= 1:
            streaming.set()
    final = job.result()[-1]
    chat_end = time.perf_counter()
    worker.join(300)

    assert not b_errors, b_errors
    assert [name for name, *_ in b_log] == ["load bfloat16", "next_token bfloat16", "attention", "next_token int8"]
    assert b_log[0][1] < chat_end, "the bfloat16 load did not finish while the chat streamed"
    assert b_log[0][2] == [("bfloat16", "none"), ("float32", "none")]  # int8 evicted, the chat's copy kept
    assert b_log[-1][2] == [("float32", "int8"), ("float32", "none")]  # and then bfloat16
    assert counts == sorted(counts)  # streamed: the count only grows
    assert final["done"] and final["new_tokens"] == N_NEW and final["finish_reason"] == "length"
    ref = lm.model.generate(
        torch.tensor([seen_ids]),
        attention_mask=torch.ones(1, len(seen_ids), dtype=torch.long),
        max_new_tokens=N_NEW,
        do_sample=False,
    )[0, len(seen_ids) :].tolist()
    assert [t["id"] for t in final["tokens"]] == ref
