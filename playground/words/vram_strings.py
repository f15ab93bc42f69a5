"""The VRAM Calculator's words in English, 繁體中文 and 简体中文: labels, choices, table headers, the verdict,
changes and notes (keyed by the core's codes), the page's Markdown lines and the measurement summary.

String tables only, registered with playground.i18n at import; playground.words.vram and playground.words.vram_page
word results with them. The formulas' translations: playground.words.vram_formulas.
"""

from __future__ import annotations

from playground.i18n import register

register(
    {
        "vram.title": ("VRAM Calculator", "VRAM 計算機", "VRAM 计算器"),
        "vram.intro": (
            "Will the model run, or train, on this hardware? Every figure is in bytes; **GB = 10^9 bytes, "
            "GiB = 2^30 bytes**, and both are shown. Nothing here loads weights, except the measurement button.",
            "這個模型能在這台硬體上執行或訓練嗎？所有數字以位元組計算；**GB = 10^9 位元組，GiB = 2^30 位元組**，兩者"
            "都會列出。"
            "除了量測按鈕，這裡不會載入任何權重。",
            "这个模型能在这台硬件上运行或训练吗？所有数字以字节计算；**GB = 10^9 字节，GiB = 2^30 字节**，两者都会列"
            "出。"
            "除了测量按钮，这里不会加载任何权重。",
        ),
        "vram.source": ("Model from", "模型來源", "模型来源"),
        "vram.model": ("Model to estimate", "要估算的模型", "要估算的模型"),
        "vram.model_info": (
            "Follows the model bar; a model chosen here only reads its config (no weights, the bar keeps its model).",
            "跟隨上方的模型列；在這裡選的模型只讀設定檔（不載入權重，模型列的模型不變）。",
            "跟随上方的模型栏；在这里选的模型只读配置文件（不加载权重，模型栏的模型不变）。",
        ),
        "vram.params_b": ("Parameters (billions)", "參數量（十億）", "参数量（十亿）"),
        "vram.layers": ("Layers", "層數", "层数"),
        "vram.hidden": ("Hidden size", "隱藏維度", "隐藏维度"),
        "vram.heads": ("Attention heads", "注意力頭數", "注意力头数"),
        "vram.kv_heads": ("Key/value heads (0 = same)", "鍵/值頭數（0 = 相同）", "键/值头数（0 = 相同）"),
        "vram.head_dim": (
            "Head dimension (0 = hidden / heads)",
            "每頭維度（0 = 隱藏維度 / 頭數）",
            "每头维度（0 = 隐藏维度 / 头数）",
        ),
        "vram.intermediate": (
            "MLP width (0 = 8/3 hidden)",
            "MLP 寬度（0 = 8/3 隱藏維度）",
            "MLP 宽度（0 = 8/3 隐藏维度）",
        ),
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
        "vram.mixed": (
            "Mixed precision (16-bit compute, fp32 master weights)",
            "混合精度（16 位元計算，fp32 主權重）",
            "混合精度（16 位计算，fp32 主权重）",
        ),
        "vram.checkpointing": ("Gradient checkpointing", "梯度檢查點", "梯度检查点"),
        "vram.flash": ("FlashAttention", "FlashAttention", "FlashAttention"),
        "vram.fused_ce": ("Fused cross-entropy (Liger)", "融合交叉熵（Liger）", "融合交叉熵（Liger）"),
        "vram.accum": ("Gradient accumulation steps", "梯度累積步數", "梯度累积步数"),
        "vram.zero": ("ZeRO stage", "ZeRO 階段", "ZeRO 阶段"),
        "vram.offload": ("CPU offload (ZeRO-Offload)", "卸載到 CPU（ZeRO-Offload）", "卸载到 CPU（ZeRO-Offload）"),
        "vram.hardware": ("Hardware", "硬體", "硬件"),
        "vram.custom_gb": ("Custom memory per device (GB)", "自訂每台裝置記憶體（GB）", "自定义每台设备内存（GB）"),
        "vram.gpus": ("Devices (GPUs)", "裝置數（GPU）", "设备数（GPU）"),
        "vram.share": (
            "Apple: GPU share of unified memory (0 = default)",
            "Apple：GPU 可用的統一記憶體比例（0 = 預設）",
            "Apple：GPU 可用的统一内存比例（0 = 默认）",
        ),
        "vram.estimate": ("Estimate", "估算", "估算"),
        "vram.fixes": ("Cheapest changes that would make it fit", "能放得下的最便宜改法", "能放得下的最便宜改法"),
        "vram.how": ("How this is computed", "計算方式", "计算方式"),
        "vram.measure_title": (
            "Measured against estimated (the model bar's model, on this server)",
            "實測與估算（模型列的模型，在這台伺服器上）",
            "实测与估算（模型栏的模型，在这台服务器上）",
        ),
        "vram.measure_kind": ("What to measure", "量測什麼", "测量什么"),
        "vram.measure_context": ("Tokens", "詞元數", "词元数"),
        "vram.chart": ("chart", "圖表", "图表"),
        "vram.measure": ("Measure", "量測", "测量"),
        "vram.measurement": ("measurement", "量測結果", "测量结果"),
        # choices: "vram.choice.<value>"
        "vram.choice.model": ("a named model", "指名的模型", "指定名称的模型"),
        "vram.choice.count": ("a parameter count", "參數量", "参数量"),
        "vram.choice.shape": ("a full shape", "完整形狀", "完整形状"),
        "vram.choice.inference": ("inference", "推論", "推理"),
        "vram.choice.training": ("training", "訓練", "训练"),
        "vram.choice.full": ("full", "全參數", "全参数"),
        "vram.choice.lora": ("lora", "LoRA", "LoRA"),
        "vram.choice.qlora": ("qlora", "QLoRA", "QLoRA"),
        "vram.choice.adamw": ("adamw", "AdamW", "AdamW"),
        "vram.choice.adamw8bit": ("adamw8bit", "8 位元 AdamW", "8 位 AdamW"),
        "vram.choice.sgd": ("sgd", "SGD（含動量）", "SGD（含动量）"),
        "vram.choice.none": ("none", "不用", "不用"),
        "vram.choice.selective": ("selective", "選擇性", "选择性"),
        # the page's results
        "vram.h.change": ("change", "改法", "改法"),
        "vram.h.total": ("new total per device", "每台裝置新總量", "每台设备新总量"),
        "vram.h.fits": ("fits", "放得下", "放得下"),
        "vram.yes": ("yes", "是", "是"),
        "vram.no": ("no", "否", "否"),
        "vram.h.per_device": ("per device", "每台裝置", "每台设备"),
        "vram.h.gb": ("GB (1e9 bytes)", "GB（1e9 位元組）", "GB（1e9 字节）"),
        "vram.h.gib": ("GiB (2^30 bytes)", "GiB（2^30 位元組）", "GiB（2^30 字节）"),
        "vram.md.end": (".", "。", "。"),
        "vram.h.what": ("what", "項目", "项目"),
        "vram.h.formula": ("formula", "公式", "公式"),
        "vram.h.source": ("source", "出處", "出处"),
        "vram.part.weights": ("weights", "權重", "权重"),
        "vram.part.gradients": ("gradients", "梯度", "梯度"),
        "vram.part.optimizer": ("optimizer states", "最佳化器狀態", "优化器状态"),
        "vram.part.activations": ("activations", "激活值", "激活值"),
        "vram.part.logits": ("logits", "logits", "logits"),
        "vram.part.kv_cache": ("KV cache", "KV 快取", "KV 缓存"),
        "vram.part.overhead": ("runtime overhead", "執行期開銷", "运行时开销"),
        "vram.part.total": ("total", "總計", "总计"),
        "vram.part.loading": ("loading (checkpoint)", "載入（檢查點）", "加载（检查点）"),
        "vram.part.offload": ("offloaded states", "卸載的狀態", "卸载的状态"),
        "vram.part.cpu": ("CPU RAM", "CPU 記憶體", "CPU 内存"),
        "vram.part.usable": ("usable", "可用", "可用"),
        "vram.chart_title": (
            "Memory per device, GB (1 GB = 1e9 bytes): {total:.2f} GB per GPU",
            "每台裝置的記憶體，GB（1 GB = 1e9 位元組）：每張 GPU {total:.2f} GB",
            "每台设备的内存，GB（1 GB = 1e9 字节）：每张 GPU {total:.2f} GB",
        ),
        "vram.md.model": ("**{name}**: {n:,} parameters", "**{name}**：{n:,} 個參數", "**{name}**：{n:,} 个参数"),
        "vram.md.trainable": (", {n:,} trainable", "，其中 {n:,} 個可訓練", "，其中 {n:,} 个可训练"),
        "vram.md.device": ("; {device}: {usable} per device", "；{device}：每台 {usable}", "；{device}：每台 {usable}"),
        "vram.md.marketed": (" (marketed {gb:g} GB)", "（標示 {gb:g} GB）", "（标称 {gb:g} GB）"),
        "vram.md.batch": (
            "Global batch: {seqs:,} sequences = {tokens:,} tokens (micro-batch {batch} x {accum} accumulation "
            "steps x {gpus} GPUs).",
            "全域批次：{seqs:,} 條序列 = {tokens:,} 個詞元（微批次 {batch} x 累積 {accum} 步 x {gpus} 張 GPU）。",
            "全局批次：{seqs:,} 条序列 = {tokens:,} 个词元（微批次 {batch} x 累积 {accum} 步 x {gpus} 张 GPU）。",
        ),
        "vram.md.offload": (
            "CPU RAM for offloaded states (all GPUs together): {bytes}.",
            "卸載狀態所需的 CPU 記憶體（所有 GPU 合計）：{bytes}。",
            "卸载状态所需的 CPU 内存（所有 GPU 合计）：{bytes}。",
        ),
        "vram.md.loading": (
            "CPU RAM to load the checkpoint without memory-mapping: up to {bytes}.",
            "不用記憶體映射載入檢查點所需的 CPU 記憶體：最多 {bytes}。",
            "不用内存映射加载检查点所需的 CPU 内存：最多 {bytes}。",
        ),
        "vram.md.speed": (
            "Speed ceiling: **≤ {tps:,.1f} tokens/s** per sequence ({batch_tps:,.1f} for the batch) = {bw:,.0f} GB/s / "
            "{step} read per token (weights + KV cache).",
            "速度上限：每條序列 **≤ {tps:,.1f} 詞元/秒**（整批 {batch_tps:,.1f}）= {bw:,.0f} GB/s / 每個詞元讀取 "
            "{step}（權重 + KV 快取）。",
            "速度上限：每条序列 **≤ {tps:,.1f} 词元/秒**（整批 {batch_tps:,.1f}）= {bw:,.0f} GB/s / 每个词元读取 "
            "{step}（权重 + KV 缓存）。",
        ),
        "vram.md.nothing": ("Nothing to change: it fits as it is.", "不必改：原樣就放得下。", "不必改：原样就放得下。"),
        "vram.md.no_fix": (
            "No change listed here makes it fit.",
            "這裡列出的改法都放不下。",
            "这里列出的改法都放不下。",
        ),
        "vram.m.summary": (
            "**{kind}**, {name} ({where}), {context:,} tokens: measured **{measured}**, estimated **{estimated}** "
            "({diff:+.1%}). Measured as {method}; took {seconds:.1f} s.",
            "**{kind}**，{name}（{where}），{context:,} 個詞元：實測 **{measured}**，估算 **{estimated}**（"
            "{diff:+.1%}）。"
            "量測方式：{method}；耗時 {seconds:.1f} 秒。",
            "**{kind}**，{name}（{where}），{context:,} 个词元：实测 **{measured}**，估算 **{estimated}**（"
            "{diff:+.1%}）。"
            "测量方式：{method}；耗时 {seconds:.1f} 秒。",
        ),
        "vram.m.where": ("{dtype} on {device}", "{dtype}，在 {device} 上", "{dtype}，在 {device} 上"),
        "vram.m.copy": (
            " The training step ran on a private copy of the weights.",
            "訓練步驟是在權重的私有副本上執行的。",
            "训练步骤是在权重的私有副本上运行的。",
        ),
        "vram.m.rss": ("process RSS, sampled every 1 ms", "每 1 毫秒取樣的行程 RSS", "每 1 毫秒采样的进程 RSS"),
        "vram.m.vmhwm": (
            "peak process RSS (VmHWM) growth + bytes of the loaded weights",
            "行程 RSS 峰值（VmHWM）的增量 + 已載入權重的位元組數",
            "进程 RSS 峰值（VmHWM）的增量 + 已加载权重的字节数",
        ),
        "vram.m.cuda": (
            "torch.cuda.max_memory_allocated growth + bytes of the loaded weights",
            "torch.cuda.max_memory_allocated 的增量 + 已載入權重的位元組數",
            "torch.cuda.max_memory_allocated 的增量 + 已加载权重的字节数",
        ),
    }
)

