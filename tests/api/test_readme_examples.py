"""Every gradio_client example in README.md runs against a live app: the API docs stay true to the code."""

from __future__ import annotations

import re

import pytest

from playground import config

README = (config.ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "Client(" in b]


def test_readme_has_client_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("block", BLOCKS, ids=[f"example{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(block, live_app, capsys):
    code = block.replace("http://127.0.0.1:7860/", live_app)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})  # noqa: S102 - our own docs
    assert capsys.readouterr().out.strip()  # every example prints what it fetched
