"""Chat core: templating, trimming, reasoning split, and generation against model.generate (real SmolLM2-135M)."""

from __future__ import annotations

import copy
import threading

import pytest
import torch

from playground import config
from playground.core import chat
from playground.core.generate import Generation, Sampling, check_sampling
from playground.errors import InputError

QUESTION = "What is the capital of France?"


# --------------------------------------------------------------------------- edge cases first


@pytest.mark.parametrize("text", ["", "   \n\t", None])
def test_empty_message_is_refused(text):
    with pytest.raises(InputError, match="empty"):
        chat.check_text(text)


def test_huge_message_is_refused():
    cap = config.settings().limits.max_input_chars
    with pytest.raises(InputError, match=f"{cap:,}"):
        chat.check_text("a" * (cap + 1))


def test_control_character_is_named():
    with pytest.raises(InputError, match="U\\+0007"):
        chat.check_text("bell\x07")
    assert chat.check_text("tab\tand\nnewline 🙂") == "tab\tand\nnewline 🙂"


def test_unknown_mode_and_template_without_slot():
    with pytest.raises(InputError, match="'fancy'"):
        chat.check_mode("fancy")
    with pytest.raises(InputError, match="\\{prompt\\}"):
        chat.check_template("User: hello\nAI:")


@pytest.mark.parametrize(
    "field,value",
    [
        ("temperature", float("nan")),
        ("temperature", -0.05),
        ("temperature", 99),
        ("top_k", -1),
        ("top_k", 2.5),
        ("top_p", 0),
        ("top_p", 1.5),
        ("repetition_penalty", 10),
        ("max_new_tokens", 0),
        ("max_new_tokens", 10**6),
        ("seed", "abc"),
        ("seed", -5),
        ("temperature", "hot"),
    ],
)
def test_nonsense_sampling_numbers_are_refused(field, value):
    with pytest.raises(InputError):
        check_sampling(**{field: value})


def test_random_seed_spellings():
    assert check_sampling(seed=None).seed is None
    assert check_sampling(seed=-1).seed is None
    assert check_sampling(seed="").seed is None
    assert check_sampling(seed=42.0).seed == 42


def test_history_formats():
    pairs = [["hi", "hello"], ["how are you?", None]]
    assert chat.normalize_history(pairs) == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "how are you?"},
    ]
    messages = [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "thinking...", "metadata": {"title": "Reasoning"}},
        {"role": "assistant", "content": [{"type": "text", "text": "a"}]},
    ]
    assert chat.normalize_history(messages) == [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
    with pytest.raises(InputError, match="'system'"):
        chat.normalize_history([{"role": "system", "content": "x"}])
    with pytest.raises(InputError):
        chat.normalize_history(["just a string"])


@pytest.mark.parametrize(
    "text,opened,expected",
    [
        ("Paris.", False, chat.Reasoning(None, "Paris.", True)),
        ("", False, chat.Reasoning(None, "", True)),
        ("<think>\nFrance... Paris.\n</think>\n\nParis.", False, chat.Reasoning("France... Paris.", "Paris.", True)),
        ("  <think>still thinking", False, chat.Reasoning("still thinking", "", False)),
        ("<think></think>Hi", False, chat.Reasoning("", "Hi", True)),
        ("the prompt opened it</think>Answer", False, chat.Reasoning("the prompt opened it", "Answer", True)),
        ("mid-thought", True, chat.Reasoning("mid-thought", "", False)),
        ("done</think> 答案", True, chat.Reasoning("done", "答案", True)),
    ],
)
def test_split_reasoning(text, opened, expected):
    assert chat.split_reasoning(text, opened_by_prompt=opened) == expected


# --------------------------------------------------------------------------- templating


def test_official_prompt_equals_apply_chat_template(tokenizer):
    history = [{"role": "user", "content": "Hi!"}, {"role": "assistant", "content": "Hello! How can I help?"}]
    p = chat.build_prompt(tokenizer, QUESTION, history, system="You are terse.", mode="official")
    messages = [{"role": "system", "content": "You are terse."}, *history, {"role": "user", "content": QUESTION}]
    assert p.text == tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    direct = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)
    assert p.ids == list(direct["input_ids"])
    assert p.text.endswith("<|im_start|>assistant\n")
    assert p.tokens[:2] == ["<|im_start|>", "system"] and p.special[0] and not p.special[1]