register(
    {
        "vram.v.fits": (
            "Fits: {total} per device of {usable} on {where} ({share} used, {free} free).",
            "放得下：每台裝置 {total}，{where} 可用 {usable}（用掉 {share}，剩 {free}）。",
            "放得下：每台设备 {total}，{where} 可用 {usable}（用掉 {share}，剩 {free}）。",
        ),
        "vram.v.over": (
            "Does not fit: {total} per device, {over} more than the {usable} of {where}.",
            "放不下：每台裝置 {total}，比 {where} 的 {usable} 多 {over}。",
            "放不下：每台设备 {total}，比 {where} 的 {usable} 多 {over}。",
        ),
        "vram.v.never": (
            " No number of these devices holds it (the activations alone are too large).",
            "再多台這種裝置也放不下（光是激活值就太大）。",
            "再多台这种设备也放不下（光是激活值就太大）。",
        ),
        "vram.v.needs": (" Needs {n} of them {how}.", "需要 {n} 台，{how}。", "需要 {n} 台，{how}。"),
        "vram.split.layers": ("with the layers split across them", "把各層分到各台上", "把各层分到各台上"),
        "vram.split.zero3": ("with ZeRO-3", "使用 ZeRO-3", "使用 ZeRO-3"),
        "vram.on.layers": ("the layers split across them", "各層分到各台", "各层分到各台"),
        "vram.on.zero3": ("ZeRO-3", "ZeRO-3", "ZeRO-3"),
        "vram.c.devices": ("{n} x {device} ({how}): ", "{n} x {device}（{how}）：", "{n} x {device}（{how}）："),
        "vram.c.still": ("still too large with all of: ", "全部改了仍然太大：", "全部改了仍然太大："),
        "vram.c.kv_fp8": ("KV cache in fp8", "KV 快取改用 fp8", "KV 缓存改用 fp8"),
        "vram.c.flash_kernels": (
            "FlashAttention / SDPA kernels",
            "使用 FlashAttention / SDPA 核心",
            "使用 FlashAttention / SDPA 内核",
        ),
        "vram.c.weight_format": ("weights in {label}", "權重改用 {label}", "权重改用 {label}"),
        "vram.c.batch_1": ("batch 1", "批次改為 1", "批次改为 1"),
        "vram.c.fused_ce": (
            "fused cross-entropy (Liger): no full logits",
            "融合交叉熵（Liger）：不產生完整 logits",
            "融合交叉熵（Liger）：不生成完整 logits",
        ),
        "vram.c.flash": ("FlashAttention", "使用 FlashAttention", "使用 FlashAttention"),
        "vram.c.selective": ("selective activation recomputation", "選擇性重算激活值", "选择性重算激活值"),
        "vram.c.full_checkpointing": (
            "full gradient checkpointing (~33% more compute)",
            "完整梯度檢查點（計算量多約 33%）",
            "完整梯度检查点（计算量多约 33%）",
        ),
        "vram.c.micro_batch_1": (
            "micro-batch 1 with {steps} accumulation steps (same global batch)",
            "微批次 1，累積 {steps} 步（全域批次不變）",
            "微批次 1，累积 {steps} 步（全局批次不变）",
        ),
        "vram.c.adam8bit": ("8-bit Adam", "8 位元 Adam", "8 位 Adam"),
        "vram.c.zero": (
            "ZeRO-{stage} over {n_gpus} GPUs",
            "在 {n_gpus} 張 GPU 上用 ZeRO-{stage}",
            "在 {n_gpus} 张 GPU 上用 ZeRO-{stage}",
        ),
        "vram.c.offload": (
            "ZeRO-Offload: optimizer states and gradients in CPU RAM",
            "ZeRO-Offload：最佳化器狀態與梯度放在 CPU 記憶體",
            "ZeRO-Offload：优化器状态与梯度放在 CPU 内存",
        ),
        "vram.c.lora": ("LoRA rank {rank}", "LoRA，秩 {rank}", "LoRA，秩 {rank}"),
        "vram.c.qlora": (
            "QLoRA (NF4 base) rank {rank}",
            "QLoRA（NF4 基底），秩 {rank}",
            "QLoRA（NF4 基底），秩 {rank}",
        ),
        "vram.c.context": (
            "context {tokens:,} tokens instead of {was:,}",
            "上下文改為 {tokens:,} 個詞元（原本 {was:,}）",
            "上下文改为 {tokens:,} 个词元（原本 {was:,}）",
        ),
        "vram.c.context_max": (
            "context {tokens:,} tokens (the most that fits) instead of {was:,}",
            "上下文改為 {tokens:,} 個詞元（放得下的最大值，原本 {was:,}）",
            "上下文改为 {tokens:,} 个词元（放得下的最大值，原本 {was:,}）",
        ),
        "vram.c.nothing_else": ("no other change", "其他不變", "其他不变"),
        "vram.n.assumed_shape": (
            "Only a parameter count was given: the KV cache and activations use a guessed Llama-like shape ({n_layers} "
            "layers, hidden {hidden}, no GQA). Enter the full shape for exact figures.",
            "只給了參數量：KV 快取與激活值用的是猜測的類 Llama 形狀（{n_layers} 層，隱藏維度 {hidden}，無 GQA）。輸入"
            "完整形狀可得精確數字。",
            "只给了参数量：KV 缓存与激活值用的是猜测的类 Llama 形状（{n_layers} 层，隐藏维度 {hidden}，无 GQA）。输入"
            "完整形状可得精确数字。",
        ),
        "vram.n.no_bf16": (
            "{device} has no native bf16 (compute capability < 8.0): use fp16.",
            "{device} 不原生支援 bf16（計算能力 < 8.0）：請用 fp16。",
            "{device} 不原生支持 bf16（计算能力 < 8.0）：请用 fp16。",
        ),
        "vram.n.no_fp8": (
            "{device} has no fp8 tensor cores: fp8 is stored, then upcast to compute.",
            "{device} 沒有 fp8 張量核心：以 fp8 儲存，計算時再升精度。",
            "{device} 没有 fp8 张量核心：以 fp8 存储，计算时再升精度。",
        ),
        "vram.n.cuda_only_format": (
            "{label} runs on CUDA; use a GGUF format with llama.cpp here.",
            "{label} 只能在 CUDA 上執行；這裡請用 llama.cpp 的 GGUF 格式。",
            "{label} 只能在 CUDA 上运行；这里请用 llama.cpp 的 GGUF 格式。",
        ),
        "vram.n.unified_memory": (
            "Unified memory: the GPU may use {share:.0%} of {ram:.0f} GiB by default; the rest stays with macOS and "
            "your apps.",
            "統一記憶體：GPU 預設最多可用 {ram:.0f} GiB 的 {share:.0%}；其餘留給 macOS 與其他程式。",
            "统一内存：GPU 默认最多可用 {ram:.0f} GiB 的 {share:.0%}；其余留给 macOS 与其他程序。",
        ),
        "vram.n.weights_exceed_unified": (
            "The weights alone ({need}) exceed what the GPU may use; loading them into {ram:.0f} GiB of unified memory "
            "gets the process killed or swapping.",
            "光是權重（{need}）就超過 GPU 可用的量；載入 {ram:.0f} GiB 的統一記憶體會讓程式被終止或大量換頁。",
            "光是权重（{need}）就超过 GPU 可用的量；加载到 {ram:.0f} GiB 的统一内存会让进程被终止或大量换页。",
        ),
        "vram.n.cpu_ram_loading": (
            "Loading without memory-mapping can need {need} of CPU RAM; the chosen hardware ({device}) comes with "
            "{host} "
            "of system RAM. safetensors loads straight to the GPU with device_map.",
            "不用記憶體映射載入可能需要 {need} 的 CPU 記憶體；所選硬體（{device}）只配 {host} 的系統記憶體。"
            "safetensors 搭配 device_map 可直接載入到 GPU。",
            "不用内存映射加载可能需要 {need} 的 CPU 内存；所选硬件（{device}）只配 {host} 的系统内存。"
            "safetensors 搭配 device_map 可直接加载到 GPU。",
        ),
    }
)
