"""Shared fixtures: the real embedded model (loaded once), a live app, a real browser.

Never mock model loading: the tests run the same SmolLM2-135M the app serves.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Iterator

import pytest

CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def lm() -> Any:
    """The default model as the app loads it, shared read-only by every test."""
    from playground.loader import get_loader

    return get_loader().get(None)


@pytest.fixture(scope="session")
def tokenizer(lm: Any) -> Any:
    return lm.tokenizer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_app(lm: Any) -> Iterator[str]:
    """The full app, started in this process on a free localhost port; yields its URL."""
    from playground.app import build_app, launch_kwargs

    demo = build_app()
    port = _free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                **launch_kwargs())
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="session")
def client(live_app: str) -> Any:
    from gradio_client import Client

    return Client(live_app, verbose=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright. Missing browser: skip here, fail in CI."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set PLAYGROUND_CHROMIUM)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a first request may load a tokenizer on a busy 2-core machine

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser: Any, live_app: str) -> Iterator[Any]:
    """A fresh page on the live app, in English."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(live_app)
    pg.wait_for_selector("text=LLM Playground")
    try:
        yield pg
    finally:
        context.close()
