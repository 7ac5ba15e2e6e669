# RMO Casebook: `make site` builds the site, `make test` runs every test, `make serve` previews.
PYTHON ?= python3
VENV   := .venv
# Material prints an end-of-life banner on every build; the README and pyproject say it already.
export NO_MKDOCS_2_WARNING := 1
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: site test serve validate schema bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

site: $(STAMP)
	$(BIN)/mkdocs build --strict

serve: $(STAMP)
	$(BIN)/mkdocs serve

validate: $(STAMP)
	$(BIN)/casebook validate

schema: $(STAMP)
	$(BIN)/casebook schema

test: $(TSTAMP)
	$(BIN)/python -m pytest

bench: $(TSTAMP)
	$(BIN)/python bench/validate.py

clean:
	rm -rf site .pytest_cache .hypothesis
