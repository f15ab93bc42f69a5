"""The model bar's status line in English, 繁體中文 and 简体中文: a loaded model, a load in progress, or none yet.

The loader reports codes and numbers (LoadedModel's fields; LoadProgress's step code, values, fraction and
time left); this module words them. Not here: deciding what is loaded (playground.loader).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.i18n import register, t

if TYPE_CHECKING:
    from playground.models.load import LoadedModel
    from playground.models.progress import LoadProgress

register(
    {
        "status.loaded": (
            "{name}: {n_params:,} parameters, {dtype}{quant} on {device}, {mb:,.0f} MB of weights, "
            "loaded in {seconds:.1f} s",
            "{name}：{n_params:,} 個參數，{dtype}{quant}，在 {device} 上，權重 {mb:,.0f} MB，載入花了 {seconds:.1f} 秒",
            "{name}：{n_params:,} 个参数，{dtype}{quant}，在 {device} 上，权重 {mb:,.0f} MB，加载用了 {seconds:.1f} 秒",
        ),
        "status.int8": (" (int8 linear layers)", "（int8 線性層）", "（int8 线性层）"),
        "status.agreement": (
            ", top-1 agreement with float32 {share:.0%} over {positions} positions",
            "，與 float32 的第一名一致率 {share:.0%}（{positions} 個位置）",
            "，与 float32 的第一名一致率 {share:.0%}（{positions} 个位置）",
        ),
        "status.preparing": (
            "Preparing {name}:{pct} {step}{eta}",
            "正在準備 {name}：{pct} {step}{eta}",
            "正在准备 {name}：{pct} {step}{eta}",
        ),
        "status.eta": (", about {seconds} s left", "，大約還要 {seconds} 秒", "，大约还要 {seconds} 秒"),
        "status.not_loaded": (
            "{name} ({dtype}{quant} on {device}): not loaded yet; the first request that needs it loads it.",
            "{name}（{dtype}{quant}，{device}）：尚未載入；第一個需要它的請求會載入它。",
            "{name}（{dtype}{quant}，{device}）：尚未加载；第一个需要它的请求会加载它。",
        ),
        "status.starting": (
            "Preparing {name}: starting (importing torch and transformers)",
            "正在準備 {name}：啟動中（匯入 torch 和 transformers）",
            "正在准备 {name}：启动中（导入 torch 和 transformers）",
        ),
        # Steps of a load (the codes playground.models.gguf and playground.models.load report)
        "progress.load.start": ("starting", "開始", "开始"),
        "progress.convert.tokenizer": (
            "converting it once (later starts take about a second): reading its tokenizer",
            "第一次轉換（之後啟動只要約一秒）：讀取詞元分析器",
            "第一次转换（之后启动只要约一秒）：读取分词器",
        ),
        "progress.convert.tensor": (
            "converting it once: tensor {i} of {n}",
            "第一次轉換：第 {i}/{n} 個張量",
            "第一次转换：第 {i}/{n} 个张量",
        ),
        "progress.convert.write": (
            "converting it once: writing the converted copy",
            "第一次轉換：寫入轉換後的副本",
            "第一次转换：写入转换后的副本",
        ),
        "progress.convert.done": ("converted", "轉換完成", "转换完成"),
        "progress.load.config": ("reading the config of {name}", "讀取 {name} 的設定", "读取 {name} 的配置"),
        "progress.load.tokenizer": (
            "loading the tokenizer of {name}",
            "載入 {name} 的詞元分析器",
            "加载 {name} 的分词器",
        ),
        "progress.load.weights": (
            "loading the weights of {name} ({dtype} on {device})",
            "載入 {name} 的權重（{dtype}，{device}）",
            "加载 {name} 的权重（{dtype}，{device}）",
        ),
        "progress.load.quantize": (
            "quantizing the linear layers to int8",
            "把線性層量化成 int8",
            "把线性层量化成 int8",
        ),
    }
)


def step_text(step: str, lang: str | None = "en", **values: object) -> str:
    """A load step's code and values in words: ("convert.tensor", i=3, n=272) ->
    "converting it once: tensor 3 of 272"."""
    return t(f"progress.{step}", lang, **values)


def loaded(lm: LoadedModel, lang: str | None = "en") -> str:
    quant = t("status.int8", lang) if lm.quantization == "int8" else ""
    if lm.agreement:
        quant += t("status.agreement", lang, share=lm.agreement["top1_agreement"], positions=lm.agreement["positions"])
    return t(
        "status.loaded",
        lang,
        name=lm.name,
        n_params=lm.n_params,
        dtype=lm.dtype,
        quant=quant,
        device=lm.device,
        mb=lm.weight_bytes / 1e6,
        seconds=lm.load_seconds,
    )


def preparing(progress: LoadProgress, lang: str | None = "en") -> str:
    f, left = progress.fraction, progress.seconds_left
    pct = "" if f is None else f" {f:.0%}"
    eta = "" if left is None else t("status.eta", lang, seconds=max(1, round(left)))
    return t(
        "status.preparing",
        lang,
        name=progress.name,
        pct=pct,
        step=step_text(progress.step, lang, **progress.values),
        eta=eta,
    )


def not_loaded(name: str, dtype: str, quantization: str, device: str, lang: str | None = "en") -> str:
    quant = " int8" if quantization == "int8" else ""
    return t("status.not_loaded", lang, name=name, dtype=dtype, quant=quant, device=device)


def starting(name: str, lang: str | None = "en") -> str:
    return t("status.starting", lang, name=name)
