"""Every item keeps where it was declared (file, line) in the model (issue #10), so a problem with a
school's own form or coaching log is reported against the school's file and line, not data/forms.yml."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT

LOCAL_FORMS = """forms:
  - id: our-reflections
    title: Our reflections
    fields:
      - {id: notes, type: text, label: Our notes}
logs:
  - id: our-log
    title: Our log
    relationship: {label: Colleague, hint: Initials are enough.}
    kinds:
      - id: journal
        label: Journal entry
        title: Journal
        fields:
          - {id: date, type: date, label: Date}
          - {id: notes, type: text, label: Notes}
"""


def _school(tmp_path: Path) -> Path:
    local = tmp_path / "school"
    shutil.copytree(ROOT / "examples" / "school" / "data", local)
    (local / "forms.yml").write_text(LOCAL_FORMS, encoding="utf-8")
    return local


def test_items_know_their_file_and_line(tmp_path):
    from macros.data import load

    local = _school(tmp_path)
    hb = load(ROOT / "data", [local])
    assert hb.origin("forms", "our-reflections") == (str(local / "forms.yml"), 2)
    assert hb.origin("logs", "our-log") == (str(local / "forms.yml"), 7)
    core_line = next(i for i, t in enumerate((ROOT / "data" / "forms.yml").read_text(encoding="utf-8").splitlines(), 1)
                     if t == "  - id: coaching-log")
    assert hb.origin("logs", "coaching-log") == ("data/forms.yml", core_line)
    first_case = next(iter(hb.case_studies))
    assert hb.origin("case_studies", first_case)[0] == "data/case-studies.yml"


def test_a_schools_form_and_log_on_no_page_are_reported_against_the_schools_file(tmp_path):
    from macros.data import load
    from macros.pages import scan

    local = _school(tmp_path)
    problems = scan(ROOT / "content", load(ROOT / "data", [local]))[0]
    where = {p.item: (p.file, p.line) for p in problems}
    assert where == {"our-reflections": (str(local / "forms.yml"), 2), "our-log": (str(local / "forms.yml"), 7)}, problems
