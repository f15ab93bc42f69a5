"""Growing a generation tree: the root reply, a fork at any node, N samples decoded as one batch.

The computation is `model.generate`'s (one prefill over the prompt, then one token at a time through a
DynamicCache, transformers' logits processors in generate's order from playground.core.sampling), so a greedy
root branch gives generate's tokens, and a seeded sample those of `torch.manual_seed(seed); generate(...)`.

Forking at node n (depth d) with another token c reuses the cache of the shared prefix: the parent branch's
cache holds prompt + path, and its first (prompt + d) positions are exactly the prefix before n. They are
taken as views (no copy, no forward pass); feeding c is then one ordinary decode step. The alternatives and the
probability of c come from n's own step (same prefix, same distribution), so the fork's first token costs one
decode step. A tree read back from JSON has no caches: its first fork re-reads the prefix once.

N samples share one prefill: its cache is repeated N times along the batch, and every decode step is one
forward pass over the N rows (all of one length: no padding, no mask), each row with its own seed, processors
and random stream. A row that ends (EOS) leaves the batch. Forward passes take their turn on the model as
Chat's replies do (playground.core.batching.TURNS and the model's lock, one step at a time); they do not join
Chat's shared batch, which starts every reply with its own prefill and cannot start from a given cache.

Not here: the tree's data, JSON and comparison (playground.core.tree). Sliding-window and hybrid caches are
cropped by their own `crop` rules (transformers) and not sliced here: such models re-read the prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core import batching
from playground.core.generate import TOP_ALTERNATIVES, eos_ids
from playground.core.sampling import Sampling, processors
from playground.core.tokens import token_text
from playground.core.tree import Branch, Node, Tree, check_room
from playground.errors import InputError

if TYPE_CHECKING:
    import torch

    from playground.loader import LoadedModel


def forward(lm: LoadedModel, ids: list[list[int]], cache: Any) -> torch.Tensor:
    """One forward pass of (B, T) ids through `cache` (grown in place); the last position's logits (B, V) float32."""
    import torch

    x = torch.tensor(ids, dtype=torch.long, device=lm.input_device)  # (B, T)
    with batching.TURNS, lm.lock, torch.inference_mode():
        out = lm.model(input_ids=x, past_key_values=cache, use_cache=True, logits_to_keep=1)
    return out.logits[:, -1].to(dtype=torch.float32, device="cpu")  # (B, V)


def new_cache(lm: LoadedModel) -> Any:
    from transformers import DynamicCache

    return DynamicCache(config=lm.model.config)


def prefix_cache(lm: LoadedModel, source: Any, length: int, row: int = 0) -> Any | None:
    """A cache holding `source`'s first `length` positions of batch row `row`, as views (no copy), or None
    when `source` cannot be sliced so (not a plain DynamicCache, or shorter)."""
    if source is None or not batching.batchable(lm.model):
        return None
    cache = new_cache(lm)
    if len(cache.layers) != len(source.layers) or source.get_seq_length() < length:
        return None
    for mine, theirs in zip(cache.layers, source.layers):
        keys = theirs.keys[row : row + 1, :, :length]  # (1, kv_heads, length, head_dim), a view
        values = theirs.values[row : row + 1, :, :length]
        mine.lazy_initialization(keys, values)  # sets dtype/device; the next update concatenates (never writes in)
        mine.keys, mine.values = keys, values
    return cache


class _Texts(dict[int, str]):
    """token id -> text, each id read once (a decode step reads 6 per row)."""

    def __init__(self, read: Any) -> None:
        super().__init__()
        self.read = read

    def __missing__(self, key: int) -> str:
        self[key] = text = self.read(key)
        return text


@dataclass
class _Row:
    """One branch being decoded: its settings, its own random stream and the sequence its processors read."""

    branch: Branch
    sampling: Sampling
    seq: list[int]  # prompt + path so far
    parent: int | None  # node id the next token hangs under
    depth: int
    left: int  # tokens it may still generate
    rng: Any = None
    procs: Any = None  # its logits processors, built at its first step


