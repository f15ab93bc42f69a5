"""One load: a ModelSource and a LoadKey -> a LoadedModel (model, tokenizer, what the status line shows).

`load` reads a config, refuses what is not a causal LM, loads the tokenizer and the weights on the
chosen device and dtype, and for the CPU int8 mode quantizes them (playground.quantize) and measures
the cost. `sibling` builds an eager-attention copy that shares a loaded model's tensors.
`load_tokenizer` builds a tokenizer without its model's config where it can.

Not here: caching, pins or eviction (playground.loader), admission (playground.admission), GGUF
conversion (playground.models.gguf). torch and transformers are imported inside the functions, so that
importing this module (and building the UI) stays fast.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from playground import config
from playground.errors import ModelLoadError, NotCausalLMError
from playground.models.gguf import converted_folder
from playground.models.load_errors import translate_load_error
from playground.models.progress import Progress
from playground.models.sources import ModelSource

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadKey:
    """What makes two loads different."""

    location: str
    device: str
    dtype: str
    quantization: str
    attn_implementation: str


@dataclass
class LoadedModel:
    """A model and its tokenizer, ready to run, with what the status line shows."""

    source: ModelSource
    model: PreTrainedModel  # in eval mode
    tokenizer: PreTrainedTokenizerBase
    device: str
    dtype: str
    quantization: str
    attn_implementation: str
    load_seconds: float
    n_params: int
    weight_bytes: int  # bytes of parameters and buffers, as loaded
    # int8 mode: top-1 next-token agreement with float32 on quantize.AGREEMENT_PROMPTS (its honest cost)
    agreement: dict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # for stateful hooks

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def input_device(self) -> torch.device:
        """Where input ids go (the embedding's device, also under device_map='auto')."""
        weight = self.model.get_input_embeddings().weight  # (d_vocab, d_model); typed Tensor | Module
        return cast("torch.Tensor", weight).device

    def status(self, lang: str | None = "en") -> str:
        """The status line for this model, in `lang` (playground.words.status words it)."""
        from playground.words import status as status_text

        return status_text.loaded(self, lang)


def load(source: ModelSource, key: LoadKey, on_progress: Progress | None) -> LoadedModel:
    """Load `source` as `key` says, converting a GGUF file first; failures raise a ModelLoadError."""
    import torch
    from transformers import MODEL_FOR_CAUSAL_LM_MAPPING, AutoConfig, AutoModelForCausalLM, AutoTokenizer

    say = on_progress or (lambda _step, _f=None, **_values: None)
    t0 = time.perf_counter()
    location = source.location
    if source.kind == "gguf":
        # Conversion is most of a first load: it takes the first 90% of the bar.
        location = str(
            converted_folder(location, lambda step, f=None, **v: say(step, None if f is None else 0.9 * f, **v))
        )
    kwargs: dict[str, Any] = {"trust_remote_code": config.TRUST_REMOTE_CODE}
    try:
        say("load.config", 0.9 if source.kind == "gguf" else 0.0, name=source.name)
        cfg = AutoConfig.from_pretrained(location, **kwargs)
        # The same membership test AutoModelForCausalLM.from_config makes (config class -> causal LM class).
        if type(cfg) not in MODEL_FOR_CAUSAL_LM_MAPPING and not config.TRUST_REMOTE_CODE:
            raise NotCausalLMError(
                f"'{source.name}' ({cfg.model_type}) is not a causal language model, so it cannot predict next tokens."
            )
        say("load.tokenizer", None, name=source.name)
        tokenizer = AutoTokenizer.from_pretrained(location, **kwargs)
        say("load.weights", None, name=source.name, dtype=key.dtype, device=key.device)
        load_kwargs: dict[str, Any] = dict(
            kwargs, dtype=getattr(torch, key.dtype), attn_implementation=key.attn_implementation
        )
        if key.device == "cuda" and torch.cuda.device_count() > 1:
            load_kwargs["device_map"] = "auto"  # accelerate spreads the layers over the GPUs
        model = AutoModelForCausalLM.from_pretrained(location, **load_kwargs)
        if "device_map" not in load_kwargs:
            model.to(key.device)  # type: ignore[arg-type]  # transformers' @wraps(Module.to) hides `self` from mypy
    except ModelLoadError:
        raise
    except Exception as exc:  # translated for the user, logged for the operator
        error = translate_load_error(source, exc)
        log.warning("loading %s failed: %s", source.name, error)
        log.debug("loading %s failed", source.name, exc_info=True)
        raise error from exc
    model.eval()
    # Counted before quantizing: int8 layers keep their packed weights outside parameters().
    n_params = sum(p.numel() for p in model.parameters())
    agreement = None
    if key.quantization == "int8":
        from playground.quantize import compare_top1, quantize_int8, top1_tokens

        say("load.quantize", None)
        reference = top1_tokens(model, tokenizer)  # float32 answers on the fixed prompt set, before quantizing
        model = quantize_int8(model, tokenizer)
        agreement = compare_top1(reference, top1_tokens(model, tokenizer))
    return LoadedModel(
        source,
        model,
        tokenizer,
        key.device,
        key.dtype,
        key.quantization,
        key.attn_implementation,
        time.perf_counter() - t0,
        n_params,
        weight_bytes(model),
        agreement=agreement,
    )


def sibling(base: LoadedModel, key: LoadKey) -> LoadedModel:
    """The same model with another attention implementation (eager, to read attention weights),
    sharing every weight tensor with `base`: no second copy in memory, no second load."""
    import copy

    import torch
    from transformers import AutoModelForCausalLM

    t0 = time.perf_counter()
    cfg = copy.deepcopy(base.model.config)
    with torch.device("meta"):  # per-thread, unlike accelerate's process-wide init_empty_weights()
        model = AutoModelForCausalLM.from_config(
            cfg, attn_implementation=key.attn_implementation, dtype=getattr(torch, key.dtype)
        )
    model.load_state_dict(base.model.state_dict(), assign=True, strict=True)
    for name, buf in base.model.named_buffers():  # non-persistent buffers (rotary inv_freq) are not in state_dict
        owner, _, attr = name.rpartition(".")
        model.get_submodule(owner)._buffers[attr] = buf
    model.tie_weights()
    model.generation_config = copy.deepcopy(base.model.generation_config)
    model.eval()
    return LoadedModel(
        base.source,
        model,
        base.tokenizer,
        key.device,
        key.dtype,
        key.quantization,
        key.attn_implementation,
        time.perf_counter() - t0,
        base.n_params,
        base.weight_bytes,
    )


def load_tokenizer(location: str) -> PreTrainedTokenizerBase:
    """A tokenizer without its model's config where a local folder names its tokenizer class.

    AutoTokenizer first reads the model config, and importing a config class (LlamaConfig) pulls
    in most of transformers' modelling stack, torch._dynamo included: ~1.5 s that the first
    /tokenize request after start-up does not need. The class is the one AutoTokenizer would pick.
    """
    import transformers

    path = Path(location) / "tokenizer_config.json"
    if path.is_file():
        import json

        meta = json.loads(path.read_text(encoding="utf-8"))
        cls = getattr(transformers, str(meta.get("tokenizer_class")), None)
        if cls is not None and "auto_map" not in meta:
            return cls.from_pretrained(location)
    return transformers.AutoTokenizer.from_pretrained(location, trust_remote_code=config.TRUST_REMOTE_CODE)


def weight_bytes(model: PreTrainedModel) -> int:
    """Bytes held by parameters, buffers and packed int8 weights (counted once if shared)."""
    from playground.quantize import packed_weight_bytes

    seen: set[int] = set()
    total = 0
    for t in list(model.parameters()) + list(model.buffers()):
        ptr = t.untyped_storage().data_ptr()
        if ptr in seen:
            continue
        seen.add(ptr)
        total += t.numel() * t.element_size()
    # int8 Linear layers keep their weights packed, outside parameters() and buffers()
    return total + sum(packed_weight_bytes(module) for module in model.modules())
