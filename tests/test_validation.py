"""Bad input, on the fixture handbook (tests/fixtures/project): every kind of mistake in data/ or a page
gets a clear message (file:line, item, field), loses nothing, and shows no traceback.

Each test copies the fixture (the `mini` fixture) and breaks one small YAML file or page, so rewording
the real handbook never breaks a validation test. Moved here from test_data.py, test_maintainers.py,
test_red_team_data.py and test_self_check.py, asserting what they asserted.

The unit tests call the loader and the page check directly; the build tests run the project's own
commands (`python -m macros check/build`, plain `mkdocs build`).
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from conftest import handbook, run

MESSAGE = re.compile(r"^(data|content)/[\w./-]+:\d+: ", re.M)
unit = pytest.mark.unit


def edit(path: Path, old: str, new: str) -> str:
    """Replace the first `old` in a file of the fixture copy; returns the text as it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's anchor text is not in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def line_of(path: Path, text: str, start: int = 0) -> int:
    """The line a text starts on in a file (after line `start`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if i > start and text in line)


def problems_after(mini: Path, file: str, old: str, new: str):
    """Load the fixture's data with one edit: (the problems, the line the edit starts on)."""
    from macros.data import HandbookError, load

    p = mini / "data" / file
    before = edit(p, old, new)
    with pytest.raises(HandbookError) as exc:
        load(mini / "data")
    return exc.value.problems, before[: before.index(old)].count("\n") + 1


# ================================================================== unit: the loader's messages

@unit
def test_the_fixture_is_valid(mini_hb):
    """Every test below breaks one thing in a handbook that is otherwise right."""
    from macros.pages import scan

    assert scan(mini_hb.data_dir.parent / "content", mini_hb)[0] == []


@unit
def test_loader_raises_handbook_error_not_traceback(mini):
    from macros.data import HandbookError, load

    (mini / "data" / "glossary.yml").write_text("# yaml-language-server: $schema=schema/glossary.schema.json\nterms: 3\n")
    with pytest.raises(HandbookError) as exc:
        load(mini / "data")
    assert "data/glossary.yml:2: field 'terms': expected a list, got a number (3)" in str(exc.value)


# ------------------------------------------------------------------ plain advice for YAML mistakes (from test_maintainers)

@unit
def test_colon_in_a_title_says_put_the_text_in_quotes(mini):
    (p,), line = problems_after(mini, "case-studies.yml", "    title: Coaching pairs at Test School", "    title: Coaching pairs: Test School")
    assert (p.file, p.line) == ("data/case-studies.yml", line)
    assert "Put the text in quotes" in p.message
    assert 'title: "Coaching pairs: Test School"' in p.message  # the line as it should be
    assert f"> {line:4} |     title: Coaching pairs: Test School" in p.message  # the line as it is


@unit
def test_colon_in_a_list_entry_says_put_the_text_in_quotes(mini):
    (p,), _ = problems_after(mini, "case-studies.yml", '      - "Aim: help new teachers settle."', "      - Aim: help new teachers settle.")
    assert "expected text, got a mapping" in p.message and "put the whole text in quotes" in p.message
    assert (p.item, p.field) == ("case-study-second-school", "points")


@unit
def test_a_tab_says_use_spaces_and_shows_it(mini):
    (p,), line = problems_after(mini, "prompts.yml", "    group: test-reflections\n    text: What would", "\tgroup: test-reflections\n    text: What would")
    assert p.line == line and "tab character" in p.message and "spaces" in p.message
    assert f"> {line:4} | →group: test-reflections" in p.message


@unit
@pytest.mark.parametrize("spaces,rel", [(6, "more"), (3, "less")])
def test_wrong_indentation_shows_the_line_and_the_one_above(mini, spaces, rel):
    (p,), line = problems_after(mini, "prompts.yml", "    text: What would a TLA", " " * spaces + "text: What would a TLA")
    assert p.line == line and f"indented {rel} than the line above ({spaces} spaces against 4)" in p.message
    assert f"  {line - 1:4} |     group: test-reflections" in p.message
    assert f"> {line:4} | {' ' * spaces}text: What would a TLA" in p.message


