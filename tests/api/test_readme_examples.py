"""Every gradio_client example in README.md runs against a live app and prints what a direct computation gives:
the API docs stay true to the code.

Each example's stdout is captured; the lines are compared with the same values computed in this process, from
the model's own logits and tokenizer where that is short, else from the core the endpoint wraps. An example
whose endpoint has no check here fails the test (`CHECKS`), so a new README example comes with its check.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
import torch

from playground import config

README = (config.ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "Client(" in b]


def _greedy_reply(lm: Any, message: str, history: Any = (), system: str = "", max_new: int = 64) -> Any:
    from playground.core import chat
    from playground.core.generate import Generation, Sampling

    ids = chat.build_prompt(lm.tokenizer, message, history, system=system, mode="official").ids
    return Generation(lm, ids, Sampling(greedy=True, max_new_tokens=max_new)).run()


def check_chat(lines: list[str], lm: Any) -> None:
    out = "\n".join(lines)  # a reply may span lines: compare the text
    first = _greedy_reply(lm, "What is the capital of France?", system="You are terse.")
    # the last streamed update is the whole reply, then the finish reason and the first token
    assert f"{first.text}\n{first.finish_reason} {{'id': {first.token_ids[0]}, 'text': " in out
    history = [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": first.text},
    ]
    assert out.endswith("\n" + _greedy_reply(lm, "And of Germany?", history, system="You are terse.").text)


def check_architecture(lines: list[str], lm: Any) -> None:
    from playground.core import architecture

    assert lines[0] == str(architecture.model_shape("DeepSeek-R1-Distill-Qwen-1.5B").n_params) == "1777088000"
    assert lines[1].startswith("[{'name': 'lm_head.weight', 'shape': [151936, 1536]")  # untied: its own head
    assert lines[2] == str(architecture.model_shape("Llama-3.2-1B-Instruct").tied) == "True"


def check_inside(lines: list[str], lm: Any) -> None:
    from playground.core import neighbors

    found = neighbors.to_json(neighbors.neighbors(lm, "apple", 10, "mean", "input"))
    assert lines[0] == str([(n["text"], n["similarity"]) for n in found["groups"][0]["neighbors"]])
    # logit lens, last layer: the model's own next-token logits; " Rome" is its first choice
    ids = lm.tokenizer("The capital of France is Paris, and the capital of Italy is", return_tensors="pt").input_ids
    with torch.no_grad():
        logits = lm.model(ids).logits[0, -1]  # (d_vocab,)
    target = lm.tokenizer(" Rome", add_special_tokens=False).input_ids[0]
    ranks = [int(x) for x in re.findall(r"\d+", lines[1])]
    assert ranks[-1] == int((logits > logits[target]).sum()) + 1 == 1
    cfg = lm.model.config
    group = cfg.num_attention_heads // cfg.num_key_value_heads  # query heads per kv head
    assert lines[2].startswith(f"{list(range(group, 2 * group))} [")  # the heads of kv group 1


def check_vram(lines: list[str], lm: Any) -> None:
    # Llama-3.1-8B in fp16 on a 16 GB T4 at 4,096 tokens: the weights alone are 8.03e9 x 2 B = 16.06 GB
    fits, total, unit = lines[0].split()
    assert (fits, round(float(total), 1), unit) == ("False", 17.6, "GB")
    assert float(total) > 8_030_261_248 * 2 / 1e9
    fixes = ast.literal_eval(lines[1])  # a list of (change, GB) that the example printed
    assert fixes and all(round(t, 2) == t for _change, t in fixes)


def check_foundation(lines: list[str], lm: Any) -> None:
    ids = lm.tokenizer("大家好", add_special_tokens=True).input_ids
    assert lines[0].startswith(f"{ids} [") and lines[0].endswith(" True")  # ids, pieces, round trip
    prompt = lm.tokenizer("1+1=", return_tensors="pt").input_ids
    with torch.no_grad():
        probs = torch.softmax(lm.model(prompt).logits[0, -1].float(), -1)  # (d_vocab,), temperature 1
    top = torch.topk(probs, 10)
    assert lines[1] == str([(lm.tokenizer.decode([int(i)]), round(float(p), 4)) for p, i in zip(*top)])


def check_lessons(lines: list[str], lm: Any) -> None:
    from playground import config
    from playground.core import lessons

    ids = [s.id for s in lessons.steps_for("zh")][:3]
    assert lines[0] == f"{config.settings().chinese_model} {ids}"
    good = lm.tokenizer("good good", add_special_tokens=False)["input_ids"]  # two tokens, two ids: both claims hold
    assert len(good) == 2 and good[0] != good[1]
    assert lines[1] == "{'two': True, 'different': True} True"


def check_tools_rag(lines: list[str], lm: Any) -> None:
    from playground.core import rag_answer, tools

    assert tools.calculate("(17 + 3) * 23") == 460
    kinds, result = lines[0].split("] ", 1)
    steps = ["prompt", "reply", "parse", "run", "tool_message", "answer"]  # the hand-written reply stands in
    assert kinds + "]" == str([(kind, True) for kind in steps])
    assert "'result': 460" in result
    fact = rag_answer.rag_json(rag_answer.answer(lm, "What is the capital of Quellmark?", 3, 16), lm)["fact"]
    assert lines[1] == f"{fact['p_with']} {fact['p_without']}"  # the same teacher-forced numbers, computed directly
    assert fact["p_with"] > 1000 * fact["p_without"]  # the retrieved chunk carries the fact


# An example is checked by the first of its endpoints listed here.
CHECKS = {
    "/tool_chat": check_tools_rag,
    "/lessons": check_lessons,
    "/chat": check_chat,
    "/architecture": check_architecture,
    "/embedding_neighbors": check_inside,
    "/vram_estimate": check_vram,
    "/tokenize": check_foundation,
}


def test_readme_has_client_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("block", BLOCKS, ids=[f"example{i}" for i in range(len(BLOCKS))])
def test_readme_example_prints_what_a_direct_computation_gives(block, live_app, lm, capsys):
    check = next((f for name, f in CHECKS.items() if f'api_name="{name}"' in block), None)
    assert check is not None, f"no check for this README example:\n{block}"
    code = block.replace("http://127.0.0.1:7860/", live_app)
    capsys.readouterr()
    exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})  # noqa: S102 - our own docs
    # what the example printed, without gradio_client's own "Loaded as API: <url>" line
    lines = [ln for ln in capsys.readouterr().out.rstrip("\n").split("\n") if not ln.startswith("Loaded as API:")]
    check(lines, lm)
