"""The coaching log (hb-coaching-log, issue #12): several dated entries by coaching relationship and a
reflective journal, kept as rows in the answers document; in chromium unless noted."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from conftest import ROOT
from test_learning_record import press, restore
from test_self_check import KEY, stored

LOG = "coaching-log"
REL = f"{LOG}.relationships"
GROW = f"{LOG}.grow"
JOURNAL = f"{LOG}.journal"

# The log as a reader finds it: its boxes and buttons by their labels (data/forms.yml gives the kinds'
# and fields' words, data/ui.yml the words around them), a relationship or an entry by its heading.
NEW_RELATIONSHIP = "Add a coaching relationship"


def new_relationship(page):
    """The box a new coaching relationship's label is typed in."""
    return page.get_by_label(NEW_RELATIONSHIP, exact=True)


def entry_of(scope, kind: str):
    """The last entry of a kind ("GROW plan", "Session note", "Journal entry") in a relationship or
    the journal: a region named by its heading ("GROW plan: First steps, 25 November 2026")."""
    return scope.get_by_role("region", name=re.compile(rf"^{re.escape(kind)}\b")).last


def log_page(page, base):
    page.goto(base + "coaching-log.html")
    expect(page.locator(".hb-log--enhanced")).to_be_visible()


def add_relationship(page, label):
    new_relationship(page).fill(label)
    page.get_by_role("button", name="Add this coaching relationship").click()
    sec = page.get_by_role("region", name=label, exact=True)
    expect(sec).to_have_count(1)
    return sec


def add_grow(page, sec, topic, date, goal):
    sec.get_by_role("button", name=re.compile(r"^Add a GROW plan\b")).click()
    entry = entry_of(sec, "GROW plan")
    entry.get_by_label("What the conversation is about", exact=True).fill(topic)
    entry.get_by_label("Date of the conversation", exact=True).fill(date)
    entry.get_by_label("Goal", exact=True).fill(goal)
    entry.get_by_label("Goal", exact=True).blur()
    expect(entry.get_by_role("heading")).to_have_text(re.compile(re.escape(topic)))
    return entry


def rows(page, key):
    return stored(page).get(key, [])


def wait_rows(page, key, n):
    page.wait_for_function(f"() => {{ const d = JSON.parse(localStorage.getItem('{KEY}') || '{{}}'); "
                           f"return ((d.answers || {{}})['{key}'] || []).length === {n}; }}")


def fill_two_relationships(page):
    a = add_relationship(page, "Coaching with A.")
    add_grow(page, a, "First steps", "2026-11-25", "Plan questioning")
    add_grow(page, a, "Wait time", "2026-12-02", "Try wait time")
    b = add_relationship(page, "Mentoring B.")
    add_grow(page, b, "Behaviour", "2026-11-26", "Routines")
    add_grow(page, b, "Marking", "2026-12-03", "Feedback")
    page.get_by_role("button", name="Add a journal entry").click()
    j = entry_of(page.get_by_role("region", name="Reflective journal"), "Journal entry")
    j.get_by_label("Title", exact=True).fill("A hard week")
    j.get_by_label("Date", exact=True).fill("2026-11-27")
    j.get_by_label("What I learnt about my practice", exact=True).fill("Listen more")
    j.get_by_label("What I learnt about my practice", exact=True).blur()
    wait_rows(page, GROW, 4)
    wait_rows(page, JOURNAL, 1)


