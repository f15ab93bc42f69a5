"""Words of the Chat tab's engine choice (transformers, llama.cpp, a served model) in three languages.

Not here: the engines (playground.engines), the components (playground.tabs.chat_engine).
"""

from __future__ import annotations

from typing import Any

from playground.i18n import register, t

register(
    {
        "engine.label": ("Engine", "推論引擎", "推理引擎"),
        "engine.info": (
            "transformers gives the exact numbers of every other tab; llama.cpp decodes GGUF models several times "
            "faster; a served model runs on an OpenAI-compatible server",
            "transformers 的數字與其他分頁完全相同；llama.cpp 解碼 GGUF 模型快好幾倍；"
            "伺服器模型在相容 OpenAI 的伺服器上執行",
            "transformers 的数字与其他标签页完全相同；llama.cpp 解码 GGUF 模型快好几倍；"
            "服务器模型在兼容 OpenAI 的服务器上运行",
        ),
        "engine.transformers": ("transformers (exact)", "transformers（精確）", "transformers（精确）"),
        "engine.llama.cpp": ("llama.cpp (fast, GGUF)", "llama.cpp（快速，GGUF）", "llama.cpp（快速，GGUF）"),
        "engine.served": ("Served model", "伺服器上的模型", "服务器上的模型"),
        "engine.server": ("Server", "伺服器", "服务器"),
        "engine.server_info": (
            "A server from the settings, or (on your own machine) a URL ending in /v1",
            "設定中的伺服器，或（在自己的電腦上）以 /v1 結尾的網址",
            "设置中的服务器，或（在自己的电脑上）以 /v1 结尾的网址",
        ),
        "engine.server_ph": (
            "e.g. http://127.0.0.1:8000/v1",
            "例如 http://127.0.0.1:8000/v1",
            "例如 http://127.0.0.1:8000/v1",
        ),
        "engine.served_model": ("Model on the server", "伺服器上的模型名稱", "服务器上的模型名称"),
        "engine.served_model_ph": (
            "empty: the server's first model",
            "留空：伺服器的第一個模型",
            "留空：服务器的第一个模型",
        ),
        "engine.speed": (
            "**{engine}** · {tps} tokens/s · first token {ttft} s · {n} tokens",
            "**{engine}** · 每秒 {tps} 個詞元 · 第一個詞元 {ttft} 秒 · {n} 個詞元",
            "**{engine}** · 每秒 {tps} 个词元 · 第一个词元 {ttft} 秒 · {n} 个词元",
        ),
        "engine.no_prompt": (
            "The server renders the prompt itself: no tokenizer for {model} here, so the prompt view is not shown.",
            "提示由伺服器自行組成：這裡沒有 {model} 的分詞器，所以不顯示提示檢視。",
            "提示由服务器自行组成：这里没有 {model} 的分词器，所以不显示提示视图。",
        ),
    }
)


def engine_choices(engines: tuple[str, ...], lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) pairs of the engines offered: ('llama.cpp (fast, GGUF)', 'llama.cpp')."""
    return [(t(f"engine.{e}", lang), e) for e in engines]


def speed(result: Any, lang: str = "en") -> str:
    """The chat header's line after a reply, from its JSON: engine, tokens/s, time to first token, tokens."""
    if not isinstance(result, dict) or not result.get("done"):
        return ""
    return t(
        "engine.speed",
        lang,
        engine=t(f"engine.{result.get('engine', 'transformers')}", lang),
        tps=f"{result.get('tokens_per_second', 0):.1f}",
        ttft=f"{result.get('time_to_first_token_s', 0):.2f}",
        n=result.get("new_tokens", 0),
    )
