"""The Tools & RAG tab's words: labels, the tool-prompt summary, the loop's steps, the retrieval summary and
the chart labels, in English, 繁體中文 and 简体中文. Pure: codes and numbers in, Markdown out.

Not here: the tools, the loop or retrieval (playground.core.tools / tool_loop / rag), HTML (playground.render).
"""

from __future__ import annotations

import json
from typing import Any

from playground.core.tools import NAMES
from playground.i18n import register, t

register(
    {
        "tools_rag.title": ("Tools & RAG", "工具與 RAG", "工具与 RAG"),
        "tools_rag.lesson": (
            "A model cannot run code or read documents: it only continues text. **Tools**: the chat template writes "
            "the tools' JSON schemas into the prompt; the model answers with a call in its trained format, the app "
            "runs the tool and sends the result back as a `tool` message. **RAG**: the app finds the paragraphs "
            "nearest to the question and puts them in the prompt. The documents describe Quellmark, a country "
            "invented for this page, so the model cannot know the answers.",
            "模型不會執行程式，也不會讀文件：它只會接著寫文字。**工具**：聊天模板把工具的 JSON 結構描述寫進提示；"
            "模型用它訓練過的格式回覆一個呼叫，由應用程式執行工具，再把結果當成 `tool` 訊息送回去。"
            "**RAG**：應用程式找出和問題最接近的段落，放進提示裡。文件描述的是為這一頁虛構的國家奎爾馬克，"
            "所以模型事先不可能知道答案。",
            "模型不会运行代码，也不会读文档：它只会接着写文字。**工具**：聊天模板把工具的 JSON 结构描述写进提示；"
            "模型用它训练过的格式回复一个调用，由应用程序运行工具，再把结果作为 `tool` 消息送回去。"
            "**RAG**：应用程序找出和问题最接近的段落，放进提示里。文档描述的是为这一页虚构的国家奎尔马克，"
            "所以模型事先不可能知道答案。",
        ),
        "tools_rag.tools_section": ("Tool calling", "工具呼叫", "工具调用"),
        "tools_rag.rag_section": ("Retrieval (RAG)", "檢索增強（RAG）", "检索增强（RAG）"),
        "tools_rag.message": ("Message", "訊息", "消息"),
        "tools_rag.tools": ("Tools given to the model", "提供給模型的工具", "提供给模型的工具"),
        "tools_rag.assistant": (
            "Hand-written first reply (optional)",
            "手寫的第一個回覆（可不填）",
            "手写的第一个回复（可不填）",
        ),
        "tools_rag.assistant_info": (
            "Replaces the model's reply, to try the parser and the tools: "
            '<tool_call>{"name": "calculator", "arguments": {"expression": "2**10"}}</tool_call>',
            "取代模型的回覆，用來試解析器和工具："
            '<tool_call>{"name": "calculator", "arguments": {"expression": "2**10"}}</tool_call>',
            "替代模型的回复，用来试解析器和工具："
            '<tool_call>{"name": "calculator", "arguments": {"expression": "2**10"}}</tool_call>',
        ),
        "tools_rag.max_new": ("Max new tokens per reply", "每次回覆最多新詞元", "每次回复最多新词元"),
        "tools_rag.show_prompt": ("Show the prompt", "顯示提示", "显示提示"),
        "tools_rag.run_loop": ("Run the loop", "執行迴圈", "运行循环"),
        "tools_rag.prompt_summary": ("With and without tools", "有工具與沒有工具", "有工具与没有工具"),
        "tools_rag.added": ("Text the tools add", "工具多加的文字", "工具多加的文字"),
        "tools_rag.with_tools": ("Prompt with tools", "有工具的提示", "有工具的提示"),
        "tools_rag.without_tools": ("Prompt without tools", "沒有工具的提示", "没有工具的提示"),
        "tools_rag.steps": ("The loop, step by step", "迴圈的每一步", "循环的每一步"),
        "tools_rag.question": ("Question", "問題", "问题"),
        "tools_rag.k": ("Chunks in the prompt (k)", "放進提示的段落數（k）", "放进提示的段落数（k）"),
        "tools_rag.ask": ("Retrieve and answer", "檢索並回答", "检索并回答"),
        "tools_rag.rag_summary": ("Retrieval", "檢索結果", "检索结果"),
        "tools_rag.scores": ("Cosine similarity of the chunks", "段落的餘弦相似度", "段落的余弦相似度"),
        "tools_rag.fact_chart": ("Probability of the key fact", "關鍵事實的機率", "关键事实的概率"),
        "tools_rag.answer_with": ("Answer with retrieval", "有檢索的回答", "有检索的回答"),
        "tools_rag.answer_without": ("Answer without retrieval", "沒有檢索的回答", "没有检索的回答"),
        "tools_rag.augmented": ("The augmented prompt", "增強後的提示", "增强后的提示"),
    }
)

