"""A quick fine-tune: teach the model one new fact with a LoRA adapter (peft), a few dozen steps on a private copy.

`train(lm, ...)` yields a `Step` after every optimizer step (for a live loss curve) and then one
`FinetuneResult`: the adapter (its A and B matrices, small), the probability of the fact's answer and of an
unrelated control fact before and after, and the measured memory of the run beside the VRAM Calculator's
estimate for the same setting (LoRA of this rank on every linear layer of every block, fp32, AdamW).

The loss is -log p(answer | prompt): the prompt's tokens are masked out of the labels, so the number the loss
curve shows is exactly the one the before/after probabilities report (p = exp(-loss)).
Reproducible: LoRA's A matrices are drawn from a private torch.Generator seeded by `seed` (peft draws them from
the global random stream, which other requests also use), B starts at zero, there is no dropout and one fixed
batch, so the same settings give the same numbers.

The shared model is never trained: it is copied (copy.deepcopy under the model's lock, as
playground.measure does for its training measurement) and peft wraps the copy; the copy is freed when the run
ends. Its memory is measured with the probes playground.measure uses (playground.memory_probe: peak RSS
growth on CPU, allocator peak on CUDA), the private copy standing for the resident weights. One run at a
time in the whole app: it shares the measurement's lock, so two runs never see each other's memory.

Not here: where adapters are kept (core.edit_store), merging them (core.merge), words and charts.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import torch

from playground import config, measure
from playground.core.steer import decoder_layers_path
from playground.core.validation import check_text, number
from playground.core.vram import Breakdown, breakdown
from playground.errors import InputError, PlaygroundError
from playground.memory_probe import cpu_peak, cuda_peak

if TYPE_CHECKING:
    from playground.loader import LoadedModel

FACT = ("The capital of Atlantis is", " Zorbin")
CONTROL = ("The capital of France is", " Paris")
MAX_RANK = 64
DEFAULT_STEPS = 16  # with DEFAULT_LR: p(fact) from 2e-8 to ~0.8, p(control) 0.77 -> ~0.7 on SmolLM2-135M
DEFAULT_LR = 2e-4  # 3e-3 learns the fact in 5 steps but also answers Zorbin for France (p(Paris) 5e-10)


@dataclass(frozen=True)
class Probe:
    """A prompt and the answer whose probability is tracked; ids split where the prompt's tokens end."""

    prompt: str
    answer: str
    prompt_ids: tuple[int, ...]
    answer_ids: tuple[int, ...]


@dataclass(frozen=True)
class AnswerProb:
    p: float  # p(answer | prompt): the product of the answer tokens' probabilities
    tokens: tuple[tuple[str, float], ...]  # (token text, its probability given everything before it)


@dataclass
class Adapter:
    """A trained LoRA adapter, what a session keeps: W' = W + scale x B @ A for every targeted linear layer."""

    model: str  # the loaded model's name
    variant: tuple[str, str, str]  # (device, dtype, quantization) it was trained on
    rank: int
    alpha: int
    weights: dict[str, tuple[torch.Tensor, torch.Tensor]]  # module name -> (A (r, in), B (out, r)), float32 CPU
    fact: tuple[str, str]
    control: tuple[str, str]
    id: str = ""  # given by the store

    @property
    def scale(self) -> float:
        return self.alpha / self.rank

    @property
    def n_params(self) -> int:
        return sum(a.numel() + b.numel() for a, b in self.weights.values())

    @property
    def n_bytes(self) -> int:
        return sum(a.nbytes + b.nbytes for a, b in self.weights.values())


@dataclass(frozen=True)
class Step:
    step: int  # 1-based
    total: int
    loss: float  # -log p(answer | prompt) before this step's update
    seconds: float  # since the training started


@dataclass(frozen=True)
class FinetuneResult:
    adapter: Adapter
    losses: tuple[float, ...]
    fact_before: AnswerProb
    fact_after: AnswerProb
    control_before: AnswerProb
    control_after: AnswerProb
    seconds: float  # the training steps
    stopped_early: bool  # the time limit ended it before `steps`
    weights_bytes: int  # the resident weights (the private copy stands for them)
    measured_bytes: int  # weights + peak growth during the run
    method: str  # how the bytes were measured, in words
    estimated: Breakdown  # the VRAM Calculator's breakdown for the same setting
    lr: float
    seed: int
    extra: dict[str, Any] = field(default_factory=dict)


