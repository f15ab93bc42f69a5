"""The shared loader: name resolution, dtype choice, the GGUF conversion cache, the bounded cache,
concurrency, and the messages users see when a load fails."""

from __future__ import annotations

import json
import threading

import pytest
import torch

from playground import config, loader
from playground.choice import ModelChoice
from playground.errors import (
    GatedModelError,
    HubUnreachableError,
    InputError,
    LoaderBusyError,
    ModelLoadError,
    NotCausalLMError,
    RemoteCodeError,
    UnknownModelError,
)
from playground.loader import ModelLoader, pick_device, pick_dtype, resolve


def test_default_model_is_the_embedded_gguf():
    src = resolve(None)
    assert src.kind == "gguf" and src.location.endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert src.hub_id == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert resolve("smollm2-135m-instruct") == src  # case-insensitive catalog names


@pytest.mark.parametrize(
    "name, kind, location",
    [
        ("HuggingFaceTB/SmolLM2-135M-Instruct", "hub", "HuggingFaceTB/SmolLM2-135M-Instruct"),
        ("DeepSeek-R1-Distill-Qwen-1.5B", "hub", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"),
        ("someone/some-model", "hub", "someone/some-model"),
    ],
)
def test_resolve_hub_names(name, kind, location):
    src = resolve(name)
    assert (src.kind, src.location) == (kind, location)


def test_resolve_gated_catalog_model():
    assert resolve("Llama-3.2-1B-Instruct").gated


@pytest.mark.parametrize("bad", ["not a model", "/no/such/file.gguf", "a/b/c"])
def test_unknown_names_get_a_message_that_names_them(bad):
    with pytest.raises(UnknownModelError) as info:
        resolve(bad)
    assert bad in str(info.value)


def test_folder_without_config_is_refused(tmp_path):
    with pytest.raises(UnknownModelError, match="config.json"):
        resolve(str(tmp_path))


def test_dtype_choice_by_device():
    cuda = torch.cuda.is_available()  # CI has no GPU; a developer's machine may
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    assert pick_device("auto") == ("cuda" if cuda else "mps" if mps else "cpu")
    assert pick_dtype("cpu") == "float32"  # bfloat16 matmuls are ~100x slower on this CPU
    assert pick_dtype("mps") == "float16"
    assert pick_dtype("cpu", "bfloat16") == "bfloat16"
    with pytest.raises(Exception, match="not available"):
        pick_device("mps" if cuda else "cuda")  # a device this machine lacks (no machine has both)
    with pytest.raises(Exception, match="Unknown dtype"):
        pick_dtype("cpu", "float8")


def test_default_model_loads_in_float32_with_its_exact_parameter_count(lm):
    assert lm.device == "cpu" and lm.dtype == "float32"
    assert lm.model.dtype == torch.float32
    assert lm.n_params == 134_515_008 == lm.model.num_parameters()
    buffers = sum(b.numel() * b.element_size() for b in lm.model.buffers())  # rotary inv_freq
    assert lm.weight_bytes == 134_515_008 * 4 + buffers
    assert "134,515,008 parameters" in lm.status()
    assert lm.tokenizer.chat_template and "<|im_start|>" in lm.tokenizer.chat_template


def test_shared_loader_returns_the_same_model(lm):
    assert loader.get_loader().get("SmolLM2-135M-Instruct") is lm
    tok = loader.get_loader().tokenizer(None)  # a loaded model's tokenizer, not a second load
    assert any(tok is m.tokenizer for m in loader.get_loader().loaded())


@pytest.mark.slow  # loads fresh copies of the model: seconds of model time (the model tier)
def test_concurrent_requests_load_once_and_the_cache_is_bounded(lm, monkeypatch):
    calls = []
    real = loader._load

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "_load", counting)
    fresh = ModelLoader(max_models=1)
    results = []
    threads = [threading.Thread(target=lambda: results.append(fresh.get(None))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1
    int8 = fresh.get(None, quantization="int8")  # a different key evicts the float32 copy (max 1)
    assert [m.quantization for m in fresh.loaded()] == ["int8"]
    assert len(calls) == 2
    # The int8 mode's cost, measured at load time and shown in the status line.
    from playground.quantize import agreement

    assert int8.agreement == agreement(lm.model, int8.model, lm.tokenizer)
    assert int8.n_params == lm.n_params
    assert f"top-1 agreement with float32 {int8.agreement['top1_agreement']:.0%}" in int8.status()


def test_failed_load_keeps_the_previous_model(lm):
    shared = loader.get_loader()
    before = shared.loaded()
    with pytest.raises(HubUnreachableError, match="cannot be reached"):
        shared.get("Qwen/Qwen2.5-0.5B-Instruct")
    assert shared.loaded() == before
    assert shared.get(None) is lm


def test_folder_that_is_not_a_causal_lm(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "t5", "vocab_size": 100}))
    with pytest.raises(NotCausalLMError, match="not a causal language model"):
        ModelLoader().get(str(tmp_path))