register(
    {
        "tools_rag.native": (
            "**{name}**'s chat template takes `tools`: the schemas add **{added}** tokens ({with_n} with, {without_n} "
            "without). The text they add:",
            "**{name}** 的聊天模板接受 `tools`：結構描述多了 **{added}** 個詞元（有工具 {with_n}，沒有 {without_n}）。"
            "多出來的文字：",
            "**{name}** 的聊天模板接受 `tools`：结构描述多了 **{added}** 个词元（有工具 {with_n}，没有 {without_n}）。"
            "多出来的文字：",
        ),
        "tools_rag.fallback": (
            "⚠️ **{name}**'s chat template has no tool support: `apply_chat_template(..., tools=...)` renders the same "
            "text as without tools. The common fallback is used instead: the tools described in the system prompt, "
            "which adds **{added}** tokens ({with_n} with, {without_n} without):",
            "⚠️ **{name}** 的聊天模板不支援工具：`apply_chat_template(..., tools=...)` 產生的文字和沒有工具時一樣。"
            "所以改用常見的替代做法：在系統提示裡描述工具，"
            "多了 **{added}** 個詞元（有工具 {with_n}，沒有 {without_n}）：",
            "⚠️ **{name}** 的聊天模板不支持工具：`apply_chat_template(..., tools=...)` 生成的文字和没有工具时一样。"
            "所以改用常见的替代做法：在系统提示里描述工具，"
            "多了 **{added}** 个词元（有工具 {with_n}，没有 {without_n}）：",
        ),
        "tools_rag.step_prompt": (
            "**1. Prompt**: {n} tokens, tools {how}.",
            "**1. 提示**：{n} 個詞元，工具{how}。",
            "**1. 提示**：{n} 个词元，工具{how}。",
        ),
        "tools_rag.how_native": ("in the template's own format", "用模板自己的格式", "用模板自己的格式"),
        "tools_rag.how_fallback": ("described in the system prompt", "寫在系統提示裡", "写在系统提示里"),
        "tools_rag.step_reply": (
            "**2. The model replies** ({n} tokens):",
            "**2. 模型回覆**（{n} 個詞元）：",
            "**2. 模型回复**（{n} 个词元）：",
        ),
        "tools_rag.step_reply_hand": (
            "**2. Hand-written reply** (instead of the model's):",
            "**2. 手寫的回覆**（取代模型的回覆）：",
            "**2. 手写的回复**（替代模型的回复）：",
        ),
        "tools_rag.step_parse_ok": (
            "**3. Parsed** ({format} format): call `{name}` with {args}",
            "**3. 解析成功**（{format} 格式）：呼叫 `{name}`，參數 {args}",
            "**3. 解析成功**（{format} 格式）：调用 `{name}`，参数 {args}",
        ),
        "tools_rag.step_parse_none": (
            "**3. No tool call**: the model answered directly. The loop ends here.",
            "**3. 沒有工具呼叫**：模型直接回答了，迴圈到此結束。",
            "**3. 没有工具调用**：模型直接回答了，循环到此结束。",
        ),
        "tools_rag.step_parse_fail": (
            "❌ **3. The call cannot be read** ({code}): {error}. Nothing runs; the loop ends here.",
            "❌ **3. 無法解讀這個呼叫**（{code}）：{error}。什麼都不執行，迴圈到此結束。",
            "❌ **3. 无法解读这个调用**（{code}）：{error}。什么都不运行，循环到此结束。",
        ),
        "tools_rag.step_run_ok": (
            "**4. The tool runs**: {result}",
            "**4. 執行工具**：{result}",
            "**4. 运行工具**：{result}",
        ),
        "tools_rag.step_run_fail": (
            "❌ **4. The tool refuses**: {error} (this error goes back to the model as the tool's result)",
            "❌ **4. 工具拒絕**：{error}（這個錯誤會當成工具的結果送回給模型）",
            "❌ **4. 工具拒绝**：{error}（这个错误会作为工具的结果送回给模型）",
        ),
        "tools_rag.step_tool_message": (
            "**5. `tool` message** to the model: `{content}`",
            "**5. 送給模型的 `tool` 訊息**：`{content}`",
            "**5. 送给模型的 `tool` 消息**：`{content}`",
        ),
        "tools_rag.step_answer": (
            "**6. The model answers** ({n} tokens):",
            "**6. 模型回答**（{n} 個詞元）：",
            "**6. 模型回答**（{n} 个词元）：",
        ),
        "tools_rag.step_writing": ("*The model is writing its reply…*", "*模型正在寫回覆…*", "*模型正在写回复…*"),
        "tools_rag.cut": (" (cut at the token limit)", "（在詞元上限處截斷）", "（在词元上限处截断）"),
        "tools_rag.retrieved": (
            "Top {k} of {n} chunks for the question, embedded as the mean of layer {layer} of {n_layers}'s hidden "
            "states ({ms} ms for the question; the chunks' embeddings are cached).",
            "為這個問題從 {n} 個段落取回前 {k} 個；嵌入是第 {layer} 層（共 {n_layers} 層）隱藏狀態的平均"
            "（問題花了 {ms} 毫秒；段落的嵌入已快取）。",
            "为这个问题从 {n} 个段落取回前 {k} 个；嵌入是第 {layer} 层（共 {n_layers} 层）隐藏状态的平均"
            "（问题花了 {ms} 毫秒；段落的嵌入已缓存）。",
        ),
        "tools_rag.indexed": (
            "This model's chunk embeddings were computed first ({s} s); later questions reuse them.",
            "先為這個模型計算了段落的嵌入（{s} 秒）；之後的問題直接沿用。",
            "先为这个模型计算了段落的嵌入（{s} 秒）；之后的问题直接沿用。",
        ),
        "tools_rag.hit": (
            "✅ the right topic ({topic}) is first.",
            "✅ 第一名就是正確主題（{topic}）。",
            "✅ 第一名就是正确主题（{topic}）。",
        ),
        "tools_rag.hit_lower": (
            "⚠️ the right topic ({topic}) is not first (rank {rank}).",
            "⚠️ 正確主題（{topic}）不是第一名（第 {rank} 名）。",
            "⚠️ 正确主题（{topic}）不是第一名（第 {rank} 名）。",
        ),
        "tools_rag.left_out": (
            "⚠️ the right topic ({topic}) ranks {rank}: not in the prompt (k = {k}).",
            "⚠️ 正確主題（{topic}）排第 {rank} 名，沒有放進提示（k = {k}）。",
            "⚠️ 正确主题（{topic}）排第 {rank} 名，没有放进提示（k = {k}）。",
        ),
        "tools_rag.miss": (
            "❌ the right topic ({topic}) is not among the best chunks.",
            "❌ 取回的段落裡沒有正確主題（{topic}）。",
            "❌ 取回的段落里没有正确主题（{topic}）。",
        ),
        "tools_rag.fact": (
            "Key fact **{fact}** after “{stem}”: p = **{p_with}** with retrieval, **{p_without}** without.",
            "關鍵事實 **{fact}**（接在「{stem}」之後）：有檢索 p = **{p_with}**，沒有檢索 **{p_without}**。",
            "关键事实 **{fact}**（接在“{stem}”之后）：有检索 p = **{p_with}**，没有检索 **{p_without}**。",
        ),
        "tools_rag.no_fact": (
            "Not one of the labelled questions: no key fact to score.",
            "這不是標註過的問題，沒有可評分的關鍵事實。",
            "这不是标注过的问题，没有可评分的关键事实。",
        ),
        "tools_rag.score_axis": ("cosine similarity", "餘弦相似度", "余弦相似度"),
        "tools_rag.with": ("with retrieval", "有檢索", "有检索"),
        "tools_rag.without": ("without retrieval", "沒有檢索", "没有检索"),
        "tools_rag.p_axis": ("probability", "機率", "概率"),
        "tools_rag.fact_title": ("p of each token of '{fact}'", "「{fact}」每個詞元的機率", "“{fact}”每个词元的概率"),
        "tools_rag.scores_title": (
            "Best chunks · {k} in the prompt",
            "最相近的段落 · {k} 個在提示中",
            "最相近的段落 · {k} 个在提示中",
        ),
    }
)


