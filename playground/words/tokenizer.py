"""The Tokenizer tab's words: labels, explanations, the stats and round-trip lines, the table headers."""

from __future__ import annotations

from playground.core.tokens import Tokenization, show_piece
from playground.i18n import register, t
from playground.words import columns

register(
    {
        "tokenizer.title": ("Tokenizer", "分詞器", "分词器"),
        "tokenizer.text": ("Text", "文字", "文本"),
        "tokenizer.special": (
            "Add special tokens (BOS/EOS the model expects)",
            "加入特殊詞元（模型預期的 BOS/EOS）",
            "加入特殊词元（模型预期的 BOS/EOS）",
        ),
        "tokenizer.go": ("Tokenize", "分詞", "分词"),
        "tokenizer.tokens": (
            "Tokens (hover for id and raw piece)",
            "詞元（滑鼠移上去看編號與原始片段）",
            "词元（鼠标移上去看编号与原始片段）",
        ),
        "tokenizer.table": ("Every token", "每個詞元", "每个词元"),
        "tokenizer.compare_with": ("Compare with another tokenizer", "與另一個分詞器比較", "与另一个分词器比较"),
        "tokenizer.compare": ("Compare", "比較", "比较"),
        "tokenizer.compare_out": (
            "Side by side (outlined: cut differently)",
            "並排（有外框：切法不同）",
            "并排（有外框：切法不同）",
        ),
        "tokenizer.why": (
            '**Why do \'good\' in "good morning" and "i am good" get different ids?** Byte-level BPE keeps the '
            "space in front of a word inside the token: `good` (start of text) and `Ġgood` (` good`, after a space) "
            "are two different vocabulary entries. **大家好** (its example switches to Qwen2.5-Coder-0.5B-Instruct): "
            "a Chinese character takes 3 bytes in UTF-8. Qwen's 151,936-token vocabulary has whole words, 大家 + 好: "
            "2 tokens. SmolLM2's English-centric 49,152 has 大 but cuts 家 and 好 into 4 byte pieces that only "
            "decode together: 5 tokens. Compare them below.",
            '**為什麼 "good morning" 和 "i am good" 裡的 good 編號不同？** 位元組層級 BPE 把字前面的空格放進詞元裡：'
            "`good`（開頭）和 `Ġgood`（前面有空格）是詞彙表中兩個不同的詞元。**大家好**（這個範例會切換到 "
            "Qwen2.5-Coder-0.5B-Instruct）：一個中文字在 UTF-8 中占 3 個位元組。Qwen 有 151,936 個詞元的詞彙表，"
            "收了整個詞：大家 + 好，共 2 個詞元。以英文為主的 SmolLM2（49,152 個）有「大」，卻把「家」和「好」切成 4 個"
            "只能合起來解碼的位元組片段：共 5 個詞元。可在下方比較。",
            '**为什么 "good morning" 和 "i am good" 里的 good 编号不同？** 字节级 BPE 把词前面的空格放进词元里：'
            "`good`（开头）和 `Ġgood`（前面有空格）是词表中两个不同的词元。**大家好**（这个示例会切换到 "
            "Qwen2.5-Coder-0.5B-Instruct）：一个汉字在 UTF-8 中占 3 个字节。Qwen 有 151,936 个词元的词表，"
            "收了整个词：大家 + 好，共 2 个词元。以英文为主的 SmolLM2（49,152 个）有「大」，却把「家」和「好」切成 4 个"
            "只能合起来解码的字节片段：共 5 个词元。可在下方比较。",
        ),
        "tokenizer.tax": (
            "**Token tax**: the same sentences in English and in Chinese cost each tokenizer a different number of "
            "tokens; a model's context, speed and price are counted in tokens, so a tokenizer with few Chinese "
            "words makes Chinese text longer, slower and dearer. The comparison below shows it for both tokenizers.",
            "**詞元稅**：同樣的句子用英文和中文寫，每個分詞器花的詞元數不同；模型的上下文長度、速度和價格都以詞元計，"
            "所以中文詞彙少的分詞器會讓中文更長、更慢、更貴。下方的比較會列出兩個分詞器的數字。",
            "**词元税**：同样的句子用英文和中文写，每个分词器花的词元数不同；模型的上下文长度、速度和价格都以词元计，"
            "所以中文词汇少的分词器会让中文更长、更慢、更贵。下方的比较会列出两个分词器的数字。",
        ),
    }
)

