# Two commands for a fresh clone: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STUDY  ?= data/demo.db
PORT   ?= 8501

.PHONY: run test test-fast lint browser-deps bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# Chromium and a CJK font for the real-browser tests (Debian packages; needs root or sudo).
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; \
	else echo "note: chromium or a CJK font is missing and cannot be installed here; browser tests will be skipped"; fi

run: $(BIN)/.installed
	@mkdir -p $(dir $(STUDY))
	@if [ ! -f $(STUDY) ]; then $(BIN)/workbench demo $(STUDY); fi
	$(BIN)/workbench serve $(STUDY) --port $(PORT)

# Lint (ruff) and types (mypy on the library) first; then every test, browser and slow ones included.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint browser-deps
	$(BIN)/python -m pytest

# The inner loop: no training-heavy (slow) or browser tests.
test-fast: lint
	$(BIN)/python -m pytest -m "not slow and not browser"

bench: $(BIN)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
