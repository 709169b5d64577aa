# Ibasho: `make run` serves the site with demo content; `make test` runs the suite.
# Both start from nothing but Python 3.11: the virtual environment is made on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEV := DJANGO_SETTINGS_MODULE=ibasho.settings.dev
PO := $(wildcard locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: run setup test test-browser test-all lint format messages lock clean

run: setup
	$(DEV) $(PY) manage.py load_demo
	@echo "Ibasho: http://$(HOST):$(PORT)/  (Ctrl-C stops the site and the background worker)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' INT TERM EXIT; \
	$(DEV) $(VENV)/bin/celery -A ibasho worker --beat --pool=solo --loglevel=INFO & worker=$$!; \
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

setup: $(VENV)/.installed $(MO)
	$(DEV) $(PY) manage.py migrate --noinput

# A development machine gets requirements-dev.txt: the production lock plus the test and lint
# tools, at the same versions.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled translations are built, not committed (Babel needs no system gettext).
%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --domain django -i $< -o $@

test: $(VENV)/.installed $(MO)
	$(PY) -m pytest -m "not browser"

test-browser: $(VENV)/.installed $(MO)
	$(PY) -m pytest -m browser

test-all: test test-browser

lint: $(VENV)/.installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Refresh the catalogue after changing interface strings (needs GNU gettext's xgettext).
messages: $(VENV)/.installed
	$(DEV) $(PY) manage.py makemessages --locale ja --ignore ".venv/*" --ignore "static/*" --no-obsolete
	$(MAKE) $(MO)

# Recompile both locks, with hashes, from the ranges in pyproject.toml (needs the network to
# PyPI). Pins already in a lock are kept; LOCK_FLAGS=--upgrade, or --upgrade-package NAME, moves
# them on. Resolved for the project's machines (Linux, Python 3.11.7: soupsieve needs 3.11.5 or
# later) wherever it runs; the development lock is constrained to the production one.
UV_VERSION := 0.13.9
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --annotation-style line \
	--python-version 3.11.7 --python-platform linux --custom-compile-command "make lock" $(LOCK_FLAGS)

lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) pyproject.toml -o requirements.txt
	$(UV_COMPILE) pyproject.toml --group dev --constraints requirements.txt -o requirements-dev.txt

clean:
	rm -rf $(VENV) var static
