"""A freshly started app with an empty cache, hit by the requests that every tab sends as the page opens.

The other API tests share an app whose model the fixtures loaded first; this one starts `app.py` in a
process of its own, with an empty cache folder, so the default model has to be converted while the first
requests arrive: they must wait for the preparation, never race it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = "SmolLM2-135M-Instruct"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    cache = tmp_path_factory.mktemp("empty-cache")
    port = _free_port()
    env = dict(os.environ, PLAYGROUND_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1",
               PLAYGROUND_PREPARE="default")  # the second embedded model is not needed here
    log = (cache / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((cache / "app.log").read_text())
                time.sleep(0.2)
        assert not any((cache / "converted").glob("*/config.json")), "the cache was not empty at the start"
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_the_first_requests_of_every_tab_at_once_all_succeed(fresh_app):
    from gradio_client import Client

    calls = [
        ("/tokenize", (MODEL, "good morning", True)),
        ("/architecture", (MODEL, "", "")),
        ("/vram_estimate", (MODEL,)),
        ("/next_token", (MODEL, "1+1=", False, 1.0, 0, 1.0, 10)),
        ("/tokenize", (MODEL, "大家好", True)),
        ("/architecture", ("Llama-3.1-8B-Instruct", "", "")),
    ]

    def call(item: tuple[str, tuple]) -> object:
        api, args = item
        return Client(fresh_app, verbose=False).predict(*args, api_name=api)

    with ThreadPoolExecutor(len(calls)) as pool:
        results = list(pool.map(call, calls))  # raises the first error, if any
    assert results[0][-1]["ids"] == [12018, 5738]
    assert results[3][-1]["candidates"][0]["token"] is not None
    assert results[4][-1]["count"] == 5
