"""The one path to weights: the cache of loaded models every tab shares, and the loader's public face.

Every tab asks `get_loader().get(name)` for a model (`use()` pins it for a request) and
`get_loader().tokenizer(name)` for a tokenizer alone. Config-only inspection (no weights) lives in
`playground.core.architecture`, which uses `resolve()` from here to understand names the same way.

This module holds the bounded cache (ModelLoader: variants, pins, eviction, admission before a load,
the busy error) and the process-wide loader. Each step of a load is a module of its own in
playground.models, re-exported here so that the rest of the app imports from one place:
    resolve, ModelSource                          playground.models.sources
    pick_device, pick_dtype                       playground.models.devices
    LoadProgress                                  playground.models.progress
    gguf_cache_dir, converted_folder              playground.models.gguf
    translate_load_error                          playground.models.load_errors
    LoadKey, LoadedModel, _load, _load_tokenizer  playground.models.load

Not here: generation, hooks, or anything a tab computes. torch and transformers are imported
lazily so that importing this module (and building the UI) stays fast.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from playground import config
from playground.choice import DEVICES, DTYPES, QUANTIZATIONS, ModelChoice
from playground.errors import LoaderBusyError, ModelLoadError, PlaygroundError
from playground.models.devices import pick_device, pick_dtype
from playground.models.gguf import converted_folder, converting, gguf_cache_dir
from playground.models.load import LoadedModel, LoadKey, sibling
from playground.models.load import load as _load  # a module name here: tests count loads by replacing it
from playground.models.load import load_tokenizer as _load_tokenizer
from playground.models.load_errors import translate_load_error
from playground.models.progress import LoadProgress, Progress
from playground.models.sources import ModelSource, resolve

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

__all__ = [
    "DEVICES",
    "DTYPES",
    "QUANTIZATIONS",
    "LoadKey",
    "LoadProgress",
    "LoadedModel",
    "ModelChoice",
    "ModelLoader",
    "ModelSource",
    "converted_folder",
    "get_loader",
    "gguf_cache_dir",
    "pick_device",
    "pick_dtype",
    "resolve",
    "translate_load_error",
]

log = logging.getLogger(__name__)


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
        self._tokenizers: OrderedDict[str, PreTrainedTokenizerBase] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[LoadKey | tuple[str, str], threading.Lock] = {}
        self._progress: dict[LoadKey, LoadProgress] = {}  # loads running now, for the status line

    def _key_lock(self, key: LoadKey | tuple[str, str]) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def loaded(self) -> list[LoadedModel]:
        with self._lock:
            return list(self._models.values())

    def key_for(
        self, choice: str | ModelChoice | None, attn_implementation: str | None = None
    ) -> tuple[ModelSource, LoadKey]:
        """The source and the exact variant a choice means on this machine ("auto" resolved)."""
        choice = ModelChoice.parse(choice)
        source = resolve(choice.name)
        dev = pick_device(choice.device)
        key = LoadKey(
            source.location, dev, pick_dtype(dev, choice.dtype), choice.quantization, attn_implementation or "sdpa"
        )
        if key.quantization == "int8" and (dev != "cpu" or key.dtype != "float32"):
            raise ModelLoadError(
                "The int8 mode quantizes float32 linear layers for the CPU: "
                f"choose device cpu and dtype float32 (this choice is {key.dtype} on {dev})."
            )
        return source, key

    def peek(self, choice: str | ModelChoice | None) -> LoadedModel | LoadProgress | None:
        """What the status line says about a choice: the loaded model, the load in progress, or None."""
        try:
            _source, key = self.key_for(choice)
        except PlaygroundError:
            return None
        with self._lock:
            # A conversion of its file (this request's, or another one's that it waits for) says the most.
            return self._models.get(key) or converting(key.location) or self._progress.get(key)

    def get(
        self,
        choice: str | ModelChoice | None = None,
        device: str | None = None,
        dtype: str | None = None,
        quantization: str | None = None,
        attn_implementation: str | None = None,
        on_progress: Progress | None = None,
    ) -> LoadedModel:
        """Exactly the variant `choice` names (a name, a JSON choice or a ModelChoice; keyword options
        override its fields), loading it if need be. Not pinned: prefer `use()` inside a request."""
        choice = ModelChoice.parse(choice)
        if device is not None or dtype is not None or quantization is not None:
            choice = ModelChoice(
                choice.name, device or choice.device, dtype or choice.dtype, quantization or choice.quantization
            )
        source, key = self.key_for(choice, attn_implementation)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
        base = None
        if key.attn_implementation != "sdpa":
            if key.quantization != "none":
                raise ModelLoadError(
                    "Attention weights are read from the full-precision model: choose quantization none for this view."
                )
            # Another attention implementation (eager, to read attention weights) of the same weights:
            # share the tensors of the ordinary copy, loading that first if need be.
            base = self.get(choice, on_progress=on_progress)
        with self._key_lock(key):
            with self._lock:
                if key in self._models:
                    self._models.move_to_end(key)
                    return self._models[key]
            if base is not None:
                loaded = sibling(base, key)
            else:
                loaded = self._load_new(source, key, on_progress)
            with self._lock:
                self._models[key] = loaded
                self._evict_locked(keep=key)
            return loaded

    def _load_new(self, source: ModelSource, key: LoadKey, on_progress: Progress | None) -> LoadedModel:
        from playground import admission
        from playground.startup import ensure_models

        ensure_models()  # a load resolves transformers' model modules: after start-up's import of them, never beside it
        with self._lock:
            if self._slots_used_locked() >= self.max_models and not self._evictable_locked():
                raise LoaderBusyError(
                    f"All {self.max_models} model slots of this app are in use by running requests, so "
                    f"{source.name} cannot be loaded now. Try again when they finish, or use a loaded model."
                )
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

            def say(step: str, fraction: float | None = None, **values: Any) -> None:
                progress.update(step, fraction, **values)
                if on_progress is not None:
                    on_progress(step, fraction, **values)

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
        return any(
            self._pins.get(k, 0) > 0 for k in self._models if k.attn_implementation != "sdpa" and _base_key(k) == key
        )

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
    def use(
        self,
        choice: str | ModelChoice | None = None,
        attn_implementation: str | None = None,
        on_progress: Progress | None = None,
    ) -> Iterator[LoadedModel]:
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

    def tokenizer(self, name: str | ModelChoice | None = None) -> PreTrainedTokenizerBase:
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
            except Exception as exc:  # translated for the user, logged for the operator
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
