"""Where a model's config comes from, first hit wins:

    1. a local folder's config.json, or a GGUF file (its converted copy, else its metadata),
    2. the Hugging Face Hub (local cache first, the network only when the Hub answers; a model the
       loader fetched from the Hub is in that cache),
    3. playground/data/architectures.json, the published configs of the catalog models (offline).

Never from a loaded model: a variant another session loaded (the int8 mode unties the LM head) must
not change what a config-only view shows.

Not here: reading numbers out of a config (core.config_shape), building it (core.meta_build), weights.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlparse

from playground import config
from playground.errors import HubUnreachableError, ModelLoadError, RemoteCodeError
from playground.loader import ModelSource, gguf_cache_dir, translate_load_error

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "architectures.json"

# Where a config came from: ModelShape.source and the JSON result's "source".
FROM_FOLDER, FROM_GGUF, FROM_HUB, FROM_SHIPPED = "folder", "gguf", "hub", "shipped"


@lru_cache(maxsize=1)
def _shipped() -> dict[str, dict[str, Any]]:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def shipped_config(hub_id: str | None) -> Any | None:
    """The shipped config of a catalog model (case-insensitive Hub id, or 'embedded:<name>'), or None."""
    if not hub_id:
        return None
    for key, fields in _shipped().items():
        if key.lower() == hub_id.lower():
            from transformers import AutoConfig

            fields = dict(fields)
            return AutoConfig.for_model(fields.pop("model_type"), **fields)
    return None


def shipped_fields(hub_id: str | None) -> SimpleNamespace | None:
    """The shipped config's fields as attributes, without transformers (whose import may still be under way
    in the background while the page is built), or None. core.config_shape.shape_of reads it like a config."""
    for key, fields in _shipped().items():
        if hub_id and key.lower() == hub_id.lower():
            return SimpleNamespace(**fields)
    return None


_probe_lock = threading.Lock()
_probe: dict[str, tuple[float, bool]] = {}


def hub_reachable(timeout: float = 1.5) -> bool:
    """A TCP connect to the Hub endpoint, remembered for a minute.

    Without this, huggingface_hub retries a dead network for ~25 s before giving up; with it an
    offline machine falls back to the shipped configs at once.
    """
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    url = urlparse(constants.ENDPOINT)
    host, port = url.hostname or "huggingface.co", url.port or (443 if url.scheme == "https" else 80)
    with _probe_lock:
        seen = _probe.get(host)
        if seen and time.monotonic() - seen[0] < 60:
            return seen[1]
    try:
        with socket.create_connection((host, port), timeout=timeout):
            ok = True
    except OSError:
        ok = False
    with _probe_lock:
        _probe[host] = (time.monotonic(), ok)
    return ok


def _hub_config(source: ModelSource) -> Any:
    """The Hub config: the local cache first, the network if it answers. Raises ModelLoadError."""
    from transformers import AutoConfig

    kwargs = {"trust_remote_code": config.TRUST_REMOTE_CODE}
    try:
        return AutoConfig.from_pretrained(source.location, local_files_only=True, **kwargs)
    except Exception as exc:
        if "trust_remote_code" in str(exc):
            raise translate_load_error(source, exc) from exc
    if not hub_reachable():
        raise HubUnreachableError(
            f"The Hugging Face Hub cannot be reached and '{source.location}' is not in the local cache, "
            "so its config is unknown. Connect to the internet, or pick a catalog model (their "
            "architectures ship with the playground)."
        )
    try:
        return AutoConfig.from_pretrained(source.location, **kwargs)
    except Exception as exc:
        raise translate_load_error(source, exc) from exc


def find_config(source: ModelSource) -> tuple[Any, str]:
    """(config, where it came from: FROM_FOLDER, FROM_GGUF, FROM_HUB or FROM_SHIPPED), in the module
    docstring's order. Raises what the loader's error translation raises (all PlaygroundError)."""
    from transformers import AutoConfig

    kwargs = {"trust_remote_code": config.TRUST_REMOTE_CODE}
    try:
        if source.kind == "folder":
            return AutoConfig.from_pretrained(source.location, **kwargs), FROM_FOLDER
        if source.kind == "gguf":
            converted = gguf_cache_dir(Path(source.location))
            if (converted / "config.json").is_file():
                return AutoConfig.from_pretrained(str(converted)), FROM_GGUF
            # A catalog GGUF not converted yet: its shipped config (the file's own where it differs from the
            # Hub's, else the Hub's) needs no ~5 s pass over the GGUF metadata.
            for key in (f"embedded:{source.name}", source.hub_id):
                shipped = shipped_config(key)
                if shipped is not None:
                    return shipped, FROM_SHIPPED
            path = Path(source.location)
            return AutoConfig.from_pretrained(str(path.parent), gguf_file=path.name), FROM_GGUF
    except ModelLoadError:
        raise
    except Exception as exc:
        raise translate_load_error(source, exc) from exc
    try:
        return _hub_config(source), FROM_HUB
    except RemoteCodeError:
        raise
    except ModelLoadError as error:
        shipped = shipped_config(source.model_id)
        if shipped is None:
            raise
        log.info("config of %s from the shipped data (%s)", source.name, error)
        return shipped, FROM_SHIPPED
