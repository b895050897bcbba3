# Two entry points: `make demo` (set up, then run the main job on the shipped examples) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
RW := $(VENV)/bin/repowright

.PHONY: setup engine demo test lint bench
setup: $(VENV)/.installed engine

$(VENV)/.installed: pyproject.toml scripts/setup.sh
	VENV=$(VENV) bash scripts/setup.sh

engine:
	bash scripts/ensure-docker.sh

demo: setup
	RW=$(RW) bash scripts/demo.sh

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check agent analyzers sandbox evals tests
	$(VENV)/bin/ruff format --check agent analyzers sandbox evals tests
	$(VENV)/bin/mypy -p repowright.agent -p repowright.analyzers -p repowright.sandbox

test: setup lint
	$(PY) -m pytest -q -p no:cacheprovider

bench: setup
	$(PY) -m repowright.evals.bench_sandbox
