"""Memory arithmetic for running and training a causal LM: how many bytes go where, per GPU.

Input: one `VramInputs` (a `ModelSpec` + what to do + the hardware). Output: a `VramEstimate` whose
`per_gpu` breakdown is in BYTES (weights, gradients, optimizer states, activations, logits, KV cache,
runtime overhead), plus the CPU RAM needed, a verdict, the cheapest changes that would make it fit
(each with its new total), and a speed ceiling for inference. Every formula is listed in `FORMULAS`
with its source. Units: GB = 1e9 bytes, GiB = 2^30 bytes; `human()` prints both.

What this is not: a measurement (see `playground.core.measure`) or a config reader (see
`playground.core.architecture`; `spec_from_shape_obj` adapts its ModelShape). No torch here.

Deliberately avoided mistakes of popular calculators (shared/facts/memory.md): the untied lm_head is
counted, tied embeddings are counted once, the KV cache uses the key/value heads (GQA), int4 is not
fp32/8 (quantization metadata and 16-bit embeddings are counted), and "training with Adam" is the
16 bytes/parameter of mixed precision, not the 8 bytes/parameter of a single stage.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from playground.core.hardware import GB, GiB, Hardware, preset
from playground.errors import InputError

# --------------------------------------------------------------------------- units


def human(n: float) -> str:
    """16_060_000_000 -> '16.06 GB (14.96 GiB)'. GB = 1e9 bytes, GiB = 2^30 bytes."""
    if n >= 0.1 * GB:
        return f"{n / GB:,.2f} GB ({n / GiB:,.2f} GiB)"
    return f"{n / 1e6:,.1f} MB ({n / 2**20:,.1f} MiB)"


# --------------------------------------------------------------------------- formats


@dataclass(frozen=True)
class WeightFormat:
    key: str
    label: str
    bits: float  # bits per quantized weight, metadata (scales, zeros) included
    keeps_16bit: bool  # embeddings, norms and lm_head stay in the compute dtype (bitsandbytes, GPTQ, AWQ, fp8)
    family: str  # "float", "bnb", "gptq", "gguf", "fp8"
    source: str


# llama.cpp block sizes (ggml-common.h): Q8_0 = 32 int8 + one fp16 scale per 32 weights = 8.5 bits, etc.
# The _K_M presets mix in Q6_K tensors: Llama-3.1-8B Q4_K_M measured 4.89 bpw; Q5_K_M assumes the same
# share of Q6_K tensors (5.5 + 0.19 x 1.06 = 5.70). The Q2_K preset keeps some tensors at Q3_K/Q4_K/Q6_K
# (~3.2 bpw over a whole 8B model) although the Q2_K type itself is 2.625.
FORMATS: tuple[WeightFormat, ...] = (
    WeightFormat("fp32", "fp32 (4 bytes)", 32, False, "float", "IEEE float32"),
    WeightFormat("fp16", "fp16 (2 bytes)", 16, False, "float", "IEEE float16"),
    WeightFormat("bf16", "bf16 (2 bytes)", 16, False, "float", "bfloat16"),
    WeightFormat("fp8", "fp8 e4m3 (1 byte, per-tensor scales)", 8, True, "fp8", "FP8 checkpoints keep embeddings/lm_head 16-bit"),
    WeightFormat("int8", "bitsandbytes LLM.int8() (1 byte + per-row scales)", 8, True, "bnb", "Dettmers et al. 2022"),
    WeightFormat("nf4", "bitsandbytes NF4 (4.5 bits: fp32 absmax per 64)", 4.5, True, "bnb", "Dettmers et al. 2023 (QLoRA)"),
    WeightFormat("nf4-dq", "bitsandbytes NF4 + double quantization (4.127 bits)", 4.127, True, "bnb",
                 "QLoRA: 8-bit absmax per 64, fp32 per 256 blocks"),
    WeightFormat("gptq", "GPTQ 4-bit, group 128 (4.156 bits)", 4 + 16 / 128 + 4 / 128, True, "gptq",
                 "fp16 scale + 4-bit zero per 128 weights"),
    WeightFormat("awq", "AWQ 4-bit, group 128 (4.156 bits)", 4 + 16 / 128 + 4 / 128, True, "gptq",
                 "fp16 scale + 4-bit zero per 128 weights"),
    WeightFormat("q8_0", "GGUF Q8_0 (8.5 bits)", 8.5, False, "gguf", "llama.cpp block: 32 x int8 + fp16 scale"),
    WeightFormat("q6_k", "GGUF Q6_K (6.5625 bits)", 6.5625, False, "gguf", "llama.cpp super-block of 256"),
    WeightFormat("q5_k_m", "GGUF Q5_K_M (~5.70 bits)", 5.70, False, "gguf", "Q5_K (5.5) mixed with Q6_K tensors"),
    WeightFormat("q4_k_m", "GGUF Q4_K_M (~4.89 bits)", 4.89, False, "gguf", "Llama-3.1-8B measured: 4.58 GiB"),
    WeightFormat("q4_1", "GGUF Q4_1 (5.0 bits)", 5.0, False, "gguf", "llama.cpp block: 32 x 4-bit + fp16 scale + fp16 min"),
    WeightFormat("q4_0", "GGUF Q4_0 (4.5 bits)", 4.5, False, "gguf", "llama.cpp block: 32 x 4-bit + fp16 scale"),
    WeightFormat("q2_k", "GGUF Q2_K preset (~3.2 bits)", 3.2, False, "gguf", "Q2_K type 2.625 mixed with Q3_K/Q4_K/Q6_K"),
)
FORMAT = {f.key: f for f in FORMATS}

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2}
KV_DTYPE_BYTES = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "q8_0": 8.5 / 8, "q4_0": 4.5 / 8}
OPTIMIZERS = ("adamw", "adamw8bit", "sgd")
METHODS = ("full", "lora", "qlora")
CHECKPOINTING = ("none", "selective", "full")
MODES = ("inference", "training")

# Bytes per trainable parameter: (weights, gradients, optimizer states).
# Mixed precision (ZeRO paper 3.1): 16-bit weights and grads; fp32 master weights + the optimizer's states.
# AdamW: master 4 + momentum 4 + variance 4 = 12; 8-bit Adam: 4 + 1 + 1 = 6; SGD with momentum: 4 + 4 = 8.
_PER_PARAM = {
    (True, "adamw"): (2, 2, 12), (True, "adamw8bit"): (2, 2, 6), (True, "sgd"): (2, 2, 8),
    (False, "adamw"): (4, 4, 8), (False, "adamw8bit"): (4, 4, 2), (False, "sgd"): (4, 4, 4),
}

# MLPs without a gate (two matrices, GeLU); everything else is treated as SwiGLU-style (three matrices).
NON_GATED = frozenset({"gpt2", "gpt_neo", "gpt_neox", "gptj", "opt", "bloom", "falcon", "phi", "gpt_bigcode",
                       "starcoder2", "mpt", "codegen"})

# Caps: beyond these an input is a typo, and Python ints would still compute but nobody means it.
MAX_PARAMS = 10**13  # 10 trillion
MAX_CONTEXT = 10**8
MAX_DIM = 10**6
MAX_BATCH = 10**6
MAX_GPUS = 100_000


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class ModelSpec:
    """The shape that memory depends on. Names follow the config (n_layers, hidden, n_heads ...)."""

    n_params: int  # exact: tied embeddings counted once, an untied lm_head counted
    n_layers: int
    hidden: int  # d_model
    n_heads: int  # query heads
    n_kv_heads: int  # key/value heads (< n_heads for grouped-query attention)
    head_dim: int  # per head; n_heads * head_dim may differ from hidden (Gemma 3)
    intermediate: int  # MLP width
    vocab: int
    tied: bool = False  # lm_head shares the embedding matrix
    gated_mlp: bool = True  # SwiGLU (gate, up, down) vs GeLU (up, down)
    embedding_params: int = 0  # vocab x hidden (plus learned positions)
    lm_head_params: int = 0  # 0 when tied
    sliding_window: int | None = None  # tokens a sliding-window layer attends to
    n_sliding_layers: int = 0  # how many layers use it (Gemma 3: 5 of every 6)
    name: str = "custom"
    assumed_shape: bool = False  # True when only a parameter count was given and the shape is a guess

    @property
    def norm_params(self) -> int:
        """RMSNorm/LayerNorm weights: two per layer and a final one (biases ignored: tiny)."""
        return (2 * self.n_layers + 1) * self.hidden

    @property
    def linear_params(self) -> int:
        """Parameters in the transformer blocks' matrices: what int8/NF4/GPTQ/AWQ quantize."""
        return max(0, self.n_params - self.embedding_params - self.lm_head_params - self.norm_params)

    def lora_params(self, rank: int) -> int:
        """LoRA on every linear layer of every block: rank x (in + out) per matrix."""
        h, ad, kvd, i = self.hidden, self.n_heads * self.head_dim, self.n_kv_heads * self.head_dim, self.intermediate
        per_layer = (h + ad) + 2 * (h + kvd) + (ad + h) + (3 if self.gated_mlp else 2) * (h + i)
        return rank * per_layer * self.n_layers