def test_two_relationships_with_dated_entries_survive_reload(base, page):
    log_page(page, base)
    fill_two_relationships(page)
    page.reload()
    expect(page.locator(".hb-log--enhanced")).to_be_visible()
    secs = page.locator("[data-hb-log-relationship]")
    expect(secs).to_have_count(2)
    a, b = secs.nth(0), secs.nth(1)
    expect(a.locator("h4")).to_have_text("Coaching with A.")
    expect(a.locator("[data-hb-log-entry] h5")).to_have_text(["GROW plan: First steps, 25 November 2026", "GROW plan: Wait time, 2 December 2026"])
    expect(b.locator("[data-hb-log-entry] h5")).to_have_text(["GROW plan: Behaviour, 26 November 2026", "GROW plan: Marking, 3 December 2026"])
    expect(a.get_by_label("Goal", exact=True).nth(1)).to_have_value("Try wait time")
    expect(page.locator('[data-hb-log-entries="coaching-log.journal"] h4')).to_have_text("Journal entry: A hard week, 27 November 2026")
    saved = stored(page)
    assert [r["label"] for r in saved[REL]] == ["Coaching with A.", "Mentoring B."]
    rel_ids = [r["id"] for r in saved[REL]]
    assert [(r["relationship"], r["topic"], r["date"], r["goal.notes"]) for r in saved[GROW]] == [
        (rel_ids[0], "First steps", "2026-11-25", "Plan questioning"), (rel_ids[0], "Wait time", "2026-12-02", "Try wait time"),
        (rel_ids[1], "Behaviour", "2026-11-26", "Routines"), (rel_ids[1], "Marking", "2026-12-03", "Feedback")]
    assert all(isinstance(v, str) for r in saved[GROW] for v in r.values())
    assert not page.js_errors


def test_rename_a_relationship(base, page):
    log_page(page, base)
    add_grow(page, add_relationship(page, "Coaching with A."), "First steps", "2026-11-25", "Plan")
    name = page.get_by_role("region", name="Coaching with A.").get_by_label("Name of this coaching relationship")
    name.fill("Coaching with C.")
    name.blur()
    expect(page.get_by_role("region", name="Coaching with C.").get_by_role("heading", level=4)).to_have_text("Coaching with C.")
    page.wait_for_function(f"() => JSON.parse(localStorage.getItem('{KEY}')).answers['{REL}'][0].label === 'Coaching with C.'")
    page.reload()
    expect(page.locator("[data-hb-log-relationship] h4")).to_have_text("Coaching with C.")
    expect(page.locator("[data-hb-log-relationship] [data-hb-log-entry]")).to_have_count(1)


def test_remove_an_entry_then_undo(base, page):
    log_page(page, base)
    sec = add_relationship(page, "Coaching with A.")
    add_grow(page, sec, "Keep", "2026-11-25", "One")
    add_grow(page, sec, "Remove me", "2026-11-26", "Two")
    wait_rows(page, GROW, 2)
    remove = sec.locator("[data-hb-log-entry]").nth(1).locator('[data-hb-log-action="remove-entry"]')
    expect(remove).to_have_accessible_name("Remove this GROW plan: Remove me, 26 November 2026")
    remove.click()
    status = page.locator("[data-hb-log-status]")
    expect(status).to_contain_text("Removed GROW plan: Remove me, 26 November 2026.")
    assert [r["topic"] for r in rows(page, GROW)] == ["Keep"]
    undo = status.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    undo.click()
    expect(status).to_contain_text("Restored GROW plan: Remove me")
    assert [r["topic"] for r in rows(page, GROW)] == ["Keep", "Remove me"]
    assert rows(page, GROW)[1]["goal.notes"] == "Two"
    expect(sec.locator("[data-hb-log-entry]").nth(1).locator("input").first).to_be_focused()
    expect(sec.locator("[data-hb-log-entry] h5")).to_have_count(2)


def test_removing_a_relationship_asks_first_and_cancel_keeps_it(base, page):
    log_page(page, base)
    sec = add_relationship(page, "Coaching with A.")
    add_grow(page, sec, "Plan", "2026-11-25", "One")
    wait_rows(page, GROW, 1)
    sec.locator('[data-hb-log-action="remove-relationship"]').click()
    confirm = sec.locator("[data-hb-log-confirm]")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Remove \u201cCoaching with A.\u201d and its 1 entry?")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert len(rows(page, REL)) == 1 and len(rows(page, GROW)) == 1
    sec.locator('[data-hb-log-action="remove-relationship"]').click()
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    assert len(rows(page, REL)) == 1
    sec.locator('[data-hb-log-action="remove-relationship"]').click()
    confirm.get_by_role("button", name="Remove").click()
    expect(page.locator("[data-hb-log-relationship]")).to_have_count(0)
    assert rows(page, REL) == [] and rows(page, GROW) == []
    page.locator("[data-hb-log-status]").get_by_role("button", name="Undo").click()
    expect(page.locator("[data-hb-log-relationship] [data-hb-log-entry]")).to_have_count(1)
    assert len(rows(page, REL)) == 1 and rows(page, GROW)[0]["topic"] == "Plan"


