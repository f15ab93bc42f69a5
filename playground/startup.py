"""Start-up: the heavy imports and the embedded models' preparation, once, in the background.

Why: transformers resolves its names lazily, and several threads resolving them for the first time at
once can see a half-initialised module ("cannot import name 'AutoConfig' from 'transformers'"): the
first page after a start opens four tabs' requests at once. So one thread imports everything the tabs
use before any request may touch transformers (`ensure_imports()`, which every handler calls through
`tabs.common.friendly`), then loads the default model and converts the other embedded models, so the
first requests wait for one preparation instead of racing to start several. The page opens at once;
the status line shows the preparation's progress (`loader.peek`).

Not here: what loading means (playground.loader), or anything a tab shows.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time

from playground import config

log = logging.getLogger(__name__)

# The modelling modules of every architecture the catalog ships (playground/data/architectures.json):
# the Architecture tab builds them on the meta device as the page opens.
_MODEL_MODULES = ("llama", "qwen2", "qwen3", "gemma3", "gpt2")

_imports_lock = threading.Lock()
_imported = threading.Event()
_models_lock = threading.Lock()
_models_imported = threading.Event()
_started = threading.Event()
_start_lock = threading.Lock()
ready = threading.Event()  # set when the default model is loaded (or its preparation failed)


def ensure_imports() -> None:
    """Import torch and resolve transformers' top-level names the tabs use, once (~0.4 s after the
    libraries themselves); later calls return at once. Enough for tokenizers: the first /tokenize of a
    start waits for this only. Model code (configs, modelling modules) waits for `ensure_models()`."""
    if _imported.is_set():
        return
    with _imports_lock:
        if _imported.is_set():
            return
        t0 = time.perf_counter()
        import torch  # noqa: F401
        import transformers
        from transformers import (  # noqa: F401 - resolving these names is the point
            AutoConfig,
            AutoModelForCausalLM,
            AutoTokenizer,
            DynamicCache,
            LogitsProcessorList,
            PreTrainedTokenizerFast,
            generation,
            modeling_gguf_pytorch_utils,
        )

        for cls in ("TokenizersBackend", "Qwen2Tokenizer"):  # the embedded models' tokenizer classes
            getattr(transformers, cls, None)
        _imported.set()
        log.info("imports ready in %.1f s", time.perf_counter() - t0)


def ensure_models() -> None:
    """Import the configuration and modelling modules of every catalog architecture and build the causal-LM
    mapping, once (~1.5 s): what configs, meta builds and loads resolve lazily. Later calls return at once."""
    if _models_imported.is_set():
        return
    ensure_imports()
    with _models_lock:
        if _models_imported.is_set():
            return
        import transformers

        t0 = time.perf_counter()
        for name in _MODEL_MODULES:
            for part in ("configuration", "modeling", "tokenization"):
                try:
                    importlib.import_module(f"transformers.models.{name}.{part}_{name}")
                except ImportError:  # not every model has a tokenizer module of its own
                    pass
        transformers.MODEL_FOR_CAUSAL_LM_MAPPING.keys()  # builds the lazy mapping (config classes) once
        _models_imported.set()
        log.info("model modules ready in %.1f s", time.perf_counter() - t0)


def _prepare() -> None:
    from playground.loader import converted_folder, get_loader, resolve

    try:
        ensure_imports()
        ensure_models()
        if config.PREPARE != "none":
            get_loader().get(None)  # the default model: converted (first start) and loaded
    except Exception:
        log.exception("preparing the default model failed")
    finally:
        ready.set()
    if config.PREPARE != "all":
        return
    # The other embedded models: converted now so that a class switching to them waits seconds, not
    # a conversion. Not loaded: each would hold its weights in memory for nobody yet.
    for entry in config.settings().catalog:
        if entry.name == config.settings().default_model or not _is_embedded(entry):
            continue
        try:
            source = resolve(entry.name)
            if source.kind == "gguf":
                converted_folder(source.location)
        except Exception:
            log.warning("preparing %s failed", entry.name, exc_info=True)


def _is_embedded(entry: object) -> bool:
    return bool(getattr(entry, "embedded", None) or getattr(entry, "parts", None))


def start() -> None:
    """Start the preparation in a background thread (once per process)."""
    with _start_lock:
        if _started.is_set():
            return
        _started.set()
    threading.Thread(target=_prepare, name="prepare-models", daemon=True).start()
