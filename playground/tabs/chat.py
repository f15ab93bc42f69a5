"""Chat tab: a streamed chat with the selected model, its prompt made visible, template modes compared.

Thin wiring over playground.core.chat (templates, trimming, reasoning, confidences) and
playground.core.generate (the decode loop). The conversation lives in the Chatbot's value, which
each browser session holds on its own; a gr.State keeps the session's last request for Retry.
"""

from __future__ import annotations

import time
from typing import Any, Iterator

import gradio as gr

from playground import config
from playground.core import chat
from playground.core.generate import Generation, Sampling, check_sampling, in_background
from playground.core.tokens import token_text
from playground.errors import InputError
from playground.i18n import register
from playground.loader import get_loader, resolve
from playground.render import confidence_html, prompt_html
from playground.tabs.common import TabContext, code_box, friendly, json_box, model_examples

ID = "chat"
TITLE = "chat.title"

register({
    "chat.title": ("Chat", "對話", "对话"),
    "chat.conversation": ("Conversation", "對話內容", "对话内容"),
    "chat.message": ("Message", "訊息", "消息"),
    "chat.message_ph": ("Type a message and press Enter", "輸入訊息後按 Enter", "输入消息后按 Enter"),
    "chat.send": ("Send", "送出", "发送"),
    "chat.stop": ("Stop", "停止", "停止"),
    "chat.retry": ("Retry", "重試", "重试"),
    "chat.edit": ("Edit last", "編輯上一則", "编辑上一条"),
    "chat.clear": ("Clear chat", "清除對話", "清除对话"),
    "chat.system": ("System prompt", "系統提示", "系统提示"),
    "chat.mode": ("Template", "模板", "模板"),
    "chat.mode_info": ("official: the model's chat template; homemade: your own; none: raw continuation",
                       "official：模型自己的對話模板；homemade：自製模板；none：直接接續文字",
                       "official：模型自己的对话模板；homemade：自制模板；none：直接续写文字"),
    "chat.template": ("Homemade template ({prompt} is replaced by the message)",
                      "自製模板（{prompt} 會換成訊息）", "自制模板（{prompt} 会替换成消息）"),
    "chat.sampling": ("Sampling", "取樣設定", "采样设置"),
    "chat.greedy": ("Greedy (always the most likely token)", "貪婪解碼（每次選機率最高的詞元）",
                    "贪婪解码（每次选概率最高的词元）"),
    "chat.temperature": ("Temperature", "溫度", "温度"),
    "chat.top_k": ("Top-k (0 = off)", "Top-k（0 = 不限）", "Top-k（0 = 不限）"),
    "chat.top_p": ("Top-p", "Top-p", "Top-p"),
    "chat.repetition_penalty": ("Repetition penalty", "重複懲罰", "重复惩罚"),
    "chat.max_new_tokens": ("Max new tokens", "最多生成詞元數", "最多生成词元数"),
    "chat.seed": ("Seed (-1 = random; the one used is reported)", "隨機種子（-1 = 隨機；會顯示實際使用的值）",
                  "随机种子（-1 = 随机；会显示实际使用的值）"),
    "chat.sees": ("What the model sees", "模型看到的內容", "模型看到的内容"),
    "chat.prompt_view": ("Prompt tokens (hover for id, role, raw token)", "提示詞元（滑鼠移上去看編號、角色、原始詞元）",
                         "提示词元（鼠标移上去看编号、角色、原始词元）"),
    "chat.preview": ("Preview prompt", "預覽提示", "预览提示"),
    "chat.confidence": ("Token confidence", "詞元信心", "词元置信度"),
    "chat.confidence_view": ("Last reply coloured by probability (hover for alternatives)",
                             "上一則回覆依機率上色（滑鼠移上去看其他候選）", "上一条回复按概率上色（鼠标移上去看其他候选）"),
    "chat.compare": ("Compare two templates", "比較兩種模板", "比较两种模板"),
    "chat.compare_q": ("Question", "問題", "问题"),
    "chat.mode_a": ("Left template", "左邊的模板", "左边的模板"),
    "chat.mode_b": ("Right template", "右邊的模板", "右边的模板"),
    "chat.compare_go": ("Compare", "比較", "比较"),
    "chat.reply": ("Reply", "回覆", "回复"),
    "chat.prompt_text": ("Prompt string", "提示字串", "提示字符串"),
    "chat.reasoning": ("Reasoning", "推理過程", "推理过程"),
    # Every claim below was measured greedily (at most 256 new tokens) and is checked by tests/core/test_chat_lesson.py.
    "chat.lesson": (
        "**Three ways to ask.** *none* hands the model your words to continue. The *homemade* template "
        "(使用者說：…\\nAI回答：) asks for an answer in a format the model never saw in training: nothing in it says "
        "where the answer ends. The *official* template wraps each turn in the special tokens the model was trained "
        "on (`<|im_start|>` … `<|im_end|>`); an answer ends when the model writes the end-of-turn token "
        "`<|im_end|>`. What the examples do (greedy, at most 256 new tokens):\n"
        "- **天空為什麼是藍色的？ on Qwen2.5-Coder-0.5B-Instruct** (the example switches the model): *official* answers "
        "in Chinese and ends with `<|im_end|>` after about 50 tokens; *homemade* starts the same answer but never "
        "ends its turn: it repeats one clause until the limit. The answer itself is wrong (not a word about "
        "scattering): a 0.5B model writes fluent Chinese but knows little.\n"
        "- **Why is the sky blue? on SmolLM2-135M-Instruct** (the default): *official* explains Rayleigh scattering "
        "and ends with `<|im_end|>`; *homemade* answers too, adds \"The answer is: AI.\" and stops; *none* stops "
        "at once with an empty reply.\n"
        "- SmolLM2 knows too little Chinese: on 天空為什麼是藍色的？ it repeats 藍色！ until the limit with the "
        "official template, and 什麼？ AI回答： with the homemade one.",
        "**三種問法。** *none* 把你的文字直接交給模型接續。*homemade* 自製模板（使用者說：…\\nAI回答：）用模型訓練時"
        "沒見過的格式要它回答：裡面沒有任何東西標示回答在哪裡結束。*official* 官方模板用模型訓練時見過的特殊詞元"
        "（`<|im_start|>` … `<|im_end|>`）包住每一輪；模型寫出回合結束詞元 `<|im_end|>`，回答才算結束。"
        "下方範例的結果（貪婪解碼，最多 256 個新詞元）：\n"
        "- **天空為什麼是藍色的？用 Qwen2.5-Coder-0.5B-Instruct**（點範例會切換模型）：*official* 用中文回答，"
        "大約 50 個詞元後以 `<|im_end|>` 結束；*homemade* 開頭是同樣的回答，卻一直不結束自己的回合：把同一個子句"
        "重複到上限。回答本身是錯的（完全沒提到散射）：0.5B 的模型中文說得流利，懂的卻不多。\n"
        "- **Why is the sky blue? 用 SmolLM2-135M-Instruct**（預設模型）：*official* 解釋了瑞利散射，並以 "
        "`<|im_end|>` 結束；*homemade* 也回答了，接著加上 \"The answer is: AI.\" 才停；*none* 立刻停下，回覆是空的。\n"
        "- SmolLM2 懂的中文太少：問它「天空為什麼是藍色的？」，用官方模板會一直重複「藍色！」到上限，"
        "用自製模板則重複「什麼？ AI回答：」。",
        "**三种问法。** *none* 把你的文字直接交给模型续写。*homemade* 自制模板（使用者說：…\\nAI回答：）用模型训练时"
        "没见过的格式要它回答：里面没有任何东西标示回答在哪里结束。*official* 官方模板用模型训练时见过的特殊词元"
        "（`<|im_start|>` … `<|im_end|>`）包住每一轮；模型写出回合结束词元 `<|im_end|>`，回答才算结束。"
        "下方示例的结果（贪婪解码，最多 256 个新词元）：\n"
        "- **天空為什麼是藍色的？用 Qwen2.5-Coder-0.5B-Instruct**（点示例会切换模型）：*official* 用中文回答，"
        "大约 50 个词元后以 `<|im_end|>` 结束；*homemade* 开头是同样的回答，却一直不结束自己的回合：把同一个子句"
        "重复到上限。回答本身是错的（完全没提到散射）：0.5B 的模型中文说得流利，懂的却不多。\n"
        "- **Why is the sky blue? 用 SmolLM2-135M-Instruct**（默认模型）：*official* 解释了瑞利散射，并以 "
        "`<|im_end|>` 结束；*homemade* 也回答了，接着加上 \"The answer is: AI.\" 才停；*none* 立刻停下，回复是空的。\n"
        "- SmolLM2 懂的中文太少：问它「天空為什麼是藍色的？」，用官方模板会一直重复「藍色！」到上限，"
        "用自制模板则重复「什麼？ AI回答：」。",
    ),
})