def test_the_remove_question_is_the_handbooks_shared_panel(base, page):
    """The question asked before a relationship goes is hb.ui.confirm's, as in the privacy footer and the
    learning record: its button says whether the question is open and which panel it opens; Cancel and
    Escape close it, clear the last message and give the focus back to the button."""
    log_page(page, base)
    sec = add_relationship(page, "Coaching with A.")
    expect(page.locator("[data-hb-log-status]")).to_contain_text("Coaching with A.")  # the "added" message
    remove = sec.locator('[data-hb-log-action="remove-relationship"]')
    confirm = sec.locator("[data-hb-log-confirm]")
    expect(remove).to_have_attribute("aria-expanded", "false")
    expect(remove).to_have_attribute("aria-controls", confirm.get_attribute("id"))
    expect(page.locator("#" + confirm.get_attribute("id"))).to_have_count(1)  # one panel per relationship, its own id
    for close in ("Cancel", "Escape"):
        remove.click()
        expect(remove).to_have_attribute("aria-expanded", "true")
        expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
        if close == "Escape":
            page.keyboard.press("Escape")
        else:
            confirm.get_by_role("button", name="Cancel").click()
        expect(confirm).to_be_hidden()
        expect(remove).to_have_attribute("aria-expanded", "false")
        expect(remove).to_be_focused()
        expect(page.locator("[data-hb-log-status]")).to_have_text("")
    assert len(rows(page, REL)) == 1
    js = (ROOT / "overrides" / "assets" / "javascripts" / "coaching-log.js").read_text(encoding="utf-8")
    assert "hb.ui.confirm(" in js and '"Escape"' not in js  # no second copy of the panel's keys


def test_an_empty_label_is_refused_where_it_is_typed(base, page):
    log_page(page, base)
    page.click('[data-hb-log-action="add-relationship"]')
    status = page.locator("[data-hb-log-status]")
    expect(status).to_have_class(re.compile("hb-log__status--error"))
    expect(status).to_contain_text("Give the coaching relationship a label first")
    expect(new_relationship(page)).to_be_focused()
    assert rows(page, REL) == []


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_two_tabs_adding_entries_at_once_keep_both(scheme, site, served, browser):
    base = served if scheme == "http" else site.as_uri() + "/"
    ctx = browser.new_context()
    try:
        a, b = ctx.new_page(), ctx.new_page()
        log_page(a, base)
        sec = add_relationship(a, "Coaching with A.")
        wait_rows(a, REL, 1)
        # Both tabs add an entry and type in it, tab B without having heard of tab A's entry
        # (storage events switched off in B).
        b.add_init_script("window.addEventListener = ((add) => function (t, f, o) { if (t !== 'storage') return add.call(this, t, f, o); })"
                          "(window.addEventListener);")
        log_page(b, base)
        expect(b.locator("[data-hb-log-relationship]")).to_have_count(1)
        add_grow(a, sec, "From tab A", "2026-11-25", "A's goal")
        wait_rows(a, GROW, 1)
        assert b.evaluate(f"hb.storage.get('{GROW}')") is None, "tab B has not heard of tab A's entry"
        bsec = b.locator("[data-hb-log-relationship]").first
        add_grow(b, bsec, "From tab B", "2026-11-26", "B's goal")
        b.locator('[data-hb-log-kind="coaching-log.journal"]').click()
        a.locator('[data-hb-log-kind="coaching-log.journal"]').click()
        wait_rows(a, JOURNAL, 2)
        saved = stored(a)
        assert sorted(r["topic"] for r in saved[GROW]) == ["From tab A", "From tab B"]
        assert sorted(r["goal.notes"] for r in saved[GROW]) == ["A's goal", "B's goal"]
        a.reload()
        expect(a.locator("[data-hb-log-entry] h5")).to_have_count(2)
    finally:
        ctx.close()


