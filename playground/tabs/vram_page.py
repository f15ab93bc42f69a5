"""What the VRAM Calculator page shows, worded in English, 繁體中文 or 简体中文: its labels, choices, the verdict
Markdown, the fixes table, the formulas table, the measured-vs-estimated summary, the chart's labels, and the
table of the form's fields (FIELDS, in VramForm's order).

Pure (no gradio): the tab wires these to components. Sentences from codes: see `playground.words.vram`.
Not here: arithmetic (see `playground.core.vram`), components or events (see `playground.tabs.vram`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import playground.words.vram_formulas
import playground.words.vram_strings  # noqa: F401  (registers the strings worded here)
from playground.charts_vram import vram_chart
from playground.core.hardware import GB, human
from playground.core.hardware import choices as hw_choices
from playground.core.vram import (
    CHECKPOINTING,
    FORMATS,
    FORMULAS,
    KV_DTYPE_BYTES,
    METHODS,
    MODES,
    OPTIMIZERS,
    SOURCES,
    VramEstimate,
    VramForm,
    estimate,
    to_inputs,
)
from playground.core.vram.code import code_for
from playground.core.vram.form import FIELD_TYPES
from playground.i18n import t
from playground.words.vram import Words, device_label, format_label, result_json, words

_METHOD_KEYS = {t(k): k for k in ("vram.m.rss", "vram.m.vmhwm", "vram.m.cuda")}  # measure's English -> key


# The fixes table: wrapped text in fixed column shares, so the totals and "fits" stay in view and no change is cut.
FIXES_TABLE: dict[str, Any] = {
    "headers": ["change", "new total per device", "fits"],
    "interactive": False,
    "wrap": True,
    "column_widths": ["60%", "28%", "12%"],
    "visible": False,
    "elem_id": "vram-fixes",
}


def choices(values: Any, lang: str = "en") -> list[tuple[str, str]]:
    """Labels worded, values kept: ('inference',), 'zh-Hant' -> [('推論', 'inference')]."""
    return [(t(f"vram.choice.{v}", lang), v) for v in values]


def fix_rows(e: VramEstimate, lang: str = "en", said: Words | None = None) -> list[list[str]]:
    """The fixes table's rows: change, new total per device, fits (`said`: the estimate already worded)."""
    changes = (said or words(e, lang)).fixes
    return [[c, human(f.total), t("vram.yes" if f.fits else "vram.no", lang)] for f, c in zip(e.fixes, changes)]


def fix_headers(lang: str = "en") -> list[str]:
    return [t(k, lang) for k in ("vram.h.change", "vram.h.total", "vram.h.fits")]


def verdict_markdown(e: VramEstimate, lang: str = "en", said: Words | None = None) -> str:
    i, p, hw = e.inputs, e.per_gpu, e.inputs.hardware
    said = said or words(e, lang)
    lines = [f"### {'✔' if e.fits else '✘'} {said.verdict}", ""]  # dingbats: no colour-emoji font
    lines.append(
        t("vram.md.model", lang, name=i.model.name, n=i.model.n_params)
        + (t("vram.md.trainable", lang, n=e.trainable_params) if i.mode == "training" else "")
        + t("vram.md.device", lang, device=device_label(hw.label, lang), usable=human(hw.usable_bytes))
        + (t("vram.md.marketed", lang, gb=hw.marketed_gb) if hw.key != "custom" else "")
        + t("vram.md.end", lang)
    )
    heads = (t(k, lang) for k in ("vram.h.per_device", "vram.h.gb", "vram.h.gib"))
    lines += ["", "| {} | {} | {} |".format(*heads), "|---|---:|---:|"]
    names = part_names(lang)
    lines += [f"| {names[name]} | {v / 1e9:,.3f} | {v / 2**30:,.3f} |" for name, v in p.as_dict().items()]
    lines.append("")
    if i.mode == "training":
        lines.append(
            t(
                "vram.md.batch",
                lang,
                seqs=e.global_batch_sequences,
                tokens=e.global_batch_tokens,
                batch=i.batch,
                accum=i.grad_accum,
                gpus=i.n_gpus,
            )
        )
    if e.cpu_ram_offload:
        lines.append(t("vram.md.offload", lang, bytes=human(e.cpu_ram_offload)))
    lines.append(t("vram.md.loading", lang, bytes=human(e.cpu_ram_loading)))
    if e.speed:
        lines.append(
            t(
                "vram.md.speed",
                lang,
                tps=e.speed.tokens_per_s,
                batch_tps=e.speed.tokens_per_s_batch,
                bw=e.speed.bandwidth_gbs,
                step=human(e.speed.bytes_per_step),
            )
        )
    lines += [f"- {note}" for note in said.notes]
    if e.fits:
        lines.append("\n" + t("vram.md.nothing", lang))
    elif not e.fixes:
        lines.append("\n" + t("vram.md.no_fix", lang))
    return "\n".join(lines)


