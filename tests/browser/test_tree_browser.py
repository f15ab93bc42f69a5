"""The Generation Tree tab in a real browser: click a token, pick an alternative, see the new branch; in Layer
Representations, switch the commitment strip's mode and see it re-coloured."""

from __future__ import annotations


def _open_tab(page, name: str = "Generation Tree") -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def test_click_a_token_pick_an_alternative_and_fork(page):
    _open_tab(page)
    page.locator("#tree-grow").click()
    page.locator("#tree-chart .js-plotly-plot").wait_for()
    branches = page.locator("#tree-branch input[type=radio]")
    branches.first.wait_for()
    assert branches.count() == 1
    page.locator("#tree-tokens .token").nth(2).click()  # the third token of branch 0
    alternatives = page.locator("#tree-alts input[type=radio]")
    alternatives.first.wait_for()
    assert alternatives.count() == 4  # the step's top 5 without the token taken
    alternatives.nth(1).check()
    page.locator("#tree-fork").click()
    branches.nth(1).wait_for()
    assert branches.count() == 2 and branches.nth(1).is_checked()  # the new branch is the one shown
    page.get_by_text("Branch 0 and branch 1 share 2 tokens").wait_for()
    assert page.get_by_text("Traceback").count() == 0


def test_commitment_strip_mode_switch_recolours(page):
    _open_tab(page, "Layer Representations")
    page.locator("#commit-run").click()
    chips = page.locator("#commit-strip .commit-tok")
    chips.first.wait_for()
    top1 = [chips.nth(i).get_attribute("data-layer") for i in range(chips.count())]
    page.locator("#commit-mode").get_by_text("stays in the top 3").click()
    page.wait_for_function(
        """(before) => {
            const now = [...document.querySelectorAll('#commit-strip .commit-tok')].map(e => e.dataset.layer);
            return now.length === before.length && now.some((x, i) => x !== before[i]);
        }""",
        arg=top1,
    )
    top3 = [chips.nth(i).get_attribute("data-layer") for i in range(chips.count())]
    assert all(int(b) <= int(a) for a, b in zip(top1, top3))  # the top 3 is reached no later than top-1
    page.locator("#commit-note").get_by_text("tuned lens").wait_for()
