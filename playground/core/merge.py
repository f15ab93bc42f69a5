"""Merging weights: base + alpha x delta, as a model of its own, with the fact's and the control's probability.

Two kinds of merge, one formula:
- "adapter": the session's LoRA adapter (core.finetune). delta = scale x B @ A for every adapted linear layer,
  so alpha 0 is the base model, 1 the fine-tuned one (the adapter merged into the weights, as peft's
  merge_and_unload does), 0.5 halfway, 2 the same change twice, -1 its opposite: task arithmetic (Ilharco et al.
  2023, "Editing Models with Task Arithmetic"), where interpolating base and fine-tuned weights is alpha in 0..1.
- "models": two models of the same architecture and shapes, W = (1 - alpha) x A + alpha x B for every
  parameter (a linear merge, "model soup"); refused, naming the first differing tensor, when shapes differ.

The merged weights live in a private copy of the base model (copy.deepcopy under the model's lock), never in
the shared one: `MergedModel` is that copy plus what it was made from, and the session keeps it (core.edit_store).
Moving the slider rewrites the copy's merged tensors from the shared, read-only originals (one addmm or lerp
per tensor; alpha 0 copies the original exactly), so no error accumulates from one alpha to the next.

Not here: training (core.finetune), the store, words and charts.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch

from playground.core.finetune import Adapter, AnswerProb, Probe, answer_prob
from playground.core.steer import greedy
from playground.core.validation import number
from playground.errors import InputError

if TYPE_CHECKING:
    from playground.loader import LoadedModel

KINDS = ("adapter", "models")
ALPHA_RANGE = (-1.0, 2.0)  # the slider: 0 = base, 1 = fine-tuned (or model B)
CURVE_ALPHAS = (-1.0, -0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)  # where the chart evaluates p(fact), p(control)


@dataclass
class MergedModel:
    """A private copy of `base` whose merged tensors are set for `alpha`; one session's model."""

    model: torch.nn.Module  # the private copy
    kind: str  # "adapter" | "models"
    base: str  # the base model's name
    other: str  # the adapter id, or model B's name
    # (private tensor, original (shared, read-only), A or model B's tensor, B or None, scale) per merged tensor
    parts: Sequence[tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None, float]]
    alpha: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # one request of a session at a time
    curves: dict[tuple, tuple[tuple[float, float, float], ...]] = field(default_factory=dict, repr=False)

    @property
    def adapter_id(self) -> str | None:
        return self.other if self.kind == "adapter" else None

    @torch.no_grad()
    def set_alpha(self, alpha: float) -> None:
        """Rewrite every merged tensor for `alpha` from the originals (exactly the original at 0)."""
        for dst, orig, a, b, scale in self.parts:
            if alpha == 0:
                dst.copy_(orig)
            elif b is None:  # two models: (1 - alpha) x orig + alpha x other; lerp gives `a` exactly at 1
                torch.lerp(orig, a, alpha, out=dst)
            else:  # LoRA: orig + alpha x scale x (B @ A); B (out, r), A (r, in)
                torch.addmm(orig, b.to(dst.dtype), a.to(dst.dtype), beta=1, alpha=alpha * scale, out=dst)
        self.alpha = float(alpha)


def _private_copy(lm: LoadedModel) -> torch.nn.Module:
    with lm.lock:  # as playground.measure: read the shared weights while no stateful-hook user holds them
        private = copy.deepcopy(lm.model)
    for p in private.parameters():
        p.requires_grad_(False)  # the copy's own flags: the shared model's stay as they are
    return private


def from_adapter(lm: LoadedModel, adapter: Adapter) -> MergedModel:
    """A merged model of `lm` and `adapter` (trained on this very variant of this model), at alpha 0."""
    variant = (lm.device, lm.dtype, lm.quantization)
    if adapter.model != lm.name or tuple(adapter.variant) != variant:
        raise InputError(
            f"The adapter was trained on {adapter.model} ({', '.join(adapter.variant)}); the model bar has "
            f"{lm.name} ({', '.join(variant)}). Choose that model, or fine-tune this one."
        )
    shared = dict(lm.model.named_modules())
    private = _private_copy(lm)
    mine = dict(private.named_modules())
    parts = []
    for name, (a, b) in sorted(adapter.weights.items()):
        if name not in shared:
            raise InputError(f"The adapter names a layer {name!r} that {lm.name} does not have.")
        orig = shared[name].weight  # (out, in), shared: only read
        parts.append((mine[name].weight.data, orig.data, a.to(orig.device), b.to(orig.device), adapter.scale))
    return MergedModel(private, "adapter", lm.name, adapter.id, parts)


def shape_mismatch(a: dict[str, tuple[int, ...]], b: dict[str, tuple[int, ...]]) -> str | None:
    """None when both have the same tensor names and shapes; else the first difference, in words:
    {'w': (2, 3)}, {'w': (3, 3)} -> "w: (2, 3) vs (3, 3)"."""
    for name in sorted(set(a) & set(b)):  # a tensor both have, in another shape, says the most
        if tuple(a[name]) != tuple(b[name]):
            return f"{name}: {tuple(a[name])} vs {tuple(b[name])}"
    only = sorted(set(a) ^ set(b))
    if only:
        return f"{only[0]}: only in {'the first' if only[0] in a else 'the second'} model"
    return None


