"""One settings module (macros/settings.py, issue #10): `python -m macros check` reads mkdocs.yml as the
build does, INHERIT included, and refuses every setting the build would, each with file:line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, handbook

EXAMPLE = ROOT / "examples" / "school"
SCHOOL = "examples/school/mkdocs.yml"


@pytest.fixture
def school_copy(tmp_path) -> Path:
    proj = copy_project(tmp_path / "proj")
    shutil.copytree(EXAMPLE, proj / "examples" / "school", ignore=shutil.ignore_patterns("site"))
    return proj


def _edit(path: Path, old: str, new: str) -> int:
    """Replace old by new in the file; returns the line number where it starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _check_fails(proj: Path, config: str = SCHOOL) -> str:
    r = handbook("-f", config, "check", cwd=proj)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    return r.stderr


def test_check_refuses_a_misspelt_contact_field_with_file_and_line(school_copy):
    line = _edit(school_copy / SCHOOL, "        name: Mr Dafydd Rees\n", "        nmae: Mr Dafydd Rees\n")
    err = _check_fails(school_copy)
    assert (f"{SCHOOL}:{line}: extra.handbook.contacts: entry 3: 'nmae' is not a known field (did you mean 'name'?); "
            "allowed fields: how, name, role") in err, err


def test_check_refuses_a_missing_files_folder_with_file_and_line(school_copy):
    line = _edit(school_copy / SCHOOL, "files: files ", "files: file ")
    err = _check_fails(school_copy)
    assert f"{SCHOOL}:{line}: extra.handbook.files: 'file' is not a folder next to mkdocs.yml" in err, err


def test_check_refuses_a_missing_local_data_folder_at_its_line_in_the_config(school_copy):
    line = _edit(school_copy / SCHOOL, "local_data: [data]", "local_data: [dta]")
    err = _check_fails(school_copy)
    assert f"{SCHOOL}:{line}: extra.handbook.local_data: 'dta' is not a folder next to mkdocs.yml" in err, err


def test_check_refuses_a_misspelt_setting_that_would_silently_drop_the_schools_data(school_copy):
    line = _edit(school_copy / SCHOOL, "local_data: [data]", "local-data: [data]")
    err = _check_fails(school_copy)
    assert f"{SCHOOL}:{line}: extra.handbook.local-data: not a known setting (did you mean 'local_data'?)" in err, err


def test_check_refuses_a_wrong_welcome_at_its_line(school_copy):
    text = (school_copy / SCHOOL).read_text(encoding="utf-8")
    start = text.index("    welcome: |")
    end = text.index("    # \"Who to approach\"")
    (school_copy / SCHOOL).write_text(text[:start] + "    welcome: [a, list]\n" + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    assert f"{SCHOOL}:{line}: extra.handbook.welcome: expected some text" in _check_fails(school_copy)


def test_inherited_paths_are_not_rebased_as_mkdocs_does_not_rebase_them(tmp_path):
    """A config in a subfolder that INHERITs the core's and leaves docs_dir and data_dir out: MkDocs
    reads the core's `docs_dir: content` relative to the subfolder's file (so the build fails);
    `check` used to read it relative to the core's file and pass."""
    proj = copy_project(tmp_path / "proj")
    (proj / "sub").mkdir()
    (proj / "sub" / "mkdocs.yml").write_text("INHERIT: ../mkdocs.yml\nsite_name: A sub-site\n", encoding="utf-8")
    err = _check_fails(proj, "sub/mkdocs.yml")
    docs_line = next(i for i, t in enumerate((proj / "mkdocs.yml").read_text(encoding="utf-8").splitlines(), 1) if t.startswith("docs_dir:"))
    assert f"mkdocs.yml:{docs_line}: docs_dir: 'content' is not a folder next to mkdocs.yml (sub/content)" in err, err
    assert "extra.handbook.data_dir: 'data' is not a folder" in err and "relative to sub/mkdocs.yml" in err, err


def test_settings_merge_inherit_exactly_as_mkdocs_does(tmp_path):
    """Mappings merged at every depth, lists replaced whole, paths relative to the file given."""
    from mkdocs.utils.yaml import yaml_load

    from macros import settings

    (tmp_path / "core").mkdir()
    (tmp_path / "school" / "data").mkdir(parents=True)
    (tmp_path / "school" / "content").mkdir()
    (tmp_path / "core" / "mkdocs.yml").write_text(
        "site_name: Core\ndocs_dir: content\nextra:\n  other: 1\n  handbook:\n    data_dir: data\n"
        "    namespace: core-handbook\n    local_data: [x, y]\n    contacts: [{role: A, name: B}]\n", encoding="utf-8")
    child = tmp_path / "school" / "mkdocs.yml"
    child.write_text("INHERIT: ../core/mkdocs.yml\nextra:\n  handbook:\n    local_data: [data]\n", encoding="utf-8")
    with open(child, "rb") as f:
        theirs = yaml_load(f)
    files = settings.config_files(child)
    ours: dict = {}
    for f in reversed(files):
        ours = settings.merge(ours, {k: v for k, v in f.data.items() if k != "INHERIT"})
    assert ours == theirs
    s = settings.load(child)
    assert s.docs_dir == (tmp_path / "school" / "content").resolve()  # the core's "content", read from the school's folder
    assert s.data_dir == (tmp_path / "school" / "data").resolve()
    assert s.local_data == ((tmp_path / "school" / "data").resolve(),)  # the list replaced, not added to
    assert s.namespace == "core-handbook" and s.contacts == ({"role": "A", "name": "B"},)


def test_a_setting_error_is_also_a_value_error():
    from macros.errors import ConfigError, HandbookError
    from macros.settings import check_contacts

    with pytest.raises(ValueError) as exc:
        check_contacts([{"role": "x"}])
    assert isinstance(exc.value, ConfigError) and isinstance(exc.value, HandbookError)
    assert exc.value.key == ("contacts", 0)