def test_role_counts_attribute_every_token(tokenizer):
    history = [{"role": "user", "content": "Hi!"}, {"role": "assistant", "content": "Hello there."}]
    p = chat.build_prompt(tokenizer, QUESTION, history, system="Be kind.", mode="official")
    assert sum(p.role_counts.values()) == p.n_tokens
    user_ids = [i for i, r in zip(p.ids, p.roles) if r == "user"]
    assert tokenizer.decode(user_ids) == "Hi!" + QUESTION
    assert tokenizer.decode([i for i, r in zip(p.ids, p.roles) if r == "assistant"]) == "Hello there."
    assert tokenizer.decode([i for i, r in zip(p.ids, p.roles) if r == "system"]) == "Be kind."
    assert all(r == "template" for r, s in zip(p.roles, p.special) if s)


def test_default_system_prompt_of_the_template_counts_as_template(tokenizer):
    p = chat.build_prompt(tokenizer, QUESTION, mode="official")
    assert "You are a helpful AI assistant named SmolLM" in p.text
    assert p.role_counts["system"] == 0 and p.role_counts["template"] > 10


def test_homemade_preset_and_none_modes(tokenizer):
    history = [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "你好！"}]
    p = chat.build_prompt(tokenizer, "天空為什麼是藍的？", history, mode="homemade")
    assert p.text == "使用者說：你好\nAI回答：你好！\n使用者說：天空為什麼是藍的？\nAI回答："
    assert p.ids == tokenizer(p.text).input_ids
    raw = chat.build_prompt(tokenizer, "The sky is blue because", system="Physics notes.", mode="none")
    assert raw.text == "Physics notes.\nThe sky is blue because"
    assert raw.role_counts["system"] + raw.role_counts["user"] + raw.role_counts["template"] == raw.n_tokens
    assert not p.bos_doubled and not p.warnings


def test_doubled_bos_warning(tokenizer):
    adds_bos = copy.deepcopy(tokenizer)
    adds_bos.add_bos_token = True  # like Llama 3's tokenizer: tokenizer(text) puts BOS in front
    assert adds_bos("a").input_ids[0] == adds_bos.bos_token_id
    official = chat.build_prompt(adds_bos, QUESTION, mode="official")
    assert official.bos_doubled and "add_special_tokens=False" in official.warnings[0]
    assert official.ids.count(adds_bos.bos_token_id) == official.text.count("<|im_start|>")  # not doubled in fact
    homemade = chat.build_prompt(adds_bos, QUESTION, mode="homemade", template="<|im_start|>Q: {prompt}\nA:")
    assert homemade.ids[:2] == [adds_bos.bos_token_id] * 2 and "two BOS" in homemade.warnings[0]


def test_model_without_chat_template_gets_a_clear_message(tokenizer):
    bare = copy.deepcopy(tokenizer)
    bare.chat_template = None
    with pytest.raises(InputError, match="no chat template"):
        chat.build_prompt(bare, QUESTION, mode="official")


# --------------------------------------------------------------------------- trimming


def test_history_trimming_drops_oldest_turns_with_a_notice(tokenizer):
    history = []
    for i in range(6):
        history += [
            {"role": "user", "content": f"Question number {i}: " + "tell me more " * 10},
            {"role": "assistant", "content": f"Answer number {i}: " + "here is more " * 10},
        ]
    full = chat.fit_prompt(tokenizer, QUESTION, history, mode="official", budget=10_000)
    assert full.dropped_turns == 0 and full.notice == ""
    budget = full.n_tokens - 100
    p = chat.fit_prompt(tokenizer, QUESTION, history, mode="official", budget=budget)
    assert p.n_tokens <= budget and p.dropped_turns >= 1
    assert "Question number 0" not in p.text and "Question number 5" in p.text and p.text.count(QUESTION) == 1
    assert p.dropped_tokens == full.n_tokens - p.n_tokens
    assert f"{p.dropped_turns} oldest turn" in p.notice and f"{budget:,}" in p.notice
    # exactly the turns needed: one fewer drop would not fit
    kept_one_more = chat.build_prompt(tokenizer, QUESTION, history[2 * (p.dropped_turns - 1) :], mode="official")
    assert kept_one_more.n_tokens > budget


def test_message_alone_over_budget_is_refused(tokenizer):
    with pytest.raises(InputError, match="limit is 20"):
        chat.fit_prompt(tokenizer, "word " * 50, mode="none", budget=20)


