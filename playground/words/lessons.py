"""Words of the Lessons tab: step titles, questions, options, claims and reveals (from the string tables in
lesson_text_a/b/c/d), the page's own labels, and the short worded summary of a step's result.

Not here: the steps (playground.core.lessons), running them (lesson_runs), components (playground.tabs).
"""

from __future__ import annotations

import re
from typing import Any

from playground.core import lessons
from playground.core.tokens import show_piece
from playground.i18n import register, t
from playground.words.lesson_text_a import TEXT as TEXT_A
from playground.words.lesson_text_b import TEXT as TEXT_B
from playground.words.lesson_text_c import TEXT as TEXT_C
from playground.words.lesson_text_d import TEXT as TEXT_D

TEXTS = TEXT_A | TEXT_B | TEXT_C | TEXT_D
register({f"lessons.{step}.{field}": words for step, d in TEXTS.items() for field, words in d.items()})
register(
    {
        "lessons.title": ("Lessons", "課程", "课程"),
        "lessons.intro": (
            "The tutorial as a class: read, **predict**, run the real model, then see what it did. "
            "A Chinese page runs the lesson on the Chinese-speaking model.",
            "把教學變成一堂課：先讀、先**預測**，再執行真正的模型，"
            "然後看看它做了什麼。中文頁面會用會說中文的模型上課。",
            "把教程变成一堂课：先读、先**预测**，再运行真正的模型，"
            "然后看看它做了什么。中文页面会用会说中文的模型上课。",
        ),
        "lessons.step": ("Step", "步驟", "步骤"),
        "lessons.step_choice": ("{i}. {chapter} · {title}",) * 3,
        "lessons.prev": ("◀ Previous", "◀ 上一步", "◀ 上一步"),
        "lessons.next": ("Next ▶", "下一步 ▶", "下一步 ▶"),
        "lessons.choice": ("Your prediction", "你的預測", "你的预测"),
        "lessons.number": ("Your prediction (a number)", "你的預測（一個數字）", "你的预测（一个数字）"),
        "lessons.run": ("Run", "執行", "运行"),
        "lessons.chart": ("Result", "結果", "结果"),
        "lessons.model": ("This lesson runs on **{model}**.", "這堂課使用 **{model}**。", "这堂课使用 **{model}**。"),
        "lessons.right": ("✓ Your prediction was right.", "✓ 你的預測正確。", "✓ 你的预测正确。"),
        "lessons.wrong": (
            "✗ Your prediction: {given}. The answer: **{answer}**.",
            "✗ 你的預測：{given}。答案：**{answer}**。",
            "✗ 你的预测：{given}。答案：**{answer}**。",
        ),
        "lessons.none": ("The answer: **{answer}**.", "答案：**{answer}**。", "答案：**{answer}**。"),
        "lessons.claims": ("What this run shows", "這次執行顯示了什麼", "这次运行显示了什么"),
        "lessons.failed": ("(did not hold on this run)", "（這次執行不成立）", "（这次运行不成立）"),
        "lessons.open_tab": (
            "Open the full tab with these inputs",
            "用這些輸入打開完整分頁",
            "用这些输入打开完整标签页",
        ),
        "lessons.link": ("Link to this step", "這一步的連結", "这一步的链接"),
        "lessons.all_links": ("Links to every step", "每一步的連結", "每一步的链接"),
        "lessons.chapter.tokens": ("Tokens", "詞元", "词元"),
        "lessons.chapter.next": ("The next token", "下一個詞元", "下一个词元"),
        "lessons.chapter.chat": ("Chat templates", "對話模板", "对话模板"),
        "lessons.chapter.loop": ("The chat loop", "對話迴圈", "对话循环"),
        "lessons.chapter.inside": ("What is inside", "模型裡面", "模型里面"),
        "lessons.chapter.embeddings": ("Embeddings", "嵌入", "嵌入"),
        "lessons.chapter.lens": ("Hidden states", "隱藏狀態", "隐藏状态"),
        "lessons.chapter.memory": ("Memory", "記憶體", "显存与内存"),
        "lessons.chapter.tools": ("Tools", "工具", "工具"),
        "lessons.chapter.edit": ("Editing and merging", "編輯與合併", "编辑与合并"),
        "lessons.s.kept": (
            "The adapter merged: the fine-tune step's ({steps} steps), p(fact) {before:.1e} → {after:.4f}.",
            "合併的轉接器：微調那一步的（{steps} 步），p(事實) {before:.1e} → {after:.4f}。",
            "合并的适配器：微调那一步的（{steps} 步），p(事实) {before:.1e} → {after:.4f}。",
        ),
        "lessons.s.concept": (
            "p(“{word}”): {before} → **{after}**",
            "p(「{word}」)：{before} → **{after}**",
            "p(“{word}”)：{before} → **{after}**",
        ),
        "lessons.s.tokens": (
            "{count} tokens, {characters} characters",
            "{count} 個詞元，{characters} 個字元",
            "{count} 个词元，{characters} 个字符",
        ),
        "lessons.s.top": (
            "Most likely: “{text}”, {p} (after temperature: {tempered}); {kept:,} tokens kept",
            "最可能：「{text}」，{p}（套用溫度後：{tempered}）；留下 {kept:,} 個詞元",
            "最可能：“{text}”，{p}（应用温度后：{tempered}）；留下 {kept:,} 个词元",
        ),
        "lessons.s.ended": (
            "Ended by itself after {n} tokens.",
            "寫了 {n} 個詞元後自己結束。",
            "写了 {n} 个词元后自己结束。",
        ),
        "lessons.s.limit": (
            "Still writing at the limit of {n} tokens.",
            "寫到 {n} 個詞元的上限還沒停。",
            "写到 {n} 个词元的上限还没停。",
        ),
        "lessons.s.writing": ("Writing… {n} tokens", "寫作中… {n} 個詞元", "写作中… {n} 个词元"),
        "lessons.s.loop": (
            "The question alone: {alone} tokens. With the first turn: {full} tokens. What the model reads:",
            "單獨的問題：{alone} 個詞元。加上第一輪：{full} 個詞元。模型讀到的是：",
            "单独的问题：{alone} 个词元。加上第一轮：{full} 个词元。模型读到的是：",
        ),
        "lessons.s.params": (
            "{model}: {n_params:,} parameters, {n_layers} layers, d_model {hidden}, vocabulary {vocab:,}, "
            "LM head: {head:,} parameters of its own.",
            "{model}：{n_params:,} 個參數，{n_layers} 層，d_model "
            "{hidden}，詞彙量 {vocab:,}，LM head 自己的參數：{head:,} 個。",
            "{model}：{n_params:,} 个参数，{n_layers} 层，d_model "
            "{hidden}，词表大小 {vocab:,}，LM head 自己的参数：{head:,} 个。",
        ),
        "lessons.s.pieces": ("Pieces: {pieces}. Nearest:", "片段：{pieces}。最接近的：", "片段：{pieces}。最接近的："),
        "lessons.s.lens": (
            "Top token per layer (0 = embeddings):",
            "每一層的第一名詞元（0 = 嵌入）：",
            "每一层的第一名词元（0 = 嵌入）：",
        ),
        "lessons.s.vram": (
            "| | weights | gradients | optimizer | activations | total | fits |",
            "| | 權重 | 梯度 | 優化器 | 激活值 | 總計 | 放得下 |",
            "| | 权重 | 梯度 | 优化器 | 激活值 | 总计 | 放得下 |",
        ),
        "lessons.nothing": (
            "Run a step first: there is nothing to save yet.",
            "請先執行一個步驟：目前沒有可儲存的內容。",
            "请先运行一个步骤：目前没有可保存的内容。",
        ),
        "lessons.imported": (
            "Opened a saved run of {n} steps on {model} ({versions}): shown as saved, nothing recomputed.",
            "已開啟 {n} 個步驟的存檔（{model}；{versions}）：照存檔顯示，沒有重新計算。",
            "已打开 {n} 个步骤的存档（{model}；{versions}）：按存档显示，没有重新计算。",
        ),
        "lessons.saved_section": ("Save or open a run", "儲存或開啟執行結果", "保存或打开运行结果"),
        "lessons.export": (
            "Save this lesson's runs (JSON)",
            "儲存這堂課的執行結果（JSON）",
            "保存这堂课的运行结果（JSON）",
        ),
        "lessons.export_file": ("Saved run", "存檔", "存档"),
        "lessons.import": ("Open a saved run", "開啟存檔", "打开存档"),
        "lessons.yes": ("yes", "是", "是"),
        "lessons.no": ("no", "否", "否"),
    }
)