def _choose(row: _Row, logits: torch.Tensor) -> int:
    """The next token of one row from its (1, V) logits."""
    import torch

    if row.procs is None:
        row.procs = processors(row.sampling)
    if not row.procs and row.sampling.is_greedy:
        return int(logits.argmax(-1))
    seq = torch.tensor([row.seq], dtype=torch.long)  # (1, T) for the processors (repetition penalty)
    scores = row.procs(seq, logits) if row.procs else logits
    if row.sampling.is_greedy:
        return int(scores.argmax(-1))
    probs = torch.softmax(scores, dim=-1)  # (1, V) as generate draws from it
    return int(torch.multinomial(probs[0], 1, generator=row.rng))


def _add_node(
    tree: Tree, texts: dict[int, str], row: _Row, token: int, prob: float, ids: list[int], probs: list[float]
) -> Node:
    """The node for `token` under row.parent: an existing one when another branch already went there.
    `texts` reads token ids (token_text, remembered for this decode)."""
    found = tree.child(row.parent, token)
    if found is not None:
        return found
    alts = tuple((i, texts[i], p) for i, p in zip(ids, probs))
    node = Node(len(tree.nodes), row.parent, row.depth, row.branch.id, token, texts[token], prob, alts)
    tree.nodes.append(node)
    return node


def _decode(lm: LoadedModel, tree: Tree, rows: list[_Row], cache: Any, logits: torch.Tensor) -> None:
    """Decode `rows` together from (B, V) `logits` until each ends; each branch keeps its own cache view."""
    import torch

    eos = eos_ids(lm)
    tok = lm.tokenizer
    texts: dict[int, str] = _Texts(lambda i: token_text(tok, i))
    while rows:
        feed: list[int] = []
        keep: list[int] = []
        raw = torch.softmax(logits, dim=-1)  # (B, V) the model's own distributions
        top_p, top_i = raw.topk(TOP_ALTERNATIVES, dim=-1)  # (B, k) once for every row
        for i, row in enumerate(rows):
            token = _choose(row, logits[i : i + 1])
            ids, probs = top_i[i].tolist(), top_p[i].tolist()
            node = _add_node(tree, texts, row, token, float(raw[i, token]), ids, probs)
            row.branch.path.append(node.id)
            row.seq.append(token)
            row.parent, row.depth, row.left = node.id, row.depth + 1, row.left - 1
            if token in eos or row.left == 0:
                row.branch.finish = "eos" if token in eos else "length"
                # prompt + path minus its last token: every node of the path can be forked from this
                tree.caches[row.branch.id] = prefix_cache(lm, cache, len(row.seq) - 1, i)
            else:
                keep.append(i)
                feed.append(token)
        if not keep:
            return
        if len(keep) < len(rows):  # finished rows leave the batch (their caches are views kept above)
            idx = torch.tensor(keep, dtype=torch.long)
            for layer in cache.layers:
                layer.keys, layer.values = (
                    layer.keys[idx.to(layer.keys.device)],
                    layer.values[idx.to(layer.keys.device)],
                )
            rows = [rows[i] for i in keep]
        logits = forward(lm, [[t] for t in feed], cache)  # (B, V) one decode step for every row


def _seeded(sampling: Sampling, seed: int | None) -> Any:
    import torch

    return None if sampling.is_greedy else torch.Generator(device="cpu").manual_seed(int(seed or 0))


def _new_branch(
    tree: Tree, sampling: Sampling, fork_depth: int, path: list[int], seed: int | None, kind: str
) -> Branch:
    branch = Branch(
        len(tree.branches),
        list(path),
        fork_depth,
        sampling.is_greedy,
        float(sampling.temperature),
        None if sampling.is_greedy else seed,
        kind=kind,
    )
    tree.branches.append(branch)
    return branch


def _random_seed() -> int:
    import torch

    return int(torch.randint(0, 2**31 - 1, (1,)).item())


def start(lm: LoadedModel, prompt: str, chat_template: bool = False) -> Tree:
    """An empty tree over this prompt (checked as Next Token checks it; with the chat template: one user turn)."""
    from playground import config
    from playground.core.next_token import check_forward, prompt_ids
    from playground.core.tokens import check_text

    check_text(prompt, config.settings().limits.max_input_chars, "prompt")
    return Tree(lm.name, prompt, check_forward(prompt_ids(lm.tokenizer, prompt, chat_template)))