@unit
def test_missing_dash_before_a_new_case_study_says_add_it_and_deletes_nothing(mini):
    """Indented like the item above, a new item without "- " is no YAML error: its fields overwrite
    the case study above. The advice 'appears twice ... keep one' per field would have had the
    maintainer delete one of the two case studies."""
    problems, line = problems_after(mini, "case-studies.yml", "  - id: case-study-second-school", "    id: case-study-second-school")
    (p,) = problems  # one message, not one per field; nothing follows from the merged item
    assert (p.line, p.field) == (line, "id")
    assert "has no '- ' in front of it" in p.message and "Write '- ' before 'id:'" in p.message
    assert "  - id: case-study-second-school" in p.message and "keep one" not in p.message


@unit
def test_missing_dash_at_the_items_indentation_says_add_it(mini):
    (p,), line = problems_after(mini, "prompts.yml", "  - id: reflect-second", "  id: reflect-second")
    assert p.line == line and "no '- ' in front of it" in p.message and "- id: reflect-second" in p.message


@unit
def test_missing_dash_on_the_first_item_says_add_it(mini):
    (p,), line = problems_after(mini, "prompts.yml", "  - id: reflect-first", "    id: reflect-first")
    assert p.line == line and "no '- ' in front of it" in p.message


@unit
def test_a_list_written_without_dashes_gets_the_schema_message_with_the_hint(mini):
    text = (mini / "data" / "prompts.yml").read_text(encoding="utf-8")
    groups = text[text.index("groups:\n"): text.index("prompts:\n")]
    problems, _ = problems_after(mini, "prompts.yml", groups, "groups:\n    id: test-reflections\n    title: Test reflections\n\n")
    msgs = [p.message for p in problems if p.field == "groups"]
    assert msgs and "expected a list, got a mapping" in msgs[0] and "starts with '- '" in msgs[0], [p.format() for p in problems]


@unit
def test_unknown_source_id_lists_the_valid_ones_and_where_to_add_one(mini):
    (p,), line = problems_after(mini, "prompts.yml", "{doc: test-guide, at: Part 1}", "{doc: estyn-report, at: Part 1}")
    assert (p.file, p.line, p.item, p.field) == ("data/prompts.yml", line, "reflect-first", "source.doc")
    assert "'estyn-report' is not the id of any document" in p.message
    assert "the ids there are: other-guide, test-guide" in p.message
    assert "add it to data/sources.yml under documents" in p.message


@unit
def test_unknown_facet_value_lists_the_valid_ones_and_where_to_add_one(mini):
    (p,), _ = problems_after(mini, "case-studies.yml", "facets: {phase: [primary]}", "facets: {phase: [nursery]}")
    assert (p.item, p.field) == ("case-study-test-school", "facets.phase")
    assert "'nursery' is not the id of any value of facet 'phase'" in p.message
    assert "the ids there are: primary, secondary" in p.message
    assert "under facets, in the values of facet 'phase'" in p.message


@unit
def test_an_unreadable_file_brings_no_follow_on_messages(mini):
    problems, _ = problems_after(mini, "prompts.yml", "    text: What did the school do first?", "    text: Think: what did the school do first?")
    assert len(problems) == 1, [p.format() for p in problems]  # not one per question that points into prompts.yml


# ------------------------------------------------------------------ one-line fields refuse line breaks (from test_red_team_data)
# (data file, path to a text field, value) -> refused with "must be on one line" at that field's line
ONE_LINE = {
    "glossary-expansion": ("glossary", ("terms", 0, "expansion"), 'Three-letter abbreviation\n\n<script>alert("pwn")</script>'),
    "case-study-title": ("case-studies", ("case_studies", 0, "title"), "A title\n{: onmouseover=alert(1) }"),
    "form-title": ("forms", ("forms", 0, "title"), "A form\n{: onmouseover=alert(1) }"),
    "source-at": ("principles", ("principles", 0, "source", "at"), "Part 1\n\nmore"),
    "list-title": ("lists", ("lists", 0, "title"), "Title\r\nsecond line"),
    "item-term": ("lists", ("lists", 2, "items", 0, "term"), "Term\u2028second line"),
    "definition-term": ("definitions", ("definitions", 0, "term"), "Coaching\n"),
    "field-label": ("forms", ("forms", 0, "item_fields", 0, "label"), "Label\nnext"),
    "facet-label": ("case-studies", ("facets", 0, "label"), "Phase\nnext"),
    "group-title": ("prompts", ("groups", 0, "title"), "Group\nnext"),
    "reference-cite": ("sources", ("references", 0, "cite"), "Smith\n(2020)"),
    "principle-title": ("principles", ("principles", 0, "title"), "Title\n# heading"),
}


