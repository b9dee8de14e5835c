"""eslint over the handbook's own scripts (issue #10): `make lint-js`, here as a fast test.

eslint is an npm devDependency pinned in package.json/package-lock.json (installed by `npm ci`,
which `make setup` runs), so this runs offline. The config is eslint.config.mjs."""
from __future__ import annotations

import subprocess

from conftest import ROOT

ESLINT = ROOT / "node_modules" / ".bin" / "eslint"
SCRIPTS = "overrides/assets/javascripts"


def eslint(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    assert ESLINT.exists(), "node_modules/.bin/eslint is missing: run `npm ci` (make setup does)"
    return subprocess.run([str(ESLINT), *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)


def test_own_scripts_pass_eslint():
    r = eslint(SCRIPTS)
    assert r.returncode == 0, r.stdout + r.stderr


def test_eslint_config_catches_an_undeclared_global_and_an_unused_variable():
    bad = '(function () {\n  "use strict";\n  var unused = 1;\n  hb.register("x", function () {});\n})();\n'
    r = eslint("--stdin", "--stdin-filename", f"{SCRIPTS}/bad.js", stdin=bad)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "'hb' is not defined" in r.stdout and "'unused' is assigned a value but never used" in r.stdout
