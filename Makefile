# Newsroom: the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every install is from a lock of exact versions with hashes (make lock rebuilds them), so two
# machines install the same bytes. Re-install only when a lock changes.
STAMP := $(VENV)/.installed-stamp
RUNTIME_STAMP := $(VENV)/.runtime-stamp
PIP := $(BIN)/python -m pip install --disable-pip-version-check --quiet --require-hashes
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker serve test venv runtime migrate import bench bench-scale lint lock clean e2e e2e-deps screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Development and tests: the runtime set plus the test tools (a superset of requirements.lock).
$(STAMP): requirements-dev.lock | $(BIN)/python
	$(PIP) -r requirements-dev.lock
	touch $(STAMP) $(RUNTIME_STAMP)

# Production: the runtime set only.
$(RUNTIME_STAMP): requirements.lock | $(BIN)/python
	$(PIP) -r requirements.lock
	touch $(RUNTIME_STAMP)

runtime: $(RUNTIME_STAMP)

venv: $(STAMP)

# make run's development settings, written once (git-ignored): DEBUG on and a
# random SECRET_KEY of this checkout's own. The site has no built-in key, and
# DEBUG is off wherever nobody asked for it.
.env:
	@umask 077 && { \
		echo "# Written by make run: this checkout's development settings (see .env.example)."; \
		echo "DEBUG=1"; \
		echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	} > $@
	@echo "Wrote .env (DEBUG=1 and a new SECRET_KEY)."

## make migrate: apply database migrations (in production: once per release, from one machine)
migrate: $(RUNTIME_STAMP)
	$(BIN)/python manage.py migrate --noinput

import: venv .env migrate
	$(BIN)/python manage.py import_articles fixtures/

## make run: set everything up and serve the site on http://127.0.0.1:8000/
run: import
	@echo
	@$(BIN)/python manage.py demo_accounts || true
	@echo
	@echo "Site:  http://$(HOST):$(PORT)/"
	@echo "Admin: http://$(HOST):$(PORT)/admin/  (sign in as a demo account above, or: $(BIN)/python manage.py createsuperuser)"
	@echo "Worker: one background worker runs beside the server (tasks and recurring jobs; make worker adds more)."
	@echo
	@# Ctrl-C (or the server exiting) stops the worker too: it finishes or gives back its task.
	@$(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker; trap - EXIT; exit 0' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make worker: one more background worker on the same database (production: see README)
worker: venv .env
	@echo "Starting a worker: $(BIN)/python manage.py run_worker  (Ctrl-C stops it; start as many as you like)"
	@exec $(BIN)/python manage.py run_worker --no-reload

## make serve: production server (gunicorn) on the runtime set only; run `make migrate` first.
# Needs DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL... BIND, WEB_CONCURRENCY and
# GUNICORN_TIMEOUT come from the environment or .env (newsroom/gunicorn.conf.py reads them).
serve: $(RUNTIME_STAMP)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/gunicorn newsroom.wsgi --config newsroom/gunicorn.conf.py

## make test: the whole suite (set DATABASE_URL / CACHE_URL to run it on PostgreSQL / Redis)
test: venv
	$(BIN)/python -m pytest

## make e2e: the journeys and accessibility audits in a real browser (Debian's chromium, headless)
# Playwright drives the system's chromium; it never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
E2E_STAMP := $(VENV)/.e2e-stamp
# Bounds: a hung step fails its test (E2E_TEST_TIMEOUT), a hung run fails make (E2E_TIMEOUT).
E2E_TIMEOUT ?= 600
E2E_TEST_TIMEOUT ?= 180
E2E_PYTEST := timeout --kill-after=15 $(E2E_TIMEOUT) $(BIN)/python -m pytest e2e -n 0 --timeout $(E2E_TEST_TIMEOUT)

$(E2E_STAMP): $(STAMP) requirements-e2e.lock
	$(PIP) -r requirements-e2e.lock
	touch $@

$(CHROMIUM):
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-liberation

e2e-deps: $(E2E_STAMP) $(CHROMIUM)

e2e: e2e-deps
	$(E2E_PYTEST)

## make screenshots: the README's pictures of the site, into docs/screenshots/
screenshots: e2e-deps
	$(E2E_PYTEST) -k screenshots --screenshots-dir docs/screenshots

## make bench: the benchmarks; results go to docs/benchmarks.md
bench: venv
	$(BIN)/python bench/run.py

## make bench-scale: 1,000,000 articles on PostgreSQL (~20 minutes, ~8 GB of disk; not part of make bench)
bench-scale: venv
	$(BIN)/python bench/run.py scale

lint: venv
	$(BIN)/ruff check .

## make lock: rebuild the three locks from requirements*.txt after changing a pin (needs pip-tools)
LOCK := pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock:
	$(LOCK) -o requirements.lock requirements.txt
	$(LOCK) -o requirements-dev.lock requirements-dev.txt
	$(LOCK) -o requirements-e2e.lock requirements-e2e.txt

clean:
	rm -rf $(VENV) .pytest_cache
