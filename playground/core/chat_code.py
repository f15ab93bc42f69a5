"""The Chat tab's Code panel: plain transformers code that builds the same prompt and generates the same reply.

Not here: building the prompt the app sends (playground.core.chat), running anything. The test of this
module executes the code it writes (tests/core/test_chat.py).
"""

from __future__ import annotations

from typing import Any


def code_snippet(
    hub_id: str,
    messages: list[dict[str, str]],
    mode: str,
    template: str,
    sampling_kwargs: dict[str, Any],
    seed: int | None,
) -> str:
    """Plain transformers code that builds the same prompt and generates the same reply."""
    lines = [
        "import torch",
        "from transformers import AutoModelForCausalLM, AutoTokenizer",
        "",
        f"tokenizer = AutoTokenizer.from_pretrained({hub_id!r})",
        f"model = AutoModelForCausalLM.from_pretrained({hub_id!r}, dtype=torch.float32)",
        "",
    ]
    if mode == "official":
        lines += [
            f"messages = {messages!r}",
            "inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True,",
            "                                       return_tensors='pt', return_dict=True)",
        ]
    else:
        # At call time: playground.core.chat names this function, so it cannot be imported at the top.
        from playground.core.chat import SLOT, _render_plain

        text, _ = _render_plain(mode, messages, template if mode == "homemade" else SLOT)
        lines += [f"prompt = {text!r}", "inputs = tokenizer(prompt, return_tensors='pt')"]
    if seed is not None and sampling_kwargs.get("do_sample"):
        lines.append(f"torch.manual_seed({seed})")
    args = ", ".join(f"{k}={v!r}" for k, v in sampling_kwargs.items())
    lines += [
        f"out = model.generate(**inputs, {args})",
        "reply = tokenizer.decode(out[0, inputs['input_ids'].shape[1]:], skip_special_tokens=True)",
        "print(reply)",
    ]
    return "\n".join(lines)
