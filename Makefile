# RMO Casebook: `make site` builds the site, `make test` runs every test, `make serve` previews.
PYTHON ?= python3
VENV   := .venv
# Material prints an end-of-life banner on every build; the README and pyproject say it already.
export NO_MKDOCS_2_WARNING := 1
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: site test lint serve validate schema bench mutation clean offline install new

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml package-lock.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@# Pagefind 1.6.0 from npm (ICU4X Japanese segmentation); without npm the build
	@# falls back to PyPI's pagefind[extended] with a warning (see generator/search.py).
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else $(BIN)/python -m pip install --quiet 'pagefind[extended]==1.5.2'; fi
	@# Course packet PDFs (issue 24): WeasyPrint (pip, above) needs Debian's Pango and a Japanese
	@# font. Without them (or without root/sudo) the build still succeeds, without the PDFs.
	if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || ! fc-list :lang=ja 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  ($$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk >/dev/null) || echo "警告: Pango と fonts-noto-cjk を入れられませんでした。研修資料の PDF は作られません。"; \
	fi
	touch $@

$(TSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# Browser tests drive Debian's chromium (Playwright never downloads a browser here).
	@# The packet tests read PDFs back with poppler (pdftotext, pdffonts, pdfinfo).
	if ! command -v pdftotext >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils >/dev/null; \
	fi
	if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	touch $@

site: $(STAMP)
	$(BIN)/mkdocs build --strict

# issue 28: the built site with a launcher, for a hall without internet (see content/data/index.md).
offline: site
	$(BIN)/casebook offline -o rmo-casebook-offline.zip

serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --no-strict

validate: $(STAMP)
	$(BIN)/casebook validate

schema: $(STAMP)
	$(BIN)/casebook schema

# --- Editors (issue 25): install only (the workflows validate before they build); a new case's template.
install: $(STAMP)

new: $(STAMP)
	$(BIN)/casebook new

test: $(TSTAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/python -m pytest

lint: $(TSTAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

bench: $(TSTAMP)
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/build.py

# Mutation testing (slow: about 10 minutes on 2 idle cores): mutmut over the modules [tool.mutmut] names, then
# the named mutations of issue 22, each of which a test must notice. docs/TESTING.md has the last figures.
mutation: $(TSTAMP)
	$(BIN)/python -m pip install --quiet 'mutmut==3.8.1'
	rm -rf mutants
	-$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
	$(BIN)/python tests/mutation/named_mutations.py

clean:
	rm -rf site .pytest_cache .hypothesis mutants
