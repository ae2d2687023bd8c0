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

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING' || true
	@$(PY) -m pip install -q -e '.[test]' 2>&1 | grep -v '^WARNING' || true
	@$(PY) -c "import opus_tui, textual, pyodbc, sqlmodel, pytest" 
	@touch $@

demo: setup
	@mkdir -p $(DEMO_DIR)
	@$(VENV)/bin/opus-tui portal-emulator --port $(EMULATOR_PORT) --data $(DEMO_DIR)/portal \
	  > $(DEMO_DIR)/portal-emulator.log 2>&1 & echo $$! > $(DEMO_DIR)/portal-emulator.pid; \
	$(VENV)/bin/opus-tui demo --dir $(DEMO_DIR) --portal-url http://127.0.0.1:$(EMULATOR_PORT); \
	status=$$?; kill $$(cat $(DEMO_DIR)/portal-emulator.pid) 2>/dev/null; exit $$status

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