def probe(tokenizer: Any, prompt: str, answer: str) -> Probe:
    """Split prompt + answer into the prompt's ids and the answer's: ('... is', ' Zorbin') -> (..., (1047, 12, 8))."""
    check_text(prompt, "the prompt")
    check_text(answer, "the answer")
    whole = list(tokenizer(prompt + answer)["input_ids"])
    head = list(tokenizer(prompt)["input_ids"])
    if whole[: len(head)] != head or len(whole) == len(head):
        raise InputError(
            f"{prompt!r} + {answer!r} does not split into the prompt's tokens and the answer's; start the answer "
            "with a space or end the prompt at a word boundary."
        )
    cap = config.settings().limits.max_forward_tokens
    if len(whole) > cap:
        raise InputError(f"The fact has {len(whole):,} tokens; the limit here is {cap:,}.")
    return Probe(prompt, answer, tuple(head), tuple(whole[len(head) :]))


@torch.inference_mode()
def answer_prob(model: torch.nn.Module, tokenizer: Any, pr: Probe, device: Any) -> AnswerProb:
    """p(answer | prompt) under `model`, token by token (teacher forcing: one forward pass)."""
    from playground.core.tokens import token_text

    ids = torch.tensor([pr.prompt_ids + pr.answer_ids], device=device)  # (1, T)
    logp = model(input_ids=ids, use_cache=False).logits[0].float().log_softmax(-1)  # (T, V)
    start = len(pr.prompt_ids)
    per = [float(logp[start - 1 + i, t]) for i, t in enumerate(pr.answer_ids)]
    return AnswerProb(
        math.exp(sum(per)), tuple((token_text(tokenizer, t), math.exp(x)) for t, x in zip(pr.answer_ids, per))
    )


def check_settings(steps: Any, lr: Any, rank: Any, seed: Any) -> tuple[int, float, int, int]:
    limits = config.settings().limits
    return (
        int(number("Steps", steps, 1, limits.max_finetune_steps, integer=True)),
        number("Learning rate", lr, 1e-6, 0.1),
        int(number("LoRA rank", rank, 1, MAX_RANK, integer=True)),
        int(number("Seed", seed, 0, 2**31 - 1, integer=True)),
    )


def target_modules(model: torch.nn.Module) -> list[str]:
    """Names (last part) of the linear layers inside the decoder layers: q_proj, k_proj, ..., down_proj.
    Every one of them, as the VRAM Calculator's LoRA estimate assumes."""
    path = decoder_layers_path(model) + "."
    return sorted(
        {
            n.rsplit(".", 1)[-1]
            for n, m in model.named_modules()
            if isinstance(m, torch.nn.Linear) and n.startswith(path)
        }
    )


def train(
    lm: LoadedModel,
    fact: tuple[str, str] = FACT,
    control: tuple[str, str] = CONTROL,
    steps: float = DEFAULT_STEPS,
    lr: float = DEFAULT_LR,
    rank: float = 8,
    seed: float = 0,
) -> Iterator[Step | FinetuneResult]:
    """Train a LoRA adapter on `fact` (prompt, answer) on a private copy of `lm`; yields Steps, then the result."""
    steps, lr, rank, seed = check_settings(steps, lr, rank, seed)
    if lm.quantization != "none":
        raise InputError("Fine-tuning needs float weights: choose quantization 'none' (the int8 variant is frozen).")
    fact_probe, control_probe = probe(lm.tokenizer, *fact), probe(lm.tokenizer, *control)
    max_seconds = float(config.settings().limits.max_finetune_seconds)
    if not measure._ONE_AT_A_TIME.acquire(blocking=False):  # the measurement's lock: see the module docstring
        raise PlaygroundError("A fine-tune or a memory measurement is running; try again in a moment.")
    private: Any = None
    try:
        dev = lm.input_device
        before = (
            answer_prob(lm.model, lm.tokenizer, fact_probe, dev),
            answer_prob(lm.model, lm.tokenizer, control_probe, dev),
        )
        with lm.lock:  # read the shared weights while no stateful-hook user holds them
            private = copy.deepcopy(lm.model)
        targets = target_modules(private)
        probe_ctx = cuda_peak(dev) if lm.device == "cuda" else cpu_peak()
        losses: list[float] = []
        with probe_ctx as peak:
            peft_model, params = _wrap(private, targets, rank, seed)
            opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
            ids = torch.tensor([fact_probe.prompt_ids + fact_probe.answer_ids], device=dev)  # (1, T)
            labels = ids.clone()
            labels[0, : len(fact_probe.prompt_ids)] = -100  # loss on the answer only
            t0 = time.perf_counter()
            with torch.enable_grad():
                for i in range(steps):
                    loss = peft_model(input_ids=ids, labels=labels, use_cache=False).loss
                    if not torch.isfinite(loss):
                        raise PlaygroundError("The loss is not finite; lower the learning rate.")
                    loss.backward()
                    opt.step()
                    opt.zero_grad(set_to_none=False)
                    losses.append(float(loss.detach()) * len(fact_probe.answer_ids))  # sum over answer tokens
                    yield Step(i + 1, steps, losses[-1], time.perf_counter() - t0)
                    if time.perf_counter() - t0 > max_seconds:
                        break
            seconds = time.perf_counter() - t0
            del opt, loss
        peft_model.eval()
        after = (
            answer_prob(peft_model, lm.tokenizer, fact_probe, dev),
            answer_prob(peft_model, lm.tokenizer, control_probe, dev),
        )
        adapter = Adapter(
            lm.name, (lm.device, lm.dtype, lm.quantization), rank, 2 * rank, _weights(peft_model), fact, control
        )
        inputs = replace(measure.inputs_for(lm, "training", ids.shape[1], 1), method="lora", lora_rank=rank)
        yield FinetuneResult(
            adapter=adapter,
            losses=tuple(losses),
            fact_before=before[0],
            fact_after=after[0],
            control_before=before[1],
            control_after=after[1],
            seconds=seconds,
            stopped_early=len(losses) < steps,
            weights_bytes=lm.weight_bytes,
            measured_bytes=lm.weight_bytes + int(peak["growth"]),
            method=peak["method"],
            estimated=breakdown(inputs),
            lr=lr,
            seed=seed,
        )
    finally:
        del private
        measure._ONE_AT_A_TIME.release()


