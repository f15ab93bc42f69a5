"""The one path to weights: resolve a model name, load it once, keep a bounded cache.

Every tab asks `get_loader().get(name)` for a model and `get_loader().tokenizer(name)` for a
tokenizer alone. Config-only inspection (no weights) lives in `playground.core.architecture`,
which uses `resolve()` from here to understand names the same way.

A name may be: a catalog name or Hub id from spaces.yaml, any other Hub id, a local model
folder, or a local .gguf file. GGUF files (the embedded default model among them) are converted
to a plain safetensors folder once and cached, because conversion takes ~20-30 s and loading the
converted copy takes well under a second.

Not here: generation, hooks, or anything a tab computes. torch and transformers are imported
lazily so that importing this module (and building the UI) stays fast.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from playground import config, embedded
from playground.choice import DEVICES, DTYPES, QUANTIZATIONS, ModelChoice
from playground.errors import (
    GatedModelError,
    HubUnreachableError,
    LoaderBusyError,
    ModelLoadError,
    NotCausalLMError,
    PlaygroundError,
    RemoteCodeError,
    UnknownModelError,
)

__all__ = ["DEVICES", "DTYPES", "QUANTIZATIONS", "LoadedModel", "ModelChoice", "ModelLoader", "get_loader", "resolve"]

log = logging.getLogger(__name__)

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


# --------------------------------------------------------------------------- resolving names


@dataclass(frozen=True)
class ModelSource:
    """Where a name's weights come from. `kind` is one of: gguf, folder, hub."""

    name: str  # what the user asked for, as shown in the UI
    kind: str
    location: str  # a .gguf path, a folder path, or a Hub id
    hub_id: str | None = None  # the Hub id this model is known by (catalog), for configs and docs
    gated: bool = False

    @property
    def model_id(self) -> str:
        """What `from_pretrained` in the tabs' Code sections should load: the Hub id, else the local path."""
        return self.hub_id or self.location


def resolve(name: str | ModelChoice | None) -> ModelSource:
    """Turn what the user typed (a name, or a ModelChoice / its JSON) into a ModelSource, or raise
    UnknownModelError naming it."""
    name = ModelChoice.parse(name).name or config.settings().default_model
    entry = config.settings().entry(name)
    if entry is not None:
        # The catalog *name* of an embedded model means the embedded file; its Hub id means the Hub.
        if (entry.embedded or entry.parts) and name.lower() == entry.name.lower():
            path = embedded.embedded_gguf(entry)  # parts: joined and hash-checked once, on first use
            if path is not None:
                return ModelSource(entry.name, "gguf", str(path), entry.hub_id)
            log.warning("embedded file of %s not installed; using the Hub copy", entry.name)
        return ModelSource(entry.name if name == entry.name else entry.hub_id, "hub", entry.hub_id,
                           entry.hub_id, entry.gated)
    path = Path(name).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise UnknownModelError(f"No GGUF file at '{name}'.")
        return ModelSource(name, "gguf", str(path.resolve()))
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise UnknownModelError(f"The folder '{name}' has no config.json, so it is not a model folder.")
        return ModelSource(name, "folder", str(path.resolve()))
    if _HUB_ID.match(name):
        return ModelSource(name, "hub", name, name)
    raise UnknownModelError(
        f"Unknown model '{name}'. Use a catalog name (e.g. {config.settings().default_model}), "
        "a Hub id such as 'Qwen/Qwen2.5-0.5B-Instruct', a local model folder, or a .gguf file."
    )


# --------------------------------------------------------------------------- devices and dtypes


def pick_device(requested: str = "auto") -> str:
    """'auto' -> cuda, then mps, then cpu. An explicit choice that is not available is refused."""
    import torch

    requested = (requested or "auto").lower()
    if requested not in DEVICES:
        raise ModelLoadError(f"Unknown device '{requested}'. Choose one of: {', '.join(DEVICES)}.")
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if requested == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if (requested == "cuda" and not cuda) or (requested == "mps" and not mps):
        raise ModelLoadError(f"Device '{requested}' is not available on this machine.")
    return requested


