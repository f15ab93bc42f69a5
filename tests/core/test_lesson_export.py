"""A saved lesson run reloads identically without a model (nothing here loads one), and a hostile file is
refused or cleaned: wrong format, wrong types, unknown steps, scripts in its HTML."""

from __future__ import annotations

import json
import threading

import pytest

from playground.core import lesson_export, lesson_runs, lessons
from playground.errors import InputError


def _records() -> dict:
    """Records of two steps that need no weights (a config read and arithmetic), as the tab builds them."""
    from playground import lesson_visuals

    out = {}
    for sid in ("inside.params", "memory.zero"):
        step = lessons.get_step(sid)
        run = lesson_runs.run(step, "en", None)
        fig, html = lesson_visuals.visuals(step, run, None, "en")
        out[sid] = lesson_visuals.record(step, "en", run, fig, '<span class="tok">x</span>', "16", "en")
    return out


def test_an_export_reloads_identically_without_a_model(monkeypatch):
    from playground.loader import ModelLoader
    from playground.tabs import lesson_views

    records = _records()
    doc = lesson_export.make_export(records, "en", "SmolLM2-135M-Instruct")
    assert doc["format"] == "llm-playground-lesson" and set(doc["versions"]) == {
        "torch",
        "transformers",
        "gradio",
        "plotly",
    }
    assert [r["step"] for r in doc["steps"]] == ["inside.params", "memory.zero"]

    # Nothing may be asked of the loader by this thread while the saved run is read and shown (a background
    # start-up load elsewhere in the process would make a count of loaded models unreliable; this is exact).
    # Other threads go through: a start-up load in the background is not this test's business.
    me = threading.current_thread()

    def refusing(name: str):
        original = getattr(ModelLoader, name)

        def call(self, *args, **kwargs):
            assert threading.current_thread() is not me, f"showing a saved run asked the loader ({name})"
            return original(self, *args, **kwargs)

        return call

    for name in ("get", "use", "tokenizer"):
        monkeypatch.setattr(ModelLoader, name, refusing(name))
    back = lesson_export.read_export(json.dumps(doc).encode())
    assert back["records"] == records and back["model"] == "SmolLM2-135M-Instruct"
    for sid, record in records.items():
        plot, html, summary, reveal, result = lesson_views.shown(back["records"][sid])
        plot0, html0, summary0, reveal0, result0 = lesson_views.shown(record)
        assert plot["value"].to_json() == plot0["value"].to_json()
        assert (html, summary, reveal, result) == (html0, summary0, reveal0, result0)
        assert result["all_held"] is True


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not JSON"),
        (b"[]", "not a saved lesson"),
        (json.dumps({"format": "other", "version": 1}).encode(), "not a saved lesson"),
        (json.dumps({"format": "llm-playground-lesson", "version": 1, "steps": {}}).encode(), "no list of steps"),
        (json.dumps({"format": "llm-playground-lesson", "version": 1, "steps": [1]}).encode(), "not an object"),
        (b" " * (lesson_export.MAX_BYTES + 1), "at most"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(raw, message):
    with pytest.raises(InputError, match=message):
        lesson_export.read_export(raw)


def test_a_record_of_an_unknown_step_or_wrong_type_is_refused():
    record = next(iter(_records().values()))
    for bad in ({**record, "step": "os.system"}, {**record, "result": "x"}, {**record, "held": []}):
        doc = {"format": "llm-playground-lesson", "version": 1, "steps": [bad]}
        with pytest.raises(InputError):
            lesson_export.read_export(json.dumps(doc))


@pytest.mark.parametrize(
    ("html", "clean"),
    [
        ('<span class="tok" onclick="x()">a</span>', '<span class="tok">a</span>'),
        ("<script>alert(1)</script>b", "alert(1)b"),
        ('<img src=x onerror="alert(1)">', ""),
        ('<a href="javascript:alert(1)">l</a>', "l"),
        ('<span style="background:url(javascript:x)">s</span>', "<span>s</span>"),
        ('<span style="background:#fde">s</span>', '<span style="background:#fde">s</span>'),
        ("<b>unclosed", "<b>unclosed</b>"),
        ("1 &lt; 2", "1 &lt; 2"),
    ],
)
def test_saved_html_keeps_only_the_token_views_tags(html, clean):
    assert lesson_export.clean_html(html) == clean