def tool_summary(name: str, native: bool, with_n: int, without_n: int, lang: str = "en") -> str:
    """The tool prompt's headline: native support or the fallback, and the tokens the tools add."""
    key = "tools_rag.native" if native else "tools_rag.fallback"
    return t(key, lang, name=name, added=with_n - without_n, with_n=with_n, without_n=without_n)


def _quote(text: str) -> str:
    return "\n\n```\n" + text.replace("```", "`\u200b``") + "\n```"


def steps(rows: list[dict[str, Any]], lang: str = "en", writing: bool = False) -> str:
    """The loop's steps (loop_json's `steps`) as Markdown, one paragraph each; `writing`: a last line saying the
    model is writing the next reply (the loop so far, streamed)."""
    out = []
    for s in rows:
        kind = s["kind"]
        if kind == "prompt":
            how = t("tools_rag.how_native" if s["native"] else "tools_rag.how_fallback", lang)
            out.append(t("tools_rag.step_prompt", lang, n=s["n_tokens"], how=how))
        elif kind in ("reply", "answer"):
            key = "tools_rag.step_reply_hand" if s.get("handwritten") else f"tools_rag.step_{kind}"
            cut = t("tools_rag.cut", lang) if s.get("finish_reason") == "length" else ""
            out.append(t(key, lang, n=s.get("new_tokens", 0)) + cut + _quote(s["text"]))
        elif kind == "parse":
            if not s["ok"]:
                out.append(t("tools_rag.step_parse_fail", lang, code=s["code"], error=s["error"]))
            elif not s["call"]:
                out.append(t("tools_rag.step_parse_none", lang))
            else:
                args = json.dumps(s["args"], ensure_ascii=False)
                out.append(t("tools_rag.step_parse_ok", lang, format=s["format"], name=s["name"], args=f"`{args}`"))
        elif kind == "run":
            if s["ok"]:
                out.append(t("tools_rag.step_run_ok", lang, result=f"`{json.dumps(s['result'], ensure_ascii=False)}`"))
            else:
                out.append(t("tools_rag.step_run_fail", lang, error=s["error"]))
        elif kind == "tool_message":
            out.append(t("tools_rag.step_tool_message", lang, content=s["content"]))
    if writing:
        out.append(t("tools_rag.step_writing", lang))
    return "\n\n".join(out)


