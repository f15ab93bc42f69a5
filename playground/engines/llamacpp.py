"""The llama.cpp engine: Chat replies from a GGUF file through llama-cpp-python, streamed, seeded, stoppable,
with the top alternatives of every token for the confidence view.

`LlamaReply(path, input_ids, sampling)` iterates core.generate.Step objects, as the transformers engine does.
The prompt ids come from the app's own template rendering (core.chat, the transformers tokenizer): both engines
see the same tokens by construction; `gguf_prompt_ids()` renders the conversation the way llama.cpp itself would
(the template in the GGUF file, its tokenizer) so that a test can show the two agree token for token.

Why a loop over `Llama.eval` and a llama.cpp sampler chain instead of `create_chat_completion(logprobs=True)`:
that path builds a log-softmax over the whole vocabulary and Python lists for every token (174 -> 40 tokens/s
here). The logits of each step are already in llama.cpp's buffer: one numpy view, one partial sort for the top
k and one log-sum-exp cost ~0.2 ms against the ~5 ms of a decode step. The sampler chain follows transformers'
order (repetition penalty over prompt and reply, temperature, top-k, top-p), seeded by the reply's seed.

Instances: one `Llama` per (file, threads), reused while it is free (a context holds one conversation at a time);
at most limits.max_llamacpp_models at once, the least recently used idle one closed to make room; a request that
finds every instance busy waits its turn. A new prompt reuses the KV cache of the longest prefix it shares with
that instance's previous one (the next turn of a chat decodes only the new messages).

Not here: templates and trimming (playground.core.chat), the page (playground.tabs.chat_engine).
"""

from __future__ import annotations

import codecs
import ctypes
import importlib
import math
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from playground import config
from playground.core.generate import Step
from playground.engines.decoding import Decoding, top_log_softmax
from playground.errors import InputError

Llama = Any  # llama_cpp.Llama: imported when first used (an optional install, typed loosely so that mypy runs
# without it)


def _module(name: str = "llama_cpp") -> Any:
    """llama_cpp (or one of its modules), imported on first use: its import loads the native library."""
    return importlib.import_module(name)


def n_ctx() -> int:
    """Context of an instance: the longest prompt Chat sends plus the longest reply."""
    limits = config.settings().limits
    return limits.max_input_tokens + limits.max_new_tokens


class _Pool:
    """Llama instances keyed by (file, threads): idle ones are reused, at most `size` exist at once."""

    def __init__(self) -> None:
        self._idle: OrderedDict[tuple[str, int], list[Llama]] = OrderedDict()  # least recently used first
        self._count = 0
        self._cond = threading.Condition()

    def _make(self, path: str, threads: int) -> Llama:
        try:
            return _module().Llama(
                model_path=path, n_ctx=n_ctx(), n_threads=threads, n_threads_batch=threads, verbose=False
            )
        except ValueError as exc:  # llama-cpp-python's word for a file it cannot read
            raise InputError(f"llama.cpp cannot load {path}: {exc}") from exc

    def _evict_one(self) -> bool:
        for key, idle in self._idle.items():
            if idle:
                idle.pop(0).close()
                self._count -= 1
                if not idle:
                    del self._idle[key]
                return True
        return False

    @contextmanager
    def use(self, path: str, threads: int) -> Iterator[Llama]:
        key = (path, threads)
        with self._cond:
            while True:
                if self._idle.get(key):
                    llm = self._idle[key].pop()
                    break
                if self._count < max(1, config.settings().limits.max_llamacpp_models) or self._evict_one():
                    self._count += 1
                    try:
                        llm = self._make(path, threads)
                    except BaseException:
                        self._count -= 1
                        raise
                    break
                self._cond.wait()
        try:
            yield llm
        finally:
            with self._cond:
                self._idle.setdefault(key, []).append(llm)
                self._idle.move_to_end(key)
                self._cond.notify_all()

    def close_all(self) -> None:
        with self._cond:
            while self._evict_one():
                pass


POOL = _Pool()


def _sampler(llm: Llama, reply: LlamaReply) -> Any:
    """A llama.cpp sampler chain in transformers' order: penalty, temperature, top-k, top-p, then a draw."""
    s, chain = reply.sampling, _module("llama_cpp._internals").LlamaSampler()
    if s.repetition_penalty != 1.0:
        chain.add_penalties(llm.n_vocab(), llm.n_ctx(), s.repetition_penalty, 0.0, 0.0)  # over the whole context
    if s.is_greedy:
        chain.add_greedy()
        return chain
    chain.add_temp(s.temperature)
    if s.top_k > 0:
        chain.add_top_k(s.top_k)
    if s.top_p < 1.0:
        chain.add_top_p(s.top_p, 1)
    chain.add_dist(int(reply.seed or 0))
    return chain


