"""A generation tree: the data, its JSON form, its bounds and the comparison of two branches.

Every generated token is a `Node` (token id, what it reads as, its probability and the top alternatives of
the step that produced it, kept from that step's logits: showing them needs no new forward pass). A `Branch`
is one path from the prompt to a leaf: the root reply, a fork at some node with another token, or one of N
samples. Branches that agree on their first tokens share those nodes, so N samples drawn as one tree show
where they part.

The KV caches that let a fork continue without re-reading its prefix live beside the tree (`Tree.caches`,
never in its JSON): a tree that comes back from JSON has none, and its first fork re-reads the prefix once.

Not here: the forward passes (playground.core.tree_decode), charts (playground.charts_tree), words
(playground.words.tree).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from playground import config
from playground.core.validation import number
from playground.errors import InputError

FORMAT = "generation-tree/1"  # the JSON's "format" field: a script can tell what it holds


@dataclass(frozen=True)
class Node:
    """One generated token."""

    id: int
    parent: int | None  # None: a first generated token (its parent is the prompt)
    depth: int  # 0 = the first generated token
    branch: int  # the branch that produced it first (others may pass through it)
    token_id: int
    text: str  # what the token reads as
    prob: float  # the model's probability of this token at its step (softmax of the raw logits)
    alternatives: tuple[tuple[int, str, float], ...]  # that step's top tokens (id, text, prob), best first


@dataclass
class Branch:
    """One path from the prompt to a leaf, and how it was decoded."""

    id: int
    path: list[int]  # node ids from depth 0 to the leaf
    fork_depth: int  # depth of the first token this branch chose itself (0: from the prompt)
    greedy: bool
    temperature: float
    seed: int | None  # the seed of its own random stream (sampled branches)
    finish: str = "length"  # "eos" or "length"
    # "root" (a reply from the prompt), "sample" (one of N), "fork" (a token chosen at a node) or "given" (a path
    # read as it was: the tokens appended in Next Token or a Chat reply, playground.core.tree_path)
    kind: str = "root"


@dataclass
class Tree:
    model: str
    prompt: str
    prompt_ids: list[int]
    nodes: list[Node] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    # branch id -> a DynamicCache whose first (prompt + depth) positions hold that branch's path (not in JSON)
    caches: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)

    def child(self, parent: int | None, token_id: int) -> Node | None:
        """The node under `parent` (None: the prompt) with this token, if the tree has one."""
        for n in self.nodes:
            if n.parent == parent and n.token_id == token_id:
                return n
        return None

    def node(self, node_id: Any) -> Node:
        return self.nodes[_index("node", node_id, len(self.nodes))]

    def branch(self, branch_id: Any) -> Branch:
        return self.branches[_index("branch", branch_id, len(self.branches))]

    def path_to(self, node: Node) -> list[Node]:
        """The nodes from depth 0 down to `node`, inclusive."""
        out = [node]
        while out[-1].parent is not None:
            out.append(self.nodes[out[-1].parent])
        return out[::-1]

    def token_ids(self, branch: Branch) -> list[int]:
        """The branch's generated token ids (the prompt not included)."""
        return [self.nodes[i].token_id for i in branch.path]

    def text(self, branch: Branch) -> str:
        return "".join(self.nodes[i].text for i in branch.path)


def _index(what: str, value: Any, n: int) -> int:
    """An id of one of the tree's n nodes (or branches): ('node', '3', 12) -> 3; else InputError naming both."""
    try:
        i = int(value)
    except (TypeError, ValueError):
        raise InputError(f"The {what} must be a {what} id (a whole number), not '{value}'.") from None
    if not 0 <= i < n:
        raise InputError(f"{what.capitalize()} {i} is not in the tree (it has {what}s 0..{n - 1}).")
    return i


