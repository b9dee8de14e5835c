"""Issue #9, answers in the browser: never lost, never overwritten (red team, in Debian's chromium).

Several tabs, over-long answers, backups, a full storage, versioned documents with migration,
prototype-named ids, Markdown export escaping and imported ratings off the scale. Each test failed on
the code before the fix and passes after.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import markdown
import pytest
from playwright.sync_api import expect

from macros.self_check import MAX_ANSWER_CHARS
from test_self_check import KEY, NS, stored
from test_learning_record import press, restore
from test_storage import FULL
from webcheck import box, choice, form_called, note_on

FORMAT = "coaching-mentoring-handbook-answers"
BACKUP_PREFIX = f"hb:{NS}:backup:"
NOTE_KEY = "reflections.reflect-need-coaching.note"


# Fields as a reader finds them (data/forms.yml, data/prompts.yml): a form by part of its heading, a
# field by its label; a point for reflection's notes by the start of its words.
def topic(page):
    return box(form_called(page, "Plan a coaching conversation"), "What the conversation is about")


def note(page):
    return note_on(page, "Is there a particular aspect of your practice")


def skills_note(page):
    return note_on(page, "Do you have skills or competencies of your own")


def put(page, doc) -> None:
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, doc if isinstance(doc, str) else json.dumps(doc)])


def v1(answers: dict) -> dict:
    """A document exactly as the handbook stored it before version 2."""
    return {"version": 1, "handbook": NS, "updated": "2026-11-01T10:00:00.000Z", "answers": answers}


def backups(page) -> list[str]:
    return page.evaluate(f"Object.keys(localStorage).filter(k => k.startsWith('{BACKUP_PREFIX}')).sort()")


def wait_stored(page, expected: dict) -> None:
    """Wait until the stored answers are exactly `expected` (saves are debounced)."""
    page.wait_for_function(
        "([k, want]) => { const r = localStorage.getItem(k); let a; try { a = r ? JSON.parse(r).answers : {}; } catch (e) { return false; }"
        " return JSON.stringify(Object.keys(a).sort().map(x => [x, a[x]])) === JSON.stringify(Object.keys(want).sort().map(x => [x, want[x]])); }",
        arg=[KEY, expected], timeout=5000)


def import_file(page, tmp_path, doc, name="import.json"):
    f = tmp_path / name
    f.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    restore(page, f)


def question(page):
    """What the record asks before it clears, imports, restores or deletes: a group named by its question."""
    return page.get_by_role("group", name=re.compile(r"^(Clear|Import|Restore|Delete) .*\?$"))


CLEAR_YES, MERGE, DELETE_YES = "Yes, clear all my answers", "Merge with my answers", "Yes, delete this copy"


# ------------------------------------------------------------------------------ 1. several tabs

def test_two_tabs_answering_different_fields_keep_both(base, browser):
    ctx = browser.new_context()
    a, b = ctx.new_page(), ctx.new_page()
    a.goto(base + "coaching.html")
    b.goto(base + "coaching.html")
    topic(a).fill("From tab A")
    wait_stored(a, {"grow-planner.topic": "From tab A"})
    note(b).fill("From tab B")
    wait_stored(b, {"grow-planner.topic": "From tab A", NOTE_KEY: "From tab B"})
    # each tab is brought up to date with the other's answer, without a reload
    expect(note(a)).to_have_value("From tab B")
    expect(topic(b)).to_have_value("From tab A")
    ctx.close()


def test_clear_in_one_tab_is_final_in_all(base, browser):
    ctx = browser.new_context()
    forms, record = ctx.new_page(), ctx.new_page()
    forms.goto(base + "coaching.html")
    topic(forms).fill("Old topic")
    note(forms).fill("Old note")
    wait_stored(forms, {"grow-planner.topic": "Old topic", NOTE_KEY: "Old note"})
    record.goto(base + "record.html")
    press(record, "Clear all answers")
    expect(question(record)).to_have_accessible_name("Clear all 2 answers?")
    press(record, CLEAR_YES)
    wait_stored(record, {})
    # the older tab shows the clear, and typing there afterwards brings nothing back
    expect(topic(forms)).to_have_value("")
    skills_note(forms).fill("New after the clear")
    wait_stored(forms, {"reflections.reflect-skills-to-impart.note": "New after the clear"})
    forms.wait_for_timeout(600)  # a late save from the old tab would land within the debounce
    assert stored(forms) == {"reflections.reflect-skills-to-impart.note": "New after the clear"}
    ctx.close()


def test_clear_wins_even_when_the_older_tab_never_heard_of_it(site, browser):
    """No storage event (the tab was frozen): the save still writes only what this tab changed."""
    ctx = browser.new_context()
    ctx.add_init_script("window.addEventListener = ((add) => function (t, f, o) { if (t !== 'storage') return add.call(this, t, f, o); })"
                        "(window.addEventListener);")
    forms = ctx.new_page()
    forms.goto(site.as_uri() + "/coaching.html")
    topic(forms).fill("Old topic")
    wait_stored(forms, {"grow-planner.topic": "Old topic"})
    forms.evaluate(f"localStorage.setItem('{KEY}', JSON.stringify({{format: '{FORMAT}', version: 2, handbook: '{NS}', rev: 9, answers: {{}}}}))")
    note(forms).fill("Typed afterwards")
    wait_stored(forms, {NOTE_KEY: "Typed afterwards"})
    ctx.close()


def test_a_stale_record_tab_counts_and_clears_the_right_number(base, browser):
    ctx = browser.new_context()
    record, forms = ctx.new_page(), ctx.new_page()
    record.goto(base + "record.html")
    expect(record.locator('[data-hb-progress="all"]')).to_have_text("0")
    forms.goto(base + "coaching.html")
    topic(forms).fill("Topic")
    choice(form_called(forms, "what effective coaches do"), "Your rating", "Secure", item="Listen actively").check()
    note(forms).fill("Note")
    wait_stored(forms, {"grow-planner.topic": "Topic", "coach-self-assessment.listen-actively.rating": "secure", NOTE_KEY: "Note"})
    # the record tab, opened before, follows without a reload
    expect(record.locator('[data-hb-progress="all"]')).to_have_text("3")
    expect(record.locator(f'dd[data-hb-answer="{NOTE_KEY}"]')).to_have_text("Note")
    press(record, "Clear all answers")
    expect(question(record)).to_have_accessible_name("Clear all 3 answers?")
    press(record, CLEAR_YES)
    wait_stored(record, {})
    expect(note(forms)).to_have_value("")
    ctx.close()


# ------------------------------------------------------------------------ 2. over-long answers

def test_every_text_control_has_the_one_length_limit(site):
    """maxlength on every text control and the page's meta come from macros.self_check.MAX_ANSWER_CHARS."""
    for name in ("coaching.html", "mentoring.html", "getting-involved.html", "index.html", "record.html"):
        html = (site / name).read_text(encoding="utf-8")
        assert f'<meta name="hb-max-answer-chars" content="{MAX_ANSWER_CHARS}">' in html, name
        controls = re.findall(r"<textarea[^>]*>|<input type=\"text\"[^>]*>", html)
        for c in controls:
            if "data-hb-key" in c:
                assert f'maxlength="{MAX_ANSWER_CHARS}"' in c, (name, c)
    assert len(re.findall(r"<textarea[^>]*maxlength", (site / "coaching.html").read_text())) > 10


