"""How tokens and charts are shown: one notation for byte pieces in every tab, chart legends and labels
that a reader can tell apart, counts that agree with their nouns.

The charts are checked as figures (names, texts, fonts, ranges), not as pixels.
"""

from __future__ import annotations

import pytest

from playground import config
from playground.charts import next_token_chart, plural
from playground.charts_inside import LENS_TEXT_POSITIONS, lens_heatmap, neighbors_scatter
from playground.core import layers as ly
from playground.core import neighbors as nb
from playground.core.next_token import last_logits, prompt_ids, sampling_view
from playground.core.tokens import bytes_text, show_piece, token_rows, token_text, tokenize

# --------------------------------------------------------------------------- edge cases first


@pytest.mark.parametrize(
    "data, shown",
    [
        (b"", ""),
        (b" good", " good"),
        (b"\xe5\xa4\xa7", "大"),  # a whole character
        (b"\xe8", "<0xE8>"),  # the first of 蘋's three bytes
        (b"\xe8\x98", "<0xE8><0x98>"),
        (b" \xe5\xa4\xa7\xe8", " 大<0xE8>"),  # whole characters stay text, the stray byte does not
        (b"\xf0\x9f\x98\x80", "😀"),
    ],
)
def test_bytes_text_writes_stray_bytes_as_0x(data, shown):
    assert bytes_text(data) == shown


def test_plural_agrees_with_the_count():
    assert [plural(n, "token") for n in (0, 1, 2, 49152)] == ["tokens", "token", "tokens", "tokens"]


# --------------------------------------------------------------------------- one notation in every tab


def test_token_text_of_whole_special_and_byte_tokens(tokenizer):
    assert token_text(tokenizer, 11977) == " apple"
    assert token_text(tokenizer, 2) == "<|im_end|>"
    assert [token_text(tokenizer, i) for i in (179, 242, 229, 43774)] == ["<0xE8>", "<0x98>", "<0x8B>", "果"]
    assert token_text(tokenizer, 18310) == "<0xE5><0xAE>"  # a two-byte piece


def test_tokenizer_tab_next_token_and_neighbours_write_a_byte_piece_alike(lm, tokenizer):
    """'台灣最高的山是': SmolLM2's candidates include byte pieces; the Tokenizer tab, Next Token and the
    neighbours all write them as <0xE5><0xAE>, never as hex 'e5 ae' or U+FFFD."""
    from playground.render import token_spans

    view = sampling_view(last_logits(lm, prompt_ids(tokenizer, "台灣最高的山是")), tokenizer, show=8)
    assert [(c.id, c.text) for c in view.candidates] == [
        (22924, "一"),
        (177, "<0xE6>"),
        (178, "<0xE7>"),
        (179, "<0xE8>"),
        (180, "<0xE9>"),
        (7906, "<0xE4><0xB8>"),
        (43340, "一个"),
        (18310, "<0xE5><0xAE>"),
    ]
    tok = tokenize(tokenizer, "蘋果")
    assert [row[4] for row in token_rows(tok)] == ["<0xE8>", "<0x98>", "<0x8B>", "果"]
    html = token_spans(tok)
    assert "&lt;0xE8&gt;<sub>179</sub>" in html and "\ufffd" not in html
    r = nb.neighbors(lm, "蘋果", k=3, mode="each")
    assert [g.label for g in r.groups] == ["<0xE8>", "<0x98>", "<0x8B>", "果"]
    assert nb.token_text is token_text  # the neighbours module re-exports the one helper


# --------------------------------------------------------------------------- Next Token chart and summary


@pytest.fixture(scope="module")
def one_plus_one(lm):
    return last_logits(lm, prompt_ids(lm.tokenizer, "1+1="))


def test_legend_names_are_unique_at_temperature_one(one_plus_one, tokenizer):
    fig = next_token_chart(sampling_view(one_plus_one, tokenizer, temperature=1.0, show=5))
    names = [t.name for t in fig.data]
    assert names == ["probability (T=1)", "after top-k / top-p (renormalized)"]
    assert "49,152 tokens may be sampled" in fig.layout.title.text


def test_legend_shows_before_and_after_another_temperature(one_plus_one, tokenizer):
    view = sampling_view(one_plus_one, tokenizer, temperature=0.7, top_k=1, show=5)
    fig = next_token_chart(view)
    assert [t.name for t in fig.data] == [
        "before temperature (T=1)",
        "after temperature (T=0.7)",
        "after top-k / top-p (renormalized)",
    ]
    assert fig.data[0].y[0] == pytest.approx(view.candidates[0].prob)
    assert fig.data[1].y[0] == pytest.approx(view.candidates[0].tempered)
    assert "1 token may be sampled" in fig.layout.title.text


def test_summary_says_one_token_survives(lm):
    from playground.tabs.next_token import predict

    model = config.settings().default_model
    out = predict(model, "1+1=", False, 1.0, 1, 1.0, 5)
    summary = out[2]
    assert "**1** token survives top-k/top-p" in summary
    assert "**4** tokens in" in summary
    assert "bits at T=1)" not in summary  # the tempered entropy is said only when T is not 1
    out = predict(model, "1+1=", False, 0.5, 0, 1.0, 5)
    assert "**49,152** tokens survive" in out[2] and "bits at T=0.5)" in out[2]


# --------------------------------------------------------------------------- neighbours PCA