def formulas_markdown(lang: str = "en") -> str:
    rows = [f"| {t('vram.h.what', lang)} | {t('vram.h.formula', lang)} | {t('vram.h.source', lang)} |", "|---|---|---|"]
    rows += [
        f"| {t(f'vram.formula.{f.key}.what', lang)} | {t(f'vram.formula.{f.key}.formula', lang)} | {f.reference} |"
        for f in FORMULAS
    ]
    return "\n".join(rows)


_PARTS: tuple[str, ...] = (
    "weights",
    "gradients",
    "optimizer",
    "activations",
    "logits",
    "kv_cache",
    "overhead",
    "total",
    "loading",
    "offload",
    "cpu",
    "usable",
)


@functools.cache
def part_names(lang: str = "en") -> dict[str, str]:
    """{"weights": "權重", ...}: the names of the parts of a breakdown and of the chart (asked for on every
    request, so looked up once per language)."""
    return {key: t(f"vram.part.{key}", lang) for key in _PARTS}


def chart_labels(e: VramEstimate, lang: str = "en") -> dict[str, str]:
    """The words the chart builder takes: one per part, CPU RAM, usable, and the title."""
    return part_names(lang) | {"title": t("vram.chart_title", lang, total=e.per_gpu.total / GB)}


def measure_markdown(m: Any, name: str, dtype: str, device: str, lang: str = "en") -> str:
    """A Measurement (playground.core.measure) in words: measured beside estimated, how, how long."""
    method = t(_METHOD_KEYS[m.method], lang) if m.method in _METHOD_KEYS else m.method
    text = t(
        "vram.m.summary",
        lang,
        kind=t(f"vram.choice.{m.kind}", lang),
        name=name,
        where=t("vram.m.where", lang, dtype=dtype, device=device),
        context=m.context,
        measured=human(m.measured_bytes),
        estimated=human(m.estimated_bytes),
        diff=m.ratio - 1,
        method=method,
        seconds=m.seconds,
    )
    return text + (t("vram.m.copy", lang) if m.kind == "training" else "")


CHOICES: dict[str, tuple[str, ...]] = {  # the form's fields whose choices are worded: field -> values
    "source": SOURCES,
    "mode": MODES,
    "method": METHODS,
    "optimizer": OPTIMIZERS,
    "checkpointing": CHECKPOINTING,
}


def field_choices(name: str, lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) pairs of a form field that offers choices, labels in `lang`, values as the API takes them."""
    if name == "weight_format":
        return [(format_label(f.key, lang), f.key) for f in FORMATS]
    if name == "kv_dtype":
        return [(k, k) for k in ("auto", *KV_DTYPE_BYTES)]
    if name == "hardware":
        return [(device_label(label, lang), key) for label, key in hw_choices()]
    return choices(CHOICES[name], lang)


@dataclass(frozen=True)
class Field:
    """One input of the form: VramForm's field `name`, shown as `widget` with the label `label` (an i18n key).
    Its default and API type are VramForm's (int fields become whole-number inputs)."""

    name: str
    widget: str  # "number" | "checkbox" | "dropdown" | "radio"
    label: str
    extra: tuple[tuple[str, Any], ...] = ()  # further component arguments
    info: str = ""  # i18n key of the help line under the label, if any

    @property
    def i18n(self) -> dict[str, str]:
        """What Translatable re-words on a language switch: {"label": key} (and "info")."""
        return {"label": self.label} | ({"info": self.info} if self.info else {})


