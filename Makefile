# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
NATIVE_STAMP := $(VENV)/.installed-native
# The modules `make native` compiles with mypyc (sim/native.py MODULES) and its manifest.
NATIVE_SRC := sim/engine/core.py sim/engine/state.py sim/results.py sim/criticality.py \
	sim/ensemble.py sim/timefmt.py
NATIVE := sim/_native.json

.PHONY: demo test lint bench native clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

$(NATIVE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[native]'
	touch $@ $(STAMP)

# Compiled hot modules (about a minute); rebuilt when their sources change. Until then,
# and wherever the build is missing, the pure-Python modules load (sim/native.py).
$(NATIVE): $(NATIVE_SRC) | $(NATIVE_STAMP)
	$(BIN)/python -c 'import sim.native as n; raise SystemExit(n.main(["build"]))'

native: $(NATIVE)

demo: $(STAMP)
	$(BIN)/tabletop run --out runs

test: $(TEST_STAMP) $(NATIVE)
	TABLETOP_REQUIRE_NATIVE=1 $(BIN)/python -m pytest -q
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/mypy

lint: $(TEST_STAMP)
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/mypy

bench: $(STAMP) $(NATIVE)
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
	rm -f $(NATIVE) $$(find sim -name '*.so' -o -name '*.pyd')
