# opus-tui — every target installs what it needs itself (idempotent, fast when already done).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := python3-venv unixodbc libsqliteodbc odbc-postgresql tdsodbc postgresql tmux
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR := .demo
EMULATOR_PORT ?= 8765

.PHONY: setup apt venv demo test lint pytest bench clean

setup: apt venv

apt:
	@dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { \
	  echo "Installerar systempaket: $(APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; }

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | apt  # python3-venv first, also under make -j
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING' || true
	@$(PY) -m pip install -q -e '.[test]' 2>&1 | grep -v '^WARNING' || true
	@$(PY) -c "import opus_tui, textual, pyodbc, sqlmodel, pytest" 
	@touch $@

# The portal emulator runs only while the app does: a busy port stops here (a second emulator
# could not bind, and the app would publish to whatever listens there); the app starts once the
# emulator answers, and the emulator is stopped however the recipe ends.
demo: setup
	@mkdir -p $(DEMO_DIR); rm -f $(DEMO_DIR)/portal-emulator.pid
	@if (exec 3<>/dev/tcp/127.0.0.1/$(EMULATOR_PORT)) 2>/dev/null; then \
	  echo "Port $(EMULATOR_PORT) på 127.0.0.1 är upptagen (körs redan ett demo?)." \
	    "Avsluta det, eller välj en annan port: make demo EMULATOR_PORT=8766" >&2; exit 1; fi; \
	$(VENV)/bin/opus-tui portal-emulator --port $(EMULATOR_PORT) --data $(DEMO_DIR)/portal \
	  > $(DEMO_DIR)/portal-emulator.log 2>&1 & emulator=$$!; \
	trap 'kill $$emulator 2>/dev/null; wait $$emulator 2>/dev/null' EXIT; \
	for _ in {1..100}; do \
	  (exec 3<>/dev/tcp/127.0.0.1/$(EMULATOR_PORT)) 2>/dev/null && break; \
	  kill -0 $$emulator 2>/dev/null || { echo "Portalemulatorn startade inte:" >&2; \
	    cat $(DEMO_DIR)/portal-emulator.log >&2; exit 1; }; \
	  sleep 0.1; done; \
	$(VENV)/bin/opus-tui demo --dir $(DEMO_DIR) --portal-url http://127.0.0.1:$(EMULATOR_PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check opus_tui tests bench
	$(VENV)/bin/mypy opus_tui tests bench

pytest: setup
	$(PY) -m pytest -q -p no:cacheprovider

test: setup
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory pytest

bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(DEMO_DIR) build dist .mypy_cache .ruff_cache .pytest_cache