def set_in_yaml(data_dir: Path, name: str, path: tuple, value) -> None:
    """Set one field of a data file (rewritten by PyYAML: lines move, so tests read them back)."""
    f = data_dir / f"{name}.yml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    f.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


@unit
@pytest.mark.parametrize("case", sorted(ONE_LINE))
def test_one_line_fields_refuse_line_breaks(case, mini):
    from macros.data import HandbookError, load

    name, path, value = ONE_LINE[case]
    set_in_yaml(mini / "data", name, path, value)
    with pytest.raises(HandbookError) as exc:
        load(mini / "data")
    (problem,) = exc.value.problems
    assert problem.file == f"data/{name}.yml" and problem.field == path[-1], problem.format()
    assert problem.message.startswith("must be on one line"), problem.format()
    line = (mini / "data" / f"{name}.yml").read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert line.lstrip(" -").startswith(f"{path[-1]}:") or f"{path[-1]}:" in line, (problem.format(), line)


@unit
@pytest.mark.parametrize("term", ["A]B", "A[1]", "A\\B"])
def test_a_glossary_term_cannot_break_its_abbreviation(term, mini):
    from macros.data import HandbookError, load

    set_in_yaml(mini / "data", "glossary", ("terms", 0, "term"), term)
    with pytest.raises(HandbookError) as exc:
        load(mini / "data")
    (problem,) = exc.value.problems
    assert (problem.item, problem.field) == ("tla", "term") and "without [ ] or \\" in problem.message, problem.format()


@unit
def test_a_control_character_in_any_text_is_refused(mini):
    from macros.data import HandbookError, load

    set_in_yaml(mini / "data", "case-studies", ("case_studies", 0, "summary"), "Para one.\n\nPara \x02two\x03.")
    with pytest.raises(HandbookError) as exc:
        load(mini / "data")
    (problem,) = exc.value.problems
    assert (problem.item, problem.field) == ("case-study-test-school", "summary") and "control character" in problem.message


# ------------------------------------------------------------------ forms (from test_self_check)

@unit
@pytest.mark.parametrize("yaml_from,yaml_to,item,message", [
    ("items_from: {list: good-coaches}", "items_from: {list: good-coachs}", "coach-check",
     "field 'items_from.list': 'good-coachs' is not the id of any list (did you mean 'good-coaches'?)"),
    ("type: scale, scale: practice,", "type: scale, scale: practise,", "rating",
     "field 'scale': 'practise' is not the id of any scale in data/forms.yml (did you mean 'practice'?)"),
    ('unique_when: {field: required, value: "yes"}', 'unique_when: {field: requried, value: "yes"}', "rank",
     "field 'unique_when.field': 'requried' is not the id of any field of this form (did you mean 'required'?)"),
    ("type: rank", "type: ranking", "rank", "field 'type': "),
])
def test_form_declaration_errors_name_file_line_and_field(mini, yaml_from, yaml_to, item, message):
    problems, line = problems_after(mini, "forms.yml", yaml_from, yaml_to)
    (p,) = problems
    assert (p.file, p.line, p.item) == ("data/forms.yml", line, item), p.format()
    assert message in p.format()


