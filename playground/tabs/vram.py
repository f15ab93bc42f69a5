"""VRAM Calculator tab: will this model run, or train, on this hardware, and what would make it fit.

Thin wiring: the form's fields are `playground.core.vram.VramForm` (page.FIELDS, one row each in its order:
components, the handler's parameters and the API page all follow it); the arithmetic is playground.core.vram;
the fields' table and the result view are playground.tabs.vram_page, their words playground.words.vram_page.
The tab's own model field follows the model bar, but a model chosen here is read from its config only (the bar
keeps its model).

Events: `vram_estimate` (public, pure: never touches weights) and `vram_measure` (public: runs the session's model
choice once, pinned with loader.use, to measure its real memory beside the estimate).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.core.vram import FIELD_NAMES, api_signature, from_call
from playground.errors import InputError
from playground.tabs import vram_page as page
from playground.tabs.common import QUIET, TabContext, code_box, friendly, json_box
from playground.tabs.widgets import follow_bar
from playground.words import vram_page as said

ID = "vram"
TITLE = "vram.title"

WIDGETS = {"number": gr.Number, "checkbox": gr.Checkbox, "dropdown": gr.Dropdown, "radio": gr.Radio}
MEASURE_KINDS = ("inference", "training")
assert tuple(f.name for f in page.FIELDS) == FIELD_NAMES, "page.FIELDS must list VramForm's fields in its order"


def vram_estimate(*args: Any, **kwargs: Any) -> tuple:
    """The memory a model needs per device, the verdict and the cheapest fixes. `model` is a model name
    (catalog, Hub id, folder, .gguf; read from its config only) used when `source` is "model"; `lang` words
    the verdict, the table and the chart ("en", "zh-Hant", "zh-Hans"; the JSON result is always English).

    Returns the verdict (Markdown), the chart, the fixes table, the code, and the JSON result:
    per_gpu {weights, gradients, optimizer, activations, logits, kv_cache, overhead, total} in bytes, fits,
    verdict, gpus_needed, fixes [{change, total, fits, n_gpus, weight_format, context}], speed, cpu_ram_loading,
    cpu_ram_offload.
    """
    form, lang = from_call(*args, **kwargs)
    return page.estimate_view(form, lang)


# gradio reads the API page's parameter names from the signature: VramForm's fields, then lang.
vram_estimate.__signature__ = api_signature()  # type: ignore[attr-defined]
vram_estimate.__annotations__ = {p.name: p.annotation for p in api_signature().parameters.values()} | {"return": tuple}


def vram_measure(model: str, kind: str = "inference", context: float = 1024, lang: str = "en") -> tuple[str, dict]:
    """Run the model `model` names (the session's model choice: a name, or JSON with device/dtype/
    quantization) once, one inference prefill or one AdamW step at `context` tokens, and return the
    measured peak beside the estimate (Markdown in `lang`, JSON). The training step runs on a private copy;
    it is measured on unquantized weights only."""
    from playground import measure
    from playground.loader import get_loader

    if context is None or float(context) != int(context):
        raise InputError(f"Tokens must be a whole number, got {context!r}.")
    if kind not in MEASURE_KINDS:
        raise InputError(f"Unknown measurement '{kind}'. Choose inference or training.")
    with get_loader().use(model or None) as lm:  # pinned: not evicted while it is measured
        run = measure.measure_training if kind == "training" else measure.measure_inference
        m = run(lm, int(context))
        name, dtype, device, quant = lm.name, lm.dtype, lm.device, lm.quantization
    md = said.measure_markdown(m, name, f"{dtype}{' int8' if quant == 'int8' else ''}", device, lang)
    return md, m.as_dict() | {"model": name}


def relabel(lang: str) -> list[Any]:
    """The choices' labels in the page's language (values unchanged), the formulas table, the measure kinds."""
    updates = [gr.update(choices=said.field_choices(n, lang)) for n in page.CHOOSE]
    return [*updates, said.formulas_markdown(lang), gr.update(choices=said.choices(MEASURE_KINDS, lang))]


def source_fields(source: str) -> tuple[Any, Any, Any]:
    """The model field for a name, the count for a count, the count and the open shape for a shape."""
    counted, shape = source in ("count", "shape"), source == "shape"
    return gr.update(visible=source == "model"), gr.update(visible=counted), gr.update(visible=shape, open=shape)


def _place(c: dict[str, Any], *rows: tuple[str, ...]) -> None:
    """Render the named components, one gr.Row per tuple."""
    for row in rows:
        with gr.Row():
            for name in row:
                c[name].render()


def build(ctx: TabContext) -> None:
    tr, catalog, default = ctx.tr, [e.name for e in config.settings().catalog], config.settings().default_model
    c: dict[str, Any] = {}
    for f in page.FIELDS:  # made here, placed below (render=False keeps the layout free of the API's order)
        kw = page.component_args(f, default, catalog) | {"render": False, "visible": f.name != "params_b"}
        c[f.name] = tr.make(WIDGETS[f.widget], i18n=f.i18n, **kw)
    tr.make(gr.Markdown, i18n={"value": "vram.intro"})
    with gr.Row():
        with gr.Column(scale=2):
            for name in ("source", "model", "params_b"):  # params_b and the shape: for a count or a shape only
                c[name].render()
            with tr.make(gr.Accordion, i18n={"label": "vram.shape"}, open=False, visible=False) as shape_acc:
                _place(c, ("layers", "hidden", "heads", "kv_heads"), ("head_dim", "intermediate", "vocab", "tied"))
            c["mode"].render()
            _place(c, ("weight_format", "kv_dtype"), ("context", "batch"))
            with tr.make(gr.Accordion, i18n={"label": "vram.training"}, open=False):
                _place(c, ("method", "lora_rank", "optimizer"), ("mixed_precision", "flash_attention", "fused_ce"))
                _place(c, ("checkpointing",), ("grad_accum", "zero_stage", "offload"))
            c["hardware"].render()
            _place(c, ("custom_gb", "n_gpus", "apple_share"))
            go_btn = tr.make(gr.Button, i18n={"value": "vram.estimate"}, variant="primary")
        with gr.Column(scale=3):
            verdict, chart = gr.Markdown(), tr.make(gr.Plot, i18n={"label": "vram.chart"}, elem_id="vram-chart")
            fixes = tr.make(gr.Dataframe, i18n={"label": "vram.fixes"}, **page.FIXES_TABLE)
    with tr.make(gr.Accordion, i18n={"label": "vram.how"}, open=False):
        formulas = gr.Markdown(said.formulas_markdown())
    with tr.make(gr.Accordion, i18n={"label": "vram.measure_title"}, open=False):
        with gr.Row():
            m_kind = tr.make(
                gr.Radio, i18n={"label": "vram.measure_kind"}, choices=said.choices(MEASURE_KINDS), value="inference"
            )
            m_context = tr.make(gr.Number, i18n={"label": "vram.measure_context"}, value=256, precision=0)
            m_btn = tr.make(gr.Button, i18n={"value": "vram.measure"})
        m_text, m_json = gr.Markdown(), tr.make(gr.JSON, i18n={"label": "vram.measurement"})
    code, result = code_box(ctx), json_box(ctx)

    # The tab's own model field (a name), not the session's choice: an estimate never loads weights.
    lang = ctx.langs
    inputs, outputs = [c[n] for n in FIELD_NAMES] + lang, [verdict, chart, fixes, code, result]
    estimate_fn = friendly(vram_estimate)

    def then_show_fixes(event: Any) -> None:  # the fixes table only when there is something to fix
        event.then(lambda r: gr.update(visible=bool(r) and not r.get("fits", False)), result, fixes, **QUIET)

    then_show_fixes(go_btn.click(estimate_fn, inputs, outputs, api_name="vram_estimate", concurrency_limit=None))
    # Live update on every field (the model field included: it follows the bar), on a language switch, on load.
    triggers = [x.change for x in inputs] + ([ctx.demo.load] if ctx.demo is not None else [])
    live = {"api_visibility": "private", "show_progress": "hidden", "concurrency_limit": None}
    then_show_fixes(gr.on(triggers, estimate_fn, inputs, outputs, **live))
    ctx.on_lang(relabel, [c[n] for n in page.CHOOSE] + [formulas, m_kind])
    c["source"].change(source_fields, c["source"], [c["model"], c["params_b"], shape_acc], **QUIET)
    follow_bar(ctx, c["model"])
    # The measurement runs the session's own model choice (the bar), the one other tabs run too.
    m_inputs = [ctx.model, m_kind, m_context, *lang]
    ctx.after_model(m_btn.click(friendly(vram_measure), m_inputs, [m_text, m_json], api_name="vram_measure"))
