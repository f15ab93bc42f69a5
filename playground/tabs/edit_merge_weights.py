"""The Edit & Merge tab's fine-tune and merge handlers: the two that keep weights for the session.

A session's adapters and merged model live in core/edit_store.py, keyed by gradio's session hash (one per
page, one per gradio_client Client) and freed when the page closes (`free_session`, on the unload event).
Thin: the math lives in core/finetune.py and core/merge.py, the words in playground/words/edit_merge.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from playground import config
from playground.charts_edit import curve_chart, loss_chart
from playground.core import finetune as ft
from playground.core import merge as mg
from playground.core.edit_code import finetune_code, merge_code
from playground.core.edit_store import get_store
from playground.core.validation import choice
from playground.i18n import t
from playground.loader import get_loader
from playground.words import edit_merge as words


def _session(request: gr.Request | None) -> str:
    return (request.session_hash if request is not None else None) or "no-session"


def finetune(
    model: str,
    fact_prompt: str,
    fact_answer: str,
    control_prompt: str,
    control_answer: str,
    steps: float,
    lr: float,
    rank: float,
    seed: float,
    lang: str = "en",
    request: gr.Request = None,  # type: ignore[assignment]  # gradio fills it in: the session's key
) -> Iterator[tuple[Any, ...]]:
    """Teach the fact with a LoRA adapter on a private copy; streams (progress, loss chart, summary, memory,
    code, JSON) after every step. The adapter is kept for this session (its id is in the JSON)."""
    skip = gr.skip()
    with get_loader().use(model) as lm:
        losses: list[float] = []
        for item in ft.train(lm, (fact_prompt, fact_answer), (control_prompt, control_answer), steps, lr, rank, seed):
            if isinstance(item, ft.Step):
                losses.append(item.loss)
                last = item
                yield words.progress_html(item, lang), loss_chart(losses, item.total, lang), skip, skip, skip, skip
                continue
            r = item
        adapter_id = get_store().add(_session(request), r.adapter)
        tokens = len(lm.tokenizer(fact_prompt + fact_answer)["input_ids"])
        code = finetune_code(
            lm.source.model_id, (fact_prompt, fact_answer), len(r.losses), r.lr, r.adapter.rank, r.seed
        )
        yield (
            words.progress_html(last, lang, done=True),
            loss_chart(r.losses, last.total, lang),
            words.finetune_summary(r, config.settings().limits.max_finetune_seconds, lang),
            words.memory_summary(r, lm.dtype, tokens, lang),
            code,
            {"model": lm.name, "adapter": adapter_id, **ft.to_json(r)},
        )


def merge(
    model: str,
    kind: str,
    alpha: float,
    other: str,
    fact_prompt: str,
    fact_answer: str,
    control_prompt: str,
    control_answer: str,
    lang: str = "en",
    request: gr.Request = None,  # type: ignore[assignment]
) -> tuple[Any, ...]:
    """Merge weights: base + alpha x the session's adapter ("adapter"), or (1 - alpha) x model + alpha x `other`
    ("models"). The merged model is kept for this session. Returns the summary, the p(fact)/p(control) curve
    along alpha, the code and the JSON result ({"adapter": null} when the session has not fine-tuned yet)."""
    kind = choice("merge kind", kind, mg.KINDS)
    session, store = _session(request), get_store()
    with get_loader().use(model) as lm:
        fact = ft.probe(lm.tokenizer, fact_prompt, fact_answer)
        control = ft.probe(lm.tokenizer, control_prompt, control_answer)
        if kind == "adapter" and not store.adapter_ids(session):  # nothing to merge yet: say so, no error
            code = merge_code(lm.source.model_id, kind, float(alpha))
            return t("edit_merge.no_adapter", lang), None, code, {"model": lm.name, "kind": kind, "adapter": None}
        if kind == "adapter":
            r = mg.evaluate(mg.session_merge(store, session, lm), lm.tokenizer, fact, control, alpha)
        else:
            mg.check_mergeable(lm.name, other)  # shapes from the configs, before any weights are read
            with get_loader().use(other) as lm_b:
                r = mg.evaluate(mg.session_merge(store, session, lm, lm_b), lm.tokenizer, fact, control, alpha)
        other_id = get_loader().key_for(other)[0].model_id if kind == "models" else ""
        return (
            words.merge_summary(r, fact_prompt, lang),
            curve_chart(r, fact_answer, control_answer, lang),
            merge_code(lm.source.model_id, kind, r.alpha, other_id),
            {"model": lm.name, **mg.to_json(r)},
        )


def free_session(request: gr.Request) -> None:
    """The page closed: drop its adapters and merged model."""
    get_store().free(_session(request))