@unit
def test_log_mistakes_are_named_with_file_and_line(mini):
    """(from test_coaching_log) A log kind's form, its date field, its field types and its title field."""
    from macros.data import HandbookError, load

    forms = mini / "data" / "forms.yml"
    edit(forms, "        form: session-plan\n", "        form: session-plann\n")
    edit(forms, "          - {id: date, type: date, label: Date of the session}\n", "          - {id: when, type: line, label: Date of the session}\n")
    edit(forms, "          - {id: notes, type: text, label: What we talked about}",
         "          - {id: notes, type: scale, scale: practice, label: What we talked about}")
    edit(forms, "        title_field: title\n", "        title_field: notes\n")
    with pytest.raises(HandbookError) as exc:
        load(mini / "data")
    msg = str(exc.value)
    line = line_of(forms, "        form: session-plann")
    assert (f"data/forms.yml:{line}: item 'plan': field 'form': 'session-plann' is not the id of any form in data/forms.yml "
            "(did you mean 'session-plan'?)") in msg, msg
    line = line_of(forms, "type: scale, scale: practice, label: What we talked about")
    assert (f"data/forms.yml:{line}: item 'notes': field 'type': field 'notes' is a scale field; "
            "a log entry keeps only text, line, date, check fields") in msg, msg
    line = line_of(forms, "      - id: session")
    assert f"data/forms.yml:{line}: item 'session': field 'fields': has no date field; every entry is dated" in msg, msg
    line = line_of(forms, "        title_field: notes")
    assert f"data/forms.yml:{line}: item 'session': field 'title_field': 'notes' is not the id of any line field of this entry" in msg, msg


@unit
def test_a_figure_of_definitions_naming_an_unknown_definition_is_reported(mini):
    """(from test_reader)"""
    (p,), _ = problems_after(mini, "definitions.yml", "definitions: [coaching-test-definition,", "definitions: [coaching-test-defintion,")
    line = line_of(mini / "data" / "definitions.yml", "coaching-test-defintion")
    assert p.format().startswith(f"data/definitions.yml:{line}: item 'test-definitions': field 'definitions': 'coaching-test-defintion' "
                                  "is not the id of any definition (did you mean 'coaching-test-definition'?)"), p.format()


# ------------------------------------------------------------------ content on no page (from test_maintainers)

NEW_PROMPT = """
  - id: reflect-new-question
    group: test-points
    text: What would you try first?
    source: {doc: test-guide, at: Part 1}
"""


def append(path: Path, text: str, section_after: str | None = None) -> int:
    """Append text to a file (or, with section_after, just before that top-level section, so the text
    stays in the section above it); returns the line number the text's first non-blank line lands on."""
    whole = path.read_text(encoding="utf-8")
    cut = whole.find(f"\n{section_after}:\n") + 1 if section_after and f"\n{section_after}:\n" in whole else len(whole)
    before, after = whole[:cut], whole[cut:]
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text.lstrip("\n") + ("\n" if after else "") + after, encoding="utf-8")
    return before.count("\n") + 1 + next(i for i, line in enumerate(text.lstrip("\n").splitlines()) if line.strip())


def on_no_page(mini: Path, local: list[Path] = ()):
    from macros.data import load
    from macros.pages import scan

    return scan(mini / "content", load(mini / "data", local))[0]


NEW_GROUP = "  - id: extra-questions\n    title: Extra questions\n    description: More.\n\nprompts:\n"


@unit
def test_prompt_on_no_page_is_reported_with_file_and_line(mini):
    line = append(mini / "data" / "prompts.yml", NEW_PROMPT)
    (p,) = on_no_page(mini)
    assert (p.file, p.line, p.item) == ("data/prompts.yml", line, "reflect-new-question")
    assert "is on no page" in p.message and '{{ prompt("reflect-new-question") }}' in p.message


@unit
def test_prompt_shown_by_its_groups_macro_is_placed(mini):
    append(mini / "data" / "prompts.yml", NEW_PROMPT.replace("test-points", "test-reflections"))
    assert on_no_page(mini) == []  # coaching.md shows the whole group with prompts("test-reflections")


@unit
def test_case_study_question_not_listed_by_any_case_study_is_reported(mini):
    append(mini / "data" / "prompts.yml", NEW_PROMPT.replace("test-points", "test-case-questions"))
    (p,) = on_no_page(mini)
    assert p.item == "reflect-new-question" and "questions of the case study" in p.message


