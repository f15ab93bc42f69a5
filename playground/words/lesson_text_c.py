"""Words of the lessons' tools chapter: per step, its title, explanation, question, options, claims and reveal
in English, 繁體中文 and 简体中文.

A string table only: playground.words.lessons registers it. Each claim's text must say what the claim's
check in playground.core.lesson_later tests, and nothing more.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, tuple[str, str, str]]] = {
    "tools.prompt": {
        "title": ("What the model sees when you give it tools", "給模型工具時，它看到什麼", "给模型工具时，它看到什么"),
        "text": (
            "A model cannot run a calculator: it only continues text. “Giving it tools” means writing a "
            "description of each tool into the prompt. apply_chat_template(messages, tools=...) asks the model's "
            "template to do it; a template that ignores tools= gets the common fallback: the descriptions in the "
            "system prompt. The question is “What is 1234 * 5678?”, with the four tools of the Tools & RAG tab.",
            "模型不會執行計算機：它只會接著寫文字。「給它工具」的意思是把每個工具的說明寫進提示詞。"
            "apply_chat_template(messages, tools=...) 請模型的模板來寫；模板若忽略 tools=，就改用常見的備用做法："
            "把說明放進系統提示詞。問題是「What is 1234 * 5678?」，搭配「工具與 RAG」分頁的四個工具。",
            "模型不会运行计算器：它只会接着写文字。“给它工具”的意思是把每个工具的说明写进提示词。"
            "apply_chat_template(messages, tools=...) 请模型的模板来写；模板若忽略 tools=，就改用常见的备用做法："
            "把说明放进系统提示词。问题是“What is 1234 * 5678?”，搭配“工具与 RAG”标签页的四个工具。",
        ),
        "question": (
            "Will this model's own chat template write the tool list into the prompt?",
            "這個模型自己的對話模板會把工具清單寫進提示詞嗎？",
            "这个模型自己的对话模板会把工具清单写进提示词吗？",
        ),
        "option.template": (
            "Yes: its template writes the tools in",
            "會：它的模板會寫進工具",
            "会：它的模板会写进工具",
        ),
        "option.fallback": (
            "No: the template ignores them, the fallback system prompt carries them",
            "不會：模板忽略它們，由備用的系統提示詞帶進去",
            "不会：模板忽略它们，由备用的系统提示词带进去",
        ),
        "claim.fallback": (
            "SmolLM2's template ignores tools=: the tools reach the prompt only through the fallback system prompt.",
            "SmolLM2 的模板忽略 tools=：工具只能透過備用的系統提示詞進入提示詞。",
            "SmolLM2 的模板忽略 tools=：工具只能通过备用的系统提示词进入提示词。",
        ),
        "claim.native": (
            "Qwen's template writes the tools into the prompt itself, inside <tools> tags.",
            "Qwen 的模板自己把工具寫進提示詞，放在 <tools> 標籤裡。",
            "Qwen 的模板自己把工具写进提示词，放在 <tools> 标签里。",
        ),
        "claim.all": (
            "The added text names every tool, as JSON.",
            "多出來的文字以 JSON 列出每一個工具的名字。",
            "多出来的文字以 JSON 列出每一个工具的名字。",
        ),
        "claim.costly": (
            "The tools add more than three times as many tokens as the conversation without them has.",
            "工具多出的詞元，超過沒有工具時整段對話詞元數的三倍。",
            "工具多出的词元，超过没有工具时整段对话词元数的三倍。",
        ),
        "reveal": (
            "Tools are text: the model reads their JSON descriptions like any other tokens, and every request "
            "pays for them in context.",
            "工具就是文字：模型像讀其他詞元一樣讀它們的 JSON 說明，每次請求都要為它們付出上下文長度。",
            "工具就是文字：模型像读其他词元一样读它们的 JSON 说明，每次请求都要为它们付出上下文长度。",
        ),
    },
    "tools.loop": {
        "title": ("The loop: the program runs the tool", "迴圈：由程式執行工具", "循环：由程序运行工具"),
        "text": (
            "One round of the loop: the model's reply is a call (here hand-written, as the model is trained to "
            "write it), the program parses it and runs the calculator, sends the result back as a “tool” message, "
            "and the model writes its answer (16 tokens, greedy).",
            "迴圈的一輪：模型的回覆是一個呼叫（這裡是手寫的，寫法和模型受訓練時一樣），程式解析它、執行計算機，"
            "把結果當成「tool」訊息送回去，然後模型寫出回答（16 個詞元，貪婪解碼）。",
            "循环的一轮：模型的回复是一个调用（这里是手写的，写法和模型受训练时一样），程序解析它、运行计算器，"
            "把结果作为“tool”消息送回去，然后模型写出回答（16 个词元，贪心解码）。",
        ),
        "question": (
            "The calculator returns 7006652. What does the model's answer do with it?",
            "計算機傳回 7006652。模型的回答會怎麼用它？",
            "计算器返回 7006652。模型的回答会怎么用它？",
        ),
        "option.quotes": ("It says 7006652", "說出 7006652", "说出 7006652"),
        "option.again": ("It calls the calculator again", "再呼叫一次計算機", "再调用一次计算器"),
        "option.other": ("Something else", "別的", "别的"),
        "claim.parsed": (
            "The program reads the reply as a call of the calculator.",
            "程式把回覆讀成對計算機的呼叫。",
            "程序把回复读成对计算器的调用。",
        ),
        "claim.exact": (
            "The calculator returns the exact value, 7006652.",
            "計算機傳回精確的值 7006652。",
            "计算器返回精确的值 7006652。",
        ),
        "claim.again": (
            "This small model does not use the result: its answer calls the calculator again instead of saying "
            "7006652.",
            "這個小模型沒有用上結果：它的回答又呼叫了一次計算機，而不是說出 7006652。",
            "这个小模型没有用上结果：它的回答又调用了一次计算器，而不是说出 7006652。",
        ),
        "reveal": (
            "The arithmetic is exact because a program did it; whether the answer uses it is up to the model, "
            "and a small one may just repeat the pattern it saw last.",
            "算術之所以精確，是因為由程式來算；回答有沒有用上它，要看模型，小模型可能只是重複它剛看到的格式。",
            "算术之所以精确，是因为由程序来算；回答有没有用上它，要看模型，小模型可能只是重复它刚看到的格式。",
        ),
    },
}