def test_an_over_long_answer_is_stopped_where_it_is_typed_and_said_so(base, page, tmp_path):
    page.goto(base + "coaching.html")
    topic(page).fill("Kept too")
    note(page).fill("x" * 250_000)
    field = note(page)
    assert field.evaluate("el => el.value.length") == MAX_ANSWER_CHARS
    said = f"limit of {MAX_ANSWER_CHARS:,} characters"
    msg = form_called(page, "Is there a particular aspect of your practice").get_by_role("status").filter(has_text=said)
    expect(msg).to_be_visible()
    expect(field).to_have_accessible_description(re.compile(re.escape(said)))  # said beside the box, and read out with it
    wait_stored(page, {"grow-planner.topic": "Kept too", NOTE_KEY: "x" * MAX_ANSWER_CHARS})
    page.reload()
    expect(topic(page)).to_have_value("Kept too")
    assert note(page).evaluate("el => el.value.length") == MAX_ANSWER_CHARS
    expect(page.locator(".hb-banner")).to_have_count(0)
    # shortening it takes the message away
    note(page).fill("short")
    expect(msg).to_be_hidden()
    # and the export of it imports again
    page.goto(base + "record.html")
    with page.expect_download() as dl:
        press(page, "Save a backup file")
    p = tmp_path / "out.json"
    dl.value.save_as(p)
    press(page, "Clear all answers")
    press(page, CLEAR_YES)
    restore(page, p)
    press(page, MERGE)
    assert stored(page) == {"grow-planner.topic": "Kept too", NOTE_KEY: "short"}