def _p(p: float) -> str:
    """0.1085 -> '10.85%'; 5.1e-09 -> '5.1e-09' (a percentage would read 0.00%)."""
    return f"{p:.2%}" if p >= 1e-4 else f"{p:.1e}"


def rag_summary(result: dict[str, Any], lang: str = "en") -> str:
    """Retrieval headline, whether the right topic came first (labelled questions), and the key fact's p."""
    r = result
    lines = [
        t(
            "tools_rag.retrieved",
            lang,
            k=len(r["hits"]),
            n=r["n_chunks"],
            layer=r["layer"],
            n_layers=r["n_layers"],
            ms=f"{r['retrieval_ms']:.0f}",
        )
    ]
    if r.get("index_ms", 0) > 50:
        lines.append(t("tools_rag.indexed", lang, s=f"{r['index_ms'] / 1000:.1f}"))
    fact = r.get("fact")
    if fact is None:
        lines.append(t("tools_rag.no_fact", lang))
        return "\n\n".join(lines)
    topics = [h["topic"] for h in r.get("ranking") or r["hits"]]
    topic = fact["topic"]
    if topics and topics[0] == topic:
        lines.append(t("tools_rag.hit", lang, topic=topic))
    elif topic in topics[: len(r["hits"])]:
        lines.append(t("tools_rag.hit_lower", lang, topic=topic, rank=topics.index(topic) + 1))
    elif topic in topics:
        lines.append(t("tools_rag.left_out", lang, topic=topic, rank=topics.index(topic) + 1, k=len(r["hits"])))
    else:
        lines.append(t("tools_rag.miss", lang, topic=topic))
    lines.append(
        t(
            "tools_rag.fact",
            lang,
            fact=fact["fact"].strip(),
            stem=fact["stem"],
            p_with=_p(fact["p_with"]),
            p_without=_p(fact["p_without"]),
        )
    )
    return "\n\n".join(lines)


register(
    {
        "tools_rag.tool_calculator": ("calculator", "計算機 calculator", "计算器 calculator"),
        "tools_rag.tool_clock": ("clock", "時鐘 clock", "时钟 clock"),
        "tools_rag.tool_convert_units": ("unit converter", "單位換算 convert_units", "单位换算 convert_units"),
        "tools_rag.tool_country_facts": ("country facts", "國家資料 country_facts", "国家资料 country_facts"),
    }
)


def tool_choices(lang: str = "en") -> list[tuple[str, str]]:
    """The tools' (label, value) pairs; the values are the tool names the API accepts."""
    return [(t(f"tools_rag.tool_{n}", lang), n) for n in NAMES]
