# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

NOTEBOOK_STAMP := $(VENV)/.installed-notebooks

.PHONY: demo test lint bench notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

demo: $(STAMP)
	$(BIN)/tabletop run --out runs
	@echo
	@echo "tabletop is installed in $(VENV). To use the command in this shell:"
	@echo "    . $(VENV)/bin/activate     # then: tabletop --help"
	@echo "or call it by its path: $(VENV)/bin/tabletop --help"
	@echo "Documentation: tabletop docs (pages), tabletop docs tutorial (a first walk through)"

$(NOTEBOOK_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $@ $(STAMP)

# The teaching notebooks in JupyterLab (the `notebooks` extra: jupyterlab, ipykernel).
notebooks: $(NOTEBOOK_STAMP)
	$(BIN)/jupyter lab notebooks/

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/mypy

# The architecture (import-linter layers and no cycles), style and types.
lint: $(TEST_STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