@unit
def test_case_study_question_listed_by_a_case_study_is_placed(mini):
    append(mini / "data" / "prompts.yml", NEW_PROMPT.replace("test-points", "test-case-questions"))
    edit(mini / "data" / "case-studies.yml", "      - case-question-one\n", "      - case-question-one\n      - reflect-new-question\n")
    assert on_no_page(mini) == []


@unit
def test_empty_prompt_group_on_no_page_is_reported(mini):
    text = edit(mini / "data" / "prompts.yml", "prompts:\n", NEW_GROUP)
    line = text.splitlines().index("prompts:") + 1
    (p,) = on_no_page(mini)
    assert (p.file, p.line, p.item) == ("data/prompts.yml", line, "extra-questions")
    assert "prompt group 'extra-questions' is on no page" in p.message


@unit
def test_form_claiming_groups_none_of_whose_prompts_is_on_a_page_is_reported(mini):
    append(mini / "data" / "prompts.yml", """
  - id: extra-1
    group: extra-questions
    text: An extra question?
    source: {doc: test-guide, at: Part 1}
""")
    edit(mini / "data" / "prompts.yml", "prompts:\n", NEW_GROUP)
    line = append(mini / "data" / "forms.yml", section_after="logs", text="""
  - id: extra-notes
    title: Extra notes
    prompt_groups: [extra-questions]
    item_fields:
      - {id: note, type: text, label: Your notes}
""")
    found = {p.item: p for p in on_no_page(mini)}
    assert set(found) == {"extra-1", "extra-notes"}
    assert (found["extra-notes"].file, found["extra-notes"].line) == ("data/forms.yml", line)
    assert "none of them is on a page" in found["extra-notes"].message


@unit
def test_form_on_no_page_is_reported(mini):
    line = append(mini / "data" / "forms.yml", section_after="logs", text="""
  - id: extra-form
    title: Extra
    fields:
      - {id: note, type: text, label: Your notes}
""")
    (p,) = on_no_page(mini)
    assert (p.file, p.line, p.item) == ("data/forms.yml", line, "extra-form")
    assert '{{ self_check("extra-form") }}' in p.message


@unit
def test_a_schools_local_prompt_on_no_page_names_the_schools_file(mini):
    local = mini / "school"
    local.mkdir()
    (local / "prompts.yml").write_text("prompts:" + NEW_PROMPT.replace("reflect-new-question", "school-question")
                                       .replace("test-points", "test-case-questions"), encoding="utf-8")
    (p,) = on_no_page(mini, [local])
    assert p.file.endswith("school/prompts.yml") and p.line == 2 and p.item == "school-question"


@unit
def test_an_unknown_definitions_topic_names_the_page_line_and_known_topics(mini):
    from macros.pages import check

    from macros.data import HandbookError, load

    page = mini / "content" / "index.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + '\n{{ definitions("mentorin") }}\n', encoding="utf-8")
    with pytest.raises(HandbookError) as exc:
        check(mini / "content", load(mini / "data"))
    line = text.count("\n") + 2
    assert (f"content/index.md:{line}: field 'definitions': macro 'definitions': unknown definitions topic id 'mentorin'; "
            "known ids: coaching, mentoring") in str(exc.value)


# ================================================================== build: the commands a maintainer runs

