"""Architecture from the config alone: time per catalog model, the cache cleared before each call.

Target (issue 4): the architecture of any catalog model from its config, p50 <= 2 s. Measured
after one warm-up call, so the one-time import of transformers/accelerate is reported apart.
Also timed, for information: the whole tab handler (summary, treemap, tables, JSON) for the
largest catalog model.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

TARGET_S = 2.0
REPEATS = 5


def _time(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run() -> dict:
    from playground import config
    from playground.core.architecture import model_shape
    from playground.tabs.architecture import architecture

    names = [e.name for e in config.settings().catalog]
    first_call_s = _time(lambda: model_shape(names[-1]))  # imports transformers and accelerate once
    per_model: dict[str, float] = {}
    sources: dict[str, str] = {}
    samples: list[float] = []
    for name in names:
        times = []
        for _ in range(REPEATS):
            model_shape.cache_clear()
            times.append(_time(lambda name=name: model_shape(name)))
        samples += times
        per_model[name] = statistics.median(times)
        sources[name] = model_shape(name).source
    p50 = statistics.median(samples)
    worst = max(per_model.values())

    largest = max(names, key=lambda n: model_shape(n).n_params)
    handler = []
    for _ in range(REPEATS):
        model_shape.cache_clear()
        handler.append(_time(lambda: architecture(largest, "", "")))
    return {
        "architecture_from_config_p50_s": {"value": round(p50, 4), "target": TARGET_S, "pass": p50 <= TARGET_S},
        "architecture_slowest_model_p50_s": {
            "value": round(worst, 4),
            "model": max(per_model, key=per_model.get),
            "target": TARGET_S,
            "pass": worst <= TARGET_S,
        },
        "per_model_p50_s": {k: round(v, 4) for k, v in per_model.items()},
        "config_sources": sources,
        "first_call_with_imports_s": round(first_call_s, 3),
        "tab_handler_largest_model_p50_s": {"value": round(statistics.median(handler), 4), "model": largest},
        "repeats": REPEATS,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
