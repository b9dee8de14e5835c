"""The real data/: it loads, names its schemas, uses kebab-case ids; `check` is fast and quiet.

Every kind of mistake and its message: tests/test_validation.py, on the fixture handbook."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run


@pytest.mark.unit
def test_real_data_loads(hb):
    assert len(hb.lists) >= 30
    assert len(hb.case_studies) == 7
    assert len(hb.principles) == 10
    assert len([p for p in hb.prompts.values() if p["group"] == "points-for-reflection"]) == 9


@pytest.mark.unit
def test_every_data_file_names_its_schema():
    for f in sorted((ROOT / "data").glob("*.yml")):
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=schema/{f.stem}.schema.json", f
        assert (ROOT / "data" / "schema" / f"{f.stem}.schema.json").exists()


@pytest.mark.unit
def test_ids_are_kebab_case_everywhere(hb):
    pat = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

    def walk(x):
        if isinstance(x, dict):
            if "id" in x:
                assert pat.match(x["id"]), x["id"]
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for f in hb.files.values():
        walk(f.data)


def _files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and "node_modules" not in p.parts}


def test_check_command_is_fast_and_quiet(mini_cli):
    """`check` validates without building: it never imports MkDocs, Markdown or the theme (what makes
    a build take seconds) and writes nothing; it prints one line, and nothing on stderr."""
    before = _files(mini_cli)
    r = run([sys.executable, "-X", "importtime", "-m", "macros", "check"], cwd=mini_cli)
    assert r.returncode == 0, r.stderr
    # quiet: one line on stdout; stderr holds only Python's import timings (-X importtime)
    assert r.stdout.count("\n") == 1 and r.stdout.startswith("data OK:"), r.stdout
    assert [line for line in r.stderr.splitlines() if not line.startswith("import time:")] == []
    # fast: none of the build's heavy machinery is loaded, and nothing is written
    imported = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "yaml" in imported and "jinja2" in imported, sorted(imported)[:20]  # the timings are read right
    heavy = sorted(m for m in imported if m.split(".")[0] in ("mkdocs", "material", "markdown", "mkdocs_macros", "pymdownx"))
    assert heavy == [], heavy
    assert _files(mini_cli) == before


@pytest.mark.unit
def test_fig9_and_fig14_pair_both_ways(hb):
    coaches, mentors = hb.lists["effective-coaches"], hb.lists["effective-mentors"]
    assert coaches["pairs_with"] == "effective-mentors"
    for it in coaches["items"]:
        other = hb.item("effective-mentors", it["pairs_with"])
        assert other["pairs_with"] == it["id"]
    assert len(coaches["items"]) == len(mentors["items"]) == 9


# Bad input (a message with file:line, item and field; the old site kept) is tested on the fixture
# handbook in tests/test_validation.py.
