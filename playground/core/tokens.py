"""Text -> tokens -> text, with everything a student needs to see what happened.

`tokenize(tokenizer, text)` returns the ids, the raw token strings (`Ġgood`, byte-level pieces
such as `å¤§`), the bytes each token stands for, the slice of the input it covers, and whether
decoding gives the input back. `compare(a, b)` marks where two tokenizations cut differently.

Works with any Hugging Face tokenizer; offsets need a fast tokenizer (all catalog models have one).
Also the display helpers every view shares (`show_piece`, `bytes_text`, `token_text`, `token_rows`).
Not here: HTML (playground/render.py), words for people (the Tokenizer tab).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from playground.core import validation


@lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """GPT-2's byte-level alphabet inverted: 'Ġ' -> 0x20, 'å' -> 0xE5, ... (256 entries)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


_BYTE_FALLBACK = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


def token_bytes(raw: str, byte_level: bool) -> bytes:
    """The bytes a raw token string stands for.

    byte-level BPE: 'Ġgood' -> b' good', 'å¤' -> b'\\xe5\\xa4' (half of 大)
    SentencePiece:  '▁good' -> b' good', '<0xE5>' -> b'\\xe5'
    """
    if byte_level:
        table = _byte_decoder()
        if all(ch in table for ch in raw):
            return bytes(table[ch] for ch in raw)
    m = _BYTE_FALLBACK.match(raw)
    if m:
        return bytes([int(m.group(1), 16)])
    return raw.replace("▁", " ").encode("utf-8")


def is_byte_level(tokenizer: Any) -> bool:
    """True for GPT-2-style byte-level BPE (SmolLM2, Llama 3, Qwen), False for SentencePiece (Gemma)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return False
    pre = backend.pre_tokenizer
    return pre is not None and "ByteLevel" in repr(pre)


def byte_pieces(tokenizer: Any, ids: list[int]) -> list[int]:
    """Positions in `ids` of byte pieces: tokens that hold only part of a character's UTF-8 bytes.

    SmolLM2, '蘋果' -> <0xE8> <0x98> <0x8B> 果 -> [0, 1, 2]; Qwen2.5, '蘋果' -> <0xE8><0x98> <0x8B> 果 -> [0, 1],
    Qwen2.5, '苹果' -> one token -> []. Such a token's embedding stands for a byte shared by thousands of
    characters, not for a meaning.
    """
    byte_level = is_byte_level(tokenizer)
    special = set(tokenizer.all_special_ids)
    raws = tokenizer.convert_ids_to_tokens([int(i) for i in ids])
    found = []
    for pos, (tid, raw) in enumerate(zip(ids, raws)):
        if int(tid) in special or raw is None:
            continue
        try:
            token_bytes(raw, byte_level).decode("utf-8")
        except UnicodeDecodeError:
            found.append(pos)
    return found


# The same meaning in English and in Chinese (Traditional, like the Chat preset), for the "token tax":
# how many more tokens a tokenizer spends on the Chinese side.
TAX_PAIRS: tuple[tuple[str, str], ...] = (
    ("Why is the sky blue?", "天空為什麼是藍色的？"),
    ("The weather is nice today, let's go to the park.", "今天天氣很好，我們去公園吧。"),
)


@dataclass(frozen=True)
class TokenTax:
    english: int  # tokens of the English sentences of TAX_PAIRS, no special tokens
    chinese: int  # tokens of their Chinese translations

    @property
    def ratio(self) -> float:
        """Chinese tokens per English token for the same meaning: > 1 means Chinese costs more."""
        return self.chinese / self.english if self.english else 0.0


def token_tax(tokenizer: Any, pairs: tuple[tuple[str, str], ...] = TAX_PAIRS) -> TokenTax:
    """Tokens for the same sentences in English and in Chinese.

    SmolLM2 (49k vocabulary): 19 English, 50 Chinese (x2.63); Qwen2.5 (151k): 19 English, 17 Chinese (x0.89).
    """

    def count(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    return TokenTax(sum(count(en) for en, _ in pairs), sum(count(zh) for _, zh in pairs))


@dataclass(frozen=True)
class Token:
    id: int
    raw: str  # the vocabulary string: 'Ġgood', 'å¤§', '<|im_start|>'
    bytes: bytes  # what the token stands for in UTF-8
    start: int | None  # slice of the input text it covers (None for added special tokens)
    end: int | None
    special: bool

    @property
    def text(self) -> str:
        """The token's bytes as text; a piece that splits a character shows U+FFFD for the partial bytes."""
        return self.bytes.decode("utf-8", errors="replace")

    @property
    def complete(self) -> bool:
        """False when the token holds only part of a character's UTF-8 bytes."""
        try:
            self.bytes.decode("utf-8")
            return True
        except UnicodeDecodeError:
            return False


