"""Architecture from the config alone, against published counts and direct transformers builds.

The Hub is switched off here (as on an offline machine), so catalog models come from the shipped
architecture data and the tests do not depend on the network; the loaded default model comes from
the shared loader.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest
import torch
from accelerate import init_empty_weights
from transformers import AutoConfig, AutoModelForCausalLM, DistilBertConfig, Gemma3Config, PretrainedConfig

from playground import config
from playground.core import architecture as arch
from playground.core.architecture import (
    build_shape,
    classify,
    code_for,
    compare,
    filter_params,
    group_totals,
    layer_rows,
    model_shape,
    param_tree,
    weight_sizes,
)
from playground.errors import HubUnreachableError, InputError, NotCausalLMError, RemoteCodeError, UnknownModelError

# From ../shared/facts/architectures.md: (hub id, model_type, hidden, intermediate, layers, heads, kv heads,
# head_dim, vocab, tied, parameters).
FACTS = [
    ("HuggingFaceTB/SmolLM2-135M-Instruct", "llama", 576, 1536, 30, 9, 3, 64, 49152, True, 134_515_008),
    ("HuggingFaceTB/SmolLM2-360M-Instruct", "llama", 960, 2560, 32, 15, 5, 64, 49152, True, 361_821_120),
    ("HuggingFaceTB/SmolLM2-1.7B-Instruct", "llama", 2048, 8192, 24, 32, 32, 64, 49152, True, 1_711_376_384),
    ("Qwen/Qwen2.5-0.5B-Instruct", "qwen2", 896, 4864, 24, 14, 2, 64, 151936, True, 494_032_768),
    ("Qwen/Qwen2.5-1.5B-Instruct", "qwen2", 1536, 8960, 28, 12, 2, 128, 151936, True, 1_543_714_304),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "qwen2", 1536, 8960, 28, 12, 2, 128, 151936, False, 1_777_088_000),
    ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "llama", 4096, 14336, 32, 32, 8, 128, 128256, False, 8_030_261_248),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "qwen2", 5120, 27648, 64, 40, 8, 128, 152064, False, 32_763_876_352),
    ("meta-llama/Llama-3.2-1B-Instruct", "llama", 2048, 8192, 16, 32, 8, 64, 128256, True, 1_235_814_400),
    ("meta-llama/Llama-3.2-3B-Instruct", "llama", 3072, 8192, 28, 24, 8, 128, 128256, True, 3_212_749_824),
    ("meta-llama/Llama-3.1-8B-Instruct", "llama", 4096, 14336, 32, 32, 8, 128, 128256, False, 8_030_261_248),
    ("meta-llama/Llama-3.1-70B-Instruct", "llama", 8192, 28672, 80, 64, 8, 128, 128256, False, 70_553_706_496),
    ("google/gemma-3-4b-it", "gemma3_text", 2560, 10240, 34, 8, 4, 256, 262208, True, 3_880_263_168),
    ("Qwen/Qwen3-0.6B", "qwen3", 1024, 3072, 28, 16, 8, 128, 151936, True, 596_049_920),
    ("openai-community/gpt2", "gpt2", 768, 3072, 12, 12, 12, 64, 50257, True, 124_439_808),
]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No Hub: what an offline machine sees. Cleared caches so each test sees its own setting."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    arch.model_shape.cache_clear()
    yield
    arch.model_shape.cache_clear()


# --------------------------------------------------------------------------- edge cases first


@pytest.mark.parametrize("name", [None, "", "   "])
def test_no_name_means_the_default_model(name):
    shape = model_shape(name)
    assert shape.name == config.settings().default_model
    assert shape.n_params == 134_515_008


def test_unknown_name_is_refused_naming_it():
    with pytest.raises(UnknownModelError, match="no-such-model"):
        model_shape("no-such-model")


def test_hub_id_offline_and_not_cached_says_so():
    with pytest.raises(HubUnreachableError, match="someone/not-in-any-cache"):
        model_shape("someone/not-in-any-cache")


def test_control_characters_and_huge_names_are_input_errors():
    with pytest.raises(InputError, match="control"):
        model_shape("gpt2\x00")
    with pytest.raises(InputError, match="at most"):
        model_shape("a" * 10_000)


def test_huge_filter_is_an_input_error():
    with pytest.raises(InputError, match="filter"):
        filter_params(model_shape("gpt2"), "x" * 10_000)


def test_encoder_only_model_is_not_a_causal_lm():
    with pytest.raises(NotCausalLMError, match="distilbert"):
        build_shape(DistilBertConfig(), "distilbert-base-uncased")


def test_remote_code_config_is_refused_unless_allowed(monkeypatch):
    monkeypatch.setattr(config, "TRUST_REMOTE_CODE", False)
    custom = PretrainedConfig(auto_map={"AutoModelForCausalLM": "modeling_x.XForCausalLM"})
    with pytest.raises(RemoteCodeError, match="PLAYGROUND_TRUST_REMOTE_CODE"):
        build_shape(custom, "someone/custom-code")


# --------------------------------------------------------------------------- the counts of the issue


def test_smollm2_135m_exact_count():
    assert model_shape("HuggingFaceTB/SmolLM2-135M-Instruct").n_params == 134_515_008
    assert model_shape("SmolLM2-135M-Instruct").n_params == 134_515_008


def test_deepseek_distill_qwen_1_5b_has_its_own_lm_head():
    shape = model_shape("DeepSeek-R1-Distill-Qwen-1.5B")
    params = {p.name: p for p in shape.params}
    assert shape.n_params == 1_777_088_000
    assert params["model.embed_tokens.weight"].shape == (151936, 1536)
    assert shape.n_layers == 28 and len(layer_rows(shape)) == 28
    assert params["lm_head.weight"].shape == (151936, 1536)
    assert not shape.tied and shape.lm_head_params == 151936 * 1536
    assert sum(p.count for p in shape.params) == shape.n_params


def test_llama_3_2_1b_lists_no_lm_head():
    shape = model_shape("Llama-3.2-1B-Instruct")
    assert shape.n_params == 1_235_814_400
    assert not any("lm_head" in p.name for p in shape.params)
    assert shape.tied and shape.lm_head_params == 0


@pytest.mark.parametrize("fact", FACTS, ids=[f[0] for f in FACTS])
def test_every_catalog_model_matches_the_published_figures(fact):
    hub_id, model_type, hidden, inter, layers, heads, kv, head_dim, vocab, tied, n = fact
    s = model_shape(hub_id)
    assert (
        s.model_type,
        s.hidden,
        s.intermediate,
        s.n_layers,
        s.n_heads,
        s.n_kv_heads,
        s.head_dim,
        s.vocab,
        s.tied,
        s.n_params,
    ) == (model_type, hidden, inter, layers, heads, kv, head_dim, vocab, tied, n)
    assert s.source == "shipped" and s.hub_id == hub_id
    assert s.embedding_params + s.lm_head_params <= s.n_params
    assert s.lm_head_params == (0 if tied else vocab * hidden)


def test_every_catalog_name_resolves():
    for entry in config.settings().catalog:
        assert model_shape(entry.name).n_params > 0


@pytest.mark.parametrize(
    "hub_id,share",
    [("Qwen/Qwen2.5-0.5B-Instruct", 0.28), ("Qwen/Qwen3-0.6B", 0.26), ("HuggingFaceTB/SmolLM2-135M-Instruct", 0.21)],
)
def test_embedding_share_of_small_models(hub_id, share):
    s = model_shape(hub_id)
    assert round(s.embedding_params / s.n_params, 2) == share


def test_gemma3_sliding_window_and_text_part():
    s = model_shape("gemma-3-4b-it")
    assert (s.sliding_window, s.n_sliding_layers, s.n_layers) == (1024, 29, 34)  # 5 of every 6 layers
    assert s.max_context == 131072
    assert any("vision" in n for n in s.notes)


def test_multimodal_config_uses_its_text_decoder():
    fields = json.loads(arch.SHIPPED.read_text())["google/gemma-3-4b-it"]
    text = {k: v for k, v in fields.items() if k != "model_type"}
    s = build_shape(Gemma3Config(text_config=text), "gemma-3-4b-it", "google/gemma-3-4b-it")
    assert s.architecture == "Gemma3ForCausalLM"
    assert s.n_params == 3_880_263_168  # the ~0.42B vision tower is not in it
    assert any("vision tower" in n for n in s.notes)
    from playground.words import architecture as architecture_text

    # the API's English note and the page's English wording are the same sentence; the page's Chinese is Chinese
    assert (
        list(s.notes)
        == architecture_text.notes(s, "en")
        == [
            "Gemma3Config is multimodal: only its text decoder (gemma3_text) is shown; the vision tower and projector "
            "are excluded."
        ]
    )
    assert architecture_text.notes(s, "zh-Hant") == [
        "Gemma3Config 是多模態模型：這裡只顯示它的文字解碼器（gemma3_text），不含視覺編碼器與投影層。"
    ]
    assert list(model_shape("gemma-3-4b-it").notes) == architecture_text.notes(model_shape("gemma-3-4b-it"))


def test_no_sliding_window_means_none():
    s = model_shape("Qwen/Qwen3-0.6B")
    assert (s.sliding_window, s.n_sliding_layers) == (None, 0)


# --------------------------------------------------------------------------- against direct computations


def test_loaded_model_named_parameters_equal_the_meta_built_ones(lm):
    shape = model_shape(None)
    assert shape.source == "gguf"  # the converted copy's config, never a loaded model's
    real = [(n, tuple(p.shape)) for n, p in lm.model.named_parameters()]
    assert [(p.name, p.shape) for p in shape.params] == real
    assert shape.n_params == sum(p.numel() for p in lm.model.parameters()) == 134_515_008
    assert lm.model.num_parameters() == shape.n_params


@pytest.mark.parametrize("hub_id", [f[0] for f in FACTS])
def test_param_list_equals_an_init_empty_weights_build(hub_id):
    """The source material's way (accelerate), which the core replaces by a per-thread meta device."""
    fields = dict(json.loads(arch.SHIPPED.read_text())[hub_id])
    cfg = AutoConfig.for_model(fields.pop("model_type"), **fields)
    with init_empty_weights():
        model = AutoModelForCausalLM.from_config(cfg)
    model.tie_weights()
    direct = [(n, tuple(p.shape), p.numel()) for n, p in model.named_parameters()]
    shape = model_shape(hub_id)
    assert [(p.name, p.shape, p.count) for p in shape.params] == direct
    assert shape.n_params == model.num_parameters()
    assert sum(p.share for p in shape.params) == pytest.approx(1.0)


