"""The Chat tab's engine choice in real headless Chromium: picking llama.cpp makes Send decode with it (the speed
line names it, the confidence view fills), and picking transformers again goes back to the exact engine.

Skipped (with the reason) where llama-cpp-python is not installed; CI installs it (make install-llamacpp).
"""

from __future__ import annotations

from typing import Any

from tests.browser.test_chat_browser import BOT, _open_chat
from tests.llama_server import needs_llama_cpp


def _send(page: Any, text: str) -> None:
    page.get_by_role("textbox", name="Message", exact=True).fill(text)
    page.get_by_role("button", name="Send", exact=True).click()


def test_send_follows_the_engine_choice(page: Any) -> None:
    needs_llama_cpp()
    _open_chat(page, 24)
    page.get_by_role("button", name="Token confidence").click()
    page.get_by_label("llama.cpp (fast, GGUF)").check()
    _send(page, "Why is the sky blue?")
    speed = page.locator("#chat-speed")
    speed.get_by_text("llama.cpp (fast, GGUF)").wait_for(timeout=120_000)
    assert "tokens/s" in speed.inner_text()
    assert page.locator("#chat-confidence .chat-tok").count() == 24
    assert page.locator(BOT).count() == 1

    page.get_by_label("transformers (exact)").check()
    _send(page, "And the sunset?")
    speed.get_by_text("transformers (exact)").wait_for(timeout=120_000)
    assert page.locator(BOT).count() == 2
