# Talanoa: `make run` serves the portal; `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := run
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
export UV_CACHE_DIR ?= $(CURDIR)/.cache/uv
# Python's compiled files are what make a second start fast (2 s of compiling per process
# otherwise, for every test worker too): written beside the sources, ignored by git.
unexport PYTHONDONTWRITEBYTECODE

# A Python >= 3.12: on PATH first, then pyenv's real interpreters (not its shims).
PYTHON := $(shell for c in python3.13 python3.12 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[23]*/bin/python3.1[23] 2>/dev/null | sort -r); do \
	  $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$c; break; }; \
	done)
UV := .tools/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py

.PHONY: run serve test bench setup db demo lint messages check-python chromium ci clean

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Talanoa needs Python 3.12 or newer. Install it (Debian 13: apt-get install python3;" \
	       "Debian 12: apt-get install python3.12 from backports, or pyenv install 3.12) and rerun make."; \
	  exit 1; fi

$(UV): | check-python
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet 'uv>=0.13,<0.14'

.venv/.synced: $(UV) pyproject.toml uv.lock
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet
	@touch $@

setup: .venv/.synced

# Tables, starter data and the first account, each skipped when already there.
db: setup
	@$(MANAGE) prepare

# The web server and, beside it, the background worker (meeting notices and reminders, the daily
# round of digests and alerts, whose chain `manage.py worker` starts if none is queued). Ctrl-C
# stops both; if the server stops on its own, the worker is stopped too. The worker does not
# reload on code changes (its reloader would outlive a stopped parent): restart `make run`.
# How to sign in is printed last, once the server answers.
run: setup
	@echo "Talanoa: starting (Python packages ready)"
	@$(MANAGE) prepare --sign-in-file var/run/sign-in.txt --base-url http://127.0.0.1:$(PORT)
	@echo "Starting the background worker and the web server on 127.0.0.1:$(PORT) …"
	@DEBUG=$${DEBUG:-1} $(MANAGE) worker --interval 2 & worker=$$!; \
	trap 'kill $$worker $$announce 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	{ until (exec 3<>/dev/tcp/127.0.0.1/$(PORT)) 2>/dev/null; do sleep 0.2; done; \
	  echo; cat var/run/sign-in.txt; } & announce=$$!; \
	DEBUG=$${DEBUG:-1} $(MANAGE) runserver 127.0.0.1:$(PORT)

# Production serving on one machine: gunicorn (deploy/gunicorn.conf.py) with DEBUG off, hashed
# and pre-compressed static files, JSON logs, and the background worker beside it.
serve: setup
	$(PY) -m talanoa.serve --bind 127.0.0.1:$(PORT)

demo: db
	$(MANAGE) demo_data

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v pdftoppm >/dev/null && dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils libharfbuzz-subset0 >/dev/null; }

messages: setup
	$(MANAGE) compilemessages -v0 --ignore=.venv --ignore=.tools --ignore=.cache

lint: setup
	$(PY) -m ruff check .

# The suite on every core (pytest-xdist: one database per worker, on SQLite or PostgreSQL);
# TEST_WORKERS=0 runs it in this one process (for a debugger). The 25 slowest are printed last.
TEST_WORKERS ?= auto
test: setup chromium
	$(PY) -m ruff check .
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -n $(TEST_WORKERS) --durations=25 $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m bench.report_generation

clean:
	rm -rf .venv .tools .cache var/test.sqlite3

# --- cluster ---
# Two app servers and a worker behind nginx, started from deploy/'s units and nginx config, on a
# fresh PostgreSQL database talanoa_cluster and Redis database 3 (deploy/tests/cluster/).
.PHONY: cluster-test
cluster-test: setup
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
	@command -v systemd-analyze >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null; }
	$(PY) -m deploy.tests.cluster $(CLUSTER_ARGS)
# --- end cluster ---
