"""Build caches keep the same results: a data file that passed its schema check is remembered
between builds (macros/data/schemas.py), and a changed or broken file is still checked and reported."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from macros import data
from macros.data import HandbookError, load


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    d.mkdir()
    monkeypatch.setattr(data.schemas, "_passed_dir", lambda: d)
    return d


def _data_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest)
    return dest


def _problems(d: Path) -> str:
    with pytest.raises(HandbookError) as exc:
        load(d)
    return str(exc.value)


def test_passed_files_are_remembered_and_skip_validation(tmp_path, cache, monkeypatch):
    d = _data_copy(tmp_path)
    first = load(d)
    assert len(list(cache.glob("handbook-schema-passed-*"))) == len(data.DATA_FILES)

    def refuse(*args):
        raise AssertionError("validated again")

    monkeypatch.setattr(data.schemas, "validate_schema", refuse)
    second = load(d)
    assert second.lists == first.lists and second.case_studies == first.case_studies


def test_a_changed_file_is_checked_again_and_fails_as_without_the_cache(tmp_path, cache, monkeypatch):
    d = _data_copy(tmp_path)
    load(d)  # every file remembered as passing
    glossary = d / "glossary.yml"
    text = glossary.read_text(encoding="utf-8")
    assert "  - id: " in text
    glossary.write_text(text.replace("  - id: ", "  - idd: ", 1), encoding="utf-8")
    cached = _problems(d)
    assert "glossary.yml" in cached
    monkeypatch.setattr(data.schemas, "_passed_dir", lambda: None)  # no cache at all
    assert _problems(d) == cached
    assert not any("handbook-schema-passed" in p.name and p.stat().st_size for p in cache.iterdir())


def test_a_changed_schema_checks_every_file_again(tmp_path, cache):
    d = _data_copy(tmp_path)
    load(d)
    before = set(cache.iterdir())
    schema = d / "schema" / "glossary.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load(d)
    assert len(set(cache.iterdir()) - before) == len(data.DATA_FILES)


def test_without_a_safe_cache_folder_every_file_is_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(data.schemas, "_passed_dir", lambda: None)
    calls = []
    real = data.validate_schema
    monkeypatch.setattr(data.schemas, "validate_schema", lambda *a: calls.append(1) or real(*a))
    d = _data_copy(tmp_path)
    load(d)
    load(d)
    assert len(calls) == 2 * len(data.DATA_FILES)


def _bundle_inputs(tmp_path: Path):
    from macros import bundle

    src = tmp_path / "src"
    (src / "assets").mkdir(parents=True)
    (src / "assets" / "a.js").write_text("(function () { var answer = 40 + 2; window.x = answer; })();\n", encoding="utf-8")
    (src / "assets" / "a.css").write_text(".a  {  color : red ; }\n", encoding="utf-8")
    return {"js": ["assets/a.js"], "css": ["assets/a.css"]}, [src], bundle.esbuild_command(ROOT)


def test_esbuild_output_is_reused_for_the_same_inputs_and_made_afresh_for_new_ones(tmp_path, monkeypatch):
    from macros import bundle, cache as cache_mod

    d = tmp_path / "cache"
    d.mkdir()
    monkeypatch.setattr(cache_mod, "private_dir", lambda: d)
    lists, dirs, esbuild = _bundle_inputs(tmp_path)
    first = bundle.make(lists, dirs, esbuild)
    assert len(list(d.glob("handbook-bundle-*.json"))) == 1
    real_run = bundle.subprocess.run
    runs = []
    monkeypatch.setattr(bundle.subprocess, "run", lambda *a, **k: runs.append(a) or real_run(*a, **k))
    again = bundle.make(lists, dirs, esbuild)
    assert runs == [] and again == first  # no esbuild run, the same bundles
    (dirs[0] / "assets" / "a.css").write_text(".a { color: blue; }\n", encoding="utf-8")
    changed = bundle.make(lists, dirs, esbuild)
    assert len(runs) == 1 and changed[1].text != first[1].text and changed[0] == first[0]
    monkeypatch.setattr(cache_mod, "private_dir", lambda: None)  # no cache: esbuild every time
    assert bundle.make(lists, dirs, esbuild) == changed and len(runs) == 2


def test_a_damaged_bundle_cache_entry_is_made_again(tmp_path, monkeypatch):
    from macros import bundle, cache as cache_mod

    d = tmp_path / "cache"
    d.mkdir()
    monkeypatch.setattr(cache_mod, "private_dir", lambda: d)
    lists, dirs, esbuild = _bundle_inputs(tmp_path)
    first = bundle.make(lists, dirs, esbuild)
    (entry,) = d.glob("handbook-bundle-*.json")
    entry.write_text('{"js": "trunc', encoding="utf-8")
    assert bundle.make(lists, dirs, esbuild) == first
