"""Steering by activation addition: a direction in the residual stream, added at one layer while the model runs.

The direction is the difference of mean residual-stream activations (the output of decoder layer L) between
two contrast prompts, e.g. "I love you" minus "I hate you" (Turner et al. 2023, "Activation Addition";
Rimsky et al. 2024, "Contrastive Activation Addition"). Position 0 is left out of each mean: it is the
attention-sink position whose activations are tens of times larger than the others in most models, and when
both prompts start with the same word it adds nothing but noise. `strength x direction` is then added to
every position's output of layer L by a forward hook, and the next-token distribution and a short greedy
continuation are compared with the plain model's.

Many users share one loaded model, and other requests run forward passes on it at the same moment without
any lock. So the hook never goes on the shared modules: `shell(model, layer)` makes a per-request copy of
only the module objects on the path to layer L (the causal-LM wrapper, its inner model, the ModuleList and
layer L itself: four shallow copies, ~0.1 ms), all of whose tensors are the shared ones, read and never
written. The hook lives on the copied layer, which only this request calls; it is removed in a `finally`
all the same, and the copies are dropped with the request. The shared model's weights, hooks and
requires_grad flags are never touched, and strength 0 gives exactly the plain forward pass (x + 0 = x).

Not here: words, charts (playground/words/edit.py, playground/charts_edit.py), training (core.finetune).
"""

from __future__ import annotations

import copy
import inspect
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from playground import config
from playground.core.config_shape import shape_of
from playground.core.tokens import token_text
from playground.core.validation import check_text, number
from playground.errors import InputError

if TYPE_CHECKING:
    from playground.loader import LoadedModel

MAX_STRENGTH = 20.0  # |strength|: beyond ~5 x the raw difference every model here only repeats one token
MAX_NEW_TOKENS = 32  # greedy continuation length cap (each token is a forward pass, twice)
SWEEP_STRENGTHS = (-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0)  # columns of the layer x strength sweep
SWEEP_LAYERS = 10  # rows: this many layers, evenly spread from the first to the last
_HOOK_DICTS = ("_forward_hooks", "_forward_hooks_with_kwargs", "_forward_hooks_always_called")


# --------------------------------------------------------------------------- the per-request module copy


def decoder_layers_path(model: Any) -> str:
    """Dotted name of the ModuleList holding the decoder layers: 'model.layers' (Llama, Qwen), 'transformer.h'
    (GPT-2). The first ModuleList as long as the config's layer count."""
    n = shape_of(model.config).n_layers
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.ModuleList) and len(module) == n:
            return name
    raise InputError(f"No list of {n} decoder layers found in {type(model).__name__}; steering needs one.")


def shell(model: torch.nn.Module, layers_path: str, layer: int) -> tuple[torch.nn.Module, torch.nn.Module]:
    """(a model that runs exactly as `model`, its own copy of decoder layer `layer`).

    Only the modules on the path to the layer are copied (shallow: same tensors, own child dicts), and the
    copied layer gets its own copies of the hook dicts, so a hook registered on it runs for calls through the
    returned model only. Nothing of `model` is modified.
    """
    root = copy.copy(model)
    root._modules = dict(model._modules)  # own child dict: swapping a child stays here
    parent = root
    for name in layers_path.split("."):
        child = copy.copy(parent._modules[name])
        child._modules = dict(child._modules)  # type: ignore[union-attr]
        parent._modules[name] = child
        parent = child  # type: ignore[assignment]
    target = copy.copy(parent._modules[str(layer)])
    for attr in _HOOK_DICTS:  # copy.copy shares these dicts with the shared layer: give the copy its own, with
        setattr(target, attr, OrderedDict(getattr(target, attr)))  # the hooks it has (transformers' own capture)
    parent._modules[str(layer)] = target
    return root, target  # type: ignore[return-value]


def _output(out: Any) -> torch.Tensor:
    """A decoder layer's hidden states: transformers 5 returns the tensor, older code a tuple."""
    return out[0] if isinstance(out, tuple) else out


