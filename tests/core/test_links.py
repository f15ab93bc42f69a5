"""Links: the query a view writes reads back to the same values; hostile or unknown parameters are ignored
with a reason, never evaluated. The fields below are the ones playground.links reads from the built app."""

from __future__ import annotations

import pytest

from playground.core import lessons
from playground.core import links as core

FIELDS = {
    "neighbors": {
        "word": core.Field("text", max_chars=100),
        "k": core.Field("number", 1, 50, whole=True),
        "mode": core.Field("choice", choices=("each", "mean")),
    },
    "next_token": {
        "prompt": core.Field("text"),
        "temperature": core.Field("number", 0, 2),
        "chat_template": core.Field("bool"),
    },
}
MODELS = ("SmolLM2-135M-Instruct", "Qwen2.5-Coder-0.5B-Instruct")


def _parse(q: str) -> core.Parsed:
    from urllib.parse import parse_qsl

    return core.parse(dict(parse_qsl(q.lstrip("?"), keep_blank_values=True)), FIELDS, MODELS)


# ----------------------------------------------------------------------- edge cases first


def test_an_empty_query_changes_nothing():
    p = _parse("")
    assert (p.tab, p.model, p.lang, p.run, p.present, p.values, p.ignored) == (None, None, None, False, False, {}, ())


@pytest.mark.parametrize(
    ("query", "ignored"),
    [
        ("?tab=neighbors&k=__import__('os').system('id')", ("k", "invalid")),
        ("?tab=neighbors&k=1e309", ("k", "invalid")),
        ("?tab=neighbors&k=nan", ("k", "invalid")),
        ("?tab=neighbors&k=51", ("k", "invalid")),
        ("?tab=neighbors&k=2.5", ("k", "invalid")),
        ("?tab=neighbors&mode=eval", ("mode", "invalid")),
        ("?tab=neighbors&word=a%00b", ("word", "invalid")),
        ("?tab=neighbors&word=" + "x" * 101, ("word", "invalid")),
        ("?tab=<script>alert(1)</script>", ("tab", "invalid")),
        ("?tab=neighbors&model=../../etc/passwd", ("model", "invalid")),
        ("?tab=neighbors&model=https://evil.example/x.gguf", ("model", "invalid")),
        ("?tab=neighbors&lang=fr", ("lang", "invalid")),
        ("?tab=neighbors&__class__=1", ("__class__", "unknown")),
        ("?tab=neighbors&onload=alert(1)", ("onload", "unknown")),
        ("?tab=neighbors&temperature=1", ("temperature", "unknown")),  # another tab's input
        ("?word=apple", ("word", "unknown")),  # no tab: no tab's inputs
    ],
)
def test_hostile_or_unknown_parameters_are_ignored_with_a_reason(query, ignored):
    p = _parse(query)
    assert ignored in p.ignored
    assert ignored[0] not in p.values


def test_a_text_is_kept_as_text_however_it_looks():
    p = _parse("?tab=neighbors&word=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert p.values == {"word": "<img src=x onerror=alert(1)>"} and p.ignored == ()


def test_too_many_parameters_are_cut_and_reported():
    p = _parse("?tab=neighbors&" + "&".join(f"p{i}=1" for i in range(100)))
    assert ("*", "too_many") in p.ignored


# ----------------------------------------------------------------------- round trips


def test_a_view_written_as_a_query_reads_back_to_the_same_values():
    values = {"word": "蘋果 & co", "k": 12, "mode": "each"}
    q = core.query("neighbors", values, model="Qwen2.5-Coder-0.5B-Instruct", lang="zh-Hant", run=True)
    p = _parse(q)
    assert p.tab == "neighbors" and p.model == "Qwen2.5-Coder-0.5B-Instruct" and p.lang == "zh-Hant" and p.run
    assert p.values == values and p.ignored == ()


def test_the_page_model_also_sets_a_tab_model_field():
    tabs = {"vram": {"model": core.Field("choice", choices=MODELS), "params_b": core.Field("number", 0.001, 1000)}}
    p = core.parse({"tab": "vram", "model": MODELS[1], "params_b": "8"}, tabs, MODELS)
    assert p.model == MODELS[1] and p.values == {"model": MODELS[1], "params_b": 8.0}


def test_numbers_and_booleans_round_trip():
    q = core.query("next_token", {"prompt": "1+1=", "temperature": 0.7, "chat_template": True})
    assert q == "?tab=next_token&prompt=1%2B1%3D&temperature=0.7&chat_template=1"
    assert _parse(q).values == {"prompt": "1+1=", "temperature": 0.7, "chat_template": True}


def test_every_step_has_a_link_to_itself_and_one_to_its_tab():
    for step in lessons.STEPS:
        assert core.step_query(step.id, "zh-Hans") == f"?tab=lessons&lang=zh-Hans&step={step.id}"
        for role in step.roles:
            q = core.tab_query(step, role)
            view = f"view={step.view}&" if step.view else ""
            assert q.startswith(f"?tab={step.tab}&{view}model=") and "run=1" in q
    chat = core.tab_query(lessons.get_step("chat.homemade"), "en")
    assert "message=What+is+the+capital+of+France%3F" in chat and "mode=homemade" in chat
    assert "max_new_tokens=64" in chat


# ----------------------------------------------------------------------- sub-tabs (`view`)

VIEWS = {"edit_merge": ("edit-steer", "edit-finetune", "edit-merge")}
EDIT = {
    "edit_merge": {"alpha": core.Field("number", -1, 2), "kind": core.Field("choice", choices=("adapter", "models"))}
}


def _parse_views(q: str) -> core.Parsed:
    from urllib.parse import parse_qsl

    return core.parse(dict(parse_qsl(q.lstrip("?"), keep_blank_values=True)), {**FIELDS, **EDIT}, MODELS, VIEWS)


def test_a_link_names_a_sub_tab_and_reads_back():
    q = core.query("edit_merge", {"kind": "adapter", "alpha": 0.5}, view="edit-merge", run=True)
    assert q == "?tab=edit_merge&view=edit-merge&run=1&kind=adapter&alpha=0.5"
    p = _parse_views(q)
    assert (p.tab, p.view, p.run, p.values, p.ignored) == (
        "edit_merge",
        "edit-merge",
        True,
        {"kind": "adapter", "alpha": 0.5},
        (),
    )


def test_an_old_link_without_a_view_still_opens_its_tab():
    p = _parse_views("?tab=edit_merge&alpha=1&run=1")
    assert (p.tab, p.view, p.values, p.ignored) == ("edit_merge", None, {"alpha": 1.0}, ())
    assert _parse("?tab=neighbors&word=apple").view is None  # parse without views: as before


@pytest.mark.parametrize(
    "query",
    [
        "?tab=edit_merge&view=edit-nope",
        "?tab=edit_merge&view=<script>alert(1)</script>",
        "?tab=neighbors&view=edit-merge",  # another tab's sub-tab
        "?view=edit-merge",  # no tab
        "?tab=edit_merge&view=",
    ],
)
def test_an_unknown_sub_tab_is_ignored_with_a_note(query):
    p = _parse_views(query)
    assert p.view is None and ("view", "invalid") in p.ignored


def test_the_editing_steps_link_their_sub_tab():
    for step in lessons.STEPS:
        q = core.tab_query(step, step.roles[0])
        assert ("&view=" in q) == (step.view is not None), step.id
        if step.view:
            p = _parse_views(q.split("&model=")[0] + "&run=1")
            assert (p.tab, p.view, p.run) == ("edit_merge", step.view, True)
    assert core.BEFORE["merge"] == ("finetune", "kind", "adapter")
