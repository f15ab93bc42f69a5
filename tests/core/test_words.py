"""The Tokenizer, Embedding Neighbors and Layer Representations results in three languages, and the one
render module: a Chinese result carries no English sentence (model names, code, token text and numbers
aside), English results keep their words, and every text in the HTML is escaped."""

from __future__ import annotations

import re

import pytest

from playground import config
from playground.core.tokens import TAX_PAIRS, TokenTax, show_piece, tokenize
from playground.render import el, tax_table, token_spans

# Three or more English words in a row: a sentence or a phrase someone forgot to translate.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")


def english_in(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """English phrases in `text`, once code spans, HTML tags and the `allowed` names are left out."""
    text = re.sub(r"`[^`]*`|<[^>]+>", " ", text)
    for name in allowed:
        text = text.replace(name, " ")
    return ENGLISH.findall(text)


def figure_words(fig) -> str:
    """What a reader sees of a figure besides its data: title, axis titles, legend names, panel titles."""
    layout = fig.layout
    parts = [layout.title.text or ""]
    parts += [layout[k].title.text or "" for k in layout if k.startswith(("xaxis", "yaxis")) and layout[k].title]
    parts += [a.text or "" for a in layout.annotations] + [t.name or "" for t in fig.data if t.showlegend is not False]
    return " | ".join(parts)


def table_words(table: dict) -> str:
    return (
        " | ".join(table["headers"])
        + " | "
        + " | ".join(str(c) for row in table["data"] for c in row if isinstance(c, str) and not c.startswith("<"))
    )


# --------------------------------------------------------------------------- edge cases first


def test_el_escapes_attributes_and_the_detector_finds_english():
    want = '<span class="tok" title="x &quot;y&quot;">a&lt;b</span>'
    assert el("span", "a&lt;b", class_="tok", title='x "y"') == want
    assert el("b") == "<b></b>"
    assert english_in("**3** 個詞元，`the code stays`") == []
    assert english_in("Decoded back: `x`") == [] and english_in("Decoding changed the whitespace") != []


def test_show_piece_is_one_renderer_with_two_readings():
    assert show_piece(" a\n\tb\r") == "␣a↵⇥b␍"
    assert show_piece(" a\n\tb", running=True) == " a↵\n⇥b"  # Chat: spaces stay, lines still break


def test_the_token_tax_table_is_worded_and_escaped():
    html = tax_table([("<m>", TokenTax(19, 50))], TAX_PAIRS, "zh-Hant")
    assert "&lt;m&gt;" in html and "×2.63" in html and "英文詞元數" in html
    assert "English tokens" in tax_table([("m", TokenTax(19, 50))], TAX_PAIRS)


@pytest.mark.parametrize("decoded, issue", [("ﬁne", None), ("fine", "nfkc"), ("ﬁne ", "whitespace"), ("ﬁn", "changed")])
def test_round_trip_gives_a_code_the_tab_words(tokenizer, decoded, issue):
    """SmolLM2 gives 'ﬁne' back; a tokenizer that normalizes, trims or drops would not (decoded replaced)."""
    import dataclasses

    from playground.words.tokenizer import stats_md

    tok = dataclasses.replace(tokenize(tokenizer, "ﬁne", False), decoded=decoded)
    assert tok.round_trip_issue() == issue
    assert english_in(stats_md(tok, "zh-Hans")) == []
    assert ("Round trip differs" in stats_md(tok)) == (issue is not None)


# --------------------------------------------------------------------------- whole results in Chinese


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_tokenizer_results_in_chinese_have_no_english_sentence(lm, lang):
    from playground.tabs.tokenizer import run_compare, run_tokenize

    model = config.settings().default_model
    spans, stats, table, _code, _result = run_tokenize(model, "good morning", True, lang)
    assert english_in(stats + spans) == [] and english_in(table_words(table)) == []
    html, _data = run_compare(model, config.settings().chinese_model, "大家好", False, lang)
    assert english_in(html, (model, config.settings().chinese_model)) == []
    assert english_in(html.split("<table")[1].split(">", 1)[1]) == []  # the token-tax table, its hover aside
    assert (
        table["headers"]
        == {
            "zh-Hant": ["#", "編號", "原始詞元", "位元組", "文字", "對應原文"],
            "zh-Hans": ["#", "编号", "原始词元", "字节", "文本", "对应原文"],
        }[lang]
    )


def test_tokenizer_results_in_english_keep_their_words(lm):
    from playground.tabs.tokenizer import run_tokenize

    _spans, stats, table, _code, _result = run_tokenize(config.settings().default_model, "i am good", True)
    assert stats.startswith("**9** characters → **3** tokens (**3.00** characters per token).")
    assert "Round trip: decode(encode(text)) == text ✓" in stats
    assert table["headers"] == ["#", "id", "raw token", "bytes", "text", "span"]
    assert table["data"][1] == [1, 744, "Ġam", "20 61 6d", "␣am", "␣am"]


@pytest.mark.parametrize("word, mode", [("apple", "mean"), ("蘋果", "mean"), ("蘋果", "each")])
def test_neighbours_results_in_chinese_have_no_english_sentence(lm, word, mode):
    from playground.tabs.neighbors import embedding_neighbors

    summary, bar, scatter, table, _code, _result = embedding_neighbors(lm.name, word, 3, mode, "input", "zh-Hant")
    assert english_in(summary, (lm.name,)) == []
    assert english_in(figure_words(bar) + figure_words(scatter)) == []
    assert english_in(table_words(table)) == [] and table["headers"] == ["查詢", "排名", "編號", "詞元", "餘弦"]
    if mode == "mean" and word == "蘋果":
        assert table["data"][0][0] == "4 個片段的平均"


def test_neighbours_summary_in_english_is_unchanged(lm):
    from playground.tabs.neighbors import embedding_neighbors

    summary, bar, _s, table, _c, _r = embedding_neighbors(lm.name, "蘋果", 3, "mean", "input")
    assert summary == (
        f"**'蘋果'** is **4** tokens for {lm.name}: `<0xE8>` (179) `<0x98>` (242) `<0x8B>` (229) "
        "`果` (43774). Searched with the mean of the pieces' vectors against all **49,152** rows "
        "(576 dimensions), the query's own tokens left out. This model ties `lm_head` to "
        "`embed_tokens`, so both spaces are one table."
    )
    assert table["data"][0][0] == "mean of 4 pieces" and bar.layout.title.text.startswith("Nearest tokens to '蘋果'")


@pytest.mark.parametrize("target", [" Rome", ""])
def test_layers_results_in_chinese_have_no_english_sentence(lm, target):
    from playground.tabs.layers import layer_representations

    out = layer_representations(
        lm.name, "The capital of France is Paris, and the capital of Italy is", -1, target, "zh-Hans"
    )
    summary, shapes, *figures, lens_table, _code, _result = out
    assert english_in(summary, (lm.name,)) == []
    assert english_in(" | ".join(figure_words(f) for f in figures)) == []
    assert english_in(table_words(shapes)) == [] and english_in(" | ".join(lens_table["headers"])) == []
    assert shapes["data"][0][1] == "嵌入层输出" and shapes["data"][-1][1] == "第 29 层之后 + 最终归一化"


def test_layers_summary_in_english_is_unchanged(lm):
    from playground.tabs.layers import layer_representations

    summary, shapes, *_ = layer_representations(
        lm.name, "The capital of France is Paris, and the capital of Italy is", -1, " Rome"
    )
    assert summary == (
        f"**13** tokens through **30** layers of {lm.name}: `output_hidden_states` gives **31** "
        "tensors of shape (1, 13, 576), the embedding output first; the last has already been through "
        "the final norm, so the lens applies that norm to all the others only. Tracked token: "
        "`␣Rome` (id 7268) after `␣is` at position 12: rank 1 at the last layer; it first enters "
        "the top 10 at layer 29."
    )
    assert shapes["headers"][1] == "what" and shapes["data"][0][:2] == [0, "embedding output"]


def test_token_spans_keep_one_class_per_token(tokenizer):
    html = token_spans(tokenize(tokenizer, "i am good"), [False, True, False], "zh-Hant")
    assert html.count('class="tok"') == 2 and html.count('class="tok diff"') == 1
    assert token_spans(tokenize(tokenizer, "")).endswith("<em>(no tokens)</em></div>")