def test_context_budget(lm):
    cap = config.settings().limits.max_input_tokens
    assert chat.context_budget(lm.model.config, 256) == min(cap, 8192 - 256)
    assert chat.context_budget(lm.model.config, 8000) == 192


# --------------------------------------------------------------------------- generation


def _prompt_ids(tokenizer, text=QUESTION):
    return chat.build_prompt(tokenizer, text, mode="official").ids


@pytest.mark.slow
def test_greedy_equals_model_generate_token_for_token(lm):
    ids = _prompt_ids(lm.tokenizer, "Write a short poem about rain.")
    g = Generation(lm, ids, Sampling(greedy=True, max_new_tokens=24)).run()
    ref = lm.model.generate(torch.tensor([ids]), max_new_tokens=24, do_sample=False)[0, len(ids) :].tolist()
    assert g.token_ids == ref
    assert g.text == lm.tokenizer.decode([t for t in ref if t != lm.tokenizer.eos_token_id])


def test_greedy_stops_at_eos_like_generate(lm):
    ids = _prompt_ids(lm.tokenizer)
    g = Generation(lm, ids, Sampling(greedy=True, max_new_tokens=40)).run()
    ref = lm.model.generate(torch.tensor([ids]), max_new_tokens=40, do_sample=False)[0, len(ids) :].tolist()
    assert g.token_ids == ref and g.finish_reason == "eos" and ref[-1] == lm.tokenizer.eos_token_id
    assert "Paris" in g.text and "<|im_end|>" not in g.text
    assert g.time_to_first_token is not None and g.time_to_first_token <= g.seconds


@pytest.mark.slow  # four sampled replies of 20 tokens (the quick tier replays a seed in the next test)
def test_seed_reproduces_a_sampled_reply_and_matches_generate(lm):
    ids = _prompt_ids(lm.tokenizer, "Tell me a story.")
    s = check_sampling(
        greedy=False, temperature=0.9, top_k=40, top_p=0.95, repetition_penalty=1.1, max_new_tokens=20, seed=1234
    )
    a, b = Generation(lm, ids, s).run(), Generation(lm, ids, s).run()
    assert a.token_ids == b.token_ids and a.seed == 1234
    torch.manual_seed(1234)
    ref = lm.model.generate(torch.tensor([ids]), **s.generate_kwargs())[0, len(ids) :].tolist()
    assert a.token_ids == ref
    other = Generation(lm, ids, Sampling(**{**s.__dict__, "seed": 99})).run()
    assert other.token_ids != a.token_ids


@pytest.mark.slow
def test_random_seed_is_reported_and_replays(lm):
    ids = _prompt_ids(lm.tokenizer, "Tell me a story.")
    first = Generation(lm, ids, Sampling(greedy=False, temperature=1.0, max_new_tokens=8)).run()
    assert first.seed is not None
    again = Generation(lm, ids, Sampling(greedy=False, temperature=1.0, max_new_tokens=8, seed=first.seed)).run()
    assert again.token_ids == first.token_ids


def test_stop_ends_generation_before_the_next_token(lm):
    stop = threading.Event()
    g = Generation(
        lm,
        _prompt_ids(lm.tokenizer, "Count from one to one hundred."),
        Sampling(greedy=True, max_new_tokens=50),
        stop=stop,
    )
    for step in g:
        if step.index == 2:
            stop.set()
    assert g.finish_reason == "stopped" and len(g.token_ids) == 3


def test_abandoned_iteration_computes_nothing_more(lm):
    calls = []
    handle = lm.model.register_forward_hook(lambda *_: calls.append(1))
    try:
        g = Generation(lm, _prompt_ids(lm.tokenizer), Sampling(greedy=True, max_new_tokens=50))
        it = iter(g)
        next(it), next(it)
        it.close()
    finally:
        handle.remove()
    assert len(calls) == 2 and len(g.token_ids) == 2


def test_length_limit(lm):
    g = Generation(
        lm, _prompt_ids(lm.tokenizer, "Count from one to one hundred."), Sampling(greedy=True, max_new_tokens=5)
    ).run()
    assert g.finish_reason == "length" and len(g.token_ids) == 5 and len(g.steps) == 5


