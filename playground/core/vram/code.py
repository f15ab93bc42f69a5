"""The "Code" section of the VRAM Calculator: plain transformers code that reproduces the parameter count, the
weights, the KV cache and (on a GPU) the measured peak of an estimate. Pure: a VramEstimate in, Python text out."""

from __future__ import annotations

from playground.core.vram import VramEstimate


def code_for(e: VramEstimate, hub_id: str | None) -> str:
    """Plain transformers code reproducing the parameter count, the weights and the measured peak."""
    i, s = e.inputs, e.inputs.model
    if hub_id:
        make = f'config = AutoConfig.from_pretrained("{hub_id}")'
        load = f'AutoModelForCausalLM.from_pretrained("{hub_id}", dtype=torch.bfloat16, device_map="cuda")'
    else:
        make = (
            f"config = LlamaConfig(num_hidden_layers={s.n_layers}, hidden_size={s.hidden}, num_attention_heads="
            f"{s.n_heads},\n                     num_key_value_heads={s.n_kv_heads}, head_dim={s.head_dim}, "
            f"intermediate_size={s.intermediate},\n                     vocab_size={s.vocab}, "
            f"tie_word_embeddings={s.tied})"
        )
        load = 'AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16).to("cuda")'
    return f"""import torch
from accelerate import init_empty_weights
from transformers import AutoConfig, AutoModelForCausalLM, LlamaConfig

{make}
with init_empty_weights():  # meta device: no weights downloaded
    model = AutoModelForCausalLM.from_config(config)  # ForCausalLM, so an untied lm_head is counted
n_params = sum(p.numel() for p in model.parameters())  # tied weights appear once
print(f"{{n_params:,}} parameters, bf16 weights {{n_params * 2 / 1e9:.2f}} GB")

text = config.get_text_config()
head_dim = getattr(text, "head_dim", None) or text.hidden_size // text.num_attention_heads
context, batch = {i.context}, {i.batch}
kv = 2 * text.num_hidden_layers * text.num_key_value_heads * head_dim * context * batch * 2  # bf16 K and V
print(f"KV cache at {{context}} tokens: {{kv / 1e9:.2f}} GB")

# The real peak on a GPU (needs the weights):
if torch.cuda.is_available():
    model = {load}
    torch.cuda.reset_peak_memory_stats()
    ids = torch.randint(0, text.vocab_size, (batch, context), device="cuda")
    with torch.inference_mode():
        model(input_ids=ids, use_cache=True, logits_to_keep=1)
    print(f"peak allocated: {{torch.cuda.max_memory_allocated() / 1e9:.2f}} GB")
"""