def test_local_folder_config(tmp_path):
    fields = json.loads(arch.SHIPPED.read_text())["openai-community/gpt2"]
    AutoConfig.for_model(**fields).save_pretrained(tmp_path)
    s = model_shape(str(tmp_path))
    assert s.source == "folder" and s.n_params == 124_439_808
    assert s.max_context == 1024 and s.intermediate == 3072  # GPT-2: n_inner None means 4 x hidden


# --------------------------------------------------------------------------- views


@pytest.mark.parametrize(
    "name,expected",
    [
        ("model.layers.3.self_attn.k_proj.weight", ("attention", "k", 3)),
        ("model.layers.0.self_attn.q_proj.bias", ("attention", "q", 0)),
        ("model.layers.12.mlp.down_proj.weight", ("mlp", "down", 12)),
        ("model.layers.1.self_attn.q_norm.weight", ("norms", "q_norm", 1)),
        ("model.norm.weight", ("norms", "norm", None)),
        ("model.embed_tokens.weight", ("embeddings", "tokens", None)),
        ("lm_head.weight", ("lm_head", "lm_head", None)),
        ("transformer.h.5.attn.c_attn.weight", ("attention", "qkv", 5)),
        ("transformer.h.5.attn.c_proj.weight", ("attention", "o", 5)),
        ("transformer.h.5.mlp.c_proj.bias", ("mlp", "down", 5)),
        ("transformer.wpe.weight", ("embeddings", "positions", None)),
    ],
)
def test_classify(name, expected):
    assert classify(name) == expected


