"""Measured against estimated: the real memory of one inference pass and one AdamW step of the loaded model.

CPU: the weights are the bytes of the loaded tensors; everything else is the growth of the process's
peak resident set (VmHWM, reset through /proc/self/clear_refs; sampled with psutil where that is not
possible) during the step. CUDA: the growth of torch.cuda.max_memory_allocated over what was allocated
before the step (so other sessions' resident models are not counted), plus the weights' bytes. Both sit
beside `vram.estimate` for the same model and settings.

The training step runs on a private copy of the model (copy.deepcopy, made before the peak counter is
reset and freed afterwards), never on the shared one: other requests keep running forward passes on the
shared weights meanwhile, and their requires_grad flags and .grad stay as they were. Training is measured on
unquantized weights only (an int8 variant's weights are frozen int8 tensors). What this is not: a benchmark
of speed, or pure math (it runs the shared model, so it sits beside the loader, outside playground.core),
or the peak-memory probes themselves (playground.memory_probe).
"""

from __future__ import annotations

import copy
import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core.config_shape import shape_of
from playground.core.hardware import custom
from playground.core.vram import Breakdown, ModelSpec, VramInputs, breakdown, human, validate_spec
from playground.errors import InputError, PlaygroundError
from playground.memory_probe import cpu_peak, cuda_peak, malloc_trim

if TYPE_CHECKING:
    from playground.loader import LoadedModel

_ONE_AT_A_TIME = threading.Lock()  # two measurements at once would see each other's memory
MAX_MEASURE_CONTEXT = 8192  # a forward+backward beyond this takes minutes on a CPU
_DTYPE_KEY = {"float32": "fp32", "float16": "fp16", "bfloat16": "bf16"}

# ConfigShape's names (TransformerLens's) -> ModelSpec's (the VRAM arithmetic keeps the config's own names).
_SPEC_NAMES = {
    "n_layers": "n_layers",
    "d_model": "hidden",
    "n_heads": "n_heads",
    "n_kv_heads": "n_kv_heads",
    "d_head": "head_dim",
    "d_mlp": "intermediate",
    "d_vocab": "vocab",
    "gated_mlp": "gated_mlp",
    "sliding_window": "sliding_window",
    "n_sliding_layers": "n_sliding_layers",
}


@dataclass(frozen=True)
class Measurement:
    kind: str  # "inference" | "training"
    device: str
    method: str  # how the bytes were measured, in words
    context: int
    batch: int
    weights_bytes: int  # bytes of the resident weights (tensors of the loaded model)
    measured_bytes: int  # weights + the peak growth during the step
    estimated: Breakdown  # vram.breakdown for the same model and settings
    seconds: float

    @property
    def estimated_bytes(self) -> int:
        """The estimate without the runtime overhead (neither RSS growth nor allocated bytes see it)."""
        return self.estimated.tensors

    @property
    def ratio(self) -> float:
        """estimated / measured: 1.0 is a perfect estimate."""
        return self.estimated_bytes / self.measured_bytes if self.measured_bytes else float("nan")

    def as_dict(self) -> dict[str, Any]:
        """The API's JSON result (fields in this order)."""
        fields = ("kind", "device", "method", "context", "batch", "weights_bytes", "measured_bytes")
        return {
            **{name: getattr(self, name) for name in fields},
            "estimated_bytes": self.estimated_bytes,
            "ratio": round(self.ratio, 4),
            "estimated": self.estimated.as_dict(),
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        return (
            f"{self.kind} at {self.context:,} tokens x {self.batch}: measured {human(self.measured_bytes)}, "
            f"estimated {human(self.estimated_bytes)} ({self.ratio - 1:+.1%}); {self.method}"
        )


def spec_from_model(model: Any, n_params: int, name: str = "loaded") -> ModelSpec:
    """The ModelSpec of a loaded transformers model: the config's numbers (core.config_shape, the reader
    everyone uses), the counts from its tensors (tied weights once)."""
    read = shape_of(model.config)
    emb = model.get_input_embeddings().weight
    out = model.get_output_embeddings()
    tied = out is None or out.weight is emb  # the int8 variant unties the LM head: the tensors decide
    spec = ModelSpec(
        n_params=int(n_params),
        tied=tied,
        embedding_params=emb.numel(),
        lm_head_params=0 if tied else out.weight.numel(),
        name=name,
        **{spec_name: getattr(read, read_name) for read_name, spec_name in _SPEC_NAMES.items()},
    )
    validate_spec(spec)
    return spec


def inputs_for(lm: LoadedModel, mode: str, context: int, batch: int = 1) -> VramInputs:
    """VramInputs describing what `measure_*` runs on `lm`."""
    dtype = _DTYPE_KEY.get(lm.dtype, "fp32")
    spec = spec_from_model(lm.model, lm.n_params, lm.name)
    if lm.device == "cuda":
        import torch

        hw = custom(torch.cuda.get_device_properties(0).total_memory / 1e9, kind="cuda")
    else:
        import psutil

        hw = custom(psutil.virtual_memory().total / 1e9, kind="cpu" if lm.device == "cpu" else "mps")
    fmt = "int8" if lm.quantization == "int8" else dtype
    flash = getattr(lm, "attn_implementation", "sdpa") != "eager"
    mixed = dtype != "fp32"
    return VramInputs(  # model, mode, weight_format, compute_dtype: the first four fields, in their order
        spec, mode, fmt, dtype, context=context, batch=batch, mixed_precision=mixed, flash_attention=flash, hardware=hw
    )


def _check(lm: LoadedModel, context: int, batch: int) -> None:
    if lm.device not in ("cpu", "cuda"):
        raise InputError(f"Measuring memory works on cpu and cuda; the model is on {lm.device}.")
    if not isinstance(context, int) or not 1 <= context <= MAX_MEASURE_CONTEXT:
        raise InputError(f"Context for a measurement must be 1-{MAX_MEASURE_CONTEXT:,} tokens, got {context!r}.")
    if not isinstance(batch, int) or not 1 <= batch <= 16:
        raise InputError(f"Batch for a measurement must be 1-16, got {batch!r}.")


def _ids(lm: LoadedModel, context: int, batch: int) -> Any:
    import torch

    vocab = shape_of(lm.model.config).d_vocab
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, vocab, (batch, context), generator=g).to(lm.input_device)  # (B, T)


