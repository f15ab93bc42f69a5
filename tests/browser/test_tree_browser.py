"""The Generation Tree tab in a real browser: click a token, pick an alternative, see the new branch; in Layer
Representations, switch the commitment strip's mode and see it re-coloured."""

from __future__ import annotations

from playwright.sync_api import expect


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


def test_next_token_opens_its_appended_tokens_as_a_tree_and_forks(page):
    """Next Token: predict, append two tokens, open them as a tree: the Generation Tree tab is selected, its
    branch 0 is the appended tokens; click one, pick an alternative, fork."""
    _open_tab(page, "Next Token")
    page.get_by_role("textbox", name="Prompt", exact=True).first.fill("The capital of France is")
    page.get_by_role("button", name="Predict the next token", exact=True).click()
    generated = page.get_by_role("textbox", name="Text so far (prompt + appended tokens)")
    page.locator("#next-token-chart .js-plotly-plot").first.wait_for(timeout=180_000)
    for _ in range(2):
        before = generated.input_value()
        page.get_by_role("button", name="Append the most likely", exact=True).click()
        expect(generated).not_to_have_value(before, timeout=60_000)
    page.locator("#next-token-tree").click()
    page.locator("#tree-chart .js-plotly-plot").wait_for(timeout=120_000)
    assert page.get_by_role("tab", name="Generation Tree", exact=True).get_attribute("aria-selected") == "true"
    page.get_by_text("the 2 appended tokens are branch 0").wait_for()
    tokens = page.locator("#tree-tokens .token")
    assert tokens.count() == 2 and "Paris" in tokens.first.inner_text()
    tokens.nth(1).click()
    alternatives = page.locator("#tree-alts input[type=radio]")
    alternatives.first.wait_for()
    alternatives.nth(0).check()
    page.locator("#tree-fork").click()
    branches = page.locator("#tree-branch input[type=radio]")
    branches.nth(1).wait_for()
    assert branches.count() == 2 and branches.nth(1).is_checked()
    page.get_by_text("Branch 0 and branch 1 share 1 tokens").wait_for()
    assert page.get_by_text("Traceback").count() == 0


def test_chat_reply_shows_its_commitment_strip_and_opens_as_a_tree(page):
    _open_tab(page, "Chat")
    page.locator("#chat-strip-section").get_by_text("Where was each token decided?").click()
    page.locator("#chat-strip-run").click()  # no reply yet: a message, no error
    page.locator("#chat-strip-summary").get_by_text("There is no reply yet").wait_for()
    box = page.get_by_role("spinbutton", name="Max new tokens")
    box.fill("12")
    box.press("Enter")
    page.get_by_role("button", name="Token confidence").click()  # its view fills when the reply is done
    page.get_by_role("textbox", name="Message", exact=True).fill("What is the capital of France?")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('#chat-confidence .chat-tok').length > 0", timeout=180_000)
    n_reply = page.locator("#chat-confidence .chat-tok").count()
    page.locator("#chat-strip-run").click()
    chips = page.locator("#chat-strip .commit-tok")
    chips.first.wait_for(timeout=120_000)
    assert chips.count() == n_reply  # one chip per reply token
    page.locator("#chat-strip-note").get_by_text("tuned lens").wait_for()
    top1 = [chips.nth(i).get_attribute("data-layer") for i in range(chips.count())]
    page.locator("#chat-strip-mode").get_by_text("stays in the top 3").click()
    page.wait_for_timeout(1500)  # a re-colouring from the kept numbers (no new forward pass)
    top3 = [chips.nth(i).get_attribute("data-layer") for i in range(chips.count())]
    assert all(int(b) <= int(a) for a, b in zip(top1, top3))
    page.locator("#chat-tree").click()
    page.locator("#tree-chart .js-plotly-plot").wait_for(timeout=120_000)
    page.get_by_text(f"the last reply ({n_reply} tokens) is branch 0").wait_for()
    assert page.locator("#tree-tokens .token").count() == n_reply
    assert page.get_by_text("Traceback").count() == 0


def test_a_handoff_stays_in_its_own_session(browser, live_app, page):
    """Two pages: the one that opens Next Token's prompt as a tree gets it; the other's tree tab stays empty (the
    handoff and the tree are gr.State values of each browser session)."""
    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US").new_page()
    try:
        other.goto(live_app)
        other.wait_for_selector("text=LLM Playground")
        _open_tab(other)
        _open_tab(page, "Next Token")
        page.get_by_role("textbox", name="Prompt", exact=True).first.fill("One, two, three,")
        page.locator("#next-token-tree").click()  # nothing appended: the tree grows from the prompt
        page.get_by_text("no token was appended yet").wait_for(timeout=120_000)
        assert page.locator("#tree-tokens .token").count() > 0
        other.wait_for_timeout(2000)
        assert other.locator("#tree-tokens .token").count() == 0
        assert other.get_by_text("Opened from Next Token").count() == 0
    finally:
        other.context.close()