@contextmanager
def steered(model: torch.nn.Module, layers_path: str, layer: int, add: torch.Tensor) -> Iterator[torch.nn.Module]:
    """A per-request model whose layer `layer` output gets `add` ((d_model,) or (B, 1, d_model)) added."""
    runner, target = shell(model, layers_path, layer)

    def hook(_module: Any, _inputs: Any, out: Any) -> Any:
        hs = _output(out) + add.to(_output(out).dtype)  # (B, T, d_model)
        return (hs, *out[1:]) if isinstance(out, tuple) else hs

    handle = target.register_forward_hook(hook)
    try:
        yield runner
    finally:
        handle.remove()


# --------------------------------------------------------------------------- the direction


@torch.inference_mode()
def layer_means(lm: LoadedModel, text: str, layers: list[int]) -> dict[int, torch.Tensor]:
    """Mean over positions 1.. (position 0 when it is the only one) of decoder layers' outputs for `text`
    (one prompt per line): {layer: (d_model,) float32}."""
    path = decoder_layers_path(lm.model)
    prompts = [p for p in text.splitlines() if p.strip()]
    if not prompts:
        raise InputError("A contrast prompt is empty: type at least one line.")
    sums: dict[int, torch.Tensor] = {}
    count = 0
    for prompt in prompts:
        runner, caught = _capture(lm.model, path, layers)
        ids = _ids(lm, prompt)  # (1, T)
        runner(input_ids=ids, use_cache=False)
        for layer, hs in caught.items():  # hs: (1, T, d_model)
            rows = hs[0, 1:] if hs.shape[1] > 1 else hs[0]
            sums[layer] = sums.get(layer, 0) + rows.float().sum(0).cpu()
        count += max(1, ids.shape[1] - 1)
    return {layer: s / count for layer, s in sums.items()}


def _capture(model: torch.nn.Module, path: str, layers: list[int]) -> tuple[torch.nn.Module, dict[int, torch.Tensor]]:
    """A per-request model that records the outputs of `layers` (hooks on its own copies of them)."""
    caught: dict[int, torch.Tensor] = {}
    runner = model
    for layer in layers:
        runner, target = shell(runner, path, layer)
        target.register_forward_hook(lambda _m, _i, out, n=layer: caught.__setitem__(n, _output(out)))
    return runner, caught


def _ids(lm: LoadedModel, text: str) -> torch.Tensor:
    ids = lm.tokenizer(text)["input_ids"]
    if not ids:
        raise InputError(f"{text!r} gives no tokens.")
    cap = config.settings().limits.max_forward_tokens
    if len(ids) > cap:
        raise InputError(f"A prompt has {len(ids):,} tokens; the limit for one forward pass here is {cap:,}.")
    return torch.tensor([ids], device=lm.input_device)  # (1, T)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class TokenProb:
    id: int
    text: str  # how the token reads (core.tokens.token_text)
    p: float


@dataclass(frozen=True)
class Sweep:
    layers: tuple[int, ...]  # rows
    strengths: tuple[float, ...]  # columns
    kl_bits: tuple[tuple[float, ...], ...]  # KL(plain || steered) of the next token, bits, rows x columns
    top: tuple[tuple[str, ...], ...]  # the steered model's most likely next token, rows x columns


@dataclass(frozen=True)
class SteerResult:
    layer: int
    strength: float
    n_layers: int
    direction_norm: float  # ||mean(positive) - mean(negative)|| at the layer
    resid_norm: float  # mean ||output of the layer|| over the prompt's positions 1..: the scale it is added to
    before: tuple[TokenProb, ...]  # plain model, most likely first
    after: tuple[TokenProb, ...]  # steered model
    kl_bits: float  # KL(plain || steered) of the next-token distribution
    continuation_before: str
    continuation_after: str
    sweep: Sweep | None
    followed: tuple[tuple[str, float, float], ...] = ()  # (word, p before, p after) of each followed word


