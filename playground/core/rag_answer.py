"""One RAG request: retrieve, answer with and without the retrieved chunks, score the key fact both ways.

`answer(lm, question, k, max_new_tokens)` returns a `RagAnswer`: the hits, both prompts, both greedy replies
(playground.core.generate), the timings, and for a labelled question the key fact's token probabilities with
and without retrieval. `rag_json` is the API's JSON; `code_for` the plain transformers code of the same steps.

Not here: embeddings and ranking (playground.core.rag), words (playground.words.tools_rag).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core import chat, rag
from playground.core.generate import Generation, Sampling
from playground.core.validation import check_text

if TYPE_CHECKING:
    from playground.loader import LoadedModel


@dataclass(frozen=True)
class RagAnswer:
    question: str
    hits: list[rag.Hit]  # the chunks in the prompt: the first k of the ranking
    ranking: list[rag.Hit]  # the best max(k, rag.RANKED) chunks, best first
    layer: int
    augmented: chat.Prompt
    plain: chat.Prompt
    with_retrieval: Generation
    without: Generation
    retrieval_seconds: float  # the question's embedding and the ranking
    index_seconds: float  # the chunk embeddings: ~0 once cached
    labelled: rag.Question | None
    fact_with: list[tuple[str, float]]  # (piece, p) per token of the key fact; empty when not labelled
    fact_without: list[tuple[str, float]]


def _joint(pieces: list[tuple[str, float]]) -> float:
    p = 1.0
    for _, x in pieces:
        p *= x
    return p


def answer(lm: LoadedModel, question: str, k: int = rag.DEFAULT_K, max_new_tokens: int = 48) -> RagAnswer:
    """Rank the chunks for `question`, then a greedy answer with the best k in the prompt, and one without."""
    question = check_text(question, "the question").strip()
    k = rag.check_k(k)
    t0 = time.perf_counter()
    rag.index(lm)  # the chunk embeddings: computed on this model's first request, cached after
    t1 = time.perf_counter()
    ranking = rag.retrieve(lm, question, max(k, rag.RANKED))
    hits = ranking[:k]
    seconds = time.perf_counter() - t1
    augmented = rag.augmented_prompt(lm.tokenizer, question, hits)
    plain = chat.build_prompt(lm.tokenizer, question)
    sampling = Sampling(greedy=True, max_new_tokens=max_new_tokens)
    with_retrieval = Generation(lm, augmented.ids, sampling).run()
    without = Generation(lm, plain.ids, sampling).run()
    q = rag.labelled(question)
    fact_with = rag.fact_probability(lm, augmented, q.stem, q.fact) if q else []
    fact_without = rag.fact_probability(lm, plain, q.stem, q.fact) if q else []
    return RagAnswer(
        question,
        hits,
        ranking,
        rag.layer_index(lm),
        augmented,
        plain,
        with_retrieval,
        without,
        seconds,
        t1 - t0,
        q,
        fact_with,
        fact_without,
    )


def _hit(h: rag.Hit) -> dict[str, Any]:
    return {"id": h.chunk.id, "topic": h.chunk.topic, "lang": h.chunk.lang, "text": h.chunk.text, "score": h.score}


def rag_json(r: RagAnswer, lm: LoadedModel) -> dict[str, Any]:
    """{question, hits: [{id, topic, lang, text, score}] (in the prompt), ranking: [{..., in_prompt}], layer,
    n_layers, n_chunks, retrieval_ms, index_ms, augmented_prompt, answer_with, answer_without, tokens_with,
    tokens_without, seconds_with, seconds_without, fact}; fact is None or {topic, stem, fact, with: [[piece, p]],
    without: [...], p_with, p_without} (p: the whole fact's tokens)."""
    fact = None
    if r.labelled is not None:
        fact = {
            "topic": r.labelled.topic,
            "stem": r.labelled.stem,
            "fact": r.labelled.fact,
            "with": [list(x) for x in r.fact_with],
            "without": [list(x) for x in r.fact_without],
            "p_with": float(f"{_joint(r.fact_with):.6g}"),  # 6 significant digits: p without is often ~1e-9
            "p_without": float(f"{_joint(r.fact_without):.6g}"),
        }
    return {
        "model": lm.name,
        "question": r.question,
        "hits": [_hit(h) for h in r.hits],
        "ranking": [_hit(h) | {"in_prompt": i < len(r.hits)} for i, h in enumerate(r.ranking)],
        "layer": r.layer,
        "n_layers": lm.model.config.num_hidden_layers,
        "n_chunks": len(rag.corpus()[0]),
        "retrieval_ms": round(r.retrieval_seconds * 1000, 2),
        "index_ms": round(r.index_seconds * 1000, 2),
        "augmented_prompt": r.augmented.text,
        "answer_with": r.with_retrieval.text.strip(),
        "answer_without": r.without.text.strip(),
        "tokens_with": r.with_retrieval.new_tokens,
        "tokens_without": r.without.new_tokens,
        "seconds_with": round(r.with_retrieval.seconds, 4),
        "seconds_without": round(r.without.seconds, 4),
        "fact": fact,
    }


def code_for(hub_id: str, question: str, k: int, layer: int, max_new_tokens: int) -> str:
    """Plain transformers code: embed the chunks and the question, rank by cosine, answer with the best k."""
    return f"""import json, torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({hub_id!r})
model = AutoModelForCausalLM.from_pretrained({hub_id!r}, dtype=torch.float32)
chunks = [...]  # the paragraphs of playground/data/rag_docs.json, cut into sentences of <= {rag.CHUNK_CHARS} characters

def embed(text, layer={layer}):  # the mean of one layer's hidden states over the text's tokens
    ids = tokenizer(text, add_special_tokens=False, return_tensors="pt").input_ids
    with torch.no_grad():
        hidden = model(ids, output_hidden_states=True).hidden_states[layer]  # (1, T, d_model)
    return hidden[0].mean(0)

docs = torch.stack([embed(c) for c in chunks])
mean = docs.mean(0)  # centring: every vector of one model shares a large common part
docs = torch.nn.functional.normalize(docs - mean, dim=-1)
question = {question!r}
q = torch.nn.functional.normalize(embed(question) - mean, dim=-1)
best = (docs @ q).topk({k}).indices.tolist()
context = "\\n".join(f"[{{i}}] {{chunks[j]}}" for i, j in enumerate(best, 1))
messages = [{{"role": "system", "content": {rag.SYSTEM!r} + context}}, {{"role": "user", "content": question}}]
inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
out = model.generate(**inputs, max_new_tokens={max_new_tokens}, do_sample=False)
print(tokenizer.decode(out[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True))
"""