@pytest.mark.parametrize("name", ["gpt2", "DeepSeek-R1-Distill-Qwen-1.5B", "gemma-3-4b-it"])
def test_breakdown_is_a_consistent_tree(name):
    s = model_shape(name)
    nodes = param_tree(s)
    assert nodes[0].parent == "" and nodes[0].count == s.n_params
    ids = [n.id for n in nodes]
    assert len(set(ids)) == len(ids)
    children: dict[str, int] = {}
    for n in nodes[1:]:
        assert ids.index(n.parent) < ids.index(n.id)  # parents first
        children[n.parent] = children.get(n.parent, 0) + n.count
    for n in nodes:
        if n.id in children:
            assert children[n.id] == n.count
    assert ("lm_head" in {n.label for n in nodes}) == (not s.tied)


def test_groups_and_layers_add_up():
    s = model_shape("DeepSeek-R1-Distill-Qwen-1.5B")
    groups = {g.group: g.count for g in group_totals(s)}
    assert sum(groups.values()) == s.n_params
    assert groups["lm_head"] == groups["embeddings"] == 151936 * 1536
    rows = layer_rows(s)
    layer0 = sum(p.count for p in s.params if p.layer == 0)
    assert rows[0].total == layer0 and all(r.total == layer0 for r in rows)
    # q, k, v with biases (Qwen2) and o without: 1536*1536+1536 + 2*(256*1536+256) + 1536*1536
    assert rows[0].attention == 2 * 1536 * 1536 + 1536 + 2 * (256 * 1536 + 256)
    assert rows[0].mlp == 3 * 1536 * 8960


