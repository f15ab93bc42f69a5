"""Weight formats, dtypes and the settings an estimate accepts, with their limits.

Data only: bits per weight of each storage format (metadata included), bytes per element of the compute and
KV-cache dtypes, the bytes per trainable parameter of each optimizer, and the caps beyond which an input is a
typo. Not here: arithmetic (see `arithmetic`), wording (the tab words codes; labels here are the English ones).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WeightFormat:
    key: str
    label: str  # English; the tab translates "bytes"/"bits"
    bits: float  # bits per quantized weight, metadata (scales, zeros) included
    keeps_16bit: bool  # embeddings, norms and lm_head stay in the compute dtype (bitsandbytes, GPTQ, AWQ, fp8)
    family: str  # "float", "bnb", "gptq", "gguf", "fp8"
    reference: str  # where the bits per weight come from


# llama.cpp block sizes (ggml-common.h): Q8_0 = 32 int8 + one fp16 scale per 32 weights = 8.5 bits, etc.
# The _K_M presets mix in Q6_K tensors: Llama-3.1-8B Q4_K_M measured 4.89 bpw; Q5_K_M assumes the same
# share of Q6_K tensors (5.5 + 0.19 x 1.06 = 5.70). The Q2_K preset keeps some tensors at Q3_K/Q4_K/Q6_K
# (~3.2 bpw over a whole 8B model) although the Q2_K type itself is 2.625.
FORMATS: tuple[WeightFormat, ...] = (
    WeightFormat("fp32", "fp32 (4 bytes)", 32, False, "float", "IEEE float32"),
    WeightFormat("fp16", "fp16 (2 bytes)", 16, False, "float", "IEEE float16"),
    WeightFormat("bf16", "bf16 (2 bytes)", 16, False, "float", "bfloat16"),
    WeightFormat(
        "fp8", "fp8 e4m3 (1 byte, per-tensor scales)", 8, True, "fp8", "FP8 checkpoints keep embeddings/lm_head 16-bit"
    ),
    WeightFormat("int8", "bitsandbytes LLM.int8() (1 byte + per-row scales)", 8, True, "bnb", "Dettmers et al. 2022"),
    WeightFormat(
        "nf4", "bitsandbytes NF4 (4.5 bits: fp32 absmax per 64)", 4.5, True, "bnb", "Dettmers et al. 2023 (QLoRA)"
    ),
    WeightFormat(
        "nf4-dq",
        "bitsandbytes NF4 + double quantization (4.127 bits)",
        4.127,
        True,
        "bnb",
        "QLoRA: 8-bit absmax per 64, fp32 per 256 blocks",
    ),
    WeightFormat(
        "gptq",
        "GPTQ 4-bit, group 128 (4.156 bits)",
        4 + 16 / 128 + 4 / 128,
        True,
        "gptq",
        "fp16 scale + 4-bit zero per 128 weights",
    ),
    WeightFormat(
        "awq",
        "AWQ 4-bit, group 128 (4.156 bits)",
        4 + 16 / 128 + 4 / 128,
        True,
        "gptq",
        "fp16 scale + 4-bit zero per 128 weights",
    ),
    WeightFormat("q8_0", "GGUF Q8_0 (8.5 bits)", 8.5, False, "gguf", "llama.cpp block: 32 x int8 + fp16 scale"),
    WeightFormat("q6_k", "GGUF Q6_K (6.5625 bits)", 6.5625, False, "gguf", "llama.cpp super-block of 256"),
    WeightFormat("q5_k_m", "GGUF Q5_K_M (~5.70 bits)", 5.70, False, "gguf", "Q5_K (5.5) mixed with Q6_K tensors"),
    WeightFormat("q4_k_m", "GGUF Q4_K_M (~4.89 bits)", 4.89, False, "gguf", "Llama-3.1-8B measured: 4.58 GiB"),
    WeightFormat(
        "q4_1", "GGUF Q4_1 (5.0 bits)", 5.0, False, "gguf", "llama.cpp block: 32 x 4-bit + fp16 scale + fp16 min"
    ),
    WeightFormat("q4_0", "GGUF Q4_0 (4.5 bits)", 4.5, False, "gguf", "llama.cpp block: 32 x 4-bit + fp16 scale"),
    WeightFormat(
        "q2_k", "GGUF Q2_K preset (~3.2 bits)", 3.2, False, "gguf", "Q2_K type 2.625 mixed with Q3_K/Q4_K/Q6_K"
    ),
)
FORMAT = {f.key: f for f in FORMATS}

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2}
KV_DTYPE_BYTES = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "q8_0": 8.5 / 8, "q4_0": 4.5 / 8}
OPTIMIZERS = ("adamw", "adamw8bit", "sgd")
METHODS = ("full", "lora", "qlora")
CHECKPOINTING = ("none", "selective", "full")
MODES = ("inference", "training")

# Bytes per trainable parameter: (weights, gradients, optimizer states), keyed by (mixed precision, optimizer).
# Mixed precision (ZeRO paper 3.1): 16-bit weights and grads; fp32 master weights + the optimizer's states.
# AdamW: master 4 + momentum 4 + variance 4 = 12; 8-bit Adam: 4 + 1 + 1 = 6; SGD with momentum: 4 + 4 = 8.
PER_PARAM = {
    (True, "adamw"): (2, 2, 12),
    (True, "adamw8bit"): (2, 2, 6),
    (True, "sgd"): (2, 2, 8),
    (False, "adamw"): (4, 4, 8),
    (False, "adamw8bit"): (4, 4, 2),
    (False, "sgd"): (4, 4, 4),
}

# Limits: beyond these an input is a typo, and Python ints would still compute but nobody means it.
MAX_PARAMS = 10**13  # 10 trillion
MAX_CONTEXT = 10**8
MAX_DIM = 10**6
MAX_BATCH = 10**6
MAX_GPUS = 100_000