def check_room(tree: Tree, new_branches: int, new_tokens: int) -> None:
    """InputError unless `new_branches` more branches of up to `new_tokens` tokens each fit the session's bounds."""
    lim = config.settings().limits
    if len(tree.branches) + new_branches > lim.max_tree_branches:
        raise InputError(
            f"The tree has {len(tree.branches)} branches; it holds at most {lim.max_tree_branches}. Start a new tree."
        )
    if len(tree.nodes) + new_branches * new_tokens > lim.max_tree_nodes:
        raise InputError(
            f"The tree has {len(tree.nodes)} tokens; {new_branches} more branch(es) of {new_tokens} tokens would pass "
            f"the bound of {lim.max_tree_nodes}. Ask for fewer tokens or start a new tree."
        )


def check_tokens(max_new_tokens: Any) -> int:
    """Tokens a branch may generate: 1..limits.max_branch_tokens."""
    return int(number("Max new tokens", max_new_tokens, 1, config.settings().limits.max_branch_tokens, integer=True))


# --------------------------------------------------------------------------- comparing branches


@dataclass(frozen=True)
class Comparison:
    a: int  # branch ids
    b: int
    divergence: int  # depth of the first token where they differ (the length of the shorter when one is a prefix)
    shared: str  # the text both generated before they part
    rest_a: str  # each branch's text from the divergence on
    rest_b: str
    logprob_a: float  # each branch's total log-probability (natural log, sum over its tokens)
    logprob_b: float
    tokens_a: int
    tokens_b: int


def logprob(tree: Tree, branch: Branch) -> float:
    return sum(math.log(max(tree.nodes[i].prob, 1e-45)) for i in branch.path)


def compare(tree: Tree, a: Any, b: Any) -> Comparison:
    """Where two branches part, and each one's total log-probability."""
    ba, bb = tree.branch(a), tree.branch(b)
    d = 0
    while d < min(len(ba.path), len(bb.path)) and ba.path[d] == bb.path[d]:
        d += 1
    text = lambda ids: "".join(tree.nodes[i].text for i in ids)  # noqa: E731
    return Comparison(
        ba.id,
        bb.id,
        d,
        text(ba.path[:d]),
        text(ba.path[d:]),
        text(bb.path[d:]),
        logprob(tree, ba),
        logprob(tree, bb),
        len(ba.path),
        len(bb.path),
    )


# --------------------------------------------------------------------------- JSON


def to_json(tree: Tree) -> dict[str, Any]:
    """The tree as the API returns it (and accepts back to extend it). Probabilities are not rounded: a tree
    read back gives the same log-probabilities, and a fork's first token the same probability."""
    return {
        "format": FORMAT,
        "model": tree.model,
        "prompt": tree.prompt,
        "prompt_ids": list(tree.prompt_ids),
        "nodes": [
            {
                "id": n.id,
                "parent": n.parent,
                "depth": n.depth,
                "branch": n.branch,
                "token_id": n.token_id,
                "text": n.text,
                "prob": n.prob,
                "seed": tree.branches[n.branch].seed,
                "alternatives": [{"id": i, "text": s, "prob": p} for i, s, p in n.alternatives],
            }
            for n in tree.nodes
        ],
        "branches": [
            {
                "id": b.id,
                "path": list(b.path),
                "fork_depth": b.fork_depth,
                "greedy": b.greedy,
                "temperature": b.temperature,
                "seed": b.seed,
                "finish": b.finish,
                "kind": b.kind,
                "logprob": logprob(tree, b),
                "text": tree.text(b),
            }
            for b in tree.branches
        ],
    }


