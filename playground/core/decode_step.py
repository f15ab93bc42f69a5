"""The forward passes behind concurrent replies: a padded batch of rows and its decode step, and the serial path.

`PaddedBatch` holds the replies that decode together: one DynamicCache whose batch rows are replies, each
left-padded to a common length, and a (B, L) mask of real tokens. `_step()` feeds one token per row through
ONE forward pass; `_join`, `_park` and `_keep_rows` move rows in and out (cutting padding no row needs any
more). `SerialSlot` is a reply on a model that cannot share a batch (`batchable`). Every forward pass takes
its turn at `TURNS`, and `limit_openmp_threads` sets the calling thread's OpenMP threads.

Not here: the scheduler thread that decides when to step, who is late and who waits (playground.core.batching,
whose docstring has the design and the numbers), or choosing tokens (playground.core.generate).
"""

from __future__ import annotations

import threading
from typing import Any, Generic, Protocol, TypeVar


def limit_openmp_threads(n: int) -> None:
    """omp_set_num_threads for the calling thread only (torch.set_num_threads would change every thread)."""
    import ctypes
    import os

    import torch

    lib = os.path.join(os.path.dirname(torch.__file__), "lib", "libgomp.so.1")
    try:
        ctypes.CDLL(lib if os.path.exists(lib) else "libgomp.so.1").omp_set_num_threads(int(n))
    except (OSError, AttributeError):  # another OpenMP runtime (macOS, Windows): leave the default
        pass


class _Turns:
    """A first-come, first-served lock: forward passes of different models (or serial replies) take turns.

    On a 2-core CPU two forward passes at once only fight over the cores (each wants both); a plain Lock
    would let the thread that just released it win again and starve the others.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0  # the ticket the next arrival draws
        self._serving = 0  # the ticket whose holder may run

    def __enter__(self) -> None:
        with self._cond:
            ticket = self._next
            self._next += 1
            while ticket != self._serving:
                self._cond.wait()

    def __exit__(self, *exc: Any) -> None:
        with self._cond:
            self._serving += 1
            self._cond.notify_all()


TURNS = _Turns()


def last_logits(out: Any) -> Any:
    import torch

    return out.logits[:, -1].to(dtype=torch.float32, device="cpu")  # (B, vocab)


class SerialSlot:
    """One reply's own cache and forward passes (models that cannot share a padded batch)."""

    def __init__(self, lm: Any, input_ids: list[int]) -> None:
        from transformers import DynamicCache

        self.lm, self.input_ids = lm, list(input_ids)
        self.cache: DynamicCache | None = DynamicCache(config=lm.model.config)

    def logits(self, token: int | None) -> Any:
        import torch

        lm = self.lm
        ids = self.input_ids if token is None else [token]
        x = torch.tensor([ids], dtype=torch.long, device=lm.input_device)  # (1, T)
        # The model lock keeps other tabs' hooks off our forward passes (and ours off theirs); it is taken
        # per token, so a long reply never blocks another tab for longer than one step.
        with TURNS, lm.lock, torch.inference_mode():
            out = lm.model(input_ids=x, past_key_values=self.cache, use_cache=True, logits_to_keep=1)
        return last_logits(out)

    def close(self) -> None:
        self.cache = None


def batchable(model: Any) -> bool:
    """True when every layer of the model's DynamicCache is a plain full-attention layer and no layer's
    arithmetic mixes rows: dynamic int8 (playground.quantize) quantizes each layer's input with one scale
    for the whole tensor, so in a batch one chat's reply would depend on the others' (measured: of two
    10-token greedy int8 replies decoded together, one differed from `model.generate`). Quantized models run
    serially."""
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer

    if getattr(model, "hf_quantizer", None) is not None or any(
        type(m).__module__.startswith("torch.ao.nn.quantized") for m in model.modules()
    ):
        return False
    layers = DynamicCache(config=model.config).layers  # empty when the config does not say (then: serial)
    return bool(layers) and all(type(layer) is DynamicLayer for layer in layers)


class Row(Protocol):
    """What a batch keeps of each reply (playground.core.batching.Slot)."""

    token: int | None  # the token to feed at the next decode step
    cache: Any  # its own one-row DynamicCache while outside the batch
    mask: Any  # (1, L) 1 where that cache holds a real token
    pos: int  # position id of its next token (its real tokens so far)


R = TypeVar("R", bound=Row)