HEADERS = ["#", "id", "raw token", "bytes", "text", "span"]


register(
    {
        "tokenizer.table_box": ("Table", "表格", "表格"),
        "tokenizer.comparison": ("comparison", "比較結果", "比较结果"),
        "tokenizer.headers": (
            "#|id|raw token|bytes|text|span",
            "#|編號|原始詞元|位元組|文字|對應原文",
            "#|编号|原始词元|字节|文本|对应原文",
        ),
        "tokenizer.stats": (
            "**{chars}** characters → **{tokens}** tokens (**{cpt}** characters per token).",
            "**{chars}** 個字元 → **{tokens}** 個詞元（每個詞元 **{cpt}** 個字元）。",
            "**{chars}** 个字符 → **{tokens}** 个词元（每个词元 **{cpt}** 个字符）。",
        ),
        "tokenizer.added": (
            "Special tokens added by the tokenizer: {tokens}.",
            "分詞器加入的特殊詞元：{tokens}。",
            "分词器加入的特殊词元：{tokens}。",
        ),
        "tokenizer.none_added": (
            "This tokenizer adds no special tokens to plain text (no BOS/EOS).",
            "這個分詞器不會在一般文字加入特殊詞元（沒有 BOS/EOS）。",
            "这个分词器不会在普通文本加入特殊词元（没有 BOS/EOS）。",
        ),
        "tokenizer.decoded": ("Decoded back: `{text}`", "解碼回來：`{text}`", "解码回来：`{text}`"),
        "tokenizer.round_trip": (
            "Round trip: decode(encode(text)) == text ✓",
            "來回：decode(encode(text)) == text ✓",
            "往返：decode(encode(text)) == text ✓",
        ),
        "tokenizer.round_trip_differs": (
            "⚠️ Round trip differs. {why}",
            "⚠️ 來回結果不同。{why}",
            "⚠️ 往返结果不同。{why}",
        ),
        "tokenizer.rt_nfkc": (
            "The tokenizer normalizes Unicode (NFKC), so some characters come back in another form.",
            "分詞器會做 Unicode 正規化（NFKC），所以有些字元回來時換了一種寫法。",
            "分词器会做 Unicode 规范化（NFKC），所以有些字符回来时换了一种写法。",
        ),
        "tokenizer.rt_whitespace": (
            "Decoding changed the whitespace at the ends of the text.",
            "解碼改變了文字頭尾的空白。",
            "解码改变了文本首尾的空白。",
        ),
        "tokenizer.rt_changed": (
            "Decoding does not give back the input: the tokenizer changed or dropped some characters.",
            "解碼後得不到原本的輸入：分詞器改動或丟掉了一些字元。",
            "解码后得不到原本的输入：分词器改动或丢掉了一些字符。",
        ),
    }
)


def stats_md(tok: Tokenization, lang: str = "en") -> str:
    """Counts, the special tokens added, the decoded text and the round trip, in `lang`."""
    lines = [
        t(
            "tokenizer.stats",
            lang,
            chars=f"{tok.n_chars:,}",
            tokens=f"{tok.n_tokens:,}",
            cpt=f"{tok.chars_per_token:.2f}",
        )
    ]
    if tok.special_added:
        lines.append(t("tokenizer.added", lang, tokens=", ".join(f"`{s}`" for s in tok.special_added)))
    elif tok.add_special_tokens:
        lines.append(t("tokenizer.none_added", lang))
    lines.append(t("tokenizer.decoded", lang, text=show_piece(tok.decoded)))
    issue = tok.round_trip_issue()
    lines.append(
        t("tokenizer.round_trip", lang)
        if issue is None
        else t("tokenizer.round_trip_differs", lang, why=t(f"tokenizer.rt_{issue}", lang))
    )
    return "\n\n".join(lines)


def headers(lang: str = "en") -> list[str]:
    return columns(t("tokenizer.headers", lang))
