"""Many users on one app: what one session (or API call) chooses never changes what another computes.

Two gradio_client sessions A and B on the live app. A asks for the int8 variant (and loads it through
/load_model); B, which never asked for it, must get exactly what it gets when A does nothing.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

MODEL = "SmolLM2-135M-Instruct"
INT8 = json.dumps({"name": MODEL, "device": "cpu", "dtype": "float32", "quantization": "int8"})


def _b_results(b: Client) -> dict:
    *_, nxt = b.predict(MODEL, "1+1=", False, 1.0, 0, 1.0, 10, api_name="/next_token")
    *_, att = b.predict(MODEL, "The cat sat on the mat", 2, "mean", api_name="/attention")
    *_, arch = b.predict(MODEL, "", "", api_name="/architecture")
    _, measured = b.predict(MODEL, "inference", 64, api_name="/vram_measure")
    return {"next": nxt, "attention": att, "architecture": arch, "measure": measured}


def test_int8_in_one_session_leaves_another_sessions_results_unchanged(live_app):
    a, b = Client(live_app, verbose=False), Client(live_app, verbose=False)
    alone = _b_results(b)
    status = a.predict(MODEL, "cpu", "float32", True, api_name="/load_model")
    assert "int8" in status
    *_, a_next = a.predict(INT8, "1+1=", False, 1.0, 0, 1.0, 10, api_name="/next_token")
    # A really computes with its int8 variant (its probabilities differ from float32) ...
    assert (
        max(abs(x["probability"] - y["probability"]) for x, y in zip(a_next["candidates"], alone["next"]["candidates"]))
        > 1e-4
    )
    # ... and B's numbers are what B got alone, to 1e-6.
    again = _b_results(b)
    for x, y in zip(again["next"]["candidates"], alone["next"]["candidates"]):
        assert x["id"] == y["id"] and x["probability"] == pytest.approx(y["probability"], abs=1e-6)
    np.testing.assert_allclose(again["attention"]["weights"], alone["attention"]["weights"], atol=1e-6)
    assert again["architecture"] == alone["architecture"]  # a config view, never another session's variant
    # B's measurement runs B's float32 model (not A's int8 one): same weights, same estimate.
    for key in ("weights_bytes", "estimated_bytes", "kind", "context"):
        assert again["measure"][key] == alone["measure"][key]


def test_a_json_choice_and_a_plain_name_are_both_accepted(client):
    plain = client.predict(MODEL, "hi", False, 1.0, 0, 1.0, 3, api_name="/next_token")[-1]
    chosen = client.predict(json.dumps({"name": MODEL}), "hi", False, 1.0, 0, 1.0, 3, api_name="/next_token")[-1]
    assert [c["probability"] for c in plain["candidates"]] == [c["probability"] for c in chosen["candidates"]]


@pytest.mark.parametrize(
    "choice, message",
    [
        (json.dumps({"name": MODEL, "dtype": "float8"}), "Unknown dtype 'float8'"),
        (
            json.dumps({"name": MODEL, "quantization": "int8", "dtype": "bfloat16"}),
            "choose device cpu and dtype float32",
        ),
        (json.dumps({"name": MODEL, "colour": "red"}), "Unknown field"),
        ('{"name": ', "not valid JSON"),
    ],
)
def test_bad_choices_get_clear_messages_and_the_app_keeps_serving(client, choice, message):
    with pytest.raises(AppError, match=message):
        client.predict(choice, "hi", False, 1.0, 0, 1.0, 3, api_name="/next_token")
    *_, ok = client.predict(MODEL, "hi", False, 1.0, 0, 1.0, 3, api_name="/next_token")
    assert len(ok["candidates"]) == 3