# The lesson's examples: the source tutorial's question, and the same in English for the default model.
CHINESE_QUESTION = "天空為什麼是藍色的？"
ENGLISH_QUESTION = "Why is the sky blue?"

_SKIP = gr.skip
STREAM_INTERVAL = 0.1  # seconds between streamed updates at most 10 a second; decoding is ~10-20 tokens/s here


def _reply_messages(text: str, opens_think: bool, final: bool) -> list[dict[str, Any]]:
    """The assistant's reply as Chatbot messages: a collapsible reasoning block (if any), then the answer."""
    r = chat.split_reasoning(text, opened_by_prompt=opens_think)
    out: list[dict[str, Any]] = []
    if r.reasoning is not None:
        out.append({"role": "assistant", "content": r.reasoning or "…",
                    "metadata": {"title": "Reasoning", "status": "done" if r.done else "pending"}})
    if r.answer or r.reasoning is None or final:
        out.append({"role": "assistant", "content": r.answer})
    return out


def _result(lm: Any, prompt: chat.Prompt, gen: Generation, sampling: Sampling, final: bool) -> dict[str, Any]:
    r = chat.split_reasoning(gen.text, opened_by_prompt=prompt.opens_think)
    out: dict[str, Any] = {
        "model": lm.name, "reply": r.answer, "reasoning": r.reasoning, "done": final,
        "new_tokens": gen.new_tokens, "prompt_tokens": prompt.n_tokens, "template_mode": prompt.mode,
    }
    if not final:
        return out
    out.update({
        "finish_reason": gen.finish_reason or "stopped",
        "raw_reply": gen.text,
        "dropped_turns": prompt.dropped_turns,
        "notice": prompt.notice,
        "warnings": list(prompt.warnings),
        "role_tokens": prompt.role_counts,
        "seed": gen.seed,
        "sampling": sampling.__dict__ | {"seed": gen.seed if not sampling.greedy else sampling.seed},
        "time_to_first_token_s": round(gen.time_to_first_token or 0.0, 4),
        "seconds": round(gen.seconds, 4),
        "tokens_per_second": round(gen.tokens_per_second, 2),
        "tokens": [{"id": t.token_id, "text": t.text, "p": t.prob,
                    "top": [{"text": a, "p": p} for a, p in t.alternatives]}
                   for t in chat.confidences(gen.steps, lm.tokenizer)],
    })
    return out


