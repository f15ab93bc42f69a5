"""A freshly started app with an empty cache, hit by the requests that every tab sends as the page opens.

The other API tests share an app whose model the fixtures loaded first; this one starts `app.py` in a
process of its own, with an empty cache folder, so the default model has to be converted while the first
requests arrive: they must wait for the preparation, never race it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

MODEL = "SmolLM2-135M-Instruct"


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