def test_weight_sizes():
    sizes = {w.dtype: w.bytes for w in weight_sizes(model_shape("gpt2"))}
    assert sizes == {
        "float32": 497_759_232,
        "bfloat16": 248_879_616,
        "float16": 248_879_616,
        "int8": 124_439_808,
        "int4": 62_219_904,
    }


def test_filter_terms_and_exclusions():
    s = model_shape("gpt2")
    assert len(filter_params(s, "")) == len(s.params) == 148
    assert [p.name for p in filter_params(s, "H.0. attn -bias")] == [
        "transformer.h.0.attn.c_attn.weight",
        "transformer.h.0.attn.c_proj.weight",
    ]
    assert filter_params(s, "nothing-matches-this") == []


def test_compare_two_architectures():
    rows = {r.field: r for r in compare(model_shape("Llama-3.2-1B-Instruct"), model_shape("Llama-3.1-8B-Instruct"))}
    assert rows["n_params"].a == 1_235_814_400 and rows["n_params"].b == 8_030_261_248
    assert rows["n_params"].ratio == pytest.approx(8_030_261_248 / 1_235_814_400)
    assert (rows["tied"].a, rows["tied"].b, rows["tied"].ratio) == (True, False, None)
    assert rows["lm_head parameters"].b == 128256 * 4096


def test_code_section_runs_and_prints_the_same_count(tmp_path):
    fields = json.loads(arch.SHIPPED.read_text())["openai-community/gpt2"]
    AutoConfig.for_model(**fields).save_pretrained(tmp_path)
    shape = model_shape(str(tmp_path))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code_for(shape), "<code section>", "exec"), {})  # noqa: S102 - the Code section must run as shown
    lines = out.getvalue().splitlines()
    assert lines[0] == "124,439,808 parameters"
    assert len(lines) == 1 + len(shape.params)
    assert lines[1].split()[0] == "transformer.wte.weight"


def test_70b_model_from_config_in_seconds():
    """Built on the meta device: the 280 GB of float32 weights are never allocated."""
    import time

    t0 = time.perf_counter()
    s = model_shape("Llama-3.1-70B-Instruct")
    assert time.perf_counter() - t0 < 10  # generous: shared CI cores; the benchmark holds the 2 s target
    assert s.n_params == 70_553_706_496 and len(s.params) == 1 + 80 * 9 + 1 + 1  # embed, 80 x 9, norm, lm_head


def test_meta_build_does_not_leak_into_other_threads():
    """A model built by another request at the same moment keeps real (CPU) parameters."""
    import threading

    devices: set[str] = set()
    stop = threading.Event()

    def build_modules() -> None:
        while not stop.is_set():
            devices.add(torch.nn.Linear(4, 4).weight.device.type)

    worker = threading.Thread(target=build_modules)
    worker.start()
    try:
        for name in ("Llama-3.1-70B-Instruct", "DeepSeek-R1-Distill-Qwen-32B", "gemma-3-4b-it"):
            arch.model_shape.cache_clear()
            model_shape(name)
    finally:
        stop.set()
        worker.join()
    assert devices == {"cpu"}