def _warm_up(lm: LoadedModel) -> None:
    """A tiny forward first: memory-mapped weights become resident and one-time buffers get made, so
    neither is counted as the step's memory."""
    import torch

    with torch.inference_mode():
        lm.model(input_ids=_ids(lm, 8, 1), use_cache=False, logits_to_keep=1)


def _run(
    lm: LoadedModel,
    kind: str,
    context: int,
    batch: int,
    step: Callable[[Any], None],
    setup: Callable[[], Any] | None = None,
) -> Measurement:
    """Measure `step(state)`. `setup()` (under lm.lock, before the peak counter is reset) makes the state
    the step works on: None for inference, which runs on the shared model under its lock; a private copy
    for training, whose step then runs without the lock, so other requests go on meanwhile."""
    if not _ONE_AT_A_TIME.acquire(blocking=False):
        raise PlaygroundError("A memory measurement is already running; try again in a moment.")
    state: Any = None
    try:
        est = breakdown(inputs_for(lm, kind, context, batch))
        t0 = time.perf_counter()
        with lm.lock:  # hooks other requests register on the shared model are never copied or triggered
            _warm_up(lm)
            if setup is not None:
                state = setup()
            else:
                probe = _measure(lm, step, None)
        if setup is not None:
            probe = _measure(lm, step, state)
        measured = lm.weight_bytes + probe["growth"]
        return Measurement(
            kind,
            lm.device,
            probe["method"],
            context,
            batch,
            lm.weight_bytes,
            int(measured),
            est,
            time.perf_counter() - t0,
        )
    finally:
        del state
        gc.collect()
        malloc_trim()
        _ONE_AT_A_TIME.release()


def _measure(lm: LoadedModel, step: Callable[[Any], None], state: Any) -> dict[str, Any]:
    peak = cuda_peak(lm.input_device) if lm.device == "cuda" else cpu_peak()
    with peak as probe:
        step(state)
    return probe


def measure_inference(lm: LoadedModel, context: int = 1024, batch: int = 1) -> Measurement:
    """One prefill of `context` tokens with a KV cache, as generation starts (last-position logits only)."""
    import torch

    _check(lm, context, batch)

    def step(_state: None) -> None:
        ids = _ids(lm, context, batch)
        with torch.inference_mode():
            out = lm.model(input_ids=ids, use_cache=True, logits_to_keep=1)  # cache: L x (B, n_kv, T, d) x 2
        del out, ids

    return _run(lm, "inference", context, batch, step)


def measure_training(lm: LoadedModel, context: int = 256, batch: int = 1) -> Measurement:
    """One AdamW training step in steady state (states and gradient buffers alive, then forward,
    backward, optimizer step) on `context` tokens of fixed random ids, on a private copy of the model.

    The copy exists before the peak counter is reset, so it stands for the resident weights, exactly as
    the shared model does for inference; the shared model is only read (by deepcopy) under its lock.
    """
    import torch

    _check(lm, context, batch)
    if lm.quantization != "none":
        raise InputError(
            "Training is measured on unquantized (float) weights only: the int8 variant's weights "
            "are frozen int8 tensors that cannot be trained. Choose quantization 'none' in the "
            "model bar to measure training."
        )

    def setup() -> Any:
        private = copy.deepcopy(lm.model)  # tied weights stay tied: deepcopy keeps shared tensors shared
        for p in private.parameters():
            p.requires_grad_(True)
        return private  # in eval mode like the shared model: no dropout masks, as the estimate assumes

    def step(private: Any) -> None:
        params = list(private.parameters())
        ids = _ids(lm, context, batch)
        # A loop in steady state: gradient buffers and AdamW states already exist while the next
        # micro-batch runs forward and backward (what the estimate's stacked bar adds up). A cold first
        # step would peak lower, at max(activations, gradients + states).
        opt = torch.optim.AdamW(params, lr=0.0, weight_decay=0.0)
        for p in params:
            p.grad = torch.zeros_like(p)
        opt.step()  # allocates exp_avg and exp_avg_sq
        with torch.enable_grad():
            loss = private(input_ids=ids, labels=ids, use_cache=False).loss
            if not torch.isfinite(loss):
                raise PlaygroundError("The loss is not finite; the training step was not taken.")
            loss.backward()  # accumulates into the existing gradient buffers
            opt.step()
        del loss, opt, ids, params

    return _run(lm, "training", context, batch, step, setup)
