"""The bytes per GPU of one setting: weights, gradients, optimizer states, activations, logits, KV cache and
runtime overhead, for inference or training.

Input: `VramInputs` (a ModelSpec + what to do + the hardware). Output: `Breakdown` in BYTES. Pure integer
arithmetic, fast enough to be called thousands of times by the searches (see `search`).
Not here: verdicts, fixes or words.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import asdict, dataclass, field
from typing import Any

from playground.core.hardware import Hardware, preset
from playground.core.vram.formats import (
    CHECKPOINTING,
    DTYPE_BYTES,
    FORMAT,
    KV_DTYPE_BYTES,
    MAX_BATCH,
    MAX_CONTEXT,
    MAX_GPUS,
    METHODS,
    MODES,
    OPTIMIZERS,
    PER_PARAM,
)
from playground.core.vram.spec import ModelSpec, check_int, validate_spec
from playground.errors import InputError


@dataclass(frozen=True)
class VramInputs:
    """Everything an estimate depends on. Defaults: inference of a bf16 model at 4k tokens on one T4."""

    model: ModelSpec
    mode: str = "inference"  # "inference" | "training"
    weight_format: str = "bf16"  # inference (training uses the compute dtype, QLoRA uses nf4-dq)
    compute_dtype: str = "bf16"  # activations, logits, unquantized embeddings: fp32 | fp16 | bf16
    kv_dtype: str = "auto"  # auto (= compute dtype) | fp32 | fp16 | bf16 | fp8 | q8_0 | q4_0
    context: int = 4096  # tokens per sequence
    batch: int = 1  # sequences at once (training: the micro-batch)
    method: str = "full"  # full | lora | qlora
    lora_rank: int = 16
    optimizer: str = "adamw"  # adamw | adamw8bit | sgd
    mixed_precision: bool = True  # 16-bit compute with fp32 master weights; False: everything fp32
    checkpointing: str = "none"  # none | selective | full
    flash_attention: bool = True  # attention memory linear in context (FlashAttention / SDPA kernels)
    fused_ce: bool = False  # Liger fused linear + cross-entropy: logits never materialized
    grad_accum: int = 1  # micro-batches per optimizer step
    zero_stage: int = 0  # 0 (plain data parallel) .. 3
    offload: bool = False  # ZeRO-Offload: gradients and optimizer states in CPU RAM
    n_gpus: int = 1
    hardware: Hardware = field(default_factory=lambda: preset("t4"))


@dataclass(frozen=True)
class Breakdown:
    """Bytes on ONE GPU (or the one device), by kind. All ints, all >= 0."""

    weights: int
    gradients: int
    optimizer: int
    activations: int
    logits: int
    kv_cache: int
    overhead: int  # CUDA context (runtime), before any tensor

    @property
    def total(self) -> int:
        return (
            self.weights
            + self.gradients
            + self.optimizer
            + self.activations
            + self.logits
            + self.kv_cache
            + self.overhead
        )

    @property
    def tensors(self) -> int:
        """What torch.cuda.max_memory_allocated would see: everything but the runtime overhead."""
        return self.total - self.overhead

    def as_dict(self) -> dict[str, int]:
        d = asdict(self)
        d["total"] = self.total
        return d


def _one_of(what: str, value: Any, allowed: Container[Any], choose: str) -> None:
    """InputError "Unknown mode 'x'. Choose inference or training." unless `value` is allowed."""
    if value not in allowed:
        raise InputError(f"Unknown {what} '{value}'. Choose {choose}.")


def validate(inputs: VramInputs) -> None:
    """InputError naming the first bad setting."""
    validate_spec(inputs.model)
    _one_of("mode", inputs.mode, MODES, "inference or training")
    _one_of("weight format", inputs.weight_format, FORMAT, f"one of: {', '.join(FORMAT)}")
    _one_of("compute dtype", inputs.compute_dtype, DTYPE_BYTES, "fp32, fp16 or bf16")
    _one_of("KV-cache dtype", inputs.kv_dtype, ("auto", *KV_DTYPE_BYTES), f"auto, {', '.join(KV_DTYPE_BYTES)}")
    check_int("Context length", inputs.context, 1, MAX_CONTEXT)
    check_int("Batch size", inputs.batch, 1, MAX_BATCH)
    check_int("GPUs", inputs.n_gpus, 1, MAX_GPUS)
    if inputs.mode == "training":
        _one_of("training method", inputs.method, METHODS, "full, lora or qlora")
        _one_of("optimizer", inputs.optimizer, OPTIMIZERS, ", ".join(OPTIMIZERS))
        _one_of("checkpointing", inputs.checkpointing, CHECKPOINTING, "none, selective or full")
        if inputs.method != "full":
            check_int("LoRA rank", inputs.lora_rank, 1, 100_000)
        check_int("Gradient accumulation steps", inputs.grad_accum, 1, MAX_BATCH)
        check_int("ZeRO stage", inputs.zero_stage, 0, 3)


def weight_bytes(spec: ModelSpec, fmt: str, compute_dtype: str = "bf16") -> int:
    """Bytes of the weights in a format. GGUF quantizes everything (embeddings too; norms stay fp32);
    bitsandbytes/GPTQ/AWQ/fp8 keep embeddings, norms and lm_head in the compute dtype.

    8.03e9 params: fp16 -> 16.06 GB; q8_0 -> 8.53 GB (7.95 GiB).
    """
    f = FORMAT[fmt]
    if f.family == "float":
        return int(spec.n_params * f.bits / 8)
    if f.family == "gguf":
        return int(spec.norm_params * 4 + (spec.n_params - spec.norm_params) * f.bits / 8)
    kept = spec.n_params - spec.linear_params  # embeddings + lm_head + norms
    quant = spec.linear_params * f.bits / 8
    if fmt == "int8":  # one fp32 scale per output row; rows ~ linear params / hidden
        quant += spec.linear_params / spec.hidden * 4
    return int(kept * DTYPE_BYTES[compute_dtype] + quant)


def kv_cache_bytes(spec: ModelSpec, context: int, batch: int, kv_bytes: float) -> int:
    """2 (K and V) x layers x kv_heads x head_dim x tokens x batch x bytes; sliding layers hold
    min(context, window) tokens. Uses n_kv_heads, never hidden: GQA shrinks it by n_heads / n_kv_heads."""
    full_layers = spec.n_layers - spec.n_sliding_layers
    tokens = full_layers * context + spec.n_sliding_layers * min(context, spec.sliding_window or context)
    return int(2 * spec.n_kv_heads * spec.head_dim * tokens * batch * kv_bytes)


def layer_activation_bytes(spec: ModelSpec, tokens: int, e: int, attn_s2: bool, context: int) -> int:
    """Bytes one block saves for backward for `tokens` = micro-batch x context tokens (Korthikanti et al.
    2022, generalized to GQA, gated MLPs and HF RMSNorm). Per token:
      attention: e (h + 3 a d + 2 n_kv d)   [q/k/v input, rotated q, k, v, attention output twice]
      MLP:       e (h + 4 i) gated, e (h + 2 i) GeLU
      norms:     2 (4 h + e h)              [HF RMSNorm saves its input in fp32 and the normalized output]
      scores:    (4 + e) a s                [softmax output in fp32 and in e; none with FlashAttention]
    A GPT block in 16-bit without dropout gives 32 s b h + 6 a s^2 b (the paper's 34 and 5 include dropout).
    """
    h, ad, kvd, i = spec.hidden, spec.n_heads * spec.head_dim, spec.n_kv_heads * spec.head_dim, spec.intermediate
    per_token = e * (h + 3 * ad + 2 * kvd) + e * (h + (4 if spec.gated_mlp else 2) * i) + 2 * (4 * h + e * h)
    total = per_token * tokens
    if attn_s2:
        total += (4 + (e if e != 4 else 0)) * spec.n_heads * context * tokens
    return int(total)


def inference_bytes(i: VramInputs) -> Breakdown:
    """Per-GPU bytes of generation: weights, KV cache, one block's prefill working set, last logits."""
    spec, e = i.model, DTYPE_BYTES[i.compute_dtype]
    n = i.n_gpus
    w = weight_bytes(spec, i.weight_format, i.compute_dtype)
    kvb = KV_DTYPE_BYTES[i.kv_dtype] if i.kv_dtype != "auto" else float(e)
    kv = kv_cache_bytes(spec, i.context, i.batch, kvb)
    # Prefill working set of one block (no_grad): residual, norm output and the MLP's three i-wide tensors.
    tokens = i.batch * i.context
    act = e * tokens * (3 * spec.hidden + 3 * spec.intermediate)
    if not i.flash_attention:
        act += (4 + (e if e != 4 else 0)) * spec.n_heads * i.context * tokens
    logits = i.batch * spec.vocab * 4  # generation keeps the last position's logits, upcast to fp32
    # Layers split over the GPUs (device_map="auto"): weights and cache divide, the working set does not.
    return Breakdown(
        weights=-(-w // n),
        gradients=0,
        optimizer=0,
        activations=act,
        logits=logits,
        kv_cache=-(-kv // n),
        overhead=i.hardware.overhead_bytes,
    )


def training_bytes(i: VramInputs) -> tuple[Breakdown, int, int]:
    """(per-GPU bytes of one training step, CPU RAM bytes of offloaded states, trainable parameters)."""
    spec, n = i.model, i.n_gpus
    e = DTYPE_BYTES[i.compute_dtype] if i.mixed_precision else 4
    wb, gb, ob = PER_PARAM[(i.mixed_precision, i.optimizer)]
    if i.method == "full":
        trainable = spec.n_params
        base = 0
    else:
        trainable = spec.lora_params(i.lora_rank)
        base = weight_bytes(
            spec, "nf4-dq" if i.method == "qlora" else ("bf16" if e == 2 else "fp32"), "bf16" if e == 2 else "fp32"
        )
    weights, grads, opt = base + trainable * wb, trainable * gb, trainable * ob
    offload = 0
    if i.offload:  # ZeRO-Offload: fp32 gradients and the optimizer states live in CPU RAM
        offload = trainable * (4 + ob)
        grads, opt = 0, 0
    if i.zero_stage >= 1:
        opt = -(-opt // n)
    if i.zero_stage >= 2:
        grads = -(-grads // n)
    if i.zero_stage >= 3:
        weights = -(-weights // n)

    tokens = i.batch * i.context
    s2 = not i.flash_attention and i.checkpointing == "none"
    one_layer = layer_activation_bytes(spec, tokens, e, s2, i.context)
    if i.checkpointing == "full":
        # Each block keeps only its input; one block's full set exists again while it is recomputed.
        act = spec.n_layers * e * tokens * spec.hidden + layer_activation_bytes(
            spec, tokens, e, not i.flash_attention, i.context
        )
    else:
        act = spec.n_layers * one_layer
    act += e * tokens * spec.hidden * 2  # final norm output and the lm_head input
    if i.fused_ce:  # Liger: logits made chunk by chunk, ~ B*T*h fp32 values at a time, plus grad of the input
        logits = tokens * spec.hidden * (4 + e)
    else:  # logits in e, their fp32 copy, and the fp32 log-softmax / gradient
        logits = tokens * spec.vocab * (e + 8)
    per = Breakdown(
        weights=int(weights),
        gradients=int(grads),
        optimizer=int(opt),
        activations=int(act),
        logits=int(logits),
        kv_cache=0,
        overhead=i.hardware.overhead_bytes,
    )
    return per, int(offload), trainable


def breakdown(inputs: VramInputs) -> Breakdown:
    """The per-GPU bytes alone (validated). Fast: pure integer arithmetic."""
    validate(inputs)
    return training_bytes(inputs)[0] if inputs.mode == "training" else inference_bytes(inputs)


def per_gpu_total(inputs: VramInputs) -> int:
    """Bytes per GPU of inputs already validated: what every search compares with the usable memory
    (called thousands of times, so not validated again)."""
    return (training_bytes(inputs)[0] if inputs.mode == "training" else inference_bytes(inputs)).total


def zero_model_states(n_params: float, n_gpus: int) -> dict[int, float]:
    """Mixed-precision Adam model states per GPU, bytes, by ZeRO stage (paper section 3.1):
    7.5e9, 64 -> {0: 120e9, 1: 31.4e9, 2: 16.6e9, 3: 1.9e9}."""
    p, n = float(n_params), n_gpus
    return {0: 16 * p, 1: 4 * p + 12 * p / n, 2: 2 * p + 14 * p / n, 3: 16 * p / n}
