"""CPU int8 mode: dynamic int8 quantization of the linear layers of a float32 model.

Weights of every nn.Linear are stored as int8 with a per-output-channel scale; activations are
quantized on the fly per batch. Embeddings, norms and a tied lm_head stay float32 (the lm_head
shares its weight with the embedding table, which must stay a float lookup table).

Not here: GPU quantization (bitsandbytes, GPTQ); the VRAM calculator models those formats.
"""

from __future__ import annotations

from typing import Any


def quantize_int8(model: Any) -> Any:
    """Replace the model's nn.Linear layers by dynamic int8 ones, in place; returns the model."""
    import torch

    tied = model.get_output_embeddings() is not None and \
        model.get_output_embeddings().weight is model.get_input_embeddings().weight
    skip = {"lm_head"} if tied else set()
    targets = {name for name, m in model.named_modules()
               if isinstance(m, torch.nn.Linear) and name.split(".")[-1] not in skip}
    return torch.ao.quantization.quantize_dynamic(model, targets, dtype=torch.qint8, inplace=True)
