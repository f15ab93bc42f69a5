"""Concurrent replies decode as one batch (playground.core.batching) and still give each reply its own tokens.

Every batched reply is compared with a lone `model.generate` token for token. Where batched float32
arithmetic flips a near-tie, the comparison shows that the two candidates were within 1e-4 of each other
at the first differing step (and stops there: after a different token the replies legitimately differ).
"""

from __future__ import annotations

import threading
import time

import pytest
import torch

from playground.core import batching, chat
from playground.core.generate import Generation, Sampling, check_sampling, in_background

N = 24  # new tokens per reply
QUESTIONS = (
    "Write a short poem about rain.",
    "What is the capital of France?",
    "Tell me a story.",
    "Count from one to ten.",
)
NEAR_TIE = 1e-4  # logit margin under which batched arithmetic may pick the other candidate
# Several replies of 12-40 tokens decoded together and each compared with a lone generate: seconds of model time
# each, so these run in the model tier (`pytest -m model`, and `make test`); the quick tier keeps the lone row.
SEVERAL_REPLIES = pytest.mark.slow


# A randomly initialised model small enough to build in milliseconds: only its structure is asked about.
TINY = dict(
    vocab_size=64,
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
)


def _ids(lm, text):
    return chat.build_prompt(lm.tokenizer, text, mode="official").ids


_REFS: dict[tuple[tuple[int, ...], int], list[int]] = {}  # (prompt, n) -> tokens: one generate per pair


def _generate(lm, ids, n=N):
    """`model.generate`'s greedy reply, computed once per prompt and length (the model is fixed read-only)."""
    key = (tuple(ids), n)
    if key not in _REFS:
        _REFS[key] = lm.model.generate(torch.tensor([ids]), max_new_tokens=n, do_sample=False)[0, len(ids) :].tolist()
    return list(_REFS[key])


def _same_or_near_tie(lm, ids, mine, ref):
    """Assert `mine` equals `ref`, or first differs where the two candidates' logits are within NEAR_TIE."""
    k = next((i for i, (a, b) in enumerate(zip(mine, ref)) if a != b), None)
    if k is None:
        assert mine == ref
        return
    with torch.no_grad():
        logits = lm.model(torch.tensor([ids + ref[:k]])).logits[0, -1].float()
    margin = abs(float(logits[ref[k]] - logits[mine[k]]))
    assert margin < NEAR_TIE, f"step {k}: {mine[k]} instead of {ref[k]}, margin {margin}"


def _sizes(lm):
    b = batching.batcher_of(lm)
    return dict(b.sizes) if b else {}


def _new_sizes(before, after):
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


def _stream(gen, seen=None):
    """Consume a generation as the Chat tab does (in_background); optionally count steps into `seen`."""
    for steps in in_background(gen):
        if seen is not None:
            seen.append(len(steps))


def _run_all(gens):
    threads = [threading.Thread(target=_stream, args=(g,)) for g in gens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)


# --------------------------------------------------------------------------- edge cases first


def test_the_default_model_batches_and_a_sliding_window_config_would_not(lm):
    from transformers import MistralConfig, MistralForCausalLM

    assert batching.batchable(lm.model)
    windowed = MistralForCausalLM(MistralConfig(**TINY, sliding_window=16))
    assert not batching.batchable(windowed)