def test_a_stored_over_long_value_is_set_aside_alone(base, page):
    raw = json.dumps(v1({"grow-planner.topic": "Still here", NOTE_KEY: "y" * (MAX_ANSWER_CHARS + 50_000)}))
    page.goto(base + "index.html")
    put(page, raw)
    page.goto(base + "coaching.html")
    expect(topic(page)).to_have_value("Still here")
    banner = page.locator(".hb-banner")
    expect(banner).to_contain_text(NOTE_KEY)
    expect(banner).to_contain_text("Your other answers are here as usual")
    keys = backups(page)
    assert len(keys) == 1 and page.evaluate("k => localStorage.getItem(k)", keys[0]) == raw
    page.reload()
    page.goto(base + "mentoring.html")
    assert backups(page) == keys
    # the next save keeps every usable answer and drops only the set-aside one
    page.goto(base + "coaching.html")
    skills_note(page).fill("New")
    wait_stored(page, {"grow-planner.topic": "Still here", "reflections.reflect-skills-to-impart.note": "New"})
    assert backups(page) == keys


def test_an_old_export_with_an_over_long_answer_imports_without_it(site, page, tmp_path):
    """An export made before the limit (250,000 characters in one answer) is not refused whole."""
    page.goto(site.as_uri() + "/record.html")
    import_file(page, tmp_path, v1({"grow-planner.topic": "Kept", NOTE_KEY: "z" * 250_000}), "old-export.json")
    expect(question(page)).to_have_accessible_name("Import 1 answer from old-export.json?")
    expect(question(page)).to_contain_text(
        f"1 answer is longer than the handbook keeps (over {MAX_ANSWER_CHARS:,} characters) and will be left out: '{NOTE_KEY}'")
    press(page, MERGE)
    assert stored(page) == {"grow-planner.topic": "Kept"}


# ------------------------------------------------------------------------------- 3. backups

@pytest.mark.parametrize("raw", ["{not json", json.dumps({"version": 7, "handbook": NS, "answers": {"a.b": "x"}})])
def test_an_unreadable_or_newer_document_is_backed_up_once(raw, base, page):
    page.goto(base + "index.html")
    put(page, raw)
    for name in ("coaching.html", "mentoring.html", "coaching.html", "record.html", "index.html"):
        page.goto(base + name)
        expect(page.locator(".hb-banner")).to_be_visible()
    keys = backups(page)
    assert len(keys) == 1, keys
    assert page.evaluate("k => localStorage.getItem(k)", keys[0]) == raw


