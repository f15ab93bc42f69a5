"""The next-token distribution and the sampling pipeline that turns it into a choice.

`last_logits(lm, ids)` runs one forward pass and keeps the logits of the last position only
(`logits_to_keep=1`: the LM head projects 1 x d_model instead of T x d_model onto the vocabulary).
`sampling_view(logits, temperature, top_k, top_p)` shows every stage the way transformers'
generate() applies them: temperature, then top-k, then top-p on what top-k kept, then renormalize
(the filters are playground.core.sampling's, on transformers' own warpers).
`next_id`, `Steps` (append, undo), `check_forward` and `check_show` are the Next Token tab's decisions, kept out of
the tab.

Not here: multi-token generation with a KV cache (see playground/core/generate.py), charts, words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from playground import config
from playground.core.sampling import check_filters, keep_mask
from playground.core.tokens import show_piece, token_text
from playground.errors import InputError

if TYPE_CHECKING:
    from playground.loader import LoadedModel


def prompt_ids(tokenizer: Any, prompt: str, chat_template: bool = False) -> list[int]:
    """The ids the model reads. With chat_template, the prompt becomes one user turn plus the
    assistant header (add_generation_prompt=True), exactly as apply_chat_template builds it."""
    if chat_template:
        if not getattr(tokenizer, "chat_template", None):
            raise InputError("This model's tokenizer has no chat template; turn the chat template option off.")
        ids = tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=True, return_dict=False
        )
        return list(ids)
    return list(tokenizer(prompt, add_special_tokens=True)["input_ids"])


@torch.inference_mode()
def last_logits(lm: LoadedModel, ids: list[int]) -> torch.Tensor:
    """Float32 logits of the token after `ids`: shape (vocab,)."""
    if not ids:
        raise InputError("The prompt has no tokens.")
    input_ids = torch.tensor([ids], device=lm.input_device)  # (1, T)
    out = lm.model(input_ids=input_ids, logits_to_keep=1, use_cache=False)
    return out.logits[0, -1].float().cpu()  # (V,)


def check_forward(ids: list[int]) -> list[int]:
    """`ids` if one forward pass here may read them (limits.max_forward_tokens), else InputError."""
    cap = config.settings().limits.max_forward_tokens
    if len(ids) > cap:
        raise InputError(f"The prompt has {len(ids):,} tokens; the limit for one forward pass here is {cap:,}.")
    return ids


def check_show(show: Any) -> int:
    """How many candidates to list: 1 .. limits.max_top_k."""
    cap = config.settings().limits.max_top_k
    try:
        n = int(show)
    except (TypeError, ValueError):
        raise InputError(f"Candidates shown must be a whole number, not {show!r}.") from None
    if not 1 <= n <= cap:
        raise InputError(f"Candidates shown must be between 1 and {cap}, not {show}.")
    return n


def next_id(logits: torch.Tensor, token_id: Any = None) -> int:
    """The token to append: `token_id`, or the most likely one when it is None. logits: (V,)."""
    tid = int(logits.argmax()) if token_id is None else int(token_id)
    if not 0 <= tid < logits.numel():
        raise InputError(f"Token id {tid} is outside the vocabulary.")
    return tid


@dataclass(frozen=True)
class Steps:
    """One session's place in the Next Token tab (its gr.State): the prompt's ids and the tokens appended so far,
    and the logits of the token after them, so a slider re-ranks them without a forward pass."""

    model: str  # the session's model choice, as the request sent it
    ids: list[int]  # the prompt's ids, then the appended tokens
    n_prompt: int  # undo stops at the prompt
    chat: bool  # the prompt is wrapped in the model's chat template
    logits: torch.Tensor  # (V,) float32, of the token after `ids`

    def appended(self, token_id: Any = None) -> list[int]:
        """The ids with `token_id` appended (None: the most likely)."""
        return [*self.ids, next_id(self.logits, token_id)]

    def undone(self) -> list[int]:
        """The ids without the last appended token; InputError when only the prompt is left."""
        if len(self.ids) <= self.n_prompt:
            raise InputError("Nothing to undo: only the prompt is left.")
        return self.ids[:-1]


def entropy_bits(probs: torch.Tensor) -> float:
    """Shannon entropy in bits of a probability vector (zeros contribute nothing)."""
    p = probs[probs > 0]
    return float(-(p * p.log2()).sum())


@dataclass(frozen=True)
class Candidate:
    rank: int  # 1 = most likely at temperature 1
    id: int
    token: str  # raw vocabulary string, e.g. 'Ġ2'
    text: str  # how the piece reads (core.tokens.token_text): ' 2'; a byte piece reads '<0xE8>'
    logit: float
    prob: float  # softmax at temperature 1
    tempered: float  # softmax(logits / T)
    kept: bool  # survives top-k and top-p
    final: float  # renormalized over the kept set; 0 when removed


@dataclass(frozen=True)
class SamplingView:
    candidates: list[Candidate]  # the `show` most likely tokens, most likely first
    temperature: float
    top_k: int  # 0 = off
    top_p: float  # 1.0 = off
    entropy_bits: float  # of the temperature-1 distribution
    tempered_entropy_bits: float
    kept_count: int  # how many tokens of the whole vocabulary may still be sampled
    kept_mass: float  # tempered probability mass of the kept set, before renormalizing

    def to_json(self) -> dict[str, Any]:
        return {
            "candidates": [
                {
                    "rank": c.rank,
                    "id": c.id,
                    "token": c.token,
                    "text": c.text,
                    "probability": c.prob,
                    "logit": c.logit,
                    "tempered": c.tempered,
                    "kept": c.kept,
                    "final": c.final,
                }
                for c in self.candidates
            ],
            "entropy_bits": self.entropy_bits,
            "tempered_entropy_bits": self.tempered_entropy_bits,
            "temperature": self.temperature,
            "top_k": self.top_k,
            "top_p": self.top_p,
            "kept_count": self.kept_count,
            "kept_mass": self.kept_mass,
        }

    def rows(self, kept_words: tuple[str, str] = ("yes", "no")) -> list[list[Any]]:
        """Table rows: rank, id, token, text (whitespace shown), probability, logit, p(T), kept, final p."""
        return [
            [
                c.rank,
                c.id,
                c.token,
                show_piece(c.text),
                round(c.prob, 6),
                round(c.logit, 4),
                round(c.tempered, 6),
                kept_words[0] if c.kept else kept_words[1],
                round(c.final, 6),
            ]
            for c in self.candidates
        ]


def sampling_view(
    logits: torch.Tensor, tokenizer: Any, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0, show: int = 20
) -> SamplingView:
    """Every stage of the sampling pipeline for the `show` most likely tokens. logits: (V,)."""
    vocab = logits.numel()
    temperature, top_k, top_p = check_filters(temperature, top_k, top_p)
    show = check_show(show)
    logits64 = logits.double()  # probabilities shown to 1e-6 and summed over 49k+ tokens: use float64
    probs = logits64.softmax(-1)  # (V,)
    tempered = probs if temperature in (0, 1) else (logits64 / temperature).softmax(-1)
    if temperature == 0:
        tempered = torch.zeros_like(probs)
        tempered[int(logits.argmax())] = 1.0
    mask = keep_mask(logits, temperature, int(top_k), float(top_p))
    kept_mass = float(tempered[mask].sum())
    final = torch.where(mask, tempered, torch.zeros_like(tempered)) / max(kept_mass, 1e-30)
    top = torch.topk(logits, min(show, vocab))
    ids = top.indices.tolist()
    raws = tokenizer.convert_ids_to_tokens(ids)
    cands = [
        Candidate(
            rank=i + 1,
            id=tid,
            token=raw or "",
            text=token_text(tokenizer, tid),
            logit=float(logits[tid]),
            prob=float(probs[tid]),
            tempered=float(tempered[tid]),
            kept=bool(mask[tid]),
            final=float(final[tid]),
        )
        for i, (tid, raw) in enumerate(zip(ids, raws))
    ]
    return SamplingView(
        cands,
        float(temperature),
        int(top_k),
        float(top_p),
        entropy_bits(probs),
        entropy_bits(tempered),
        int(mask.sum()),
        kept_mass,
    )


def code_for(model_id: str, prompt: str, chat_template: bool, k: int) -> str:
    """Plain transformers code that reproduces the Next Token view."""
    if chat_template:
        encode = (
            f"messages = [{{'role': 'user', 'content': {prompt!r}}}]\n"
            "ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors='pt',\n"
            "                                    return_dict=True)['input_ids']"
        )
    else:
        encode = f"ids = tokenizer({prompt!r}, return_tensors='pt').input_ids"
    return f"""import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
model = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)

{encode}
with torch.no_grad():
    logits = model(ids).logits[0, -1]        # (vocab,) scores for the next token
probs = torch.softmax(logits, dim=-1)
top = torch.topk(probs, {k})
for p, i in zip(top.values, top.indices):
    print(f"{{i.item():>6}} {{tokenizer.decode(i)!r:>12}} {{p.item():.4f}}")
"""