@dataclass(frozen=True)
class Tokenization:
    text: str
    ids: list[int]
    tokens: list[Token]
    decoded: str  # tokenizer.decode(ids, skip_special_tokens=False)
    add_special_tokens: bool
    special_added: list[str] = field(default_factory=list)  # e.g. ['<|begin_of_text|>'] when the switch adds BOS

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def chars_per_token(self) -> float:
        return self.n_chars / self.n_tokens if self.n_tokens else 0.0

    @property
    def round_trip(self) -> bool:
        """Does decoding (without the added special tokens) give back exactly the input?"""
        return self.decoded_without_added == self.text

    @property
    def decoded_without_added(self) -> str:
        skip = len(self.special_added)
        pieces = b"".join(t.bytes for t in self.tokens if not (t.special and t.start is None and skip))
        return pieces.decode("utf-8", errors="replace") if skip else self.decoded

    def round_trip_issue(self) -> str | None:
        """Why decode(encode(text)) differs from text, as a code the tab words, or None when it does not:
        "nfkc" (Unicode normalized), "whitespace" (at the ends), "changed" (characters changed or dropped)."""
        if self.round_trip:
            return None
        got = self.decoded_without_added
        if unicodedata.normalize("NFKC", self.text) == unicodedata.normalize("NFKC", got):
            return "nfkc"
        if got.strip() == self.text.strip():
            return "whitespace"
        return "changed"

    def to_json(self) -> dict[str, Any]:
        return {
            "ids": self.ids,
            "tokens": [t.raw for t in self.tokens],
            "pieces": [t.text for t in self.tokens],
            "count": self.n_tokens,
            "characters": self.n_chars,
            "chars_per_token": round(self.chars_per_token, 4),
            "decoded": self.decoded,
            "round_trip": self.round_trip,
            "add_special_tokens": self.add_special_tokens,
            "special_added": self.special_added,
        }


def tokenize(tokenizer: Any, text: str, add_special_tokens: bool = True) -> Tokenization:
    """Encode `text` and describe every token. 'good morning' -> ids [5512, 2970] for SmolLM2."""
    enc = tokenizer(text, add_special_tokens=add_special_tokens, return_offsets_mapping=True)
    ids: list[int] = list(enc["input_ids"])
    offsets = enc.get("offset_mapping") or [(None, None)] * len(ids)
    raws = tokenizer.convert_ids_to_tokens(ids)
    special_ids = set(tokenizer.all_special_ids)
    byte_level = is_byte_level(tokenizer)
    tokens: list[Token] = []
    for tid, raw, (start, end) in zip(ids, raws, offsets):
        special = tid in special_ids
        if special and start == end:  # added by the tokenizer (BOS/EOS), not in the text
            start = end = None
        raw = raw if raw is not None else ""
        data = raw.encode("utf-8") if special else token_bytes(raw, byte_level)
        tokens.append(Token(tid, raw, data, start, end, special))
    plain = tokenizer(text, add_special_tokens=False)["input_ids"] if add_special_tokens else ids
    added = [t.raw for t in tokens if t.special and t.start is None] if len(plain) != len(ids) else []
    decoded = tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)
    return Tokenization(text, ids, tokens, decoded, add_special_tokens, added)


def boundaries(tok: Tokenization) -> set[int]:
    """Character positions where a token starts or ends: 'good morning' -> {0, 4, 12}."""
    cuts: set[int] = set()
    for t in tok.tokens:
        if t.start is not None and t.end is not None:
            cuts.update((t.start, t.end))
    return cuts


