# Two commands open the README: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-long bench bench-large lint sample clean compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package is installed editable, so pip does not compile it as it compiles an installed package;
# Python would on first use, but not where PYTHONDONTWRITEBYTECODE is set (CI, containers), and then
# every command compiles ~100 modules before it starts. `compile` does it once, as pip would.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m compileall -q pipeline
	touch $(STAMP)

compile: $(STAMP)
	$(BIN)/python -m compileall -q pipeline

demo: compile
	APPRAISAL_TODAY=2027-02-01 $(BIN)/appraisal run --email -w input/round.xlsx -o output

# SheetJS for the independent-reader test, when npm is there (.ci/run installs Node.js and npm)
NPM := $(shell command -v npm 2>/dev/null)
SHEETJS := tests/js/node_modules/.package-lock.json

$(SHEETJS): tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error

test: $(STAMP) $(if $(NPM),$(SHEETJS))
	$(BIN)/python -m pytest

# the property tests with many examples (make test runs a few)
test-long: $(STAMP)
	$(BIN)/python -m pytest --hypothesis-profile=long tests/test_merge_property.py tests/test_bad_workbooks.py

bench: compile
	$(BIN)/python scripts/bench.py

bench-large: compile
	$(BIN)/python scripts/bench_large.py

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests scripts
	$(BIN)/ruff format --check pipeline tests scripts

sample: $(STAMP)
	$(BIN)/python scripts/make_sample.py

clean:
	rm -rf $(VENV) output build *.egg-info tests/js/node_modules
