"""The served engine: Chat replies from an OpenAI-compatible server (vLLM, TGI, llama.cpp's server, LM Studio,
Ollama), streamed from /v1/chat/completions (or, for a prompt rendered here with the homemade or none template,
/v1/completions), with per-token logprobs where the server gives them.

`server_for(name)` turns the page's server choice into a config.Server: a name from the settings (spaces.yaml
`servers`, PLAYGROUND_SERVERS), or, off a hosted instance only, a URL typed by the user (a hosted instance would
otherwise let visitors make it call any address). `ServedReply(server, model, messages, sampling)` iterates
core.generate.Step objects as the other engines do; a token's alternatives come from the server's top_logprobs.
The API key is read from the environment variable the settings name and is sent, never shown or logged.

Failures become ServedError with a message that says what to check: nothing answering at the URL, a path that is
not an OpenAI API, a model the server does not serve (checked against /v1/models: some servers silently answer
with another model), a refused key, silence longer than limits.served_timeout_s, a connection that closes in the
middle of a reply. The app keeps serving; the partial reply stays on the page.

Not here: the prompt view (rendered locally by playground.core.chat when the model's tokenizer is available).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from playground import config
from playground.core.generate import Step
from playground.engines.decoding import Decoding
from playground.errors import InputError, PlaygroundError

if TYPE_CHECKING:
    import httpx


class ServedError(PlaygroundError):
    """The server could not give the reply; the message says what to check."""


def server_for(name: str | None) -> config.Server:
    """A configured server by name, or (off a hosted instance) a URL as an ad-hoc server."""
    servers = config.settings().servers
    wanted = (name or "").strip()
    for s in servers:
        if wanted in (s.name, s.url) or (not wanted and s is servers[0]):
            return s
    if wanted.startswith(("http://", "https://")):
        if config.HOSTED:
            raise InputError(
                "This shared instance talks only to the servers in its settings"
                + (f": {', '.join(s.name for s in servers)}." if servers else " (none are set).")
            )
        return config.Server(name=wanted, url=wanted)
    known = ", ".join(s.name for s in servers) or "none are set in spaces.yaml `servers`"
    raise InputError(f"Unknown server {wanted!r}. Known servers: {known}; or a URL such as http://127.0.0.1:8000/v1.")


def _client(server: config.Server, timeout: float) -> httpx.Client:
    import httpx

    key = os.environ.get(server.key_env) if server.key_env else None
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=server.url.rstrip("/"), headers=headers, timeout=httpx.Timeout(timeout))


def _refusal(server: config.Server, response: httpx.Response, model: str) -> ServedError:
    """An HTTP error answer -> what to check, with the server's own message (never the request's headers)."""
    try:
        detail = response.json()
        detail = (detail.get("error") or {}).get("message") or detail.get("detail") or detail
    except (ValueError, AttributeError):
        detail = response.text[:300]
    where, code = server.url, response.status_code
    if code in (401, 403):
        hint = f"set its key in ${server.key_env}" if server.key_env else "this server needs an API key (key_env)"
        return ServedError(f"The server at {where} refused the request (HTTP {code}): {hint}.")
    if code == 404 and "model" not in str(detail).lower():
        return ServedError(
            f"The server at {where} has no {response.request.url.path} (HTTP 404): is it an OpenAI-compatible "
            "server, and does the URL end in /v1?"
        )
    return ServedError(f"The server at {where} refused {model!r} (HTTP {code}): {str(detail)[:300]}")


def served_models(server: config.Server, timeout: float | None = None) -> list[str]:
    """The model names the server lists at /v1/models."""
    import httpx

    timeout = timeout or config.settings().limits.served_timeout_s
    try:
        with _client(server, timeout) as client:
            r = client.get("/models")
    except httpx.TimeoutException as exc:
        raise ServedError(f"The server at {server.url} sent nothing for {timeout:g} s: it may be overloaded.") from exc
    except httpx.HTTPError as exc:
        raise ServedError(
            f"Nothing answers at {server.url} ({type(exc).__name__}): is the server running, is the URL right?"
        ) from exc
    if r.status_code != 200:
        raise _refusal(server, r, "")
    try:
        return [str(m["id"]) for m in r.json().get("data", [])]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ServedError(f"{server.url}/models is not an OpenAI model list: is the URL right?") from exc


def _confidence(item: dict[str, Any]) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    """One entry of a chunk's logprobs.content -> (token, p, ((alternative, p), ...))."""
    alts = tuple((str(a["token"]), math.exp(float(a["logprob"]))) for a in item.get("top_logprobs") or ())
    return str(item.get("token", "")), math.exp(float(item.get("logprob", -math.inf))), alts


def _scored(logprobs: dict[str, Any]) -> list[tuple[str, float, tuple[tuple[str, float], ...]]]:
    """A chunk's logprobs -> [(token, p, alternatives)]: chat's {content: [...]} or completions' older
    {tokens, token_logprobs, top_logprobs: [{token: logprob}]}."""
    if "content" in logprobs:
        return [_confidence(x) for x in logprobs.get("content") or ()]
    rows = zip(logprobs.get("tokens") or (), logprobs.get("token_logprobs") or (), logprobs.get("top_logprobs") or ())
    return [
        (
            str(t),
            math.exp(float(lp)),
            tuple((str(a), math.exp(float(x))) for a, x in sorted((top or {}).items(), key=lambda kv: -kv[1])),
        )
        for t, lp, top in rows
    ]


