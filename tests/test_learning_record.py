"""My learning record, in Debian's chromium: every answer gathered, progress, chart, export/import/clear."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from conftest import copy_project, handbook, serve_dir
from test_self_check import KEY, NS, stored, wait_saved
from webcheck import box, choice, form_called, note_on

# Forms and fields as a reader finds them (data/forms.yml, data/lists.yml, data/prompts.yml): a form by
# part of its heading, a field by its label within its item.
NEED_COACHING = "Is there a particular aspect of your practice"
COACHES = "what effective coaches do"
CONTRACTING = "contracting checklist"
STANDARDS = "professional standards"
GROW, TOPIC = "Plan a coaching conversation", "What the conversation is about"


# The record's buttons by their names (data/ui.yml, learning-record)
def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def restore(page, path) -> None:
    """Restore from a backup file as a reader does: the button opens the file chooser."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Restore from a backup file").click()
    chooser.value.set_files(str(path))


def question(page):
    """What the record asks before it clears or imports: a group named by its question."""
    return page.get_by_role("group", name=re.compile(r"^(Clear|Import) .*\?$"))


def seed(page, base, answers: dict) -> None:
    """Put answers in storage as the forms would have saved them, then open the record."""
    page.goto(base + "record.html")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps({"version": 1, "handbook": NS, "answers": answers})])
    page.reload()


SAMPLE = {
    "reflections.reflect-need-coaching.note": "Questioning and wait time",
    "coach-self-assessment.listen-actively.rating": "strong",
    "mentor-self-assessment.listen-actively.rating": "developing",
    "coach-self-assessment.model-expertise.rating": "secure",
    "standards-review.directs-other-adults.status": "addressing",
    "contracting.boundaries.agreed": True,
    "targets": [{"id": "r1", "aim": "Use GROW", "by-when": "2027-03-31"}],
}


def test_record_shows_what_the_forms_saved_with_progress(base, page, site):
    page.goto(base + "coaching.html")
    note_on(page, NEED_COACHING).fill("Questioning and wait time")
    choice(form_called(page, COACHES), "Your rating", "Strong", item="Listen actively").check()
    wait_saved(page, form_called(page, COACHES))
    page.goto(base + "practical-guidance.html")  # contracting is with the rest of the practical guidance
    box(form_called(page, CONTRACTING), "Agreed", item="Boundaries").check()
    wait_saved(page, form_called(page, CONTRACTING))
    page.goto(base + "getting-involved.html")
    choice(form_called(page, STANDARDS), "Where you are", "Addressing now", item=re.compile(r"^Directs the work\b")).check()
    wait_saved(page, form_called(page, STANDARDS))

    page.goto(base + "record.html")
    expect(page.locator('[data-hb-answer="reflections.reflect-need-coaching.note"]').first).to_have_text("Questioning and wait time")
    expect(page.locator('dd[data-hb-answer="coach-self-assessment.listen-actively.rating"]')).to_have_text("Strong")
    expect(page.locator('dd[data-hb-answer="standards-review.directs-other-adults.status"]')).to_have_text("Addressing now")
    expect(page.locator('dd[data-hb-answer="contracting.boundaries.agreed"]')).to_have_text("Yes")
    expect(page.locator('[data-hb-progress="all"]')).to_have_text("4")
    expect(page.locator('[data-hb-progress="coaching"]')).to_have_text("2")
    expect(page.locator('[data-hb-progress="practical-guidance"]')).to_have_text("1")
    expect(page.locator('[data-hb-progress="getting-involved"]')).to_have_text("1")
    expect(page.locator('[data-hb-progress="mentoring"]')).to_have_text("0")
    record_html = (site / "record.html").read_text()
    # each answer, + each list of rows (targets, the coaching log)
    total = len(re.findall(r'<dd data-hb-answer="', record_html)) + record_html.count('data-hb-answer-rows="')
    assert f"of <strong>{total}</strong>" in page.content()
    # each answer links back to its prompt
    link = page.get_by_role("link", name=re.compile(rf"^Go to this prompt\s*:\s*{re.escape(NEED_COACHING)}"))
    # the link's target is the prompt's anchor (an id on purpose: links into the handbook stay stable)
    assert link.get_attribute("href").endswith("coaching.html#reflect-need-coaching")
    assert page.js_errors == []


def test_every_prompt_is_listed_without_javascript(site, browser):
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(site.as_uri() + "/record.html")
    html = pg.content()
    from macros.data import load
    from conftest import ROOT

    hb = load(ROOT / "data")
    for pid in hb.prompts:  # each prompt's entry, with the anchor its "Go to" links and the forms' links use
        assert f'id="record-{pid}"' in html, pid
    expect(pg.locator(".hb-self-check__nojs").first).to_be_visible()
    ctx.close()


