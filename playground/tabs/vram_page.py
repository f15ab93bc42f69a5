"""The VRAM Calculator form and its result view: the table of the form's fields (FIELDS, in VramForm's order, one
row per component), their component arguments, and `estimate_view` (the form in, what the page shows out).

Pure (no gradio): playground.tabs.vram makes the components. The words come from `playground.words.vram_page`.
Not here: arithmetic (see `playground.core.vram`), components or events (see `playground.tabs.vram`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.charts_vram import vram_chart
from playground.core.vram import VramForm, estimate, to_inputs
from playground.core.vram.code import code_for
from playground.core.vram.form import FIELD_TYPES
from playground.words.vram import result_json, words
from playground.words.vram_page import CHOICES, chart_labels, field_choices, fix_headers, fix_rows, verdict_markdown

# The fixes table: wrapped text in fixed column shares, so the totals and "fits" stay in view and no change is cut.
FIXES_TABLE: dict[str, Any] = {
    "headers": ["change", "new total per device", "fits"],
    "interactive": False,
    "wrap": True,
    "column_widths": ["60%", "28%", "12%"],
    "visible": False,
    "elem_id": "vram-fixes",
}


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
