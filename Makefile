# The handbook's two commands for a fresh machine (see README.md):
#   make serve   set up, build and serve the handbook at http://127.0.0.1:8000
#   make test    set up everything the tests need and run every test
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: setup serve build check zip test test-fast test-unit test-setup system-deps bench lock screenshots lint lint-py lint-js
setup: $(VENV)/.installed node_modules/.installed

# Every Python package, transitive ones included, at the version and with the hashes in
# requirements.lock (made from the human-edited requirements*.txt by `make lock`).
$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.lock
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

# Debian's chromium (browser tests), nginx (web-server tests) and LibreOffice (opens the record's
# .docx), installed if missing.
system-deps:
	@sh scripts/system-deps.sh

test-setup: setup system-deps

test: test-setup
	$(PY) -m pytest

# Both linters (tests/test_lint.py and tests/test_lint_js.py run them as fast tests).
lint: lint-py lint-js

# ruff (pinned in requirements-test.txt) over the handbook's Python, with pyproject.toml's [tool.ruff].
lint-py: $(VENV)/.installed
	$(PY) -m ruff check .

# eslint (npm devDependency, pinned in package.json) over the handbook's own scripts; eslint.config.mjs.
lint-js: node_modules/.installed
	npx --no-install eslint overrides/assets/javascripts

# The layers (pytest.ini; tests/conftest.py puts every test in one): unit, build, browser, server.
# test-unit: plain Python on the fixture handbook (tests/fixtures/project), no build: seconds.
# test-fast: everything that needs no browser and no web server (the unit and build layers).
test-unit: setup
	$(PY) -m pytest -m unit

test-fast: setup
	$(PY) -m pytest -m "not browser and not server"

# The README's screenshots (docs/screenshots/*.png): builds, serves on loopback and photographs a few
# pages with a teacher's answers in Debian's chromium at 1366x768 and 390x844.
screenshots: setup system-deps
	$(PY) scripts/screenshots.py

# The benchmark (issue #5): builds the handbook scaled x1, x10 and x100 against Material alone and
# writes bench/results.json and bench/RESULTS.md. Uses Debian's chromium for the browser figures.
bench: setup system-deps $(VENV)/.bench-installed
	$(PY) bench/run.py

$(VENV)/.bench-installed: bench/requirements.lock $(VENV)/.installed
	$(PY) -m pip install -q --require-hashes -r bench/requirements.lock
	touch $@

# After editing requirements.txt, requirements-test.txt or bench/requirements.txt: pin everything
# they need, transitive packages too, with hashes, using pip-tools in a throwaway venv (needs PyPI).
LOCK_VENV ?= $(or $(TMPDIR),/tmp)/handbook-lock-venv
COMPILE    = $(LOCK_VENV)/bin/pip-compile -q --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install -q pip-tools==7.6.2
	$(COMPILE) --output-file=requirements.lock requirements-test.txt
	cd bench && $(COMPILE) --output-file=requirements.lock requirements.txt
	rm -rf $(LOCK_VENV)
