"""spaces.yaml is the single source of truth: the README front matter, the requirements and the
shipped architecture data must agree with it."""

from __future__ import annotations

import json
import re

import yaml

from playground import config


def _front_matter() -> dict:
    text = (config.ROOT / "README.md").read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert m, "README.md must start with Hugging Face Spaces front matter"
    return yaml.safe_load(m.group(1))


def test_readme_front_matter_agrees_with_spaces_yaml():
    fm = _front_matter()
    catalog = [e.hub_id for e in config.settings().catalog]
    assert fm["models"] == catalog
    assert fm["sdk"] == "gradio" and fm["app_file"] == "app.py"
    assert len(fm["short_description"]) <= 60  # the Hub's limit


def test_sdk_version_is_the_pinned_gradio():
    reqs = (config.ROOT / "requirements.txt").read_text()
    pinned = re.search(r"^gradio==([\d.]+)$", reqs, re.M).group(1)
    assert str(_front_matter()["sdk_version"]) == pinned
    import gradio

    assert gradio.__version__ == pinned


def test_default_model_is_in_the_catalog_and_embedded():
    s = config.settings()
    entry = s.entry(s.default_model)
    assert entry is not None and entry.embedded


def test_every_catalog_model_has_offline_architecture_data():
    data = json.loads((config.ROOT / "playground" / "data" / "architectures.json").read_text())
    assert {e.hub_id for e in config.settings().catalog} <= set(data)


def test_limits_are_positive_and_overridable(monkeypatch):
    limits = config.settings().limits
    assert all(v > 0 for v in vars(limits).values())
    monkeypatch.setenv("PLAYGROUND_MAX_FORWARD_TOKENS", "7")
    config.settings.cache_clear()
    try:
        assert config.settings().limits.max_forward_tokens == 7
    finally:
        monkeypatch.delenv("PLAYGROUND_MAX_FORWARD_TOKENS")
        config.settings.cache_clear()
