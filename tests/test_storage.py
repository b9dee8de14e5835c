"""Storage that fails: no localStorage, a full one, corrupted or newer stored data. Nothing is lost."""
from __future__ import annotations

import json
import re

import pytest

from webcheck import STORAGE_FULL, box, form_called
from playwright.sync_api import expect

from test_self_check import KEY, NS, stored

BLOCKED = """
Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
"""
FULL = STORAGE_FULL


def test_storage_unavailable_banner_forms_still_work_and_export_works(base, browser, tmp_path):
    ctx = browser.new_context()
    ctx.add_init_script(BLOCKED)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(e.stack or str(e)))
    page.goto(base + "coaching.html")
    banner = page.locator(".hb-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("not letting the handbook save anything")
    assert banner.get_attribute("role") == "alert"
    grow = form_called(page, "Plan a coaching conversation with GROW")
    box(grow, "What the conversation is about").fill("Kept for the visit")
    expect(grow.locator("[data-hb-status]")).to_have_text("Kept for this visit only (not saved).")
    # the banner's download holds what this page was given, before the reader leaves it
    with page.expect_download() as dl:
        banner.get_by_role("button", name="Download all my answers (JSON)").click()
    p = tmp_path / "x.json"
    dl.value.save_as(p)
    doc = json.loads(p.read_text())
    assert doc["handbook"] == NS and doc["answers"] == {"grow-planner.topic": "Kept for the visit"}, doc
    # the learning record's backup works too (a new page: this visit's memory is gone, as the banner says)
    page.goto(base + "record.html")
    expect(page.locator(".hb-banner")).to_be_visible()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Save a backup file").click()
    dl.value.save_as(p)
    assert json.loads(p.read_text())["handbook"] == NS
    # Material's own scripts may complain that storage is blocked; ours must not fail
    ours = [e for e in errors if re.search(r"javascripts/(handbook|storage|self-check|learning-record|case-studies)(\.[0-9a-f]{8}\.min)?\.js", e)]
    assert ours == [], ours
    ctx.close()


def test_storage_unavailable_record_keeps_answers_for_the_visit(site, browser, tmp_path):
    """Import into a browser that cannot store: the record shows and exports them for the visit."""
    ctx = browser.new_context()
    ctx.add_init_script(BLOCKED)
    page = ctx.new_page()
    page.goto(site.as_uri() + "/record.html")
    f = tmp_path / "in.json"
    f.write_text(json.dumps({"version": 1, "handbook": NS, "answers": {"grow-planner.topic": "Visit only"}}))
    page.set_input_files("[data-hb-import]", str(f))
    page.click("[data-hb-confirm-yes]")
    expect(page.locator('dd[data-hb-answer="grow-planner.topic"]')).to_have_text("Visit only")
    expect(page.locator("[data-hb-record-status]")).to_contain_text("could not save them")
    with page.expect_download() as dl:
        page.click('[data-hb-action="export-json"]')
    p = tmp_path / "out.json"
    dl.value.save_as(p)
    assert json.loads(p.read_text())["answers"] == {"grow-planner.topic": "Visit only"}
    ctx.close()


def test_storage_full_tells_the_user(site, browser):
    ctx = browser.new_context()
    ctx.add_init_script(FULL)
    page = ctx.new_page()
    page.goto(site.as_uri() + "/coaching.html")
    topic = box(form_called(page, "Plan a coaching conversation with GROW"), "What the conversation is about")
    topic.fill("Too much")
    expect(page.locator('form[data-hb-form="grow-planner"] [data-hb-status]')).to_contain_text("Not saved: this browser's storage is full")
    expect(page.locator(".hb-banner")).to_contain_text("storage for the handbook is full")
    expect(topic).to_have_value("Too much")
    ctx.close()


@pytest.mark.parametrize("raw,kind", [
    ("{not json at all", "could not be read"),
    (json.dumps({"version": 1, "handbook": NS, "answers": "oops"}), "could not be read"),
    (json.dumps({"version": 7, "handbook": NS, "answers": {"future.field": "x"}}), "newer version of this handbook"),
])
def test_unreadable_or_newer_stored_data_is_kept_aside_never_discarded(raw, kind, base, page):
    page.goto(base + "index.html")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, raw])
    page.goto(base + "coaching.html")
    banner = page.locator(".hb-banner")
    expect(banner).to_contain_text(kind)
    backups = page.evaluate(f"Object.keys(localStorage).filter(k => k.startsWith('hb:{NS}:backup:'))")
    assert len(backups) == 1
    assert backups[0] in banner.text_content()
    assert page.evaluate("k => localStorage.getItem(k)", backups[0]) == raw
    # the forms start empty and work; the backup is untouched by new answers
    box(form_called(page, "Plan a coaching conversation with GROW"), "What the conversation is about").fill("Fresh start")
    page.locator('form[data-hb-form="grow-planner"] [data-hb-status]').filter(has_text="Saved").wait_for()
    assert stored(page) == {"grow-planner.topic": "Fresh start"}
    assert page.evaluate("k => localStorage.getItem(k)", backups[0]) == raw


def test_stored_document_carries_version_and_namespace(site, page):
    page.goto(site.as_uri() + "/coaching.html")
    box(form_called(page, "Plan a coaching conversation with GROW"), "What the conversation is about").fill("Versioned")
    page.locator('form[data-hb-form="grow-planner"] [data-hb-status]').filter(has_text="Saved").wait_for()
    doc = json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))
    assert doc["version"] == 2 and doc["handbook"] == NS and "updated" in doc
    assert doc["format"] == "coaching-mentoring-handbook-answers" and doc["rev"] >= 1
