"""VRAM Calculator tab: will this model run, or train, on this hardware, and what would make it fit.

Thin wiring over playground.core.vram (the arithmetic), core.hardware (presets), core.architecture
(the shape of catalog/Hub models, from config only) and playground.measure (the measurement button).

The tab has its own model field for the estimate: it starts as the model bar's model and follows the
bar, but a model chosen here (Llama-3.1-70B-Instruct, say) is read from its config only: the bar and
what is loaded stay as they are.

Events: `vram_estimate` (public, pure: never touches weights; `model` is the tab's field, a name) and
`vram_measure` (public: runs the session's model choice once, pinned with loader.use, to measure its
real memory beside the estimate).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts_vram import vram_chart
from playground.core import hardware as hw_mod
from playground.core import vram
from playground.core.vram import FORMULAS, VramEstimate, VramInputs, human
from playground.errors import InputError
from playground.i18n import register
from playground.tabs.common import TabContext, code_box, friendly, json_box

ID = "vram"
TITLE = "vram.title"

register({
    "vram.title": ("VRAM Calculator", "VRAM 計算機", "VRAM 计算器"),
    "vram.intro": (
        "Will the model run, or train, on this hardware? Every figure is in bytes; **GB = 10^9 bytes, "
        "GiB = 2^30 bytes**, and both are shown. Nothing here loads weights, except the measurement button.",
        "這個模型能在這台硬體上執行或訓練嗎？所有數字以位元組計算；**GB = 10^9 位元組，GiB = 2^30 位元組**，兩者都會列出。"
        "除了量測按鈕，這裡不會載入任何權重。",
        "这个模型能在这台硬件上运行或训练吗？所有数字以字节计算；**GB = 10^9 字节，GiB = 2^30 字节**，两者都会列出。"
        "除了测量按钮，这里不会加载任何权重。",
    ),
    "vram.source": ("Model from", "模型來源", "模型来源"),
    "vram.model": ("Model to estimate", "要估算的模型", "要估算的模型"),
    "vram.model_info": (
        "Follows the model bar; a model chosen here only reads its config (no weights, the bar keeps its model).",
        "跟隨上方的模型列；在這裡選的模型只讀設定檔（不載入權重，模型列的模型不變）。",
        "跟随上方的模型栏；在这里选的模型只读配置文件（不加载权重，模型栏的模型不变）。"),
    "vram.params_b": ("Parameters (billions)", "參數量（十億）", "参数量（十亿）"),
    "vram.layers": ("Layers", "層數", "层数"),
    "vram.hidden": ("Hidden size", "隱藏維度", "隐藏维度"),
    "vram.heads": ("Attention heads", "注意力頭數", "注意力头数"),
    "vram.kv_heads": ("Key/value heads (0 = same)", "鍵/值頭數（0 = 相同）", "键/值头数（0 = 相同）"),
    "vram.head_dim": ("Head dimension (0 = hidden / heads)", "每頭維度（0 = 隱藏維度 / 頭數）", "每头维度（0 = 隐藏维度 / 头数）"),
    "vram.intermediate": ("MLP width (0 = 8/3 hidden)", "MLP 寬度（0 = 8/3 隱藏維度）", "MLP 宽度（0 = 8/3 隐藏维度）"),
    "vram.vocab": ("Vocabulary", "詞彙量", "词表大小"),
    "vram.tied": ("Tied embeddings", "輸入輸出共用嵌入", "输入输出共享嵌入"),
    "vram.shape": ("Full shape (custom)", "完整形狀（自訂）", "完整形状（自定义）"),
    "vram.mode": ("Task", "用途", "用途"),
    "vram.format": ("Weight format", "權重格式", "权重格式"),
    "vram.context": ("Context length (tokens)", "上下文長度（詞元）", "上下文长度（词元）"),
    "vram.batch": ("Batch (training: micro-batch)", "批次（訓練：微批次）", "批次（训练：微批次）"),
    "vram.kv_dtype": ("KV-cache dtype", "KV 快取型別", "KV 缓存类型"),
    "vram.training": ("Training", "訓練", "训练"),
    "vram.method": ("Method", "方法", "方法"),
    "vram.rank": ("LoRA rank", "LoRA 秩", "LoRA 秩"),
    "vram.optimizer": ("Optimizer", "最佳化器", "优化器"),
    "vram.mixed": ("Mixed precision (16-bit compute, fp32 master weights)", "混合精度（16 位元計算，fp32 主權重）",
                   "混合精度（16 位计算，fp32 主权重）"),
    "vram.checkpointing": ("Gradient checkpointing", "梯度檢查點", "梯度检查点"),
    "vram.flash": ("FlashAttention", "FlashAttention", "FlashAttention"),
    "vram.fused_ce": ("Fused cross-entropy (Liger)", "融合交叉熵（Liger）", "融合交叉熵（Liger）"),
    "vram.accum": ("Gradient accumulation steps", "梯度累積步數", "梯度累积步数"),
    "vram.zero": ("ZeRO stage", "ZeRO 階段", "ZeRO 阶段"),
    "vram.offload": ("CPU offload (ZeRO-Offload)", "卸載到 CPU（ZeRO-Offload）", "卸载到 CPU（ZeRO-Offload）"),
    "vram.hardware": ("Hardware", "硬體", "硬件"),
    "vram.custom_gb": ("Custom memory per device (GB)", "自訂每台裝置記憶體（GB）", "自定义每台设备内存（GB）"),
    "vram.gpus": ("Devices (GPUs)", "裝置數（GPU）", "设备数（GPU）"),
    "vram.share": ("Apple: GPU share of unified memory (0 = default)", "Apple：GPU 可用的統一記憶體比例（0 = 預設）",
                   "Apple：GPU 可用的统一内存比例（0 = 默认）"),
    "vram.estimate": ("Estimate", "估算", "估算"),
    "vram.fixes": ("Cheapest changes that would make it fit", "能放得下的最便宜改法", "能放得下的最便宜改法"),
    "vram.how": ("How this is computed", "計算方式", "计算方式"),
    "vram.measure_title": ("Measured against estimated (the model bar's model, on this server)",
                           "實測與估算（模型列的模型，在這台伺服器上）", "实测与估算（模型栏的模型，在这台服务器上）"),
    "vram.measure_kind": ("What to measure", "量測什麼", "测量什么"),
    "vram.measure_context": ("Tokens", "詞元數", "词元数"),
    "vram.measure": ("Measure", "量測", "测量"),
})

SOURCES = [("a named model", "model"), ("a parameter count", "count"), ("a full shape", "shape")]
FIX_HEADERS = ["change", "new total per device", "fits"]


def _inputs(model: str, source: str, params_b: float, layers: float, hidden: float, heads: float,
            kv_heads: float, head_dim: float, intermediate: float, vocab: float, tied: bool, mode: str,
            weight_format: str, context: float, batch: float, kv_dtype: str, method: str, lora_rank: float,
            optimizer: str, mixed_precision: bool, checkpointing: str, flash_attention: bool, fused_ce: bool,
            grad_accum: float, zero_stage: float, offload: bool, hardware: str, custom_gb: float,
            n_gpus: float, apple_share: float) -> VramInputs:
    if source == "count":
        if params_b is None:
            raise InputError("Enter a parameter count in billions.")
        spec = vram.spec_from_count(round(float(params_b) * 1e9))
    elif source == "shape":
        spec = vram.spec_from_shape(layers, hidden, heads, kv_heads or None, head_dim or None, intermediate or None,
                                    vocab, bool(tied), n_params=round(float(params_b) * 1e9) if params_b else None)
    elif source == "model":
        from playground.core.architecture import model_shape  # cached, config only

        spec = vram.spec_from_shape_obj(model_shape(model or None))
    else:
        raise InputError(f"Unknown model source '{source}'. Choose model, count or shape.")
    if (hardware or "").strip().lower() == "custom":
        device = hw_mod.custom(float(custom_gb) if custom_gb is not None else -1)
    else:
        device = hw_mod.preset(hardware)
    if device.kind == "mps" and apple_share:
        device = hw_mod.with_share(device, float(apple_share))
    return VramInputs(model=spec, mode=mode, weight_format=weight_format, compute_dtype="bf16" if device.bf16 or
                      device.kind != "cuda" else "fp16", kv_dtype=kv_dtype, context=context, batch=batch,
                      method=method, lora_rank=lora_rank, optimizer=optimizer, mixed_precision=bool(mixed_precision),
                      checkpointing=checkpointing, flash_attention=bool(flash_attention), fused_ce=bool(fused_ce),
                      grad_accum=grad_accum, zero_stage=zero_stage, offload=bool(offload), n_gpus=n_gpus,
                      hardware=device)


def _as_ints(i: VramInputs) -> VramInputs:
    """Gradio numbers arrive as floats; the core wants whole numbers (and says so if they are not)."""
    from dataclasses import replace

    fields = {}
    for name in ("context", "batch", "lora_rank", "grad_accum", "zero_stage", "n_gpus"):
        v = getattr(i, name)
        if isinstance(v, float) and v.is_integer():
            fields[name] = int(v)
        elif v is None:
            raise InputError(f"{name.replace('_', ' ').capitalize()} is empty.")
    return replace(i, **fields)


def verdict_markdown(e: VramEstimate) -> str:
    i, p = e.inputs, e.per_gpu
    lines = [f"### {'✔' if e.fits else '✘'} {e.verdict}", ""]  # dingbats: no colour-emoji font needed
    lines.append(f"**{i.model.name}**: {i.model.n_params:,} parameters"
                 + (f", {e.trainable_params:,} trainable" if i.mode == "training" else "")
                 + f"; {i.hardware.label}: {human(i.hardware.usable_bytes)} per device"
                 + (f" (marketed {i.hardware.marketed_gb:g} GB)" if i.hardware.key != "custom" else "") + ".")
    lines += ["", "| per device | GB (1e9 bytes) | GiB (2^30 bytes) |", "|---|---:|---:|"]
    for name, v in p.as_dict().items():
        lines.append(f"| {name.replace('_', ' ')} | {v / 1e9:,.3f} | {v / 2**30:,.3f} |")
    lines.append("")
    if i.mode == "training":
        lines.append(f"Global batch: {e.global_batch_sequences:,} sequences = {e.global_batch_tokens:,} tokens "
                     f"(micro-batch {i.batch} x {i.grad_accum} accumulation steps x {i.n_gpus} GPUs).")
    if e.cpu_ram_offload:
        lines.append(f"CPU RAM for offloaded states (all GPUs together): {human(e.cpu_ram_offload)}.")
    lines.append(f"CPU RAM to load the checkpoint without memory-mapping: up to {human(e.cpu_ram_loading)}.")
    if e.speed:
        lines.append(f"Speed ceiling: **≤ {e.speed.tokens_per_s:,.1f} tokens/s** per sequence "
                     f"({e.speed.tokens_per_s_batch:,.1f} for the batch) = {e.speed.bandwidth_gbs:,.0f} GB/s / "
                     f"{human(e.speed.bytes_per_step)} read per token (weights + KV cache).")
    for note in e.notes:
        lines.append(f"- {note}")
    if e.fits:
        lines.append("\nNothing to change: it fits as it is.")
    elif not e.fixes:
        lines.append("\nNo change listed here makes it fit.")
    return "\n".join(lines)


def formulas_markdown() -> str:
    rows = ["| what | formula | source |", "|---|---|---|"]
    rows += [f"| {f.what} | {f.formula} | {f.source} |" for f in FORMULAS]
    return "\n".join(rows)


def code_for(e: VramEstimate, hub_id: str | None) -> str:
    """Plain transformers code reproducing the parameter count, the weights and the measured peak."""
    i, s = e.inputs, e.inputs.model
    if hub_id:
        make = f'config = AutoConfig.from_pretrained("{hub_id}")'
        load = f'AutoModelForCausalLM.from_pretrained("{hub_id}", dtype=torch.bfloat16, device_map="cuda")'
    else:
        make = (f"config = LlamaConfig(num_hidden_layers={s.n_layers}, hidden_size={s.hidden}, num_attention_heads="
                f"{s.n_heads},\n                     num_key_value_heads={s.n_kv_heads}, head_dim={s.head_dim}, "
                f"intermediate_size={s.intermediate},\n                     vocab_size={s.vocab}, "
                f"tie_word_embeddings={s.tied})")
        load = "AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16).to(\"cuda\")"
    return f'''import torch
from accelerate import init_empty_weights
from transformers import AutoConfig, AutoModelForCausalLM, LlamaConfig

{make}
with init_empty_weights():  # meta device: no weights downloaded
    model = AutoModelForCausalLM.from_config(config)  # ForCausalLM, so an untied lm_head is counted
n_params = sum(p.numel() for p in model.parameters())  # tied weights appear once
print(f"{{n_params:,}} parameters, bf16 weights {{n_params * 2 / 1e9:.2f}} GB")

text = config.get_text_config()
head_dim = getattr(text, "head_dim", None) or text.hidden_size // text.num_attention_heads
context, batch = {i.context}, {i.batch}
kv = 2 * text.num_hidden_layers * text.num_key_value_heads * head_dim * context * batch * 2  # bf16 K and V
print(f"KV cache at {{context}} tokens: {{kv / 1e9:.2f}} GB")

# The real peak on a GPU (needs the weights):
if torch.cuda.is_available():
    model = {load}
    torch.cuda.reset_peak_memory_stats()
    ids = torch.randint(0, text.vocab_size, (batch, context), device="cuda")
    with torch.inference_mode():
        model(input_ids=ids, use_cache=True, logits_to_keep=1)
    print(f"peak allocated: {{torch.cuda.max_memory_allocated() / 1e9:.2f}} GB")
'''


def estimate_view(*args: Any) -> tuple[str, Any, list[list[Any]], str, dict]:
    """All the tab's inputs in, (verdict, chart, fixes table, code, JSON) out. Pure: no weights."""
    model, source = args[0], args[1]
    inputs = _as_ints(_inputs(*args))
    e = vram.estimate(inputs)
    fixes = [[f.change, human(f.total), "yes" if f.fits else "no"] for f in e.fixes]
    hub = None
    if source == "model":
        from playground.loader import resolve

        hub = resolve(model or None).hub_id
    result = e.as_dict()
    return verdict_markdown(e), vram_chart(e), fixes, code_for(e, hub), result


