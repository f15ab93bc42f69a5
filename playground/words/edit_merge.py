"""The Edit & Merge tab's words: labels, the summaries of a steering, a fine-tune and a merge, chart words.

Pure: core results (numbers) in, text in the page's language out. Not here: the math (core.steer,
core.finetune, core.merge), figures (playground/charts_edit.py), wiring (playground/tabs/edit_merge.py).
"""

from __future__ import annotations

from playground.core.finetune import FinetuneResult, Step
from playground.core.hardware import human
from playground.core.merge import MergeResult
from playground.core.steer import SteerResult
from playground.core.tokens import show_piece
from playground.i18n import register, t

register(
    {
        "edit_merge.title": ("Edit & Merge", "編輯與合併", "编辑与合并"),
        "edit_merge.steer_tab": ("Steering", "引導", "引导"),
        "edit_merge.finetune_tab": ("Fine-tune", "微調", "微调"),
        "edit_merge.merge_tab": ("Merge", "合併", "合并"),
        "edit_merge.steer_intro": (
            "**Activation addition.** The difference of the mean residual stream (a layer's output) between a "
            "positive and a negative prompt is a direction; adding *strength* x that direction at one layer, while "
            "the model reads your prompt, pushes what it says next. Nothing is trained, and the shared model is "
            "never changed: the addition happens in this request only.",
            "**激活相加。** 正向與負向提示在某一層輸出（殘差流）的平均之差是一個方向；模型讀你的提示時，在一層加上"
            "「強度 x 方向」，就會推動它接下來說的話。沒有任何訓練，共用的模型也從不改變：只在這次請求中相加。",
            "**激活相加。** 正向与负向提示在某一层输出（残差流）的平均之差是一个方向；模型读你的提示时，在一层加上"
            "“强度 x 方向”，就会推动它接下来说的话。没有任何训练，共享的模型也从不改变：只在这次请求中相加。",
        ),
        "edit_merge.prompt": ("Prompt", "提示", "提示"),
        "edit_merge.positive": ("Positive prompt (one per line)", "正向提示（每行一個）", "正向提示（每行一个）"),
        "edit_merge.negative": ("Negative prompt (one per line)", "負向提示（每行一個）", "负向提示（每行一个）"),
        "edit_merge.layer": (
            "Layer (0 = first; -1 = last)",
            "層（0 = 第一層；-1 = 最後一層）",
            "层（0 = 第一层；-1 = 最后一层）",
        ),
        "edit_merge.strength": ("Strength", "強度", "强度"),
        "edit_merge.new_tokens": ("New tokens", "新詞元數", "新词元数"),
        "edit_merge.steer_run": ("Steer", "引導", "引导"),
        "edit_merge.summary": ("Summary", "摘要", "摘要"),
        "edit_merge.next_chart": ("Next token", "下一個詞元", "下一个词元"),
        "edit_merge.sweep_chart": ("Layer x strength sweep", "層 x 強度掃描", "层 x 强度扫描"),
        "edit_merge.steer_text": (
            "Layer **{layer}** of {n}: the direction is **{norm}** long, beside a mean residual norm of **{resid}** "
            "there, so strength {strength:g} adds **{share}** of it. The next token moved by "
            "KL = **{kl} bits**.\n\n**Plain:** {prompt}{before}\n\n**Steered:** {prompt}{after}",
            "第 **{layer}** 層（共 {n} 層）：方向長 **{norm}**，該層殘差的平均長度是 **{resid}**，"
            "所以強度 {strength:g} 加上的是它的 **{share}**。下一個詞元的分布移動了 KL = **{kl} 位元**。"
            "\n\n**原樣：** {prompt}{before}\n\n**引導後：** {prompt}{after}",
            "第 **{layer}** 层（共 {n} 层）：方向长 **{norm}**，该层残差的平均长度是 **{resid}**，"
            "所以强度 {strength:g} 加上的是它的 **{share}**。下一个词元的分布移动了 KL = **{kl} 比特**。"
            "\n\n**原样：** {prompt}{before}\n\n**引导后：** {prompt}{after}",
        ),
        "edit_merge.plain": ("plain", "原樣", "原样"),
        "edit_merge.steered": ("steered (strength {s:g})", "引導後（強度 {s:g}）", "引导后（强度 {s:g}）"),
        "edit_merge.next_title": (
            "Next token: plain vs steered",
            "下一個詞元：原樣與引導後",
            "下一个词元：原样与引导后",
        ),
        "edit_merge.probability": ("probability", "機率", "概率"),
        "edit_merge.sweep_title": (
            "How far the next token moves (KL, bits)",
            "下一個詞元移動多遠（KL，位元）",
            "下一个词元移动多远（KL，比特）",
        ),
        "edit_merge.sweep_note": (
            "each cell: the steered model's most likely next token",
            "每格：引導後最可能的下一個詞元",
            "每格：引导后最可能的下一个词元",
        ),
        "edit_merge.layer_axis": ("layer", "層", "层"),
        "edit_merge.strength_axis": ("strength", "強度", "强度"),
    }
)