def check(lm: LoadedModel, prompt: str, positive: str, negative: str, layer: Any, strength: Any, **n: Any) -> None:
    """InputError for the first bad value (texts, layer, strength, token counts)."""
    n_layers = shape_of(lm.model.config).n_layers
    for text, what in ((prompt, "the prompt"), (positive, "the positive prompt"), (negative, "the negative prompt")):
        check_text(text, what)
    number("Layer", layer, -n_layers, n_layers - 1, integer=True)
    number("Strength", strength, -MAX_STRENGTH, MAX_STRENGTH)
    number("New tokens", n.get("new_tokens", 1), 1, MAX_NEW_TOKENS, integer=True)
    number("Candidates shown", n.get("top_k", 1), 1, config.settings().limits.max_top_k, integer=True)


def steer(
    lm: LoadedModel,
    prompt: str,
    positive: str,
    negative: str,
    layer: float,
    strength: float,
    top_k: float = 10,
    new_tokens: float = 12,
    sweep: bool = True,
    follow: tuple[str, ...] = (),
) -> SteerResult:
    """Add `strength` x (mean(positive) - mean(negative)) at decoder layer `layer` (negative counts from
    the end) and compare the next token and a greedy continuation of `prompt` with the plain model's; `follow`:
    words whose next-token probability (their first token's) is read before and after, in or out of the top k."""
    check(lm, prompt, positive, negative, layer, strength, new_tokens=new_tokens, top_k=top_k)
    n_layers = shape_of(lm.model.config).n_layers
    layer = int(layer) % n_layers
    rows = sweep_layers(n_layers) if sweep else ()
    wanted = sorted({layer, *rows})
    pos, neg = layer_means(lm, positive, wanted), layer_means(lm, negative, wanted)
    direction = {n: pos[n] - neg[n] for n in wanted}  # (d_model,) each
    ids = _ids(lm, prompt)
    path = decoder_layers_path(lm.model)
    with torch.inference_mode():
        runner, caught = _capture(lm.model, path, [layer])
        plain = last_logits(runner, ids)[0]  # (V,): the shared model's numbers (the capture changes nothing)
        hs = caught[layer][0]  # (T, d_model)
        resid = float(hs[1:].norm(dim=-1).mean()) if hs.shape[0] > 1 else float(hs.norm(dim=-1).mean())
        add = float(strength) * direction[layer].to(lm.input_device)
        with steered(lm.model, path, layer, add) as run:
            after = last_logits(run, ids)[0]  # (V,)
            cont_after = greedy(run, ids, int(new_tokens))
        cont_before = greedy(lm.model, ids, int(new_tokens))
        table = run_sweep(lm, path, ids, rows, direction) if sweep else None
    tok = lm.tokenizer
    p_plain, p_after = plain.double().softmax(-1), after.double().softmax(-1)  # (V,) each
    firsts = [(w, tok(w, add_special_tokens=False)["input_ids"][0]) for w in follow]  # each word's first token
    return SteerResult(
        layer=layer,
        strength=float(strength),
        n_layers=n_layers,
        direction_norm=float(direction[layer].norm()),
        resid_norm=resid,
        before=top_tokens(tok, plain, int(top_k)),
        after=top_tokens(tok, after, int(top_k)),
        kl_bits=kl_bits(plain, after),
        continuation_before=str(tok.decode(cont_before)),
        continuation_after=str(tok.decode(cont_after)),
        sweep=table,
        followed=tuple((w, float(p_plain[i]), float(p_after[i])) for w, i in firsts),
    )


def last_logits(model: torch.nn.Module, ids: torch.Tensor) -> torch.Tensor:
    """Float32 logits of the token after each row of `ids` (B, T): (B, V). Only the last position goes through
    the LM head (`logits_to_keep=1`, where the model takes it)."""
    extra = {"logits_to_keep": 1} if "logits_to_keep" in inspect.signature(model.forward).parameters else {}
    return model(input_ids=ids, use_cache=False, **extra).logits[:, -1].float()


def greedy(model: torch.nn.Module, ids: torch.Tensor, n: int) -> list[int]:
    """`n` greedy tokens after `ids` (1, T) with a KV cache: the same tokens as model.generate(do_sample=False)."""
    out: list[int] = []
    res = model(input_ids=ids, use_cache=True)
    for i in range(n):
        nxt = res.logits[0, -1].argmax()
        out.append(int(nxt))
        if i + 1 < n:
            res = model(input_ids=nxt.view(1, 1), past_key_values=res.past_key_values, use_cache=True)
    return out