@dataclass
class ServedReply(Decoding):
    """One reply of a served model: Steps whose token ids are -1 (the server sends text) and whose
    alternatives are (text, p) pairs in `alternatives`. With `messages` it asks /chat/completions (the server
    applies the model's template); with a `prompt` text it asks /completions, which continues the text as it is
    (the homemade and none templates, rendered here)."""

    server: config.Server = field(default_factory=lambda: config.Server("", ""))
    model: str = ""
    messages: list[dict[str, str]] = field(default_factory=list)
    prompt: str = ""  # not empty: the raw prompt for /completions instead of messages
    timeout: float = 0.0  # 0: limits.served_timeout_s
    alternatives: list[tuple[tuple[str, float], ...]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        s = self.sampling
        # /completions takes OpenAI's older logprobs: an integer, the number of alternatives per token.
        asked = {"prompt": self.prompt, "logprobs": self.top_n} if self.prompt else {"messages": self.messages}
        out: dict[str, Any] = {
            "model": self.model,
            **asked,
            "stream": True,
            "max_tokens": s.max_new_tokens,
            "temperature": 0.0 if s.is_greedy else s.temperature,
            # Names vLLM and llama.cpp's server read beside OpenAI's (others ignore them): without them a
            # llama.cpp server would add its own defaults (repeat_penalty 1.1, top_k 40, min_p 0.05).
            "repetition_penalty": s.repetition_penalty,
            "repeat_penalty": s.repetition_penalty,
            "min_p": 0.0,
        }
        if not self.prompt:
            out.update(logprobs=True, top_logprobs=self.top_n)
        if not s.is_greedy:
            out.update(top_p=s.top_p, top_k=s.top_k, seed=self.seed)
        return out

    @property
    def path(self) -> str:
        return "/completions" if self.prompt else "/chat/completions"

    def __iter__(self) -> Iterator[Step]:
        import httpx

        timeout = self.timeout or config.settings().limits.served_timeout_s
        if not self.sampling.is_greedy and self.seed is None:
            self.seed = self.sampling.seed if self.sampling.seed is not None else int.from_bytes(os.urandom(4)) >> 1
        listed = served_models(self.server, timeout)
        self.model = self.model or (listed[0] if listed else "")
        if listed and self.model not in listed:
            raise ServedError(f"The server at {self.server.url} serves {', '.join(listed)}, not {self.model!r}.")
        t0 = time.perf_counter()
        try:
            with _client(self.server, timeout) as client, client.stream("POST", self.path, json=self.body()) as r:
                if r.status_code != 200:
                    r.read()
                    raise _refusal(self.server, r, self.model)
                yield from self._read(r.iter_lines(), t0)
        except httpx.TimeoutException as exc:
            raise ServedError(
                f"The server at {self.server.url} sent nothing for {timeout:g} s after {self.new_tokens} tokens: "
                "it is overloaded or still loading the model. Try again, or ask for fewer tokens."
            ) from exc
        except httpx.HTTPError as exc:
            raise ServedError(
                f"The connection to {self.server.url} broke after {self.new_tokens} tokens "
                f"({type(exc).__name__}): the server stopped or restarted. The part received is kept."
            ) from exc
        self.seconds = time.perf_counter() - t0

    def _read(self, lines: Iterator[str], t0: float) -> Iterator[Step]:
        """Server-sent events -> Steps: one per logprobs entry when the server sends them, else one per chunk."""
        for line in lines:
            if self.stop is not None and self.stop.is_set():
                self.finish_reason = "stopped"
                return
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            choice = (json.loads(data).get("choices") or [{}])[0]
            content = (choice.get("delta") or {}).get("content") or choice.get("text") or ""
            scored = _scored(choice.get("logprobs") or {})
            if not scored and content:
                scored = [(content, math.nan, ())]
            for token, p, alts in scored:
                yield self._step(token if len(scored) > 1 else content or token, p, alts, t0)
            if choice.get("finish_reason"):
                self.finish_reason = {"stop": "eos"}.get(choice["finish_reason"], choice["finish_reason"])
        if self.finish_reason is None:
            raise ServedError(
                f"The server at {self.server.url} ended the reply without saying why after {self.new_tokens} tokens: "
                "it may have stopped. The part received is kept."
            )

    def _step(self, piece: str, p: float, alts: tuple[tuple[str, float], ...], t0: float) -> Step:
        self.text += piece
        self.alternatives.append(alts)
        return self._record(-1, piece, p, p, (), tuple(a for _, a in alts), t0)

    def confidences(self, tokenizer: Any = None) -> list[Any]:
        """TokenConfidence per token from the server's logprobs (token ids from the local tokenizer when one
        token encodes to exactly one id there, else -1); tokens without logprobs are left out."""
        from playground.core.chat import TokenConfidence

        out = []
        for s, alts in zip(self.steps, self.alternatives):
            if math.isnan(s.prob):
                continue
            ids = tokenizer.encode(s.piece, add_special_tokens=False) if tokenizer is not None else []
            top = tuple((a, round(p, 6)) for a, p in alts)
            out.append(TokenConfidence(ids[0] if len(ids) == 1 else -1, s.piece, round(s.prob, 6), top))
        return out