FIELDS: tuple[Field, ...] = (  # VramForm's order: a test checks it, and the tab asserts it
    Field(
        "model",
        "dropdown",
        "vram.model",
        (("allow_custom_value", True), ("filterable", True), ("elem_id", "vram-model")),
        "vram.model_info",
    ),
    Field("source", "radio", "vram.source"),
    Field("params_b", "number", "vram.params_b"),
    Field("layers", "number", "vram.layers"),
    Field("hidden", "number", "vram.hidden"),
    Field("heads", "number", "vram.heads"),
    Field("kv_heads", "number", "vram.kv_heads"),
    Field("head_dim", "number", "vram.head_dim"),
    Field("intermediate", "number", "vram.intermediate"),
    Field("vocab", "number", "vram.vocab"),
    Field("tied", "checkbox", "vram.tied"),
    Field("mode", "radio", "vram.mode"),
    Field("weight_format", "dropdown", "vram.format"),
    Field("context", "number", "vram.context"),
    Field("batch", "number", "vram.batch"),
    Field("kv_dtype", "dropdown", "vram.kv_dtype"),
    Field("method", "radio", "vram.method"),
    Field("lora_rank", "number", "vram.rank"),
    Field("optimizer", "dropdown", "vram.optimizer"),
    Field("mixed_precision", "checkbox", "vram.mixed"),
    Field("checkpointing", "radio", "vram.checkpointing"),
    Field("flash_attention", "checkbox", "vram.flash"),
    Field("fused_ce", "checkbox", "vram.fused_ce"),
    Field("grad_accum", "number", "vram.accum"),
    # A number (documented as such on the API page): 0, 3 and 3.0 are all accepted.
    Field("zero_stage", "number", "vram.zero", (("minimum", 0), ("maximum", 3), ("step", 1))),
    Field("offload", "checkbox", "vram.offload"),
    Field("hardware", "dropdown", "vram.hardware"),
    Field("custom_gb", "number", "vram.custom_gb"),
    Field("n_gpus", "number", "vram.gpus"),
    Field("apple_share", "number", "vram.share"),
)
CHOOSE = tuple(f.name for f in FIELDS if f.name in CHOICES or f.name in ("weight_format", "kv_dtype", "hardware"))


def component_args(f: Field, default_model: str, catalog: list[str]) -> dict[str, Any]:
    """The arguments of `f`'s component (English labels): value from VramForm, choices, whole numbers."""
    kw: dict[str, Any] = dict(f.extra, value=getattr(VramForm(default_model), f.name))
    if f.widget in ("dropdown", "radio"):
        kw["choices"] = field_choices(f.name) if f.name in CHOOSE else catalog
    if f.widget == "number" and FIELD_TYPES[f.name] is int:
        kw["precision"] = 0
    return kw


def estimate_view(form: VramForm, lang: str = "en") -> tuple[str, Any, dict, str, dict]:
    """The form in, (verdict, chart, fixes table, code, JSON) out. Reads configs only, never weights."""
    e = estimate(to_inputs(form))
    hub = None
    if form.source == "model":  # the Hub id the code section names (a name lookup, nothing loaded)
        from playground.loader import resolve

        hub = resolve(form.model or None).hub_id
    english = words(e)
    said = english if lang == "en" else words(e, lang)
    fixes = {"headers": fix_headers(lang), "data": fix_rows(e, lang, said)}
    page = verdict_markdown(e, lang, said)
    return page, vram_chart(e, chart_labels(e, lang)), fixes, code_for(e, hub), result_json(e, english)
