"""Concurrent replies on one loaded model decode together: one batched forward pass per decode step.

`open_slot(lm, prompt_ids)` gives a reply its place on the model. `slot.logits(token)` feeds the token
chosen at the previous step (None the first time: the prompt) and blocks until the next-token logits of
that reply, (1, vocab) float32 on the CPU, are back; `slot.close()` leaves. Everything about choosing a
token (logits processors, the reply's own torch.Generator, confidences, text) stays with the caller
(playground.core.generate), so each reply keeps its own sampling settings, seed and stop.

How (one scheduler thread per `LoadedModel`, started when a reply asks and gone when none has asked for
a while; it is kept on the LoadedModel object itself, so two variants of one model never share a batch):
- a newcomer's prompt runs alone, one prefill at a time, exactly as a lone reply's (batch 1, no mask), so
  its first token is the one `model.generate` gives;
- its single-row DynamicCache then joins the batch at the next decode step: the shorter of the two
  caches is left-padded with zeros to a common length, and a (B, L) attention mask marks the padding;
  from then on every row gets explicit position ids (its own count of real tokens);
- a decode step feeds one token per row through ONE forward pass. The scheduler waits until every row's
  caller has asked again (a thread that consumes a reply comes back within a millisecond), at most
  GRACE_S; a row whose caller is late, or cannot come (its thread is waiting here for another reply, as
  Chat compare steps two replies in one thread), has its cache parked out of the batch until it asks again;
- a stopped, finished or abandoned reply (close) leaves before the next step: its row is dropped and
  columns that no remaining row uses (left padding) are cut away, so a reply left alone runs the
  same unmasked forward pass as before it had company.

Why not transformers' own continuous batching (5.23: `generate_batch`, `init_continuous_batching`,
ContinuousBatchingManager with paged caches): read in generation/continuous_batching/, it does not give
what the Chat tab needs. `ModelRunner._sample` draws with `torch.multinomial(probs)` on the global random
stream (no per-request torch.Generator, so a seeded chat is not reproducible next to others); `do_sample`
is one setting for the whole manager (a greedy and a sampled chat cannot share it); it returns at most the
chosen token's log-probability (no top-5 alternatives from the logits); its per-request logits processors
see only the last token of each row (`batch_data["input_ids"][0, logits_indices]`), so a repetition
penalty over the reply is not possible. (Its paged attention and static tensors aim at CUDA graphs; its
CPU speed was not measured, as the points above already rule it out.)
A padded DynamicCache batch keeps the model's own forward pass and `model.generate`'s numerics.

Numbers (SmolLM2-135M float32, this 2-core host, shared with other work; benchmarks/bench_batching.py):
one raw decode step over a 200-token cache at batch 1 / 4 / 8 took 41 / 62 / 78 ms with 1 OpenMP
thread and 41 / 76 / 84 ms with 2 (in a busier moment: 40 / 60 / 77 against 223 / 63 / 576 ms, as two
threads wait at ~600 barriers per step for a core that is not free). So the scheduler thread keeps 1
thread at every batch size (BATCH_THREADS), which also leaves a core to the web server. Through this
module, 128 new tokens per greedy chat, consumed as the Chat tab does: one chat alone 23.8 tokens/s
(1.08x bare `model.generate`, 22.0), 4 chats at once 57.7 in all (2.4x), 8 chats 90.0 (3.8x); a tokenize
call in the same process while 8 chats stream: p95 0.5 ms.

Greedy replies: a lone reply is the same computation as `model.generate(do_sample=False)` (same tokens).
In a batch, float32 matrix products over several rows may sum in another order than over one, so where
two candidates are within ~1e-5 of each other the argmax can flip (tests/core/test_batching.py checks the
margin whenever that happens).

The padded batch itself (its cache, mask and decode step, how rows join and leave), the serial path and the
turns of forward passes are in playground.core.decode_step; this module is the scheduler, and names those
for its callers. Not here: sampling, confidences, text (playground.core.generate). Models whose cache is not a plain
full-attention DynamicCache (sliding-window or hybrid layers: Gemma 3, Qwen2 with a window, Mistral),
and quantized models (dynamic int8 scales each layer's input over the whole batch; see `batchable`),
take the serial path: one forward pass per reply, replies taking turns (`SerialSlot`).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from playground.core.decode_step import TURNS, PaddedBatch, SerialSlot, batchable, last_logits, limit_openmp_threads

__all__ = [
    "BATCH_THREADS",
    "GRACE_S",
    "IDLE_EXIT_S",
    "PREFILL_THREADS",
    "TURNS",
    "Batcher",
    "SerialSlot",
    "Slot",
    "batchable",
    "batcher_of",
    "limit_openmp_threads",
    "open_slot",
]

GRACE_S = 0.05  # how long a decode step waits for a row whose caller has not asked again yet (a thread
# consuming a reply is back in ~1 ms, but on a loaded host the OS may not run it for tens of ms)
IDLE_EXIT_S = 2.0  # the scheduler thread ends when no reply has asked for this long (it restarts on demand)
BATCH_THREADS = 1  # OpenMP threads of the scheduler thread, at every batch size (see the module docstring)
PREFILL_THREADS = 1  # and of a prefill: a core stays free for the web server (as a lone reply always did)


class Slot:
    """One reply's place in a Batcher. Only its caller's thread calls `logits` and `close`."""

    def __init__(self, batcher: Batcher, input_ids: list[int]) -> None:
        self.batcher = batcher
        self.input_ids = list(input_ids)
        # guarded by batcher.cond
        self.token: int | None = None  # the token to feed at the next decode step
        self.ready = False  # the caller waits for logits
        self.out: Any = None  # logits handed back, (1, vocab)
        self.error: BaseException | None = None
        self.closed = False
        # touched by the scheduler thread only
        self.prefilled = False
        self.cache: Any = None  # its own one-row DynamicCache while outside the batch
        self.mask: Any = None  # (1, L) 1 where the cache holds a real token
        self.pos = 0  # position id of its next token (its real tokens so far)
        self.owner = 0  # the thread that last asked for logits
        self.answered = threading.Condition(batcher.lock)  # its caller waits on this one only

    def logits(self, token: int | None) -> Any:
        b = self.batcher
        with b.cond:
            if self.error is not None:
                raise self.error
            self.token, self.ready, self.out, self.owner = token, True, None, threading.get_ident()
            b.wake()
            while self.out is None and self.error is None:
                self.answered.wait()
            if self.error is not None:
                raise self.error
            out, self.out = self.out, None
            return out

    def close(self) -> None:
        b = self.batcher
        with b.cond:
            if self.closed:
                return
            self.closed, self.ready = True, False
            b.slots.remove(self)
            if self in b.rows:
                b.wake()  # the scheduler drops the row (and then ends if nothing else asks)


class Batcher(PaddedBatch[Slot]):
    """The decode scheduler of one LoadedModel: a padded batch of rows and the thread that steps it."""

    def __init__(self, lm: Any) -> None:
        super().__init__(lm)  # the batch: rows, cache, mask (touched by the scheduler thread only)
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)  # the scheduler waits on this one; each slot on its own
        self.slots: list[Slot] = []  # open slots
        self.thread: threading.Thread | None = None
        # counters for tests and benchmarks
        self.prefills = 0
        self.steps = 0
        self.sizes: dict[int, int] = {}  # batch size -> decode steps run at that size

    def open(self, input_ids: list[int]) -> Slot:
        slot = Slot(self, input_ids)
        with self.cond:
            self.slots.append(slot)
        return slot

    def wake(self) -> None:
        """Under cond: make sure the scheduler thread runs and sees the change."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._loop, name="decode-batch", daemon=True)
            self.thread.start()
        self.cond.notify_all()

    # ------------------------------------------------------------------ the scheduler thread

    def _loop(self) -> None:
        limit_openmp_threads(BATCH_THREADS)
        while True:
            with self.cond:
                self._drop_closed()
                idle_until = time.monotonic() + IDLE_EXIT_S
                while not any(s.ready for s in self.slots):
                    left = idle_until - time.monotonic()
                    if (not self.slots and not self.rows) or left <= 0:
                        self.thread = None
                        return
                    self.cond.wait(left)
                    self._drop_closed()
                fresh = next((s for s in self.slots if s.ready and not s.prefilled), None)
                if fresh is not None:
                    fresh.ready = False
                else:
                    # Wait (briefly) for every row's caller to ask for its next token, except callers that
                    # cannot: a thread already waiting here for another reply (Chat compare steps two in turn).
                    until = time.monotonic() + GRACE_S
                    while time.monotonic() < until:
                        busy = {s.owner for s in self.slots if s.ready}
                        if all(s.ready or s.owner in busy for s in self.rows):
                            break
                        self.cond.wait(max(0.0, until - time.monotonic()))
                        self._drop_closed()
                    ready = [s for s in self.slots if s.ready and s.prefilled]
                    for s in ready:
                        s.ready = False
            if fresh is not None:
                try:
                    self._prefill(fresh)
                except Exception as exc:  # noqa: BLE001 - raised in that reply's thread; the batch is untouched
                    self._deliver([(fresh, None)], error=exc)
            elif ready:
                try:
                    self._decode(ready)
                except Exception as exc:  # noqa: BLE001 - a failed step leaves the batch in an unknown state
                    self._fail(exc, ready)

    def _fail(self, exc: BaseException, waiting: list[Slot]) -> None:
        """End the replies of every row and of these waiting slots with this error; start an empty batch."""
        with self.cond:
            for s in set(self.rows) | set(waiting):
                s.prefilled, s.cache, s.mask, s.error = False, None, None, exc
                s.answered.notify()
            self.rows, self.cache, self.mask = [], None, None

    def _deliver(self, answers: list[tuple[Slot, Any]], error: BaseException | None = None) -> None:
        """Hand each slot its logits (or the error), waking only its own caller."""
        with self.cond:
            for slot, logits in answers:
                slot.out, slot.error = logits, error
                slot.answered.notify()

    def _prefill(self, slot: Slot) -> None:
        import torch
        from transformers import DynamicCache

        lm = self.lm
        x = torch.tensor([slot.input_ids], dtype=torch.long, device=lm.input_device)  # (1, T)
        cache = DynamicCache(config=lm.model.config)
        try:
            limit_openmp_threads(PREFILL_THREADS)
            with TURNS, lm.lock, torch.inference_mode():
                out = lm.model(input_ids=x, past_key_values=cache, use_cache=True, logits_to_keep=1)
            logits = last_logits(out)
        finally:
            limit_openmp_threads(BATCH_THREADS)
        slot.cache, slot.mask, slot.pos, slot.prefilled = (
            cache,
            torch.ones(1, x.shape[1], dtype=torch.long),
            x.shape[1],
            True,
        )
        self.prefills += 1
        self._deliver([(slot, logits)])

    def _decode(self, ready: list[Slot]) -> None:
        late = [s for s in self.rows if s not in ready]
        if late:
            self._park(late)
        joining = [s for s in ready if s not in self.rows]
        if joining:
            self._join(joining)
        logits = self._step()  # (B, vocab)
        self.steps += 1
        self.sizes[len(self.rows)] = self.sizes.get(len(self.rows), 0) + 1
        self._deliver([(s, logits[i : i + 1]) for i, s in enumerate(self.rows)])

    def _drop_closed(self) -> None:
        keep = [i for i, s in enumerate(self.rows) if not s.closed]
        if len(keep) < len(self.rows):
            self._keep_rows(keep)


_MADE = threading.Lock()


def open_slot(lm: Any, input_ids: list[int]) -> Any:
    """A reply's place on this loaded model: batched with other replies when the model allows it."""
    batcher: Batcher | bool | None = getattr(lm, "_batcher", None)
    if batcher is None:
        with _MADE:
            batcher = getattr(lm, "_batcher", None)
            if batcher is None:
                batcher = Batcher(lm) if batchable(lm.model) else False
                lm._batcher = batcher  # on the object itself: each loaded variant has its own batch
    return batcher.open(input_ids) if isinstance(batcher, Batcher) else SerialSlot(lm, input_ids)


def batcher_of(lm: Any) -> Batcher | None:
    """The scheduler of this loaded model, if a reply has used one (for tests and benchmarks)."""
    return getattr(lm, "_batcher", None) or None
