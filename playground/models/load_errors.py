"""Translating load failures: the many ways the Hub and transformers fail -> a playground error a student
can act on (gated, not found, offline, remote code, not a causal LM), never a traceback or a token.

Not here: the errors themselves (playground.errors) or turning them into page text (tabs.common.friendly).
"""

from __future__ import annotations

from playground import config
from playground.errors import (
    GatedModelError,
    HubUnreachableError,
    ModelLoadError,
    NotCausalLMError,
    RemoteCodeError,
    UnknownModelError,
)
from playground.models.sources import ModelSource


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
        how = (
            "Your HF_TOKEN has no access yet: accept the licence on the model's Hub page."
            if config.HF_TOKEN_SET
            else "Accept the licence on the model's Hub page, then set the HF_TOKEN environment variable "
            "(a read token from huggingface.co/settings/tokens) before starting the app."
        )
        return GatedModelError(f"'{source.location}' is a gated model. {how}")
    if caused_by(hf.RepositoryNotFoundError) or "not a valid model identifier" in low:
        return UnknownModelError(f"No model '{source.location}' on the Hugging Face Hub (or it is private).")
    if (
        caused_by(hf.LocalEntryNotFoundError, hf.OfflineModeIsEnabled)
        or "offline" in low
        or "couldn't connect" in low
        or "connection" in low
    ):
        return HubUnreachableError(
            f"'{source.location}' is not in the local cache and the Hugging Face Hub cannot be reached. "
            f"Connect to the internet, or use the embedded {config.settings().default_model}."
        )
    if "trust_remote_code" in text or "does not recognize this architecture" in text:
        return RemoteCodeError(
            f"'{source.location}' needs Python code from its repository (or a newer transformers). The playground "
            "does not run such code"
            + (
                " on a Space."
                if config.ON_SPACE
                else "; set PLAYGROUND_TRUST_REMOTE_CODE=1 to allow it on your own machine if you trust the repo."
            )
        )
    if "Unrecognized configuration class" in text:
        return NotCausalLMError(
            f"'{source.location}' is not a causal language model, so it cannot predict next tokens."
        )
    first = str(exc).splitlines()[0] if str(exc) else ""
    return ModelLoadError(f"Could not load '{source.name}': {type(exc).__name__}: {first}")
