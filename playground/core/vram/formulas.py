"""The formulas behind every figure, with their sources, for the "How this is computed" section.

Each row has a stable key; `what` and `formula` are the English text (the tab registers their translations
under "vram.formula.<key>.what/.formula"); `reference` is a citation and stays as written.
Not here: the arithmetic itself (see `arithmetic`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Formula:
    key: str
    what: str
    formula: str
    reference: str


FORMULAS: tuple[Formula, ...] = (
    Formula("units", "Units", "GB = 10^9 bytes, GiB = 2^30 bytes; every figure shows both", "SI / IEC 80000-13"),
    Formula(
        "params",
        "Parameters",
        "embeddings + blocks + final norm + lm_head (counted once when tied), from the "
        "config on the meta device with AutoModelForCausalLM",
        "accelerate estimate-memory, corrected",
    ),
    Formula(
        "w16",
        "Weights, 16/32-bit",
        "P x 2 (fp16/bf16) or P x 4 (fp32): 8B -> 16 GB / 32 GB",
        "EleutherAI, Transformer Math 101",
    ),
    Formula(
        "wquant",
        "Weights, bitsandbytes/GPTQ/AWQ/fp8",
        "linear params x bits/8 (+ scales) + embeddings, norms, lm_head in 16-bit; "
        "NF4 4.5 bits (4.127 double-quantized), GPTQ/AWQ 4 + 20/128 bits",
        "Dettmers et al. 2022, 2023; GPTQ; AWQ",
    ),
    Formula(
        "wgguf",
        "Weights, GGUF",
        "P x bits per weight / 8, embeddings included: Q8_0 8.5, Q6_K 6.5625, Q4_0 4.5, "
        "Q4_1 5.0, Q4_K_M ~4.89, Q5_K_M ~5.70, Q2_K preset ~3.2",
        "llama.cpp block sizes (ggml-common.h)",
    ),
    Formula(
        "adam",
        "Training states, mixed-precision Adam",
        "2P weights + 2P grads + 12P (fp32 master, momentum, variance) = 16P; "
        "8-bit Adam 6P, SGD+momentum 8P instead of 12P; all-fp32: 4P + 4P + 8P",
        "Rajbhandari et al. 2020 (ZeRO), section 3.1",
    ),
    Formula(
        "zero",
        "ZeRO per GPU (N GPUs)",
        "stage 1: 4P + 12P/N; stage 2: 2P + 14P/N; stage 3: 16P/N (7.5B, N=64: 120 -> 31.4 -> 16.6 -> 1.9 GB)",
        "ZeRO, section 3.1 and figure 1",
    ),
    Formula(
        "offload",
        "ZeRO-Offload",
        "fp32 gradients and optimizer states (16P for Adam) move to CPU RAM; the GPU keeps 16-bit weights",
        "Ren et al. 2021 (ZeRO-Offload)",
    ),
    Formula(
        "lora",
        "LoRA / QLoRA",
        "frozen base (16-bit, or NF4 with double quantization) + r x (in + out) per linear layer, "
        "trained with the same bytes per trainable parameter",
        "Hu et al. 2021; Dettmers et al. 2023",
    ),
    Formula(
        "act",
        "Activations per block",
        "s b [e(h + 3ad + 2 n_kv d) + e(h + 4i) + 2(4h + e h)] + (4 + e) a s^2 b; GPT-3 style "
        "this is the paper's s b h (34 + 5 a s / h) without dropout masks",
        "Korthikanti et al. 2022, section 4",
    ),
    Formula(
        "flash",
        "FlashAttention / selective recomputation",
        "drops the a s^2 b term: memory linear in s",
        "Dao et al. 2022; Korthikanti et al. 2022",
    ),
    Formula(
        "ckpt",
        "Full checkpointing",
        "L x e s b h (each block's input) + one block's activations while recomputing (~33% more compute)",
        "Chen et al. 2016; Korthikanti et al. 2022",
    ),
    Formula(
        "logits",
        "Logits (training)",
        "b s V (e + 4 + 4): logits, their fp32 copy, the log-softmax/gradient; "
        "fused cross-entropy keeps ~ b s h (4 + e)",
        "Liger Kernel (Hsu et al. 2024)",
    ),
    Formula(
        "kv",
        "KV cache",
        "2 x L x n_kv x d x s x b x bytes per element; sliding-window layers hold min(s, window)",
        "Transformer Math 101 (with GQA)",
    ),
    Formula(
        "overhead",
        "Runtime overhead",
        "CUDA context ~0.5 GiB (0.3-1 GiB measured); allocator fragmentation not included",
        "PyTorch CUDA semantics",
    ),
    Formula(
        "batch",
        "Global batch",
        "micro-batch x accumulation steps x data-parallel GPUs sequences (x s tokens)",
        "DeepSeek-V3: 1920 x 32K = 62.9M tokens",
    ),
    Formula(
        "speed",
        "Speed ceiling (inference)",
        "tokens/s <= bandwidth / (weight bytes + KV-cache bytes read per step)",
        "memory-bound decoding",
    ),
)
