"""What a model is made of, from its config alone: shape, parameter list, groups, weight sizes.

`model_shape(name)` builds the model on the meta device (`AutoModelForCausalLM.from_config` under
`torch.device("meta")`, the thread-safe equivalent of accelerate's `init_empty_weights()`, see
build_shape), so no weights are read or downloaded and a 70B model is inspected in under a second. `AutoModelForCausalLM`, never `AutoModel`: the latter has no LM head,
so an untied `lm_head` (vocab x hidden) would go uncounted. `model.tie_weights()` is called
because a meta-built model lists a separate `lm_head.weight` until it is, over-counting tied models.

Where the config comes from, first hit wins:
    1. a local folder's config.json, or a GGUF file (its converted copy, else its metadata),
    2. the Hugging Face Hub (local cache first, the network only when the Hub answers; a model the
       loader fetched from the Hub is in that cache),
    3. playground/data/architectures.json, the published configs of the catalog models (offline).
Never from a loaded model: a variant another session loaded (the int8 mode unties the LM head) must
not change what this view shows.

Not here: loading weights (playground.loader), memory estimates for inference (the VRAM module
builds on ModelShape), anything Gradio.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playground import config
from playground.errors import (
    HubUnreachableError,
    InputError,
    ModelLoadError,
    NotCausalLMError,
    PlaygroundError,
    RemoteCodeError,
)
from playground.loader import ModelSource, gguf_cache_dir, translate_load_error, resolve

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "architectures.json"

# Bytes per parameter of the weights alone (no activations, no KV cache, no quantization scales).
DTYPE_BYTES: dict[str, float] = {"float32": 4, "bfloat16": 2, "float16": 2, "int8": 1, "int4": 0.5}

# Where the parameters live. A name maps to (group, part); the group is the treemap's middle ring.
GROUPS = ("embeddings", "attention", "mlp", "norms", "lm_head", "other")

# Longer than any Hub id or sensible path; longer input is a paste accident, refused with a message.
MAX_NAME_CHARS = 512


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ParamInfo:
    """One entry of `model.named_parameters()`."""

    name: str  # 'model.layers.0.self_attn.q_proj.weight'
    shape: tuple[int, ...]  # (576, 576)
    count: int  # product of the shape
    share: float  # count / total parameters, 0..1
    group: str  # one of GROUPS
    part: str  # finer: 'q', 'k', 'v', 'qkv', 'o', 'gate', 'up', 'down', 'tokens', 'positions'; norms: the module name
    layer: int | None  # decoder layer index, None outside the layers


@dataclass(frozen=True)
class ModelShape:
    """The numbers of one architecture. Counts are exact: built from the config, tied weights once."""

    name: str  # what was asked for
    hub_id: str | None
    model_type: str  # config.model_type of the (text) model: 'llama', 'qwen2', 'gemma3_text', 'gpt2'
    n_params: int  # exact, tied embeddings counted once, untied lm_head counted
    n_layers: int
    hidden: int  # d_model
    n_heads: int
    n_kv_heads: int  # == n_heads without grouped-query attention
    head_dim: int
    intermediate: int  # MLP inner width
    vocab: int
    tied: bool  # lm_head shares the input embedding matrix (no lm_head.weight in the list)
    max_context: int  # max_position_embeddings (n_positions for GPT-2)
    sliding_window: int | None  # tokens a sliding-window layer attends to (Gemma 3: 1024), None if no layer slides
    n_sliding_layers: int  # layers that use the window (0 if none); Gemma 3 4B: 29 of 34
    embedding_params: int  # input embedding tables: tokens, plus learned positions where present (GPT-2)
    lm_head_params: int  # 0 when tied
    architecture: str = ""  # the class built: 'LlamaForCausalLM'
    source: str = ""  # where the config came from: loaded, folder, gguf, hub, shipped
    notes: tuple[str, ...] = ()  # caveats shown with the summary (vision tower excluded, ...)
    config_dtype: str | None = None  # the dtype the weights are published in, if the config says
    params: tuple[ParamInfo, ...] = field(default=(), repr=False, compare=False)  # named_parameters() in order

    @property
    def gqa_ratio(self) -> float:
        """Query heads per key/value head: 1 for multi-head attention, n_heads for multi-query."""
        return self.n_heads / self.n_kv_heads if self.n_kv_heads else 1.0

    def summary(self) -> dict[str, Any]:
        """The scalar fields, for JSON results and tables."""
        return {
            "name": self.name, "hub_id": self.hub_id, "architecture": self.architecture,
            "model_type": self.model_type, "source": self.source, "n_params": self.n_params,
            "n_layers": self.n_layers, "hidden": self.hidden, "n_heads": self.n_heads,
            "n_kv_heads": self.n_kv_heads, "gqa_ratio": self.gqa_ratio, "head_dim": self.head_dim,
            "intermediate": self.intermediate, "vocab": self.vocab, "max_context": self.max_context,
            "tied": self.tied, "sliding_window": self.sliding_window, "n_sliding_layers": self.n_sliding_layers,
            "embedding_params": self.embedding_params, "lm_head_params": self.lm_head_params,
            "config_dtype": self.config_dtype, "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- classifying names

_LAYER = re.compile(r"\.(?:layers|h|blocks|layer)\.(\d+)\.")
# (pattern on the name, group, part); first match wins, so the specific ones come first.
_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple((re.compile(p), g, part) for p, g, part in (
    (r"(^|\.)lm_head\.", "lm_head", "lm_head"),
    (r"(embed_tokens|wte|word_embeddings|tok_embeddings)\.", "embeddings", "tokens"),
    (r"(wpe|embed_positions|position_embeddings)\.", "embeddings", "positions"),
    (r"(norm|ln_\d|ln_f|layernorm)", "norms", "norm"),
    (r"\.q_proj\.", "attention", "q"),
    (r"\.k_proj\.", "attention", "k"),
    (r"\.v_proj\.", "attention", "v"),
    (r"\.(qkv_proj|c_attn|query_key_value|Wqkv)\.", "attention", "qkv"),
    (r"\.(o_proj|out_proj|dense)\.", "attention", "o"),
    (r"attn\.c_proj\.", "attention", "o"),
    (r"\.gate_proj\.", "mlp", "gate"),
    (r"\.(up_proj|c_fc|fc1|dense_h_to_4h)\.", "mlp", "up"),
    (r"\.(gate_up_proj)\.", "mlp", "gate_up"),
    (r"\.(down_proj|fc2|dense_4h_to_h)\.", "mlp", "down"),
    (r"mlp\.c_proj\.", "mlp", "down"),
    (r"(mlp|experts|feed_forward)\.", "mlp", "other"),
    (r"(attn|attention)\.", "attention", "other"),
))


def classify(name: str) -> tuple[str, str, int | None]:
    """'model.layers.3.self_attn.k_proj.weight' -> ('attention', 'k', 3); 'model.norm.weight' -> ('norms', 'norm', None)."""
    m = _LAYER.search(name)
    layer = int(m.group(1)) if m else None
    for pattern, group, part in _RULES:
        if pattern.search(name):
            if group == "norms":  # several norms per layer: name them by module ('input_layernorm', 'q_norm')
                part = name.rsplit(".", 2)[-2] if name.count(".") >= 2 else part
            return group, part, layer
    return "other", "other", layer


# --------------------------------------------------------------------------- where configs come from


@lru_cache(maxsize=1)
def _shipped() -> dict[str, dict[str, Any]]:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _shipped_config(hub_id: str | None) -> Any | None:
    """The shipped config of a catalog model (case-insensitive Hub id), or None."""
    if not hub_id:
        return None
    for key, fields in _shipped().items():
        if key.lower() == hub_id.lower():
            from transformers import AutoConfig

            fields = dict(fields)
            return AutoConfig.for_model(fields.pop("model_type"), **fields)
    return None


_probe_lock = threading.Lock()
_probe: dict[str, tuple[float, bool]] = {}


def _hub_reachable(timeout: float = 1.5) -> bool:
    """A TCP connect to the Hub endpoint, remembered for a minute.

    Without this, huggingface_hub retries a dead network for ~25 s before giving up; with it an
    offline machine falls back to the shipped configs at once.
    """
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    url = urlparse(constants.ENDPOINT)
    host, port = url.hostname or "huggingface.co", url.port or (443 if url.scheme == "https" else 80)
    with _probe_lock:
        seen = _probe.get(host)
        if seen and time.monotonic() - seen[0] < 60:
            return seen[1]
    try:
        with socket.create_connection((host, port), timeout=timeout):
            ok = True
    except OSError:
        ok = False
    with _probe_lock:
        _probe[host] = (time.monotonic(), ok)
    return ok


def _hub_config(source: ModelSource) -> Any:
    """The Hub config: the local cache first, the network if it answers. Raises ModelLoadError."""
    from transformers import AutoConfig

    kwargs = {"trust_remote_code": config.TRUST_REMOTE_CODE}
    try:
        return AutoConfig.from_pretrained(source.location, local_files_only=True, **kwargs)
    except Exception as exc:  # noqa: BLE001 - not cached (or needs remote code): decided below
        if "trust_remote_code" in str(exc):
            raise translate_load_error(source, exc) from exc
    if not _hub_reachable():
        raise HubUnreachableError(
            f"The Hugging Face Hub cannot be reached and '{source.location}' is not in the local cache, "
            "so its config is unknown. Connect to the internet, or pick a catalog model (their "
            "architectures ship with the playground).")
    try:
        return AutoConfig.from_pretrained(source.location, **kwargs)
    except Exception as exc:  # noqa: BLE001
        raise translate_load_error(source, exc) from exc


def _find_config(source: ModelSource) -> tuple[Any, str]:
    """(config, where it came from) following the order in the module docstring."""
    from transformers import AutoConfig

    kwargs = {"trust_remote_code": config.TRUST_REMOTE_CODE}
    try:
        if source.kind == "folder":
            return AutoConfig.from_pretrained(source.location, **kwargs), "folder"
        if source.kind == "gguf":
            converted = gguf_cache_dir(Path(source.location))
            if (converted / "config.json").is_file():
                return AutoConfig.from_pretrained(str(converted)), "gguf"
            # A catalog GGUF not converted yet: its shipped config (the file's own where it differs from the
            # Hub's, else the Hub's) needs no ~5 s pass over the GGUF metadata.
            for key in (f"embedded:{source.name}", source.hub_id):
                shipped = _shipped_config(key)
                if shipped is not None:
                    return shipped, "shipped"
            path = Path(source.location)
            return AutoConfig.from_pretrained(str(path.parent), gguf_file=path.name), "gguf"
    except ModelLoadError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise translate_load_error(source, exc) from exc
    try:
        return _hub_config(source), "hub"
    except RemoteCodeError:
        raise
    except ModelLoadError as error:
        shipped = _shipped_config(source.model_id)
        if shipped is None:
            raise
        log.info("config of %s from the shipped data (%s)", source.name, error)
        return shipped, "shipped"


# --------------------------------------------------------------------------- building on meta


def _text_config(cfg: Any) -> tuple[Any, tuple[str, ...]]:
    """A multimodal config (Gemma 3 4B: Gemma3Config) -> its text decoder's config, with a note."""
    get_text = getattr(cfg, "get_text_config", None)
    text = get_text(decoder=True) if get_text else cfg
    if text is not None and text is not cfg:
        return copy.deepcopy(text), (
            f"{type(cfg).__name__} is multimodal: only its text decoder ({text.model_type}) is shown; "
            "the vision tower and projector are excluded.",)
    if str(getattr(cfg, "model_type", "")).endswith("_text"):  # the shipped text part of a multimodal model
        return cfg, (f"Only the text decoder ({cfg.model_type}) is shown; the vision tower is excluded.",)
    return cfg, ()


