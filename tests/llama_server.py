"""A real OpenAI-compatible server for the served-model tests: `python -m llama_cpp.server` on the embedded GGUF
file, on a free port of 127.0.0.1, and a silent server that accepts connections and never answers.

Not a test module: the served-model tests (tests/core/test_served.py, tests/api/test_chat_engine_api.py) start
these in their fixtures. Skips (with the reason) where llama-cpp-python is not installed.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ALIAS = "SmolLM2-135M-Instruct"  # the model name the server answers to: the catalog name, so its tokenizer is here
KEY = "test-key-not-secret"  # the server's API key in the tests


def needs_llama_cpp() -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make install-llamacpp; CI installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gguf_path() -> str:
    from playground import config
    from playground.loader import resolve

    return resolve(config.settings().default_model).location


@dataclass
class Server:
    url: str  # base URL, ending in /v1
    proc: subprocess.Popen
    log: Path


def _wait_until_listed(url: str, proc: subprocess.Popen, log: Path, api_key: str | None) -> None:
    """Until the server lists its model (the model is loaded then), for two minutes at most."""
    import httpx

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    for _ in range(600):
        if proc.poll() is not None:
            break
        try:
            if httpx.get(url + "/models", headers=headers, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"llama_cpp.server did not start:\n{log.read_text()}")


@contextmanager
def llama_server(tmp: Path, api_key: str | None = None, threads: int = 1) -> Iterator[Server]:
    """llama.cpp's own server on the embedded file, ready when /v1/models answers."""
    needs_llama_cpp()
    port = free_port()
    args = [sys.executable, "-m", "llama_cpp.server", "--model", gguf_path(), "--model_alias", ALIAS]
    args += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", str(threads)]
    args += ["--n_threads_batch", str(threads), "--verbose", "false"]
    if api_key:
        args += ["--api_key", api_key]
    log = tmp / f"llama-server-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_listed(f"http://127.0.0.1:{port}/v1", proc, log, api_key)
        yield Server(f"http://127.0.0.1:{port}/v1", proc, log)
    finally:
        proc.kill()
        proc.wait(timeout=30)


@contextmanager
def silent_server() -> Iterator[str]:
    """A server that accepts connections and reads requests but never answers: yields its /v1 URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)  # kept open, never answered
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        done.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        sock.close()
