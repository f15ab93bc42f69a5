"""Retrieval over the shipped Quellmark documents (playground.core.rag) and one RAG answer (core.rag_answer).

Edge cases of chunking first; then the embeddings against a direct transformers computation, the exact hit rate
on the labelled questions, the cache, and the key fact's probability against a direct forward pass.
"""

from __future__ import annotations

import pytest
import torch

from playground.core import rag, rag_answer
from playground.errors import InputError


@pytest.mark.parametrize(
    "text, want",
    [
        ("", []),
        ("One.", ["One."]),
        ("A b. C d.", ["A b. C d."]),
        (
            "The census counted 3.2 million people. Half live here.",
            ["The census counted 3.2 million people. Half live here."],
        ),
        ("第一句。第二句。", ["第一句。第二句。"]),  # Chinese sentences join without a space
    ],
)
def test_chunk_text(text, want):
    assert rag.chunk_text(text) == want


def test_chunks_are_cut_at_sentences_and_keep_their_topic():
    assert rag.chunk_text("Aaaa. Bbbb. Cccc.", max_chars=11) == ["Aaaa. Bbbb.", "Cccc."]
    chunks, questions = rag.corpus()
    assert (len(chunks), len(questions)) == (48, 16)
    assert {c.lang for c in chunks} == {"en", "zh"} and len({c.topic for c in chunks}) == 24
    assert chunks[0].id == "capital/en/0" and chunks[0].text.startswith("Quellmark is a small island republic")
    assert all(q.topic in {c.topic for c in chunks} for q in questions)


def _direct(lm, text: str, layer: int) -> torch.Tensor:
    ids = torch.tensor([lm.tokenizer(text, add_special_tokens=False)["input_ids"]])
    with torch.no_grad():
        hidden = lm.model(ids, output_hidden_states=True).hidden_states[layer][0]  # (T, d_model)
    return torch.nn.functional.normalize(hidden[1:] if len(hidden) > 1 else hidden, dim=-1).mean(0)


def test_embeddings_are_the_mean_of_unit_hidden_states_without_the_first_token(lm):
    layer = rag.layer_index(lm)
    assert layer == 8  # of SmolLM2's 30 layers
    texts = [rag.corpus()[0][0].text, "Who is the president?", "Hi"]
    batched = rag.embed(lm, texts, layer)
    assert batched.shape == (3, lm.model.config.hidden_size)
    for i, text in enumerate(texts[:2]):
        torch.testing.assert_close(batched[i], _direct(lm, text, layer), atol=1e-5, rtol=1e-5)
    one = lm.tokenizer("Hi", add_special_tokens=False)["input_ids"]
    assert len(one) == 1  # a single token is its own mean
    with torch.no_grad():
        h = lm.model(torch.tensor([one]), output_hidden_states=True).hidden_states[layer][0, 0]
    torch.testing.assert_close(batched[2], torch.nn.functional.normalize(h, dim=-1), atol=1e-5, rtol=1e-5)


@pytest.mark.slow
def test_retrieval_quality_on_the_labelled_questions(lm):
    r = rag.evaluate(lm)
    assert (r["hit_at_1"], r["hit_at_3"], r["n"]) == (12, 12, 16)


def test_the_chunk_embeddings_are_cached_per_model(lm):
    first = rag.index(lm)
    assert rag.index(lm) is first
    assert rag.index(lm, 2) is not first and rag.index(lm, 2).layer == 2
    hits = rag.retrieve(lm, "What is the national dish of Quellmark?", 3)
    assert hits[0].chunk.topic == "dish" and hits[0].score >= hits[1].score >= hits[2].score


@pytest.mark.parametrize("k", [0, 9, 2.5, "x"])
def test_k_is_checked(lm, k):
    with pytest.raises(InputError, match="Chunks in the prompt"):
        rag.retrieve(lm, "capital?", k)


def test_the_fact_probability_is_a_teacher_forced_forward_pass(lm):
    q = rag.corpus()[1][0]
    hits = rag.retrieve(lm, q.q, 3)
    prompt = rag.augmented_prompt(lm.tokenizer, q.q, hits)
    pieces = rag.fact_probability(lm, prompt, q.stem, q.fact)
    stem = lm.tokenizer(q.stem, add_special_tokens=False)["input_ids"]
    both = lm.tokenizer(q.stem + q.fact, add_special_tokens=False)["input_ids"]
    ids = prompt.ids + both
    with torch.no_grad():
        probs = torch.softmax(lm.model(torch.tensor([ids])).logits[0], dim=-1)
    start = len(prompt.ids) + len(stem)
    want = [float(probs[start - 1 + j, t]) for j, t in enumerate(both[len(stem) :])]
    assert [p for _, p in pieces] == pytest.approx(want, abs=1e-6)
    assert "".join(p for p, _ in pieces) == q.fact


@pytest.mark.slow
def test_retrieval_raises_the_key_facts_probability(lm):
    r = rag_answer.answer(lm, "What is the capital of Quellmark?", 3, 8)
    j = rag_answer.rag_json(r, lm)
    # A retrieval miss (the capital's own chunk is not in the top 3), but the university's chunk names Tavrin.
    assert j["hits"][0]["topic"] == "university" and "University of Tavrin" in j["augmented_prompt"]
    assert j["fact"]["p_with"] > 10 * j["fact"]["p_without"]
    assert j["tokens_with"] <= 8 and j["answer_without"] == r.without.text.strip()


@pytest.mark.slow
def test_by_default_the_best_chunk_goes_into_the_prompt_and_five_are_ranked(lm):
    r = rag_answer.answer(lm, "What is the national bird of Quellmark?", max_new_tokens=1)
    j = rag_answer.rag_json(r, lm)
    best = rag.retrieve(lm, "What is the national bird of Quellmark?", 5)
    assert rag.DEFAULT_K == 1 and [h["id"] for h in j["ranking"]] == [h.chunk.id for h in best]
    assert [h["in_prompt"] for h in j["ranking"]] == [True, False, False, False, False]
    assert [h["id"] for h in j["hits"]] == [best[0].chunk.id] and best[0].chunk.text in j["augmented_prompt"]
    assert best[1].chunk.text not in j["augmented_prompt"]
    # k past RANKED: the ranking is the prompt's chunks, all of them in it.
    wide = rag_answer.rag_json(rag_answer.answer(lm, "What is the national bird of Quellmark?", 6, 1), lm)
    assert len(wide["ranking"]) == len(wide["hits"]) == 6 and all(h["in_prompt"] for h in wide["ranking"])


def test_states_at_a_layer_equal_the_full_pass_and_leave_the_shared_model_as_it_was(lm):
    """The early stop returns hidden_states[layer] bit for bit and puts no hook on the shared modules."""
    import torch

    from playground.core import rag

    ids = torch.tensor([[504, 3575, 282, 8542], [504, 3575, 0, 0]])  # (2, 4), the second padded
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]])
    layer = rag.layer_index(lm)
    with torch.no_grad():  # (transformers installs its own output-capturing hooks on this first call)
        full = lm.model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
    hooks = {name: dict(m._forward_hooks) for name, m in lm.model.named_modules()}
    assert torch.equal(rag.states_at(lm.model, layer, ids, mask), full[layer])
    assert torch.equal(rag.states_at(lm.model, lm.model.config.num_hidden_layers, ids, mask), full[-1])
    assert {name: dict(m._forward_hooks) for name, m in lm.model.named_modules()} == hooks
