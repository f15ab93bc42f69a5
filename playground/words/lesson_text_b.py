"""Words of the lessons' later chapters (what is inside, embeddings, the logit lens, memory): per step, its
title, explanation, question, options, claims and reveal in English, 繁體中文 and 简体中文.

A string table only: playground.words.lessons registers it. Each claim's text must say what the claim's
check in playground.core.lessons tests, and nothing more.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, tuple[str, str, str]]] = {
    "inside.params": {
        "title": ("What is inside: the parameters", "模型裡面有什麼：參數", "模型里面有什么：参数"),
        "text": (
            "model.named_parameters() lists every weight matrix: the embedding table, the same block once per "
            "layer, the final norm and the LM head.",
            "model.named_parameters() 列出每個權重矩陣：嵌入表、每層一個相同的區塊、最後的正規化層和 LM head。",
            "model.named_parameters() 列出每个权重矩阵：嵌入表、每层一个相同的模块、最后的归一化层和 LM head。",
        ),
        "question": (
            "How many million parameters does this lesson's model have?",
            "這堂課的模型有幾百萬個參數？",
            "这堂课的模型有几百万个参数？",
        ),
        "claim.tied": (
            "SmolLM2 ties its LM head to the embedding table: the head adds no parameters of its own.",
            "SmolLM2 的 LM head 與嵌入表共用權重：LM head 沒有自己的參數。",
            "SmolLM2 的 LM head 与嵌入表共享权重：LM head 没有自己的参数。",
        ),
        "claim.untied": (
            "Qwen keeps a separate LM head, exactly as large as its embedding table.",
            "Qwen 有獨立的 LM head，大小和嵌入表完全一樣。",
            "Qwen 有独立的 LM head，大小和嵌入表完全一样。",
        ),
        "claim.embedding": (
            "The embedding table has vocabulary × d_model parameters.",
            "嵌入表有「詞彙量 × d_model」個參數。",
            "嵌入表有“词表大小 × d_model”个参数。",
        ),
        "claim.layers": ("There are 20 or more layers.", "共有 20 層以上。", "共有 20 层以上。"),
        "reveal": (
            "A small model spends a large share of its parameters on the embedding table; the rest is the same "
            "layer repeated.",
            "小模型有很大一部分參數花在嵌入表上；其餘是同一種層的重複。",
            "小模型有很大一部分参数花在嵌入表上；其余是同一种层的重复。",
        ),
    },
    "embeddings.apple": {
        "title": ("Embeddings: apple", "嵌入：apple", "嵌入：apple"),
        "text": (
            "Each token id picks one row of the embedding table, a vector of d_model numbers. Tokens used in "
            "similar ways end up with similar vectors.",
            "每個詞元編號選出嵌入表的一列，也就是 d_model 個數字的向量。用法相似的詞元，向量也相似。",
            "每个词元编号选出嵌入表的一行，也就是 d_model 个数字的向量。用法相似的词元，向量也相似。",
        ),
        "question": ("Which tokens are nearest to “apple”?", "哪些詞元最接近「apple」？", "哪些词元最接近“apple”？"),
        "option.fruits": ("Other fruits", "其他水果", "其他水果"),
        "option.forms": (
            "Other forms of apple (Apple, apples, …)",
            "apple 的其他寫法（Apple、apples…）",
            "apple 的其他写法（Apple、apples…）",
        ),
        "option.random": ("Unrelated tokens", "不相關的詞元", "不相关的词元"),
        "claim.forms": (
            "“Apple” and “ apple” (with a space) are among the 10 nearest.",
            "「Apple」和帶空格的「 apple」都在最接近的 10 個裡。",
            "“Apple”和带空格的“ apple”都在最接近的 10 个里。",
        ),
        "claim.chinese": (
            "苹果 is among the 10 nearest.",
            "「苹果」也在最接近的 10 個裡。",
            "“苹果”也在最接近的 10 个里。",
        ),
        "reveal": (
            "The nearest vectors are other spellings of the same word: the table learned that they are used alike.",
            "最接近的向量是同一個字的其他寫法：嵌入表學到了它們用法相同。",
            "最接近的向量是同一个词的其他写法：嵌入表学到了它们用法相同。",
        ),
    },
    "embeddings.wang": {
        "title": ("Embeddings: 王", "嵌入：王", "嵌入：王"),
        "text": (
            "王 means king, and it is a common surname. What is near it depends on whether the tokenizer has a "
            "token for it.",
            "「王」是國王，也是常見的姓。它附近有什麼，取決於分詞器有沒有它的詞元。",
            "“王”是国王，也是常见的姓。它附近有什么，取决于分词器有没有它的词元。",
        ),
        "question": ("What will the nearest tokens be?", "最接近的詞元會是什麼？", "最接近的词元会是什么？"),
        "option.names": ("Related words and other surnames", "相關的字和其他姓氏", "相关的字和其他姓氏"),
        "option.bytes": (
            "Nonsense: 王 is cut into byte pieces",
            "沒有意義：王被拆成位元組片段",
            "没有意义：王被拆成字节片段",
        ),
        "claim.bytes": (
            "SmolLM2 has no token for 王: it is cut into byte pieces.",
            "SmolLM2 沒有「王」的詞元：它被拆成位元組片段。",
            "SmolLM2 没有“王”的词元：它被拆成字节片段。",
        ),
        "claim.names": (
            "Qwen has a token for 王, and the surnames 李 and 刘 are among its 10 nearest.",
            "Qwen 有「王」的詞元，姓氏「李」和「刘」都在最接近的 10 個裡。",
            "Qwen 有“王”的词元，姓氏“李”和“刘”都在最接近的 10 个里。",
        ),
        "reveal": (
            "An embedding is only as good as the token behind it: a word cut into bytes has no vector of its own.",
            "嵌入的好壞取決於背後的詞元：被拆成位元組的字，沒有自己的向量。",
            "嵌入的好坏取决于背后的词元：被拆成字节的字，没有自己的向量。",
        ),
    },
    "lens.paris": {
        "title": ("Hidden states and the logit lens", "隱藏狀態與 logit lens", "隐藏状态与 logit lens"),
        "text": (
            "Each layer adds to one vector per token, the hidden state. The logit lens applies the final norm and "
            "the LM head to every layer's hidden state: what would the model predict if it stopped there?",
            "每一層都會更新每個詞元的向量，也就是隱藏狀態。logit lens 把最後的正規化層和 "
            "LM head 套用到每一層的隱藏狀態上：如果模型停在這一層，它會預測什麼？",
            "每一层都会更新每个词元的向量，也就是隐藏状态。logit lens 把最后的归一化层和 "
            "LM head 应用到每一层的隐藏状态上：如果模型停在这一层，它会预测什么？",
        ),
        "question": (
            "After “The capital of France is”, in which layers does “ Paris” become the prediction?",
            "在「The capital of France is」之後，「 Paris」在哪些層成為預測？",
            "在“The capital of France is”之后，“ Paris”在哪些层成为预测？",
        ),
        "option.early": ("In the first layers", "前面幾層", "前面几层"),
        "option.middle": ("Around the middle", "中間的層", "中间的层"),
        "option.late": ("Only in the last layers", "只有最後幾層", "只有最后几层"),
        "claim.final": ("The last layer predicts “ Paris”.", "最後一層預測「 Paris」。", "最后一层预测“ Paris”。"),
        "claim.late": (
            "In the middle layer, “ Paris” is not even among the 100 most likely tokens.",
            "在中間那一層，「 Paris」連前 100 名都排不進去。",
            "在中间那一层，“ Paris”连前 100 名都排不进去。",
        ),
        "reveal": (
            "The answer takes shape only in the last layers; the chart shows each layer's top token.",
            "答案到最後幾層才成形；圖表顯示每一層的第一名詞元。",
            "答案到最后几层才成形；图表显示每一层的第一名词元。",
        ),
    },
    "memory.fp16": {
        "title": ("fp32 and fp16", "fp32 與 fp16", "fp32 与 fp16"),
        "text": (
            "A parameter takes 4 bytes in fp32 and 2 in fp16 or bf16. The calculator counts an 8-billion-parameter "
            "model on a T4 (16 GB).",
            "每個參數在 fp32 佔 4 位元組，在 fp16 或 bf16 佔 2 "
            "位元組。計算機估算一個 80 億參數的模型放在 T4（16 GB）上。",
            "每个参数在 fp32 占 4 字节，在 fp16 或 bf16 占 2 字节。计算器估算一个 80 亿参数的模型放在 T4（16 GB）上。",
        ),
        "question": (
            "How many GB do the weights of an 8B model take in bf16?",
            "8B 模型的權重在 bf16 下佔幾 GB？",
            "8B 模型的权重在 bf16 下占几 GB？",
        ),
        "claim.half": (
            "In fp32 the weights take 32 GB, twice the 16 GB of bf16.",
            "在 fp32 下權重佔 32 GB，是 bf16 的 16 GB 的兩倍。",
            "在 fp32 下权重占 32 GB，是 bf16 的 16 GB 的两倍。",
        ),
        "claim.t4": (
            "Even in bf16 the model does not fit a T4.",
            "即使用 bf16，模型也放不進 T4。",
            "即使用 bf16，模型也放不进 T4。",
        ),
        "reveal": (
            "Parameters × bytes per parameter: the first number to know about any model.",
            "參數量 × 每個參數的位元組數：認識任何模型時第一個要知道的數字。",
            "参数量 × 每个参数的字节数：认识任何模型时第一个要知道的数字。",
        ),
    },
    "memory.adam": {
        "title": ("Training with Adam", "用 Adam 訓練", "用 Adam 训练"),
        "text": (
            "Training keeps more than the weights: a gradient per parameter and, for AdamW in mixed precision, "
            "fp32 master weights and two moments.",
            "訓練要存的不只權重：每個參數一個梯度，而混合精度的 AdamW 還要 fp32 主權重和兩個動量。",
            "训练要存的不只权重：每个参数一个梯度，而混合精度的 AdamW 还要 fp32 主权重和两个动量。",
        ),
        "question": (
            "How many GB do the weights, gradients and optimizer states of an 8B model take?",
            "8B 模型的權重、梯度和優化器狀態共佔幾 GB？",
            "8B 模型的权重、梯度和优化器状态共占几 GB？",
        ),
        "claim.sixteen": (
            "16 bytes per parameter: 128 GB for 8 billion parameters, before any activations.",
            "每個參數 16 位元組：80 億參數就是 128 GB，還沒算激活值。",
            "每个参数 16 字节：80 亿参数就是 128 GB，还没算激活值。",
        ),
        "claim.a100": ("It does not fit one 80 GB A100.", "一張 80 GB 的 A100 放不下。", "一张 80 GB 的 A100 放不下。"),
        "reveal": (
            "2 (bf16 weights) + 2 (gradients) + 12 (fp32 master weights and Adam's two moments) = 16 bytes.",
            "2（bf16 權重）+ 2（梯度）+ 12（fp32 主權重與 Adam 的兩個動量）= 16 位元組。",
            "2（bf16 权重）+ 2（梯度）+ 12（fp32 主权重与 Adam 的两个动量）= 16 字节。",
        ),
    },
    "memory.checkpointing": {
        "title": ("Gradient checkpointing", "梯度檢查點", "梯度检查点"),
        "text": (
            "The backward pass needs the forward pass's activations. Checkpointing keeps only each layer's input "
            "and recomputes the rest during the backward pass.",
            "反向傳播需要前向傳播的激活值。檢查點只保留每層的輸入，其餘在反向傳播時重新計算。",
            "反向传播需要前向传播的激活值。检查点只保留每层的输入，其余在反向传播时重新计算。",
        ),
        "question": ("What does checkpointing make smaller?", "檢查點讓什麼變小？", "检查点让什么变小？"),
        "option.weights": ("The weights", "權重", "权重"),
        "option.activations": ("The activations", "激活值", "激活值"),
        "option.optimizer": ("The optimizer states", "優化器狀態", "优化器状态"),
        "claim.smaller": (
            "Full checkpointing makes the activations more than 10 times smaller.",
            "完整檢查點讓激活值縮小 10 倍以上。",
            "完整检查点让激活值缩小 10 倍以上。",
        ),
        "claim.states": (
            "The weights and the optimizer states do not change.",
            "權重和優化器狀態不變。",
            "权重和优化器状态不变。",
        ),
        "reveal": (
            "It trades compute (a second forward pass) for memory; the 128 GB of model states stay.",
            "它用計算（多一次前向傳播）換記憶體；128 GB 的模型狀態仍然在。",
            "它用计算（多一次前向传播）换显存；128 GB 的模型状态仍然在。",
        ),
    },
    "memory.zero": {
        "title": ("ZeRO", "ZeRO", "ZeRO"),
        "text": (
            "With 8 GPUs, plain data parallelism keeps a full copy of the model states on each. ZeRO stage 3 splits "
            "weights, gradients and optimizer states across them.",
            "用 8 張 GPU 時，一般的資料平行讓每張卡都存一份完整的模型狀態。"
            "ZeRO 第 3 階段把權重、梯度和優化器狀態分散到各張卡上。",
            "用 8 张 GPU 时，普通的数据并行让每张卡都存一份完整的模型状态。"
            "ZeRO 第 3 阶段把权重、梯度和优化器状态分散到各张卡上。",
        ),
        "question": (
            "With ZeRO-3 on 8 GPUs, how many GB of model states does each GPU hold?",
            "8 張 GPU 用 ZeRO-3 時，每張卡存幾 GB 的模型狀態？",
            "8 张 GPU 用 ZeRO-3 时，每张卡存几 GB 的模型状态？",
        ),
        "claim.eighth": (
            "Each GPU holds one eighth of the optimizer states.",
            "每張卡只存八分之一的優化器狀態。",
            "每张卡只存八分之一的优化器状态。",
        ),
        "claim.fits": (
            "Without ZeRO it does not fit one 80 GB GPU; with ZeRO-3 it does.",
            "沒有 ZeRO 時一張 80 GB 的卡放不下；用 ZeRO-3 就放得下。",
            "没有 ZeRO 时一张 80 GB 的卡放不下；用 ZeRO-3 就放得下。",
        ),
        "reveal": (
            "128 GB / 8 = 16 GB per GPU: this is how large models train on many ordinary GPUs.",
            "128 GB / 8 = 每張卡 16 GB：大模型就是這樣用許多普通 GPU 訓練的。",
            "128 GB / 8 = 每张卡 16 GB：大模型就是这样用许多普通 GPU 训练的。",
        ),
    },
    "memory.quantization": {
        "title": ("Quantization", "量化", "量化"),
        "text": (
            "Quantized weights take fewer bits per parameter: GGUF Q4_K_M about 4.9 instead of 16.",
            "量化後每個參數用的位元更少：GGUF Q4_K_M 約 4.9 位元，而不是 16。",
            "量化后每个参数用的比特更少：GGUF Q4_K_M 约 4.9 比特，而不是 16。",
        ),
        "question": (
            "Does the 8B model fit a T4 in Q4_K_M?",
            "8B 模型用 Q4_K_M 放得進 T4 嗎？",
            "8B 模型用 Q4_K_M 放得进 T4 吗？",
        ),
        "option.yes": ("Yes", "可以", "可以"),
        "option.no": ("No", "不行", "不行"),
        "claim.third": (
            "The weights take less than a third of their bf16 size.",
            "權重不到 bf16 大小的三分之一。",
            "权重不到 bf16 大小的三分之一。",
        ),
        "claim.fits": (
            "In Q4_K_M it fits the T4; in bf16 it does not.",
            "用 Q4_K_M 放得進 T4；用 bf16 放不進。",
            "用 Q4_K_M 放得进 T4；用 bf16 放不进。",
        ),
        "reveal": (
            "Quantization is how an 8B model runs on a free Colab T4, at some cost in quality.",
            "量化讓 8B 模型能在免費的 Colab T4 上執行，代價是品質會降低一些。",
            "量化让 8B 模型能在免费的 Colab T4 上运行，代价是质量会降低一些。",
        ),
    },
    "memory.mac": {
        "title": ("A 48 GB Mac", "48 GB 的 Mac", "48 GB 的 Mac"),
        "text": (
            "A Mac shares its memory between CPU and GPU; by default the GPU may use about three quarters of it.",
            "Mac 的記憶體由 CPU 和 GPU 共用；預設 GPU 大約可用四分之三。",
            "Mac 的内存由 CPU 和 GPU 共用；默认 GPU 大约可用四分之三。",
        ),
        "question": (
            "With 48 GB, can a Mac run and train the 8B model?",
            "48 GB 的 Mac 能執行和訓練 8B 模型嗎？",
            "48 GB 的 Mac 能运行和训练 8B 模型吗？",
        ),
        "option.both": ("Run and train it", "能執行也能訓練", "能运行也能训练"),
        "option.run": ("Run it, not train it", "能執行，不能訓練", "能运行，不能训练"),
        "option.neither": ("Neither", "都不行", "都不行"),
        "claim.runs": ("It runs the 8B model in bf16.", "它能用 bf16 執行 8B 模型。", "它能用 bf16 运行 8B 模型。"),
        "claim.trains": (
            "It cannot train it in full with AdamW.",
            "它不能用 AdamW 完整訓練這個模型。",
            "它不能用 AdamW 完整训练这个模型。",
        ),
        "claim.share": ("The GPU may use less than the 48 GB.", "GPU 能用的不到 48 GB。", "GPU 能用的不到 48 GB。"),
        "reveal": (
            "Unified memory makes a Mac good at running mid-size models; full training needs the tricks above.",
            "統一記憶體讓 Mac 很適合執行中型模型；完整訓練則需要上面那些技巧。",
            "统一内存让 Mac 很适合运行中型模型；完整训练则需要上面那些技巧。",
        ),
    },
}
