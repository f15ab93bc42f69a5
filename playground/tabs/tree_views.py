"""The Generation Tree tab's handlers: grow or fork the session's tree, show a branch, compare two branches.

The tree lives in the session (a gr.State holding a core.tree.Tree with its KV caches); an API caller may send
a tree's JSON back instead (then it is read from JSON, without caches). Wiring is in playground/tabs/tree.py;
the numbers come from playground.core.tree / tree_decode, the words from playground.words.tree.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from playground import config
from playground.charts_tree import tree_figure
from playground.core import tree as core
from playground.core import tree_decode as decode
from playground.core.sampling import check_sampling
from playground.core.tokens import show_piece
from playground.core.validation import number
from playground.errors import InputError
from playground.loader import get_loader
from playground.words import tree as words

BUCKETS = (("≥ 50%", 0.5), ("10–50%", 0.1), ("< 10%", 0.0))  # the shown branch's token colours
COLOURS = {"≥ 50%": "#86efac", "10–50%": "#fde68a", "< 10%": "#fca5a5"}


def _base(session: core.Tree | None, tree: Any, model: str) -> core.Tree:
    """The tree to fork: the session's (with its caches) unless the caller sent another one as JSON."""
    if tree not in (None, "", {}):
        sent = core.from_json(tree)
        if session is not None and core.to_json(session) == core.to_json(sent):
            return session  # the same tree the session holds: keep its caches
        base = sent
    elif session is None:
        raise InputError("There is no tree yet: grow one first (node -1), or send a tree's JSON.")
    else:
        base = session
    if base.model != model:
        raise InputError(f"This tree was grown with {base.model}; load that model to fork it (now: {model}).")
    return base


def generation_tree(
    model: str,
    prompt: str,
    chat_template: bool = False,
    mode: str = "greedy",
    temperature: float = 1.0,
    seed: float = -1,
    n_samples: float = 1,
    max_new_tokens: float = 16,
    tree: Any = "",
    node: float = -1,
    choice: float = -1,
    session: core.Tree | None = None,
    lang: str = "en",
) -> tuple[Any, ...]:
    """Grow a new tree from `prompt` (node -1: one branch, or `n_samples` seeded samples as one batch), or fork
    `tree` (its JSON; empty: this session's tree) at `node` with the alternative token id `choice`.

    Returns the summary, the tree chart, the branch picker, the shown branch's tokens, the comparison pickers,
    the comparison, the code and the JSON result ({"model", "tree": nodes and branches, "shown_branch"}).
    """
    lim = config.settings().limits
    if mode not in ("greedy", "sample"):
        raise InputError(f"The mode must be greedy or sample, not '{mode}'.")
    n = int(number("N samples", n_samples, 1, lim.max_tree_samples, integer=True))
    steps = core.check_tokens(max_new_tokens)
    sampling = check_sampling(mode == "greedy", temperature, 0, 1.0, 1.0, steps, seed)
    with get_loader().use(model) as lm:
        if int(node) < 0:
            result = decode.grow(lm, decode.start(lm, prompt, bool(chat_template)), sampling, n)
            shown = 0
        else:
            result = decode.fork(lm, _base(session, tree, lm.name), node, choice, sampling)
            shown = len(result.branches) - 1
        return (*views(result, shown, lang), core.code_for(lm.source.model_id, result, shown), result)


def views(tree: core.Tree, shown: int, lang: str = "en") -> tuple[Any, ...]:
    """Summary, chart, branch picker, tokens, the two comparison pickers, the comparison and the JSON."""
    lim = config.settings().limits
    choices = words.branch_choices(tree, lang)
    other = 0 if shown != 0 or len(tree.branches) == 1 else 1
    return (
        words.summary(tree, lim.max_tree_nodes, lim.max_tree_branches, lang),
        tree_figure(tree, shown, lang),
        gr.update(choices=choices, value=shown),
        branch_tokens(tree, shown),
        gr.update(choices=choices, value=other),
        gr.update(choices=choices, value=shown),
        words.comparison(core.compare(tree, other, shown), lang) if other != shown else "",
        {"model": tree.model, "shown_branch": shown, "tree": core.to_json(tree)},
    )


def branch_tokens(tree: core.Tree, shown: int) -> list[tuple[str, str]]:
    """The shown branch's tokens for gr.HighlightedText, each labelled with its probability bucket."""
    out = []
    for i in tree.branch(shown).path:
        n = tree.nodes[i]
        out.append((show_piece(n.text), next(label for label, low in BUCKETS if n.prob >= low)))
    return out


def show_branch(session: core.Tree | None, shown: Any, lang: str = "en") -> tuple[Any, Any]:
    if session is None or shown is None:
        return gr.update(), gr.update()
    return tree_figure(session, int(shown), lang), branch_tokens(session, int(shown))


def compare_branches(session: core.Tree | None, a: Any, b: Any, lang: str = "en") -> str:
    if session is None or a is None or b is None or a == b:
        return ""
    return words.comparison(core.compare(session, a, b), lang)


def pick_token(session: core.Tree | None, shown: Any, evt: gr.SelectData, lang: str = "en") -> tuple:
    """A click on the k-th token of the shown branch: that node, and its alternatives to fork with (gradio
    passes `evt`, the click, from its annotation: a plain class, not Optional, or gradio would not see it)."""
    if session is None or shown is None:
        return -1, gr.update(choices=[], value=None)
    k = evt.index if isinstance(evt.index, int) else evt.index[0]
    node = session.branch(shown).path[int(k)]
    alts = words.alternative_choices(session, node, lang)
    return node, gr.update(choices=alts, value=alts[0][1] if alts else None)