def vram_estimate(model: str, source: str = "model", params_b: float = 8.0, layers: float = 32,
                  hidden: float = 4096, heads: float = 32, kv_heads: float = 8, head_dim: float = 0,
                  intermediate: float = 14336, vocab: float = 128256, tied: bool = False, mode: str = "inference",
                  weight_format: str = "bf16", context: float = 4096, batch: float = 1, kv_dtype: str = "auto",
                  method: str = "full", lora_rank: float = 16, optimizer: str = "adamw", mixed_precision: bool = True,
                  checkpointing: str = "none", flash_attention: bool = True, fused_ce: bool = False,
                  grad_accum: float = 1, zero_stage: float = 0, offload: bool = False, hardware: str = "t4",
                  custom_gb: float = 24, n_gpus: float = 1, apple_share: float = 0) -> tuple:
    """The memory a model needs per device, the verdict and the cheapest fixes. `model` is a model name
    (catalog, Hub id, folder, .gguf; read from its config only) used when `source` is "model".

    Returns the verdict (Markdown), the chart, the fixes table, the code, and the JSON result:
    per_gpu {weights, gradients, optimizer, activations, logits, kv_cache, overhead, total} in bytes,
    fits, verdict, gpus_needed, fixes [{change, total, fits, n_gpus, weight_format, context}], speed, cpu_ram_loading, cpu_ram_offload.
    """
    return estimate_view(model, source, params_b, layers, hidden, heads, kv_heads, head_dim, intermediate, vocab,
                         tied, mode, weight_format, context, batch, kv_dtype, method, lora_rank, optimizer,
                         mixed_precision, checkpointing, flash_attention, fused_ce, grad_accum, zero_stage, offload,
                         hardware, custom_gb, n_gpus, apple_share)


