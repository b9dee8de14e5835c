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


def _append(path: Path, text: str, section_after: str | None = None) -> int:
    """Append text to a file (or, with section_after, just before that top-level section, so the text
    stays in the section above it); returns the line number the text's first non-blank line lands on."""
    whole = path.read_text(encoding="utf-8")
    cut = whole.find(f"\n{section_after}:\n") + 1 if section_after and f"\n{section_after}:\n" in whole else len(whole)
    before, after = whole[:cut], whole[cut:]
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text.lstrip("\n") + ("\n" if after else "") + after, encoding="utf-8")
    return before.count("\n") + 1 + next(i for i, l in enumerate(text.lstrip("\n").splitlines()) if l.strip())


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
    line = _append(forms, section_after="logs", text="""
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
    line = _append(data / "forms.yml", section_after="logs", text="""
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


# ------------------------------------------------------------------ 2. plain advice for YAML mistakes


def _problems(data: Path, file: str, old: str, new: str):
    from macros.data import HandbookError, load

    p = data / file
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(HandbookError) as exc:
        load(data)
    return exc.value.problems, text[: text.index(old)].count("\n") + 1


def test_colon_in_a_title_says_put_the_text_in_quotes(data):
    (p,), line = _problems(data, "case-studies.yml", "    title: Coaching triplets at Herbert Thompson Primary School, Cardiff",
                           "    title: Coaching triplets: Herbert Thompson Primary School, Cardiff")
    assert (p.file, p.line) == ("data/case-studies.yml", line)
    assert "Put the text in quotes" in p.message
    assert 'title: "Coaching triplets: Herbert Thompson Primary School, Cardiff"' in p.message  # the line as it should be
    assert f"> {line:4} |     title: Coaching triplets: Herbert" in p.message  # the line as it is


def test_colon_in_a_list_entry_says_put_the_text_in_quotes(data):
    (p,), _ = _problems(data, "case-studies.yml", '      - "Aim: help schools prepare for Estyn inspections."',
                        "      - Aim: help schools prepare for Estyn inspections.")
    assert "expected text, got a mapping" in p.message and "put the whole text in quotes" in p.message


def test_a_tab_says_use_spaces_and_shows_it(data):
    (p,), line = _problems(data, "prompts.yml", "    group: points-for-reflection\n    text: What could",
                           "\tgroup: points-for-reflection\n    text: What could")
    assert p.line == line and "tab character" in p.message and "spaces" in p.message
    assert f"> {line:4} | →group: points-for-reflection" in p.message


@pytest.mark.parametrize("spaces,rel", [(6, "more"), (3, "less")])
def test_wrong_indentation_shows_the_line_and_the_one_above(data, spaces, rel):
    (p,), line = _problems(data, "prompts.yml", "    text: What could coaching", " " * spaces + "text: What could coaching")
    assert p.line == line and f"indented {rel} than the line above ({spaces} spaces against 4)" in p.message
    assert f"  {line - 1:4} |     group: points-for-reflection" in p.message
    assert f"> {line:4} | {' ' * spaces}text: What could coaching" in p.message


def test_missing_dash_before_a_new_case_study_says_add_it_and_deletes_nothing(data):
    """Indented like the item above, a new item without "- " is no YAML error: its fields overwrite
    the case study above. The old advice, 'appears twice ... keep one' per field, would have had the
    maintainer delete one of the two case studies."""
    problems, line = _problems(data, "case-studies.yml", "  - id: case-study-angela-and-miriam", "    id: case-study-angela-and-miriam")
    (p,) = problems  # one message, not one per field; nothing follows from the merged item
    assert (p.line, p.field) == (line, "id")
    assert "has no '- ' in front of it" in p.message and "Write '- ' before 'id:'" in p.message
    assert "  - id: case-study-angela-and-miriam" in p.message and "keep one" not in p.message


def test_missing_dash_at_the_items_indentation_says_add_it(data):
    (p,), line = _problems(data, "prompts.yml", "  - id: reflect-need-coaching", "  id: reflect-need-coaching")
    assert p.line == line and "no '- ' in front of it" in p.message and "- id: reflect-need-coaching" in p.message


def test_missing_dash_on_the_first_item_says_add_it(data):
    (p,), line = _problems(data, "prompts.yml", "  - id: reflect-benefits-for-you", "    id: reflect-benefits-for-you")
    assert p.line == line and "no '- ' in front of it" in p.message


def test_a_list_written_without_dashes_gets_the_schema_message_with_the_hint(data):
    text = (data / "prompts.yml").read_text(encoding="utf-8")
    groups = text[text.index("groups:\n"): text.index("prompts:\n")]
    one = "groups:\n    id: points-for-reflection\n    title: Points for reflection\n\n"
    problems, _ = _problems(data, "prompts.yml", groups, one)
    msgs = [p.message for p in problems if p.field == "groups"]
    assert msgs and "expected a list, got a mapping" in msgs[0] and "starts with '- '" in msgs[0], [p.format() for p in problems]


def test_unknown_source_id_lists_the_valid_ones_and_where_to_add_one(data):
    (p,), _ = _problems(data, "prompts.yml", "{doc: wg-booklet, at: Section 2}", "{doc: estyn-report, at: Section 2}")
    assert "'estyn-report' is not the id of any document" in p.message
    assert "the ids there are: embedding-article, hod-guide, national-framework, staff-guidance, wg-booklet" in p.message
    assert "add it to data/sources.yml under documents" in p.message


def test_unknown_facet_value_lists_the_valid_ones_and_where_to_add_one(data):
    (p,), _ = _problems(data, "case-studies.yml", "beneficiaries: [teachers, leaders]}", "beneficiaries: [teachers, parents]}")
    assert "'parents' is not the id of any value of facet 'beneficiaries'" in p.message
    assert "the ids there are: leaders, learners, mentors, schools, teachers" in p.message
    assert "under facets, in the values of facet 'beneficiaries'" in p.message


def test_an_unreadable_file_brings_no_follow_on_messages(data):
    problems, _ = _problems(data, "prompts.yml", "    text: What could coaching, mentoring or both do for you?",
                            "    text: Think about this: what could coaching do for you?")
    assert len(problems) == 1, [p.format() for p in problems]  # not one per question that points into prompts.yml


# ------------------------------------------------------------------ 3. serve shows a failed build in the browser


@pytest.fixture
def serving(tmp_path, free_port):
    """`python -m macros serve` (what `make serve` runs) on a copy of the project: (project, base URL, output file)."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    proj = copy_project(tmp_path / "proj")
    port = free_port()
    out = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}  # as in a maintainer's shell
    with out.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "macros", "serve", "-a", f"127.0.0.1:{port}"], cwd=proj,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        end = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "index.html", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > end or proc.poll() is not None:
                    pytest.fail("serve did not start:\n" + out.read_text())
                time.sleep(0.5)
        yield proj, base, out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the serve command and the mkdocs serve it started, nothing else
        proc.wait(timeout=30)


def _edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def test_serve_shows_a_failed_rebuild_in_the_browser_and_recovers(serving, page):
    proj, base, out = serving
    page.goto(base + "principles.html")
    heading = page.locator("h1").first.inner_text()
    # a data mistake: the open page reloads by itself and shows the problem with its file and line
    prompts = proj / "data" / "prompts.yml"
    good = _edit(prompts, "    text: What could coaching, mentoring or both do for you?", "    text: Think: what could coaching do for you?")
    line = good[: good.index("    text: What could coaching, mentoring")].count("\n") + 1
    page.wait_for_selector("h1:has-text('The handbook could not be built')", timeout=90_000)
    shown = page.locator(".hb-build-error").inner_text()
    assert f"data/prompts.yml:{line}:" in shown and "Put the text in quotes" in shown, shown
    # every page says so, and an address with no page too, rather than an old page
    page.goto(base + "glossary.html")
    assert "could not be built" in page.locator("h1").inner_text()
    page.goto(base + "principles.html")
    # fixed: the browser goes back to the page by itself
    prompts.write_text(good, encoding="utf-8")
    page.wait_for_selector(f"h1:has-text({heading!r})", timeout=90_000)
    assert page.locator(".hb-build-error").count() == 0
    # a mistake in a theme template, which fails after MkDocs has emptied the served folder
    main = proj / "overrides" / "main.html"
    good = _edit(main, "{% block extrahead %}", "{% block extrahead %}{% if %}")
    page.wait_for_selector("h1:has-text('The handbook could not be built')", timeout=90_000)
    assert "overrides/main.html:" in page.locator(".hb-build-error").inner_text()
    main.write_text(good, encoding="utf-8")
    page.wait_for_selector(f"h1:has-text({heading!r})", timeout=90_000)
    assert "end of life" not in out.read_text()  # Material's notice is not shown by the README's commands


def test_readme_commands_do_not_show_materials_end_of_life_notice(tmp_path):
    """Material 9.8.2 prints an end-of-life notice when run as `mkdocs` unless NO_MKDOCS_2_WARNING is
    set; `python -m macros` sets it for the mkdocs it runs, and make's targets go through it."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}
    for args in (["check"], ["build", "-d", str(tmp_path / "site")]):
        r = subprocess.run([sys.executable, "-m", "macros", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "end of life" not in r.stdout + r.stderr, args
    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "-o", "node_modules/.installed", "check", "build", "serve"],
                         cwd=ROOT, env=env, capture_output=True, text=True).stdout
    runs = [line for line in dry.splitlines() if "python" in line]
    assert runs and all(" -m macros " in line + " " for line in runs), runs


# ------------------------------------------------------------------ 5. copy-and-paste templates in the maintainers' reference


def _templates(site: Path) -> dict[str, dict]:
    """The templates as the built maintainers' page shows them (what a maintainer copies)."""
    import html
    import re

    raw = (site / "maintainers.html").read_text(encoding="utf-8")
    out: dict[str, dict] = {}
    for m in re.finditer(r'<pre class="hb-template" data-hb-template="([^"]+)" data-hb-template-file="([^"]+)"><code>(.*?)</code></pre>', raw, re.S):
        out[m.group(1)] = {"file": m.group(2), "yaml": html.unescape(m.group(3))}
    for m in re.finditer(r'<pre class="hb-template" data-hb-template-page="([^"]+)"><code>(.*?)</code></pre>', raw, re.S):
        out[m.group(1)]["page_line"] = html.unescape(m.group(2))
    return out


def test_the_reference_has_templates_for_a_case_study_a_point_for_reflection_and_a_glossary_term(site):
    found = _templates(site)
    assert set(found) == {"case-study", "prompt", "glossary-term"}
    assert {t["file"] for t in found.values()} == {"data/case-studies.yml", "data/prompts.yml", "data/glossary.yml"}
    assert found["prompt"]["page_line"] == '{{ prompt("reflect-your-question") }}'
    assert "number: 8" in found["case-study"]["yaml"]  # the next free number after the core's seven


@pytest.mark.parametrize("which", ["case-study", "prompt", "glossary-term", "all"])
def test_each_template_passes_check_when_pasted(site, tmp_path, which):
    from macros.data import load

    found = _templates(site)
    proj = copy_project(tmp_path / "proj")
    for name, t in found.items():
        if which not in (name, "all"):
            continue
        target = proj / t["file"]
        text = target.read_text(encoding="utf-8")
        target.write_text(text + ("" if text.endswith("\n") else "\n") + t["yaml"] + "\n", encoding="utf-8")
        if t.get("page_line"):
            page = proj / "content" / "coaching.md"
            page.write_text(page.read_text(encoding="utf-8") + "\n" + t["page_line"] + "\n", encoding="utf-8")
    r = handbook("check", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    hb = load(proj / "data")
    added = {"case-study": "case-study-your-example", "prompt": "reflect-your-question", "glossary-term": "your-term"}
    want = set(added.values()) if which == "all" else {added[which]}
    assert want <= set(hb.case_studies) | set(hb.prompts) | set(hb.glossary)


def test_serve_error_page_is_escaped_and_covers_every_page_of_the_last_good_build(tmp_path):
    from macros.serve_errors import wrap_builder

    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    for name in ("index.html", "principles.html", "sub/page.html"):
        (site / name).write_text("<html><body>good</body></html>", encoding="utf-8")

    def failing_build():
        import shutil

        shutil.rmtree(site / "sub")  # MkDocs empties the folder before it writes pages
        (site / "principles.html").unlink()
        raise RuntimeError('data/x.yml:3: bad <script>alert(1)</script> "text"')

    wrap_builder(failing_build, site)()  # returns: the server then reloads the browsers
    for name in ("index.html", "principles.html", "sub/page.html", "404.html"):
        html = (site / name).read_text(encoding="utf-8")
        assert "The handbook could not be built" in html and "</body>" in html, name  # the server adds its reload script before </body>
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "data/x.yml:3: bad" in html
