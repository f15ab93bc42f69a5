"""Run every benchmark, one after another, each in a fresh Python process, and record the results.

`python -m benchmarks.run` (or `make bench`) writes benchmarks/RESULTS.md and benchmarks/results.json;
`python -m benchmarks.run bench_chat` runs one and replaces its entry in results.json, keeping the others;
`python -m benchmarks.run --render` rewrites RESULTS.md from results.json.
Each module's run() measures its figures side by side with their references in one process, so
ratios hold even when the machine's speed varies between runs. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = (
    "bench_foundation",
    "bench_chat",
    "bench_engines",
    "bench_batching",
    "bench_architecture",
    "bench_inside",
    "bench_vram",
    "bench_admission",
    "bench_classroom",
    "bench_tree",
    "bench_lessons",
    "bench_edit_merge",
    "bench_tools_rag",
)


def run_module(name: str) -> dict:
    code = f"import json, benchmarks.{name} as b; print('@@RESULT@@' + json.dumps(b.run()))"
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(HERE.parent))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=HERE.parent)
    for line in proc.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            return json.loads(line[len("@@RESULT@@") :])
    return {"error": (proc.stderr or proc.stdout)[-2000:]}


def _targets(figures: dict, prefix: str = "") -> list[tuple[str, dict]]:
    """Every figure that carries a target and a pass flag, however deep: ('int8.speedup', {...})."""
    found = []
    for key, fig in figures.items():
        if isinstance(fig, dict):
            if "pass" in fig and "target" in fig:
                found.append((prefix + key, fig))
            else:
                found += _targets(fig, f"{prefix}{key}.")
    return found


def to_markdown(results: dict, meta: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Recorded {meta['date']} on {meta['machine']} ({meta['cores']} cores), Python {meta['python']}, "
        "by `python -m benchmarks.run`. Each figure was measured side by side with its reference in one "
        "process; ratios are the figures to compare across machines.",
        "",
        "| benchmark | figure | value | target | pass |",
        "|---|---|---|---|---|",
    ]
    for module, figures in results.items():
        if "error" in figures:
            lines.append(f"| {module} | (failed to run) | | | **no** |")
        for key, fig in _targets(figures):
            value = fig.get("value", fig.get("ratio"))
            target = str(fig["target"]).replace("|", "\\|")  # a pipe would split the table cell
            lines.append(f"| {module} | {key} | {value} | {target} | {'yes' if fig['pass'] else '**no**'} |")
    lines += [
        "",
        "Details (every figure and its references):",
        "",
        "```json",
        json.dumps(results, indent=2, ensure_ascii=False),
        "```",
    ]
    return "\n".join(lines) + "\n"


def main(modules: tuple[str, ...] = MODULES) -> None:
    saved = HERE / "results.json"
    # A partial run updates its own entries; the whole run starts afresh. Either way the order is MODULES'.
    results = json.loads(saved.read_text())["results"] if modules != MODULES and saved.exists() else {}
    for name in modules:
        if not (HERE / f"{name}.py").exists():
            continue
        t0 = time.perf_counter()
        print(f"{name} ...", flush=True)
        results[name] = run_module(name)
        print(f"{name} done in {time.perf_counter() - t0:.0f} s", flush=True)
    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }
    order = {name: i for i, name in enumerate(MODULES)}
    results = dict(sorted(results.items(), key=lambda kv: order.get(kv[0], len(order))))
    saved.write_text(json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False))
    (HERE / "RESULTS.md").write_text(to_markdown(results, meta), encoding="utf-8")
    print(to_markdown(results, meta))


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:  # rewrite RESULTS.md from results.json
        saved = json.loads((HERE / "results.json").read_text())
        (HERE / "RESULTS.md").write_text(to_markdown(saved["results"], saved["meta"]), encoding="utf-8")
    else:
        main(tuple(sys.argv[1:]) or MODULES)
