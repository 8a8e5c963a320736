# ehub — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
# The suite runs on every core (pytest-xdist; each worker has its own test database). Override
# with e.g. `make test PYTEST_ARGS="-n 0 -k ledger"`.
PYTEST_ARGS ?= -n auto
PORT ?= 8000
# Packages type-checked with mypy + django-stubs (STYLE.md: core, customs, ledger at least; the
# money path too: orders, checkout, payments, inventory).
TYPED := src/ehub/core src/ehub/customs src/ehub/ledger src/ehub/orders src/ehub/checkout \
	src/ehub/payments src/ehub/inventory

.DEFAULT_GOAL := help
# The Debian packages and Python are the only things assumed; everything else is installed here.
.PHONY: help install system-deps demo serve migrate demo-data test test-sqlite test-postgres lint format bench clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

system-deps: ## Install the Debian packages ehub needs (as root), or say which to install
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install ehub with its dev tools (and compile translations)
	@$(BIN)/ehub i18n compile > /dev/null

migrate: install ## Apply database migrations (SQLite under var/ unless DATABASE_URL is set)
	$(BIN)/ehub migrate --no-input

demo-data: migrate ## Load the demo markets, rates, HS codes, sellers, products and accounts
	$(BIN)/ehub demo load

demo: demo-data ## Install, migrate, load demo data and serve on http://127.0.0.1:8000
	@echo "ehub: API docs http://$(HOST):$(PORT)/api/v1/docs  admin http://$(HOST):$(PORT)/admin/"
	@echo "ehub: background jobs run in this terminal too (ehub jobs work); Ctrl-C stops both"
	@$(BIN)/ehub jobs work --sleep 5 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/ehub runserver $(HOST):$(PORT)

serve: install ## Serve without reloading demo data
	$(BIN)/ehub runserver $(HOST):$(PORT)

test: install ## Run the whole suite on SQLite, and on PostgreSQL when EHUB_TEST_POSTGRES_URL is set
	@$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$EHUB_TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "make test: EHUB_TEST_POSTGRES_URL is not set; PostgreSQL run skipped"; fi

test-sqlite: install
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL EHUB_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== test suite on PostgreSQL ($$EHUB_TEST_POSTGRES_URL) =="
	@$(BIN)/python scripts/check_postgres.py
	DATABASE_URL="$$EHUB_TEST_POSTGRES_URL" EHUB_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, and mypy on the pure cores
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED)

format: install ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install ## Run the benchmarks under bench/ (figures and ratios)
	$(BIN)/python bench/run.py

clean: ## Remove .venv and var/ (the SQLite database)
	rm -rf $(VENV) var