def _prepare(lm: Any, message: str, history: Any, system: str, mode: str, template: str,
             sampling: Sampling) -> chat.Prompt:
    budget = chat.context_budget(lm.model.config, sampling.max_new_tokens)
    return chat.fit_prompt(lm.tokenizer, message, history, system, mode, template, budget)


def _prompt_view(lm_tokenizer: Any, prompt: chat.Prompt) -> str:
    return prompt_html(prompt, [token_text(lm_tokenizer, i) for i in prompt.ids])


def respond(model: str, message: str, history: list | None, system: str, mode: str, template: str,
            greedy: bool, temperature: float, top_k: float, top_p: float, repetition_penalty: float,
            max_new_tokens: float, seed: float | None) -> Iterator[tuple]:
    """Stream one reply. Yields (history, cleared message box, prompt view, notice, confidence view, code, JSON).

    JSON while streaming: {reply, reasoning, done: false, new_tokens, ...}; the last one adds finish_reason,
    raw_reply, seed, timings and `tokens` [{id, text, p, top: [{text, p}]}].
    """
    sampling = check_sampling(greedy, temperature, top_k, top_p, repetition_penalty, max_new_tokens, seed)
    mode = chat.check_mode(mode)
    with get_loader().use(model) as lm:  # pinned: never dropped from the cache while this reply streams
        yield from _respond(lm, model, message, history, system, mode, template, sampling)