def links_markdown(step: lessons.Step, role: str, lang: str = "en") -> str:
    """The step's two links: its full tab with the same inputs, and the step itself (for slides)."""
    from playground.core import links

    tab, own = links.tab_query(step, role), links.step_query(step.id, lang)
    return f"[{t('lessons.open_tab', lang)}]({tab}) · [{t('lessons.link', lang)}]({own})"


def all_links_markdown(lang: str = "en") -> str:
    """One link per step of `lang`'s lesson, in order (a teacher's list for slides)."""
    from playground.core import links

    role = lessons.role_for(lang)
    return "\n".join(f"1. [{label}]({links.step_query(sid, lang)})" for label, sid in step_choices(role, lang))


def keys_of(step: lessons.Step) -> list[str]:
    """Every key a step shows: title, text, question, reveal, its options and its claims."""
    base = f"lessons.{step.id}"
    fixed = [f"{base}.{f}" for f in ("title", "text", "question", "reveal")]
    return (
        fixed + [f"{base}.option.{o}" for o in step.predict.options] + [f"{base}.claim.{c.code}" for c in step.claims]
    )


def title(step: lessons.Step, lang: str = "en") -> str:
    return t(f"lessons.{step.id}.title", lang)


def step_choices(role: str, lang: str = "en") -> list[tuple[str, str]]:
    """(label, step id) for the step picker: "3. Tokens · 大家好"."""
    return [
        (
            t("lessons.step_choice", lang, i=i, chapter=t(f"lessons.chapter.{s.chapter}", lang), title=title(s, lang)),
            s.id,
        )
        for i, s in enumerate(lessons.steps_for(role), 1)
    ]


