"""Words for the VRAM Calculator in English, 繁體中文 and 简体中文: the verdict, the fixes, the notes, the
tables, the chart's labels and the JSON result, from the codes and numbers of `playground.core.vram`.

Pure (no gradio): the tab calls these with the page's language. The JSON result is always English (API
callers read it; its fields are those documented in the README). Not here: arithmetic, components.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any, NamedTuple

import playground.words.vram_strings  # noqa: F401  (registers the strings worded here)
from playground.core.hardware import GiB, human
from playground.core.vram import FORMATS, Fix, Note, Verdict, VramEstimate
from playground.i18n import LANGS, register, t

# Format labels: the English label of the core, with its few words translated (names and numbers stay).
_FORMAT_WORDS = (  # (English, 繁體, 简体), longest first
    ("double quantization", "雙重量化", "双重量化"),
    ("per-tensor scales", "逐張量縮放", "逐张量缩放"),
    ("per-row scales", "逐列縮放", "逐行缩放"),
    ("absmax per 64", "每 64 個一個 absmax", "每 64 个一个 absmax"),
    ("group 128", "每組 128", "每组 128"),
    ("preset", "預設組合", "预设组合"),
    ("4-bit", "4 位元", "4 位"),
    ("bytes", "位元組", "字节"),
    ("byte", "位元組", "字节"),
    ("bits", "位元", "位"),
)


# Device labels: names and sizes stay; these few words are translated.
_DEVICE_WORDS = (("unified memory", "統一記憶體", "统一内存"), ("free", "免費", "免费"), ("Custom", "自訂", "自定义"))
# The hardware list's last entry (core.hardware.choices) is a whole label, so it has a key of its own.
register({"vram.hw.custom": ("Custom size", "自訂大小", "自定义大小")})


def _translated_label(label: str, col: int, table: tuple[tuple[str, str, str], ...] = _FORMAT_WORDS) -> str:
    for words in table:  # whole words only: "bits" is not in "bitsandbytes"
        label = re.sub(rf"\b{re.escape(words[0])}\b", words[col], label)
    return label


def device_label(label: str, lang: str = "en") -> str:
    """'Apple M4 Pro, 48 GB unified memory', 'zh-Hans' -> 'Apple M4 Pro, 48 GB 统一内存'."""
    if label == t("vram.hw.custom", "en"):
        return t("vram.hw.custom", lang)
    return label if lang not in LANGS[1:] else _translated_label(label, LANGS.index(lang), _DEVICE_WORDS)


register(
    {f"vram.fmt.{f.key}": (f.label, _translated_label(f.label, 1), _translated_label(f.label, 2)) for f in FORMATS}
)


def format_label(key: str, lang: str = "en") -> str:
    """'q4_0', 'zh-Hant' -> 'GGUF Q4_0 (4.5 位元)'."""
    return t(f"vram.fmt.{key}", lang)


def verdict_text(v: Verdict, lang: str = "en") -> str:
    """Verdict(kind='fits', ...) -> 'Fits: 3.20 GB (2.98 GiB) per device of ... on NVIDIA T4 16 GB (...)'."""
    device = device_label(v.device, lang)
    where = f"{v.n_gpus} x {device}" if v.n_gpus > 1 else device
    if v.kind == "fits":
        return t(
            "vram.v.fits",
            lang,
            total=human(v.total),
            usable=human(v.usable),
            where=where,
            share=f"{v.total / v.usable:.0%}",
            free=human(v.usable - v.total),
        )
    text = t(
        "vram.v.over", lang, total=human(v.total), over=human(v.total - v.usable), usable=human(v.usable), where=where
    )
    if v.kind == "over_never":
        text += t("vram.v.never", lang)
    elif v.kind == "over_needs":
        text += t("vram.v.needs", lang, n=v.gpus_needed, how=t(f"vram.split.{v.split}", lang))
    return text


def fix_text(f: Fix, lang: str = "en") -> str:
    """Fix -> '3 x NVIDIA T4 16 GB (the layers split across them): KV cache in fp8 + weights in ...'."""
    parts = []
    for c in f.changes:
        values = dict(c.values)
        if c.code == "weight_format":
            values["label"] = format_label(values["format"], lang)
        parts.append(t(f"vram.c.{c.code}", lang, **values))
    prefix = ""
    if f.still_too_large:
        prefix = t("vram.c.still", lang)
    elif f.devices:
        prefix = t(
            "vram.c.devices",
            lang,
            n=f.devices,
            device=device_label(f.inputs.hardware.label, lang),
            how=t(f"vram.on.{f.split}", lang),
        )
    return prefix + " + ".join(parts)


def note_text(n: Note, lang: str = "en") -> str:
    """Note('no_bf16', {'device': 'NVIDIA T4 16 GB'}) -> 'NVIDIA T4 16 GB has no native bf16 ...: use fp16.'"""
    v = dict(n.values)
    if "format" in v:
        v["label"] = format_label(v["format"], lang)
    if "device" in v:
        v["device"] = device_label(v["device"], lang)
    for key in ("need", "host"):
        if key in v:
            v[key] = human(v[key])
    if "ram_bytes" in v:
        v["ram"] = v.pop("ram_bytes") / GiB
    return t(f"vram.n.{n.code}", lang, **v)


class Words(NamedTuple):
    """An estimate's sentences in one language: the verdict, one per fix, one per note."""

    verdict: str
    fixes: list[str]
    notes: list[str]


