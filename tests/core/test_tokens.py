"""Tokenizer core against direct transformers calls, with the edge cases first."""

from __future__ import annotations

import pytest

from playground.core.tokens import check_text, differing, show_piece, token_bytes, tokenize
from playground.errors import InputError

EDGE_CASES = [
    "",  # empty
    "x",  # one character
    "大家好",  # CJK: byte pieces inside characters
    "蘋果",
    "👨‍👩‍👧",  # emoji joined by zero-width joiners
    "  a   b \n\n\t c  ",  # whitespace runs
    "<|im_start|>user\nhi<|im_end|>",  # special tokens written as text
    "naïve café – “quotes”",
    "1+1=",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_ids_equal_transformers_and_round_trip(tokenizer, text):
    tok = tokenize(tokenizer, text)
    assert tok.ids == tokenizer(text).input_ids
    assert [t.raw for t in tok.tokens] == tokenizer.convert_ids_to_tokens(tok.ids)
    assert tok.decoded == tokenizer.decode(tok.ids)
    # Byte pieces joined give the exact UTF-8 of the input, even when single pieces split a character.
    assert b"".join(t.bytes for t in tok.tokens).decode("utf-8") == text
    assert tok.round_trip and tok.round_trip_issue() is None
    assert tok.n_tokens == len(tok.ids) and tok.n_chars == len(text)


def test_same_word_different_ids_because_of_the_leading_space(tokenizer):
    a = tokenize(tokenizer, "good morning")
    b = tokenize(tokenizer, "i am good")
    assert a.ids == [12018, 5738] and b.ids == [89, 744, 1123]
    assert a.tokens[0].raw == "good" and b.tokens[-1].raw == "Ġgood"
    assert b.tokens[-1].text == " good"


def test_cjk_pieces_that_split_a_character_are_marked(tokenizer):
    tok = tokenize(tokenizer, "大家好")
    assert tok.ids == [41479, 18310, 131, 48392, 138]
    assert [t.complete for t in tok.tokens] == [True, False, False, False, False]
    assert tok.tokens[1].bytes + tok.tokens[2].bytes == "家".encode()
    assert [(t.start, t.end) for t in tok.tokens] == [(0, 1), (1, 2), (1, 2), (2, 3), (2, 3)]
    assert tokenizer.decode(tok.ids) == "大家好"


def test_counts_and_json(tokenizer):
    tok = tokenize(tokenizer, "i am good")
    data = tok.to_json()
    assert data["count"] == 3 and data["characters"] == 9 and data["chars_per_token"] == 3.0
    assert data["ids"] == [89, 744, 1123] and data["tokens"] == ["i", "Ġam", "Ġgood"]
    assert data["decoded"] == "i am good" and data["round_trip"] is True


def test_special_tokens_in_text_are_recognised(tokenizer):
    tok = tokenize(tokenizer, "<|im_start|>hi")
    assert tok.ids[0] == tokenizer.convert_tokens_to_ids("<|im_start|>") == 1
    assert tok.tokens[0].special and not tok.tokens[1].special


def test_add_special_tokens_switch_with_a_bos_tokenizer(tokenizer):
    """SmolLM2 adds nothing; a tokenizer configured to add BOS shows it appear and vanish."""
    assert tokenize(tokenizer, "hi", True).special_added == []
    import copy

    bos_tok = copy.deepcopy(tokenizer)
    bos_tok.add_bos_token = True
    with_bos = tokenize(bos_tok, "hi", True)
    without = tokenize(bos_tok, "hi", False)
    if with_bos.ids == without.ids:
        pytest.skip("this tokenizer version ignores add_bos_token")
    assert with_bos.ids[0] == bos_tok.bos_token_id
    assert with_bos.special_added == [bos_tok.bos_token]
    assert with_bos.ids[1:] == without.ids
    assert with_bos.round_trip  # the added BOS is not part of the round trip


def test_token_bytes_for_both_tokenizer_families():
    assert token_bytes("Ġgood", byte_level=True) == b" good"
    assert token_bytes("å¤§", byte_level=True) == "大".encode()
    assert token_bytes("▁good", byte_level=False) == b" good"
    assert token_bytes("<0xE5>", byte_level=False) == b"\xe5"


def test_differing_marks_tokens_cut_differently(tokenizer):
    a = tokenize(tokenizer, "good morning")
    b = tokenize(tokenizer, "good morning")
    assert differing(a, b) == ([False, False], [False, False])
    import dataclasses

    # One token for the whole text: it has both ends in common with a, but "good" and " morning"
    # each have an end (4) that the other tokenization does not cut at.
    one = dataclasses.replace(b, tokens=[dataclasses.replace(b.tokens[0], end=12)], ids=[0])
    marks_a, marks_b = differing(a, one)
    assert marks_a == [True, True] and marks_b == [False]


@pytest.mark.parametrize(
    "bad, message", [("", "empty"), ("   \n ", "only whitespace"), ("a\x07b", r"U\+0007"), ("x" * 11, "limit")]
)
def test_check_text_refuses_bad_input(bad, message):
    with pytest.raises(InputError, match=message):
        check_text(bad, max_chars=10)


def test_check_text_accepts_newlines_tabs_and_blank_when_allowed():
    assert check_text("a\nb\tc", 10) == "a\nb\tc"
    assert check_text("   ", 10, allow_blank=True) == "   "


def test_show_piece_makes_whitespace_visible():
    assert show_piece(" good\n") == "␣good↵"