def test_chart_and_table_show_coach_and_mentor_ratings_side_by_side(base, page):
    seed(page, base, SAMPLE)
    chart = page.locator("[data-hb-chart-svg]")
    expect(chart).to_have_attribute("aria-hidden", "true")  # its text is the table's, for screen readers
    expect(chart.locator('[data-hb-bar-value="coach-self-assessment.listen-actively.rating"]')).to_have_text("Strong")
    expect(chart.locator('[data-hb-bar-value="mentor-self-assessment.listen-actively.rating"]')).to_have_text("Developing")
    bars = chart.locator(".hb-rchart__bar--a")
    assert bars.count() == 9
    widths = [bars.nth(i).bounding_box()["width"] for i in range(9)]
    # rows follow Figure 9: relate sensitively (not rated), model expertise (secure), ... listen actively (strong)
    assert widths[0] == 0 and 0 < widths[1] < widths[6]
    row = page.locator(".hb-record__chart-table tr", has_text="Listen actively").first
    expect(row.locator("td").nth(0)).to_have_text("Strong")
    expect(row.locator("td").nth(2)).to_have_text("Developing")


def test_export_clear_import_restores_everything_exactly(base, page, tmp_path):
    seed(page, base, SAMPLE)
    with page.expect_download() as dl:
        press(page, "Save a backup file")
    d = dl.value
    assert re.fullmatch(rf"learning-record-{NS}-\d{{4}}-\d\d-\d\d\.json", d.suggested_filename)
    path = tmp_path / d.suggested_filename
    d.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["answers"] == SAMPLE and exported["handbook"] == NS and exported["version"] == 2 and exported["manifest"] == 1

    press(page, "Clear all answers")
    confirm = question(page)
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Clear all 7 answers?")
    assert stored(page) == SAMPLE, "nothing is cleared before the user confirms"
    press(page, "Yes, clear all my answers")
    expect(page.locator("[data-hb-record-status]")).to_have_text("All your answers were cleared.")
    assert stored(page) == {}
    expect(page.locator('[data-hb-progress="all"]')).to_have_text("0")

    restore(page, path)
    expect(confirm).to_contain_text("7 new, 0 changed, 0 the same, and 0 answers")
    assert stored(page) == {}, "import waits for confirmation"
    press(page, "Merge with my answers")
    expect(page.locator("[data-hb-record-status]")).to_contain_text("Merged 7 answers")
    assert stored(page) == SAMPLE
    page.goto(base + "getting-involved.html")
    expect(box(form_called(page, "Your targets"), "What you want to achieve", item="Target 1")).to_have_value("Use GROW")


def test_import_can_be_cancelled(site, page, tmp_path):
    seed(page, site.as_uri() + "/", SAMPLE)
    f = tmp_path / "other.json"
    f.write_text(json.dumps({"version": 1, "handbook": NS, "answers": {"targets": []}}))
    restore(page, f)
    expect(question(page)).to_contain_text("0 new, 1 changed, 0 the same, and 6 answers you have now that are not in the file")
    question(page).get_by_role("button", name="Cancel").click()
    expect(page.locator("[data-hb-record-status]")).to_have_text("Nothing was changed.")
    assert stored(page) == SAMPLE


def test_clear_can_be_cancelled(site, page):
    seed(page, site.as_uri() + "/", SAMPLE)
    press(page, "Clear all answers")
    page.keyboard.press("Escape")
    expect(question(page)).to_be_hidden()
    assert stored(page) == SAMPLE


def test_export_markdown_for_sharing(site, page, tmp_path):
    seed(page, site.as_uri() + "/", SAMPLE)
    with page.expect_download() as dl:
        press(page, "Download as Markdown")
    assert dl.value.suggested_filename.endswith(".md")
    p = tmp_path / "r.md"
    dl.value.save_as(p)
    md = p.read_text()
    assert "## Coaching" in md and "Questioning and wait time" in md
    assert "Listen actively: Your rating**\n\nStrong" in md
    assert "**Target 1 (By when: 31 March 2027)**" in md and "- What you want to achieve: Use GROW" in md