def _sliding(cfg: Any, n_layers: int) -> tuple[int | None, int]:
    """(window, layers using it). Gemma 3 lists layer_types; older configs set sliding_window for all layers."""
    window = getattr(cfg, "sliding_window", None)
    types = getattr(cfg, "layer_types", None)
    if types:
        n = sum(1 for t in types if t == "sliding_attention")
    elif window and getattr(cfg, "use_sliding_window", True):
        n = n_layers
    else:
        n = 0
    return (int(window), n) if window and n else (None, 0)


def _first(cfg: Any, *names: str) -> Any:
    for n in names:
        value = getattr(cfg, n, None)
        if value is not None:
            return value
    return None


def build_shape(cfg: Any, name: str, hub_id: str | None = None, source: str = "") -> ModelShape:
    """Build `cfg` on the meta device and read its numbers. Raises NotCausalLMError, RemoteCodeError."""
    import torch
    from transformers import AutoModelForCausalLM

    cfg, notes = _text_config(cfg)
    remote = bool(getattr(cfg, "auto_map", None)) and type(cfg) not in AutoModelForCausalLM._model_mapping.keys()
    if remote and not config.TRUST_REMOTE_CODE:
        raise RemoteCodeError(
            f"'{name}' needs Python code from its repository to build. The playground does not run it"
            + (" on a Space." if config.ON_SPACE else
               "; set PLAYGROUND_TRUST_REMOTE_CODE=1 to allow it on your own machine if you trust the repo."))
    if not remote and type(cfg) not in AutoModelForCausalLM._model_mapping.keys():
        raise NotCausalLMError(
            f"'{name}' ({cfg.model_type}) is not a causal language model, so the playground cannot show it.")
    config_dtype = getattr(cfg, "dtype", None)
    config_dtype = str(config_dtype).replace("torch.", "") if config_dtype is not None else None
    try:
        # torch.device("meta") rather than accelerate's init_empty_weights(): the latter patches
        # nn.Module.register_parameter for the whole process, so a model that another request
        # builds at the same moment (a real load, the int8 quantizer) would get meta parameters,
        # and two overlapping calls can leave the patch in place for good. The device context is
        # per thread, gives the same parameters (tests/core/test_architecture.py compares them
        # with an init_empty_weights() build) and is ~5x faster here. The Code section shows
        # init_empty_weights(), which is the idiom people know and is fine in a single script.
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(cfg, trust_remote_code=config.TRUST_REMOTE_CODE)
        model.tie_weights()  # else a tied model lists lm_head.weight separately (Llama-3.2-1B: +262M)
    except PlaygroundError:
        raise
    except Exception as exc:  # noqa: BLE001 - a config transformers cannot build
        raise ModelLoadError(f"Could not build '{name}' from its config: {type(exc).__name__}: {exc}") from exc

    named = list(model.named_parameters())  # shared tensors (tied embeddings) appear once
    total = sum(p.numel() for _, p in named)
    params = []
    for pname, p in named:
        group, part, layer = classify(pname)
        params.append(ParamInfo(pname, tuple(p.shape), p.numel(), p.numel() / total if total else 0.0,
                                group, part, layer))
    inp = model.get_input_embeddings()
    out = model.get_output_embeddings()
    tied = out is not None and out.weight is inp.weight
    lm_head = 0 if (tied or out is None) else out.weight.numel()
    embedding = sum(p.count for p in params if p.group == "embeddings")

    n_layers = int(_first(cfg, "num_hidden_layers", "n_layer"))
    hidden = int(_first(cfg, "hidden_size", "n_embd"))
    n_heads = int(_first(cfg, "num_attention_heads", "n_head"))
    n_kv = int(_first(cfg, "num_key_value_heads") or n_heads)
    head_dim = int(_first(cfg, "head_dim") or hidden // n_heads)
    intermediate = int(_first(cfg, "intermediate_size", "n_inner") or 4 * hidden)  # GPT-2: n_inner None = 4h
    window, n_sliding = _sliding(cfg, n_layers)
    architecture = type(model).__name__
    return ModelShape(
        name=name, hub_id=hub_id, model_type=cfg.model_type, n_params=total, n_layers=n_layers, hidden=hidden,
        n_heads=n_heads, n_kv_heads=n_kv, head_dim=head_dim, intermediate=intermediate,
        vocab=int(cfg.vocab_size), tied=tied, max_context=int(_first(cfg, "max_position_embeddings", "n_positions") or 0),
        sliding_window=window, n_sliding_layers=n_sliding, embedding_params=embedding, lm_head_params=lm_head,
        architecture=architecture, source=source, notes=notes,
        config_dtype=config_dtype, params=tuple(params))


@lru_cache(maxsize=32)
def _shape_for(source: ModelSource) -> ModelShape:
    cfg, where = _find_config(source)
    return build_shape(cfg, source.name, source.hub_id, where)


def model_shape(name: str | None) -> ModelShape:
    """The architecture of `name` (catalog name, Hub id, folder, .gguf; None = the default model).

    From the config alone, built on the meta device; cached per model. Raises InputError,
    UnknownModelError, HubUnreachableError, GatedModelError, RemoteCodeError, NotCausalLMError
    (all PlaygroundError).
    """
    if name is not None:
        if len(name) > MAX_NAME_CHARS:
            raise InputError(f"A model name has at most {MAX_NAME_CHARS} characters; this one has {len(name):,}.")
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise InputError(f"The model name {name!r} contains control characters.")
    source = resolve(name)
    from playground.admission import allowed

    allowed(source)  # hosted mode: no reading of local paths (or non-catalog repos) through this view either
    return _shape_for(source)


model_shape.cache_clear = _shape_for.cache_clear  # type: ignore[attr-defined]


def source_shape(source: ModelSource) -> ModelShape:
    """`model_shape` for a name the caller has resolved already (the loader's admission check); same cache."""
    return _shape_for(source)


@lru_cache(maxsize=64)
def shipped_shape(hub_id: str, name: str | None = None) -> ModelShape | None:
    """A catalog model's shape from playground/data/architectures.json alone (never the Hub: fast and
    offline), or None when its config is not shipped."""
    cfg = _shipped_config(hub_id)
    return None if cfg is None else build_shape(cfg, name or hub_id, hub_id, "shipped")


# --------------------------------------------------------------------------- views of a shape


# Display order of boxes: the order data flows through a model.
_ORDER = ("embeddings", "tokens", "positions", "layers", "attention", "q", "k", "v", "qkv", "o", "mlp", "gate",
          "up", "gate_up", "down", "norms", "final norm", "lm_head", "other")


@dataclass(frozen=True)
class Node:
    """One box of the treemap: ids are paths ('layers/3/attention/q'), parent '' is the root's."""

    id: str
    parent: str
    label: str
    count: int  # parameters under this box, itself included


def breakdown(shape: ModelShape) -> list[Node]:
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
        return tuple((int(x[6:]), "") if x.startswith("layer ") and x[6:].isdigit()
                     else (_ORDER.index(x), "") if x in _ORDER else (len(_ORDER), x) for x in path)
    for path in sorted(totals, key=lambda p: (len(p), key(p))):
        node_id = "/".join((root,) + path)
        parent = "/".join((root,) + path[:-1])
        nodes.append(Node(node_id, parent, path[-1], totals[path]))
    return nodes


@dataclass(frozen=True)
class GroupTotal:
    group: str  # one of GROUPS
    count: int
    share: float  # of all parameters


def group_totals(shape: ModelShape) -> list[GroupTotal]:
    """Parameters per group over the whole model, in GROUPS order, empty groups left out."""
    counts = {g: 0 for g in GROUPS}
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
    return [LayerRow(i, r["attention"], r["mlp"], r["norms"], r["other"], sum(r.values())) for i, r in sorted(per.items())]


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
    return [p for p in shape.params
            if all(t in p.name.lower() for t in want) and not any(t in p.name.lower() for t in drop)]


# Summary fields compared side by side, in display order.
COMPARED = ("n_params", "n_layers", "hidden", "n_heads", "n_kv_heads", "gqa_ratio", "head_dim", "intermediate",
            "vocab", "max_context", "tied", "sliding_window", "n_sliding_layers", "embedding_params",
            "lm_head_params")


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
