# The two quick-start commands: `make demo` and `make test` (ruff, import-linter, mypy, pytest, docs).
# Each creates .venv (Python 3.11+) on first use and installs the package with its test extras.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.spinedx-installed

.PHONY: demo test lint typecheck unit docs schemas bench fuzz clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "spinedx needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,docs]"
	@touch $@

# The benchmark suite (docs/performance.md), with the peer engines of the `bench` extra.
# About 6 minutes; BENCH_ARGS="--cohort 1000000" for the full cohort, "--help" for the rest.
BENCH_STAMP := $(VENV)/.spinedx-bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,docs,bench]"
	@touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

demo: $(STAMP)
	$(BIN)/spinedx evaluate pathways/spinal_tumor examples/patients/metastatic-breast-leg-weakness.yaml

# The import contract (pyproject [tool.importlinter]): layers run one way.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools fuzz
	$(BIN)/ruff format --check src tests bench tools fuzz
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

unit: $(STAMP)
	$(BIN)/pytest

# The docs site: every page and the API reference, offline; a broken link or a
# docstring griffe cannot read fails the build (strict).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

# The JSON Schemas editors read (the YAML language server); tests fail when these are stale.
schemas: $(STAMP)
	for kind in pathway stage patient scenario; do \
		$(BIN)/spinedx schema $$kind > schemas/$$kind.schema.json || exit 1; \
	done

# Coverage-guided fuzzing of the loaders, the condition language, cohorts of JSON records
# and scenario files (docs/security.md): FUZZ_SECONDS per target; findings land in
# fuzz/artifacts/, the corpus in fuzz/corpus/. tests/properties/test_fuzz_targets.py runs the
# targets on their seeds without atheris.
FUZZ_SECONDS ?= 300
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[fuzz]"
	$(BIN)/python fuzz/fuzz_loader.py -max_total_time=$(FUZZ_SECONDS)
	$(BIN)/python fuzz/fuzz_condition.py -max_total_time=$(FUZZ_SECONDS)
	$(BIN)/python fuzz/fuzz_cohort.py -max_total_time=$(FUZZ_SECONDS)
	$(BIN)/python fuzz/fuzz_scenario.py -max_total_time=$(FUZZ_SECONDS)

test: lint typecheck unit docs

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis site
