"""One Chat request through the llama.cpp or served engine: the prompt, the reply, its JSON and its Code.

`start(engine, ...)` resolves what the request names (a GGUF file for llama.cpp, a server and a model name for
served), renders the prompt with the app's own templates (core.chat, the transformers tokenizer) and returns an
`EngineRun` whose reply has not started yet. `run_json(run, final)` is the JSON of the reply, with the keys of
the transformers engine's JSON (core.chat_reply.reply_json) plus `engine` and, for a served model, `server`.

Not here: decoding (playground.engines.llamacpp, .served), the page and its words (playground.tabs.chat_engine).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from playground import admission, config
from playground.core import chat
from playground.core.generate import Sampling
from playground.engines.decoding import Decoding
from playground.errors import InputError, PlaygroundError
from playground.loader import get_loader, resolve

log = logging.getLogger(__name__)


@dataclass
class EngineRun:
    engine: str  # "llama.cpp" or "served"
    model: str  # the GGUF model's name, or the served model's name
    prompt: chat.Prompt | None  # None: a served model whose tokenizer is not available here
    reply: Decoding
    tokenizer: Any  # the transformers tokenizer of the prompt view, or None
    server: config.Server | None = None


def _budget(max_new_tokens: int, context: int) -> int:
    return max(1, min(config.settings().limits.max_input_tokens, context - max_new_tokens))


def _local_tokenizer(server: config.Server, model: str) -> Any:
    """The tokenizer that renders a served model's prompt view: the server's `tokenizer` setting, else the
    catalog model of the same name or Hub id; None when there is none (nothing is downloaded for it)."""
    name = server.tokenizer or (model if config.settings().entry(model) is not None else "")
    if not name:
        return None
    try:
        return get_loader().tokenizer(name)
    except PlaygroundError as exc:
        log.info("no local tokenizer for %s: %s", name, exc)
        return None


def start(
    engine: str,
    server: str | None,
    served_model: str | None,
    model: str,
    message: str,
    history: Any,
    system: str,
    mode: str,
    template: str,
    sampling: Sampling,
) -> EngineRun:
    """The prompt and a reply ready to iterate, for `engine` ("llama.cpp" or "served")."""
    if engine == "llama.cpp":
        from playground.engines.llamacpp import LlamaReply, n_ctx

        source = resolve(model)
        if source.kind != "gguf":
            raise InputError(
                f"The llama.cpp engine runs GGUF files; {source.name} is not one here. Pick an embedded model "
                f"({config.settings().default_model}, {config.settings().chinese_model}) or a .gguf file."
            )
        admission.allowed(source)
        tok = get_loader().tokenizer(model)
        fitted = chat.fit_prompt(
            tok, message, history, system, mode, template, _budget(sampling.max_new_tokens, n_ctx())
        )
        return EngineRun(
            engine, source.name, fitted, LlamaReply(sampling, path=source.location, input_ids=fitted.ids), tok
        )
    from playground.engines.served import ServedReply, server_for

    srv = server_for(server)
    name = (served_model or "").strip() or srv.model
    tok = _local_tokenizer(srv, name)
    if tok is None and mode != "official":
        raise InputError(
            f"The {mode} template is rendered here with the model's tokenizer, and there is none for {name!r}: "
            "use mode official (the server applies its own template), or name a catalog model as the server's "
            "tokenizer in its settings."
        )
    prompt: chat.Prompt | None = None
    if tok is not None:
        prompt = chat.fit_prompt(
            tok, message, history, system, mode, template, _budget(sampling.max_new_tokens, 1 << 30)
        )
        messages = prompt.messages
    else:
        sys_msg = [{"role": "system", "content": system.strip()}] if (system or "").strip() else []
        messages = [*sys_msg, *chat.normalize_history(history), {"role": "user", "content": message}]
    # official: the messages, in the server's template; homemade / none: the text rendered here, continued as is.
    raw = prompt.text if prompt is not None and mode != "official" else ""
    reply = ServedReply(sampling, server=srv, model=name, messages=messages, prompt=raw)
    return EngineRun(engine, name, prompt, reply, tok, srv)


def run_json(run: EngineRun, final: bool) -> dict[str, Any]:
    """{engine, model, reply, reasoning, done, new_tokens, ...} while streaming; the last one adds finish_reason,
    raw_reply, seed, timings and `tokens` [{id, text, p, top: [{text, p}]}], as the transformers engine's JSON."""
    gen, prompt = run.reply, run.prompt
    r = chat.split_reasoning(gen.text, opened_by_prompt=bool(prompt and prompt.opens_think))
    out: dict[str, Any] = {
        "engine": run.engine,
        "model": run.model,
        "reply": r.answer,
        "reasoning": r.reasoning,
        "done": final,
        "new_tokens": gen.new_tokens,
        "prompt_tokens": prompt.n_tokens if prompt else None,
        "template_mode": prompt.mode if prompt else "official",
    }
    if run.server is not None:
        out["server"] = run.server.name
    if not final:
        return out
    s = gen.sampling
    kept = prompt or chat.Prompt("official", "", [], [], [], [], {}, False, False)  # none: nothing dropped
    out |= {"finish_reason": gen.finish_reason or "stopped", "raw_reply": gen.text}
    out |= {"dropped_turns": kept.dropped_turns, "notice": kept.notice, "warnings": list(kept.warnings)}
    out |= {"role_tokens": kept.role_counts, "seed": gen.seed}
    out["sampling"] = s.__dict__ | {"seed": gen.seed if not s.is_greedy else s.seed}
    timings = (gen.time_to_first_token or 0.0, 4), (gen.seconds, 4), (gen.tokens_per_second, 2)
    out |= dict(zip(("time_to_first_token_s", "seconds", "tokens_per_second"), (round(*x) for x in timings)))
    alternatives = [[{"text": a, "p": p} for a, p in c.alternatives] for c in gen.confidences(run.tokenizer)]
    out["tokens"] = [
        {"id": c.token_id, "text": c.text, "p": c.prob, "top": top}
        for c, top in zip(gen.confidences(run.tokenizer), alternatives)
    ]
    return out