def vram_measure(model: str, kind: str = "inference", context: float = 1024) -> tuple[str, dict]:
    """Run the model `model` names (the session's model choice: a name, or JSON with device/dtype/
    quantization) once, one inference prefill or one AdamW step at `context` tokens, and return the
    measured peak beside the estimate (Markdown, JSON). The training step runs on a private copy;
    it is measured on unquantized weights only."""
    from playground import measure
    from playground.loader import get_loader

    if context is None or float(context) != int(context):
        raise InputError(f"Tokens must be a whole number, got {context!r}.")
    if kind not in ("inference", "training"):
        raise InputError(f"Unknown measurement '{kind}'. Choose inference or training.")
    with get_loader().use(model or None) as lm:  # pinned: not evicted while it is measured
        if kind == "training":
            m = measure.measure_training(lm, int(context))
        else:
            m = measure.measure_inference(lm, int(context))
        name, dtype, device, quant = lm.name, lm.dtype, lm.device, lm.quantization
    where = f"{dtype}{' int8' if quant == 'int8' else ''} on {device}"
    copy_note = " The training step ran on a private copy of the weights." if kind == "training" else ""
    md = (f"**{m.kind}**, {name} ({where}), {m.context:,} tokens: measured "
          f"**{human(m.measured_bytes)}**, estimated **{human(m.estimated_bytes)}** "
          f"({m.ratio - 1:+.1%}). Measured as {m.method}; took {m.seconds:.1f} s.{copy_note}")
    return md, m.as_dict() | {"model": name}