def _respond(lm: Any, model: str, message: str, history: list | None, system: str, mode: str, template: str,
             sampling: Sampling) -> Iterator[tuple]:
    prompt = _prepare(lm, message, history, system, mode, template, sampling)
    shown = list(history or []) + [{"role": "user", "content": message}]
    notice = f"✂️ {prompt.notice}" if prompt.notice else ""
    if prompt.notice:
        gr.Warning(prompt.notice)
    gen = Generation(lm, prompt.ids, sampling)
    view = _prompt_view(lm.tokenizer, prompt)
    yield shown, "", view, notice, _SKIP(), _SKIP(), _result(lm, prompt, gen, sampling, False)
    for _steps in in_background(gen):
        sent = time.perf_counter()
        yield (shown + _reply_messages(gen.text, prompt.opens_think, False), _SKIP(), _SKIP(), _SKIP(), _SKIP(),
               _SKIP(), _result(lm, prompt, gen, sampling, False))
        # Each update costs the server CPU that decoding (on every core) would otherwise use: after an update,
        # let STREAM_INTERVAL pass; tokens decoded meanwhile go out together in the next one.
        if gen.finish_reason is None:
            time.sleep(max(0.0, STREAM_INTERVAL - (time.perf_counter() - sent)))
    code = chat.code_snippet(resolve(model).model_id, prompt.messages, mode, template, sampling.generate_kwargs(),
                             gen.seed)
    # The last yield carries every output, so an API client's final result has no placeholders.
    yield (shown + _reply_messages(gen.text, prompt.opens_think, True), "", view, notice,
           confidence_html(chat.confidences(gen.steps, lm.tokenizer)), code, _result(lm, prompt, gen, sampling, True))


def _split_last(history: list | None) -> tuple[list, str]:
    """History without its last user message and what followed it, and that message's text."""
    history = list(history or [])
    for i in range(len(history) - 1, -1, -1):
        if history[i].get("role") == "user":
            text = chat.normalize_history([history[i]])[0]["content"]
            return history[:i], text
    raise InputError("There is no message to retry or edit yet.")


def for_retry(history: list | None) -> tuple[list, str]:
    """Drop the last reply; the state gets the last user message for the next step to resend."""
    return _split_last(history)


def for_edit(history: list | None) -> tuple[list, str]:
    """Put the last user message back into the message box (and drop it and its reply from the history)."""
    return _split_last(history)


def preview(model: str, message: str, history: list | None, system: str, mode: str, template: str,
            max_new_tokens: float) -> tuple[str, dict]:
    """What the model would see for this message, without generating. Returns (prompt view, JSON:
    {text, ids, tokens, special, roles, role_tokens, n_tokens, bos_doubled, warnings, dropped_turns, notice})."""
    if not (message or "").strip():
        message = "…"  # show the template around an empty message while the box is empty
    cap = config.settings().limits.max_new_tokens
    sampling = Sampling(max_new_tokens=max(1, min(int(max_new_tokens or 1), cap)))
    with get_loader().use(model) as lm:
        prompt = _prepare(lm, message, history, system, mode, template, sampling)
    tok = lm.tokenizer
    return _prompt_view(tok, prompt), {
        "text": prompt.text, "ids": prompt.ids, "tokens": prompt.tokens, "special": prompt.special,
        "roles": prompt.roles, "role_tokens": prompt.role_counts, "n_tokens": prompt.n_tokens,
        "add_special_tokens": prompt.add_special_tokens, "bos_doubled": prompt.bos_doubled,
        "warnings": list(prompt.warnings), "dropped_turns": prompt.dropped_turns, "notice": prompt.notice}


def compare(model: str, question: str, system: str, mode_a: str, mode_b: str, template: str,
            greedy: bool, temperature: float, top_k: float, top_p: float, repetition_penalty: float,
            max_new_tokens: float, seed: float | None) -> Iterator[tuple]:
    """The same question under two template modes, streamed side by side (one token of each in turn).
    Yields (reply A, reply B, prompt A, prompt B, JSON {a: {...}, b: {...}})."""
    sampling = check_sampling(greedy, temperature, top_k, top_p, repetition_penalty, max_new_tokens, seed)
    with get_loader().use(model) as lm:
        yield from _compare(lm, question, system, chat.check_mode(mode_a), chat.check_mode(mode_b), template, sampling)