# (file, find, replace, expected fragment of the message). `find` must occur in the file.
CASES = {
    "yaml-syntax": ("data/principles.yml", "  - id: first-principle\n", "  - id: [first-principle\n",
                    "YAML syntax error: while parsing a flow sequence that starts on line {line}"),
    "missing-field": ("data/principles.yml", "    title: Listen first\n", "", "item 'first-principle': field 'title': is required but missing"),
    "wrong-type": ("data/principles.yml", "    number: 1\n", "    number: first\n",
                   "item 'first-principle': field 'number': expected a whole number, got text 'first'"),
    "unknown-field": ("data/principles.yml", "    title: Listen first\n", "    title: Listen first\n    titel: typo\n",
                      "item 'first-principle': field 'titel': is not a known field (did you mean 'title'?)"),
    "empty-text": ("data/principles.yml", "    title: Listen first\n", "    title: '  '\n",
                   "item 'first-principle': field 'title': is empty; expected some text"),
    "duplicate-id": ("data/principles.yml", "  - id: second-principle\n", "  - id: first-principle\n",
                     "item 'first-principle': field 'id': duplicate principle id"),
    "dangling-question": ("data/case-studies.yml", "      - case-question-one\n", "      - case-question-on\n",
                          "field 'questions': 'case-question-on' is not the id of any prompt in data/prompts.yml (did you mean 'case-question-one'?)"),
    "dangling-pairing": ("data/lists.yml", "pairs_with: hear", "pairs_with: haer", "field 'pairs_with': 'haer' is not the id of any item of list"),
    "dangling-source": ("data/principles.yml", '{doc: test-guide, at: "Part 1"}', '{doc: test-guid, at: "Part 1"}',
                        "field 'source.doc': 'test-guid' is not the id of any document"),
    "unknown-macro": ("content/principles.md", "{{ principles() }}", "{{ principals() }}",
                      "content/principles.md:{line}: field 'principals': unknown macro 'principals'"),
    "unknown-id-on-page": ("content/coaching.md", '{{ figure("test-cycle") }}', '{{ figure("gorw") }}',
                           "content/coaching.md:{line}: field 'figure': macro 'figure': unknown list id 'gorw'"),
}


def break_case(project: Path, case: str) -> str:
    """Make the case's mistake; returns the message expected, with its line."""
    rel, find, replace, expected = CASES[case]
    edit(project / rel, find, replace)
    text = (project / rel).read_text(encoding="utf-8")
    line = text[: text.index(replace)].count("\n") + 1 if replace else None
    return expected.replace("{line}", str(line))


