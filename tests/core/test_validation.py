"""The one text check and the one number check (playground.core.validation): edge cases first."""

from __future__ import annotations

import pytest

from playground import config
from playground.core import chat, tokens
from playground.core.validation import check_text, choice, number
from playground.errors import InputError


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "The text is empty: type something first."),
        (None, "The text is empty: type something first."),
        ("  \n\t ", "The text is empty: it is only whitespace. Type some words."),
        ("a\x85b", "The text contains a control character (U+0085) at position 1; remove it."),  # C1 NEL
        ("a\x07b", "The text contains a control character (U+0007) at position 1; remove it."),
        ("\x7f", "The text contains a control character (U+007F) at position 0; remove it."),
        (42, "The text must be text, got int."),
    ],
)
def test_refused_texts_say_why(text, message):
    with pytest.raises(InputError) as err:
        check_text(text)
    assert str(err.value) == message


def test_over_the_cap_is_refused_and_the_cap_itself_is_fine():
    cap = config.settings().limits.max_input_chars
    assert check_text("a" * cap) == "a" * cap
    with pytest.raises(InputError, match=f"has {cap + 1:,} characters; the limit here is {cap:,}"):
        check_text("a" * (cap + 1))
    with pytest.raises(InputError, match="has 4 characters; the limit here is 3"):
        check_text("abcd", max_chars=3)


def test_tab_newline_carriage_return_and_emoji_are_allowed():
    assert check_text("tab\tand\nnewline\r\n🙂 U+2028\u2028") == "tab\tand\nnewline\r\n🙂 U+2028\u2028"


def test_blank_and_empty_when_allowed():
    assert check_text("   ", allow_blank=True) == "   "
    with pytest.raises(InputError, match="is empty"):
        check_text("", allow_blank=True)
    assert check_text("", allow_empty=True) == "" and check_text(None, allow_empty=True) == ""


def test_every_caller_gives_the_same_verdict_on_u0085():
    """Tokenizer/Next Token (core.tokens) and Chat (core.chat) use the same check: U+0085 is refused by both."""
    with pytest.raises(InputError, match=r"U\+0085"):
        tokens.check_text("a\x85b", max_chars=100, what="prompt")
    with pytest.raises(InputError, match=r"U\+0085"):
        chat.check_text("a\x85b", "the message")
    assert tokens.check_text("a\tb", 10) == chat.check_text("a\tb") == "a\tb"


@pytest.mark.parametrize(
    "value, message",
    [
        (float("nan"), "Top-k must be between 0 and 200, got nan."),
        (float("inf"), "Top-k must be between 0 and 200, got inf."),
        (-1, "Top-k must be between 0 and 200, got -1."),
        (201, "Top-k must be between 0 and 200, got 201."),
        (2.5, "Top-k must be a whole number, got 2.5."),
        ("hot", "Top-k must be a number, got 'hot'."),
        (None, "Top-k must be a number, got None."),
        (True, "Top-k must be a number, got True."),
    ],
)
def test_refused_numbers_name_the_value(value, message):
    with pytest.raises(InputError) as err:
        number("Top-k", value, 0, 200, integer=True)
    assert str(err.value) == message


def test_accepted_numbers_and_bounds():
    assert number("Top-k", "40", 0, 200, integer=True) == 40.0
    assert number("Top-p", 1, 0.01, 1.0) == 1.0 and number("Top-p", 0.01, 0.01, 1.0) == 0.01


def test_choice_ignores_case_and_spaces():
    assert choice("template mode", " Official ", ("official", "none")) == "official"
    with pytest.raises(InputError, match=r"Unknown template mode 'fancy'\. Choose one of: official, none\."):
        choice("template mode", "fancy", ("official", "none"))
