"""What the VRAM Calculator page says, in English, 繁體中文 or 简体中文: the verdict Markdown, the fixes table, the
formulas table, the measured-vs-estimated summary, the chart's labels, and the worded choices of the form's fields.

Pure (no gradio): playground.tabs.vram_page and the tab hand these to components. Sentences from codes: see
`playground.words.vram`; the strings themselves: `playground.words.vram_strings` and `vram_formulas`.
Not here: arithmetic (see `playground.core.vram`), the form's fields and components (see `playground.tabs.vram_page`).
"""

from __future__ import annotations

import functools
from dataclasses import fields
from typing import Any

import playground.words.vram_formulas
import playground.words.vram_strings  # noqa: F401  (registers the strings worded here)
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
)
from playground.core.vram.arithmetic import Breakdown
from playground.i18n import t
from playground.words.vram import Words, device_label, format_label, words

_METHOD_KEYS = {t(k): k for k in ("vram.m.rss", "vram.m.vmhwm", "vram.m.cuda")}  # measure's English -> key


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


# The parts of a breakdown (Breakdown's fields and its total), then the chart's CPU-side bars and the usable line.
_PARTS = (*(f.name for f in fields(Breakdown)), "total", "loading", "offload", "cpu", "usable")


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
