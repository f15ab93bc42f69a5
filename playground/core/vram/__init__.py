"""Memory arithmetic for running and training a causal LM: how many bytes go where, per GPU.

Input: one `VramInputs` (a `ModelSpec` + what to do + the hardware). Output: a `VramEstimate` whose
`per_gpu` breakdown is in BYTES (weights, gradients, optimizer states, activations, logits, KV cache,
runtime overhead), plus the CPU RAM needed, a verdict, the cheapest changes that would make it fit
(each with its new total), a speed ceiling for inference, and notes: numbers and codes, worded by the tab.
Every formula is listed in `FORMULAS` with its source. Units: GB = 1e9 bytes, GiB = 2^30 bytes;
`human()` prints both.

Modules, one job each: `formats` (weight formats, dtypes, limits), `spec` (the model shape), `arithmetic`
(bytes of one setting), `fixes` (single changes as codes), `search` (GPU count, best and combined fixes),
`result` (the estimate: verdict, notes, speed), `form` (the calculator's form: fields in, VramInputs out),
`formulas` (the "How this is computed" table).

What this is not: a measurement (see `playground.measure`) or a config reader (see
`playground.core.architecture`; `spec_from_shape_obj` adapts its ModelShape). No torch here.

Deliberately avoided mistakes of popular calculators (shared/facts/memory.md): the untied lm_head is
counted, tied embeddings are counted once, the KV cache uses the key/value heads (GQA), int4 is not
fp32/8 (quantization metadata and 16-bit embeddings are counted), and "training with Adam" is the
16 bytes/parameter of mixed precision, not the 8 bytes/parameter of a single stage.
"""

from playground.core.hardware import human
from playground.core.vram.arithmetic import (
    Breakdown,
    VramInputs,
    breakdown,
    kv_cache_bytes,
    layer_activation_bytes,
    validate,
    weight_bytes,
    zero_model_states,
)
from playground.core.vram.fixes import Change, Fix
from playground.core.vram.form import FIELD_NAMES, FIELD_TYPES, SOURCES, VramForm, api_signature, from_call, to_inputs
from playground.core.vram.formats import (
    CHECKPOINTING,
    DTYPE_BYTES,
    FORMAT,
    FORMATS,
    KV_DTYPE_BYTES,
    METHODS,
    MODES,
    OPTIMIZERS,
    WeightFormat,
)
from playground.core.vram.formulas import FORMULAS, Formula
from playground.core.vram.result import Note, Speed, Verdict, VramEstimate, estimate
from playground.core.vram.search import gpus_needed
from playground.core.vram.spec import (
    ModelSpec,
    count_params,
    spec_from_count,
    spec_from_shape,
    spec_from_shape_obj,
    validate_spec,
)

__all__ = [
    "CHECKPOINTING",
    "DTYPE_BYTES",
    "FIELD_NAMES",
    "FIELD_TYPES",
    "FORMAT",
    "FORMATS",
    "FORMULAS",
    "KV_DTYPE_BYTES",
    "METHODS",
    "MODES",
    "OPTIMIZERS",
    "SOURCES",
    "Breakdown",
    "Change",
    "Fix",
    "Formula",
    "ModelSpec",
    "Note",
    "Speed",
    "Verdict",
    "VramEstimate",
    "VramForm",
    "VramInputs",
    "WeightFormat",
    "api_signature",
    "breakdown",
    "count_params",
    "estimate",
    "from_call",
    "gpus_needed",
    "human",
    "kv_cache_bytes",
    "layer_activation_bytes",
    "spec_from_count",
    "spec_from_shape",
    "spec_from_shape_obj",
    "to_inputs",
    "validate",
    "validate_spec",
    "weight_bytes",
    "zero_model_states",
]