def words(e: VramEstimate, lang: str = "en") -> Words:
    """Word an estimate once; the page and the JSON result share the English ones."""
    return Words(
        verdict_text(e.verdict, lang), [fix_text(f, lang) for f in e.fixes], [note_text(n, lang) for n in e.notes]
    )


def result_json(e: VramEstimate, english: Words | None = None) -> dict[str, Any]:
    """The JSON result of the API: bytes as ints, plus the English words (verdict, fixes' changes, notes)."""
    i, hw, en = e.inputs, e.inputs.hardware, english or words(e)
    return {
        "units": "bytes (GB = 1e9 bytes, GiB = 2^30 bytes)",
        "model": {
            "name": i.model.name,
            "n_params": i.model.n_params,
            "n_layers": i.model.n_layers,
            "hidden": i.model.hidden,
            "n_heads": i.model.n_heads,
            "n_kv_heads": i.model.n_kv_heads,
            "head_dim": i.model.head_dim,
            "vocab": i.model.vocab,
            "tied": i.model.tied,
            "assumed_shape": i.model.assumed_shape,
        },
        "mode": i.mode,
        "hardware": {
            "key": hw.key,
            "label": hw.label,
            "n_gpus": i.n_gpus,
            "usable_bytes": e.usable,
            "overhead_bytes": hw.overhead_bytes,
            "bandwidth_gbs": hw.bandwidth_gbs,
        },
        "per_gpu": e.per_gpu.as_dict(),
        "all_gpus_total": e.per_gpu.total * i.n_gpus,
        "cpu_ram_loading": e.cpu_ram_loading,
        "cpu_ram_offload": e.cpu_ram_offload,
        "trainable_params": e.trainable_params,
        "global_batch": {"sequences": e.global_batch_sequences, "tokens": e.global_batch_tokens},
        "fits": e.fits,
        "verdict": en.verdict,
        "gpus_needed": e.gpus_needed,
        "fixes": [
            {
                "change": change,
                "total": f.total,
                "fits": f.fits,
                "n_gpus": f.inputs.n_gpus,
                "weight_format": f.inputs.weight_format,
                "context": f.inputs.context,
            }
            for f, change in zip(e.fixes, en.fixes)
        ],
        "speed": None if e.speed is None else asdict(e.speed),
        "notes": en.notes,
    }
