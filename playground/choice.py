"""What a session or an API call asks for: a model name and how to run it (device, dtype, quantization).

A `ModelChoice` is the one argument every model-using endpoint takes first. It travels as a string so
that old API calls keep working: a plain name ("SmolLM2-135M-Instruct", a Hub id, a folder, a .gguf
file) means that model with the default options; a JSON object names the options too:

    '{"name": "SmolLM2-135M-Instruct", "device": "cpu", "dtype": "float32", "quantization": "int8"}'

The model bar writes exactly that JSON into the session, so what a tab computes depends only on what
its own session chose. Nothing here imports torch: "auto" is resolved by the loader.

Not here: loading, or deciding what "auto" means on this machine (playground.loader).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from playground.errors import InputError

DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("auto", "float32", "bfloat16", "float16")
QUANTIZATIONS = ("none", "int8")
MAX_CHOICE_CHARS = 2000  # a name or a JSON choice longer than this is not a model reference
_FIELDS = ("name", "device", "dtype", "quantization")


@dataclass(frozen=True)
class ModelChoice:
    """A model and how to run it. `name` "" means the default model."""

    name: str = ""
    device: str = "auto"  # one of DEVICES
    dtype: str = "auto"  # one of DTYPES
    quantization: str = "none"  # one of QUANTIZATIONS; int8 = the CPU int8 mode (playground.quantize)

    def __post_init__(self) -> None:
        for field, allowed in (("device", DEVICES), ("dtype", DTYPES), ("quantization", QUANTIZATIONS)):
            value = getattr(self, field)
            if value not in allowed:
                raise InputError(f"Unknown {field} {value!r}. Choose one of: {', '.join(allowed)}.")

    @classmethod
    def parse(cls, value: Any) -> ModelChoice:
        """A choice from what a UI event or an API call sends.

        None / "" -> the default model; "Qwen/Qwen2.5-0.5B-Instruct" -> that model, default options;
        '{"name": "x", "quantization": "int8"}' or a dict -> those fields (missing ones default).
        """
        if isinstance(value, ModelChoice):
            return value
        if value is None:
            return cls()
        if isinstance(value, str):
            text = value.strip()
            if len(text) > MAX_CHOICE_CHARS:
                raise InputError(
                    f"A model reference has at most {MAX_CHOICE_CHARS} characters; this one has {len(text):,}."
                )
            if not text.startswith("{"):
                return cls(name=text)
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"The model choice is not valid JSON ({exc.msg} at character {exc.pos}).") from None
        if not isinstance(value, dict):
            raise InputError(f"A model choice is a name or a JSON object, not {type(value).__name__}.")
        unknown = sorted(set(value) - set(_FIELDS) - {"model"})
        if unknown:
            raise InputError(
                f"Unknown field(s) in the model choice: {', '.join(unknown)}. Known: {', '.join(_FIELDS)}."
            )
        fields = {k: value[k] for k in _FIELDS if value.get(k) is not None}
        if "name" not in fields and value.get("model") is not None:  # {"model": ...} reads naturally too
            fields["name"] = value["model"]
        for k, v in fields.items():
            if not isinstance(v, str):
                raise InputError(f"The model choice's {k} must be a string, got {v!r}.")
        fields = {k: v.strip() if k == "name" else v.strip().lower() for k, v in fields.items()}
        return cls(**fields)

    def to_json(self) -> str:
        """The compact JSON form the model bar keeps in the session (round-trips through parse)."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @property
    def is_default_options(self) -> bool:
        return (self.device, self.dtype, self.quantization) == ("auto", "auto", "none")

    def with_name(self, name: str) -> ModelChoice:
        return ModelChoice(name, self.device, self.dtype, self.quantization)