def test_the_record_lists_entries_grouped_and_the_export_reimports(site, page, tmp_path):
    base = site.as_uri() + "/"
    log_page(page, base)
    fill_two_relationships(page)
    page.goto(base + "record.html")
    box = page.locator(f'[data-hb-answer-rows="{GROW}"]')
    expect(box.locator(".hb-record__group-title")).to_have_text(["Coaching with A.", "Mentoring B."])
    expect(box.locator(".hb-record__group").nth(0)).to_contain_text("GROW plan: First steps, 25 November 2026")
    expect(box.locator(".hb-record__group").nth(0)).to_contain_text("Plan questioning")
    expect(box.locator(".hb-record__group").nth(1)).to_contain_text("GROW plan: Marking, 3 December 2026")
    expect(page.locator(f'[data-hb-answer-rows="{JOURNAL}"]')).to_contain_text("Journal entry: A hard week, 27 November 2026")
    before = stored(page)
    with page.expect_download() as dl:
        press(page, "Save a backup file")
    path = tmp_path / "export.json"
    dl.value.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["answers"][GROW] == before[GROW] and exported["answers"][REL] == before[REL]
    press(page, "Clear all answers")
    press(page, "Yes, clear all my answers")
    assert stored(page) == {}
    restore(page, path)
    press(page, "Merge with my answers")
    assert stored(page) == before
    with page.expect_download() as dl:
        press(page, "Download as Markdown")
    md = tmp_path / "export.md"
    dl.value.save_as(md)
    text = md.read_text()
    assert "Coaching with A." in text and "First steps" in text and "Listen more" in text
    log_page(page, base)
    expect(page.locator("[data-hb-log-relationship]")).to_have_count(2)
    assert not page.js_errors


def test_without_javascript_it_is_a_printable_worksheet(site, browser):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        pg = ctx.new_page()
        pg.goto(site.as_uri() + "/coaching-log.html")
        blanks = pg.locator(".hb-log__blank")
        expect(blanks).to_have_count(4)
        for i in range(4):
            expect(blanks.nth(i)).to_be_visible()
        expect(blanks.first.locator("legend")).to_have_text("Contracting agreement")
        expect(pg.locator(".hb-log")).to_contain_text("It does not need to be a real name")
        expect(pg.locator('[data-hb-log-action="add-relationship"]')).to_be_hidden()
    finally:
        ctx.close()


def test_before_its_script_starts_the_log_offers_no_blank_to_type_into(site, browser):
    """With JavaScript, the worksheet's blanks gave way to the log when its script started, and what a
    reader had typed into them on a slow phone vanished, unsaved. Where scripts run they are never
    shown; here the log's script is held back for good, and there is no box to type into."""
    ctx = browser.new_context()
    try:
        pg = ctx.new_page()
        pg.route("**/handbook-coaching-log.*.js", lambda route: route.abort())
        pg.route("**/coaching-log.js", lambda route: route.abort())  # unbundled (extra.handbook.bundle: false)
        pg.goto(site.as_uri() + "/coaching-log.html")
        expect(pg.locator(".hb-log__worksheet")).to_be_hidden()
        assert pg.locator(".hb-log").evaluate("""log => [...log.querySelectorAll('input, textarea, select')]
            .filter(e => e.checkVisibility({visibilityProperty: true})).length""") == 0
    finally:
        ctx.close()


def test_the_log_page_has_no_accessibility_violations(site, page):
    from webcheck import describe, run_axe

    log_page(page, site.as_uri() + "/")
    fill_two_relationships(page)
    page.locator("[data-hb-log-entry]").first.locator('[data-hb-log-action="remove-entry"]').click()
    page.locator("[data-hb-log-relationship]").first.locator('[data-hb-log-action="remove-relationship"]').click()
    violations = run_axe(page)
    assert not violations, describe(violations)


# ------------------------------------------------------------------ data, build (no browser)

