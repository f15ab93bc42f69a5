"""CPU int8 mode: SmoothQuant-style smoothing, then dynamic int8 quantization of the linear layers.

Plain dynamic int8 (`torch.ao.quantization.quantize_dynamic`) quantizes each layer's input with one
scale per tensor. LLM activations have a few channels thousands of times larger than the rest
(SmolLM2-135M: 2,800 against a mean of 0.6 at some down_proj inputs), so that one scale rounds
everything else to zero: measured top-1 agreement with float32 falls to ~45% on AGREEMENT_PROMPTS.

What this module does instead (Xiao et al. 2023, "SmoothQuant", with alpha = 0.8):
1. Run a few calibration sentences and record each linear layer's per-input-channel max |x|.
2. Divide those channels by s_j = max|x_j|^a / max|W_:,j|^(1-a) and multiply the weight's column j
   by s_j. The product x W^T is unchanged; the division is folded into the op before the layer (the
   RMSNorm weight before q/k/v and gate/up, the rows of v_proj before o_proj), so it costs nothing
   at run time.
3. Quantize the linear layers to int8 with one scale per output channel (per-channel weights).
   down_proj, whose inputs carry the worst outliers (act(gate) * up, which no norm precedes), stays
   float32: that costs ~35% of the speed-up and buys ~15 points of agreement (SmolLM2-135M, one run:
   all int8 3.2x faster, 73% agreement; down_proj float 2.4x, 87%). The LM head, tied to the
   embedding table in most small models, gets its own int8 copy; the embedding stays float32 (a
   lookup reads one row per token).

Smoothing needs the Llama/Qwen block layout (RMSNorm that multiplies by its weight); other models get
per-channel quantization without it. `agreement()` measures the cost: how often the int8 model's most
likely next token equals float32's on a fixed prompt set.

Not here: GPU quantization (bitsandbytes, GPTQ); the VRAM calculator models those formats.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

ALPHA = 0.8  # SmoothQuant's migration strength: 0 keeps activations as they are, 1 moves all into the weights
FLOAT_LAYERS = ("down_proj",)  # linear layers kept float32 (see the module docstring)

# Calibration text: a few registers (prose, code, Chinese, chat markup), fixed so results reproduce.
CALIBRATION = (
    "The quick brown fox jumps over the lazy dog. Paris is the capital of France, and Berlin of Germany.",
    "def fibonacci(n):\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n",
    "大家好，今天我們來談談語言模型如何預測下一個詞元。天空為什麼是藍色的？",
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
    "<|im_start|>assistant\n2 + 2 = 4.<|im_end|>\n",
    "Once upon a time, in a small village by the sea, there lived an old fisherman and his clever daughter.",
)

# The fixed prompt set on which int8 is compared with float32 (top-1 next token at every position).
AGREEMENT_PROMPTS = (
    "The capital of France is",
    "def add(a, b):\n    return",
    "Once upon a time, a little girl",
    "大家好，今天天氣",
    "The mitochondria is the powerhouse of the",
    "In 1969, Neil Armstrong became the first person to",
    "Water boils at a temperature of",
    "The quick brown fox jumps over the",
    "To make a cup of tea, first",
    "Machine learning is a field of",
)

_NORMS = {"LlamaRMSNorm", "Qwen2RMSNorm", "Qwen3RMSNorm", "MistralRMSNorm"}  # y = weight * x / rms(x)


def _input_absmax(model: Any, tokenizer: Any, texts: Sequence[str]) -> dict[str, Any]:
    """{linear layer name: max |x| per input channel} over the calibration texts. # (in_features,)"""
    import torch

    stats: dict[str, Any] = {}

    def hook(name: str) -> Any:
        def record(_mod: Any, inputs: tuple, _out: Any) -> None:
            x = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(dim=0).float()
            stats[name] = x if name not in stats else torch.maximum(stats[name], x)

        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)]
    try:
        with torch.no_grad():
            for text in texts:
                model(tokenizer(text, return_tensors="pt").input_ids.to(model.device))
    finally:
        for h in handles:
            h.remove()
    return stats