def test_the_record_lists_backups_to_download_restore_and_delete(site, page, tmp_path):
    base = site.as_uri() + "/"
    page.goto(base + "index.html")
    put(page, "{not json")
    page.goto(base + "coaching.html")  # kept aside here
    corrupt = backups(page)[0]
    readable_key = BACKUP_PREFIX + "2026-01-02T03-04-05-006Z:0badc0de"
    readable = {"format": FORMAT, "version": 2, "handbook": NS, "rev": 3,
                "answers": {"grow-planner.topic": "From the copy", "coach-self-assessment.listen-actively.rating": "strong"}}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [readable_key, json.dumps(readable)])
    topic(page).fill("Current")
    wait_stored(page, {"grow-planner.topic": "Current"})

    page.goto(base + "record.html")
    box = page.locator("[data-hb-backups]")
    expect(box).to_be_visible()
    items = box.locator("[data-hb-backup]")
    expect(items).to_have_count(2)
    bad, good = box.locator(f'[data-hb-backup="{corrupt}"]'), box.locator(f'[data-hb-backup="{readable_key}"]')
    expect(bad).to_contain_text("could not be read")
    expect(bad.get_by_role("button", name=re.compile("^Restore"))).to_have_count(0)
    # download: the copy as it was kept
    with page.expect_download() as dl:
        bad.get_by_role("button", name=re.compile("^Download")).click()
    p = tmp_path / "b.json"
    dl.value.save_as(p)
    assert p.read_text() == "{not json"
    # restore asks first; cancel changes nothing
    good.get_by_role("button", name=re.compile("^Restore")).click()
    expect(question(page)).to_have_accessible_name(re.compile(r"^Restore 2 answers from the copy kept on 2 January 2026"))
    question(page).get_by_role("button", name="Cancel").click()
    assert stored(page) == {"grow-planner.topic": "Current"}
    good.get_by_role("button", name=re.compile("^Restore")).click()
    expect(question(page)).to_contain_text("1 new, 1 changed")
    press(page, MERGE)
    assert stored(page) == readable["answers"]
    expect(page.locator('dd[data-hb-answer="coach-self-assessment.listen-actively.rating"]')).to_have_text("Strong")
    # delete asks first; cancel keeps it, yes removes it from the browser and the list
    bad.get_by_role("button", name=re.compile("^Delete")).click()
    expect(question(page)).to_have_accessible_name(re.compile(r"^Delete the copy kept on"))
    page.keyboard.press("Escape")
    assert corrupt in backups(page)
    bad.get_by_role("button", name=re.compile("^Delete")).click()
    press(page, DELETE_YES)
    expect(items).to_have_count(1)
    assert backups(page) == [readable_key]
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"


def test_the_record_with_backups_has_no_accessibility_violations(site, page):
    from webcheck import describe, run_axe

    page.goto(site.as_uri() + "/index.html")
    put(page, "{not json")
    page.goto(site.as_uri() + "/record.html")
    expect(page.locator("[data-hb-backups]")).to_be_visible()
    violations = run_axe(page)
    assert violations == [], describe(violations)


# ---------------------------------------------------------------------------- 4. storage full

def test_when_storage_is_full_the_banner_downloads_everything_including_unsaved(site, browser, tmp_path):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(site.as_uri() + "/coaching.html")
    topic(page).fill("Saved before it filled up")
    wait_stored(page, {"grow-planner.topic": "Saved before it filled up"})
    page.add_init_script(FULL)
    page.reload()
    note(page).fill("Newest, not saved")
    banner = page.locator(".hb-banner")
    expect(banner).to_contain_text("storage for the handbook is full")
    button = banner.get_by_role("button", name="Download all my answers (JSON)")
    with page.expect_download() as dl:
        button.click()
    p = tmp_path / dl.value.suggested_filename
    dl.value.save_as(p)
    doc = json.loads(p.read_text())
    assert doc["format"] == FORMAT and doc["handbook"] == NS
    assert doc["answers"] == {"grow-planner.topic": "Saved before it filled up", NOTE_KEY: "Newest, not saved"}
    from webcheck import describe, run_axe
    violations = run_axe(page)
    assert violations == [], describe(violations)
    ctx.close()
    # the file is an export the record imports
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(site.as_uri() + "/record.html")
    restore(page, p)
    press(page, MERGE)
    assert stored(page) == doc["answers"]
    ctx.close()