register(
    {
        "edit_merge.finetune_intro": (
            "**Teach the model a new fact** with a LoRA adapter: small matrices A and B beside every linear layer, "
            "trained while the model's own weights stay frozen. It trains on a private copy of the model, for this "
            "session only, and shows what else changed through an unrelated control fact.",
            "**教模型一個新事實**，用 LoRA 轉接器：在每個線性層旁加上小矩陣 A 與 B 來訓練，模型本身的權重保持凍結。"
            "它在模型的私人副本上訓練，只屬於這個工作階段，並用一個無關的對照事實顯示還有什麼被改變。",
            "**教模型一个新事实**，用 LoRA 适配器：在每个线性层旁加上小矩阵 A 与 B 来训练，模型本身的权重保持冻结。"
            "它在模型的私有副本上训练，只属于这个会话，并用一个无关的对照事实显示还有什么被改变。",
        ),
        "edit_merge.fact_prompt": ("Fact: prompt", "事實：提示", "事实：提示"),
        "edit_merge.fact_answer": ("Fact: answer", "事實：答案", "事实：答案"),
        "edit_merge.control_prompt": ("Control: prompt", "對照：提示", "对照：提示"),
        "edit_merge.control_answer": ("Control: answer", "對照：答案", "对照：答案"),
        "edit_merge.steps": ("Steps", "步數", "步数"),
        "edit_merge.lr": ("Learning rate", "學習率", "学习率"),
        "edit_merge.rank": ("LoRA rank", "LoRA 秩", "LoRA 秩"),
        "edit_merge.seed": ("Seed", "種子", "种子"),
        "edit_merge.finetune_run": ("Fine-tune", "微調", "微调"),
        "edit_merge.progress": ("Progress", "進度", "进度"),
        "edit_merge.loss_chart": ("Loss", "損失", "损失"),
        "edit_merge.memory": ("Memory", "記憶體", "内存"),
        "edit_merge.step_text": (
            "Step {step} of {total}: loss {loss:.4f}, p(answer) = {p:.4f}, {seconds:.1f} s",
            "第 {step} 步（共 {total} 步）：損失 {loss:.4f}，p(答案) = {p:.4f}，{seconds:.1f} 秒",
            "第 {step} 步（共 {total} 步）：损失 {loss:.4f}，p(答案) = {p:.4f}，{seconds:.1f} 秒",
        ),
        "edit_merge.finetune_text": (
            "p({answer} | {prompt}) went from **{before}** to **{after}** in {steps} steps ({seconds:.1f} s). "
            "The control, p({c_answer} | {c_prompt}), went from **{c_before}** to **{c_after}**.\n\n"
            "Adapter `{id}`: {params} trained parameters ({size}), kept in this session only; the Merge tab uses it.",
            "p({answer} | {prompt}) 在 {steps} 步（{seconds:.1f} 秒）內從 **{before}** 變成 **{after}**。"
            "對照 p({c_answer} | {c_prompt}) 從 **{c_before}** 變成 **{c_after}**。\n\n"
            "轉接器 `{id}`：訓練了 {params} 個參數（{size}），只存在這個工作階段；「合併」分頁會用到它。",
            "p({answer} | {prompt}) 在 {steps} 步（{seconds:.1f} 秒）内从 **{before}** 变成 **{after}**。"
            "对照 p({c_answer} | {c_prompt}) 从 **{c_before}** 变成 **{c_after}**。\n\n"
            "适配器 `{id}`：训练了 {params} 个参数（{size}），只存在这个会话；“合并”分页会用到它。",
        ),
        "edit_merge.stopped": (
            " Stopped by the time limit ({limit} s) before all steps.",
            "因時間上限（{limit} 秒）在完成所有步數前停止。",
            "因时间上限（{limit} 秒）在完成所有步数前停止。",
        ),
        "edit_merge.memory_text": (
            "Measured: **{measured}** (weights {weights} + peak growth during the run; {method}). "
            "The VRAM Calculator predicts **{estimated}** for the same setting (LoRA rank {rank} on every linear "
            "layer, {dtype}, AdamW, {tokens} tokens): {ratio} of the measured.",
            "實測：**{measured}**（權重 {weights} + 執行期間的峰值增長；{method}）。"
            "VRAM 計算器對同樣設定（每個線性層 LoRA 秩 {rank}、{dtype}、AdamW、{tokens} 個詞元）預測 **{estimated}**："
            "是實測的 {ratio}。",
            "实测：**{measured}**（权重 {weights} + 运行期间的峰值增长；{method}）。"
            "VRAM 计算器对同样设置（每个线性层 LoRA 秩 {rank}、{dtype}、AdamW、{tokens} 个词元）预测 **{estimated}**："
            "是实测的 {ratio}。",
        ),
        "edit_merge.loss_title": ("Loss while training", "訓練中的損失", "训练中的损失"),
        "edit_merge.loss_note": ("-log p(answer | prompt)", "-log p(答案 | 提示)", "-log p(答案 | 提示)"),
        "edit_merge.step_axis": ("step", "步", "步"),
    }
)

