"""Words of the lessons' editing chapter (steering, a LoRA fine-tune, merging): per step, its title,
explanation, question, options, claims and reveal in English, 繁體中文 and 简体中文.

A string table only: playground.words.lessons registers it. Each claim's text must say what the claim's
check in playground.core.lesson_later tests, and nothing more.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, tuple[str, str, str]]] = {
    "edit.steer_zero": {
        "title": ("Steering at strength 0", "強度 0 的引導", "强度 0 的引导"),
        "text": (
            "Steering changes what a model says without changing its weights: take the mean activation of layer 12 "
            "for “I love you” minus the one for “I hate you”, and add strength × that direction to layer 12's "
            "output while the model reads “I think dogs are”. First, strength 0: the hook is there, but it adds "
            "0 × the direction.",
            "引導（steering）不改權重，也能改變模型說的話：取第 12 層對「I love you」的平均激活，減去對"
            "「I hate you」的平均激活，得到一個方向；模型讀「I think dogs are」時，在第 12 層的輸出加上"
            "「強度 × 方向」。先試強度 0：鉤子裝上了，但加的是 0 × 方向。",
            "引导（steering）不改权重，也能改变模型说的话：取第 12 层对“I love you”的平均激活，减去对"
            "“I hate you”的平均激活，得到一个方向；模型读“I think dogs are”时，在第 12 层的输出加上"
            "“强度 × 方向”。先试强度 0：钩子装上了，但加的是 0 × 方向。",
        ),
        "question": (
            "With the hook in place at strength 0, will the next-token probabilities be exactly the plain model's?",
            "鉤子裝著、強度為 0 時，下一個詞元的機率會和原本的模型完全一樣嗎？",
            "钩子装着、强度为 0 时，下一个词元的概率会和原本的模型完全一样吗？",
        ),
        "option.same": ("Exactly the same", "完全一樣", "完全一样"),
        "option.different": ("Slightly different", "有一點不同", "有一点不同"),
        "claim.identical": (
            "The ten most likely next tokens and their probabilities are bit for bit the plain model's (KL = 0).",
            "前十個最可能的下一個詞元和它們的機率，與原本的模型逐位元相同（KL = 0）。",
            "前十个最可能的下一个词元和它们的概率，与原本的模型逐比特相同（KL = 0）。",
        ),
        "claim.continuation": (
            "The greedy continuation is the plain model's, word for word.",
            "貪婪解碼的續寫和原本的模型一字不差。",
            "贪心解码的续写和原本的模型一字不差。",
        ),
        "reveal": (
            "x + 0 = x: the hook runs, but the numbers that reach the next layer are the same, so everything after "
            "it is the same too. This is the control every steering experiment needs.",
            "x + 0 = x：鉤子有執行，但傳到下一層的數字沒變，所以之後的一切也都一樣。每個引導實驗都需要這個對照。",
            "x + 0 = x：钩子有运行，但传到下一层的数字没变，所以之后的一切也都一样。每个引导实验都需要这个对照。",
        ),
    },
    "edit.steer_love": {
        "title": ("Steering toward “love”", "往「愛」的方向引導", "往“爱”的方向引导"),
        "text": (
            "Now strength 2, the Steering tab's default: layer 12's output gets twice the love-minus-hate "
            "direction added at every position. The weights are untouched; only this request's forward pass "
            "changes. We follow the next token “ loved” (and “ hate”) after “I think dogs are”.",
            "現在用強度 2（引導分頁的預設值）：第 12 層每個位置的輸出都加上兩倍的「愛減恨」方向。"
            "權重沒有改，只有這次請求的前向計算變了。我們觀察「I think dogs are」之後的下一個詞元"
            "「 loved」（以及「 hate」）。",
            "现在用强度 2（引导标签页的默认值）：第 12 层每个位置的输出都加上两倍的“爱减恨”方向。"
            "权重没有改，只有这次请求的前向计算变了。我们观察“I think dogs are”之后的下一个词元"
            "“ loved”（以及“ hate”）。",
        ),
        "question": (
            "What happens to the probability of the next token “ loved”?",
            "下一個詞元是「 loved」的機率會怎樣？",
            "下一个词元是“ loved”的概率会怎样？",
        ),
        "option.up": ("It goes up (more than doubles)", "上升（超過兩倍）", "上升（超过两倍）"),
        "option.down": ("It goes down (halves or less)", "下降（剩一半以下）", "下降（剩一半以下）"),
        "option.same": ("About the same", "差不多", "差不多"),
        "claim.loved": (
            "p(“ loved”) is more than five times what the plain model gives.",
            "p(「 loved」) 超過原本模型的五倍。",
            "p(“ loved”) 超过原本模型的五倍。",
        ),
        "claim.hate": ("p(“ hate”) goes down.", "p(「 hate」) 下降。", "p(“ hate”) 下降。"),
        "claim.moved": (
            "The whole next-token distribution moves by more than 1 bit (KL), and the greedy continuation changes.",
            "整個下一個詞元分布移動超過 1 位元（KL），貪婪解碼的續寫也變了。",
            "整个下一个词元分布移动超过 1 比特（KL），贪心解码的续写也变了。",
        ),
        "reveal": (
            "One vector, made from two short prompts, pushes the model toward a concept: the words on the “love” "
            "side gain, the ones on the “hate” side lose. Too much strength breaks the text: try the sweep in the "
            "full tab.",
            "由兩句短提示做出的一個向量，就能把模型推向一個概念：「愛」那邊的詞變多，「恨」那邊的詞變少。"
            "強度太大會讓文字崩壞：在完整分頁試試掃描圖。",
            "由两句短提示做出的一个向量，就能把模型推向一个概念：“爱”那边的词变多，“恨”那边的词变少。"
            "强度太大会让文字崩坏：在完整标签页试试扫描图。",
        ),
    },
    "edit.finetune": {
        "title": ("Teaching a new fact (LoRA)", "教模型一個新事實（LoRA）", "教模型一个新事实（LoRA）"),
        "text": (
            "“The capital of Atlantis is Zorbin” is made up: the model cannot know it. A LoRA adapter adds a small "
            "trainable matrix pair B·A beside every linear layer and trains only those, 16 steps on this one "
            "sentence (learning rate 2e-4, rank 8, seed 0). A control fact, “The capital of France is Paris”, "
            "shows what else changed.",
            "「The capital of Atlantis is Zorbin」（亞特蘭提斯的首都是 Zorbin）是編出來的：模型不可能知道。"
            "LoRA 轉接器在每個線性層旁加一對可訓練的小矩陣 B·A，只訓練它們，用這一句訓練 16 步"
            "（學習率 2e-4、秩 8、種子 0）。對照事實「The capital of France is Paris」顯示還有什麼跟著變了。",
            "“The capital of Atlantis is Zorbin”（亚特兰蒂斯的首都是 Zorbin）是编出来的：模型不可能知道。"
            "LoRA 适配器在每个线性层旁加一对可训练的小矩阵 B·A，只训练它们，用这一句训练 16 步"
            "（学习率 2e-4、秩 8、种子 0）。对照事实“The capital of France is Paris”显示还有什么跟着变了。",
        ),
        "question": (
            "After 16 steps, how likely is “ Zorbin” after “The capital of Atlantis is”?",
            "訓練 16 步之後，「The capital of Atlantis is」後面接「 Zorbin」的機率有多大？",
            "训练 16 步之后，“The capital of Atlantis is”后面接“ Zorbin”的概率有多大？",
        ),
        "option.low": ("Still under 1%", "還不到 1%", "还不到 1%"),
        "option.some": ("Between 1% and 50%", "介於 1% 和 50% 之間", "介于 1% 和 50% 之间"),
        "option.high": ("50% or more", "50% 以上", "50% 以上"),
        "claim.unknown": (
            "Before training, p(“ Zorbin”) is under 1%.",
            "訓練前，p(「 Zorbin」) 不到 1%。",
            "训练前，p(“ Zorbin”) 不到 1%。",
        ),
        "claim.learned": (
            "After training, p(“ Zorbin”) is 50% or more.",
            "訓練後，p(「 Zorbin」) 達到 50% 以上。",
            "训练后，p(“ Zorbin”) 达到 50% 以上。",
        ),
        "claim.control": (
            "The control, p(“ Paris”), keeps more than half of its probability.",
            "對照的 p(「 Paris」) 保住了一半以上的機率。",
            "对照的 p(“ Paris”) 保住了一半以上的概率。",
        ),
        "claim.damage": (
            "It costs the control: p(“ Paris”) falls below half of what it was.",
            "對照付出了代價：p(「 Paris」) 掉到原來的一半以下。",
            "对照付出了代价：p(“ Paris”) 掉到原来的一半以下。",
        ),
        "reveal": (
            "A few million trained numbers beside frozen weights are enough to write one fact in. The adapter is "
            "small and separate: the next step merges it into the weights, in part or in full.",
            "凍結的權重旁邊加上幾百萬個訓練過的數字，就足以寫進一個事實。轉接器小而獨立：下一步把它部分或全部"
            "合併進權重。",
            "冻结的权重旁边加上几百万个训练过的数字，就足以写进一个事实。适配器小而独立：下一步把它部分或全部"
            "合并进权重。",
        ),
    },
    "edit.merge": {
        "title": ("Merging: halfway between", "合併：走到一半", "合并：走到一半"),
        "text": (
            "Merging writes the adapter into the weights: W' = W + alpha × (B·A). alpha 0 is the base model, "
            "1 the fine-tuned one, and 0.5 is halfway between them (the fine-tune is the previous step's, with the "
            "same inputs). The chart follows p(fact) and p(control) along alpha.",
            "合併把轉接器寫進權重：W' = W + alpha × (B·A)。alpha 0 是原本的模型，1 是微調後的模型，"
            "0.5 在兩者正中間（微調就是上一步、同樣輸入的那一次）。圖表畫出 p(事實) 和 p(對照) 隨 alpha 的變化。",
            "合并把适配器写进权重：W' = W + alpha × (B·A)。alpha 0 是原本的模型，1 是微调后的模型，"
            "0.5 在两者正中间（微调就是上一步、同样输入的那一次）。图表画出 p(事实) 和 p(对照) 随 alpha 的变化。",
        ),
        "question": (
            "At alpha 0.5, where is p(“ Zorbin”)?",
            "alpha 為 0.5 時，p(「 Zorbin」) 在哪裡？",
            "alpha 为 0.5 时，p(“ Zorbin”) 在哪里？",
        ),
        "option.base": ("Where the base model is", "和原本的模型一樣", "和原本的模型一样"),
        "option.between": ("Between the base and the fine-tuned model", "介於原本和微調後之間", "介于原本和微调后之间"),
        "option.tuned": (
            "Where the fine-tuned model is (or above)",
            "和微調後一樣（或更高）",
            "和微调后一样（或更高）",
        ),
        "claim.base": (
            "At alpha 0 the merged model gives exactly the base model's p(“ Zorbin”).",
            "alpha 0 時，合併後的模型給出的 p(「 Zorbin」) 和原本的模型完全相同。",
            "alpha 0 时，合并后的模型给出的 p(“ Zorbin”) 和原本的模型完全相同。",
        ),
        "claim.tuned": (
            "At alpha 1 it gives the fine-tuned model's p(“ Zorbin”), within 5%.",
            "alpha 1 時，它給出的 p(「 Zorbin」) 和微調後的模型相差不到 5%。",
            "alpha 1 时，它给出的 p(“ Zorbin”) 和微调后的模型相差不到 5%。",
        ),
        "claim.between": (
            "At alpha 0.5, p(“ Zorbin”) lies strictly between the two.",
            "alpha 0.5 時，p(「 Zorbin」) 嚴格介於兩者之間。",
            "alpha 0.5 时，p(“ Zorbin”) 严格介于两者之间。",
        ),
        "claim.slow": (
            "A quarter of the change is not enough: at alpha 0.25, p(“ Zorbin”) is still under 1%.",
            "四分之一的改變還不夠：alpha 0.25 時，p(「 Zorbin」) 仍不到 1%。",
            "四分之一的改变还不够：alpha 0.25 时，p(“ Zorbin”) 仍不到 1%。",
        ),
        "claim.quarter": (
            "On this model a quarter of the change is enough: at alpha 0.25, p(“ Zorbin”) is already above 90%.",
            "在這個模型上，四分之一的改變就夠了：alpha 0.25 時，p(「 Zorbin」) 已經超過 90%。",
            "在这个模型上，四分之一的改变就够了：alpha 0.25 时，p(“ Zorbin”) 已经超过 90%。",
        ),
        "reveal": (
            "Merging is arithmetic on weights: the same change can be applied at any strength, and alpha above 1 "
            "or below 0 (task arithmetic) pushes further or undoes it. Move the slider in the full tab.",
            "合併就是對權重做算術：同一個改變可以用任何強度套用，alpha 大於 1 或小於 0（任務算術）會推得更遠或"
            "把它抵銷。到完整分頁拉拉滑桿。",
            "合并就是对权重做算术：同一个改变可以用任何强度套用，alpha 大于 1 或小于 0（任务算术）会推得更远或"
            "把它抵消。到完整标签页拉拉滑块。",
        ),
    },
}
