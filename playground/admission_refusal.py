"""A refused load in words: the cheapest change that would fit, and the NotEnoughMemoryError that says so.

`cheapest_fit()` tries a 16-bit dtype, then the CPU, then the largest smaller catalog model, each judged
with the same arithmetic (playground.admission_estimate) against what is free now (playground.resources).
`refusal()` writes the error with every number in it. The words are English, as every core error is (they
quote values); the page shows them as they are.

Not here: the gate that decides (playground.admission), measuring, loading.
"""

from __future__ import annotations

from playground import config
from playground.admission_estimate import MARGIN, Demand, Need, estimate, shortfall
from playground.core import vram
from playground.errors import NotEnoughMemoryError
from playground.loader import ModelSource, pick_dtype
from playground.resources import free_now


def cheapest_fit(need: Need, source: ModelSource, free: dict[str, int], evictable: int = 0) -> str | None:
    """The cheapest change that fits, in words: a 16-bit dtype, the CPU, else the largest catalog model.

    The CPU int8 mode is never offered: it loads float32 first, so it needs at least what float32 needs.
    Catalog models are judged from their shipped configs (no Hub request), their downloads not counted.
    """
    from playground.core.architecture import shipped_shape, source_shape

    shape = source_shape(source)
    convert = any(d.reason == "gguf" for d in need.demands)
    download = next((d.bytes for d in need.demands if d.reason == "download"), 0)
    ctx, path = need.context, next((d.path for d in need.demands if d.pool == "disk"), None)

    # The same model, the same steps (conversion, download, disk) and request: only device and dtype change.
    def same_model(device: str, dtype: str) -> Need:
        return estimate(
            shape, device, dtype, "none", context=ctx, convert_gguf=convert, download_bytes=download, disk_path=path
        )

    tries: list[tuple[str, Need]] = []
    half = "bfloat16" if need.device == "cpu" else pick_dtype(need.device, "auto")
    if need.dtype == "float32" and half != "float32":
        slower = "; slower than float32 on most CPUs" if need.device == "cpu" else ""
        tries.append((f"dtype {half}{{}}{slower}", same_model(need.device, half)))
    if need.device != "cpu":
        tries.append(("device cpu{}", same_model("cpu", "float32")))
    for words, alt in tries:
        if shortfall(alt, free_now(alt, free), evictable) is None:
            return words.format(f" (needs {vram.human(alt.bytes(alt.device_pool))})")
    fitting: list[tuple[int, str, Need]] = []
    for entry in config.settings().catalog:
        if entry.hub_id.lower() == (source.hub_id or "").lower():
            continue
        alt_shape = shipped_shape(entry.hub_id, entry.name)
        if alt_shape is None or alt_shape.n_params >= need.n_params:
            continue
        dt = pick_dtype(need.device, "auto")
        alt = estimate(
            alt_shape,
            need.device,
            dt,
            "none",
            context=ctx,
            convert_gguf=bool(entry.embedded or getattr(entry, "parts", ())),
        )  # embedded: GGUF
        if shortfall(alt, free_now(alt, free), evictable) is None:
            fitting.append((alt_shape.n_params, entry.name, alt))
    if fitting:
        _, name, alt = max(fitting, key=lambda t: t[0])  # the largest that fits loses the least
        return f"the catalog model {name} in {alt.dtype} (needs {vram.human(alt.bytes(alt.device_pool))})"
    return None


_POOL_WORDS = {"ram": "RAM", "gpu": "GPU memory", "disk": "disk space"}
_REASON_WORDS = {
    "run": "to hold its weights and answer a {ctx:,}-token request in {dtype} on the {device}",
    "load": "to load its {dtype} weights, which pass through CPU RAM on their way to the {device}",
    "int8": "to load it in float32 before quantizing to int8, with a {ctx:,}-token request",
    "gguf": "to dequantize its GGUF file to float32 once (the first load converts it)",
    "download": "to download its weights into {path}",
    "convert": "to write its float32 copy into {path} (the first load converts the GGUF file)",
}


def refusal(
    need: Need, demand: Demand, have: int, free: int, evictable_bytes: int, option: str | None
) -> NotEnoughMemoryError:
    """The error for a demand that does not fit, every number in it (bytes as GB and GiB)."""
    device = {"cpu": "CPU", "cuda": "GPU", "mps": "Apple GPU"}[need.device]
    why = _REASON_WORDS[demand.reason].format(ctx=need.context, dtype=need.dtype, device=device, path=demand.path)
    pool = (
        "GPU memory"
        if demand.pool == "gpu" and need.device == "cuda"
        else ("unified memory the GPU may use" if demand.pool == "gpu" else _POOL_WORDS[demand.pool])
    )
    parts = [f"{vram.human(free)} free now"]
    if evictable_bytes and demand.pool == need.device_pool:
        parts.append(f"+ {vram.human(evictable_bytes)} from unused models it can drop")
    parts.append(f"- {vram.human(MARGIN[demand.pool])} kept for the system and the app")
    fix = (
        f"Cheapest option that fits: {option}."
        if option
        else "Nothing smaller in the catalog fits in what is free now either."
    )
    message = (
        f"{need.name} cannot be loaded here: it needs {vram.human(demand.bytes)} of {pool} {why}, and "
        f"this machine can give it {vram.human(max(0, have))} ({' '.join(parts)}). {fix} The VRAM "
        "Calculator tab shows where these bytes go and what else would fit."
    )
    return NotEnoughMemoryError(message, pool=demand.pool, need=demand.bytes, free=max(0, have), option=option)