def check_same_shapes(name_a: str, shapes_a: dict, name_b: str, shapes_b: dict) -> None:
    """InputError naming the first tensor whose shape differs (read from the configs, before any weights)."""
    diff = shape_mismatch(shapes_a, shapes_b)
    if diff is not None:
        n = sum(1 for k in set(shapes_a) | set(shapes_b) if shapes_a.get(k) != shapes_b.get(k))
        raise InputError(
            f"{name_a} and {name_b} cannot be merged: their weights have different shapes ({diff}; "
            f"{n:,} tensors differ). A linear merge needs two models of the same architecture and size."
        )


def from_models(lm_a: LoadedModel, lm_b: LoadedModel) -> MergedModel:
    """A merged model of two loaded models with the same tensor names and shapes, at alpha 0 (= model A)."""
    pa, pb = dict(lm_a.model.named_parameters()), dict(lm_b.model.named_parameters())
    check_same_shapes(
        lm_a.name, {k: tuple(v.shape) for k, v in pa.items()}, lm_b.name, {k: tuple(v.shape) for k, v in pb.items()}
    )
    if lm_a.input_device != lm_b.input_device or lm_a.dtype != lm_b.dtype:
        raise InputError(f"{lm_a.name} and {lm_b.name} must be loaded on one device in one dtype to be merged.")
    private = _private_copy(lm_a)
    mine = dict(private.named_parameters())
    parts = [(mine[k].data, pa[k].data, pb[k].data, None, 1.0) for k in sorted(pa)]
    return MergedModel(private, "models", lm_a.name, lm_b.name, parts)


@dataclass(frozen=True)
class MergeResult:
    kind: str
    base: str
    other: str  # adapter id or model B's name
    alpha: float
    fact: AnswerProb
    control: AnswerProb
    continuation: str  # greedy continuation of the fact's prompt by the merged model
    curve: tuple[tuple[float, float, float], ...]  # (alpha, p(fact), p(control)) along the slider


def evaluate(
    m: MergedModel, tokenizer: Any, fact: Probe, control: Probe, alpha: Any, new_tokens: int = 8
) -> MergeResult:
    """Set `m` to `alpha` and measure p(fact), p(control) and a greedy continuation of the fact's prompt; the
    curve over CURVE_ALPHAS is computed once per (fact, control) and kept with the merged model."""
    alpha = number("Alpha", alpha, *ALPHA_RANGE)
    device = next(m.model.parameters()).device
    with m.lock:
        key = (fact, control)
        if key not in m.curves:
            points = []
            for a in CURVE_ALPHAS:
                m.set_alpha(a)
                points.append(
                    (
                        a,
                        answer_prob(m.model, tokenizer, fact, device).p,
                        answer_prob(m.model, tokenizer, control, device).p,
                    )
                )
            m.curves = {key: tuple(points)}  # one pair of probes at a time: the last asked
        m.set_alpha(alpha)
        f, c = answer_prob(m.model, tokenizer, fact, device), answer_prob(m.model, tokenizer, control, device)
        with torch.inference_mode():
            ids = torch.tensor([fact.prompt_ids], device=device)  # (1, T)
            cont = tokenizer.decode(greedy(m.model, ids, new_tokens))
        return MergeResult(m.kind, m.base, m.other, alpha, f, c, cont, m.curves[key])


def to_json(r: MergeResult) -> dict[str, Any]:
    def prob(x: AnswerProb) -> dict[str, Any]:
        return {"p": x.p, "tokens": [{"text": t, "p": p} for t, p in x.tokens]}

    return {
        "kind": r.kind,
        "base": r.base,
        "other": r.other,
        "alpha": r.alpha,
        "fact": prob(r.fact),
        "control": prob(r.control),
        "continuation": r.continuation,
        "curve": [{"alpha": a, "fact": f, "control": c} for a, f, c in r.curve],
    }


def session_merge(store: Any, session: str, lm: LoadedModel, lm_b: LoadedModel | None = None) -> MergedModel:
    """The session's merged model for `lm` and its newest adapter (lm_b None) or for `lm` and `lm_b`: the one
    the store keeps when it matches, else a new one, kept in its place (core.edit_store bounds how many)."""
    m = store.merged(session)
    if lm_b is None:
        adapter = store.adapter(session)
        if m is None or (m.kind, m.other, m.base) != ("adapter", adapter.id, lm.name):
            m = from_adapter(lm, adapter)
            store.set_merged(session, m)
    elif m is None or (m.kind, m.other, m.base) != ("models", lm_b.name, lm.name):
        m = from_models(lm, lm_b)
        store.set_merged(session, m)
    return m


def check_mergeable(name_a: str, name_b: str) -> None:
    """Refuse two models whose tensors differ in name or shape, from their configs alone (a meta build: no
    weights read or downloaded). A config that cannot be read raises the architecture view's error (the Hub
    not reachable, a gated model, an unknown name)."""
    from playground.core.architecture import model_shape

    a, b = model_shape(name_a), model_shape(name_b)
    check_same_shapes(name_a, {p.name: p.shape for p in a.params}, name_b, {p.name: p.shape for p in b.params})