def grow(lm: LoadedModel, tree: Tree, sampling: Sampling, n: int = 1) -> Tree:
    """Add `n` branches from the prompt (the root reply when n = 1), decoded as one batch.

    Sample i's seed is sampling.seed + i (a fresh random base when None). Each may generate
    sampling.max_new_tokens tokens.
    """
    check_room(tree, n, sampling.max_new_tokens)
    base = sampling.seed if sampling.seed is not None else _random_seed()
    rows = []
    for i in range(n):
        branch = _new_branch(tree, sampling, 0, [], base + i, "root" if n == 1 else "sample")
        rows.append(_Row(branch, sampling, list(tree.prompt_ids), None, 0, sampling.max_new_tokens))
        rows[-1].rng = _seeded(sampling, branch.seed)
    if not batching.batchable(lm.model):  # rows would change each other's numbers: one after another
        for row in rows:
            cache = new_cache(lm)
            _decode(lm, tree, [row], cache, forward(lm, [tree.prompt_ids], cache))
        return tree
    cache = new_cache(lm)
    logits = forward(lm, [tree.prompt_ids], cache)  # (1, V) one prefill for all samples
    if n > 1:
        cache.batch_repeat_interleave(n)  # (n, kv_heads, T, head_dim) per layer
        logits = logits.expand(n, -1)
    _decode(lm, tree, rows, cache, logits)
    return tree


def fork(lm: LoadedModel, tree: Tree, node_id: Any, token_id: Any, sampling: Sampling) -> Tree:
    """A new branch that takes `token_id` (one of node `node_id`'s alternatives) instead of that node's token,
    then continues (greedy or sampled with its own seed) for up to sampling.max_new_tokens tokens in all."""
    node = tree.node(node_id)
    try:
        choice = int(token_id)
    except (TypeError, ValueError):
        raise InputError(f"The choice must be a token id, not '{token_id}'.") from None
    alt = {i: p for i, _, p in node.alternatives}
    if choice not in alt:
        shown = ", ".join(f"{i} ({s!r})" for i, s, _ in node.alternatives)
        raise InputError(f"Token {choice} is not one of node {node.id}'s alternatives: {shown}.")
    check_room(tree, 1, sampling.max_new_tokens)
    prefix = [n.token_id for n in tree.path_to(node)][:-1]  # the path before the node
    length = len(tree.prompt_ids) + len(prefix)
    cache = prefix_cache(lm, tree.caches.get(node.branch), length)
    if cache is None:  # no cache kept for this branch (a tree from JSON, or a model whose cache is not sliced)
        cache = new_cache(lm)
        forward(lm, [tree.prompt_ids + prefix], cache)
    seed = sampling.seed if sampling.seed is not None else _random_seed()
    path = [n.id for n in tree.path_to(node)][:-1]
    branch = _new_branch(tree, sampling, node.depth, path, seed, "fork")
    row = _Row(branch, sampling, tree.prompt_ids + prefix, node.parent, node.depth, sampling.max_new_tokens)
    row.rng = _seeded(sampling, branch.seed)
    # The chosen token's probability and alternatives are those of the node's own step (same prefix): no pass.
    first = tree.child(node.parent, choice)
    if first is None:
        text = token_text(lm.tokenizer, choice)
        first = Node(len(tree.nodes), node.parent, node.depth, branch.id, choice, text, alt[choice], node.alternatives)
        tree.nodes.append(first)
    branch.path.append(first.id)
    row.seq.append(choice)
    row.parent, row.depth, row.left = first.id, node.depth + 1, row.left - 1
    if choice in eos_ids(lm) or row.left == 0:
        branch.finish = "eos" if choice in eos_ids(lm) else "length"
        tree.caches[branch.id] = cache
        return tree
    _decode(lm, tree, [row], cache, forward(lm, [[choice]], cache))  # the branch's first decode step
    return tree
