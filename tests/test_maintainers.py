"""Maintainers (issue #12): what a non-developer editing data/ meets. Content in data but on no page
is reported; YAML mistakes get plain advice with the line shown; `serve` shows a failed build in the
browser; the copy-and-paste templates in the maintainers' reference pass `check`."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, handbook

NEW_PROMPT = """
  - id: reflect-new-question
    group: points-for-reflection
    text: What would you try first?
    source: {doc: wg-booklet, at: Section 2}
"""


def _scan(data: Path, local: list[Path] = ()):
    from macros.data import load
    from macros.pages import scan

    hb = load(data, local)
    return scan(ROOT / "content", hb)[0]


@pytest.fixture
def data(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def _append(path: Path, text: str) -> int:
    """Append text to a file; returns the line number the text's first non-blank line lands on."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1 + next(i for i, l in enumerate(text.splitlines()) if l.strip())


# ------------------------------------------------------------------ 1. content on no page


def test_the_core_places_everything(data):
    assert _scan(data) == []


def test_prompt_on_no_page_is_reported_with_file_and_line(data):
    line = _append(data / "prompts.yml", NEW_PROMPT)
    (p,) = _scan(data)
    assert (p.file, p.line, p.item) == ("data/prompts.yml", line, "reflect-new-question")
    assert "is on no page" in p.message and '{{ prompt("reflect-new-question") }}' in p.message


def test_prompt_shown_by_its_groups_macro_is_placed(data):
    _append(data / "prompts.yml", NEW_PROMPT.replace("points-for-reflection", "hod-questions"))
    assert _scan(data) == []  # embedding.md shows the whole group with prompts("hod-questions")


def test_case_study_question_not_listed_by_any_case_study_is_reported(data):
    _append(data / "prompts.yml", NEW_PROMPT.replace("points-for-reflection", "case-study-questions"))
    (p,) = _scan(data)
    assert p.item == "reflect-new-question" and "questions of the case study" in p.message


def test_case_study_question_listed_by_a_case_study_is_placed(data):
    _append(data / "prompts.yml", NEW_PROMPT.replace("points-for-reflection", "case-study-questions"))
    cs = data / "case-studies.yml"
    cs.write_text(cs.read_text(encoding="utf-8").replace("      - case-1-leaders-role\n", "      - case-1-leaders-role\n      - reflect-new-question\n"), encoding="utf-8")
    assert _scan(data) == []


def test_empty_prompt_group_on_no_page_is_reported(data):
    p_file = data / "prompts.yml"
    text = p_file.read_text(encoding="utf-8")
    p_file.write_text(text.replace("prompts:\n", "  - id: extra-questions\n    title: Extra questions\n    description: More.\n\nprompts:\n", 1), encoding="utf-8")
    line = text.splitlines().index("prompts:") + 1
    (p,) = _scan(data)
    assert (p.file, p.line, p.item) == ("data/prompts.yml", line, "extra-questions")
    assert "prompt group 'extra-questions' is on no page" in p.message


def test_form_claiming_groups_none_of_whose_prompts_is_on_a_page_is_reported(data):
    _append(data / "prompts.yml", """
  - id: extra-1
    group: extra-questions
    text: An extra question?
    source: {doc: wg-booklet, at: Section 2}
""")
    p_file = data / "prompts.yml"
    p_file.write_text(p_file.read_text(encoding="utf-8").replace("prompts:\n", "  - id: extra-questions\n    title: Extra questions\n    description: More.\n\nprompts:\n", 1), encoding="utf-8")
    forms = data / "forms.yml"
    line = _append(forms, """
  - id: extra-notes
    title: Extra notes
    prompt_groups: [extra-questions]
    item_fields:
      - {id: note, type: text, label: Your notes}
""")
    found = {p.item: p for p in _scan(data)}
    assert set(found) == {"extra-1", "extra-notes"}
    assert (found["extra-notes"].file, found["extra-notes"].line) == ("data/forms.yml", line)
    assert "none of them is on a page" in found["extra-notes"].message


def test_form_on_no_page_is_reported(data):
    line = _append(data / "forms.yml", """
  - id: extra-form
    title: Extra
    fields:
      - {id: note, type: text, label: Your notes}
""")
    (p,) = _scan(data)
    assert (p.file, p.line, p.item) == ("data/forms.yml", line, "extra-form")
    assert '{{ self_check("extra-form") }}' in p.message


def test_a_schools_local_prompt_on_no_page_names_the_schools_file(tmp_path):
    local = tmp_path / "school"
    shutil.copytree(ROOT / "examples" / "school" / "data", local)
    (local / "prompts.yml").write_text("prompts:" + NEW_PROMPT.replace("reflect-new-question", "llanfair-question")
                                       .replace("points-for-reflection", "case-study-questions"), encoding="utf-8")
    (p,) = _scan(ROOT / "data", [local])
    assert p.file.endswith("school/prompts.yml") and p.line == 2 and p.item == "llanfair-question"


def test_check_command_reports_a_prompt_on_no_page(tmp_path):
    proj = copy_project(tmp_path / "proj")
    line = _append(proj / "data" / "prompts.yml", NEW_PROMPT)
    r = handbook("check", cwd=proj)
    assert r.returncode == 1
    assert f"data/prompts.yml:{line}: item 'reflect-new-question': field 'id': point for reflection 'reflect-new-question' is on no page" in r.stderr