def _compare(lm: Any, question: str, system: str, mode_a: str, mode_b: str, template: str,
             sampling: Sampling) -> Iterator[tuple]:
    pa = _prepare(lm, question, [], system, mode_a, template, sampling)
    pb = _prepare(lm, question, [], system, mode_b, template, sampling)
    ga, gb = Generation(lm, pa.ids, sampling), Generation(lm, pb.ids, sampling)
    yield "", "", pa.text, pb.text, {}
    ia, ib = iter(ga), iter(gb)
    live = [ia, ib]
    while live:
        for it in list(live):
            if next(it, None) is None:
                live.remove(it)
        yield ga.text, gb.text, _SKIP(), _SKIP(), _SKIP()
    yield (ga.text, gb.text, pa.text, pb.text,
           {"a": _result(lm, pa, ga, sampling, True) | {"prompt": pa.text},
            "b": _result(lm, pb, gb, sampling, True) | {"prompt": pb.text}})


def clear() -> tuple:
    return [], "", "", "", "", {}


def build(ctx: TabContext) -> None:
    tr = ctx.tr
    limits = config.settings().limits
    tr.make(gr.Markdown, i18n={"value": "chat.lesson"})
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = tr.make(gr.Chatbot, i18n={"label": "chat.conversation"}, height=420, elem_id="chat-conversation",
                              render_markdown=False, feedback_options=None)
            notice = gr.Markdown(elem_id="chat-notice", label="notice")
            with gr.Row(equal_height=True):
                message = tr.make(gr.Textbox, i18n={"label": "chat.message", "placeholder": "chat.message_ph"},
                                  lines=2, scale=5, elem_id="chat-message")
                send = tr.make(gr.Button, i18n={"value": "chat.send"}, variant="primary", scale=1, min_width=80)
            english, chinese = config.settings().default_model, config.settings().chinese_model
            model_examples(ctx, [[chinese, CHINESE_QUESTION], [english, ENGLISH_QUESTION]], [message],
                           label="Examples")
            with gr.Row():
                stop = tr.make(gr.Button, i18n={"value": "chat.stop"}, variant="stop", size="sm")
                retry = tr.make(gr.Button, i18n={"value": "chat.retry"}, size="sm")
                edit = tr.make(gr.Button, i18n={"value": "chat.edit"}, size="sm")
                clear_btn = tr.make(gr.Button, i18n={"value": "chat.clear"}, size="sm")
        with gr.Column(scale=2):
            system = tr.make(gr.Textbox, i18n={"label": "chat.system"}, lines=2, value="")
            mode = tr.make(gr.Radio, i18n={"label": "chat.mode", "info": "chat.mode_info"},
                           choices=list(chat.MODES), value="official")
            template = tr.make(gr.Textbox, i18n={"label": "chat.template"}, lines=2, value=chat.HOMEMADE_PRESET)
            with gr.Accordion("Sampling", open=True) as acc_sampling:
                greedy = tr.make(gr.Checkbox, i18n={"label": "chat.greedy"}, value=True)
                temperature = tr.make(gr.Slider, i18n={"label": "chat.temperature"}, minimum=0.05, maximum=2.0,
                                      step=0.05, value=0.7)
                top_k = tr.make(gr.Slider, i18n={"label": "chat.top_k"}, minimum=0, maximum=200, step=1, value=50)
                top_p = tr.make(gr.Slider, i18n={"label": "chat.top_p"}, minimum=0.05, maximum=1.0, step=0.01,
                                value=0.9)
                rep = tr.make(gr.Slider, i18n={"label": "chat.repetition_penalty"}, minimum=1.0, maximum=2.0,
                              step=0.05, value=1.0)
                max_new = tr.make(gr.Slider, i18n={"label": "chat.max_new_tokens"}, minimum=1,
                                  maximum=limits.max_new_tokens, step=1, value=min(256, limits.max_new_tokens))
                seed = tr.make(gr.Number, i18n={"label": "chat.seed"}, value=-1, precision=0)
            tr.items.append((acc_sampling, {"label": "chat.sampling"}))
    with gr.Accordion("What the model sees", open=False) as acc_sees:
        preview_btn = tr.make(gr.Button, i18n={"value": "chat.preview"}, size="sm")
        prompt_view = tr.make(gr.HTML, i18n={"label": "chat.prompt_view"}, elem_id="chat-prompt-view")
        preview_json = gr.JSON(visible=False)
    tr.items.append((acc_sees, {"label": "chat.sees"}))
    with gr.Accordion("Token confidence", open=False) as acc_conf:
        conf_view = tr.make(gr.HTML, i18n={"label": "chat.confidence_view"}, elem_id="chat-confidence")
    tr.items.append((acc_conf, {"label": "chat.confidence"}))
    with gr.Accordion("Compare two templates", open=False) as acc_cmp:
        with gr.Row(equal_height=True):
            question = tr.make(gr.Textbox, i18n={"label": "chat.compare_q"}, value=ENGLISH_QUESTION, scale=3)
            mode_a = tr.make(gr.Dropdown, i18n={"label": "chat.mode_a"}, choices=list(chat.MODES), value="official",
                             scale=1)
            mode_b = tr.make(gr.Dropdown, i18n={"label": "chat.mode_b"}, choices=list(chat.MODES), value="homemade",
                             scale=1)
            compare_btn = tr.make(gr.Button, i18n={"value": "chat.compare_go"}, scale=1)
        model_examples(ctx, [[chinese, CHINESE_QUESTION], [english, ENGLISH_QUESTION], [english, CHINESE_QUESTION]],
                       [question], label="Examples")
        with gr.Row():
            with gr.Column():
                reply_a = tr.make(gr.Textbox, i18n={"label": "chat.reply"}, lines=8, interactive=False,
                                  elem_id="chat-reply-a")
                prompt_a = tr.make(gr.Textbox, i18n={"label": "chat.prompt_text"}, lines=4, interactive=False)
            with gr.Column():
                reply_b = tr.make(gr.Textbox, i18n={"label": "chat.reply"}, lines=8, interactive=False,
                                  elem_id="chat-reply-b")
                prompt_b = tr.make(gr.Textbox, i18n={"label": "chat.prompt_text"}, lines=4, interactive=False)
    tr.items.append((acc_cmp, {"label": "chat.compare"}))
    code = code_box(ctx)
    result = json_box(ctx)

    knobs = [greedy, temperature, top_k, top_p, rep, max_new, seed]
    settings = [system, mode, template, *knobs]
    outputs = [chatbot, message, prompt_view, notice, conf_view, code, result]
    pending = gr.State("")  # this session's message waiting to be resent by Retry
    stream = friendly(respond)
    # All chat events share one concurrency group: up to 8 replies stream at once, and their decode steps run as
    # one batched forward pass (core/batching.py: 8 chats give ~3.8x the tokens/s of one); light requests of
    # other tabs keep their own queue slots.
    group = {"concurrency_id": "chat", "concurrency_limit": 8}
    sent = gr.on([send.click, message.submit], stream, [ctx.model, message, chatbot, *settings], outputs,
                 api_name="chat", **group)
    ctx.after_model(sent)
    retried = retry.click(friendly(for_retry), chatbot, [chatbot, pending], api_visibility="private").success(
        stream, [ctx.model, pending, chatbot, *settings], outputs, api_visibility="private", **group)
    edit.click(friendly(for_edit), chatbot, [chatbot, message], api_visibility="private")
    compared = compare_btn.click(friendly(compare), [ctx.model, question, system, mode_a, mode_b, template, *knobs],
                                 [reply_a, reply_b, prompt_a, prompt_b, result], api_name="chat_compare", **group)
    stop.click(None, None, None, cancels=[sent, retried, compared], api_visibility="private")
    clear_btn.click(clear, None, [chatbot, message, prompt_view, notice, conf_view, result],
                    api_visibility="private", queue=False)
    chatbot.clear(clear, None, [chatbot, message, prompt_view, notice, conf_view, result], api_visibility="private",
                  queue=False)
    preview_inputs = [ctx.model, message, chatbot, system, mode, template, max_new]
    preview_btn.click(friendly(preview), preview_inputs, [prompt_view, preview_json], api_name="chat_prompt")
    for trigger in (mode.change, template.change, system.change):
        trigger(friendly(preview), preview_inputs, [prompt_view, preview_json], api_visibility="private",
                trigger_mode="always_last", show_progress="hidden")