# ------------------------------------------------------------------ 5. versions and migration

V1_ANSWERS = {"grow-planner.topic": "From version 1", "contracting.boundaries.agreed": True,
              "targets": [{"id": "r1", "aim": "Use GROW"}]}


def test_migrate_v1_to_current(site, page):
    page.goto(site.as_uri() + "/index.html")
    got = page.evaluate("d => hb.storage.migrate(d)", v1(V1_ANSWERS))
    assert got == {"format": FORMAT, "version": 2, "handbook": NS, "updated": "2026-11-01T10:00:00.000Z", "rev": 0, "answers": V1_ANSWERS}
    assert page.evaluate("hb.storage.VERSION") == 2


@pytest.mark.parametrize("version", [1, 2])
def test_a_stored_document_of_each_version_loads_and_is_saved_as_current(version, base, page):
    doc = v1(V1_ANSWERS) if version == 1 else {"format": FORMAT, "version": 2, "handbook": NS, "rev": 5, "answers": V1_ANSWERS}
    page.goto(base + "index.html")
    put(page, doc)
    page.goto(base + "practical-guidance.html")
    expect(box(form_called(page, "contracting checklist"), "Agreed", item="Boundaries")).to_be_checked()
    page.goto(base + "coaching.html")
    expect(topic(page)).to_have_value("From version 1")
    expect(page.locator(".hb-banner")).to_have_count(0)
    note(page).fill("Added now")
    wait_stored(page, {**V1_ANSWERS, NOTE_KEY: "Added now"})
    now = json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))
    assert now["version"] == 2 and now["format"] == FORMAT and now["rev"] == (1 if version == 1 else 6)
    assert backups(page) == []


@pytest.mark.parametrize("doc,message", [
    ({"format": "someone-elses-answers", "version": 1, "handbook": NS, "answers": {}}, "its format is 'someone-elses-answers'"),
    ({"version": 2, "handbook": NS, "answers": {}}, "it has no format name"),
    ({"format": FORMAT, "version": 2, "handbook": NS, "manifest": 99, "answers": {"grow-planner.topic": "x"}}, "prompt list version 99"),
    ({"format": FORMAT, "version": 2, "handbook": NS, "manifest": "one", "answers": {}}, "list of prompts has no version number"),
    ({"format": FORMAT, "version": 1.5, "handbook": NS, "answers": {}}, "is not one the handbook ever wrote"),
])
def test_import_checks_format_and_manifest_version(doc, message, site, page, tmp_path):
    page.goto(site.as_uri() + "/record.html")
    put(page, v1({"grow-planner.topic": "Mine"}))
    page.reload()
    import_file(page, tmp_path, doc)
    status = page.locator("[data-hb-record-status]")
    expect(status).to_contain_text(message)
    expect(status).to_contain_text("Your answers are unchanged.")
    expect(question(page)).to_be_hidden()
    assert stored(page) == {"grow-planner.topic": "Mine"}


PROTO = {"__proto__": "proto answer", "constructor": "constructor answer", "toString": "toString answer",
         "hasOwnProperty": "hasOwnProperty answer", "grow-planner.topic": "A real one"}


