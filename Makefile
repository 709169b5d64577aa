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

.PHONY: run setup test test-browser test-all lint format messages clean

run: setup
	$(DEV) $(PY) manage.py load_demo
	@echo "Ibasho: http://$(HOST):$(PORT)/  (Ctrl-C stops the site and the background worker)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' INT TERM EXIT; \
	$(DEV) $(VENV)/bin/celery -A ibasho worker --beat --pool=solo --loglevel=INFO & worker=$$!; \
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

setup: $(VENV)/.installed $(MO)
	$(DEV) $(PY) manage.py migrate --noinput

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
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

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Refresh the catalogue after changing interface strings (needs GNU gettext's xgettext).
messages: $(VENV)/.installed
	$(DEV) $(PY) manage.py makemessages --locale ja --ignore ".venv/*" --ignore "static/*" --no-obsolete
	$(MAKE) $(MO)

clean:
	rm -rf $(VENV) var static