def sweep_layers(n_layers: int) -> tuple[int, ...]:
    """SWEEP_LAYERS layers spread evenly from 0 to n_layers - 1: 30 -> (0, 3, 6, ..., 29)."""
    k = min(SWEEP_LAYERS, n_layers)
    return tuple(sorted({round(i * (n_layers - 1) / max(1, k - 1)) for i in range(k)}))


def run_sweep(
    lm: LoadedModel, path: str, ids: torch.Tensor, layers: tuple[int, ...], direction: dict[int, torch.Tensor]
) -> Sweep:
    """Every (layer, strength) cell in ONE batched forward pass: row r of the batch is one cell, and the hook
    on layer l adds strength_r x direction_l to the rows of that layer (0 x direction to the others)."""
    cells = [(layer, s) for layer in layers for s in SWEEP_STRENGTHS]
    batch = ids.expand(len(cells), -1)  # (B, T), B = layers x strengths
    runner: torch.nn.Module = lm.model
    for layer in layers:
        coef = torch.tensor([s if n == layer else 0.0 for n, s in cells], device=lm.input_device)  # (B,)
        add = coef.view(-1, 1, 1) * direction[layer].to(lm.input_device).view(1, 1, -1)  # (B, 1, d_model)
        runner, target = shell(runner, path, layer)
        target.register_forward_hook(
            lambda _m, _i, out, a=add: (
                (_output(out) + a.to(_output(out).dtype), *out[1:]) if isinstance(out, tuple) else out + a.to(out.dtype)
            )
        )
    plain = last_logits(lm.model, ids)[0]  # (V,)
    logits = last_logits(runner, batch)  # (B, V)
    kls = [kl_bits(plain, row) for row in logits]
    tops = [token_text(lm.tokenizer, int(row.argmax())) for row in logits]
    w = len(SWEEP_STRENGTHS)
    return Sweep(
        layers=tuple(layers),
        strengths=SWEEP_STRENGTHS,
        kl_bits=tuple(tuple(kls[i * w : (i + 1) * w]) for i in range(len(layers))),
        top=tuple(tuple(tops[i * w : (i + 1) * w]) for i in range(len(layers))),
    )


def top_tokens(tokenizer: Any, logits: torch.Tensor, k: int) -> tuple[TokenProb, ...]:
    probs = logits.double().softmax(-1)  # (V,)
    top = torch.topk(probs, min(k, probs.numel()))
    return tuple(TokenProb(int(i), token_text(tokenizer, int(i)), float(p)) for p, i in zip(top.values, top.indices))


def kl_bits(plain: torch.Tensor, steered_logits: torch.Tensor) -> float:
    """KL(plain || steered) in bits between two next-token distributions given as logits (V,)."""
    lp = plain.double().log_softmax(-1)
    lq = steered_logits.double().log_softmax(-1)
    return max(0.0, float((lp.exp() * (lp - lq)).sum()) / float(torch.log(torch.tensor(2.0, dtype=torch.float64))))


def to_json(r: SteerResult) -> dict[str, Any]:
    def probs(items: tuple[TokenProb, ...]) -> list[dict[str, Any]]:
        return [{"id": x.id, "text": x.text, "p": x.p} for x in items]

    out: dict[str, Any] = {
        "layer": r.layer,
        "strength": r.strength,
        "n_layers": r.n_layers,
        "direction_norm": r.direction_norm,
        "resid_norm": r.resid_norm,
        "kl_bits": r.kl_bits,
        "before": probs(r.before),
        "after": probs(r.after),
        "continuation_before": r.continuation_before,
        "continuation_after": r.continuation_after,
    }
    if r.sweep is not None:
        s = r.sweep
        out["sweep"] = {
            "layers": list(s.layers),
            "strengths": list(s.strengths),
            "kl_bits": [list(row) for row in s.kl_bits],
            "top": [list(row) for row in s.top],
        }
    return out
