"""The second embedded model, Qwen2.5-Coder-0.5B-Instruct, and the Chinese examples that use it: it loads
offline, its vocabulary keeps Chinese words whole where SmolLM2 cuts them into byte pieces, and the views
that read embeddings or hidden states flag byte pieces (playground.core.tokens.byte_pieces)."""

from __future__ import annotations

import pytest
import torch

from playground import config
from playground.core import layers
from playground.core.neighbors import neighbors
from playground.core.tokens import TAX_PAIRS, byte_pieces, token_tax, tokenize
from playground.loader import get_loader


def test_the_chinese_examples_use_an_embedded_catalog_model():
    s = config.settings()
    entry = s.entry(s.chinese_model)
    assert entry is not None and entry.name == "Qwen2.5-Coder-0.5B-Instruct" and len(entry.parts) == 6


# ----------------------------------------------------------------------- byte pieces, edge cases first


@pytest.mark.parametrize(
    "text, want",
    [
        ("", []),
        ("apple", []),
        ("果", []),  # one whole character
        ("蘋果", [0, 1, 2]),  # 蘋 -> three single bytes, 果 whole
        ("大家好", [1, 2, 3, 4]),  # 大 whole; 家 and 好 two pieces each
        ("👩‍💻", [0, 1, 2, 3, 4, 5, 6, 7]),  # 11 bytes in 8 pieces, none a whole character
    ],
)
def test_byte_pieces_on_smollm2(tokenizer, text, want):
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert byte_pieces(tokenizer, ids) == want


def test_special_tokens_are_never_byte_pieces(tokenizer):
    ids = tokenizer("<|im_start|>user\n蘋<|im_end|>", add_special_tokens=False)["input_ids"]
    assert ids[0] == tokenizer.convert_tokens_to_ids("<|im_start|>")
    assert byte_pieces(tokenizer, ids) == [3, 4, 5]  # only the three bytes of 蘋


# ----------------------------------------------------------------------- the model


def test_qwen_loads_offline_with_its_exact_parameter_count(qwen):
    assert qwen.name == "Qwen2.5-Coder-0.5B-Instruct" and qwen.source.kind == "gguf"
    assert qwen.n_params == sum(p.numel() for p in qwen.model.parameters()) == 630_167_424
    cfg = qwen.model.config
    assert (
        cfg.model_type,
        cfg.num_hidden_layers,
        cfg.hidden_size,
        cfg.num_attention_heads,
        cfg.num_key_value_heads,
        cfg.vocab_size,
    ) == ("qwen2", 24, 896, 14, 2, 151936)
    # The GGUF file carries its own output matrix: lm_head is not tied (494,032,768 + 151,936 x 896).
    assert qwen.model.get_output_embeddings().weight is not qwen.model.get_input_embeddings().weight
    assert get_loader().get("Qwen2.5-Coder-0.5B-Instruct") is qwen


def test_qwen_neighbours_of_wang_are_names_and_kings(qwen):
    r = neighbors(qwen, "王", 10, "mean", "input")
    assert r.pieces == ((99445, "王"),) and r.byte_pieces == ()
    got = [n.text for n in r.groups[0].neighbors]
    assert got[:4] == ["李", "王国", "王某", "King"]
    # Exactly cosine similarity against every row, the word itself left out.
    table = qwen.model.get_input_embeddings().weight.detach()
    sims = torch.nn.functional.cosine_similarity(table[99445][None], table, dim=1)
    sims[99445] = -float("inf")
    assert [n.token_id for n in r.groups[0].neighbors] == sims.topk(10).indices.tolist()


def test_neighbours_flag_byte_pieces(lm, qwen):
    smol = neighbors(lm, "蘋果", 5, "mean", "input")
    assert [t for _i, t in smol.pieces] == ["<0xE8>", "<0x98>", "<0x8B>", "果"] and smol.byte_pieces == (0, 1, 2)
    assert neighbors(lm, "王", 5, "mean", "input").byte_pieces == (0, 1)  # no whole 王 in SmolLM2's vocabulary
    assert neighbors(qwen, "苹果", 5, "mean", "input").byte_pieces == ()  # one token
    trad = neighbors(qwen, "蘋果", 5, "mean", "input")
    assert [t for _i, t in trad.pieces] == ["<0xE8><0x98>", "<0x8B>", "果"] and trad.byte_pieces == (0, 1)
    assert neighbors(lm, "apple", 5, "mean", "input").byte_pieces == ()


def test_qwen_keeps_chinese_words_whole_and_pays_no_token_tax(lm, qwen):
    smol, qw = tokenize(lm.tokenizer, "大家好", False), tokenize(qwen.tokenizer, "大家好", False)
    assert [t.text for t in qw.tokens] == ["大家", "好"]
    assert smol.n_tokens == 5 and byte_pieces(lm.tokenizer, smol.ids) == [1, 2, 3, 4]
    assert len(TAX_PAIRS) == 2
    a, b = token_tax(lm.tokenizer), token_tax(qwen.tokenizer)
    assert (a.english, a.chinese) == (19, 50) and round(a.ratio, 2) == 2.63
    assert (b.english, b.chinese) == (19, 17) and round(b.ratio, 2) == 0.89


def test_lens_flags_byte_pieces(lm):
    hs = layers.hidden_states(lm, "apple, Apple, 蘋果, 王")
    assert hs.byte_pieces == (4, 5, 6, 9, 10, 11)  # ' 蘋' and ' 王': three pieces each; 果 is whole
    stats = layers.layer_stats(hs)
    grid = layers.logit_lens(lm, hs)
    at = layers.lens_at(lm, hs, -1, None)
    assert layers.to_json(stats, grid, at)["byte_pieces"] == list(hs.byte_pieces)
    assert layers.hidden_states(lm, "1, 2, 3, 4, 5,").byte_pieces == ()


def test_chinese_lens_examples_on_qwen(qwen):
    hs = layers.hidden_states(qwen, "一、二、三、四、五、")
    assert hs.byte_pieces == () and hs.tokens == ["一", "、", "二", "、", "三", "、", "四", "、", "五", "、"]
    at = layers.lens_at(qwen, hs, -1, "六")
    assert [x.target_rank for x in at.layers][-5:] == [1, 1, 1, 1, 1]
    hs = layers.hidden_states(qwen, "中國的首都是北京，日本的首都是")
    at = layers.lens_at(qwen, hs, -1, None)  # the model's own prediction
    assert hs.byte_pieces == () and at.target_text == "东京"


def test_the_architecture_before_the_first_conversion_counts_what_will_load(qwen, monkeypatch, tmp_path):
    """The shipped config of the embedded file (untied output layer) gives the converted model's count."""
    from playground import config
    from playground.core import architecture

    architecture.model_shape.cache_clear()
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)  # nothing converted here: the shipped config answers
    try:
        shape = architecture.model_shape("Qwen2.5-Coder-0.5B-Instruct")
        assert shape.source == "shipped"
        assert shape.n_params == qwen.n_params == 630_167_424
    finally:
        architecture.model_shape.cache_clear()