register(
    {
        "edit_merge.merge_intro": (
            "**Merge weights.** W = base + alpha x delta: with the adapter, alpha 0 is the base model, 1 the "
            "fine-tuned one, 0.5 halfway, 2 twice the change and -1 its opposite (task arithmetic). Two models of "
            "the same architecture merge the same way: (1 - alpha) x A + alpha x B. The merged weights are a model "
            "of this session; the shared model is not changed.",
            "**合併權重。** W = 基礎 + alpha x 差值：用轉接器時，alpha 0 是基礎模型，1 是微調後的模型，0.5 是一半，"
            "2 是兩倍的改變，-1 是反向（任務算術）。同架構的兩個模型也這樣合併：(1 - alpha) x A + alpha x B。"
            "合併後的權重是這個工作階段的模型；共用的模型不會改變。",
            "**合并权重。** W = 基础 + alpha x 差值：用适配器时，alpha 0 是基础模型，1 是微调后的模型，0.5 是一半，"
            "2 是两倍的改变，-1 是反向（任务算术）。同架构的两个模型也这样合并：(1 - alpha) x A + alpha x B。"
            "合并后的权重是这个会话的模型；共享的模型不会改变。",
        ),
        "edit_merge.kind": ("Merge", "合併", "合并"),
        "edit_merge.kind_adapter": ("base + alpha x adapter", "基礎 + alpha x 轉接器", "基础 + alpha x 适配器"),
        "edit_merge.kind_models": ("model A and model B", "模型 A 與模型 B", "模型 A 与模型 B"),
        "edit_merge.alpha": (
            "alpha (0 = base, 1 = fine-tuned or B)",
            "alpha（0 = 基礎，1 = 微調後或 B）",
            "alpha（0 = 基础，1 = 微调后或 B）",
        ),
        "edit_merge.other": ("Model B (a merge of two models)", "模型 B（合併兩個模型時）", "模型 B（合并两个模型时）"),
        "edit_merge.merge_run": ("Merge", "合併", "合并"),
        "edit_merge.curve_chart": ("Along the slider", "沿著滑桿", "沿着滑杆"),
        "edit_merge.merge_text": (
            "alpha = **{alpha:g}**: p(fact) = **{fact}**, p(control) = **{control}**.\n\n"
            "The merged model continues *{prompt}* with: {prompt}{cont}",
            "alpha = **{alpha:g}**：p(事實) = **{fact}**，p(對照) = **{control}**。\n\n"
            "合併後的模型接著 *{prompt}* 寫：{prompt}{cont}",
            "alpha = **{alpha:g}**：p(事实) = **{fact}**，p(对照) = **{control}**。\n\n"
            "合并后的模型接着 *{prompt}* 写：{prompt}{cont}",
        ),
        "edit_merge.curve_title": (
            "p(fact) and p(control) along the slider",
            "沿著滑桿的 p(事實) 與 p(對照)",
            "沿着滑杆的 p(事实) 与 p(对照)",
        ),
        "edit_merge.fact_legend": ("fact: {answer}", "事實：{answer}", "事实：{answer}"),
        "edit_merge.control_legend": ("control: {answer}", "對照：{answer}", "对照：{answer}"),
        "edit_merge.now": ("alpha now", "目前的 alpha", "当前的 alpha"),
        "edit_merge.no_adapter": (
            "This session has no fine-tuned adapter yet: run a fine-tune in the Fine-tune tab first (or merge two "
            "models).",
            "這個工作階段還沒有微調過的轉接器：請先在「微調」分頁執行微調（或合併兩個模型）。",
            "这个会话还没有微调过的适配器：请先在“微调”分页运行微调（或合并两个模型）。",
        ),
    }
)