# Mistakes in a log's declaration, and a log on no page: tests/test_validation.py (fixture handbook).


def test_the_manifest_describes_log_entries_as_rows_with_their_grouping(site):
    raw = (site / "record.html").read_text(encoding="utf-8")
    m = json.loads(re.search(r'<template id="hb-manifest"[^>]*>(.*?)</template>', raw, re.S).group(1))
    sec = next(s for s in m["sections"] if s["id"] == "coaching-log")
    rows = {e["rows"]["key"]: e["rows"] for e in sec["entries"]}
    assert list(rows) == [REL, f"{LOG}.contracting", GROW, f"{LOG}.session", JOURNAL]
    assert rows[GROW]["label"] == "GROW plan" and rows[GROW]["title_column"] == "topic"
    assert [c["id"] for c in rows[GROW]["columns"]] == ["topic", "date", "goal.notes", "reality.notes", "options.notes", "way-forward.notes"]
    assert rows[GROW]["group"] == {"column": "relationship", "key": REL, "label_column": "label", "label": "Coaching relationship"}
    assert "group" not in rows[JOURNAL]
    assert {c["type"] for c in rows[f"{LOG}.contracting"]["columns"]} == {"line", "date", "check", "text"}


def test_the_log_page_holds_its_templates_and_a_worksheet(site):
    html = (site / "coaching-log.html").read_text(encoding="utf-8")
    assert 'data-module="hb-coaching-log"' in html
    for kind in ("contracting", "grow", "session", "journal"):
        assert f'<template data-hb-log-template="{LOG}.{kind}"' in html
    # the old single forms stay where they were, so answers given there stay visible
    coaching = (site / "coaching.html").read_text(encoding="utf-8")
    guidance = (site / "practical-guidance.html").read_text(encoding="utf-8")
    assert 'data-hb-form="grow-planner"' in coaching and 'data-hb-form="contracting"' in guidance


# ------------------------------------------------------------------ navigation, keyboard

def test_instant_navigation_enhances_the_log(served, page):
    page.goto(served + "index.html")
    page.wait_for_function("() => window.document$ !== undefined")
    page.click('a.md-nav__link[href$="coaching-log.html"]')
    expect(page.locator(".hb-log--enhanced")).to_be_visible()
    add_relationship(page, "Coaching with A.")
    wait_rows(page, REL, 1)
    assert not page.js_errors


def test_the_log_works_from_the_keyboard(site, page):
    log_page(page, site.as_uri() + "/")
    new_relationship(page).focus()
    page.keyboard.type("Coaching with A.")
    page.keyboard.press("Enter")
    sec = page.get_by_role("region", name="Coaching with A.", exact=True)
    expect(sec).to_have_count(1)
    sec.get_by_role("button", name=re.compile(r"^Add a session note\b")).focus()
    page.keyboard.press("Enter")
    expect(entry_of(sec, "Session note").get_by_label("Date of the session")).to_be_focused()
    from webcheck import tab_to

    tab_to(page, entry_of(sec, "Session note").get_by_label("What the session was about"), 6, "the session's title")
    page.keyboard.type("Observation feedback")
    page.keyboard.press("Tab")
    wait_rows(page, f"{LOG}.session", 1)
    page.wait_for_function(f"() => (JSON.parse(localStorage.getItem('{KEY}')).answers['{LOG}.session'][0].title || '') === 'Observation feedback'")
    expect(sec.locator("h5")).to_contain_text("Session note: Observation feedback")


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_log_fits_the_screen(site, browser, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = ctx.new_page()
        page.js_errors = []
        log_page(page, site.as_uri() + "/")
        add_grow(page, add_relationship(page, "A label long enough to wrap on a phone: Coaching with A. in Year 7 science"),
                 "A topic", "2026-11-25", "Goal")
        page.locator('[data-hb-log-action="remove-relationship"]').click()
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], overflow
        for sel in ('[data-hb-log-action="remove-entry"]', '[data-hb-log-confirm-yes]', "[data-hb-log-rel-label]"):
            box = page.locator(sel).first.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (sel, box)
    finally:
        ctx.close()
