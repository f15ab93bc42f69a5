"""Size budgets of the package, in formatted lines (the tree is `ruff format`ted, so a line is a line of code).

No module in playground/ over 350 lines, no tab module (playground/tabs/*.py) over 150: a module that grows past
its budget has taken a second job, and is split by job (core/ math, words/ wording, charts_*.py figures, tabs/
wiring), not squeezed. The message lists every offender with its count.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "playground"
MODULE_LINES = 350  # any module in playground/
TAB_LINES = 150  # a tab module: components and wiring only


def _over(paths: list[Path], budget: int) -> list[str]:
    """'playground/x.py: 480 lines' for each file over `budget`, longest first."""
    counts = [(len(p.read_text(encoding="utf-8").splitlines()), p) for p in paths]
    return [f"{p.relative_to(PACKAGE.parent)}: {n} lines" for n, p in sorted(counts, reverse=True) if n > budget]


def test_the_walk_finds_the_package():
    """The budgets below would pass vacuously on a wrong path."""
    assert len(list(PACKAGE.rglob("*.py"))) > 50 and len(list((PACKAGE / "tabs").glob("*.py"))) > 10
    assert _over([PACKAGE / "app.py"], 0) == [
        f"playground/app.py: {len((PACKAGE / 'app.py').read_text().splitlines())} lines"
    ]


def test_no_module_over_350_lines():
    over = _over(sorted(PACKAGE.rglob("*.py")), MODULE_LINES)
    assert not over, f"{len(over)} modules over {MODULE_LINES} lines (split them by job): " + "; ".join(over)


def test_no_tab_module_over_150_lines():
    over = _over(sorted((PACKAGE / "tabs").glob("*.py")), TAB_LINES)
    assert not over, f"{len(over)} tab modules over {TAB_LINES} lines (move logic to core/ or words/): " + "; ".join(
        over
    )
