"""Chat engines: what decodes a Chat reply. `transformers` (playground.core.generate: the exact numbers every other
tab shows), `llama.cpp` (playground.engines.llamacpp: a GGUF file through llama-cpp-python, 5-7x faster on a CPU),
`served` (playground.engines.served: an OpenAI-compatible server, for models no single machine here can hold).

`available()` says which engines this instance offers: llama.cpp only where llama-cpp-python is installed (an
optional install: requirements-llamacpp.txt), served only where a server is configured or, off a hosted instance,
a URL may be typed. Found without importing llama_cpp (its import loads a native library).

Not here: templates (playground.core.chat), the page (playground.tabs.chat_engine).
"""

from __future__ import annotations

import importlib.util

from playground import config
from playground.core.validation import choice
from playground.errors import InputError

ENGINES = ("transformers", "llama.cpp", "served")


def llamacpp_installed() -> bool:
    """llama-cpp-python is importable (pip install -r requirements-llamacpp.txt)."""
    return importlib.util.find_spec("llama_cpp") is not None


def available() -> tuple[str, ...]:
    """The engines this instance offers, in ENGINES order."""
    offered = {
        "transformers": True,
        "llama.cpp": llamacpp_installed(),
        "served": bool(config.settings().servers) or not config.HOSTED,
    }
    return tuple(e for e in ENGINES if offered[e])


def check_engine(engine: object) -> str:
    """'llama.cpp' -> 'llama.cpp'; None -> 'transformers'; an engine not offered here -> InputError naming them."""
    name = choice("engine", engine or "transformers", ENGINES)
    if name not in available():
        why = {
            "llama.cpp": "llama-cpp-python is not installed here (make install-llamacpp)",
            "served": "this hosted instance has no servers in its settings (spaces.yaml `servers`)",
        }
        raise InputError(f"The {name} engine is not available: {why[name]}.")
    return name