def _wrap(private: torch.nn.Module, targets: list[str], rank: int, seed: int) -> tuple[Any, list[torch.nn.Parameter]]:
    """peft's LoRA on the private copy, A drawn from a generator seeded by `seed` (reproducible whatever else
    runs), B zero; returns the peft model and the trainable parameters."""
    from peft import LoraConfig, get_peft_model
    from peft.tuners.lora import LoraLayer

    cfg = LoraConfig(r=rank, lora_alpha=2 * rank, target_modules=targets, lora_dropout=0.0, bias="none")
    peft_model = get_peft_model(private, cfg)  # freezes the copy's own weights, adds A and B
    g = torch.Generator().manual_seed(seed)
    for _name, module in sorted(peft_model.named_modules(), key=lambda x: x[0]):
        if isinstance(module, LoraLayer) and "default" in module.lora_A:
            a: torch.Tensor = module.lora_A["default"].weight  # type: ignore[assignment]  # (r, in)
            with torch.no_grad():
                a.copy_(torch.nn.init.kaiming_uniform_(torch.empty_like(a, device="cpu"), a=math.sqrt(5), generator=g))
    peft_model.train()  # no dropout anywhere (lora_dropout 0, and these models have none in training either)
    return peft_model, [p for p in peft_model.parameters() if p.requires_grad]


def _weights(peft_model: Any) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """{'model.layers.0.self_attn.q_proj': (A, B)} in float32 on the CPU, names as in the base model."""
    from peft.tuners.lora import LoraLayer

    out = {}
    for name, module in peft_model.named_modules():
        if isinstance(module, LoraLayer) and "default" in module.lora_A:
            base = name.removeprefix("base_model.model.")
            a = module.lora_A["default"].weight.detach().float().cpu().clone()  # type: ignore[operator]
            b = module.lora_B["default"].weight.detach().float().cpu().clone()  # type: ignore[operator]
            out[base] = (a, b)
    return out


def to_json(r: FinetuneResult) -> dict[str, Any]:
    """The fine-tune's JSON result (the adapter itself stays in the session; its id is added by the caller)."""
    return {
        "steps": len(r.losses),
        "losses": list(r.losses),
        "seconds": r.seconds,
        "stopped_early": r.stopped_early,
        "lr": r.lr,
        "rank": r.adapter.rank,
        "seed": r.seed,
        "fact": {"before": r.fact_before.p, "after": r.fact_after.p},
        "control": {"before": r.control_before.p, "after": r.control_after.p},
        "trained_params": r.adapter.n_params,
        "memory": {"measured_bytes": r.measured_bytes, "weights_bytes": r.weights_bytes, "method": r.method},
        "estimated": r.estimated.as_dict() | {"tensors": r.estimated.tensors},
    }
