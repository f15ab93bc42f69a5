"""Constants, the catalog from spaces.yaml, and environment overrides, read once.

This module is the only place that reads environment variables or spaces.yaml. It imports
no torch, transformers or gradio, so anything may import it cheaply.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPACES_YAML = ROOT / "spaces.yaml"

# Where converted GGUF models and other derived files live; movable for read-only homes or CI.
CACHE_DIR = Path(
    os.environ.get("PLAYGROUND_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "llm-playground"
)

# A Hugging Face Space sets SPACE_ID; some choices (remote code) are never allowed there.
ON_SPACE = bool(os.environ.get("SPACE_ID"))

# Models whose code lives in their Hub repo run arbitrary Python: only on the user's own machine, and only if asked.
TRUST_REMOTE_CODE = os.environ.get("PLAYGROUND_TRUST_REMOTE_CODE", "") == "1" and not ON_SPACE

# A shared instance (a Space, or a classroom machine with PLAYGROUND_HOSTED=1) loads catalog models only:
# local paths and other Hub ids are refused, unless PLAYGROUND_ALLOW_ANY_MODEL=1 opens it (playground.admission).
HOSTED = ON_SPACE or os.environ.get("PLAYGROUND_HOSTED", "") == "1"
ALLOW_ANY_MODEL = os.environ.get("PLAYGROUND_ALLOW_ANY_MODEL", "") == "1"

# Read by huggingface_hub itself; we only look at it to word error messages, never to print it.
HF_TOKEN_SET = bool(os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN"))

# What start-up prepares in the background: "all" embedded models (the default is also loaded; the others
# are converted so that switching to them takes seconds), only the "default", or "none" (first use does it).
PREPARE = os.environ.get("PLAYGROUND_PREPARE", "all").lower()

# Gradio's run history keeps past calls in the browser; a classroom PC is shared, so it is off unless asked for.
RUN_HISTORY = os.environ.get("PLAYGROUND_RUN_HISTORY", "") == "1"

# Where `python app.py` listens by default; a Hugging Face Space sets GRADIO_SERVER_NAME=0.0.0.0.
SERVER_NAME = os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")
SERVER_PORT = int(os.environ.get("GRADIO_SERVER_PORT", "7860"))

LANGUAGES = ("en", "zh-Hant", "zh-Hans")

# Threads of the llama.cpp engine (playground.engines.llamacpp); default: every core.
LLAMACPP_THREADS = int(os.environ.get("PLAYGROUND_LLAMACPP_THREADS") or os.cpu_count() or 1)

# More OpenAI-compatible servers for Chat, beside spaces.yaml's `servers`: "name=url name2=url2" (urls end in /v1).
SERVERS_ENV = os.environ.get("PLAYGROUND_SERVERS", "")


@dataclass(frozen=True)
class CatalogEntry:
    name: str  # what the model picker shows
    hub_id: str  # owner/name on the Hugging Face Hub
    embedded: str | None = None  # "package/file.gguf" shipped inside an installed Python package
    gated: bool = False  # the Hub asks for a licence acceptance and a token
    # Or one GGUF file cut into "package/file" parts (a package index caps file sizes), joined in order
    # and checked against sha256 (hex) before use; see playground/embedded.py.
    parts: tuple[str, ...] = ()
    sha256: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.parts or ()))  # YAML gives a list; keep the entry hashable


@dataclass(frozen=True)
class Server:
    """An OpenAI-compatible server the Chat tab may talk to (engine "served")."""

    name: str  # what the server choice shows
    url: str  # its base URL, ending in /v1
    model: str = ""  # the model name to ask for by default
    key_env: str = ""  # the environment variable that holds its API key (the key itself is never stored here)
    tokenizer: str = ""  # a model name whose tokenizer renders the prompt view locally (default: `model`)


@dataclass(frozen=True)
class Limits:
    max_input_chars: int
    max_forward_tokens: int
    max_attention_tokens: int
    max_lens_positions: int
    max_new_tokens: int
    max_input_tokens: int
    max_top_k: int
    max_loaded_models: int
    max_tree_nodes: int  # generation tree (playground.core.tree): nodes, branches, tokens a branch, samples at once
    max_tree_branches: int
    max_branch_tokens: int
    max_tree_samples: int
    max_llamacpp_models: int = 2  # llama.cpp instances (file, threads) kept loaded at once (playground.engines)
    served_timeout_s: int = 30  # seconds a served model may stay silent (connect, first token, between tokens)
    # Edit & Merge: a fine-tune's steps and seconds; adapters per session, sessions kept, merged copies kept.
    max_finetune_steps: int = 100
    max_finetune_seconds: int = 120
    max_session_adapters: int = 2
    max_edit_sessions: int = 16
    max_merged_models: int = 2


@dataclass(frozen=True)
class Settings:
    default_model: str
    catalog: tuple[CatalogEntry, ...]
    limits: Limits
    chinese_model: str = ""  # the model the Chinese examples switch to (one that speaks Chinese)
    servers: tuple[Server, ...] = ()  # spaces.yaml `servers`, then PLAYGROUND_SERVERS

    def entry(self, name: str) -> CatalogEntry | None:
        """The catalog entry whose name or Hub id is `name` (case-insensitive), or None."""
        low = name.strip().lower()
        for e in self.catalog:
            if low in (e.name.lower(), e.hub_id.lower()):
                return e
        return None


def _env_int(key: str, default: int) -> int:
    raw = os.environ.get(f"PLAYGROUND_{key.upper()}")
    return int(raw) if raw else int(default)


@lru_cache(maxsize=1)
def settings() -> Settings:
    raw = yaml.safe_load(SPACES_YAML.read_text(encoding="utf-8"))
    catalog = tuple(CatalogEntry(**m) for m in raw["models"])
    limits = Limits(**{k: _env_int(k, v) for k, v in raw["limits"].items()})
    default = os.environ.get("PLAYGROUND_MODEL") or raw["default_model"]
    servers = tuple(Server(**s) for s in raw.get("servers") or ())
    servers += tuple(Server(*item.split("=", 1)) for item in SERVERS_ENV.split() if "=" in item)
    return Settings(
        default_model=default,
        catalog=catalog,
        limits=limits,
        chinese_model=raw.get("chinese_model") or default,
        servers=servers,
    )
