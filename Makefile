# The two commands: `make run` and `make test`. Everything else here is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_RESIDENTS ?= 3000

# make run is a local demo: debug pages on, the documented TOTP demo bypass on.
run: export EGOV_DEBUG ?= 1
run: export EGOV_DEMO_TOTP_BYPASS ?= 1

.PHONY: run test setup assets messages lint serve clean

setup: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.installed
	$(BIN)/python scripts/compile_messages.py

assets: setup
	$(BIN)/egov collectstatic --noinput --verbosity 0

run: assets
	$(BIN)/egov migrate --noinput
	$(BIN)/egov seed --residents $(DEMO_RESIDENTS) --if-empty
	$(BIN)/egov keys init
	$(BIN)/egov demo_logins
	@echo "Serving on http://$(HOST):$(PORT)/ with the worker (access log, sweeps)  (Ctrl-C to stop)"
	trap 'kill 0' EXIT; $(BIN)/egov worker --verbosity 0 & \
	$(BIN)/gunicorn egov.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --log-level warning

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports --no-cache

test: setup lint
	bash scripts/ensure_test_db.sh
	bash scripts/ensure_browser.sh
	DJANGO_SETTINGS_MODULE=egov.settings_test $(BIN)/egov makemigrations --check --dry-run --verbosity 1
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var staticfiles