class PaddedBatch(Generic[R]):
    """Rows decoding together on one model. Touched by one thread only (the scheduler's)."""

    def __init__(self, lm: Any) -> None:
        self.lm = lm
        self.rows: list[R] = []
        self.cache: Any = None  # DynamicCache, per layer keys/values (B, kv_heads, L, head_dim)
        self.mask: Any = None  # (B, L) long
        self.parked = 0  # rows moved out of the batch because their caller was late

    def _step(self) -> Any:
        """ONE forward pass for every row: each feeds the token its caller chose; (B, vocab) float32 logits.

        Rows of different lengths get the (B, L+1) mask and their own position ids; a batch with no padding
        runs the plain unmasked pass (a lone reply's)."""
        import torch

        lm = self.lm
        tokens = torch.tensor([[s.token] for s in self.rows], dtype=torch.long, device=lm.input_device)  # (B, 1)
        mask = torch.cat([self.mask, self.mask.new_ones(len(self.rows), 1)], dim=1)  # (B, L+1)
        kwargs: dict[str, Any] = {}
        if not bool(mask.all()):
            # Rows of different lengths: the mask hides the left padding, positions count real tokens only.
            pos = torch.tensor([[s.pos] for s in self.rows], dtype=torch.long)  # (B, 1)
            kwargs = {"attention_mask": mask.to(lm.input_device), "position_ids": pos.to(lm.input_device)}
        with TURNS, lm.lock, torch.inference_mode():  # an error here ends every row's reply (the scheduler's _fail)
            out = lm.model(input_ids=tokens, past_key_values=self.cache, use_cache=True, logits_to_keep=1, **kwargs)
        logits = last_logits(out)  # (B, vocab)
        self.mask = mask
        for s in self.rows:
            s.pos += 1
        return logits

    def _keep_rows(self, keep: list[int]) -> None:
        """Keep these rows (indices into self.rows), then cut columns no remaining row uses."""
        import torch

        if not keep:
            self.rows, self.cache, self.mask = [], None, None
            return
        idx = torch.tensor(keep, dtype=torch.long)
        self.rows = [self.rows[i] for i in keep]
        self.mask = self.mask[idx]
        cols = self.mask.any(dim=0).nonzero().flatten()  # columns still holding a real token of some row
        for layer in self.cache.layers:
            layer.keys = layer.keys[idx.to(layer.keys.device)][:, :, cols.to(layer.keys.device)]
            layer.values = layer.values[idx.to(layer.values.device)][:, :, cols.to(layer.values.device)]
        self.mask = self.mask[:, cols]

    def _park(self, slots: list[R]) -> None:
        """Move these rows' caches out of the batch, each trimmed to its real tokens."""
        from transformers import DynamicCache

        if len(self.rows) == 1 and bool(self.mask.all()):  # the only row: hand its cache over as it is
            self.parked += 1
            s = self.rows[0]
            s.cache, s.mask = self.cache, self.mask
            self.rows, self.cache, self.mask = [], None, None
            return
        self.parked += len(slots)
        for s in slots:
            i = self.rows.index(s)
            cols = self.mask[i].nonzero().flatten()
            own = DynamicCache(config=self.lm.model.config)
            for mine, layer in zip(own.layers, self.cache.layers):
                c = cols.to(layer.keys.device)
                _set(mine, layer.keys[i : i + 1, :, c], layer.values[i : i + 1, :, c])
            s.cache, s.mask = own, self.mask[i : i + 1, cols]
        self._keep_rows([i for i, s in enumerate(self.rows) if s not in slots])

    def _join(self, slots: list[R]) -> None:
        """Append these slots' own caches as new rows, left-padding every part to one common length."""
        import torch
        from transformers import DynamicCache

        parts: list[tuple[Any, Any]] = ([(self.cache, self.mask)] if self.rows else []) + [
            (s.cache, s.mask) for s in slots
        ]
        if len(parts) == 1:  # a lone newcomer: its cache becomes the batch as it is
            self.cache, self.mask, self.rows = slots[0].cache, slots[0].mask, list(slots)
            slots[0].cache = slots[0].mask = None
            return
        length = max(m.shape[1] for _, m in parts)

        def pad(t: Any, n: int, dim: int) -> Any:  # n zeros on the left of dimension dim
            if n == 0:
                return t
            shape = list(t.shape)
            shape[dim] = n
            return torch.cat([t.new_zeros(shape), t], dim=dim)

        merged = DynamicCache(config=self.lm.model.config)
        for j, layer in enumerate(merged.layers):
            keys = [pad(c.layers[j].keys, length - m.shape[1], 2) for c, m in parts]
            values = [pad(c.layers[j].values, length - m.shape[1], 2) for c, m in parts]
            _set(layer, torch.cat(keys, dim=0), torch.cat(values, dim=0))
        self.mask = torch.cat([pad(m, length - m.shape[1], 1) for _, m in parts], dim=0)  # (B, L)
        self.cache = merged
        self.rows = self.rows + slots
        for s in slots:
            s.cache = s.mask = None


def _set(layer: Any, keys: Any, values: Any) -> None:
    """Fill a fresh DynamicLayer with these (B, kv_heads, L, head_dim) tensors."""
    layer.lazy_initialization(keys, values)
    layer.keys, layer.values = keys, values