def _p(p: float) -> str:
    """A probability as people read it: 0.99971 -> '0.9997', 1.9e-08 -> '1.9e-08'."""
    return f"{p:.4f}" if p >= 1e-4 else f"{p:.1e}"


def steer_summary(r: SteerResult, prompt: str, lang: str = "en") -> str:
    return t(
        "edit_merge.steer_text",
        lang,
        layer=r.layer,
        n=r.n_layers,
        norm=f"{r.direction_norm:.1f}",
        resid=f"{r.resid_norm:.1f}",
        strength=r.strength,
        share=f"{abs(r.strength) * r.direction_norm / max(r.resid_norm, 1e-9):.0%}",
        kl=f"{r.kl_bits:.3f}",
        prompt=prompt,
        before=_md(r.continuation_before),
        after=_md(r.continuation_after),
    )


def _md(text: str) -> str:
    """A continuation in italics after its prompt: one line, Markdown's own characters escaped, a leading space
    kept outside the asterisks (' just a dog' -> ' *just a dog*'; '*' must touch the text to open italics)."""
    lead = " " if text[:1].isspace() else ""
    text = " ".join(text.split())
    for ch in "\\*_`[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return f"{lead}*{text}*" if text else ""


def step_line(s: Step, lang: str = "en") -> str:
    import math

    return t(
        "edit_merge.step_text", lang, step=s.step, total=s.total, loss=s.loss, p=math.exp(-s.loss), seconds=s.seconds
    )


def progress_html(s: Step | None, lang: str = "en", done: bool = False) -> str:
    """A progress bar and the step's line (HTML): what the fine-tune shows while it runs."""
    if s is None:
        return ""
    value = s.total if done else s.step
    return f'<progress value="{value}" max="{s.total}" style="width:100%"></progress><div>{step_line(s, lang)}</div>'


def finetune_summary(r: FinetuneResult, limit: int, lang: str = "en") -> str:
    fact, control = r.adapter.fact, r.adapter.control
    text = t(
        "edit_merge.finetune_text",
        lang,
        answer=repr(fact[1]),
        prompt=repr(fact[0]),
        before=_p(r.fact_before.p),
        after=_p(r.fact_after.p),
        steps=len(r.losses),
        seconds=r.seconds,
        c_answer=repr(control[1]),
        c_prompt=repr(control[0]),
        c_before=_p(r.control_before.p),
        c_after=_p(r.control_after.p),
        id=r.adapter.id,
        params=f"{r.adapter.n_params:,}",
        size=human(r.adapter.n_bytes),
    )
    return text + (t("edit_merge.stopped", lang, limit=limit) if r.stopped_early else "")


def memory_summary(r: FinetuneResult, dtype: str, tokens: int, lang: str = "en") -> str:
    return t(
        "edit_merge.memory_text",
        lang,
        measured=human(r.measured_bytes),
        weights=human(r.weights_bytes),
        method=r.method,
        estimated=human(r.estimated.tensors),
        rank=r.adapter.rank,
        dtype=dtype,
        tokens=tokens,
        ratio=f"{r.estimated.tensors / max(1, r.measured_bytes):.0%}",
    )


def merge_summary(r: MergeResult, prompt: str, lang: str = "en") -> str:
    return t(
        "edit_merge.merge_text",
        lang,
        alpha=r.alpha,
        fact=_p(r.fact.p),
        control=_p(r.control.p),
        prompt=prompt,
        cont=_md(r.continuation),
    )


def kind_choices(lang: str = "en") -> list[tuple[str, str]]:
    """The merge kind radio's (label, value) pairs; the values ("adapter", "models") are what the API takes."""
    return [(t(f"edit_merge.kind_{k}", lang), k) for k in ("adapter", "models")]


def token_label(text: str) -> str:
    return show_piece(text)