def differing(a: Tokenization, b: Tokenization) -> tuple[list[bool], list[bool]]:
    """For each token of a and of b: True when the other tokenizer does not cut the text at both its ends."""
    ca, cb = boundaries(a), boundaries(b)

    def marks(tok: Tokenization, other: set[int]) -> list[bool]:
        return [t.start is not None and (t.start not in other or t.end not in other) for t in tok.tokens]

    return marks(a, cb), marks(b, ca)


def check_text(text: str | None, max_chars: int, what: str = "text", allow_blank: bool = False) -> str:
    """Validate user text (playground.core.validation.check_text): not empty, not only whitespace (unless
    allowed), no control characters (newlines and tabs are fine), at most `max_chars` characters."""
    return validation.check_text(text, f"the {what}", max_chars=max_chars, allow_blank=allow_blank)


def show_piece(text: str, running: bool = False) -> str:
    """Make whitespace visible in a token, the one whitespace renderer of every view: ' good\\n' -> '␣good↵'.

    `running=True` for text read as a whole (the Chat prompt and reply): spaces stay spaces and a newline
    keeps its line break after the symbol, ' a\\n' -> ' a↵\\n'.
    """
    if running:
        return text.replace("\n", "↵\n").replace("\t", "⇥").replace("\r", "␍")
    return text.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥").replace("\r", "␍")


# --------------------------------------------------------------------------- the one way to show a token
# Every tab shows a token through these: whole characters as text, a byte piece (part of a character's
# UTF-8 bytes) as <0xE8>, the notation SentencePiece vocabularies use for their byte tokens.


def bytes_text(data: bytes) -> str:
    """Whole characters as text, stray bytes as <0xHH>.

    b' \\xe5\\xa4\\xa7' -> ' 大';  b'\\xe8\\x98' (two of 蘋's three bytes) -> '<0xE8><0x98>'.
    """
    decoded = data.decode("utf-8", errors="surrogateescape")  # a stray byte b becomes U+DC00 + b
    return "".join(f"<0x{ord(c) - 0xDC00:02X}>" if 0xDC80 <= ord(c) <= 0xDCFF else c for c in decoded)


def token_text(tokenizer: Any, token_id: int) -> str:
    """How one token reads: 11977 -> ' apple' (SmolLM2); a piece of 蘋 (E8 98 8B) -> '<0xE8>'.

    Decoding one id alone turns a partial UTF-8 sequence into U+FFFD, which hides which bytes the
    token holds; then the token's bytes are shown through `bytes_text`. Special tokens read as
    themselves ('<|im_end|>').
    """
    text = tokenizer.decode([int(token_id)], skip_special_tokens=False)
    if "\ufffd" not in text:
        return text
    raw = tokenizer.convert_ids_to_tokens(int(token_id)) or ""
    return bytes_text(token_bytes(raw, is_byte_level(tokenizer)))


def token_rows(tok: Tokenization) -> list[list[Any]]:
    """The Tokenizer table: [#, id, raw token, bytes in hex, text, span of the input] per token.

    'i am good' (SmolLM2) -> [[0, 72, 'i', '69', 'i', 'i'], [1, 744, 'Ġam', '20 61 6d', '␣am', '␣am'], ...]
    """
    return [
        [
            i,
            x.id,
            x.raw,
            x.bytes.hex(" "),
            show_piece(bytes_text(x.bytes)),
            show_piece("" if x.start is None else tok.text[x.start : x.end]),
        ]
        for i, x in enumerate(tok.tokens)
    ]


def tax_json(tax: TokenTax) -> dict[str, Any]:
    """One tokenizer's token tax as the API's JSON: {"english": 19, "chinese": 50, "ratio": 2.6316}."""
    return {"english": tax.english, "chinese": tax.chinese, "ratio": round(tax.ratio, 4)}


def code_for(model_id: str, text: str, add_special: bool) -> str:
    """Plain transformers code that reproduces the Tokenizer tab."""
    return f"""from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
enc = tokenizer({text!r}, add_special_tokens={add_special})
ids = enc.input_ids
print(ids)                                    # token ids
print(tokenizer.convert_ids_to_tokens(ids))   # raw pieces ('Ġ' is a leading space)
print(tokenizer.decode(ids))                  # back to text
"""
