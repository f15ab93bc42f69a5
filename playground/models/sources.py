"""Resolving names: what a user typed (a name, or a ModelChoice / its JSON) -> where the weights come from.

A name may be: a catalog name or Hub id from spaces.yaml, any other Hub id, a local model folder, or a
local .gguf file. The catalog name of an embedded model means the file shipped in a Python package
(playground.embedded); its Hub id means the Hub.

Not here: reading configs or weights (playground.models.load, playground.core.architecture).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from playground import config, embedded
from playground.choice import ModelChoice
from playground.errors import UnknownModelError

log = logging.getLogger(__name__)

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


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
        return ModelSource(
            entry.name if name == entry.name else entry.hub_id, "hub", entry.hub_id, entry.hub_id, entry.gated
        )
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