def test_pca_labels_only_the_queries_and_the_nearest_few(lm):
    r = nb.neighbors(lm, "蘋果", k=10, mode="each")  # 4 queries, 44 points
    fig = neighbors_scatter(r)
    queries = [t for t in fig.data if t.marker.symbol == "star"]
    dots = [t for t in fig.data if t.marker.symbol != "star"]
    assert [t.text for t in queries] == [("<0xE8>",), ("<0x98>",), ("<0x8B>",), ("果",)]
    assert len({t.marker.color for t in queries}) == 4  # one colour per query piece
    assert [t.marker.color for t in dots] == [t.marker.color for t in queries]
    for t, g in zip(dots, r.groups):
        assert len(t.x) == 10 and t.text[:2] == tuple(show_piece(n.text) for n in g.neighbors[:2])
        assert all(s == "" for s in t.text[2:])  # 8 // 4 queries = 2 labels each; the rest on hover
        assert [c[0] for c in t.customdata] == [show_piece(n.text) for n in g.neighbors]
    xs, ys = [p.x for p in r.points], [p.y for p in r.points]
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    assert x0 < min(xs) and max(xs) < x1 and y0 < min(ys) and max(ys) < y1
    assert x1 - x0 == pytest.approx(1.3 * (max(xs) - min(xs)))


def test_pca_of_one_word_labels_five_and_a_degenerate_pca_gets_a_unit_range(lm):
    fig = neighbors_scatter(nb.neighbors(lm, "apple", k=10))
    assert sum(1 for s in fig.data[0].text if s) == 5
    fig = neighbors_scatter(nb.neighbors(lm, "apple", k=1))  # 2 points: no PCA, both at (0, 0)
    assert tuple(fig.layout.xaxis.range) == (-1.0, 1.0)


# --------------------------------------------------------------------------- logit lens


def test_lens_text_is_large_and_dark_on_a_light_scale(lm):
    text = "The capital of France is Paris, and the capital of Italy is"
    hs = ly.hidden_states(lm, text)
    fig = lens_heatmap(ly.logit_lens(lm, hs))
    hm = fig.data[0]
    assert hm.textfont.size >= 12 and hm.textfont.color == "#0f172a"
    assert hm.texttemplate == "%{text}"
    assert hm.colorscale[-1][1] == "#3b82f6"  # the darkest cell still gives dark text >= 4.8:1 contrast
    assert fig.layout.height == 26 * 31 + 160  # 31 rows (embeddings + 30 layers) of 26 pixels


def test_lens_with_many_positions_moves_the_tokens_to_hover(lm):
    hs = ly.hidden_states(lm, " ".join(["one"] * (LENS_TEXT_POSITIONS + 1)))
    fig = lens_heatmap(ly.logit_lens(lm, hs))
    assert fig.data[0].texttemplate is None and "hover a cell" in fig.layout.title.text


def test_neighbour_bars_stack_one_panel_per_query(lm):
    from playground.charts_inside import neighbors_bar

    fig = neighbors_bar(nb.neighbors(lm, "蘋果", k=10, mode="each"))
    assert [a.text for a in fig.layout.annotations] == ["<0xE8>", "<0x98>", "<0x8B>", "果"]
    assert {tuple(fig.layout[f"xaxis{i}"].domain) for i in ("", 2, 3, 4)} == {(0.0, 1.0)}  # one column
    assert fig.layout.height == 110 + 4 * (50 + 20 * 10)
    assert len(neighbors_bar(nb.neighbors(lm, "apple", k=3)).data) == 1


def test_chat_confidences_write_byte_pieces_alike(lm):
    """A Chinese reply of SmolLM2 has byte pieces: the confidence view writes them <0xE5>, not U+FFFD."""
    from playground.core import chat
    from playground.core.generate import Generation, Sampling

    g = Generation(
        lm,
        chat.build_prompt(lm.tokenizer, "請用中文回答：你好嗎？", mode="official").ids,
        Sampling(greedy=True, max_new_tokens=16),
    ).run()
    conf = chat.confidences(g.steps, lm.tokenizer)
    assert [c.text for c in conf] == [token_text(lm.tokenizer, i) for i in g.token_ids]
    assert any(c.text.startswith("<0x") for c in conf)
    assert not any("\ufffd" in c.text or "\ufffd" in a for c in conf for a, _p in c.alternatives)


def test_chat_prompt_and_confidence_views_word_roles_and_hovers_in_the_page_language(lm):
    """The role legend and the hover texts follow the language; the template's own role word stays beside it."""
    from playground.core import chat
    from playground.core.chat import TokenConfidence
    from playground.render import confidence_html, prompt_html

    prompt = chat.build_prompt(lm.tokenizer, "Hi", system="Be brief.", mode="official")
    english, chinese = prompt_html(prompt, lang="en"), prompt_html(prompt, lang="zh-Hant")
    assert "system: <b>" in english and "| raw " in english
    assert "系統 system: <b>" in chinese and "使用者 user: <b>" in chinese and "| 原始 " in chinese
    assert "| raw " not in chinese
    token = TokenConfidence(text="Hi", token_id=1, prob=0.5, alternatives=[("Hello", 0.25)])
    assert "候选: " in confidence_html([token], lang="zh-Hans")
    assert "| top: " in confidence_html([token], lang="en") and "候选" not in confidence_html([token], lang="en")