def test_prototype_names_are_ids_like_any_other(site, page, tmp_path):
    page.goto(site.as_uri() + "/record.html")
    import_file(page, tmp_path, json.dumps({"format": FORMAT, "version": 2, "handbook": NS, "answers": PROTO}))
    expect(question(page)).to_have_accessible_name("Import 5 answers from import.json?")
    expect(question(page)).to_contain_text("5 new, 0 changed, 0 the same, and 0 answers")
    press(page, MERGE)
    assert stored(page) == PROTO
    orphans = page.locator("[data-hb-orphans]")
    expect(orphans).to_be_visible()
    for k in ("__proto__", "constructor", "toString", "hasOwnProperty"):
        expect(orphans.locator("dt", has_text=re.compile("^" + re.escape(k) + "$"))).to_have_count(1)
        expect(orphans).to_contain_text(PROTO[k])
    expect(page.locator('[data-hb-progress="all"]')).to_have_text("1")
    # nothing leaked into objects, and unset prototype names read as unanswered
    assert page.evaluate("({}).polluted === undefined && typeof ({}).toString === 'function'")
    assert page.evaluate("[hb.storage.get('constructor'), hb.storage.get('valueOf'), hb.storage.get('__proto__')]") == [
        "constructor answer", None, "proto answer"]
    # stored under those names, they load again like any other (no backup, no banner)
    page.reload()
    expect(page.locator(".hb-banner")).to_have_count(0)
    expect(orphans).to_contain_text("toString answer")
    press(page, "Clear all answers")
    expect(question(page)).to_have_accessible_name("Clear all 5 answers?")
    page.keyboard.press("Escape")
    # and they go out and come back through the export
    with page.expect_download() as dl:
        press(page, "Save a backup file")
    p = tmp_path / "proto-out.json"
    dl.value.save_as(p)
    assert json.loads(p.read_text())["answers"] == PROTO


def test_a_form_field_under_a_prototype_name_is_not_taken_for_one(site, page):
    """Stored answers with no field of that name: 'constructor' is an orphan, not a known field."""
    page.goto(site.as_uri() + "/record.html")
    put(page, v1({"constructor": "c", "grow-planner.topic": "t"}))
    page.reload()
    expect(page.locator("[data-hb-orphans]")).to_be_visible()
    expect(page.locator("[data-hb-orphan-list] dt")).to_have_text(["constructor"])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


EVIL = "\n".join([
    "<script>window.__pwned = 1</script>",
    "# Not a heading",
    "## Nor this",
    "- not a list",
    "+ nor this",
    "* nor this",
    "> not a quote",
    "1. not numbered",
    "2) nor this",
    "    not code",
    "```",
    "not a fence",
    "Setext",
    "===",
    "---",
    "| a | b |",
    "|---|---|",
    "[a link](javascript:alert(1)) ![img](http://evil.example/x.png) <http://evil.example>",
    "*emphasis* _em_ `code` &lt; &amp; \\* {: onmouseover=alert(1) }",
])


def _export_markdown(page, tmp_path) -> str:
    with page.expect_download() as dl:
        press(page, "Download as Markdown")
    p = tmp_path / "r.md"
    dl.value.save_as(p)
    return p.read_text()


def test_the_markdown_export_keeps_answers_as_text(site, page, tmp_path):
    page.goto(site.as_uri() + "/record.html")
    put(page, v1({NOTE_KEY: "plain", "old-form.gone.note": "plain", "targets": [{"id": "r1", "aim": "plain"}]}))
    page.reload()
    plain = _export_markdown(page, tmp_path)
    put(page, v1({NOTE_KEY: EVIL, "old-form.gone.note": EVIL, "targets": [{"id": "r1", "aim": EVIL}]}))
    page.reload()
    evil = _export_markdown(page, tmp_path)
    for md_text in (plain, evil):
        assert md_text.startswith("# My learning record")
    for exts in ([], ["extra", "attr_list", "tables"]):
        want, got = _Tags(), _Tags()
        want.feed(markdown.markdown(plain, extensions=exts))
        html = markdown.markdown(evil, extensions=exts)
        got.feed(html)
        # the same structure as with a plain answer: no element, attribute or link from the answer
        # (line breaks inside an answer are kept as <br>)
        assert sorted(t for t in got.tags if t != "br") == sorted(want.tags), (exts, html)
        assert not [a for a in got.attrs if a[0] in ("href", "src", "onmouseover")], html
        assert "<script" not in html and "<a " not in html and "<img" not in html, html
        # every line of the answer is there to read
        text = re.sub(r"<[^>]+>", "", html)
        for line in ("# Not a heading", "- not a list", "1. not numbered", "*emphasis* _em_ `code`", "[a link](javascript:alert(1))"):
            assert line in text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&#124;", "|"), (line, text)


