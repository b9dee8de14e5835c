# The handbook's two commands for a fresh machine (see README.md):
#   make serve   set up, build and serve the handbook at http://127.0.0.1:8000
#   make test    set up everything the tests need and run every test
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: setup serve build check zip test test-fast test-setup system-deps bench
setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

serve: setup
	$(PY) -m macros build
	$(PY) -m macros serve

build: setup
	$(PY) -m macros build

check: setup
	$(PY) -m macros check

zip: setup
	$(PY) -m macros zip

# Debian's chromium (browser tests) and nginx (web-server tests), installed if missing.
system-deps:
	@sh scripts/system-deps.sh

test-setup: setup system-deps

test: test-setup
	$(PY) -m pytest

# The fast layer: everything that needs no browser and no web server (unit, data and build tests).
test-fast: setup
	$(PY) -m pytest -m "not browser and not server"

# The benchmark (issue #5): builds the handbook scaled x1, x10 and x100 against Material alone and
# writes bench/results.json and bench/RESULTS.md. Uses Debian's chromium for the browser figures.
bench: setup system-deps $(VENV)/.bench-installed
	$(PY) bench/run.py

$(VENV)/.bench-installed: bench/requirements.txt $(VENV)/.installed
	$(PY) -m pip install -q -r bench/requirements.txt
	touch $@