def _check_int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (math.inf, -math.inf):
        raise InputError(f"{name} must be a whole number, got {value!r}.")
    if int(value) != value:
        raise InputError(f"{name} must be a whole number, got {value!r}.")
    if not lo <= value <= hi:
        raise InputError(f"{name} must be between {lo:,} and {hi:,}, got {int(value):,}.")
    return int(value)


def count_params(n_layers: int, hidden: int, n_heads: int, n_kv_heads: int, head_dim: int, intermediate: int,
                 vocab: int, tied: bool, gated_mlp: bool = True) -> int:
    """Parameters of a Llama-style decoder (no biases): embeddings + blocks + final norm + untied lm_head.

    Llama-3.1-8B (32, 4096, 32, 8, 128, 14336, 128256, untied) -> 8_030_261_248.
    """
    ad, kvd = n_heads * head_dim, n_kv_heads * head_dim
    attn = hidden * ad + 2 * hidden * kvd + ad * hidden
    mlp = (3 if gated_mlp else 2) * hidden * intermediate
    blocks = n_layers * (attn + mlp + 2 * hidden)
    return vocab * hidden * (1 if tied else 2) + blocks + hidden


def spec_from_shape(n_layers: int, hidden: int, n_heads: int, n_kv_heads: int | None = None,
                    head_dim: int | None = None, intermediate: int | None = None, vocab: int = 32000,
                    tied: bool = False, n_params: int | None = None, gated_mlp: bool = True,
                    sliding_window: int | None = None, n_sliding_layers: int = 0,
                    name: str = "custom") -> ModelSpec:
    """A full custom shape. head_dim defaults to hidden / n_heads (which must then divide evenly),
    n_kv_heads to n_heads, intermediate to 8/3 hidden rounded up to 256, n_params to the Llama count."""
    n_layers = _check_int("Layers", n_layers, 1, 10_000)
    hidden = _check_int("Hidden size", hidden, 1, MAX_DIM)
    n_heads = _check_int("Attention heads", n_heads, 1, MAX_DIM)
    n_kv_heads = n_heads if not n_kv_heads else _check_int("Key/value heads", n_kv_heads, 1, MAX_DIM)
    if n_heads % n_kv_heads:
        raise InputError(f"Attention heads ({n_heads}) must be a multiple of key/value heads ({n_kv_heads}).")
    if not head_dim:
        if hidden % n_heads:
            raise InputError(f"Attention heads ({n_heads}) must divide the hidden size ({hidden}) "
                             "unless a head dimension is given.")
        head_dim = hidden // n_heads
    head_dim = _check_int("Head dimension", head_dim, 1, MAX_DIM)
    if not intermediate:
        intermediate = -(-8 * hidden // 3 // 256) * 256
    intermediate = _check_int("Intermediate size", intermediate, 1, 10 * MAX_DIM)
    vocab = _check_int("Vocabulary", vocab, 1, 10**7)
    counted = count_params(n_layers, hidden, n_heads, n_kv_heads, head_dim, intermediate, vocab, tied, gated_mlp)
    n_params = counted if not n_params else _check_int("Parameters", n_params, 1, MAX_PARAMS)
    emb, head = vocab * hidden, 0 if tied else vocab * hidden
    if emb + head > n_params:
        raise InputError(f"{n_params:,} parameters cannot hold a {vocab:,} x {hidden:,} embedding"
                         f"{'' if tied else ' and lm_head'}.")
    if sliding_window is not None:
        sliding_window = _check_int("Sliding window", sliding_window, 1, MAX_CONTEXT)
    n_sliding_layers = _check_int("Sliding-window layers", n_sliding_layers or 0, 0, n_layers)
    return ModelSpec(n_params, n_layers, hidden, n_heads, n_kv_heads, head_dim, intermediate, vocab, tied,
                     gated_mlp, emb, head, sliding_window, n_sliding_layers if sliding_window else 0, name)


def spec_from_count(n_params: float, name: str = "custom") -> ModelSpec:
    """A parameter count alone: weights and optimizer states are exact; the shape behind the KV cache
    and activations is a guess (Llama-like: 12 L h^2 ~ P with h/L = 128, MHA, 32k vocabulary), flagged
    `assumed_shape` so the verdict says so. 8e9 -> 34 layers x 4352 hidden."""
    n = _check_int("Parameters", n_params, 1, MAX_PARAMS)
    hidden = max(128, round((n * 128 / 12) ** (1 / 3) / 128) * 128)
    n_layers = max(1, round(n / (12 * hidden * hidden)))
    vocab = 32000
    emb = min(vocab * hidden, n // 4)  # tiny counts: keep the matrices the bulk of the model
    head = emb
    return ModelSpec(n, n_layers, hidden, hidden // 128, hidden // 128, 128, 4 * hidden, vocab, False, True,
                     emb, head, None, 0, name, assumed_shape=True)


def spec_from_shape_obj(shape: Any) -> ModelSpec:
    """Adapter from playground.core.architecture.ModelShape (duck-typed: no import needed)."""
    window = getattr(shape, "sliding_window", None)
    spec = ModelSpec(
        n_params=int(shape.n_params), n_layers=int(shape.n_layers), hidden=int(shape.hidden),
        n_heads=int(shape.n_heads), n_kv_heads=int(shape.n_kv_heads or shape.n_heads),
        head_dim=int(shape.head_dim), intermediate=int(shape.intermediate), vocab=int(shape.vocab),
        tied=bool(shape.tied), gated_mlp=getattr(shape, "model_type", "") not in NON_GATED,
        embedding_params=int(shape.embedding_params), lm_head_params=int(shape.lm_head_params),
        sliding_window=int(window) if window else None,
        n_sliding_layers=int(getattr(shape, "n_sliding_layers", 0) or 0) if window else 0,
        name=str(shape.name))
    validate_spec(spec)
    return spec


def validate_spec(spec: ModelSpec) -> None:
    """InputError naming the first impossible field."""
    _check_int("Parameters", spec.n_params, 1, MAX_PARAMS)
    _check_int("Layers", spec.n_layers, 1, 10_000)
    for name, v in (("Hidden size", spec.hidden), ("Attention heads", spec.n_heads),
                    ("Key/value heads", spec.n_kv_heads), ("Head dimension", spec.head_dim),
                    ("Intermediate size", spec.intermediate)):
        _check_int(name, v, 1, 10 * MAX_DIM)
    _check_int("Vocabulary", spec.vocab, 1, 10**7)
    if spec.n_heads % spec.n_kv_heads:
        raise InputError(f"Attention heads ({spec.n_heads}) must be a multiple of key/value heads ({spec.n_kv_heads}).")
    _check_int("Embedding parameters", spec.embedding_params, 0, spec.n_params)
    _check_int("lm_head parameters", spec.lm_head_params, 0, spec.n_params)
    if spec.embedding_params + spec.lm_head_params > spec.n_params:
        raise InputError("Embedding and lm_head parameters exceed the parameter count.")
    _check_int("Sliding-window layers", spec.n_sliding_layers, 0, spec.n_layers)


# --------------------------------------------------------------------------- inputs and results


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
        return (self.weights + self.gradients + self.optimizer + self.activations + self.logits
                + self.kv_cache + self.overhead)

    @property
    def tensors(self) -> int:
        """What torch.cuda.max_memory_allocated would see: everything but the runtime overhead."""
        return self.total - self.overhead

    def as_dict(self) -> dict[str, int]:
        d = asdict(self)
        d["total"] = self.total
        return d


@dataclass(frozen=True)
class Fix:
    change: str  # what to change, in words
    inputs: VramInputs  # the changed inputs
    total: int  # new per-GPU total, bytes
    fits: bool


@dataclass(frozen=True)
class Speed:
    bytes_per_step: int  # weights + KV cache read per decoding step (all GPUs)
    bandwidth_gbs: float
    tokens_per_s: float  # ceiling per sequence
    tokens_per_s_batch: float  # ceiling summed over the batch


@dataclass(frozen=True)
class VramEstimate:
    inputs: VramInputs
    per_gpu: Breakdown
    cpu_ram_loading: int  # bytes of CPU RAM to load the checkpoint (worst case: all of it)
    cpu_ram_offload: int  # bytes of CPU RAM holding offloaded states (all GPUs together)
    trainable_params: int
    global_batch_sequences: int
    global_batch_tokens: int
    usable: int  # bytes one device offers (the bar's limit)
    fits: bool
    verdict: str
    gpus_needed: int | None  # smallest GPU count that fits (ZeRO-3 for training), None if none does
    fixes: tuple[Fix, ...]
    speed: Speed | None
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON result of the API: bytes as ints, plus words."""
        i, hw = self.inputs, self.inputs.hardware
        return {
            "units": "bytes (GB = 1e9 bytes, GiB = 2^30 bytes)",
            "model": {"name": i.model.name, "n_params": i.model.n_params, "n_layers": i.model.n_layers,
                      "hidden": i.model.hidden, "n_heads": i.model.n_heads, "n_kv_heads": i.model.n_kv_heads,
                      "head_dim": i.model.head_dim, "vocab": i.model.vocab, "tied": i.model.tied,
                      "assumed_shape": i.model.assumed_shape},
            "mode": i.mode,
            "hardware": {"key": hw.key, "label": hw.label, "n_gpus": i.n_gpus, "usable_bytes": self.usable,
                         "overhead_bytes": hw.overhead_bytes, "bandwidth_gbs": hw.bandwidth_gbs},
            "per_gpu": self.per_gpu.as_dict(),
            "all_gpus_total": self.per_gpu.total * i.n_gpus,
            "cpu_ram_loading": self.cpu_ram_loading,
            "cpu_ram_offload": self.cpu_ram_offload,
            "trainable_params": self.trainable_params,
            "global_batch": {"sequences": self.global_batch_sequences, "tokens": self.global_batch_tokens},
            "fits": self.fits,
            "verdict": self.verdict,
            "gpus_needed": self.gpus_needed,
            "fixes": [{"change": f.change, "total": f.total, "fits": f.fits, "n_gpus": f.inputs.n_gpus,
                       "weight_format": f.inputs.weight_format, "context": f.inputs.context} for f in self.fixes],
            "speed": None if self.speed is None else asdict(self.speed),
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- the arithmetic


def validate(inputs: VramInputs) -> None:
    """InputError naming the first bad setting."""
    validate_spec(inputs.model)
    if inputs.mode not in MODES:
        raise InputError(f"Unknown mode '{inputs.mode}'. Choose inference or training.")
    if inputs.weight_format not in FORMAT:
        raise InputError(f"Unknown weight format '{inputs.weight_format}'. Choose one of: {', '.join(FORMAT)}.")
    if inputs.compute_dtype not in DTYPE_BYTES:
        raise InputError(f"Unknown compute dtype '{inputs.compute_dtype}'. Choose fp32, fp16 or bf16.")
    if inputs.kv_dtype != "auto" and inputs.kv_dtype not in KV_DTYPE_BYTES:
        raise InputError(f"Unknown KV-cache dtype '{inputs.kv_dtype}'. Choose auto, {', '.join(KV_DTYPE_BYTES)}.")
    _check_int("Context length", inputs.context, 1, MAX_CONTEXT)
    _check_int("Batch size", inputs.batch, 1, MAX_BATCH)
    _check_int("GPUs", inputs.n_gpus, 1, MAX_GPUS)
    if inputs.mode == "training":
        if inputs.method not in METHODS:
            raise InputError(f"Unknown training method '{inputs.method}'. Choose full, lora or qlora.")
        if inputs.optimizer not in OPTIMIZERS:
            raise InputError(f"Unknown optimizer '{inputs.optimizer}'. Choose {', '.join(OPTIMIZERS)}.")
        if inputs.checkpointing not in CHECKPOINTING:
            raise InputError(f"Unknown checkpointing '{inputs.checkpointing}'. Choose none, selective or full.")
        if inputs.method != "full":
            _check_int("LoRA rank", inputs.lora_rank, 1, 100_000)
        _check_int("Gradient accumulation steps", inputs.grad_accum, 1, MAX_BATCH)
        _check_int("ZeRO stage", inputs.zero_stage, 0, 3)


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


def _inference(i: VramInputs) -> tuple[Breakdown, int]:
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
    per = Breakdown(weights=-(-w // n), gradients=0, optimizer=0, activations=act, logits=logits,
                    kv_cache=-(-kv // n), overhead=i.hardware.overhead_bytes)
    return per, 0


def _training(i: VramInputs) -> tuple[Breakdown, int, int]:
    spec, n = i.model, i.n_gpus
    e = DTYPE_BYTES[i.compute_dtype] if i.mixed_precision else 4
    wb, gb, ob = _PER_PARAM[(i.mixed_precision, i.optimizer)]
    if i.method == "full":
        trainable = spec.n_params
        base = 0
    else:
        trainable = spec.lora_params(i.lora_rank)
        base = weight_bytes(spec, "nf4-dq" if i.method == "qlora" else ("bf16" if e == 2 else "fp32"),
                            "bf16" if e == 2 else "fp32")
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
        act = spec.n_layers * e * tokens * spec.hidden + layer_activation_bytes(spec, tokens, e, not i.flash_attention, i.context)
    else:
        act = spec.n_layers * one_layer
    act += e * tokens * spec.hidden * 2  # final norm output and the lm_head input
    if i.fused_ce:  # Liger: logits made chunk by chunk, ~ B*T*h fp32 values at a time, plus grad of the input
        logits = tokens * spec.hidden * (4 + e)
    else:  # logits in e, their fp32 copy, and the fp32 log-softmax / gradient
        logits = tokens * spec.vocab * (e + 8)
    per = Breakdown(weights=int(weights), gradients=int(grads), optimizer=int(opt), activations=int(act),
                    logits=int(logits), kv_cache=0, overhead=i.hardware.overhead_bytes)
    return per, int(offload), trainable


def breakdown(inputs: VramInputs) -> Breakdown:
    """The per-GPU bytes alone (validated). Fast: pure integer arithmetic."""
    validate(inputs)
    return _training(inputs)[0] if inputs.mode == "training" else _inference(inputs)[0]


def _totals(inputs: VramInputs) -> int:
    return (_training(inputs)[0] if inputs.mode == "training" else _inference(inputs)[0]).total


def _gpus_needed(i: VramInputs) -> int | None:
    """Smallest GPU count that fits: layers split for inference, ZeRO-3 for training."""
    usable = i.hardware.usable_bytes
    base = replace(i, zero_stage=3) if i.mode == "training" else i

    def fits(n: int) -> bool:
        return _totals(replace(base, n_gpus=n)) <= usable

    hi = 1
    while not fits(hi):
        hi *= 2
        if hi > MAX_GPUS:
            return None
    lo = max(1, hi // 2)
    while lo < hi:  # per-GPU totals never rise with more GPUs, so bisect
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def _candidates(i: VramInputs) -> list[tuple[str, VramInputs]]:
    """Single changes, cheapest first (least loss in quality, speed or effort)."""
    out: list[tuple[str, VramInputs]] = []
    hw = i.hardware
    if i.mode == "inference":
        kv = KV_DTYPE_BYTES.get(i.kv_dtype, DTYPE_BYTES[i.compute_dtype])
        if kv > 1:
            out.append(("KV cache in fp8", replace(i, kv_dtype="fp8")))
        if not i.flash_attention:
            out.append(("FlashAttention / SDPA kernels", replace(i, flash_attention=True)))
        current_bits = FORMAT[i.weight_format].bits
        order = ["fp8", "int8", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "nf4-dq", "gptq", "q4_0", "q2_k"]
        if hw.kind != "cuda":  # bitsandbytes/GPTQ/AWQ/fp8 are CUDA formats; llama.cpp runs everywhere
            order = [k for k in order if FORMAT[k].family == "gguf"]
        elif not hw.fp8:
            order.remove("fp8")
        for key in order:
            if FORMAT[key].bits < current_bits:
                out.append((f"weights in {FORMAT[key].label}", replace(i, weight_format=key)))
        if i.batch > 1:
            out.append(("batch 1", replace(i, batch=1)))
    else:
        if not i.fused_ce:
            out.append(("fused cross-entropy (Liger): no full logits", replace(i, fused_ce=True)))
        if not i.flash_attention:
            out.append(("FlashAttention", replace(i, flash_attention=True)))
        if i.checkpointing == "none":
            out.append(("selective activation recomputation", replace(i, checkpointing="selective")))
        if i.checkpointing != "full":
            out.append(("full gradient checkpointing (~33% more compute)", replace(i, checkpointing="full")))
        if i.batch > 1:
            out.append((f"micro-batch 1 with {i.grad_accum * i.batch} accumulation steps (same global batch)",
                        replace(i, batch=1, grad_accum=i.grad_accum * i.batch)))
        if i.optimizer == "adamw":
            out.append(("8-bit Adam", replace(i, optimizer="adamw8bit")))
        if i.n_gpus > 1:
            for stage in range(i.zero_stage + 1, 4):
                out.append((f"ZeRO-{stage} over {i.n_gpus} GPUs", replace(i, zero_stage=stage)))
        if not i.offload:
            out.append(("ZeRO-Offload: optimizer states and gradients in CPU RAM", replace(i, offload=True)))
        if i.method == "full":
            out.append((f"LoRA rank {i.lora_rank}", replace(i, method="lora")))
        if i.method != "qlora" and hw.kind == "cuda":
            out.append((f"QLoRA (NF4 base) rank {i.lora_rank}", replace(i, method="qlora")))
    if i.context > 512:
        short = max(512, i.context // 2)
        out.append((f"context {short:,} tokens instead of {i.context:,}", replace(i, context=short)))
    return out


# Below ~4 bits per weight (the Q2_K preset) quality drops sharply, so a combined fix stops at 4-bit formats;
# Q2_K still appears as a single change when it alone makes the model fit.
QUALITY_FLOOR_BITS = 4.0
STILL_TOO_LARGE = "still too large with all of: "  # a combined answer that does not fit says so first


def _changed(a: VramInputs, b: VramInputs) -> tuple[str, ...]:
    """Names of the fields where `b` differs from `a`: ('weight_format',), ('batch', 'grad_accum'), ..."""
    return tuple(f.name for f in fields(VramInputs) if getattr(a, f.name) != getattr(b, f.name))


def _apply(base: VramInputs, origin: VramInputs, changes: list[tuple[str, VramInputs]]) -> VramInputs:
    """`base` with each change (a candidate made from `origin`) applied: its changed fields copied over."""
    for _text, changed in changes:
        base = replace(base, **{name: getattr(changed, name) for name in _changed(origin, changed)})
    return base


def _fixes(i: VramInputs, current: int) -> tuple[Fix, ...]:
    usable = i.hardware.usable_bytes
    fixes: list[Fix] = []
    families: set[str] = set()
    for text, changed in _candidates(i):
        total = _totals(changed)
        if total >= current:
            continue
        fits = total <= usable
        if changed.weight_format != i.weight_format and fits:
            family = "gguf" if FORMAT[changed.weight_format].family == "gguf" else "gpu"
            if family in families:
                continue  # per family, the highest-precision format that fits is the one worth showing
            families.add(family)
        fixes.append(Fix(text, changed, total, fits))
    fitting = [f for f in fixes if f.fits][:5]
    if fitting:
        return tuple(fitting)
    # Nothing fits alone: the singles that help most, then ONE combined answer that can be applied as is.
    best = sorted(fixes, key=lambda f: f.total)[:3]
    combined = _combined_inference(i) if i.mode == "inference" else _combined_training(i)
    if combined is not None:
        best.append(combined)
    return tuple(best)


def _fix(words: list[str], inputs: VramInputs, prefix: str = "") -> Fix:
    total = _totals(inputs)
    return Fix(prefix + " + ".join(words), inputs, total, total <= inputs.hardware.usable_bytes)


def _on_devices(i: VramInputs, n: int, how: str) -> str:
    return f"{n} x {i.hardware.label} ({how}): "


def _combined_inference(i: VramInputs) -> Fix | None:
    """One weight format (never several at once) plus the cheap changes, in this order of preference:
    1. one device, full context: the highest-precision format that fits, with as few cheap changes as needed;
    2. one device: the largest context that fits at the smallest format of at least 4 bits;
    3. several devices (CUDA, layers split): the fewest devices, at the highest-precision format that needs
       no more than that; 4. elsewhere (Apple, CPU: no splitting): the smallest combination, said not to fit."""
    usable, hw = i.hardware.usable_bytes, i.hardware
    cands = _candidates(i)
    cheap = [(t, c) for t, c in cands if not {"weight_format", "context"} & set(_changed(i, c))]
    formats: list[tuple[str, VramInputs] | None] = [None]  # None: keep the current format
    formats += [(t, c) for t, c in cands if _changed(i, c) == ("weight_format",)
                and FORMAT[c.weight_format].bits >= QUALITY_FLOOR_BITS]

    def build(fmt: tuple[str, VramInputs] | None, k: int) -> tuple[list[str], VramInputs]:
        changes = cheap[:k] + ([fmt] if fmt else [])
        return [t for t, _ in changes], _apply(i, i, changes)

    for fmt in formats:  # 1.
        for k in range(len(cheap) + 1):
            words, trial = build(fmt, k)
            if words and _totals(trial) <= usable:
                return _fix(words, trial)
    words, smallest = build(formats[-1], len(cheap))
    floor = min(512, i.context)
    if _totals(replace(smallest, context=floor)) <= usable:  # 2. bisect: the total grows with the context
        lo, hi = floor, i.context - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if _totals(replace(smallest, context=mid)) <= usable else (lo, mid - 1)
        return _fix(words + [f"context {lo:,} tokens (the most that fits) instead of {i.context:,}"],
                    replace(smallest, context=lo))
    if hw.kind == "cuda":  # 3.
        needed = [(_gpus_needed(build(fmt, len(cheap))[1]), rank) for rank, fmt in enumerate(formats)]
        found = [(n, rank) for n, rank in needed if n is not None]
        if found:
            n, rank = min(found)  # the fewest devices; among equals the highest precision (earliest)
            for k in range(len(cheap) + 1):  # at n devices some cheap changes may be unnecessary
                names, trial = build(formats[rank], k)
                trial = replace(trial, n_gpus=n)
                if _totals(trial) <= usable:
                    return _fix(names or ["no other change"], trial,
                                _on_devices(i, n, "the layers split across them"))
    return _fix(words, smallest, STILL_TOO_LARGE) if words else None  # 4.


def _combined_training(i: VramInputs) -> Fix | None:
    """The changes in order of cost until it fits (a later change of the same setting replaces an earlier
    one: QLoRA replaces LoRA, full checkpointing replaces selective); on CUDA, when one device is not
    enough, the fewest devices with ZeRO-3. Then every change the answer does not need is dropped again,
    the costliest first (after QLoRA, 8-bit Adam and offloading may no longer be needed)."""
    usable, combined = i.hardware.usable_bytes, i
    chosen: dict[tuple[str, ...], tuple[str, dict[str, Any]]] = {}  # changed fields -> (words, new values)
    for text, _first in _candidates(i):
        trial = next((c for t, c in _candidates(combined) if t == text), None)
        if trial is None or _totals(trial) >= _totals(combined):
            continue
        key = _changed(combined, trial)
        key = next((k for k in chosen if set(k) & set(key)), key)
        chosen[key] = (text, {name: getattr(trial, name) for name in set(key) | set(_changed(combined, trial))})
        combined = trial
        if _totals(combined) <= usable:
            break
    if not chosen:
        return None
    n = None
    if _totals(combined) > usable:
        n = _gpus_needed(combined) if i.hardware.kind == "cuda" else None
        if n is None or n <= i.n_gpus:
            return _fix([t for t, _ in chosen.values()], combined, STILL_TOO_LARGE)

    def build(keys: list[tuple[str, ...]]) -> VramInputs:
        values: dict[str, Any] = {}
        for k in keys:
            values.update(chosen[k][1])
        built = replace(i, **values)
        return built if n is None else replace(built, n_gpus=n, zero_stage=3)

    keys = list(chosen)
    for k in reversed(list(chosen)):
        rest = [x for x in keys if x != k]
        if _totals(build(rest)) <= usable:
            keys = rest
    words = [chosen[k][0] for k in keys]
    if n is None:
        return _fix(words, build(keys))
    return _fix(words or ["no other change"], build(keys), _on_devices(i, n, "ZeRO-3"))


def _speed(i: VramInputs, per: Breakdown) -> Speed | None:
    bw = i.hardware.bandwidth_gbs
    if i.mode != "inference" or not bw:
        return None
    # Each decoding step reads every weight once and every sequence's cache; layers split over GPUs run
    # one after another, so the bytes add up across GPUs.
    step = (per.weights + per.kv_cache) * i.n_gpus
    tps = bw * GB / step
    return Speed(step, bw, tps, tps * i.batch)


def _notes(i: VramInputs) -> tuple[str, ...]:
    hw, notes = i.hardware, []
    if i.model.assumed_shape:
        notes.append("Only a parameter count was given: the KV cache and activations use a guessed Llama-like "
                     f"shape ({i.model.n_layers} layers, hidden {i.model.hidden}, no GQA). Enter the full shape "
                     "for exact figures.")
    if i.compute_dtype == "bf16" and hw.kind == "cuda" and not hw.bf16:
        notes.append(f"{hw.label} has no native bf16 (compute capability < 8.0): use fp16.")
    if (i.weight_format == "fp8" or i.kv_dtype == "fp8") and hw.kind == "cuda" and not hw.fp8:
        notes.append(f"{hw.label} has no fp8 tensor cores: fp8 is stored, then upcast to compute.")
    if i.mode == "inference" and FORMAT[i.weight_format].family in ("bnb", "gptq", "fp8") and hw.kind != "cuda":
        notes.append(f"{FORMAT[i.weight_format].label} runs on CUDA; use a GGUF format with llama.cpp here.")
    if hw.kind == "mps":
        notes.append(f"Unified memory: the GPU may use {hw.gpu_share:.0%} of {hw.total_bytes / GiB:.0f} GiB "
                     "by default; the rest stays with macOS and your apps.")
    if hw.host_ram_bytes and i.mode == "inference":
        need = weight_bytes(i.model, i.weight_format, i.compute_dtype)
        if hw.kind == "mps" and need > hw.usable_bytes:
            notes.append(f"The weights alone ({human(need)}) exceed what the GPU may use; loading them into "
                         f"{hw.total_bytes / GiB:.0f} GiB of unified memory gets the process killed or swapping.")
        elif need > hw.host_ram_bytes and hw.kind != "mps":
            notes.append(f"Loading without memory-mapping can need {human(need)} of CPU RAM; the chosen hardware "
                         f"({hw.label}) comes with {human(hw.host_ram_bytes)} of system RAM. safetensors loads "
                         "straight to the GPU with device_map.")
    return tuple(notes)


def _verdict(i: VramInputs, per: Breakdown, usable: int, gpus: int | None) -> str:
    hw, total = i.hardware, per.total
    where = f"{i.n_gpus} x {hw.label}" if i.n_gpus > 1 else hw.label
    if total <= usable:
        return (f"Fits: {human(total)} per device of {human(usable)} on {where} "
                f"({total / usable:.0%} used, {human(usable - total)} free).")
    over = f"Does not fit: {human(total)} per device, {human(total - usable)} more than the {human(usable)} of {where}."
    if hw.kind != "cuda":
        return over
    if gpus is None:
        return over + " No number of these devices holds it (the activations alone are too large)."
    how = "with ZeRO-3" if i.mode == "training" else "with the layers split across them"
    return over + f" Needs {gpus} of them {how}."


def estimate(inputs: VramInputs, with_fixes: bool = True) -> VramEstimate:
    """The full estimate: per-GPU breakdown, CPU RAM, verdict, cheapest fixes, speed ceiling."""
    validate(inputs)
    i, spec = inputs, inputs.model
    if i.mode == "training":
        per, offload, trainable = _training(i)
    else:
        (per, offload), trainable = _inference(i), 0
    usable = i.hardware.usable_bytes
    fits = per.total <= usable
    gpus = i.n_gpus if fits else (_gpus_needed(i) if with_fixes else None)
    fixes = () if fits or not with_fixes else _fixes(i, per.total)
    fmt = i.weight_format if i.mode == "inference" else ("bf16" if i.mixed_precision else "fp32")
    loading = weight_bytes(spec, fmt, i.compute_dtype)
    n_dp = i.n_gpus if i.mode == "training" else 1
    seqs = i.batch * (i.grad_accum if i.mode == "training" else 1) * n_dp
    return VramEstimate(i, per, loading, offload, trainable, seqs, seqs * i.context, usable, fits,
                        _verdict(i, per, usable, gpus), gpus, fixes, _speed(i, per), _notes(i))


def zero_model_states(n_params: float, n_gpus: int) -> dict[str, float]:
    """Mixed-precision Adam model states per GPU, bytes, by ZeRO stage (paper section 3.1):
    7.5e9, 64 -> {0: 120e9, 1: 31.4e9, 2: 16.6e9, 3: 1.9e9}."""
    p, n = float(n_params), n_gpus
    return {0: 16 * p, 1: 4 * p + 12 * p / n, 2: 2 * p + 14 * p / n, 3: 16 * p / n}


# --------------------------------------------------------------------------- "How this is computed"


@dataclass(frozen=True)
class Formula:
    what: str
    formula: str
    source: str


FORMULAS: tuple[Formula, ...] = (
    Formula("Units", "GB = 10^9 bytes, GiB = 2^30 bytes; every figure shows both", "SI / IEC 80000-13"),
    Formula("Parameters", "embeddings + blocks + final norm + lm_head (counted once when tied), from the "
            "config on the meta device with AutoModelForCausalLM", "accelerate estimate-memory, corrected"),
    Formula("Weights, 16/32-bit", "P x 2 (fp16/bf16) or P x 4 (fp32): 8B -> 16 GB / 32 GB", "EleutherAI, Transformer Math 101"),
    Formula("Weights, bitsandbytes/GPTQ/AWQ/fp8", "linear params x bits/8 (+ scales) + embeddings, norms, lm_head in 16-bit; "
            "NF4 4.5 bits (4.127 double-quantized), GPTQ/AWQ 4 + 20/128 bits", "Dettmers et al. 2022, 2023; GPTQ; AWQ"),
    Formula("Weights, GGUF", "P x bits per weight / 8, embeddings included: Q8_0 8.5, Q6_K 6.5625, Q4_0 4.5, "
            "Q4_1 5.0, Q4_K_M ~4.89, Q5_K_M ~5.70, Q2_K preset ~3.2", "llama.cpp block sizes (ggml-common.h)"),
    Formula("Training states, mixed-precision Adam", "2P weights + 2P grads + 12P (fp32 master, momentum, variance) = 16P; "
            "8-bit Adam 6P, SGD+momentum 8P instead of 12P; all-fp32: 4P + 4P + 8P", "Rajbhandari et al. 2020 (ZeRO), section 3.1"),
    Formula("ZeRO per GPU (N GPUs)", "stage 1: 4P + 12P/N; stage 2: 2P + 14P/N; stage 3: 16P/N "
            "(7.5B, N=64: 120 -> 31.4 -> 16.6 -> 1.9 GB)", "ZeRO, section 3.1 and figure 1"),
    Formula("ZeRO-Offload", "fp32 gradients and optimizer states (16P for Adam) move to CPU RAM; the GPU keeps 16-bit weights",
            "Ren et al. 2021 (ZeRO-Offload)"),
    Formula("LoRA / QLoRA", "frozen base (16-bit, or NF4 with double quantization) + r x (in + out) per linear layer, "
            "trained with the same bytes per trainable parameter", "Hu et al. 2021; Dettmers et al. 2023"),
    Formula("Activations per block", "s b [e(h + 3ad + 2 n_kv d) + e(h + 4i) + 2(4h + e h)] + (4 + e) a s^2 b; GPT-3 style "
            "this is the paper's s b h (34 + 5 a s / h) without dropout masks", "Korthikanti et al. 2022, section 4"),
    Formula("FlashAttention / selective recomputation", "drops the a s^2 b term: memory linear in s", "Dao et al. 2022; Korthikanti et al. 2022"),
    Formula("Full checkpointing", "L x e s b h (each block's input) + one block's activations while recomputing (~33% more compute)",
            "Chen et al. 2016; Korthikanti et al. 2022"),
    Formula("Logits (training)", "b s V (e + 4 + 4): logits, their fp32 copy, the log-softmax/gradient; "
            "fused cross-entropy keeps ~ b s h (4 + e)", "Liger Kernel (Hsu et al. 2024)"),
    Formula("KV cache", "2 x L x n_kv x d x s x b x bytes per element; sliding-window layers hold min(s, window)", "Transformer Math 101 (with GQA)"),
    Formula("Runtime overhead", "CUDA context ~0.5 GiB (0.3-1 GiB measured); allocator fragmentation not included", "PyTorch CUDA semantics"),
    Formula("Global batch", "micro-batch x accumulation steps x data-parallel GPUs sequences (x s tokens)",
            "DeepSeek-V3: 1920 x 32K = 62.9M tokens"),
    Formula("Speed ceiling (inference)", "tokens/s <= bandwidth / (weight bytes + KV-cache bytes read per step)",
            "memory-bound decoding"),
)