def pick_dtype(device: str, requested: str = "auto") -> str:
    """'auto' -> float32 on CPU, bfloat16 on CUDA with compute capability >= 8.0, float16 else.

    CPU: bfloat16 matmuls run ~100x slower than float32 on CPUs without AMX/AVX512-BF16.
    CUDA: torch.cuda.is_bf16_supported() says True on a T4 through emulation, so ask for the
    compute capability instead.
    """
    requested = (requested or "auto").lower()
    if requested not in DTYPES:
        raise ModelLoadError(f"Unknown dtype '{requested}'. Choose one of: {', '.join(DTYPES)}.")
    if requested != "auto":
        return requested
    if device == "cpu":
        return "float32"
    if device == "cuda":
        import torch

        return "bfloat16" if torch.cuda.get_device_capability()[0] >= 8 else "float16"
    return "float16"  # mps


# --------------------------------------------------------------------------- progress

Progress = Callable[..., None]  # on_progress(message: str, fraction: float | None = None)


@dataclass
class LoadProgress:
    """A load running now, as the status line shows it: what it does, how far, how long is left.

    A step whose length is known only roughly (reading a GGUF file's tokenizer: no inner progress to
    count) advances with the time against its expected length, never past 95% of its share of the bar.
    """

    name: str
    key: Any  # the LoadKey (or GGUF path) being prepared
    message: str = "starting"
    started: float = field(default_factory=time.monotonic)
    _lo: float | None = None  # the bar at the start of the current step (0..1)
    _hi: float | None = None  # ... and at its end
    _expect: float | None = None  # expected seconds of the current step, where its own progress is unknown
    _step_started: float = 0.0

    def update(self, message: str, fraction: float | None = None, until: float | None = None,
               expect: float | None = None) -> None:
        self.message = message
        if fraction is not None:
            self._lo, self._hi = fraction, until if until is not None else fraction
            self._expect, self._step_started = expect, time.monotonic()

    @property
    def fraction(self) -> float | None:
        if self._lo is None:
            return None
        if self._expect and self._hi is not None:
            done = min(0.95, (time.monotonic() - self._step_started) / self._expect)
            return self._lo + (self._hi - self._lo) * done
        return self._lo

    @property
    def seconds_left(self) -> float | None:
        """A straight-line guess from the time so far; None until 5% is done."""
        f = self.fraction
        if not f or f < 0.05:
            return None
        return (time.monotonic() - self.started) * (1 - f) / f

    def status(self) -> str:
        f, left = self.fraction, self.seconds_left
        pct = "" if f is None else f" {f:.0%}"
        eta = "" if left is None else f", about {max(1, round(left))} s left"
        return f"Preparing {self.name}:{pct} {self.message}{eta}"


# --------------------------------------------------------------------------- GGUF conversion cache