def test_folder_that_needs_remote_code(tmp_path):
    (tmp_path / "config.json").write_text(
        json.dumps({"model_type": "my_custom_arch", "auto_map": {"AutoConfig": "configuration_x.XConfig"}})
    )
    with pytest.raises(RemoteCodeError, match="needs Python code from its repository") as info:
        ModelLoader().get(str(tmp_path))
    assert "PLAYGROUND_TRUST_REMOTE_CODE=1" in str(info.value)


def test_gated_message_says_how_to_set_the_token_and_never_echoes_it(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_secret_value")
    monkeypatch.setattr(config, "HF_TOKEN_SET", False)
    src = resolve("Llama-3.2-1B-Instruct")
    # What transformers raises for a gated repo without access: an OSError wrapping the Hub's error.
    raised = OSError(
        "You are trying to access a gated repo.\nMake sure to have access to it at "
        "https://huggingface.co/meta-llama/Llama-3.2-1B-Instruct.\n401 Client Error."
    )
    err = loader.translate_load_error(src, raised)
    assert isinstance(err, GatedModelError)
    assert "HF_TOKEN" in str(err) and "hf_secret_value" not in str(err)


def test_unknown_hub_repo_message():
    raised = OSError(
        "nobody/nothing is not a local folder and is not a valid model identifier listed on "
        "'https://huggingface.co/models'"
    )
    err = loader.translate_load_error(resolve("nobody/nothing"), raised)
    assert isinstance(err, UnknownModelError) and "nobody/nothing" in str(err)


@pytest.mark.slow
def test_gguf_conversion_cache_equals_direct_gguf_load(tmp_path, monkeypatch, lm):
    """Convert into an empty cache, then compare with transformers' own GGUF load, tensor by tensor."""
    from transformers import AutoModelForCausalLM

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    gguf = resolve(None).location
    folder = loader.converted_folder(gguf)
    assert folder.parent == tmp_path / "converted" and (folder / "model.safetensors").is_file()
    assert loader.converted_folder(gguf) == folder  # second call: the cached copy, no conversion
    assert not list((tmp_path / "converted").glob("*.tmp-*"))
    converted = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    import pathlib

    p = pathlib.Path(gguf)
    direct = AutoModelForCausalLM.from_pretrained(str(p.parent), gguf_file=p.name, dtype=torch.float32)
    a, b = converted.state_dict(), direct.state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_eager_attention_shares_the_loaded_weights(lm):
    """Asking for eager attention (the Attention tab) reuses the loaded tensors instead of a second copy."""
    eager = loader.get_loader().get(None, attn_implementation="eager")
    assert eager.attn_implementation == "eager" and eager.model.config._attn_implementation == "eager"
    assert lm.model.config._attn_implementation == "sdpa"
    shared = {p.data_ptr() for p in lm.model.parameters()}
    assert all(p.data_ptr() in shared for p in eager.model.parameters())
    assert not any(b.is_meta for b in eager.model.buffers())
    ids = torch.tensor([lm.tokenizer("The capital of France is").input_ids])
    with torch.no_grad():
        a = lm.model(ids).logits
        out = eager.model(ids, output_attentions=True)
    assert torch.allclose(a, out.logits, atol=1e-4)
    assert len(out.attentions) == 30 and out.attentions[0].shape == (1, 9, ids.shape[1], ids.shape[1])
    assert loader.get_loader().get(None, attn_implementation="eager") is eager
    assert loader.get_loader().get(None) is lm


def test_tokenizer_alone_equals_the_models_tokenizer(lm):
    """The fast path (tokenizer class named in tokenizer_config.json, no model config) builds the same
    tokenizer AutoTokenizer builds."""
    from transformers import AutoTokenizer

    folder = loader.converted_folder(resolve(None).location)
    fast, auto = loader._load_tokenizer(str(folder)), AutoTokenizer.from_pretrained(folder)
    assert type(fast) is type(auto)
    for text in ["大家好", "good morning", "<|im_start|>user\nhi<|im_end|>", " 👨‍👩‍👧 "]:
        assert fast(text).input_ids == auto(text).input_ids == lm.tokenizer(text).input_ids
    assert fast.chat_template == auto.chat_template and fast.all_special_ids == auto.all_special_ids


# --------------------------------------------------------------------------- one variant per choice, pins


@pytest.mark.slow  # loads a float32 and an int8 copy: seconds of model time (the model tier)
def test_each_choice_gets_exactly_its_variant(lm):
    """A name alone means the default options, whatever variants other sessions loaded."""
    fresh = ModelLoader(max_models=2)
    plain = fresh.get(None)
    int8 = fresh.get('{"name": "SmolLM2-135M-Instruct", "device": "cpu", "dtype": "float32", "quantization": "int8"}')
    assert int8 is not plain and int8.quantization == "int8"
    assert fresh.get("SmolLM2-135M-Instruct") is plain  # not "whatever copy of this name was used last"
    assert fresh.get(ModelChoice(quantization="int8", device="cpu", dtype="float32")) is int8
    assert isinstance(fresh.peek(None), loader.LoadedModel) and fresh.peek('{"dtype": "bfloat16"}') is None


@pytest.mark.slow  # loads a float32 and an int8 copy: seconds of model time (the model tier)
def test_a_pinned_model_is_never_dropped_and_a_full_loader_says_busy(lm):
    fresh = ModelLoader(max_models=1)
    with fresh.use(None) as pinned:
        with pytest.raises(LoaderBusyError, match="in use by running requests"):
            fresh.get(None, quantization="int8", device="cpu", dtype="float32")
        assert fresh.loaded() == [pinned]
    other = fresh.get(None, quantization="int8", device="cpu", dtype="float32")  # the pin is gone: evicted now
    assert fresh.loaded() == [other]


def test_bad_choices_get_clear_messages():
    with pytest.raises(InputError, match="Unknown dtype 'float8'"):
        ModelChoice.parse('{"name": "SmolLM2-135M-Instruct", "dtype": "float8"}')
    with pytest.raises(InputError, match="Unknown field"):
        ModelChoice.parse('{"name": "x", "precision": "fp16"}')
    with pytest.raises(InputError, match="not valid JSON"):
        ModelChoice.parse('{"name": ')
    with pytest.raises(ModelLoadError, match="choose device cpu and dtype float32"):
        ModelLoader().get(ModelChoice(dtype="bfloat16", quantization="int8"))
    with pytest.raises(ModelLoadError, match="not available on this machine"):
        ModelLoader().get(ModelChoice(device="cuda")) if not torch.cuda.is_available() else ModelLoader().get(
            ModelChoice(device="mps")
        )