def from_json(data: Any) -> Tree:
    """A tree from its JSON form (a dict, or a JSON string), checked: InputError names what does not fit."""
    import json

    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise InputError(f"The tree is not valid JSON ({exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f'The tree must be a JSON object with "format": "{FORMAT}" (as this endpoint returns).')
    try:
        tree = Tree(str(data["model"]), str(data["prompt"]), [int(i) for i in data["prompt_ids"]])
        for k, n in enumerate(data["nodes"]):
            parent = None if n["parent"] is None else int(n["parent"])
            if int(n["id"]) != k or (parent is not None and not 0 <= parent < k):
                raise InputError(f"Node {k} of the tree is out of order (ids count up; a parent comes first).")
            depth = 0 if parent is None else tree.nodes[parent].depth + 1
            alts = tuple((int(a["id"]), str(a["text"]), float(a["prob"])) for a in n["alternatives"])
            tree.nodes.append(
                Node(k, parent, depth, int(n["branch"]), int(n["token_id"]), str(n["text"]), float(n["prob"]), alts)
            )
        for k, b in enumerate(data["branches"]):
            path = [int(i) for i in b["path"]]
            if int(b["id"]) != k or not path or any(not 0 <= i < len(tree.nodes) for i in path):
                raise InputError(f"Branch {k} of the tree names nodes it does not have.")
            if [n.id for n in tree.path_to(tree.nodes[path[-1]])] != path:
                raise InputError(f"Branch {k}'s path is not a chain of parents from the prompt.")
            seed = None if b.get("seed") is None else int(b["seed"])
            tree.branches.append(
                Branch(
                    k,
                    path,
                    int(b["fork_depth"]),
                    bool(b["greedy"]),
                    float(b["temperature"]),
                    seed,
                    str(b["finish"]),
                    str(b.get("kind", "fork" if int(b["fork_depth"]) else "root")),
                )
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"The tree's JSON is missing or mistypes a field ({exc!r}).") from None
    if any(not 0 <= n.branch < len(tree.branches) for n in tree.nodes):
        raise InputError("A node of the tree names a branch the tree does not have.")
    lim = config.settings().limits
    if len(tree.nodes) > lim.max_tree_nodes or len(tree.branches) > lim.max_tree_branches:
        raise InputError(
            f"The tree is larger than this app holds ({lim.max_tree_nodes} nodes, {lim.max_tree_branches} branches)."
        )
    return tree


def code_for(model_id: str, tree: Tree, shown: int) -> str:
    """Plain transformers code that reproduces one branch: generate on the prompt plus the tokens the branch
    did not choose itself (its shared prefix and its chosen token), with its seed when it is sampled."""
    b = tree.branch(shown)
    if b.kind == "given":
        return _code_given(model_id, tree, b)
    # a fork forces its shared prefix and chosen token; a branch from the prompt (root, samples) forces nothing
    forced = tree.token_ids(b)[: b.fork_depth + 1] if b.kind == "fork" else []
    rest = len(b.path) - len(forced)
    seed = f"torch.manual_seed({b.seed})  # the branch's own seed\n" if not b.greedy else ""
    sample = "do_sample=False" if b.greedy else f"do_sample=True, temperature={b.temperature}, top_k=0, top_p=1.0"
    return f"""import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
model = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)

prompt_ids = {list(tree.prompt_ids)}
# Branch {b.id} leaves its parent at token {b.fork_depth}: the tokens before it and the one chosen there.
forced = {forced}
ids = torch.tensor([prompt_ids + forced])
{seed}with torch.inference_mode():
    out = model.generate(ids, max_new_tokens={rest}, {sample}, output_scores=True, return_dict_in_generate=True)
print(tokenizer.decode(out.sequences[0, len(prompt_ids):]))
# Each step's top alternatives (what the tree keeps per node), from the scores generate returns:
for step in out.scores:
    p, i = step[0].softmax(-1).topk(5)
    print([(tokenizer.decode([int(t)]), round(float(q), 3)) for t, q in zip(i, p)])
# The app does not re-read the prefix: it keeps each branch's DynamicCache and starts a fork from views of
# its first len(prompt_ids) + {b.fork_depth} positions, so the fork's first token costs one decode step.
"""


def _code_given(model_id: str, tree: Tree, b: Branch) -> str:
    """A given path (Next Token's appended tokens, a Chat reply) read back in one forward pass."""
    return f"""import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
model = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)

prompt_ids = {list(tree.prompt_ids)}
path = {tree.token_ids(b)}  # branch {b.id}: the tokens as they were appended or generated
with torch.inference_mode():  # one forward pass (teacher forcing): row k predicts path[k]
    logits = model(torch.tensor([prompt_ids + path[:-1]])).logits[0, len(prompt_ids) - 1 :]
probs = logits.softmax(-1)
for k, token in enumerate(path):
    p, i = probs[k].topk(5)
    print(repr(tokenizer.decode([token])), round(float(probs[k, token]), 3),
          [(tokenizer.decode([int(t)]), round(float(q), 3)) for t, q in zip(i, p)])
"""