def gguf_cache_dir(gguf: Path) -> Path:
    """One folder per GGUF file version: name, size and modification time make the key."""
    st = gguf.stat()
    digest = hashlib.sha1(f"{gguf.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:12]
    return config.CACHE_DIR / "converted" / f"{gguf.stem}-{digest}"


def converted_folder(gguf_path: str | Path, on_progress: Progress | None = None) -> Path:
    """A safetensors folder equal to the GGUF file (dequantized to float32), converting on first use.

    The conversion writes to a temporary folder and renames it, so a crash or a concurrent
    converter never leaves a half-written cache behind. `on_progress(message, fraction)` follows it:
    the tokenizer (most of the time), then every GGUF tensor, then the write.
    """
    gguf = Path(gguf_path)
    target = gguf_cache_dir(gguf)
    if (target / "config.json").is_file():
        return target
    # Every request waiting for this file (and the status line of every session that chose it) sees one
    # progress; the first waiter to finish removes it, and the others return at once behind it.
    tracked = _conversions.setdefault(str(gguf), LoadProgress(gguf.name, str(gguf)))

    def say(message: str, fraction: float | None = None, **step: Any) -> None:
        tracked.update(message, fraction, **step)
        if on_progress is not None:
            on_progress(message, fraction)

    try:
        with _convert_lock:
            return _convert(gguf, target, say)
    finally:
        _conversions.pop(str(gguf), None)


def _convert(gguf: Path, target: Path, say: Progress) -> Path:
    if (target / "config.json").is_file():
        return target
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers import modeling_gguf_pytorch_utils as gguf_utils

    log.info("converting %s once; later loads use %s", gguf.name, target)
    t0 = time.perf_counter()
    # Reading the tokenizer out of the GGUF metadata is most of a conversion (measured ~7-25 s for SmolLM2's
    # 100 MB file on the 2-core host, the tensors ~3 s): its expected length grows with the file.
    expect = 10 + 0.06 * gguf.stat().st_size / 1e6
    say("converting it once (later starts take about a second): reading its tokenizer", 0.0,
        until=0.75, expect=expect)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # transformers walks the GGUF tensors under a tqdm bar that only a terminal sees; count its
    # steps for the page instead. The name is module-level and conversions hold _convert_lock.
    plain_tqdm = gguf_utils.tqdm

    def counted(items: Any, **kwargs: Any) -> Iterator[Any]:
        items = list(items)
        for i, item in enumerate(items):
            say(f"converting it once: tensor {i + 1} of {len(items)}", 0.75 + 0.2 * i / max(1, len(items)))
            yield item

    gguf_utils.tqdm = counted
    try:
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    finally:
        gguf_utils.tqdm = plain_tqdm
    # The GGUF quantizer marks the model unserializable; the weights are already dequantized.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        delattr(model.config, "quantization_config")
    say("converting it once: writing the converted copy", 0.95)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    try:
        tmp.rename(target)
    except OSError:  # another process finished the same conversion first: keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
        if not (target / "config.json").is_file():
            raise
    log.info("converted %s in %.1f s", gguf.name, time.perf_counter() - t0)
    say("converted", 1.0)
    return target


_convert_lock = threading.Lock()  # one conversion at a time: each wants every core and ~2x the model in RAM
_conversions: dict[str, LoadProgress] = {}  # GGUF path -> the conversion running or waiting for it


# --------------------------------------------------------------------------- loaded models


@dataclass
class LoadedModel:
    """A model and its tokenizer, ready to run, with what the status line shows."""

    source: ModelSource
    model: Any  # transformers PreTrainedModel, in eval mode
    tokenizer: Any  # transformers PreTrainedTokenizerBase
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
    def input_device(self) -> Any:
        """Where input ids go (the embedding's device, also under device_map='auto')."""
        return self.model.get_input_embeddings().weight.device

    def status(self) -> str:
        quant = "" if self.quantization == "none" else f" ({self.quantization} linear layers)"
        if self.agreement:
            quant += (f", top-1 agreement with float32 {self.agreement['top1_agreement']:.0%} "
                      f"over {self.agreement['positions']} positions")
        return (f"{self.name}: {self.n_params:,} parameters, {self.dtype}{quant} on {self.device}, "
                f"{self.weight_bytes / 1e6:,.0f} MB of weights, loaded in {self.load_seconds:.1f} s")


@dataclass(frozen=True)
class LoadKey:
    """What makes two loads different."""

    location: str
    device: str
    dtype: str
    quantization: str
    attn_implementation: str


def _causes(exc: BaseException | None) -> list[BaseException]:
    """The exception and what caused it: transformers re-raises Hub errors as OSError."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def translate_load_error(source: ModelSource, exc: BaseException) -> ModelLoadError:
    """Map the many ways Hub and transformers fail to a message a student can act on."""
    from huggingface_hub import errors as hf

    chain = _causes(exc)
    text = " ".join(str(e) for e in chain)
    low = text.lower()

    def caused_by(*types: type) -> bool:
        return any(isinstance(e, types) for e in chain)

    if caused_by(hf.GatedRepoError) or "gated repo" in low:
        how = ("Your HF_TOKEN has no access yet: accept the licence on the model's Hub page."
               if config.HF_TOKEN_SET else
               "Accept the licence on the model's Hub page, then set the HF_TOKEN environment variable "
               "(a read token from huggingface.co/settings/tokens) before starting the app.")
        return GatedModelError(f"'{source.location}' is a gated model. {how}")
    if caused_by(hf.RepositoryNotFoundError) or "not a valid model identifier" in low:
        return UnknownModelError(f"No model '{source.location}' on the Hugging Face Hub (or it is private).")
    if caused_by(hf.LocalEntryNotFoundError, hf.OfflineModeIsEnabled) or "offline" in low or \
            "couldn't connect" in low or "connection" in low:
        return HubUnreachableError(
            f"'{source.location}' is not in the local cache and the Hugging Face Hub cannot be reached. "
            f"Connect to the internet, or use the embedded {config.settings().default_model}.")
    if "trust_remote_code" in text or "does not recognize this architecture" in text:
        return RemoteCodeError(
            f"'{source.location}' needs Python code from its repository (or a newer transformers). The playground "
            "does not run such code" + (" on a Space." if config.ON_SPACE else
                                        "; set PLAYGROUND_TRUST_REMOTE_CODE=1 to allow it on your own machine "
                                        "if you trust the repo."))
    if "Unrecognized configuration class" in text:
        return NotCausalLMError(f"'{source.location}' is not a causal language model, so it cannot predict next tokens.")
    first = str(exc).splitlines()[0] if str(exc) else ""
    return ModelLoadError(f"Could not load '{source.name}': {type(exc).__name__}: {first}")


def _load(source: ModelSource, key: LoadKey, on_progress: Progress | None) -> LoadedModel:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    say = on_progress or (lambda _m, _f=None: None)
    t0 = time.perf_counter()
    location = source.location
    if source.kind == "gguf":
        # Conversion is most of a first load: it takes the first 90% of the bar.
        location = str(converted_folder(location, lambda m, f=None: say(m, None if f is None else 0.9 * f)))
    kwargs: dict[str, Any] = {"trust_remote_code": config.TRUST_REMOTE_CODE}
    try:
        say(f"reading the config of {source.name}", 0.9 if source.kind == "gguf" else 0.0)
        cfg = AutoConfig.from_pretrained(location, **kwargs)
        if type(cfg) not in AutoModelForCausalLM._model_mapping.keys() and not config.TRUST_REMOTE_CODE:
            raise NotCausalLMError(
                f"'{source.name}' ({cfg.model_type}) is not a causal language model, so it cannot predict next tokens.")
        say(f"loading the tokenizer of {source.name}", None)
        tokenizer = AutoTokenizer.from_pretrained(location, **kwargs)
        say(f"loading the weights of {source.name} ({key.dtype} on {key.device})", None)
        load_kwargs: dict[str, Any] = dict(kwargs, dtype=getattr(torch, key.dtype),
                                           attn_implementation=key.attn_implementation)
        if key.device == "cuda" and torch.cuda.device_count() > 1:
            load_kwargs["device_map"] = "auto"  # accelerate spreads the layers over the GPUs
        model = AutoModelForCausalLM.from_pretrained(location, **load_kwargs)
        if "device_map" not in load_kwargs:
            model.to(key.device)
    except ModelLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - translated for the user, logged for the operator
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

        say("quantizing the linear layers to int8", None)
        reference = top1_tokens(model, tokenizer)  # float32 answers on the fixed prompt set, before quantizing
        model = quantize_int8(model, tokenizer)
        agreement = compare_top1(reference, top1_tokens(model, tokenizer))
    weight_bytes = _weight_bytes(model)
    return LoadedModel(source, model, tokenizer, key.device, key.dtype, key.quantization,
                       key.attn_implementation, time.perf_counter() - t0, n_params, weight_bytes,
                       agreement=agreement)


def _sibling(base: LoadedModel, key: LoadKey) -> LoadedModel:
    """The same model with another attention implementation (eager, to read attention weights),
    sharing every weight tensor with `base`: no second copy in memory, no second load."""
    import copy

    import torch
    from transformers import AutoModelForCausalLM

    t0 = time.perf_counter()
    cfg = copy.deepcopy(base.model.config)
    with torch.device("meta"):  # per-thread, unlike accelerate's process-wide init_empty_weights()
        model = AutoModelForCausalLM.from_config(cfg, attn_implementation=key.attn_implementation,
                                                 dtype=getattr(torch, key.dtype))
    model.load_state_dict(base.model.state_dict(), assign=True, strict=True)
    for name, buf in base.model.named_buffers():  # non-persistent buffers (rotary inv_freq) are not in state_dict
        owner, _, attr = name.rpartition(".")
        model.get_submodule(owner)._buffers[attr] = buf
    model.tie_weights()
    model.generation_config = copy.deepcopy(base.model.generation_config)
    model.eval()
    return LoadedModel(base.source, model, base.tokenizer, key.device, key.dtype, key.quantization,
                       key.attn_implementation, time.perf_counter() - t0, base.n_params, base.weight_bytes)


def _load_tokenizer(location: str) -> Any:
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


def _weight_bytes(model: Any) -> int:
    """Bytes held by parameters, buffers and packed quantized weights (counted once if shared)."""
    seen: set[int] = set()
    total = 0
    tensors = list(model.parameters()) + list(model.buffers())
    for t in tensors:
        ptr = t.untyped_storage().data_ptr()
        if ptr in seen:
            continue
        seen.add(ptr)
        total += t.numel() * t.element_size()
    for module in model.modules():  # dynamic int8 Linear layers keep packed weights outside parameters()
        packed = getattr(module, "_packed_params", None)
        if packed is not None and hasattr(packed, "_weight_bias"):
            w, b = packed._weight_bias()
            total += w.numel() * w.element_size() + (b.numel() * b.element_size() if b is not None else 0)
    return total


class ModelLoader:
    """A bounded, thread-safe cache of loaded models; loads each variant once even under concurrency.

    A variant is a LoadKey: the same name in float32 and in int8 are two entries, and a request always
    gets exactly the variant it asked for. `use()` pins a model for the length of a request: a pinned
    model is never dropped to make room; when every slot is pinned, a new variant is refused with
    LoaderBusyError instead of taking a model from under a running request. Eager-attention siblings
    share their base's tensors, take no slot and are dropped with it. A failed load raises and leaves
    every cached model in place. Before a load, `admission.check` compares what the model needs with
    what the machine has free (counting what dropping unpinned models would free).
    """

    def __init__(self, max_models: int | None = None) -> None:
        self.max_models = max(1, max_models or config.settings().limits.max_loaded_models)
        self._models: OrderedDict[LoadKey, LoadedModel] = OrderedDict()
        self._pins: dict[LoadKey, int] = {}
        self._tokenizers: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Any, threading.Lock] = {}
        self._progress: dict[LoadKey, LoadProgress] = {}  # loads running now, for the status line

    def _key_lock(self, key: Any) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def loaded(self) -> list[LoadedModel]:
        with self._lock:
            return list(self._models.values())

    def key_for(self, choice: str | ModelChoice | None, attn_implementation: str | None = None) -> tuple[ModelSource, LoadKey]:
        """The source and the exact variant a choice means on this machine ("auto" resolved)."""
        choice = ModelChoice.parse(choice)
        source = resolve(choice.name)
        dev = pick_device(choice.device)
        key = LoadKey(source.location, dev, pick_dtype(dev, choice.dtype), choice.quantization,
                      attn_implementation or "sdpa")
        if key.quantization == "int8" and (dev != "cpu" or key.dtype != "float32"):
            raise ModelLoadError("The int8 mode quantizes float32 linear layers for the CPU: "
                                 f"choose device cpu and dtype float32 (this choice is {key.dtype} on {dev}).")
        return source, key

    def peek(self, choice: str | ModelChoice | None) -> LoadedModel | LoadProgress | None:
        """What the status line says about a choice: the loaded model, the load in progress, or None."""
        try:
            _source, key = self.key_for(choice)
        except PlaygroundError:
            return None
        with self._lock:
            # A conversion of its file (this request's, or another one's that it waits for) says the most.
            return self._models.get(key) or _conversions.get(key.location) or self._progress.get(key)

    def get(self, choice: str | ModelChoice | None = None, device: str | None = None, dtype: str | None = None,
            quantization: str | None = None, attn_implementation: str | None = None,
            on_progress: Progress | None = None) -> LoadedModel:
        """Exactly the variant `choice` names (a name, a JSON choice or a ModelChoice; keyword options
        override its fields), loading it if need be. Not pinned: prefer `use()` inside a request."""
        choice = ModelChoice.parse(choice)
        if device is not None or dtype is not None or quantization is not None:
            choice = ModelChoice(choice.name, device or choice.device, dtype or choice.dtype,
                                 quantization or choice.quantization)
        source, key = self.key_for(choice, attn_implementation)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
        base = None
        if key.attn_implementation != "sdpa":
            if key.quantization != "none":
                raise ModelLoadError("Attention weights are read from the full-precision model: choose "
                                     "quantization none for this view.")
            # Another attention implementation (eager, to read attention weights) of the same weights:
            # share the tensors of the ordinary copy, loading that first if need be.
            base = self.get(choice, on_progress=on_progress)
        with self._key_lock(key):
            with self._lock:
                if key in self._models:
                    self._models.move_to_end(key)
                    return self._models[key]
            if base is not None:
                loaded = _sibling(base, key)
            else:
                loaded = self._load_new(source, key, on_progress)
            with self._lock:
                self._models[key] = loaded
                self._evict_locked(keep=key)
            return loaded

    def _load_new(self, source: ModelSource, key: LoadKey,
                  on_progress: Progress | None) -> LoadedModel:
        from playground import admission

        with self._lock:
            if self._slots_used_locked() >= self.max_models and not self._evictable_locked():
                raise LoaderBusyError(
                    f"All {self.max_models} model slots of this app are in use by running requests, so "
                    f"{source.name} cannot be loaded now. Try again when they finish, or use a loaded model.")
            evictable = sum(m.weight_bytes for m in self._evictable_locked() if m.device == key.device)
        # Refused here, before any download or weight read, when it cannot fit even after dropping
        # every unused model. When it fits only after dropping some, drop them first (least recently
        # used first), so the new weights do not sit beside the old ones at the peak.
        need = admission.check(source, key.device, key.dtype, key.quantization, evictable_bytes=evictable)
        free = admission.available(key.device)
        with self._lock:
            for old in [m for m in self._evictable_locked() if m.device == key.device]:
                if free >= need:
                    break
                self._drop_locked(old)
                free += old.weight_bytes
        progress = LoadProgress(source.name, key)
        with self._lock:
            self._progress[key] = progress
        try:
            def say(message: str, fraction: float | None = None) -> None:
                progress.update(message, fraction)
                if on_progress is not None:
                    on_progress(message, fraction)

            return _load(source, key, say)
        finally:
            with self._lock:
                self._progress.pop(key, None)

    def _slots_used_locked(self) -> int:
        return sum(1 for k in self._models if k.attn_implementation == "sdpa")

    def _pinned_locked(self, key: LoadKey) -> bool:
        """Pinned itself, or (a base model) through a pinned sibling that shares its tensors."""
        if self._pins.get(key, 0) > 0:
            return True
        return any(self._pins.get(k, 0) > 0 for k in self._models
                   if k.attn_implementation != "sdpa" and _base_key(k) == key)

    def _evictable_locked(self) -> list[LoadedModel]:
        """Unpinned models that own their weights, least recently used first."""
        return [m for k, m in self._models.items() if k.attn_implementation == "sdpa" and not self._pinned_locked(k)]

    def _drop_locked(self, lm: LoadedModel) -> None:
        key = next(k for k, m in self._models.items() if m is lm)
        log.info("dropping %s (%s, %s) from the model cache", lm.name, key.dtype, key.quantization)
        del self._models[key]
        for k in [k for k in self._models if k.attn_implementation != "sdpa" and _base_key(k) == key]:
            del self._models[k]  # a sibling without its base would keep the base's tensors alive

    def _evict_locked(self, keep: LoadKey) -> None:
        while self._slots_used_locked() > self.max_models:
            victims = [m for m in self._evictable_locked() if m is not self._models.get(keep)]
            if not victims:
                break  # every other slot is pinned: one over the bound until a request ends
            self._drop_locked(victims[0])

    @contextmanager
    def use(self, choice: str | ModelChoice | None = None, attn_implementation: str | None = None,
            on_progress: Progress | None = None) -> Iterator[LoadedModel]:
        """`with loader.use(choice) as lm:` the model of `choice`, pinned until the block ends."""
        while True:
            lm = self.get(choice, attn_implementation=attn_implementation, on_progress=on_progress)
            key = _key_of(lm)
            with self._lock:
                if self._models.get(key) is lm:  # not dropped between get() and here
                    self._pins[key] = self._pins.get(key, 0) + 1
                    break
        try:
            yield lm
        finally:
            with self._lock:
                self._pins[key] -= 1
                if not self._pins[key]:
                    del self._pins[key]
                self._evict_locked(keep=key)

    def tokenizer(self, name: str | ModelChoice | None = None) -> Any:
        """The tokenizer alone (cheap: no weights). Reuses a loaded model's tokenizer when there is one.

        Every variant of a model has the same tokenizer, so any loaded copy's will do.
        """
        source = resolve(ModelChoice.parse(name).name)
        with self._lock:
            for key, lm in self._models.items():
                if key.location == source.location:
                    return lm.tokenizer
            if source.location in self._tokenizers:
                self._tokenizers.move_to_end(source.location)
                return self._tokenizers[source.location]
        with self._key_lock(("tok", source.location)):
            with self._lock:
                if source.location in self._tokenizers:
                    return self._tokenizers[source.location]
            location = source.location
            if source.kind == "gguf":
                location = str(converted_folder(location))
            try:
                tok = _load_tokenizer(location)
            except Exception as exc:  # noqa: BLE001
                error = translate_load_error(source, exc)
                log.warning("loading the tokenizer of %s failed: %s", source.name, error)
                raise error from exc
            with self._lock:
                self._tokenizers[source.location] = tok
                while len(self._tokenizers) > 8:
                    self._tokenizers.popitem(last=False)
            return tok


def _key_of(lm: LoadedModel) -> LoadKey:
    return LoadKey(lm.source.location, lm.device, lm.dtype, lm.quantization, lm.attn_implementation)


def _base_key(key: LoadKey) -> LoadKey:
    return LoadKey(key.location, key.device, key.dtype, key.quantization, "sdpa")


_LOADER: ModelLoader | None = None
_LOADER_LOCK = threading.Lock()


def get_loader() -> ModelLoader:
    """The process-wide loader every tab shares."""
    global _LOADER
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = ModelLoader()
        return _LOADER
