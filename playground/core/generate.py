"""Token-by-token generation with a KV cache: streamed, stoppable, seedable, with per-step confidences.

`Generation(lm, input_ids, sampling)` is an iterator of `Step`s. It runs the same computation as
`model.generate` (one prefill pass over the prompt, then one token at a time through a `DynamicCache`,
the same logits processors in the same order: playground.core.sampling), so greedy decoding gives the same
tokens as `model.generate(do_sample=False)`, and a seeded sampled reply the same tokens as
`torch.manual_seed(seed); model.generate(do_sample=True, ...)`.

Why a loop of our own instead of `generate` + `TextIteratorStreamer`: the loop only advances when
the consumer asks for the next token, so stopping is real (no background thread keeps decoding after
the user pressed Stop), the probabilities of each step come for free from the logits already
computed (no second forward pass, no `output_scores` held until the end), the seed lives in a private
`torch.Generator` (two chats sampling at once do not share a random stream), and the prefill computes
logits for the last position only (`logits_to_keep=1`) where `generate` computes them for every
prompt position. The forward passes go through playground.core.batching: when several replies run at
once on one loaded model, their decode steps are one batched forward pass; the choice of each token
(processors, seed, confidences) stays here, per reply.

Not here: chat templates, history, or anything about text formatting (playground.core.chat).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from playground.core import batching
from playground.core.sampling import Sampling, check_sampling, processors
from playground.errors import InputError

if TYPE_CHECKING:
    from playground.loader import LoadedModel

__all__ = ["Generation", "Sampling", "Step", "check_sampling", "in_background"]  # Sampling: the decode's settings

TOP_ALTERNATIVES = 5  # alternatives kept per step for the confidence view
# OpenMP threads of a background decode thread. One: at batch 1 a small model's decode is bound by memory
# bandwidth, which one core nearly saturates (SmolLM2-135M on the 2-core host: 1 thread ~12.7 tokens/s,
# 2 threads ~11.8), and two threads spin at ~600 barriers per token, so any other work on the machine (the
# web server, a tokenize request) stalls both. The rest of the process keeps torch's default. (The batched
# forward passes themselves run in the model's scheduler thread: playground.core.batching.BATCH_THREADS.)
DECODE_THREADS = 1


@dataclass(frozen=True)
class Step:
    """One generated token."""

    index: int  # 0 for the first generated token
    token_id: int
    piece: str  # the text this token added to the reply ("" while a multi-byte character is incomplete)
    prob: float  # the model's probability of this token (softmax of the raw logits, temperature 1)
    sampled_prob: float  # its probability under the distribution actually sampled from (after the filters)
    top_ids: tuple[int, ...]  # the most likely tokens at this step under the raw distribution, best first
    top_probs: tuple[float, ...]
    text: str  # the whole reply so far
    seconds: float  # since the generation started (the first step's is the time to first token)


@dataclass
class Generation:
    """An iterator of Steps for one reply. Iterate it (or call `run()`); then read the summary fields.

    `stop`: set it from another thread to end the reply before the next token (finish_reason "stopped").
    Stopping the iteration (a consumer that goes away) also stops the computation: nothing runs ahead.
    """

    lm: LoadedModel
    input_ids: list[int]
    sampling: Sampling
    stop: threading.Event | None = None
    top_n: int = TOP_ALTERNATIVES
    # filled while iterating
    steps: list[Step] = field(default_factory=list)
    token_ids: list[int] = field(default_factory=list)  # generated ids, the final EOS included (as generate returns)
    text: str = ""
    finish_reason: str | None = None  # "eos", "length" or "stopped"
    seed: int | None = None  # the seed actually used (sampling only)
    time_to_first_token: float | None = None
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if not self.input_ids:
            raise InputError("The prompt is empty: there is nothing to continue.")
        if not self.sampling.is_greedy:
            import torch

            self.seed = (
                self.sampling.seed if self.sampling.seed is not None else int(torch.randint(0, 2**31 - 1, (1,)).item())
            )

    @property
    def new_tokens(self) -> int:
        return len(self.token_ids)

    @property
    def tokens_per_second(self) -> float:
        """Decode speed after the first token (the prefill is in the time to first token)."""
        if self.new_tokens < 2 or self.time_to_first_token is None or self.seconds <= self.time_to_first_token:
            return 0.0
        return (self.new_tokens - 1) / (self.seconds - self.time_to_first_token)

    def run(self) -> Generation:
        for _ in self:
            pass
        return self

    def _eos_ids(self) -> set[int]:
        return eos_ids(self.lm)

    def __iter__(self) -> Iterator[Step]:
        slot = batching.open_slot(self.lm, self.input_ids)
        try:
            yield from self._steps(slot)
        finally:
            slot.close()  # a finished, stopped or abandoned reply leaves the batch before its next step

    def _steps(self, slot: Any) -> Iterator[Step]:
        import torch

        s, tok = self.sampling, self.lm.tokenizer
        eos = self._eos_ids()
        procs = processors(s)
        rng = None
        if not s.is_greedy:
            rng = torch.Generator(device="cpu").manual_seed(int(self.seed or 0))  # set in __post_init__
        seq = torch.tensor([self.input_ids], dtype=torch.long)  # (1, T) prompt + reply so far, for the processors
        t0 = time.perf_counter()
        stable = ""  # decoded reply text, up to the last complete character
        for i in range(s.max_new_tokens):
            if self.stop is not None and self.stop.is_set():
                self.finish_reason = "stopped"
                break
            # One forward pass: the prompt the first time, then the last token (with other replies' rows
            # when several decode at once on this model: playground.core.batching).
            logits = slot.logits(self.token_ids[-1] if self.token_ids else None)  # (1, vocab) float32
            scores = procs(seq, logits) if procs else logits  # type: ignore[arg-type]  # seq: a long tensor
            if s.is_greedy:
                nxt = int(scores.argmax(-1))
                sampled_p = 1.0
            else:
                probs = torch.softmax(scores, dim=-1)
                nxt = int(torch.multinomial(probs[0], 1, generator=rng))
                sampled_p = float(probs[0, nxt])
            raw = torch.softmax(logits[0], dim=-1)  # (vocab,) the model's own distribution
            top_p, top_i = raw.topk(self.top_n)
            self.token_ids.append(nxt)
            seq = torch.cat([seq, seq.new_tensor([[nxt]])], dim=1)
            is_eos = nxt in eos
            if not is_eos:
                decoded = str(tok.decode(self.token_ids, skip_special_tokens=False, clean_up_tokenization_spaces=False))
                # A character split over several byte tokens decodes to U+FFFD until its last byte arrives.
                if not decoded.endswith("\ufffd"):
                    stable = decoded
            piece = stable[len(self.text) :] if stable.startswith(self.text) else stable
            self.text = stable
            now = time.perf_counter() - t0
            if self.time_to_first_token is None:
                self.time_to_first_token = now
            self.seconds = now
            step = Step(
                i,
                nxt,
                piece,
                float(raw[nxt]),
                sampled_p,
                tuple(int(j) for j in top_i),
                tuple(float(p) for p in top_p),
                self.text,
                now,
            )
            self.steps.append(step)
            yield step
            if is_eos:
                self.finish_reason = "eos"
                break
        else:
            self.finish_reason = "length"
        body = [t for t in self.token_ids if t not in eos]
        if body:  # a reply cut in the middle of a character keeps its replacement mark
            self.text = str(tok.decode(body, skip_special_tokens=False, clean_up_tokenization_spaces=False))
        self.seconds = time.perf_counter() - t0


def eos_ids(lm: LoadedModel) -> set[int]:
    """The token ids that end a reply (the generation config's and the tokenizer's)."""
    ids: set[int] = set()
    for source in (getattr(lm.model, "generation_config", None), lm.tokenizer):
        eos = getattr(source, "eos_token_id", None)
        if isinstance(eos, int):
            ids.add(eos)
        elif eos:
            ids.update(int(e) for e in eos)
    return ids


_DONE = object()


class Decoder(Protocol):
    """What in_background runs: Steps that a `stop` event ends (a Generation, or another engine's reply)."""

    stop: threading.Event | None

    def __iter__(self) -> Iterator[Step]: ...


def in_background(gen: Decoder) -> Iterator[list[Step]]:
    """Run `gen` in its own thread and yield the steps that arrived since the last yield (never an empty list).

    Decoding then goes on while the consumer sends the previous tokens to a browser, instead of waiting
    for it. Closing this iterator (a cancelled request) sets the generation's stop event: the thread ends
    before computing another token. Errors of the generation are raised here.
    """
    if gen.stop is None:
        gen.stop = threading.Event()
    q: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def work() -> None:
        try:
            batching.limit_openmp_threads(DECODE_THREADS)
            for step in gen:
                q.put(step)
            q.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put(exc)

    threading.Thread(target=work, name="chat-decode", daemon=True).start()
    try:
        while True:
            items = [q.get()]
            while True:
                try:
                    items.append(q.get_nowait())
                except queue.Empty:
                    break
            steps = [i for i in items if isinstance(i, Step)]
            if steps:
                yield steps
            for item in items:
                if isinstance(item, BaseException):
                    raise item
            if items[-1] is _DONE:
                return
    finally:
        gen.stop.set()