def option_choices(step: lessons.Step, lang: str = "en") -> list[tuple[str, str]]:
    return [(t(f"lessons.{step.id}.option.{o}", lang), o) for o in step.predict.options]


def intro(step: lessons.Step, role: str, lang: str = "en") -> str:
    """The step's heading, explanation and question (Markdown)."""
    chapter = t(f"lessons.chapter.{step.chapter}", lang)
    return (
        f"### {chapter} · {title(step, lang)}\n\n{t(f'lessons.{step.id}.text', lang)}\n\n"
        f"**{t(f'lessons.{step.id}.question', lang)}**\n\n" + t("lessons.model", lang, model=lessons.model_for(role))
    )


def _answer_text(step: lessons.Step, answer: Any, lang: str) -> str:
    return t(f"lessons.{step.id}.option.{answer}", lang) if step.predict.options else f"{answer:,}"


def reveal(step: lessons.Step, held: dict[str, bool], given: Any, result: dict[str, Any], lang: str = "en") -> str:
    """The reveal: the prediction against the answer, each claim with whether it held, the explanation."""
    answer = step.predict.answer(result)
    right = step.predict.right(given, result)
    if right is None:
        head = t("lessons.none", lang, answer=_answer_text(step, answer, lang))
    elif right:
        head = t("lessons.right", lang)
    else:
        shown = _answer_text(step, given, lang) if step.predict.options else str(given)
        head = t("lessons.wrong", lang, given=shown, answer=_answer_text(step, answer, lang))
    claims = "\n".join(
        f"- {'✓' if ok else '✗'} {t(f'lessons.{step.id}.claim.{code}', lang)}"
        + ("" if ok else f" {t('lessons.failed', lang)}")
        for code, ok in held.items()
    )
    return f"{head}\n\n**{t('lessons.claims', lang)}**\n\n{claims}\n\n{t(f'lessons.{step.id}.reveal', lang)}"


