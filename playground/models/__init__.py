"""The loader's parts, one job a module; `playground.loader` is their public face and holds the cache.

    sources      a name -> ModelSource (catalog, Hub id, local folder, .gguf file, embedded file)
    devices      "auto" -> a device and a dtype that run well on this machine
    progress     LoadProgress: what a load running now says on the status line
    gguf         a GGUF file -> a converted safetensors folder, once, with progress
    load_errors  Hub and transformers failures -> playground errors a student can act on
    load         one load: LoadKey, LoadedModel, the weights (int8 too), the eager sibling, the tokenizer

Import models through `playground.loader`; nothing here imports torch or transformers at import time.
Not here: the cache of loaded models, pins, eviction, admission and the process-wide loader
(playground.loader).
"""
