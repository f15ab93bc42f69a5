"""Views of a ModelShape: the treemap's tree, totals per group, rows per layer, weight bytes per dtype,
a filter over the parameter list, two shapes side by side, the summary's facts and the plain code.

Numbers and codes only: the Architecture tab words them (playground.words.architecture) in the page's
language. Not here: building a shape (core.meta_build), configs, Plotly, Gradio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playground.core.meta_build import GROUPS, ModelShape, ParamInfo
from playground.errors import InputError

# Bytes per parameter of the weights alone (no activations, no KV cache, no quantization scales).
DTYPE_BYTES: dict[str, float] = {"float32": 4, "bfloat16": 2, "float16": 2, "int8": 1, "int4": 0.5}

# Longer than any Hub id or sensible path; longer input is a paste accident, refused with a message.
MAX_NAME_CHARS = 512

# Display order of boxes: the order data flows through a model.
_ORDER = (
    "embeddings",
    "tokens",
    "positions",
    "layers",
    "attention",
    "q",
    "k",
    "v",
    "qkv",
    "o",
    "mlp",
    "gate",
    "up",
    "gate_up",
    "down",
    "norms",
    "final norm",
    "lm_head",
    "other",
)


@dataclass(frozen=True)
class Node:
    """One box of the treemap: ids are paths ('layers/3/attention/q'), parent '' is the root's."""

    id: str
    parent: str
    label: str
    count: int  # parameters under this box, itself included


def param_tree(shape: ModelShape) -> list[Node]:
    """Where the parameters live, as a tree: model -> embeddings | layers -> layer i -> attention/mlp/norms
    -> q, k, v, o, gate, up, down | final norms | lm_head. Weights and biases of one projection are summed.

    Parents come before children; each count is the sum of its children (treemap branchvalues='total').
    """
    leaves: dict[tuple[str, ...], int] = {}
    for p in shape.params:
        if p.layer is not None:
            path: tuple[str, ...] = ("layers", f"layer {p.layer}", p.group, p.part)
        elif p.group == "norms":
            path = ("final norm", p.part)
        elif p.group in ("embeddings", "other"):
            path = (p.group, p.part if p.group == "embeddings" else p.name)
        else:
            path = (p.group,)
        leaves[path] = leaves.get(path, 0) + p.count
    totals: dict[tuple[str, ...], int] = {}
    for path, count in leaves.items():
        for depth in range(1, len(path) + 1):
            totals[path[:depth]] = totals.get(path[:depth], 0) + count
    root = shape.name
    nodes = [Node(root, "", root, shape.n_params)]

    # Sorting keeps 'layer 10' after 'layer 9' and each parent before its children.
    def key(path: tuple[str, ...]) -> tuple:
        return tuple(
            (int(x[6:]), "")
            if x.startswith("layer ") and x[6:].isdigit()
            else (_ORDER.index(x), "")
            if x in _ORDER
            else (len(_ORDER), x)
            for x in path
        )

    for path in sorted(totals, key=lambda p: (len(p), key(p))):
        node_id = "/".join((root, *path))
        parent = "/".join((root, *path[:-1]))
        nodes.append(Node(node_id, parent, path[-1], totals[path]))
    return nodes


@dataclass(frozen=True)
class GroupTotal:
    group: str  # one of GROUPS
    count: int
    share: float  # of all parameters


def group_totals(shape: ModelShape) -> list[GroupTotal]:
    """Parameters per group over the whole model, in GROUPS order, empty groups left out."""
    counts = dict.fromkeys(GROUPS, 0)
    for p in shape.params:
        counts[p.group] += p.count
    return [GroupTotal(g, c, c / shape.n_params) for g, c in counts.items() if c]


@dataclass(frozen=True)
class LayerRow:
    layer: int
    attention: int
    mlp: int
    norms: int
    other: int
    total: int


def layer_rows(shape: ModelShape) -> list[LayerRow]:
    """Parameters of each decoder layer by group (all layers are alike in these models, but not always)."""
    per: dict[int, dict[str, int]] = {}
    for p in shape.params:
        if p.layer is None:
            continue
        row = per.setdefault(p.layer, {"attention": 0, "mlp": 0, "norms": 0, "other": 0})
        row[p.group if p.group in row else "other"] += p.count
    return [
        LayerRow(i, r["attention"], r["mlp"], r["norms"], r["other"], sum(r.values())) for i, r in sorted(per.items())
    ]


@dataclass(frozen=True)
class WeightSize:
    dtype: str
    bytes_per_param: float
    bytes: int  # weights only: no activations, KV cache, optimizer state or quantization scales


def weight_sizes(shape: ModelShape) -> list[WeightSize]:
    """Bytes of the weights in each dtype: 134,515,008 params -> float32 538,060,032 B, bfloat16 269,030,016 B, ..."""
    return [WeightSize(d, b, int(shape.n_params * b)) for d, b in DTYPE_BYTES.items()]


def filter_params(shape: ModelShape, query: str) -> list[ParamInfo]:
    """The parameters whose name contains every space-separated term (case-insensitive).

    'layers.0. proj' -> the projections of layer 0; '' -> all. A term starting with '-' excludes.
    """
    query = query or ""
    if len(query) > MAX_NAME_CHARS:
        raise InputError(f"The filter has {len(query):,} characters; at most {MAX_NAME_CHARS} are allowed.")
    terms = query.lower().split()
    want = [t for t in terms if not t.startswith("-")]
    drop = [t[1:] for t in terms if t.startswith("-") and len(t) > 1]
    return [
        p for p in shape.params if all(t in p.name.lower() for t in want) and not any(t in p.name.lower() for t in drop)
    ]


