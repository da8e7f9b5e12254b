# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install build migrate run test lint openapi bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The staff SPA (frontend/): `npm ci` only when package-lock.json changed (a stamp in
# node_modules), then type-check and build into frontend/dist, which the service serves at /.
NPM_STAMP := frontend/node_modules/.installed-stamp

$(NPM_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

build: install $(NPM_STAMP)
	cd frontend && npm run build

# The browser tests drive Debian's Chromium (Playwright's own browsers cannot be downloaded here).
CHROMIUM := /usr/bin/chromium
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)

$(CHROMIUM):
	$(SUDO) apt-get install -y --no-install-recommends chromium \
	  || ($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium)

# The load benchmark (bench/load.py) drives the service with wrk (it falls back to httpx without).
WRK := /usr/bin/wrk

$(WRK):
	$(SUDO) apt-get install -y --no-install-recommends wrk \
	  || ($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends wrk)

migrate: install
	$(BIN)/erhverv migrate

# Serving migrates and loads the 2026 plan into an empty database on start.
run: build migrate
	$(BIN)/erhverv serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Unit tests of the SPA (Vitest), then every Python test, the browser tests included.
test: lint build $(CHROMIUM)
	cd frontend && npm test
	$(BIN)/pytest

openapi: install
	$(BIN)/erhverv openapi

bench: build $(CHROMIUM) $(WRK)
	$(BIN)/python -m bench.progress
	$(BIN)/python -m bench.auth_overhead
	$(BIN)/python -m bench.abuse
	$(BIN)/python -m bench.events
	$(BIN)/python -m bench.grant_import
	$(BIN)/python -m bench.cases_ingest
	$(BIN)/python -m bench.frontend
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) frontend/dist .pytest_cache .ruff_cache