def concept_line(word: str, before: float, after: float, lang: str = "en", html: bool = False) -> str:
    """p(" loved"): 0.0012 → **0.0245** (a steering step's followed word, plain and steered; <b> for HTML)."""

    def shown(p: float) -> str:
        return f"{p:.4f}" if p >= 1e-4 else f"{p:.1e}"

    line = t("lessons.s.concept", lang, word=word, before=shown(before), after=shown(after))
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", line) if html else line


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def summary(step: lessons.Step, result: dict[str, Any], lang: str = "en") -> str:
    """A few worded lines of the result, beside the chart (Markdown)."""
    r, k = result, step.kind
    if k == "tokenize":
        pieces = " · ".join(f"`{show_piece(p)}` {i}" for p, i in zip(r["pieces"], r["ids"]))
        return f"{pieces}\n\n{t('lessons.s.tokens', lang, count=r['count'], characters=r['characters'])}"
    if k == "next_token":
        c = r["candidates"][0]
        return t(
            "lessons.s.top",
            lang,
            text=c["text"],
            p=_pct(c["probability"]),
            tempered=_pct(c["tempered"]),
            kept=r["kept_count"],
        )
    if k == "chat":
        end = "lessons.s.ended" if r["finish_reason"] == "eos" else "lessons.s.limit"
        return "> " + r["text"].replace("\n", "\n> ") + "\n\n" + t(end, lang, n=r["new_tokens"])
    if k == "chat_loop":
        return t("lessons.s.loop", lang, alone=r["alone"], full=r["with_history"]) + f"\n\n```\n{r['text']}\n```"
    if k == "architecture":
        return t(
            "lessons.s.params",
            lang,
            model=r["name"],
            head=r["lm_head_params"],
            **{x: r[x] for x in ("n_params", "n_layers", "hidden", "vocab")},
        )
    if k == "neighbors":
        near = ", ".join(f"`{n['text']}` {n['similarity']:.2f}" for n in r["groups"][0]["neighbors"])
        return t("lessons.s.pieces", lang, pieces=" ".join(f"`{p['text']}`" for p in r["pieces"])) + " " + near
    if k in ("tool_prompt", "tool_loop"):
        from playground.words import tools_rag

        if k == "tool_loop":
            return tools_rag.steps(r["steps"], lang)
        n_with, n_without = r["with"]["n_tokens"], r["without"]["n_tokens"]
        head = tools_rag.tool_summary(r["model"], r["native_tools"], n_with, n_without, lang)
        return head + "\n\n```\n" + r["added_text"].replace("```", "`\u200b``") + "\n```"  # the text they add
    if k == "layers":
        return t("lessons.s.lens", lang) + " " + " · ".join(f"{i}: `{x}`" for i, x in enumerate(r["tops"]))
    rows = [t("lessons.s.vram", lang), "|---|---:|---:|---:|---:|---:|---|"]
    for i, e in enumerate(r["estimates"], 1):
        g = {key: f"{v / 1e9:.1f} GB" for key, v in e["per_gpu"].items()}
        fits = t("lessons.yes" if e["fits"] else "lessons.no", lang)
        cells = [str(i), *(g[key] for key in ("weights", "gradients", "optimizer", "activations", "total")), fits]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def describe(step: lessons.Step, role: str, lang: str = "en") -> dict[str, Any]:
    """One step for the `lessons` endpoint: what it asks, runs and claims, in `lang`."""
    from playground.core.lesson_runs import inputs_of

    return {
        "id": step.id,
        "chapter": step.chapter,
        "chapter_title": t(f"lessons.chapter.{step.chapter}", lang),
        "title": title(step, lang),
        "text": t(f"lessons.{step.id}.text", lang),
        "question": t(f"lessons.{step.id}.question", lang),
        "prediction": step.predict.kind,
        "options": [{"value": v, "label": label} for label, v in option_choices(step, lang)],
        "tab": step.tab,
        "inputs": inputs_of(step, role),
        "claims": [
            {"code": c.code, "text": t(f"lessons.{step.id}.claim.{c.code}", lang)} for c in step.claims_for(role)
        ],
    }
