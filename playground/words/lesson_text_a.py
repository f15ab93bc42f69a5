"""Words of the lessons' first chapters (tokens, the next token, chat templates, the chat loop): per step, its
title, explanation, question, options, claims and reveal in English, 繁體中文 and 简体中文.

A string table only: playground.words.lessons registers it. Each claim's text must say what the claim's
check in playground.core.lessons tests, and nothing more.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, tuple[str, str, str]]] = {
    "tokens.roundtrip": {
        "title": ("Encode and decode", "編碼與解碼", "编码与解码"),
        "text": (
            "A model never sees letters: the tokenizer cuts the text into tokens and gives each one an id "
            "(encode); decode turns the ids back into text.",
            "模型看不到字母：分詞器把文字切成詞元，並給每個詞元一個編號（編碼）；解碼再把編號變回文字。",
            "模型看不到字母：分词器把文字切成词元，并给每个词元一个编号（编码）；解码再把编号变回文字。",
        ),
        "question": ("How many tokens is “Hello world”?", "「Hello world」是幾個詞元？", "“Hello world”是几个词元？"),
        "claim.decodes": (
            "Decoding the ids gives back exactly the same text.",
            "把編號解碼，得到一模一樣的文字。",
            "把编号解码，得到一模一样的文字。",
        ),
        "claim.fewer": (
            "There are fewer tokens than characters: a common word is one token.",
            "詞元比字元少：常見的英文單字就是一個詞元。",
            "词元比字符少：常见的英文单词就是一个词元。",
        ),
        "reveal": (
            "Common words are one token each, and the space before a word belongs to that word's token.",
            "常見的單字各是一個詞元，單字前面的空格屬於該單字的詞元。",
            "常见的单词各是一个词元，单词前面的空格属于该单词的词元。",
        ),
    },
    "tokens.space": {
        "title": ("“ good” and “good”", "「 good」與「good」", "“ good”与“good”"),
        "text": (
            "The same word can be two different tokens: one with the space before it, one without.",
            "同一個字可能是兩個不同的詞元：一個帶著前面的空格，一個沒有。",
            "同一个词可能是两个不同的词元：一个带着前面的空格，一个没有。",
        ),
        "question": (
            "In “good good”, do the two goods get the same id?",
            "在「good good」裡，兩個 good 的編號一樣嗎？",
            "在“good good”里，两个 good 的编号一样吗？",
        ),
        "option.same": ("The same id", "編號相同", "编号相同"),
        "option.different": ("Two different ids", "兩個不同的編號", "两个不同的编号"),
        "claim.two": ("“good good” is two tokens.", "「good good」是兩個詞元。", "“good good”是两个词元。"),
        "claim.different": (
            "The second token is “ good”, with its space, and its id differs from the first one's.",
            "第二個詞元是帶空格的「 good」，編號和第一個不同。",
            "第二个词元是带空格的“ good”，编号和第一个不同。",
        ),
        "reveal": (
            "The tokenizer stores “good” and “ good” as two entries: the model has to learn that they mean the same.",
            "分詞器把「good」和「 good」存成兩個條目：模型得自己學會它們意思相同。",
            "分词器把“good”和“ good”存成两个条目：模型得自己学会它们意思相同。",
        ),
    },
    "tokens.chinese": {
        "title": ("大家好", "大家好", "大家好"),
        "text": (
            "Three Chinese characters. A tokenizer trained mostly on English may have no token for them.",
            "三個中文字。主要用英文訓練的分詞器，可能沒有它們的詞元。",
            "三个中文字。主要用英文训练的分词器，可能没有它们的词元。",
        ),
        "question": ("How many tokens is 大家好?", "「大家好」是幾個詞元？", "“大家好”是几个词元？"),
        "claim.bytes": (
            "SmolLM2 has no tokens for these characters: they become byte pieces, more tokens than characters.",
            "SmolLM2 沒有這些字的詞元：它們被拆成位元組片段，詞元比字還多。",
            "SmolLM2 没有这些字的词元：它们被拆成字节片段，词元比字还多。",
        ),
        "claim.words": (
            "Qwen has a token for 大家 and one for 好: two tokens for three characters.",
            "Qwen 有「大家」和「好」的詞元：三個字只要兩個詞元。",
            "Qwen 有“大家”和“好”的词元：三个字只要两个词元。",
        ),
        "claim.decodes": (
            "Decoding still gives back 大家好.",
            "解碼後仍然得到「大家好」。",
            "解码后仍然得到“大家好”。",
        ),
        "reveal": (
            "The same text costs a different number of tokens in different tokenizers: the tokenizer decides "
            "which languages a model reads cheaply.",
            "同一段文字在不同分詞器裡的詞元數不同：分詞器決定了模型讀哪些語言比較省。",
            "同一段文字在不同分词器里的词元数不同：分词器决定了模型读哪些语言比较省。",
        ),
    },
    "next.one_plus_one": {
        "title": ("The next token of “1+1=”", "「1+1=」的下一個詞元", "“1+1=”的下一个词元"),
        "text": (
            "The model gives a score (a logit) to every token of its vocabulary; softmax turns the scores into "
            "probabilities that add up to 1.",
            "模型替詞彙表裡的每個詞元打一個分數（logit）；softmax 把分數變成加起來等於 1 的機率。",
            "模型给词表里的每个词元打一个分数（logit）；softmax 把分数变成加起来等于 1 的概率。",
        ),
        "question": (
            "How sure is the model that the next token is 2?",
            "模型有多確定下一個詞元是 2？",
            "模型有多确定下一个词元是 2？",
        ),
        "option.sure": ("Sure (over 90%)", "很確定（超過 90%）", "很确定（超过 90%）"),
        "option.likely": ("Most likely, but not sure", "最有可能，但不確定", "最有可能，但不确定"),
        "option.other": ("Another token wins", "別的詞元勝出", "别的词元胜出"),
        "claim.two": ("The most likely next token is “2”.", "最可能的下一個詞元是「2」。", "最可能的下一个词元是“2”。"),
        "claim.unsure": (
            "Its probability is below 90%: the model is not sure.",
            "它的機率低於 90%：模型並不確定。",
            "它的概率低于 90%：模型并不确定。",
        ),
        "claim.others": (
            "Other digits (1, 3 or 4) are among the four most likely tokens.",
            "其他數字（1、3 或 4）也在最可能的四個詞元裡。",
            "其他数字（1、3 或 4）也在最可能的四个词元里。",
        ),
        "reveal": (
            "A language model does not calculate: it predicts what text usually comes next, as a probability "
            "for every token.",
            "語言模型不會計算：它預測通常接下來是什麼文字，給每個詞元一個機率。",
            "语言模型不会计算：它预测通常接下来是什么文字，给每个词元一个概率。",
        ),
    },
    "next.temperature": {
        "title": ("Temperature", "溫度", "温度"),
        "text": (
            "Before softmax, the logits are divided by the temperature T. Here T = 0.5.",
            "在 softmax 之前，logits 會除以溫度 T。這裡 T = 0.5。",
            "在 softmax 之前，logits 会除以温度 T。这里 T = 0.5。",
        ),
        "question": (
            "At T = 0.5, is the top token more or less likely than at T = 1?",
            "T = 0.5 時，第一名的詞元比 T = 1 時更可能還是更不可能？",
            "T = 0.5 时，第一名的词元比 T = 1 时更可能还是更不可能？",
        ),
        "option.more": ("More likely", "更可能", "更可能"),
        "option.less": ("Less likely", "更不可能", "更不可能"),
        "claim.sharper": (
            "At T = 0.5 the top token is more likely than at T = 1.",
            "T = 0.5 時，第一名的詞元比 T = 1 時更可能。",
            "T = 0.5 时，第一名的词元比 T = 1 时更可能。",
        ),
        "claim.entropy": (
            "The uncertainty (entropy) falls to less than half.",
            "不確定性（熵）降到一半以下。",
            "不确定性（熵）降到一半以下。",
        ),
        "reveal": (
            "A low temperature sharpens the distribution (T = 0 always takes the top token); a high one "
            "flattens it and the text gets more surprising.",
            "低溫讓分布更集中（T = 0 永遠選第一名）；高溫讓分布更平，文字更出人意料。",
            "低温让分布更集中（T = 0 永远选第一名）；高温让分布更平，文字更出人意料。",
        ),
    },
    "next.top_p": {
        "title": ("Top-k and top-p", "Top-k 與 top-p", "Top-k 与 top-p"),
        "text": (
            "Filters drop unlikely tokens before one is drawn: top-k keeps the k most likely, top-p the smallest "
            "set whose probabilities add up to p. Here top-p = 0.9.",
            "抽樣前，篩選器會去掉不太可能的詞元：top-k 留下最可能的 k 個，"
            "top-p 留下機率加起來達到 p 的最小集合。這裡 top-p = 0.9。",
            "抽样前，筛选器会去掉不太可能的词元：top-k 留下最可能的 k 个，"
            "top-p 留下概率加起来达到 p 的最小集合。这里 top-p = 0.9。",
        ),
        "question": (
            "Of the whole vocabulary (tens of thousands of tokens), how many does top-p 0.9 keep?",
            "整個詞彙表（數萬個詞元）中，top-p 0.9 會留下幾個？",
            "整个词表（数万个词元）中，top-p 0.9 会留下几个？",
        ),
        "claim.few": (
            "Top-p 0.9 keeps at most 20 tokens of the whole vocabulary.",
            "top-p 0.9 只留下整個詞彙表中最多 20 個詞元。",
            "top-p 0.9 只留下整个词表中最多 20 个词元。",
        ),
        "claim.mass": (
            "The kept tokens hold at least 90% of the probability.",
            "留下的詞元占了至少 90% 的機率。",
            "留下的词元占了至少 90% 的概率。",
        ),
        "claim.renormalized": (
            "Their probabilities are renormalized: the top token's final probability is higher than before.",
            "它們的機率重新正規化：第一名的最終機率比原本更高。",
            "它们的概率重新归一化：第一名的最终概率比原本更高。",
        ),
        "reveal": (
            "Almost all of the vocabulary is cut away: the draw happens among a handful of tokens.",
            "幾乎整個詞彙表都被剪掉了：只在少數幾個詞元之間抽樣。",
            "几乎整个词表都被剪掉了：只在少数几个词元之间抽样。",
        ),
    },
    "chat.official": {
        "title": ("The official chat template", "官方對話模板", "官方对话模板"),
        "text": (
            "A chat model was trained on conversations in one exact format, its chat template, with role markers "
            "and an end-of-turn token. Here the question is sent in that format (at most 64 new tokens).",
            "對話模型是用一種固定格式的對話訓練的，也就是它的對話模板，"
            "裡面有角色標記和回合結束詞元。這裡用這個格式送出問題（最多 64 個新詞元）。",
            "对话模型是用一种固定格式的对话训练的，也就是它的对话模板，"
            "里面有角色标记和回合结束词元。这里用这个格式发送问题（最多 64 个新词元）。",
        ),
        "question": ("Will the reply end by itself?", "回答會自己結束嗎？", "回答会自己结束吗？"),
        "option.ends": ("It ends by itself", "會自己結束", "会自己结束"),
        "option.talks": ("It keeps talking to the limit", "一直講到上限", "一直讲到上限"),
        "claim.ends": (
            "The reply ends with the end-of-turn token before 64 new tokens.",
            "回答在 64 個新詞元之前，以回合結束詞元結束。",
            "回答在 64 个新词元之前，以回合结束词元结束。",
        ),
        "reveal": (
            "The model learned to write the end-of-turn token when its answer is done, and the app stops there.",
            "模型學會了在回答完時寫出回合結束詞元，程式就在那裡停下。",
            "模型学会了在回答完时写出回合结束词元，程序就在那里停下。",
        ),
    },
    "chat.homemade": {
        "title": ("A homemade template", "自製模板", "自制模板"),
        "text": (
            "The same question in a format of our own (使用者說：… AI回答：), as the tutorial tries first.",
            "同一個問題，改用我們自己的格式（使用者說：… AI回答：），就像教學一開始的嘗試。",
            "同一个问题，改用我们自己的格式（使用者說：… AI回答：），就像教程一开始的尝试。",
        ),
        "question": ("Will the reply end by itself?", "回答會自己結束嗎？", "回答会自己结束吗？"),
        "option.ends": ("It ends by itself", "會自己結束", "会自己结束"),
        "option.talks": ("It keeps talking to the limit", "一直講到上限", "一直讲到上限"),
        "claim.talks": (
            "The reply does not end: it runs to the limit of 64 new tokens.",
            "回答停不下來：一直寫到 64 個新詞元的上限。",
            "回答停不下来：一直写到 64 个新词元的上限。",
        ),
        "reveal": (
            "Without the format it was trained on, the model does not write its end-of-turn token: it rambles "
            "on. The template is part of the model.",
            "沒有它訓練時的格式，模型就不寫回合結束詞元，一直講下去。模板是模型的一部分。",
            "没有它训练时的格式，模型就不写回合结束词元，一直讲下去。模板是模型的一部分。",
        ),
    },
    "chat.loop": {
        "title": ("The chat loop", "對話迴圈", "对话循环"),
        "text": (
            "The model keeps nothing between calls. A chat app keeps the conversation and sends all of it again, "
            "in the template, every turn.",
            "模型在兩次呼叫之間什麼都不記得。對話程式保存整段對話，每一輪都用模板重新送出全部內容。",
            "模型在两次调用之间什么都不记得。对话程序保存整段对话，每一轮都用模板重新发送全部内容。",
        ),
        "question": (
            "After “My name is Ada.”, how does the model know the name in the next turn?",
            "說了「我叫小明。」之後，模型下一輪怎麼知道名字？",
            "说了“我叫小明。”之后，模型下一轮怎么知道名字？",
        ),
        "option.remembers": ("The model remembers it", "模型記得", "模型记得"),
        "option.resent": ("The app sends the conversation again", "程式把對話重新送一次", "程序把对话重新发送一次"),
        "claim.resent": (
            "The second turn's prompt contains the first turn word for word.",
            "第二輪的提示詞逐字包含第一輪。",
            "第二轮的提示词逐字包含第一轮。",
        ),
        "claim.grows": (
            "That prompt is more than 10 tokens longer than the question alone.",
            "這個提示詞比單獨的問題多出 10 個以上的詞元。",
            "这个提示词比单独的问题多出 10 个以上的词元。",
        ),
        "reveal": (
            "Every turn re-reads the whole conversation: a long chat costs more tokens each turn, until the "
            "context window is full.",
            "每一輪都重讀整段對話：對話越長，每輪花的詞元越多，直到上下文視窗滿了。",
            "每一轮都重读整段对话：对话越长，每轮花的词元越多，直到上下文窗口满了。",
        ),
    },
}
