"""LLM Playground: `python app.py [--host H] [--port P] [--share] [--model NAME]`.

Spaces imports `demo` from here; running the file launches it.
"""

from __future__ import annotations

import argparse
import os

from playground import config  # its settings() are read on first use, so --model below still applies

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="LLM Playground")
    # Hugging Face Spaces sets GRADIO_SERVER_NAME=0.0.0.0 and runs `python app.py`: config honours it.
    parser.add_argument("--host", default=config.SERVER_NAME, help="interface to listen on (0.0.0.0 for all)")
    parser.add_argument("--port", type=int, default=config.SERVER_PORT)
    parser.add_argument("--share", action="store_true", help="also serve through a public gradio.live link")
    parser.add_argument("--model", help="default model for every tab (catalog name, Hub id, folder or .gguf)")
    args = parser.parse_args()
    if args.model:
        os.environ["PLAYGROUND_MODEL"] = args.model  # read once by playground.config.settings(), on first use

from playground.app import build_app, launch_kwargs

demo = build_app()

if __name__ == "__main__":
    demo.launch(server_name=args.host, server_port=args.port, share=args.share, **launch_kwargs())