# ------------------------------------------------------------------------ 6. imported ratings

@pytest.mark.parametrize("answers,message", [
    ({"coach-self-assessment.listen-actively.rating": "superb"},
     "its answer to \u201cListen actively: Your rating\u201d ('coach-self-assessment.listen-actively.rating') is \"superb\", "
     "which is not one of that item's choices"),
    ({"coach-self-assessment.listen-actively.rating": True}, "\u201cListen actively: Your rating\u201d"),
    ({"standards-review.directs-other-adults.status": "done"},
     "is \"done\", which is not one of that item's choices (Already addressed, Addressing now, Not yet addressed)"),
    ({"contracting.boundaries.agreed": "yes"}, "is not a tick"),
    ({"targets": "Use GROW"}, "is not a list of targets"),
])
def test_imported_ratings_must_be_on_the_items_scale(answers, message, site, page, tmp_path):
    page.goto(site.as_uri() + "/record.html")
    put(page, v1({"grow-planner.topic": "Mine"}))
    page.reload()
    import_file(page, tmp_path, {"format": FORMAT, "version": 2, "handbook": NS, "answers": {"grow-planner.topic": "Other", **answers}})
    status = page.locator("[data-hb-record-status]")
    expect(status).to_contain_text(message)
    expect(status).to_contain_text("Your answers are unchanged.")
    expect(question(page)).to_be_hidden()
    assert stored(page) == {"grow-planner.topic": "Mine"}


# ------------------------------------------- the interface with hb.privacy (shared computers)

def test_reload_rereads_the_chosen_area_and_every_key_is_the_handbooks(site, page):
    """hb.privacy.area() picks the Storage area; hb.storage.reload() reads it again as on load and
    brings the forms up to date; everything the handbook stores starts with "hb:<namespace>:"."""
    page.goto(site.as_uri() + "/index.html")
    put(page, "{not json")  # so a backup is made too
    page.goto(site.as_uri() + "/coaching.html")
    topic(page).fill("In localStorage")
    wait_stored(page, {"grow-planner.topic": "In localStorage"})
    doc = {"format": FORMAT, "version": 2, "handbook": NS, "rev": 1, "answers": {NOTE_KEY: "Written elsewhere"}}
    page.evaluate("([k, v]) => { localStorage.setItem(k, v); hb.storage.reload(); }", [KEY, json.dumps(doc)])
    expect(note(page)).to_have_value("Written elsewhere")
    expect(topic(page)).to_have_value("")
    # a shared-computer mode: the area is sessionStorage from now on
    session = {"format": FORMAT, "version": 2, "handbook": NS, "rev": 1, "answers": {"grow-planner.topic": "This visit only"}}
    page.evaluate("([k, v]) => { sessionStorage.setItem(k, v); window.hb.privacy = { area: () => window.sessionStorage }; hb.storage.reload(); }",
                  [KEY, json.dumps(session)])
    expect(topic(page)).to_have_value("This visit only")
    expect(note(page)).to_have_value("")
    note(page).fill("Session note")
    page.wait_for_function("k => (JSON.parse(sessionStorage.getItem(k)).answers['reflections.reflect-need-coaching.note'] || '') === 'Session note'", arg=KEY)
    assert stored(page) == {NOTE_KEY: "Written elsewhere"}
    keys = page.evaluate("[...Object.keys(localStorage), ...Object.keys(sessionStorage)]")
    ours = [k for k in keys if k.startswith("hb:")]
    assert all(k.startswith(f"hb:{NS}:") for k in ours) and len(ours) == 3, keys   # answers x2, one backup
    assert [k for k in keys if not k.startswith("hb:") and ".__" not in k and not k.startswith("__")] == [], keys  # else: Material's own