def test_a_dynamic_int8_model_would_not_batch():
    """Its per-tensor input scale spans the whole batch: rows would change each other's replies."""
    from transformers import LlamaConfig, LlamaForCausalLM

    tiny = LlamaForCausalLM(LlamaConfig(**TINY)).eval()
    assert batching.batchable(tiny)
    torch.ao.quantization.quantize_dynamic(tiny, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    assert not batching.batchable(tiny)


def test_a_lone_reply_is_one_unmasked_row(lm):
    ids = _ids(lm, QUESTIONS[0])
    before = _sizes(lm)
    g = Generation(lm, ids, Sampling(greedy=True, max_new_tokens=6)).run()
    assert g.token_ids == _generate(lm, ids, 6)
    assert _new_sizes(before, _sizes(lm)) == {1: 5}  # 1 prefill + 5 decode steps of batch 1


def test_a_failing_prompt_raises_in_its_own_chat_only(lm):
    vocab = lm.model.get_input_embeddings().weight.shape[0]
    with pytest.raises(IndexError):
        Generation(lm, [vocab + 5], Sampling(greedy=True, max_new_tokens=3)).run()
    ids = _ids(lm, QUESTIONS[1])
    assert Generation(lm, ids, Sampling(greedy=True, max_new_tokens=4)).run().token_ids == _generate(lm, ids, 4)


# --------------------------------------------------------------------------- batched greedy


@SEVERAL_REPLIES
def test_four_concurrent_greedy_chats_each_equal_generate(lm):
    prompts = [_ids(lm, q) for q in QUESTIONS]
    refs = [_generate(lm, ids) for ids in prompts]
    gens = [Generation(lm, ids, Sampling(greedy=True, max_new_tokens=N)) for ids in prompts]
    before = _sizes(lm)
    _run_all(gens)
    sizes = _new_sizes(before, _sizes(lm))
    assert max(sizes) == 4  # they really decoded together
    for ids, g, ref in zip(prompts, gens, refs):
        _same_or_near_tie(lm, ids, g.token_ids, ref)
    assert gens[1].finish_reason == "eos" and "Paris" in gens[1].text


@SEVERAL_REPLIES
def test_stopping_one_chat_leaves_the_others_going(lm):
    prompts = [_ids(lm, q) for q in (QUESTIONS[0], QUESTIONS[2], QUESTIONS[3])]
    refs = [_generate(lm, ids) for ids in prompts]
    stop = threading.Event()
    gens = [
        Generation(lm, prompts[0], Sampling(greedy=True, max_new_tokens=N)),
        Generation(lm, prompts[1], Sampling(greedy=True, max_new_tokens=N), stop=stop),
        Generation(lm, prompts[2], Sampling(greedy=True, max_new_tokens=N)),
    ]

    def stopped_after_five(g):
        for step in g:
            if step.index == 4:
                stop.set()

    before = _sizes(lm)
    threads = [
        threading.Thread(target=_stream, args=(gens[0],)),
        threading.Thread(target=stopped_after_five, args=(gens[1],)),
        threading.Thread(target=_stream, args=(gens[2],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    sizes = _new_sizes(before, _sizes(lm))
    assert gens[1].finish_reason == "stopped" and len(gens[1].token_ids) == 5
    _same_or_near_tie(lm, prompts[1], gens[1].token_ids, refs[1][:5])
    for k in (0, 2):
        assert gens[k].finish_reason == "length" and len(gens[k].token_ids) == N
        _same_or_near_tie(lm, prompts[k], gens[k].token_ids, refs[k])
    assert sizes.get(3) and sizes.get(2)  # three rows, then two after the stop
    b = batching.batcher_of(lm)  # finished rows are dropped, then the idle scheduler thread ends
    t0 = time.perf_counter()
    while (b.rows or b.thread is not None) and time.perf_counter() - t0 < 3 * batching.IDLE_EXIT_S + 5:
        time.sleep(0.05)
    assert b.rows == [] and b.cache is None and b.thread is None


@SEVERAL_REPLIES
def test_a_consumer_that_goes_away_stops_its_chat_only(lm):
    a_ids, b_ids = _ids(lm, QUESTIONS[0]), _ids(lm, QUESTIONS[2])
    a = Generation(lm, a_ids, Sampling(greedy=True, max_new_tokens=N))
    b = Generation(lm, b_ids, Sampling(greedy=True, max_new_tokens=N))
    ta = threading.Thread(target=_stream, args=(a,))
    ta.start()
    it = in_background(b)
    while len(b.token_ids) < 3:
        next(it)
    it.close()  # as when the browser disconnects: the stream is closed, the stop event set
    ta.join(timeout=600)
    t0 = time.perf_counter()
    while b.finish_reason is None and time.perf_counter() - t0 < 60:
        time.sleep(0.05)
    assert b.finish_reason == "stopped" and 3 <= len(b.token_ids) < N
    assert a.finish_reason == "length" and len(a.token_ids) == N
    _same_or_near_tie(lm, a_ids, a.token_ids, _generate(lm, a_ids))


@SEVERAL_REPLIES
def test_a_chat_joining_midway_matches_generate(lm):
    a_ids, b_ids = _ids(lm, QUESTIONS[2]), _ids(lm, QUESTIONS[0])
    a_ref, b_ref = _generate(lm, a_ids, 40), _generate(lm, b_ids, 16)
    a = Generation(lm, a_ids, Sampling(greedy=True, max_new_tokens=40))
    b = Generation(lm, b_ids, Sampling(greedy=True, max_new_tokens=16))
    before = _sizes(lm)
    seen: list[int] = []
    ta = threading.Thread(target=_stream, args=(a, seen))
    ta.start()
    t0 = time.perf_counter()
    while len(a.token_ids) < 10 and time.perf_counter() - t0 < 300:
        time.sleep(0.01)
    assert 10 <= len(a.token_ids) < 40  # b joins while a is decoding
    _stream(b)
    ta.join(timeout=600)
    sizes = _new_sizes(before, _sizes(lm))
    assert sizes.get(2, 0) >= 10  # decoded together (b's rows were left-padded to a's length or a's to b's)
    _same_or_near_tie(lm, a_ids, a.token_ids, a_ref)
    _same_or_near_tie(lm, b_ids, b.token_ids, b_ref)


@SEVERAL_REPLIES
def test_two_replies_stepped_in_turn_by_one_thread(lm):
    """Chat compare iterates two generations in one thread: neither waits for the other's caller."""
    pa, pb = _ids(lm, QUESTIONS[0]), _ids(lm, QUESTIONS[3])
    ga = Generation(lm, pa, Sampling(greedy=True, max_new_tokens=12))
    gb = Generation(lm, pb, Sampling(greedy=True, max_new_tokens=12))
    live = [iter(ga), iter(gb)]
    t0 = time.perf_counter()
    while live:
        for it in list(live):
            if next(it, None) is None:
                live.remove(it)
    assert ga.token_ids == _generate(lm, pa, 12) and gb.token_ids == _generate(lm, pb, 12)
    assert len(ga.steps) == len(gb.steps) == 12 and time.perf_counter() - t0 < 120


# --------------------------------------------------------------------------- sampling


@SEVERAL_REPLIES
def test_a_seeded_sampled_chat_is_the_same_alone_and_in_a_batch(lm):
    ids = _ids(lm, QUESTIONS[2])
    s = check_sampling(
        greedy=False, temperature=0.9, top_k=40, top_p=0.95, repetition_penalty=1.1, max_new_tokens=N, seed=1234
    )
    alone = Generation(lm, ids, s).run()
    torch.manual_seed(1234)
    assert alone.token_ids == lm.model.generate(torch.tensor([ids]), **s.generate_kwargs())[0, len(ids) :].tolist()
    other = check_sampling(greedy=False, temperature=1.3, top_k=0, top_p=1.0, max_new_tokens=N, seed=7)
    gens = [
        Generation(lm, ids, s),
        Generation(lm, _ids(lm, QUESTIONS[0]), other),
        Generation(lm, _ids(lm, QUESTIONS[3]), Sampling(greedy=True, max_new_tokens=N)),
    ]
    before = _sizes(lm)
    _run_all(gens)
    assert max(_new_sizes(before, _sizes(lm))) == 3
    assert gens[0].token_ids == alone.token_ids and gens[0].seed == 1234
    assert [st.top_ids for st in gens[0].steps][:3] == [st.top_ids for st in alone.steps][:3]
    assert [st.prob for st in gens[0].steps] == pytest.approx([st.prob for st in alone.steps], abs=1e-4)
