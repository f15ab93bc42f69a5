"""Domain errors. The core raises these with a message meant for people; the tab layer shows it.

Every message names the offending value. None of them ever contains a token or a traceback.
"""

from __future__ import annotations


class PlaygroundError(ValueError):
    """A request the playground cannot serve, with a message for the user."""


class InputError(PlaygroundError):
    """Bad input: empty text, a number out of range, text over a cap."""


class ModelLoadError(PlaygroundError):
    """A model could not be loaded. The previously loaded model keeps working."""


class UnknownModelError(ModelLoadError, KeyError):
    """The name is neither a catalog model, a Hub id, a local folder nor a .gguf file."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class GatedModelError(ModelLoadError):
    """The Hub repo needs an accepted licence and a token."""


class HubUnreachableError(ModelLoadError):
    """The Hub cannot be reached and the model is not in the local cache."""


class NotCausalLMError(ModelLoadError):
    """The model exists but is not a causal (decoder-only) language model."""


class RemoteCodeError(ModelLoadError):
    """The model needs code from its repo, which the playground refuses unless allowed."""


class LoaderBusyError(ModelLoadError):
    """Every model slot is pinned by a running request, so nothing can be dropped to load another."""


class NotEnoughMemoryError(ModelLoadError):
    """The model cannot fit in what this machine has free (RAM, GPU memory or disk), judged from its
    config before anything is downloaded or read. Carries the numbers so the tab layer can word them."""

    def __init__(
        self, message: str, *, pool: str = "ram", need: int = 0, free: int = 0, option: str | None = None
    ) -> None:
        super().__init__(message)
        self.pool = pool  # "ram", "gpu" (CUDA or MPS memory) or "disk"
        self.need = need  # bytes the load needs in that pool
        self.free = free  # bytes it can have there: free now + evictable models - the kept margin
        self.option = option  # the cheapest change that would fit, in words, or None


class ModelNotAllowedError(ModelLoadError):
    """Hosted mode (a Space or PLAYGROUND_HOSTED=1) loads catalog models only, unless PLAYGROUND_ALLOW_ANY_MODEL=1."""