@dataclass
class LlamaReply(Decoding):
    """One reply of the llama.cpp engine: an iterator of Steps (see playground.core.generate.Step)."""

    path: str = ""
    input_ids: list[int] = field(default_factory=list)
    threads: int = config.LLAMACPP_THREADS

    def __post_init__(self) -> None:
        if not self.input_ids:
            raise InputError("The prompt is empty: there is nothing to continue.")
        if not self.sampling.is_greedy:
            self.seed = self.sampling.seed if self.sampling.seed is not None else random.randrange(2**31 - 1)

    def __iter__(self) -> Iterator[Step]:
        with POOL.use(self.path, self.threads) as llm:
            yield from self._steps(llm)

    def _steps(self, llm: Llama) -> Iterator[Step]:
        import numpy as np

        C = _module("llama_cpp.llama_cpp")  # the C functions

        t0 = time.perf_counter()
        ids, vocab, n_vocab = self.input_ids, llm._model.vocab, llm.n_vocab()
        if len(ids) + self.sampling.max_new_tokens > llm.n_ctx():
            raise InputError(f"{len(ids)} prompt tokens leave no room for the reply in a {llm.n_ctx()}-token context.")
        chain = _sampler(llm, self)
        for token in ids:  # the penalty counts the prompt's tokens, as transformers' does
            chain.accept(token)
        # Reuse the cached prefix; keep at least one prompt token to decode, whose logits start the reply.
        same = 0
        for a, b in zip(llm.input_ids[: llm.n_tokens].tolist(), ids[:-1]):
            if a != b:
                break
            same += 1
        llm.n_tokens = same  # eval() drops the cache from here on
        llm.eval(ids[same:])
        utf8 = codecs.getincrementaldecoder("utf-8")("replace")  # a character split over byte tokens waits
        piece_buf = ctypes.create_string_buffer(64)
        scratch = np.empty(n_vocab, dtype=np.float32)
        for _ in range(self.sampling.max_new_tokens):
            if self.stop is not None and self.stop.is_set():
                self.finish_reason = "stopped"
                break
            row = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(n_vocab,))  # (n_vocab,) a view
            top, lse = top_log_softmax(row, self.top_n, scratch)
            nxt = int(chain.sample(llm._ctx, -1))  # the chain accepts its own pick (the penalty's history)
            is_eos = bool(C.llama_vocab_is_eog(vocab, nxt))
            piece = ""
            if not is_eos:
                n = C.llama_token_to_piece(vocab, nxt, piece_buf, len(piece_buf), 0, True)
                piece = utf8.decode(piece_buf.raw[: max(n, 0)])
            self.text += piece
            prob = math.exp(float(row[nxt]) - lse)
            top_p = tuple(math.exp(float(row[j]) - lse) for j in top)
            # sampled_prob: llama.cpp keeps the filtered distribution to itself; greedy picks with certainty.
            sampled = 1.0 if self.sampling.is_greedy else prob
            yield self._record(nxt, piece, prob, sampled, tuple(int(j) for j in top), top_p, t0)
            if is_eos:
                self.finish_reason = "eos"
                break
            llm.eval([nxt])
        else:
            self.finish_reason = "length"
        self.text += utf8.decode(b"", final=True)
        self.seconds = time.perf_counter() - t0


def gguf_prompt_ids(path: str, messages: list[dict[str, str]]) -> tuple[str, list[int]]:
    """The prompt llama.cpp itself would build for `messages`: the GGUF file's chat template rendered by
    llama-cpp-python's Jinja2ChatFormatter, tokenized by llama.cpp (special tokens parsed), as
    create_chat_completion does with chat_format="chat_template.default". Returns (text, ids)."""
    llama_chat_format = _module("llama_cpp.llama_chat_format")
    with POOL.use(path, config.LLAMACPP_THREADS) as llm:
        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise InputError(f"{path} has no chat template in its metadata.")
        eos, bos = llm.token_eos(), llm.token_bos()
        formatter = llama_chat_format.Jinja2ChatFormatter(
            template=template,
            eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
            bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
        )
        result = formatter(messages=messages)
        ids = llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)
        return result.prompt, ids
