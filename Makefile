# Two commands for a new user: `make demo` and `make test`. `make serve` opens the web UI.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test serve lint typecheck pytest bench clean docs-update

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The browser tests drive Debian's Chromium (never a downloaded browser). Installing it needs
# root; where that is impossible the browser tests skip and say why.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	-@if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  ($$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q chromium >/dev/null 2>&1) || \
	  echo "note: could not install Debian's chromium; browser tests will be skipped"

demo: $(STAMP)
	$(BIN)/charter demo --out reports/demo

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy src/charter/model src/charter/load src/charter/rules src/charter/replay src/charter/waterfall src/charter/valuation src/charter/power src/charter/store

pytest: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -q

serve: $(STAMP)
	$(BIN)/charter serve --demo

# Rewrites the outputs shown in docs/*.md and README.md from the real ones (tests/docs_examples.py);
# review the diff before committing it.
docs-update: $(STAMP)
	$(BIN)/python tests/docs_examples.py --update

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
