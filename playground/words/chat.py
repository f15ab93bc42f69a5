"""The Chat tab's words: labels, the lesson, the template choices, and the notices and warnings worded
from the codes and numbers playground.core.chat returns (dropped turns, BOS warnings, finish reasons).
Not here: the JSON result (its English fields are the API's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.i18n import register, t

if TYPE_CHECKING:
    from playground.core.chat import Prompt

register(
    {
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
        "chat.mode_info": (
            "official: the model's chat template; homemade: your own; none: raw continuation",
            "official：模型自己的對話模板；homemade：自製模板；none：直接接續文字",
            "official：模型自己的对话模板；homemade：自制模板；none：直接续写文字",
        ),
        "chat.template": (
            "Homemade template ({prompt} is replaced by the message)",
            "自製模板（{prompt} 會換成訊息）",
            "自制模板（{prompt} 会替换成消息）",
        ),
        "chat.sampling": ("Sampling", "取樣設定", "采样设置"),
        "chat.greedy": (
            "Greedy (always the most likely token)",
            "貪婪解碼（每次選機率最高的詞元）",
            "贪婪解码（每次选概率最高的词元）",
        ),
        "chat.temperature": ("Temperature", "溫度", "温度"),
        "chat.top_k": ("Top-k (0 = off)", "Top-k（0 = 不限）", "Top-k（0 = 不限）"),
        "chat.top_p": ("Top-p", "Top-p", "Top-p"),
        "chat.repetition_penalty": ("Repetition penalty", "重複懲罰", "重复惩罚"),
        "chat.max_new_tokens": ("Max new tokens", "最多生成詞元數", "最多生成词元数"),
        "chat.seed": (
            "Seed (-1 = random; the one used is reported)",
            "隨機種子（-1 = 隨機；會顯示實際使用的值）",
            "随机种子（-1 = 随机；会显示实际使用的值）",
        ),
        "chat.sees": ("What the model sees", "模型看到的內容", "模型看到的内容"),
        "chat.prompt_view": (
            "Prompt tokens (hover for id, role, raw token)",
            "提示詞元（滑鼠移上去看編號、角色、原始詞元）",
            "提示词元（鼠标移上去看编号、角色、原始词元）",
        ),
        "chat.preview": ("Preview prompt", "預覽提示", "预览提示"),
        "chat.confidence": ("Token confidence", "詞元信心", "词元置信度"),
        "chat.confidence_view": (
            "Last reply coloured by probability (hover for alternatives)",
            "上一則回覆依機率上色（滑鼠移上去看其他候選）",
            "上一条回复按概率上色（鼠标移上去看其他候选）",
        ),
        "chat.compare": ("Compare two templates", "比較兩種模板", "比较两种模板"),
        "chat.compare_q": ("Question", "問題", "问题"),
        "chat.mode_a": ("Left template", "左邊的模板", "左边的模板"),
        "chat.mode_b": ("Right template", "右邊的模板", "右边的模板"),
        "chat.compare_go": ("Compare", "比較", "比较"),
        "chat.reply": ("Reply", "回覆", "回复"),
        "chat.prompt_text": ("Prompt string", "提示字串", "提示字符串"),
        "chat.reasoning": ("Reasoning", "推理過程", "推理过程"),
        # Every claim below was measured greedily (at most 256 new tokens) and is checked by
        # tests/core/test_chat_lesson.py.
        "chat.lesson": (
            "**Three ways to ask.** *none* hands the model your words to continue. The *homemade* template "
            "(使用者說：…\\nAI回答：) asks for an answer in a format the "
            "model never saw in training: nothing in it says "
            "where the answer ends. The *official* template wraps "
            "each turn in the special tokens the model was trained "
            "on (`<|im_start|>` … `<|im_end|>`); an answer ends when the model writes the end-of-turn token "
            "`<|im_end|>`. What the examples do (greedy, at most 256 new tokens):\n"
            "- **天空為什麼是藍色的？ on Qwen2.5-Coder-0.5B-Instruct** (the example switches the model): "
            "*official* answers "
            "in Chinese and ends with `<|im_end|>` after about 50 tokens; *homemade* starts the same answer but never "
            "ends its turn: it repeats one clause until the limit. The answer itself is wrong (not a word about "
            "scattering): a 0.5B model writes fluent Chinese but knows little.\n"
            "- **Why is the sky blue? on SmolLM2-135M-Instruct** "
            "(the default): *official* explains Rayleigh scattering "
            'and ends with `<|im_end|>`; *homemade* answers too, adds "The answer is: AI." and stops; *none* stops '
            "at once with an empty reply.\n"
            "- SmolLM2 knows too little Chinese: on 天空為什麼是藍色的？ it repeats 藍色！ until the limit with the "
            "official template, and 什麼？ AI回答： with the homemade one.",
            "**三種問法。** *none* 把你的文字直接交給模型接續。"
            "*homemade* 自製模板（使用者說：…\\nAI回答：）用模型訓練時"
            "沒見過的格式要它回答：裡面沒有任何東西標示回答在哪裡結束。*official* 官方模板用模型訓練時見過的特殊詞元"
            "（`<|im_start|>` … `<|im_end|>`）包住每一輪；模型寫出回合結束詞元 `<|im_end|>`，回答才算結束。"
            "下方範例的結果（貪婪解碼，最多 256 個新詞元）：\n"
            "- **天空為什麼是藍色的？用 Qwen2.5-Coder-0.5B-Instruct**（點範例會切換模型）：*official* 用中文回答，"
            "大約 50 個詞元後以 `<|im_end|>` 結束；*homemade* 開頭是同樣的回答，卻一直不結束自己的回合：把同一個子句"
            "重複到上限。回答本身是錯的（完全沒提到散射）：0.5B 的模型中文說得流利，懂的卻不多。\n"
            "- **Why is the sky blue? 用 SmolLM2-135M-Instruct**（預設模型）：*official* 解釋了瑞利散射，並以 "
            '`<|im_end|>` 結束；*homemade* 也回答了，接著加上 "The '
            'answer is: AI." 才停；*none* 立刻停下，回覆是空的。\n'
            "- SmolLM2 懂的中文太少：問它「天空為什麼是藍色的？」，用官方模板會一直重複「藍色！」到上限，"
            "用自製模板則重複「什麼？ AI回答：」。",
            "**三种问法。** *none* 把你的文字直接交给模型续写。"
            "*homemade* 自制模板（使用者說：…\\nAI回答：）用模型训练时"
            "没见过的格式要它回答：里面没有任何东西标示回答在哪里结束。*official* 官方模板用模型训练时见过的特殊词元"
            "（`<|im_start|>` … `<|im_end|>`）包住每一轮；模型写出回合结束词元 `<|im_end|>`，回答才算结束。"
            "下方示例的结果（贪婪解码，最多 256 个新词元）：\n"
            "- **天空為什麼是藍色的？用 Qwen2.5-Coder-0.5B-Instruct**（点示例会切换模型）：*official* 用中文回答，"
            "大约 50 个词元后以 `<|im_end|>` 结束；*homemade* 开头是同样的回答，却一直不结束自己的回合：把同一个子句"
            "重复到上限。回答本身是错的（完全没提到散射）：0.5B 的模型中文说得流利，懂的却不多。\n"
            "- **Why is the sky blue? 用 SmolLM2-135M-Instruct**（默认模型）：*official* 解释了瑞利散射，并以 "
            '`<|im_end|>` 结束；*homemade* 也回答了，接着加上 "The '
            'answer is: AI." 才停；*none* 立刻停下，回复是空的。\n'
            "- SmolLM2 懂的中文太少：问它「天空為什麼是藍色的？」，用官方模板会一直重复「藍色！」到上限，"
            "用自制模板则重复「什麼？ AI回答：」。",
        ),
    }
)

register(
    {
        "chat.examples": ("Examples", "範例", "示例"),
        "chat.mode.official": (
            "official: the model's own template",
            "official：模型自己的模板",
            "official：模型自己的模板",
        ),
        "chat.mode.homemade": ("homemade: your template", "homemade：自製模板", "homemade：自制模板"),
        "chat.mode.none": ("none: raw continuation", "none：直接接續", "none：直接续写"),
        "chat.dropped_one": (
            "✂️ The oldest turn ({tokens:,} tokens) left out: the conversation is {full:,} tokens and the "
            "model is given at most {budget:,}. The model no longer sees it.",
            "✂️ 最早的 1 輪（{tokens:,} 個詞元）已省略：對話共 {full:,} 個詞元，模型最多只讀 {budget:,} 個。"
            "模型不再看到它。",
            "✂️ 最早的 1 轮（{tokens:,} 个词元）已省略：对话共 {full:,} 个词元，模型最多只读 {budget:,} 个。"
            "模型不再看到它。",
        ),
        "chat.dropped": (
            "✂️ The {turns} oldest turns ({tokens:,} tokens) left out: the conversation is {full:,} tokens and the "
            "model is given at most {budget:,}. The model no longer sees them.",
            "✂️ 最早的 {turns} 輪（{tokens:,} 個詞元）已省略：對話共 {full:,} 個詞元，模型最多只讀 {budget:,} 個。"
            "模型不再看到它們。",
            "✂️ 最早的 {turns} 轮（{tokens:,} 个词元）已省略：对话共 {full:,} 个词元，模型最多只读 {budget:,} 个。"
            "模型不再看到它们。",
        ),
        "chat.bos_doubled": (
            "⚠️ The prompt starts with two BOS tokens ({bos}): the text already begins with it and the tokenizer adds "
            "another. Remove it from the template.",
            "⚠️ 提示開頭有兩個 BOS 詞元（{bos}）：文字本身已經以它開頭，分詞器又加了一個。請從模板中刪掉它。",
            "⚠️ 提示开头有两个 BOS 词元（{bos}）：文本本身已经以它开头，分词器又加了一个。请从模板中删掉它。",
        ),
        "chat.bos_would_double": (
            "⚠️ The templated text already starts with BOS {bos}; tokenizing it again with tokenizer(text) "
            "(add_special_tokens=True, the default) would double it. Use add_special_tokens=False, as "
            "apply_chat_template(tokenize=True) does.",
            "⚠️ 套用模板後的文字已經以 BOS {bos} 開頭；再用 tokenizer(text)（預設 add_special_tokens=True）分詞會讓它"
            "重複。請用 add_special_tokens=False，就像 apply_chat_template(tokenize=True) 那樣。",
            "⚠️ 套用模板后的文本已经以 BOS {bos} 开头；再用 tokenizer(text)（默认 add_special_tokens=True）分词会让它"
            "重复。请用 add_special_tokens=False，就像 apply_chat_template(tokenize=True) 那样。",
        ),
        "chat.finish.eos": (
            "The model ended its turn ({n} tokens).",
            "模型結束了自己的回合（{n} 個詞元）。",
            "模型结束了自己的回合（{n} 个词元）。",
        ),
        "chat.finish.length": (
            "The reply stopped at the limit of {n} new tokens: the model had not ended its turn.",
            "回覆到了 {n} 個新詞元的上限就停了：模型還沒有結束自己的回合。",
            "回复到了 {n} 个新词元的上限就停了：模型还没有结束自己的回合。",
        ),
        "chat.finish.stopped": ("Stopped after {n} tokens.", "在 {n} 個詞元後停止。", "在 {n} 个词元后停止。"),
    }
)


def mode_choices(lang: str = "en") -> list[tuple[str, str]]:
    """Template modes as (label, value); the values ('official', 'homemade', 'none') are what the API accepts."""
    return [(t(f"chat.mode.{m}", lang), m) for m in ("official", "homemade", "none")]


def notice(prompt: Prompt, lang: str = "en") -> str:
    """The notice above the chat when the oldest turns were left out to fit, in `lang` ('' when none were)."""
    if not prompt.dropped_turns:
        return ""
    return t(
        "chat.dropped_one" if prompt.dropped_turns == 1 else "chat.dropped",
        lang,
        turns=prompt.dropped_turns,
        tokens=prompt.dropped_tokens,
        full=prompt.n_tokens + prompt.dropped_tokens,
        budget=prompt.budget,
    )


def warnings(prompt: Prompt, lang: str = "en") -> list[str]:
    """The prompt's doubled-BOS warnings (core.chat warning_codes), in `lang`."""
    bos = repr(prompt.tokens[0]) if prompt.tokens else ""
    return [t(f"chat.{code}", lang, bos=bos) for code in prompt.warning_codes]


def finish(reason: str | None, new_tokens: int, lang: str = "en") -> str:
    """Why the reply ended ("eos", "length", "stopped"), in `lang`."""
    return t(f"chat.finish.{reason or 'stopped'}", lang, n=new_tokens)


def after_reply(notice: str, reason: str | None, new_tokens: int, lang: str = "en") -> str:
    """The notice once the reply is done: a reply cut at the token limit says so (the model did not end its
    turn, as with the lesson's homemade template); one that ended by itself adds nothing."""
    if reason != "length":
        return notice
    return "\n\n".join(filter(None, [notice, finish(reason, new_tokens, lang)]))
