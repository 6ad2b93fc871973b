# make test: create .venv, install openimapi with its test tools, run ruff, mypy and pytest.
# make demo: create .venv, install, run the demo job on the virtual recorder.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# mypy --strict holds for these layers; the rest is checked with the default options.
STRICT := -p openimapi.mmc -p openimapi.transport -m openimapi.errors -m openimapi.enums -m openimapi.testing -m openimapi.devices -p openimapi.automation

.PHONY: test demo lint typecheck pytest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests tools bench

typecheck: $(STAMP)
	$(BIN)/mypy --strict $(STRICT)
	$(BIN)/mypy src/openimapi

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

demo: $(STAMP)
	$(BIN)/openimapi demo examples

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
