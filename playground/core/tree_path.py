"""A generation tree whose first branch is a given token path: the tokens appended in Next Token, or a Chat reply.

`from_path(lm, prompt_ids, path, prompt)` reads prompt + path in ONE forward pass (teacher forcing): the logits
at position (prompt + k - 1) are the distribution the model had when the path's k-th token was chosen, so each
node's probability and top alternatives are those of its own step, as a grown tree's are. The KV cache of that
pass (prompt + path minus its last token, as tree_decode keeps for a finished branch) stays with the tree, so a
fork at any node of the path takes views of the shared prefix and costs one decode step, as any other fork.

Not here: growing and forking (playground.core.tree_decode), the tree's data and JSON (playground.core.tree),
the prompt a chat reply followed (playground.core.chat.fit_prompt, through core.chat_reply.prepare).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from playground import config
from playground.core import batching
from playground.core.generate import TOP_ALTERNATIVES, eos_ids
from playground.core.tokens import token_text
from playground.core.tree import Branch, Node, Tree
from playground.core.tree_decode import new_cache
from playground.errors import InputError

if TYPE_CHECKING:
    from playground.loader import LoadedModel


def check_path(prompt_ids: list[int], path: Any) -> list[int]:
    """The path as token ids, within the tree's bounds: [] is allowed (a tree to grow from)."""
    lim = config.settings().limits
    try:
        ids = [int(i) for i in (path or [])]
    except (TypeError, ValueError):
        raise InputError(f"The path must be a list of token ids, not {path!r}.") from None
    if not prompt_ids:
        raise InputError("The prompt gives no tokens: a tree needs at least one prompt token.")
    if len(ids) > lim.max_tree_nodes:
        raise InputError(
            f"The path is {len(ids)} tokens long; a tree holds at most {lim.max_tree_nodes}. Use a shorter reply."
        )
    if len(prompt_ids) + len(ids) > lim.max_forward_tokens:
        raise InputError(
            f"The prompt and the path are {len(prompt_ids) + len(ids):,} tokens; one forward pass takes at most "
            f"{lim.max_forward_tokens:,}."
        )
    return ids


def from_path(lm: LoadedModel, prompt_ids: list[int], path: Any, prompt: str) -> Tree:
    """A tree over `prompt_ids` whose branch 0 (kind "given") is `path`, read in one forward pass.

    An empty path gives a tree without branches (grow one from it). `prompt` is the prompt's text, kept in the
    tree's JSON (the ids are what the model reads).
    """
    import torch

    ids = check_path(prompt_ids, path)
    tree = Tree(lm.name, prompt, [int(i) for i in prompt_ids])
    if not ids:
        return tree
    cache = new_cache(lm)
    # prompt + path minus its last token: the last position predicts the path's last token, and the cache then
    # holds exactly what a finished branch keeps (every node of the path can be forked from it).
    x = torch.tensor([tree.prompt_ids + ids[:-1]], dtype=torch.long, device=lm.input_device)  # (1, P + L - 1)
    with batching.TURNS, lm.lock, torch.inference_mode():
        out = lm.model(input_ids=x, past_key_values=cache, use_cache=True, logits_to_keep=len(ids))
    logits = out.logits[0, -len(ids) :].to(dtype=torch.float32, device="cpu")  # (L, V): row k predicts ids[k]
    probs = torch.softmax(logits, dim=-1)  # (L, V) the model's own distributions
    top_p, top_i = probs.topk(TOP_ALTERNATIVES, dim=-1)  # (L, k)
    taken = probs.gather(-1, torch.tensor(ids)[:, None])[:, 0].tolist()  # (L,)
    texts = {i: token_text(lm.tokenizer, i) for i in set(ids) | set(top_i.flatten().tolist())}
    branch = Branch(0, [], 0, True, 1.0, None, kind="given")
    tree.branches.append(branch)
    for k, token in enumerate(ids):
        alts = tuple((int(i), texts[int(i)], float(p)) for i, p in zip(top_i[k].tolist(), top_p[k].tolist()))
        parent = None if k == 0 else k - 1
        tree.nodes.append(Node(k, parent, k, 0, token, texts[token], float(taken[k]), alts))
        branch.path.append(k)
    eos = eos_ids(lm)
    branch.finish = "eos" if ids[-1] in eos else "length"
    # A cache that prefix_cache cannot slice (sliding-window, hybrid) is not kept: a fork re-reads the prefix.
    tree.caches[0] = cache if batching.batchable(lm.model) else None
    return tree