@pytest.fixture(scope="module")
def built_mini(tmp_path_factory):
    """A copy of the fixture handbook with a good site/ built in it."""
    from conftest import fixture_project

    proj = fixture_project(tmp_path_factory.mktemp("mini") / "handbook")
    r = handbook("build", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    (proj / "site" / "sentinel.txt").write_text("the previous good build")
    return proj


def mkdocs(*args, cwd):
    return run([str(Path(sys.executable).parent / "mkdocs"), *args], cwd=cwd)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_and_site_survives(case, built_mini, tmp_path):
    proj = tmp_path / "handbook"
    shutil.copytree(built_mini, proj, symlinks=True)
    before = (proj / "site" / "index.html").read_bytes()
    expected = break_case(proj, case)

    r = handbook("check", cwd=proj)
    assert r.returncode != 0
    assert expected in r.stderr, r.stderr
    assert MESSAGE.search(r.stderr)
    assert "Traceback" not in r.stderr

    r = handbook("build", cwd=proj)
    assert r.returncode != 0
    assert expected in r.stderr, r.stderr
    assert (proj / "site" / "sentinel.txt").exists(), "a failed build must leave the old site"
    assert (proj / "site" / "index.html").read_bytes() == before

    # Plain `mkdocs build` fails too (define_env reports the same message), without a traceback.
    r = mkdocs("build", "--strict", "-d", str(tmp_path / "out"), cwd=proj)
    assert r.returncode != 0
    assert expected in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_all_problems_are_reported_at_once(mini_cli):
    for case in ("missing-field", "dangling-question", "dangling-source"):
        break_case(mini_cli, case)
    r = handbook("check", cwd=mini_cli)
    assert r.returncode != 0
    assert "3 problems" in r.stderr
    assert len(MESSAGE.findall(r.stderr)) == 3


def test_a_page_rendering_error_fails_the_build(mini_cli, tmp_path):
    """A computed id (which the static check could not see) is refused: pages give ids in quotes."""
    p = mini_cli / "content" / "coaching.md"
    edit(p, '{{ figure("test-cycle") }}', '{{ figure("test" ~ "-cycle") }}')
    r = mkdocs("build", "--strict", "-d", str(tmp_path / "out"), cwd=mini_cli)
    assert r.returncode != 0
    line = line_of(p, '{{ figure("test" ~ "-cycle") }}')
    assert f"content/coaching.md:{line}: field 'figure': macro 'figure': an argument is computed" in (r.stdout + r.stderr)
    assert not (tmp_path / "out" / "coaching.html").exists() or "Macro Rendering Error" not in (tmp_path / "out" / "coaching.html").read_text()


def test_check_reports_a_prompt_on_no_page(mini_cli):
    line = append(mini_cli / "data" / "prompts.yml", NEW_PROMPT)
    r = handbook("check", cwd=mini_cli)
    assert r.returncode == 1
    assert f"data/prompts.yml:{line}: item 'reflect-new-question': field 'id': point for reflection 'reflect-new-question' is on no page" in r.stderr, r.stderr


def test_check_says_a_form_is_on_no_page(mini_cli):
    edit(mini_cli / "content" / "coaching.md", '{{ self_check("next-steps") }}', "")
    line = line_of(mini_cli / "data" / "forms.yml", "  - id: next-steps")
    r = handbook("check", cwd=mini_cli)
    assert r.returncode != 0
    assert f"data/forms.yml:{line}: item 'next-steps': field 'id': form 'next-steps' is on no page" in r.stderr, r.stderr


def test_check_says_a_log_is_on_no_page(mini_cli):
    """(from test_coaching_log)"""
    edit(mini_cli / "content" / "coaching-log.md", '{{ coaching_log("test-log") }}', "")
    line = line_of(mini_cli / "data" / "forms.yml", "  - id: test-log")
    r = handbook("check", cwd=mini_cli)
    assert r.returncode != 0
    assert f"data/forms.yml:{line}: " in r.stderr and "coaching log 'test-log' is on no page; add {{ coaching_log(\"test-log\") }}" in r.stderr, r.stderr


def test_check_names_file_line_item_and_field_for_a_line_break(mini_cli):
    """The command a maintainer runs: the glossary expansion that once put a script on 14 pages."""
    f = mini_cli / "data" / "glossary.yml"
    text = f.read_text(encoding="utf-8")
    m = re.search(r"^(\s+)expansion: (.+)$", text, re.M)
    # a plain scalar continued after a blank line: YAML folds it into the expansion with a line break
    f.write_text(text[: m.end()] + "\n\n" + m.group(1) + '  <script>alert("pwn")</script>' + text[m.end():], encoding="utf-8")
    line = text[: m.start()].count("\n") + 1
    r = handbook("check", cwd=mini_cli)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"data/glossary.yml:{line}: item 'tla': field 'expansion': must be on one line" in r.stderr, r.stderr


# ------------------------------------------------------------------ silent losses are errors (from test_red_team_data)

def with_local_data(mini: Path, folder: str) -> Path:
    """The fixture as a school's edition: its mkdocs.yml names a local data folder."""
    edit(mini / "mkdocs.yml", "local_data: []", f"local_data: [{folder}]")
    return mini / folder


def check_fails(proj: Path) -> str:
    r = handbook("check", cwd=proj)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    return r.stderr


def build_fails(proj: Path, tmp_path: Path) -> str:
    r = handbook("build", "-d", str(tmp_path / "out"), cwd=proj)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "out").exists()
    return r.stderr


def test_a_missing_local_data_folder_is_an_error(mini_cli, tmp_path):
    from macros.data import HandbookError, load

    with_local_data(mini_cli, "schol")
    err = check_fails(mini_cli)
    # named at its line in mkdocs.yml (macros/settings.py reads the config once for check and build)
    line = next(i for i, t in enumerate((mini_cli / "mkdocs.yml").read_text(encoding="utf-8").splitlines(), 1) if "schol" in t)
    assert f"mkdocs.yml:{line}: extra.handbook.local_data: 'schol' is not a folder next to mkdocs.yml" in err, err
    # the build says the same, and builds nothing
    assert "is not a folder" in build_fails(mini_cli, tmp_path)
    with pytest.raises(HandbookError):
        load(mini_cli / "data", [tmp_path / "no-such-folder"])