def test_step_probabilities_equal_a_direct_forward_pass(lm):
    ids = _prompt_ids(lm.tokenizer)
    g = Generation(lm, ids, Sampling(greedy=True, max_new_tokens=2)).run()
    with torch.no_grad():
        probs = torch.softmax(lm.model(torch.tensor([ids + g.token_ids[:1]])).logits[0, -2:].float(), dim=-1)
    for k in range(2):
        top = probs[k].topk(5)
        assert g.steps[k].top_ids == tuple(top.indices.tolist())
        assert g.steps[k].prob == pytest.approx(float(probs[k, g.token_ids[k]]), abs=1e-5)
        assert g.steps[k].top_probs == pytest.approx(top.values.tolist(), abs=1e-5)
    conf = chat.confidences(g.steps, lm.tokenizer)
    assert conf[0].text == lm.tokenizer.decode([g.token_ids[0]]) and conf[0].alternatives[0][0] == conf[0].text
    assert "".join(s.piece for s in g.steps) == g.text


def test_pieces_rebuild_multibyte_text(lm):
    g = Generation(
        lm,
        chat.build_prompt(lm.tokenizer, "請用中文回答：你好嗎？", mode="official").ids,
        Sampling(greedy=True, max_new_tokens=16),
    ).run()
    assert "".join(s.piece for s in g.steps) == g.text.rstrip("\ufffd")
    assert all("\ufffd" not in s.piece for s in g.steps)


def test_empty_prompt_is_refused(lm):
    with pytest.raises(InputError, match="empty"):
        Generation(lm, [], Sampling())


@pytest.mark.slow
def test_code_snippet_runs_the_same_greedy_reply(lm, capsys):
    messages = [{"role": "user", "content": QUESTION}]
    code = chat.code_snippet(
        "HuggingFaceTB/SmolLM2-135M-Instruct",
        messages,
        "official",
        chat.HOMEMADE_PRESET,
        Sampling(greedy=True, max_new_tokens=12).generate_kwargs(),
        None,
    )
    assert "apply_chat_template" in code and "do_sample=False" in code and "max_new_tokens=12" in code
    home = chat.code_snippet("x/y", messages, "homemade", chat.HOMEMADE_PRESET, {"max_new_tokens": 5}, 7)
    assert "使用者說：What is the capital of France?\\nAI回答：" in home and "torch.manual_seed" not in home
    # The code runs as shown, on the embedded model's converted folder in place of the Hub id (offline),
    # and prints the reply the app generates.
    code = code.replace("'HuggingFaceTB/SmolLM2-135M-Instruct'", repr(lm.model.name_or_path))
    exec(compile(code, "<snippet>", "exec"), {"__name__": "snippet"})  # noqa: S102 - the code the tab shows
    direct = Generation(
        lm, chat.build_prompt(lm.tokenizer, QUESTION, mode="official").ids, Sampling(greedy=True, max_new_tokens=12)
    ).run()
    assert capsys.readouterr().out == direct.text + "\n"


def test_the_page_words_the_trimming_notice_from_numbers(tokenizer):
    from playground.words import chat as words

    history = [
        {"role": "user", "content": "tell me a long story " * 5},
        {"role": "assistant", "content": "once upon a time " * 5},
    ] * 3
    p = chat.fit_prompt(tokenizer, "and then?", history, budget=60)
    assert p.dropped_turns >= 1 and p.budget == 60
    full = p.n_tokens + p.dropped_tokens
    en = words.notice(p, "en")
    assert "oldest turn" in en and f"{full:,} tokens" in en and "at most 60" in en
    assert words.notice(p, "zh-Hans").startswith(f"✂️ 最早的 {p.dropped_turns} 轮")
    assert "模型最多只读 60 个" in words.notice(p, "zh-Hans")
    assert words.notice(chat.fit_prompt(tokenizer, "hi"), "zh-Hant") == ""


def test_a_reply_cut_at_the_limit_says_so_in_the_page_language():
    from playground.words import chat as words

    assert words.after_reply("", "eos", 12, "en") == "" and words.after_reply("x", "eos", 12, "zh-Hant") == "x"
    assert words.after_reply("", "length", 12, "en") == (
        "The reply stopped at the limit of 12 new tokens: the model had not ended its turn."
    )
    assert words.after_reply("✂️ trimmed", "length", 3, "zh-Hans") == (
        "✂️ trimmed\n\n回复到了 3 个新词元的上限就停了：模型还没有结束自己的回合。"
    )