def fixes_visibility(result: dict | None) -> Any:
    """Show the fixes table only when there is something to fix (the verdict says when it fits)."""
    return gr.update(visible=bool(result) and not result.get("fits", False))


def source_fields(source: str) -> tuple[Any, Any, Any]:
    """Which inputs a source needs: the model field for a name, the count for a count, the count and the
    full shape for a shape (the count then overrides the counted parameters)."""
    return (gr.update(visible=source == "model"), gr.update(visible=source in ("count", "shape")),
            gr.update(visible=source == "shape", open=source == "shape"))


def follow_bar(bar_model: str | None) -> str:
    """The bar's model name -> this tab's field."""
    return (bar_model or "").strip() or config.settings().default_model


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    tr.make(gr.Markdown, i18n={"value": "vram.intro"})
    with gr.Row():
        with gr.Column(scale=2):
            source = tr.make(gr.Radio, i18n={"label": "vram.source"}, choices=SOURCES, value="model")
            model = tr.make(gr.Dropdown, i18n={"label": "vram.model", "info": "vram.model_info"},
                            choices=[e.name for e in config.settings().catalog],
                            value=config.settings().default_model, allow_custom_value=True, filterable=True,
                            elem_id="vram-model")
            # Hidden while the model comes from a name: its own config gives the shape.
            params_b = tr.make(gr.Number, i18n={"label": "vram.params_b"}, value=8.0, visible=False)
            with gr.Accordion("Full shape (custom)", open=False, visible=False) as shape_acc:
                with gr.Row():
                    layers = tr.make(gr.Number, i18n={"label": "vram.layers"}, value=32, precision=0)
                    hidden = tr.make(gr.Number, i18n={"label": "vram.hidden"}, value=4096, precision=0)
                    heads = tr.make(gr.Number, i18n={"label": "vram.heads"}, value=32, precision=0)
                    kv_heads = tr.make(gr.Number, i18n={"label": "vram.kv_heads"}, value=8, precision=0)
                with gr.Row():
                    head_dim = tr.make(gr.Number, i18n={"label": "vram.head_dim"}, value=0, precision=0)
                    intermediate = tr.make(gr.Number, i18n={"label": "vram.intermediate"}, value=14336, precision=0)
                    vocab = tr.make(gr.Number, i18n={"label": "vram.vocab"}, value=128256, precision=0)
                    tied = tr.make(gr.Checkbox, i18n={"label": "vram.tied"}, value=False)
            tr.items.append((shape_acc, {"label": "vram.shape"}))
            mode = tr.make(gr.Radio, i18n={"label": "vram.mode"}, choices=["inference", "training"], value="inference")
            with gr.Row():
                weight_format = tr.make(gr.Dropdown, i18n={"label": "vram.format"},
                                        choices=[(f.label, f.key) for f in vram.FORMATS], value="bf16")
                kv_dtype = tr.make(gr.Dropdown, i18n={"label": "vram.kv_dtype"},
                                   choices=["auto", *vram.KV_DTYPE_BYTES], value="auto")
            with gr.Row():
                context = tr.make(gr.Number, i18n={"label": "vram.context"}, value=4096, precision=0)
                batch = tr.make(gr.Number, i18n={"label": "vram.batch"}, value=1, precision=0)
            with gr.Accordion("Training", open=False) as train_acc:
                with gr.Row():
                    method = tr.make(gr.Radio, i18n={"label": "vram.method"}, choices=list(vram.METHODS), value="full")
                    lora_rank = tr.make(gr.Number, i18n={"label": "vram.rank"}, value=16, precision=0)
                    optimizer = tr.make(gr.Dropdown, i18n={"label": "vram.optimizer"}, choices=list(vram.OPTIMIZERS),
                                        value="adamw")
                with gr.Row():
                    mixed = tr.make(gr.Checkbox, i18n={"label": "vram.mixed"}, value=True)
                    flash = tr.make(gr.Checkbox, i18n={"label": "vram.flash"}, value=True)
                    fused_ce = tr.make(gr.Checkbox, i18n={"label": "vram.fused_ce"}, value=False)
                checkpointing = tr.make(gr.Radio, i18n={"label": "vram.checkpointing"}, choices=list(vram.CHECKPOINTING),
                                        value="none")
                with gr.Row():
                    accum = tr.make(gr.Number, i18n={"label": "vram.accum"}, value=1, precision=0)
                    # A number (documented as such on the API page): 0, 3 and 3.0 are all accepted.
                    zero = tr.make(gr.Number, i18n={"label": "vram.zero"}, value=0, precision=0, minimum=0,
                                   maximum=3, step=1)
                    offload = tr.make(gr.Checkbox, i18n={"label": "vram.offload"}, value=False)
            tr.items.append((train_acc, {"label": "vram.training"}))
            hardware = tr.make(gr.Dropdown, i18n={"label": "vram.hardware"}, choices=hw_mod.choices(), value="t4")
            with gr.Row():
                custom_gb = tr.make(gr.Number, i18n={"label": "vram.custom_gb"}, value=24)
                n_gpus = tr.make(gr.Number, i18n={"label": "vram.gpus"}, value=1, precision=0)
                share = tr.make(gr.Number, i18n={"label": "vram.share"}, value=0)
            go_btn = tr.make(gr.Button, i18n={"value": "vram.estimate"}, variant="primary")
        with gr.Column(scale=3):
            verdict = gr.Markdown()
            chart = gr.Plot(label="chart", elem_id="vram-chart")
            # Wrapped text in fixed column shares: the totals and "fits" stay in view, the change is never cut.
            fixes = tr.make(gr.Dataframe, i18n={"label": "vram.fixes"}, headers=FIX_HEADERS, interactive=False,
                            wrap=True, column_widths=["60%", "28%", "12%"], visible=False, elem_id="vram-fixes")
    with gr.Accordion("How this is computed", open=False) as how_acc:
        gr.Markdown(formulas_markdown())
    tr.items.append((how_acc, {"label": "vram.how"}))
    with gr.Accordion("Measured against estimated", open=False) as measure_acc:
        with gr.Row():
            m_kind = tr.make(gr.Radio, i18n={"label": "vram.measure_kind"}, choices=["inference", "training"],
                             value="inference")
            m_context = tr.make(gr.Number, i18n={"label": "vram.measure_context"}, value=256, precision=0)
            m_btn = tr.make(gr.Button, i18n={"value": "vram.measure"})
        m_text = gr.Markdown()
        m_json = gr.JSON(label="measurement")
    tr.items.append((measure_acc, {"label": "vram.measure_title"}))
    code = code_box(ctx)
    result = json_box(ctx)

    # The tab's own model field (a name), not the session's choice: an estimate never loads weights.
    inputs = [model, source, params_b, layers, hidden, heads, kv_heads, head_dim, intermediate, vocab, tied, mode,
              weight_format, context, batch, kv_dtype, method, lora_rank, optimizer, mixed, checkpointing, flash,
              fused_ce, accum, zero, offload, hardware, custom_gb, n_gpus, share]
    outputs = [verdict, chart, fixes, code, result]

    def then_show_fixes(event: Any) -> None:
        event.then(fixes_visibility, result, fixes, api_visibility="private", queue=False, show_progress="hidden")

    then_show_fixes(go_btn.click(friendly(vram_estimate), inputs, outputs, api_name="vram_estimate",
                                 concurrency_limit=None))
    for component in inputs:  # live update, the model field included (it follows the bar)
        then_show_fixes(component.change(friendly(vram_estimate), inputs, outputs, api_visibility="private",
                                         show_progress="hidden", concurrency_limit=None))
    source.change(source_fields, source, [model, params_b, shape_acc], api_visibility="private", queue=False,
                  show_progress="hidden")
    if ctx.model_picker is not None:  # follow the bar; the field's own choices never flow back to it
        ctx.model_picker.change(follow_bar, ctx.model_picker, model, api_visibility="private", queue=False,
                                show_progress="hidden")
    if ctx.demo is not None:  # the default question answered as the page opens (pure arithmetic, no weights)
        then_show_fixes(ctx.demo.load(friendly(vram_estimate), inputs, outputs, api_visibility="private",
                                      show_progress="hidden"))
    # The measurement runs the session's own model choice (the bar), the one other tabs run too.
    ctx.after_model(m_btn.click(friendly(vram_measure), [ctx.model, m_kind, m_context], [m_text, m_json],
                                api_name="vram_measure"))