@pytest.mark.parametrize("content,message", [
    ("this is not json {", "is not a JSON file exported from this handbook"),
    ('{"hello": "world"}', "could not be imported because it has no version number"),
    (json.dumps({"version": 1, "handbook": NS, "answers": {"x.y": {"nested": 1}}}), "is not text, a tick or a list of rows"),
    (json.dumps({"version": 1, "handbook": "another-school-handbook", "answers": {}}), "belongs to another handbook ('another-school-handbook')"),
    (json.dumps({"version": 99, "handbook": NS, "answers": {}}), "newer version of the handbook"),
    ("HUGE", "too large"),
])
def test_bad_imports_are_rejected_and_nothing_changes(content, message, site, page, tmp_path):
    seed(page, site.as_uri() + "/", SAMPLE)
    f = tmp_path / "import.json"
    if content == "HUGE":
        content = json.dumps({"version": 1, "handbook": NS, "answers": {"reflections.x.note": "a" * (6 * 1024 * 1024)}})
    f.write_text(content)
    restore(page, f)
    status = page.locator("[data-hb-record-status]")
    expect(status).to_contain_text(message)
    expect(status).to_contain_text("Your answers are unchanged.")
    expect(question(page)).to_be_hidden()
    assert stored(page) == SAMPLE


def test_html_in_an_imported_file_stays_text(site, page, tmp_path):
    seed(page, site.as_uri() + "/", {})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil = '<img src=x onerror="window.__pwned=1;alert(1)">'
    f = tmp_path / "evil.json"
    f.write_text(json.dumps({"version": 1, "handbook": NS, "answers": {
        "reflections.reflect-need-coaching.note": evil, "old-form.gone.note": evil,
        "targets": [{"id": "r1", "aim": evil}]}}))
    restore(page, f)
    press(page, "Merge with my answers")
    expect(page.locator('dd[data-hb-answer="reflections.reflect-need-coaching.note"]')).to_have_text(evil)
    expect(page.locator("[data-hb-orphans]")).to_contain_text(evil)
    expect(page.locator('[data-hb-answer-rows="targets"]')).to_contain_text(evil)
    assert page.locator(".md-content img").count() == 0
    assert page.evaluate("window.__pwned") is None and dialogs == []


def test_answers_to_removed_prompts_are_kept_and_shown(base, page):
    seed(page, base, {**SAMPLE, "reflections.a-removed-prompt.note": "Still mine", "retired-form.item.rating": "secure"})
    orphans = page.locator("[data-hb-orphans]")
    expect(orphans).to_be_visible()
    expect(orphans.locator("h2")).to_have_text("Answers to prompts no longer in the handbook")
    expect(orphans).to_contain_text("reflections.a-removed-prompt.note")
    expect(orphans).to_contain_text("Still mine")
    # visiting a form page and editing does not drop them
    page.goto(base + "coaching.html")
    box(form_called(page, GROW), TOPIC).fill("New topic")
    wait_saved(page, form_called(page, GROW))
    assert stored(page)["reflections.a-removed-prompt.note"] == "Still mine"


def test_print_keeps_answers_and_drops_actions(site, page):
    seed(page, site.as_uri() + "/", SAMPLE)
    page.emulate_media(media="print")
    assert page.locator("[data-hb-actions]").is_hidden()
    expect(page.locator('dd[data-hb-answer="reflections.reflect-need-coaching.note"]')).to_be_visible()
    pdf = page.pdf()
    assert pdf[:4] == b"%PDF" and len(pdf) > 10000


def test_a_second_handbook_on_the_same_host_keeps_its_own_answers(site, tmp_path, page):
    """Two handbooks under one origin (e.g. intranet/handbook-a and intranet/handbook-b)."""
    root = tmp_path / "host"
    proj = copy_project(tmp_path / "b")
    cfg = proj / "mkdocs.yml"
    cfg.write_text(cfg.read_text().replace("namespace: coaching-mentoring-handbook", "namespace: second-handbook"))
    r = handbook("build", "-d", str(root / "b"), cwd=proj)
    assert r.returncode == 0, r.stderr
    import shutil

    shutil.copytree(site, root / "a")
    base, stop = serve_dir(root)
    try:
        page.goto(base + "a/coaching.html")
        topic = box(form_called(page, GROW), TOPIC)
        topic.fill("Handbook A")
        wait_saved(page, form_called(page, GROW))
        page.goto(base + "b/coaching.html")
        expect(topic).to_have_value("")
        topic.fill("Handbook B")
        wait_saved(page, form_called(page, GROW))
        page.goto(base + "a/coaching.html")
        expect(topic).to_have_value("Handbook A")
        keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('hb:')).sort()")
        assert keys == ["hb:coaching-mentoring-handbook:answers", "hb:second-handbook:answers"]
        # and a file from one is refused by the other
        page.goto(base + "b/record.html")
        f = tmp_path / "a.json"
        f.write_text(json.dumps({"version": 1, "handbook": NS, "answers": {"grow-planner.topic": "A"}}))
        restore(page, f)
        expect(page.locator("[data-hb-record-status]")).to_contain_text("belongs to another handbook")
    finally:
        stop()