# Summary fields compared side by side, in display order.
COMPARED = (
    "n_params",
    "n_layers",
    "hidden",
    "n_heads",
    "n_kv_heads",
    "gqa_ratio",
    "head_dim",
    "intermediate",
    "vocab",
    "max_context",
    "tied",
    "sliding_window",
    "n_sliding_layers",
    "embedding_params",
    "lm_head_params",
)


@dataclass(frozen=True)
class CompareRow:
    field: str
    a: Any
    b: Any
    ratio: float | None  # b / a for numbers, None otherwise


def compare(a: ModelShape, b: ModelShape) -> list[CompareRow]:
    """Two architectures side by side: the summary fields, then parameters per group."""
    sa, sb = a.summary(), b.summary()
    rows = []
    for f in COMPARED:
        x, y = sa[f], sb[f]
        numeric = isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool)
        rows.append(CompareRow(f, x, y, (y / x if x else None) if numeric else None))
    ga = {g.group: g.count for g in group_totals(a)}
    gb = {g.group: g.count for g in group_totals(b)}
    for g in GROUPS:
        if g in ga or g in gb:
            x, y = ga.get(g, 0), gb.get(g, 0)
            rows.append(CompareRow(f"{g} parameters", x, y, y / x if x else None))
    return rows


def code_for(shape: ModelShape) -> str:
    """Plain transformers code that prints what the Architecture tab shows."""
    model_id = shape.hub_id or shape.name
    load = f"AutoConfig.from_pretrained({model_id!r})"
    if not shape.hub_id and model_id.lower().endswith(".gguf"):  # a GGUF file: its metadata holds the config
        path = Path(model_id)
        load = f"AutoConfig.from_pretrained({str(path.parent)!r}, gguf_file={path.name!r})"
    text = ""
    if shape.notes and shape.model_type.endswith("_text"):
        text = "config = config.get_text_config(decoder=True)  # the text decoder; the vision tower is left out\n"
    return f"""from accelerate import init_empty_weights
from transformers import AutoConfig, AutoModelForCausalLM

config = {load}   # a few kB: no weights are downloaded
{text}with init_empty_weights():                 # parameters on the 'meta' device: shapes only, no memory
    model = AutoModelForCausalLM.from_config(config)   # not AutoModel: that one drops the lm_head
model.tie_weights()                       # count a tied lm_head once (else +vocab x hidden)

total = model.num_parameters()
print(f"{{total:,}} parameters")          # {shape.n_params:,}
for name, p in model.named_parameters():  # tied weights are listed once
    print(f"{{name:<55}} {{str(tuple(p.shape)):<16}} {{p.numel():>13,}} {{p.numel() / total:7.2%}}")
"""


# Fields of `compare` that the side-by-side table leaves out: the per-group rows ("embeddings parameters",
# "lm_head parameters") that follow give the same numbers.
COMPARE_SKIPPED = frozenset({"embedding_params", "lm_head_params"})


def shown_rows(a: ModelShape, b: ModelShape) -> list[CompareRow]:
    """The rows of `compare` a person reads: each number once, and rows that say nothing for either model
    (no sliding window in both) left out; `tied` always stays."""
    return [r for r in compare(a, b) if r.field not in COMPARE_SKIPPED and (r.a or r.b or r.field == "tied")]


# How the query heads share key/value heads.
MHA, MQA, GQA = "mha", "mqa", "gqa"


def attention_kind(shape: ModelShape) -> str:
    """MHA (each query head has its own key/value head), MQA (one key/value head) or GQA (groups)."""
    if shape.n_kv_heads == shape.n_heads:
        return MHA
    return MQA if shape.n_kv_heads == 1 else GQA


def to_json(
    shape: ModelShape, query: str = "", other: ModelShape | None = None, label: Callable[[str], str] = str
) -> dict[str, Any]:
    """The /architecture endpoint's JSON result (documented in the README). `label` names a compared field
    for people ('n_kv_heads' -> 'Key/value heads'); the core leaves wording to the caller."""
    return {
        "model": shape.summary(),
        "groups": [{"group": g.group, "count": g.count, "share": g.share} for g in group_totals(shape)],
        "weight_bytes": {w.dtype: w.bytes for w in weight_sizes(shape)},
        "layers": [vars(r) for r in layer_rows(shape)],
        "filter": query,
        "parameters": [
            {
                "name": p.name,
                "shape": list(p.shape),
                "count": p.count,
                "share": p.share,
                "group": p.group,
                "part": p.part,
                "layer": p.layer,
            }
            for p in filter_params(shape, query)
        ],
        "compare": None
        if other is None
        else {
            "model": other.summary(),
            "rows": [
                {"field": r.field, "label": label(r.field), "a": r.a, "b": r.b, "ratio": r.ratio}
                for r in compare(shape, other)
            ],
        },
    }


def table_rows(result: dict[str, Any], shape: ModelShape) -> tuple[list[list[Any]], list[list[int]]]:
    """The tab's two tables from `to_json`'s result: parameters (name, shape, count, share in %, group, part,
    layer or "") and parameters per layer (layer, attention, mlp, norms, other, total)."""
    params = [
        [
            p["name"],
            str(tuple(p["shape"])),
            p["count"],
            round(100 * p["share"], 4),
            p["group"],
            p["part"],
            "" if p["layer"] is None else p["layer"],
        ]
        for p in result["parameters"]
    ]
    return params, [[r.layer, r.attention, r.mlp, r.norms, r.other, r.total] for r in layer_rows(shape)]