def test_a_school_form_cannot_take_a_core_forms_prompt_group(mini_cli):
    local = with_local_data(mini_cli, "school")
    local.mkdir()
    (local / "forms.yml").write_text("""forms:
  - id: our-reflections
    title: Our reflections
    prompt_groups: [test-reflections]
    item_fields:
      - {id: notes, type: text, label: Our notes}
""", encoding="utf-8")
    core_line = line_of(mini_cli / "data" / "forms.yml", "prompt_groups: [test-reflections")
    err = check_fails(mini_cli)
    assert ("school/forms.yml:4: item 'our-reflections': field 'prompt_groups': prompt group 'test-reflections' "
            f"already has its fields from form 'reflections' (data/forms.yml:{core_line}); a group belongs to one form") in err, err


@pytest.mark.parametrize("clash", ["same-term", "same-term-other-case", "same-id"])
def test_a_school_glossary_term_cannot_replace_a_core_one_silently(clash, mini_cli):
    term, ident = {"same-term": ("TLA", "our-tla"), "same-term-other-case": ("tla", "our-tla"), "same-id": ("Our TLA", "tla")}[clash]
    local = with_local_data(mini_cli, "school")
    local.mkdir()
    (local / "glossary.yml").write_text(f"""terms:
  - id: {ident}
    term: {term}
    expansion: three-letter abbreviation, as we use it
    source: {{doc: test-guide, at: Part 1}}
""", encoding="utf-8")
    err = check_fails(mini_cli)
    if clash == "same-id":
        assert "school/glossary.yml:2: item 'tla': field 'id': duplicate glossary term id" in err, err
        assert f"data/glossary.yml:{line_of(mini_cli / 'data' / 'glossary.yml', '  - id: tla')}" in err
    else:
        core_line = line_of(mini_cli / "data" / "glossary.yml", "    term: TLA")
        assert (f"school/glossary.yml:3: item 'our-tla': field 'term': term '{term}' is already in the glossary "
                f"(as 'tla' in data/glossary.yml:{core_line})") in err, err


def test_two_items_with_one_html_id_on_a_page_stop_the_build(mini_cli, tmp_path):
    """A prompt whose id is a list item's HTML id ('test-cycle-plan': item 'plan' of list
    'test-cycle'), both on one page."""
    prompts = mini_cli / "data" / "prompts.yml"
    prompt_line = append(prompts, """
  - id: test-cycle-plan
    group: test-points
    text: How do you plan a session?
    source: {doc: test-guide, at: Part 2}
""")
    lists = mini_cli / "data" / "lists.yml"
    item_line = line_of(lists, "      - id: plan", line_of(lists, "  - id: test-cycle"))
    edit(mini_cli / "content" / "coaching.md", '{{ figure("test-cycle") }}', '{{ figure("test-cycle") }}\n\n{{ prompt("test-cycle-plan") }}')
    err = build_fails(mini_cli, tmp_path)
    assert ("content/coaching.md: HTML id 'test-cycle-plan' is made by both item 'plan' of list 'test-cycle' "
            f"(data/lists.yml:{item_line}) and prompt 'test-cycle-plan' (data/prompts.yml:{prompt_line}); rename one of them") in err, err


def test_one_item_shown_twice_on_a_page_stops_the_build(mini_cli, tmp_path):
    page = mini_cli / "content" / "coaching.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n{{ prompt("point-one") }}\n\n{{ prompt("point-one") }}\n', encoding="utf-8")
    line = line_of(mini_cli / "data" / "prompts.yml", "  - id: point-one")
    err = build_fails(mini_cli, tmp_path)
    assert (f"content/coaching.md: HTML id 'point-one' is made twice, by prompt 'point-one' (data/prompts.yml:{line}): "
            "it is shown twice on this page; show it once") in err, err


def test_one_form_shown_twice_on_a_page_names_the_form(mini_cli, tmp_path):
    page = mini_cli / "content" / "principles.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n{{ self_check("next-steps") }}\n\n{{ self_check("next-steps") }}\n', encoding="utf-8")
    edit(mini_cli / "content" / "coaching.md", '{{ self_check("next-steps") }}', "")
    line = line_of(mini_cli / "data" / "forms.yml", "  - id: next-steps")
    err = build_fails(mini_cli, tmp_path)
    assert re.search(r"content/principles.md: HTML id '[a-z0-9-]+' is made twice, by form 'next-steps' "
                     rf"\(data/forms.yml:{line}\): it is shown twice on this page; show it once", err), err
