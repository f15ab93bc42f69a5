"""The commitment strip: at which layer the model settles on the token it finally predicts, at every position.

At position t the model's prediction is y_t = argmax of its logits (the last layer's lens). The logit lens
(playground.core.layers: final norm + LM head on every layer's hidden state) gives, at every layer l, the rank
of y_t, its probability and the entropy of the whole distribution. The commitment layer of t is the first
layer from which a condition holds through the last layer:
    "top1": y_t is the lens's top token;  "top3": y_t is in its top 3;  "p50": y_t's probability passes 0.5.
("p50" can fail at the last layer too: then the position has no commitment layer, None.)

One forward pass with hidden states (layers.hidden_states) and the lens projected a few positions at a time
through layers.lens_logits (all layers x `chunk_positions` rows at once), so memory stays bounded as in the
full lens. The ranks are exact: rank = 1 + the number of logits strictly above y_t's.

`of_reply(lm, prompt_ids, reply_ids)` is the strip of a generated reply (the Chat tab's): one position per reply
token, read after the prompt's own ids (no re-tokenizing).

Caveat (worded beside every view): the raw logit lens reads early layers poorly, as their states are not yet
in the basis the LM head reads (the tuned lens paper, Belrose et al. 2023, trains one affine probe per layer
for that); an early "commitment" is a lower bound of what the layer knows, a late one may be earlier in truth.

Not here: words (playground.words.commitment), charts (playground.charts_tree).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core.layers import LENS_CHUNK_ROWS, HiddenStates, hidden_states_of, lens_logits
from playground.core.tokens import token_text
from playground.errors import InputError

if TYPE_CHECKING:
    from playground.loader import LoadedModel

MODES = ("top1", "top3", "p50")  # stays top-1 / stays in the top 3 / keeps p > 0.5, from that layer to the last


@dataclass(frozen=True)
class Commitment:
    tokens: tuple[str, ...]  # the input tokens (all of the text)
    token_ids: tuple[int, ...]
    positions: tuple[int, ...]  # positions covered (the last max_lens_positions of a long text)
    predicted_ids: tuple[int, ...]  # (P,) the model's own next-token prediction at each position
    predicted: tuple[str, ...]  # (P,) what it reads as
    ranks: tuple[tuple[int, ...], ...]  # (P, layers+1) rank of the prediction at each layer, 1 = top
    probs: tuple[tuple[float, ...], ...]  # (P, layers+1) its probability under the lens
    entropy_bits: tuple[tuple[float, ...], ...]  # (P, layers+1) entropy of the lens distribution

    @property
    def n_layers(self) -> int:
        return len(self.ranks[0]) - 1 if self.ranks else 0

    def layers(self, mode: str) -> tuple[int | None, ...]:
        """(P,) the commitment layer of every position under `mode` (None: never, for "p50")."""
        mode = check_mode(mode)
        out = []
        for ranks, probs in zip(self.ranks, self.probs):
            holds = [r == 1 if mode == "top1" else r <= 3 if mode == "top3" else p > 0.5 for r, p in zip(ranks, probs)]
            first: int | None = None
            for layer in range(len(holds) - 1, -1, -1):  # walk down from the last layer while it holds
                if not holds[layer]:
                    break
                first = layer
            out.append(first)
        return tuple(out)


def check_mode(mode: Any) -> str:
    if mode not in MODES:
        raise InputError(f"The mode must be one of {', '.join(MODES)}, not '{mode}'.")
    return str(mode)


def reply_text(tokenizer: Any, prompt: str, reply: str) -> tuple[str, str]:
    """(the conversation of one user turn and the assistant's reply, the part before the reply), as strings
    in the model's chat template: the strip of a chat reply covers the positions after the second."""
    if not getattr(tokenizer, "chat_template", None):
        raise InputError("This model's tokenizer has no chat template; leave the reply empty.")
    user = [{"role": "user", "content": prompt}]
    before = tokenizer.apply_chat_template(user, add_generation_prompt=True, tokenize=False)
    whole = tokenizer.apply_chat_template([*user, {"role": "assistant", "content": reply}], tokenize=False)
    return str(whole), str(before)


def of_reply(lm: LoadedModel, prompt_ids: list[int], reply_ids: list[int]) -> Commitment:
    """The strip of a generated reply: one position per reply token (the position that predicted it), read in
    one forward pass over prompt + reply minus its last token, the prompt exactly as the reply followed it."""
    from playground import config

    if not reply_ids:
        raise InputError("There is no reply to read yet.")
    ids = [int(i) for i in prompt_ids] + [int(i) for i in reply_ids[:-1]]  # (P + L - 1,)
    cap = config.settings().limits.max_forward_tokens
    if len(ids) > cap:
        raise InputError(f"The conversation and the reply are {len(ids):,} tokens; this view takes at most {cap:,}.")
    return commitment(lm, hidden_states_of(lm, ids), first=len(prompt_ids) - 1)


def commitment(
    lm: LoadedModel,
    hs: HiddenStates,
    max_positions: int | None = None,
    chunk_rows: int = LENS_CHUNK_ROWS,
    first: int = 0,
) -> Commitment:
    """Ranks, probabilities and entropies of each position's prediction at every layer (see the module doc),
    for positions from `first` on (at most the last max_positions of them)."""
    import torch

    from playground import config

    cap = max_positions or config.settings().limits.max_lens_positions
    L1, T, _ = hs.states.shape
    positions = list(range(max(0, first, T - cap), T))
    layers = list(range(L1))
    step = max(1, chunk_rows // L1)  # positions per projection: L1 x step rows of V logits at once
    pred, ranks, probs, ent = [], [], [], []
    for start in range(0, len(positions), step):
        chunk = positions[start : start + step]
        logits = lens_logits(lm, hs, layers, chunk)  # (L1, p, V) float32
        with torch.inference_mode():
            y = logits[-1].argmax(dim=-1)  # (p,) the model's prediction (the last layer's lens = its logits)
            target = logits.gather(-1, y[None, :, None].expand(L1, -1, 1))  # (L1, p, 1)
            rank = (logits > target).sum(dim=-1) + 1  # (L1, p)
            lse = torch.logsumexp(logits, dim=-1, keepdim=True)  # (L1, p, 1)
            p_y = torch.exp(target - lse)[..., 0]  # (L1, p)
            # entropy = -sum p log p, as one batched dot product over log-probabilities made in place (the
            # logits are not needed after this): lse - E_p[logit] would cancel two numbers of ~20 in float32
            logp = logits.sub_(lse)  # (L1, p, V)
            pr = torch.exp(logp)  # (L1, p, V)
            neg_h = (pr.unsqueeze(-2) @ logp.unsqueeze(-1))[..., 0, 0]  # (L1, p) nats
            h = -neg_h / math.log(2)  # (L1, p) bits
        pred += y.tolist()
        ranks += rank.T.tolist()
        probs += p_y.T.tolist()
        ent += h.clamp_min(0).T.tolist()
        del logits, logp, pr
    tok = lm.tokenizer
    texts = {i: token_text(tok, i) for i in set(pred)}
    return Commitment(
        tuple(hs.tokens),
        tuple(hs.token_ids),
        tuple(positions),
        tuple(pred),
        tuple(texts[i] for i in pred),
        tuple(map(tuple, ranks)),
        tuple(map(tuple, probs)),
        tuple(map(tuple, ent)),
    )


def to_json(c: Commitment, mode: str) -> dict[str, Any]:
    """The `commitment` endpoint's JSON result (documented in the README)."""
    r6 = lambda v: round(float(v), 6)  # noqa: E731
    by_mode = {m: c.layers(m) for m in MODES}
    layers = by_mode[check_mode(mode)]
    return {
        "tokens": [{"id": i, "text": s} for i, s in zip(c.token_ids, c.tokens)],
        "n_layers": c.n_layers,
        "mode": mode,
        "positions": [
            {
                "position": pos,
                "token": c.tokens[pos],
                "predicted": {"id": c.predicted_ids[k], "text": c.predicted[k]},
                "commitment_layer": layers[k],
                "commitment_layers": {m: by_mode[m][k] for m in MODES},
                "ranks": list(c.ranks[k]),
                "probs": [r6(v) for v in c.probs[k]],
                "entropy_bits": [r6(v) for v in c.entropy_bits[k]],
            }
            for k, pos in enumerate(c.positions)
        ],
    }
