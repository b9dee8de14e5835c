"""ruff over the handbook's Python (issue #10): `make lint`, here as a fast test.

ruff is pinned in requirements-test.txt / requirements.lock (installed into .venv by `make setup`),
so this runs offline. Its settings (rules, line length) are pyproject.toml's [tool.ruff]."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *args],
                          cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)


def test_python_passes_ruff():
    r = ruff(".")
    assert "No module named ruff" not in r.stderr, "ruff is not installed in .venv: run `make setup` (requirements.lock pins it)"
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_settings_catch_a_long_line_and_an_unused_import():
    # pyproject.toml's settings apply to what is linted under tests/: a line over 160 characters and
    # an unused import are each reported with the file name given.
    bad = "import os\n\nMESSAGE = " + repr("x" * 160) + "\n"
    r = ruff("--stdin-filename", "tests/bad.py", "-", stdin=bad)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "tests/bad.py:1:8: F401" in r.stdout and "tests/bad.py:3:161: E501" in r.stdout, r.stdout