def _scales(x_max: Any, weights: Sequence[Any]) -> Any:
    """s_j = max|x_j|^alpha / max|W_:,j|^(1-alpha), over all the weights reading that input. # (in,)"""
    import torch

    w_max = torch.stack([w.detach().abs().amax(dim=0) for w in weights]).amax(dim=0).float()
    s = x_max.clamp(min=1e-5).pow(ALPHA) / w_max.clamp(min=1e-5).pow(1 - ALPHA)
    return s.clamp(min=1e-5)


def smooth(model: Any, tokenizer: Any, texts: Sequence[str] = CALIBRATION) -> int:
    """Fold SmoothQuant scales into a Llama/Qwen-style model in place (outputs unchanged up to float
    rounding). Returns the number of decoder blocks smoothed (0 if the layout is not recognised)."""
    import torch

    layers = getattr(getattr(model, "model", None), "layers", None)
    if layers is None or not all(
        type(getattr(b, n, None)).__name__ in _NORMS
        for b in layers
        for n in ("input_layernorm", "post_attention_layernorm")
    ):
        return 0
    stats = _input_absmax(model, tokenizer, texts)
    prefix = {id(m): n for n, m in model.named_modules()}
    with torch.no_grad():
        for block in layers:
            att, mlp = block.self_attn, block.mlp
            name = prefix[id(block)]
            # q/k/v read the input norm's output: norm weight / s, their columns * s
            s = _scales(stats[f"{name}.self_attn.q_proj"], [att.q_proj.weight, att.k_proj.weight, att.v_proj.weight])
            block.input_layernorm.weight.div_(s)
            for lin in (att.q_proj, att.k_proj, att.v_proj):
                lin.weight.mul_(s)
            # gate/up read the post-attention norm's output
            s = _scales(stats[f"{name}.mlp.gate_proj"], [mlp.gate_proj.weight, mlp.up_proj.weight])
            block.post_attention_layernorm.weight.div_(s)
            for lin in (mlp.gate_proj, mlp.up_proj):
                lin.weight.mul_(s)
            # o reads the heads' mix of v: one scale per v channel, shared by the heads of a kv group
            d_head = att.head_dim
            n_kv = att.v_proj.out_features // d_head
            n_heads = att.o_proj.in_features // d_head
            x_max = stats[f"{name}.self_attn.o_proj"].reshape(n_kv, n_heads // n_kv, d_head).amax(dim=1)  # (kv, d)
            w_max = att.o_proj.weight.detach().abs().amax(dim=0).reshape(n_kv, n_heads // n_kv, d_head).amax(dim=1)
            s_v = (x_max.clamp(min=1e-5).pow(ALPHA) / w_max.clamp(min=1e-5).pow(1 - ALPHA)).clamp(min=1e-5)
            att.v_proj.weight.div_(s_v.reshape(-1)[:, None])
            if att.v_proj.bias is not None:
                att.v_proj.bias.div_(s_v.reshape(-1))
            att.o_proj.weight.mul_(s_v[:, None, :].expand(n_kv, n_heads // n_kv, d_head).reshape(-1))
    return len(layers)


def _untie_head(model: Any) -> None:
    """Give a tied LM head its own weight, so it can be quantized while the embedding stays float."""
    import torch

    head = model.get_output_embeddings()
    if head is None or head.weight is not model.get_input_embeddings().weight:
        return
    own = torch.nn.Linear(head.in_features, head.out_features, bias=head.bias is not None)
    own.weight = torch.nn.Parameter(head.weight.detach().clone(), requires_grad=False)
    if head.bias is not None:
        own.bias = torch.nn.Parameter(head.bias.detach().clone(), requires_grad=False)
    model.set_output_embeddings(own)
    # Keep it untied: a later tie_weights() would put the float embedding back in its place. transformers
    # reads the tie from the config and keeps the resolved {target: source} map in all_tied_weights_keys.
    model.config.tie_word_embeddings = False
    model.all_tied_weights_keys = model.get_expanded_tied_weights_keys(all_submodels=True)  # {} now


def quantize_int8(model: Any, tokenizer: Any = None) -> Any:
    """Smooth (when the layout is known), then replace the nn.Linear layers (but FLOAT_LAYERS) by dynamic
    int8 ones with per-channel weights, in place; returns the model."""
    import torch

    if tokenizer is None:  # the loader passes none: read the tokenizer saved beside the weights
        try:
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(model.name_or_path)
        except Exception:  # noqa: BLE001 - no tokenizer found: quantize without smoothing
            tokenizer = None
    if tokenizer is not None:
        smooth(model, tokenizer)
    _untie_head(model)
    names = [
        name
        for name, m in model.named_modules()
        if isinstance(m, torch.nn.Linear) and name.split(".")[-1] not in FLOAT_LAYERS
    ]
    return dynamic_int8(model, names)


def dynamic_int8(model: Any, names: Sequence[str]) -> Any:
    """Replace the named nn.Linear layers by dynamic int8 ones (int8 weights, one scale per output channel;
    activations quantized per tensor at run time), in place; returns the model.

    Still torch.ao.quantization, deprecated in favour of torchao: on this CPU (torch 2.13, 2 cores, SmolLM2-135M
    decode) torch.ao's fbgemm kernel decodes 1.9x faster than float32, while torchao 0.18's int8 configs were
    slower than float32 (dynamic int8 activations + int8 weights 0.36x, int8 weight-only 0.33x): they target
    GPUs and torch.compile. The deprecation notices alone are silenced, here, for this call.
    Measure on a quiet machine: with 2 threads and other processes on the cores, fbgemm's many short parallel
    regions stall and int8 fell below float32 (0.1x); with 1 thread it stayed 2.0-2.7x.
    """
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig

    spec = dict.fromkeys(names, per_channel_dynamic_qconfig)
    with warnings.catch_warnings():  # two notices of the same deprecation, no other warning
        warnings.filterwarnings("ignore", r"torch\.ao\.quantization is deprecated", DeprecationWarning)
        warnings.filterwarnings("ignore", r"torch\.quantize_per_tensor, torch\.quantize_per_channel", UserWarning)
        return torch.ao.quantization.quantize_dynamic(model, spec, dtype=torch.qint8, inplace=True)


def packed_weight_bytes(module: Any) -> int:
    """Bytes of the weight and bias an int8 layer from `quantize_int8` keeps packed, outside parameters()
    and buffers(); 0 for any other module. The loader adds these to a model's weight bytes."""
    import torch

    if not isinstance(module, torch.ao.nn.quantized.Linear):  # the dynamic int8 Linear is a subclass
        return 0
    weight, bias = module.weight(), module.bias()  # (out, in) qint8, (out,) float32 or None
    return weight.numel() * weight.element_size() + (bias.numel() * bias.element_size() if bias is not None else 0)


def top1_tokens(model: Any, tokenizer: Any, prompts: Sequence[str] = AGREEMENT_PROMPTS) -> list[Any]:
    """The model's top-1 next token at every position of each prompt (teacher forcing): one (T,) tensor each."""
    import torch

    with torch.no_grad():
        return [model(tokenizer(p, return_tensors="pt").input_ids).logits[0].argmax(-1) for p in prompts]


def compare_top1(reference: Sequence[Any], other: Sequence[Any]) -> dict:
    """Agreement of two top1_tokens() results, at every position and at the last position only."""
    same = sum(int((a == b).sum()) for a, b in zip(reference, other))
    total = sum(a.numel() for a in reference)
    same_last = sum(int(a[-1] == b[-1]) for a, b in zip(reference, other))
    return {
        "top1_agreement": same / total,
        "positions": total,
        "last_token_agreement": same_last / len(reference),
        "prompts": len(reference),
    }


def agreement(reference: Any, quantized: Any, tokenizer: Any, prompts: Sequence[str] = AGREEMENT_PROMPTS) -> dict:
    """How often the quantized model's top-1 next token equals the reference's, at every position of the
    fixed prompts (teacher forcing) and at the last position only."""
    return compare_top1(top1_tokens(reference, tokenizer, prompts), top1_tokens(quantized, tokenizer, prompts))
