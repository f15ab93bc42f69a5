"""The "How this is computed" table of the VRAM Calculator in 繁體中文 and 简体中文 (English: the core's
`FORMULAS`). String table only; formulas keep their symbols, sources stay as cited."""

from __future__ import annotations

from playground.core.vram import FORMULAS
from playground.i18n import register

_ZH: dict[str, tuple[str, str, str, str]] = {  # key: (what 繁, formula 繁, what 简, formula 简)
    "units": (
        "單位",
        "GB = 10^9 位元組，GiB = 2^30 位元組；每個數字兩者都列",
        "单位",
        "GB = 10^9 字节，GiB = 2^30 字节；每个数字两者都列",
    ),
    "params": (
        "參數量",
        "嵌入 + 各區塊 + 最後的正規化 + lm_head（共用時只算一次），由設定檔在 meta 裝置上以 AutoModelForCausalLM 建出",
        "参数量",
        "嵌入 + 各区块 + 最后的归一化 + lm_head（共享时只算一次），由配置在 meta 设备上以 AutoModelForCausalLM 建出",
    ),
    "w16": (
        "權重，16/32 位元",
        "P x 2（fp16/bf16）或 P x 4（fp32）：8B -> 16 GB / 32 GB",
        "权重，16/32 位",
        "P x 2（fp16/bf16）或 P x 4（fp32）：8B -> 16 GB / 32 GB",
    ),
    "wquant": (
        "權重，bitsandbytes/GPTQ/AWQ/fp8",
        "線性層參數 x 位元數/8（+ 縮放值）+ 嵌入、正規化、lm_head 維持 16 位元；"
        "NF4 4.5 位元（雙重量化 4.127），GPTQ/AWQ 4 + 20/128 位元",
        "权重，bitsandbytes/GPTQ/AWQ/fp8",
        "线性层参数 x 位数/8（+ 缩放值）+ 嵌入、归一化、lm_head 保持 16 位；"
        "NF4 4.5 位（双重量化 4.127），GPTQ/AWQ 4 + 20/128 位",
    ),
    "wgguf": (
        "權重，GGUF",
        "P x 每個權重的位元數 / 8，嵌入也量化：Q8_0 8.5、Q6_K 6.5625、Q4_0 4.5、Q4_1 5.0、Q4_K_M ~4.89、"
        "Q5_K_M ~5.70、Q2_K 預設組合 ~3.2",
        "权重，GGUF",
        "P x 每个权重的位数 / 8，嵌入也量化：Q8_0 8.5、Q6_K 6.5625、"
        "Q4_0 4.5、Q4_1 5.0、Q4_K_M ~4.89、Q5_K_M ~5.70、Q2_K 预设组合 ~3.2",
    ),
    "adam": (
        "訓練狀態，混合精度 Adam",
        "2P 權重 + 2P 梯度 + 12P（fp32 主權重、動量、變異數）= 16P；8 位元 Adam 6P、SGD+動量 8P 取代 12P；"
        "全 fp32：4P + 4P + 8P",
        "训练状态，混合精度 Adam",
        "2P 权重 + 2P 梯度 + 12P（fp32 主权重、动量、方差）= 16P；"
        "8 位 Adam 6P、SGD+动量 8P 取代 12P；全 fp32：4P + 4P + 8P",
    ),
    "zero": (
        "每張 GPU 的 ZeRO（N 張 GPU）",
        "階段 1：4P + 12P/N；階段 2：2P + 14P/N；階段 3：16P/N（7.5B，N=64：120 -> 31.4 -> 16.6 -> 1.9 GB）",
        "每张 GPU 的 ZeRO（N 张 GPU）",
        "阶段 1：4P + 12P/N；阶段 2：2P + 14P/N；阶段 3：16P/N（7.5B，N=64：120 -> 31.4 -> 16.6 -> 1.9 GB）",
    ),
    "offload": (
        "ZeRO-Offload",
        "fp32 梯度與最佳化器狀態（Adam 為 16P）移到 CPU 記憶體；GPU 只留 16 位元權重",
        "ZeRO-Offload",
        "fp32 梯度与优化器状态（Adam 为 16P）移到 CPU 内存；GPU 只留 16 位权重",
    ),
    "lora": (
        "LoRA / QLoRA",
        "凍結的基底（16 位元，或雙重量化的 NF4）+ 每個線性層 r x (in + out)，可訓練參數的每參數位元組數相同",
        "LoRA / QLoRA",
        "冻结的基底（16 位，或双重量化的 NF4）+ 每个线性层 r x (in + out)，可训练参数的每参数字节数相同",
    ),
    "act": (
        "每個區塊的激活值",
        "s b [e(h + 3ad + 2 n_kv d) + e(h + 4i) + 2(4h + e h)] + (4 + e) a s^2 b；GPT-3 式的區塊即論文的 "
        "s b h (34 + 5 a s / h) 去掉 dropout 遮罩",
        "每个区块的激活值",
        "s b [e(h + 3ad + 2 n_kv d) + e(h + 4i) + 2(4h + e h)] "
        "+ (4 + e) a s^2 b；GPT-3 式的区块即论文的 s b h (34 + 5 a s / h) 去掉 dropout 掩码",
    ),
    "flash": (
        "FlashAttention / 選擇性重算",
        "去掉 a s^2 b 項：記憶體與 s 成線性",
        "FlashAttention / 选择性重算",
        "去掉 a s^2 b 项：内存与 s 成线性",
    ),
    "ckpt": (
        "完整檢查點",
        "L x e s b h（每個區塊的輸入）+ 重算時一個區塊的激活值（計算量多約 33%）",
        "完整检查点",
        "L x e s b h（每个区块的输入）+ 重算时一个区块的激活值（计算量多约 33%）",
    ),
    "logits": (
        "Logits（訓練）",
        "b s V (e + 4 + 4)：logits、其 fp32 副本、log-softmax/梯度；融合交叉熵只留約 b s h (4 + e)",
        "Logits（训练）",
        "b s V (e + 4 + 4)：logits、其 fp32 副本、log-softmax/梯度；融合交叉熵只留约 b s h (4 + e)",
    ),
    "kv": (
        "KV 快取",
        "2 x L x n_kv x d x s x b x 每個元素的位元組數；滑動視窗層只存 min(s, window)",
        "KV 缓存",
        "2 x L x n_kv x d x s x b x 每个元素的字节数；滑动窗口层只存 min(s, window)",
    ),
    "overhead": (
        "執行期開銷",
        "CUDA context 約 0.5 GiB（實測 0.3-1 GiB）；不含配置器碎片",
        "运行时开销",
        "CUDA context 约 0.5 GiB（实测 0.3-1 GiB）；不含分配器碎片",
    ),
    "batch": (
        "全域批次",
        "微批次 x 累積步數 x 資料平行 GPU 數 條序列（x s 個詞元）",
        "全局批次",
        "微批次 x 累积步数 x 数据并行 GPU 数 条序列（x s 个词元）",
    ),
    "speed": (
        "速度上限（推論）",
        "每秒詞元數 <= 頻寬 / （每步讀取的權重位元組 + KV 快取位元組）",
        "速度上限（推理）",
        "每秒词元数 <= 带宽 / （每步读取的权重字节 + KV 缓存字节）",
    ),
}

for _f in FORMULAS:
    _what_hant, _formula_hant, _what_hans, _formula_hans = _ZH[_f.key]
    register(
        {
            f"vram.formula.{_f.key}.what": (_f.what, _what_hant, _what_hans),
            f"vram.formula.{_f.key}.formula": (_f.formula, _formula_hant, _formula_hans),
        }
    )
