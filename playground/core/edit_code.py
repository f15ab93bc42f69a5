"""The Edit & Merge tab's Code panels: plain transformers / peft code that does what each view does.

Strings only: nothing here runs a model. Not here: the computations (core.steer, core.finetune, core.merge).
"""

from __future__ import annotations


def steer_code(model_id: str, prompt: str, positive: str, negative: str, layer: int, strength: float, n: int) -> str:
    """Plain transformers code: the direction from two prompts, a hook on one layer, removed afterwards."""
    return f"""import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model_id!r})
model = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)
layer = model.model.layers[{layer}]

def mean_output(text):  # mean over positions 1.. of the layer's output (position 0 is the attention sink)
    seen = {{}}
    handle = layer.register_forward_hook(lambda m, i, out: seen.update(h=out[0] if isinstance(out, tuple) else out))
    try:
        with torch.no_grad():
            model(**tokenizer(text, return_tensors='pt'))
    finally:
        handle.remove()
    return seen['h'][0, 1:].mean(0)

direction = mean_output({positive!r}) - mean_output({negative!r})   # (d_model,)

def add(module, inputs, out):  # strength x direction added at every position
    return out + {strength!r} * direction

ids = tokenizer({prompt!r}, return_tensors='pt').input_ids
handle = layer.register_forward_hook(add)
try:
    with torch.no_grad():
        steered = model.generate(ids, max_new_tokens={n}, do_sample=False)
finally:
    handle.remove()  # always: the hook would change every later call
print(tokenizer.decode(steered[0, ids.shape[1]:]))
"""


def finetune_code(model_id: str, fact: tuple[str, str], steps: int, lr: float, rank: int, seed: int) -> str:
    """Plain transformers + peft code for the same fine-tune."""
    return f"""import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

torch.manual_seed({seed})
tokenizer = AutoTokenizer.from_pretrained({model_id!r})
model = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)
targets = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']   # every linear layer
model = get_peft_model(model, LoraConfig(r={rank}, lora_alpha={2 * rank}, target_modules=targets, lora_dropout=0.0))
model.print_trainable_parameters()

prompt, answer = {fact[0]!r}, {fact[1]!r}
head = tokenizer(prompt).input_ids
ids = torch.tensor([tokenizer(prompt + answer).input_ids])
labels = ids.clone()
labels[0, :len(head)] = -100                              # the loss is -log p(answer | prompt)
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr={lr!r}, weight_decay=0.0)
for step in range({steps}):
    loss = model(input_ids=ids, labels=labels).loss
    loss.backward()
    opt.step()
    opt.zero_grad()
    print(step + 1, loss.item())
model.save_pretrained('my-adapter')                       # a few MB: only A and B
"""


def merge_code(model_id: str, kind: str, alpha: float, other_id: str = "") -> str:
    """Plain transformers / peft code for the same merge."""
    if kind == "models":
        return f"""import torch
from transformers import AutoModelForCausalLM

a = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)
b = AutoModelForCausalLM.from_pretrained({other_id!r}, dtype=torch.float32)
alpha = {alpha!r}
with torch.no_grad():
    for (name, pa), pb in zip(a.named_parameters(), b.parameters()):
        assert pa.shape == pb.shape, name        # a linear merge needs equal shapes
        pa.lerp_(pb, alpha)                      # (1 - alpha) * A + alpha * B
"""
    return f"""import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM

base = AutoModelForCausalLM.from_pretrained({model_id!r}, dtype=torch.float32)
model = PeftModel.from_pretrained(base, 'my-adapter')   # the adapter the fine-tune saved
alpha = {alpha!r}                                        # 0 = base, 1 = fine-tuned, 2 = twice the change
with torch.no_grad():
    for module in model.modules():
        if hasattr(module, 'lora_A') and 'default' in module.lora_A:
            a, b = module.lora_A['default'].weight, module.lora_B['default'].weight   # (r, in), (out, r)
            module.base_layer.weight += alpha * module.scaling['default'] * (b @ a)
merged = model.unload()                                  # the base model with the merged weights, no adapter
"""