def code(run: EngineRun) -> str:
    """Plain code that asks the same engine for the same reply: llama-cpp-python, or an HTTP request."""
    s, gen = run.reply.sampling, run.reply
    messages = run.prompt.messages if run.prompt else getattr(gen, "messages", [])
    knobs: dict[str, Any] = {"max_tokens": s.max_new_tokens, "temperature": 0.0 if s.is_greedy else s.temperature}
    if not s.is_greedy:
        knobs.update(top_k=s.top_k, top_p=s.top_p, seed=gen.seed)
    if run.server is not None:
        key = f"os.environ[{run.server.key_env!r}]" if run.server.key_env else "None"
        raw = getattr(gen, "prompt", "")
        asked, path = (("prompt", raw), "/completions") if raw else (("messages", messages), "/chat/completions")
        answer = "['text']" if raw else "['message']['content']"
        return "\n".join(
            [
                "import os",
                "import httpx",
                "",
                f"body = {{'model': {run.model!r}, {asked[0]!r}: {asked[1]!r}, **{knobs!r}}}",
                f"key = {key}  # the API key, from the environment",
                "headers = {'Authorization': f'Bearer {key}'} if key else {}",
                f"r = httpx.post({run.server.url.rstrip('/') + path!r}, json=body, headers=headers, timeout=60)",
                f"print(r.json()['choices'][0]{answer})",
            ]
        )
    path = getattr(gen, "path", "")
    return "\n".join(
        [
            "from llama_cpp import Llama",
            "",
            f"llm = Llama(model_path={path!r}, n_ctx=4096, chat_format='chat_template.default', verbose=False)",
            f"out = llm.create_chat_completion({messages!r}, repeat_penalty={s.repetition_penalty!r}, "
            f"top_k={s.top_k if not s.is_greedy else 1}, min_p=0.0, **{knobs!r})",
            "print(out['choices'][0]['message']['content'])",
        ]
    )
