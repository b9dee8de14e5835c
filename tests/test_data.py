"""Loading and validating data/: the real data loads; every kind of mistake gets a clear message."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, handbook, run
from macros.data import HandbookError, load

MESSAGE = re.compile(r"^(data|content)/[\w./-]+:\d+: ", re.M)


def test_real_data_loads(hb):
    assert len(hb.lists) >= 30
    assert len(hb.case_studies) == 7
    assert len(hb.principles) == 10
    assert len([p for p in hb.prompts.values() if p["group"] == "points-for-reflection"]) == 9


def test_every_data_file_names_its_schema():
    for f in sorted((ROOT / "data").glob("*.yml")):
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=schema/{f.stem}.schema.json", f
        assert (ROOT / "data" / "schema" / f"{f.stem}.schema.json").exists()


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


def test_check_command_is_fast_and_quiet():
    r = handbook("check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("data OK:")


def test_fig9_and_fig14_pair_both_ways(hb):
    coaches, mentors = hb.lists["effective-coaches"], hb.lists["effective-mentors"]
    assert coaches["pairs_with"] == "effective-mentors"
    for it in coaches["items"]:
        other = hb.item("effective-mentors", it["pairs_with"])
        assert other["pairs_with"] == it["id"]
    assert len(coaches["items"]) == len(mentors["items"]) == 9


# ---------------------------------------------------------------- bad input
# (file, find, replace, expected fragment of the message). `find` must occur in the file.
CASES = {
    "yaml-syntax": ("data/principles.yml", "  - id: learning-conversation\n", "  - id: [learning-conversation\n", "YAML syntax error: while parsing a flow sequence that starts on line {line}"),
    "missing-field": ("data/principles.yml", "    title: A learning conversation\n", "", "item 'learning-conversation': field 'title': is required but missing"),
    "wrong-type": ("data/principles.yml", "    number: 1\n", "    number: first\n", "item 'learning-conversation': field 'number': expected a whole number, got text 'first'"),
    "unknown-field": ("data/principles.yml", "    title: A learning conversation\n", "    title: A learning conversation\n    titel: typo\n", "item 'learning-conversation': field 'titel': is not a known field (did you mean 'title'?)"),
    "empty-text": ("data/principles.yml", "    title: A learning conversation\n", "    title: '  '\n", "item 'learning-conversation': field 'title': is empty; expected some text"),
    "duplicate-id": ("data/principles.yml", "  - id: challenging-personal-goals\n", "  - id: learning-conversation\n", "item 'learning-conversation': field 'id': duplicate principle id"),
    "dangling-question": ("data/case-studies.yml", "      - case-2-choose-coach\n", "      - case-2-choose-a-coach\n", "field 'questions': 'case-2-choose-a-coach' is not the id of any prompt in data/prompts.yml (did you mean 'case-2-choose-coach'?)"),
    "dangling-pairing": ("data/lists.yml", "pairs_with: relate-sensitively", "pairs_with: relate-sensitivly", "field 'pairs_with': 'relate-sensitivly' is not the id of any item of list"),
    "dangling-source": ("data/principles.yml", '{doc: national-framework, at: "Principle 1"}', '{doc: national-frame, at: "Principle 1"}', "field 'source.doc': 'national-frame' is not the id of any document"),
    "unknown-macro": ("content/principles.md", "{{ principles() }}", "{{ principals() }}", "content/principles.md:{line}: field 'principals': unknown macro 'principals'"),
    "unknown-id-on-page": ("content/coaching.md", '{{ figure("coaching-terms") }}', '{{ figure("gorw") }}', "content/coaching.md:{line}: field 'figure': macro 'figure': unknown list id 'gorw'"),
}


def _break(project: Path, case: str) -> None:
    rel, find, replace, _ = CASES[case]
    p = project / rel
    text = p.read_text(encoding="utf-8")
    assert find in text, f"{case}: the test's anchor text is not in {rel}"
    p.write_text(text.replace(find, replace, 1), encoding="utf-8")


def _expected(project: Path, case: str) -> str:
    rel, find, replace, expected = CASES[case]
    text = (project / rel).read_text(encoding="utf-8")
    line = text[: text.index(replace if replace else find)].count("\n") + 1 if replace else None
    return expected.replace("{line}", str(line))


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory):
    """A copy of the project with a good site/ built in it."""
    proj = copy_project(tmp_path_factory.mktemp("proj") / "handbook")
    r = handbook("build", cwd=proj)
    assert r.returncode == 0, r.stderr
    (proj / "site" / "sentinel.txt").write_text("the previous good build")
    return proj


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_and_site_survives(case, built_copy, tmp_path):
    proj = tmp_path / "handbook"
    shutil.copytree(built_copy, proj, symlinks=True)
    before = (proj / "site" / "index.html").read_bytes()
    _break(proj, case)
    expected = _expected(proj, case)

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
    r = run([str(Path(__import__("sys").executable).parent / "mkdocs"), "build", "--strict", "-d", str(tmp_path / "out")], cwd=proj)
    assert r.returncode != 0
    assert expected in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_all_problems_are_reported_at_once(tmp_path):
    proj = copy_project(tmp_path / "handbook")
    for case in ("missing-field", "dangling-question", "dangling-source"):
        _break(proj, case)
    r = handbook("check", cwd=proj)
    assert r.returncode != 0
    assert "3 problems" in r.stderr
    assert len(MESSAGE.findall(r.stderr)) == 3


def test_a_page_rendering_error_fails_the_build(tmp_path):
    """A computed id (which the static check could not see) is refused: pages give ids in quotes."""
    proj = copy_project(tmp_path / "handbook")
    p = proj / "content" / "summary.md"
    p.write_text(p.read_text().replace('{{ figure("summary") }}', '{{ figure("sum" ~ "mry") }}'))
    r = run([str(Path(__import__("sys").executable).parent / "mkdocs"), "build", "--strict", "-d", str(tmp_path / "out")], cwd=proj)
    assert r.returncode != 0
    line = p.read_text().splitlines().index('{{ figure("sum" ~ "mry") }}') + 1
    assert f"content/summary.md:{line}: field 'figure': macro 'figure': an argument is computed" in (r.stdout + r.stderr)
    assert not (tmp_path / "out" / "summary.html").exists() or "Macro Rendering Error" not in (tmp_path / "out" / "summary.html").read_text()


def test_loader_raises_handbook_error_not_traceback(tmp_path):
    proj = copy_project(tmp_path / "handbook")
    (proj / "data" / "glossary.yml").write_text("# yaml-language-server: $schema=schema/glossary.schema.json\nterms: 3\n")
    with pytest.raises(HandbookError) as exc:
        load(proj / "data")
    assert "data/glossary.yml:2: field 'terms': expected a list, got a number (3)" in str(exc.value)
