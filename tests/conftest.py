"""Shared fixtures: the real embedded model (loaded once), a live app, a real browser; the test tiers and the
offline environment every test runs in.

Never mock model loading: the tests run the same SmolLM2-135M the app serves.
Tiers: each test gets the marker of its folder (core, api, browser), except that a slow test of tests/core (marked
@pytest.mark.slow, or using a slow fixture) gets `model` instead of `core`. `pytest -m core` is the quick tier (no
server, no browser, nothing that needs seconds of model time), `-m model` the core tests that do (the second
embedded model, a training measurement, long generation), `-m api` and `-m browser` the live-app tiers. `make test`
runs every tier.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
TIERS = ("core", "api", "browser")  # test folders, each a marker in pytest.ini (with `model`: slow core tests)


# Fixtures that make a test slow wherever it is: the second embedded model is 2.5 GB in float32 (a load of
# ~20 s here, and a first conversion of minutes) and decodes ~10 tokens/s.
SLOW_FIXTURES = {"qwen"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test as slow when it uses a slow fixture, then with its tier: its folder's (tests/core/test_x.py
    -> @pytest.mark.core), or `model` for a slow test of tests/core."""
    root = Path(__file__).parent
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        parts = item.path.relative_to(root).parts if item.path.is_relative_to(root) else ()
        if parts and parts[0] in TIERS:
            tier = "model" if parts[0] == "core" and item.get_closest_marker("slow") else parts[0]
            item.add_marker(getattr(pytest.mark, tier))


def _go_offline(mp: pytest.MonkeyPatch) -> None:
    """What CI sees: no Hub. The environment for this process and the ones it starts, and huggingface_hub's
    constant, which it reads from the environment once at import (transformers asks the same constant)."""
    from huggingface_hub import constants

    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    mp.setattr(constants, "HF_HUB_OFFLINE", True)


@pytest.fixture(scope="session", autouse=True)
def offline_session() -> Iterator[None]:
    """Offline before any session fixture loads a model or starts an app (autouse runs first in its scope)."""
    with pytest.MonkeyPatch.context() as mp:
        _go_offline(mp)
        yield


@pytest.fixture(autouse=True)
def offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline in every test, even after an earlier test changed the setting: a connected laptop behaves like CI."""
    _go_offline(monkeypatch)


@pytest.fixture(scope="session")
def lm() -> Iterator[Any]:
    """The default model as the app loads it, shared read-only by every test.

    Pinned in the shared loader for the whole session, as a running request pins it: tests that load other
    variants (int8, bfloat16) in the live app then evict each other, never this one, so every test that
    compares the app's answers with `lm` talks to the same object.
    """
    from playground.loader import get_loader

    with get_loader().use(None) as model:
        yield model


@pytest.fixture(scope="session")
def tokenizer(lm: Any) -> Any:
    return lm.tokenizer


@pytest.fixture(scope="session")
def qwen() -> Any:
    """The second embedded model, Qwen2.5-Coder-0.5B-Instruct (the Chinese lessons' model), loaded once:
    2.5 GB in float32 and ~10 tokens/s here, so tests that decode with it keep replies short."""
    from playground import config
    from playground.loader import get_loader

    return get_loader().get(config.settings().chinese_model)


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
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_kwargs())
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`app.py` in a process of its own with an empty cache folder, as on a first start: yields its URL
    as soon as the port answers (the default model is then still being prepared). One per test module."""
    cache = tmp_path_factory.mktemp("empty-cache")
    port = _free_port()
    env = dict(
        os.environ, PLAYGROUND_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1", PLAYGROUND_PREPARE="default"
    )  # the second embedded model is not needed for these tests
    log_path = cache / "app.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)],
            cwd=Path(__file__).parents[1],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the app did not start:\n{log_path.read_text()}") from None
                    time.sleep(0.2)
            assert not any((cache / "converted").glob("*/config.json")), "the cache was not empty at the start"
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            proc.wait(timeout=30)


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
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
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
