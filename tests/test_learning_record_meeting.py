"""The learning record made for a meeting (issue #12), in Debian's chromium: what has been answered by
default, a print/PDF of a few pages with a title block, a .docx for Word and LibreOffice made in the
browser, backup restore that merges or replaces, a ratings chart readable on a phone with a caption in
words, and snapshots of self-ratings over time."""
from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from xml.etree import ElementTree

import pytest

from conftest import watch_errors
from playwright.sync_api import expect

from test_learning_record import press, question, restore
from test_self_check import KEY, NS, stored

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Twelve answers, as a teacher part-way through the handbook might have.
TWELVE = {
    "reflections.reflect-need-coaching.note": "Questioning and wait time with Year 9",
    "coach-self-assessment.listen-actively.rating": "strong",
    "coach-self-assessment.model-expertise.rating": "secure",
    "coach-self-assessment.listen-actively.evidence": "Observed by A. in October: <b>most</b> questions open & followed up",
    "mentor-self-assessment.listen-actively.rating": "developing",
    "mentor-self-assessment.model-expertise.rating": "not-yet",
    "standards-review.directs-other-adults.status": "addressing",
    "contracting.boundaries.agreed": True,
    "contracting.date": "2026-09-14",
    "grow-planner.topic": "Wait time after questions",
    "grow-planner.date": "2026-11-25",
    "targets": [{"id": "r1", "aim": "Use GROW in two conversations", "by-when": "2027-03-31"}],
}


def seed(page, base: str, answers: dict) -> None:
    page.goto(base + "record.html")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps({"version": 1, "handbook": NS, "answers": answers})])
    page.reload()
    expect(page.locator('[data-hb-progress="all"]')).not_to_have_text("0")


def _sized_page(browser, viewport):
    """A page in a fresh context of that size (downloads allowed), collecting its script errors."""
    ctx = browser.new_context(viewport=viewport, accept_downloads=True)
    yield watch_errors(ctx.new_page())
    ctx.close()


@pytest.fixture
def phone(browser):
    yield from _sized_page(browser, PHONE)


@pytest.fixture
def laptop(browser):
    yield from _sized_page(browser, LAPTOP)


@pytest.fixture(params=[PHONE, LAPTOP], ids=["phone", "laptop"])
def sized(browser, request):
    """The phone's page, then the laptop's (it names `browser`, so the test is in the browser layer)."""
    yield from _sized_page(browser, request.param)


def uk(d: datetime.date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


# ------------------------------------------------------------------ 1. what has been answered

def test_the_record_shows_what_has_been_answered_and_a_switch_shows_every_prompt(site, sized):
    page = sized
    seed(page, site.as_uri() + "/", TWELVE)
    visible_empty = page.locator(".hb-record__section .hb-record__empty:visible")
    expect(visible_empty).to_have_count(0)
    expect(page.locator('dd[data-hb-answer="reflections.reflect-need-coaching.note"]')).to_be_visible()
    expect(page.locator('dd[data-hb-answer="grow-planner.date"]')).to_have_text("25 November 2026")
    expect(page.locator('[data-hb-answer-rows="targets"]')).to_contain_text("Target 1 (By when: 31 March 2027)")
    # sections with nothing answered are left out, headings too
    cases = page.get_by_role("heading", name=re.compile(r"^Case studies\b"), level=2, include_hidden=True)  # then its ¶ link
    expect(cases).to_have_count(1)
    expect(cases).to_be_hidden()
    short = page.evaluate("document.documentElement.scrollHeight")
    page.get_by_label("Show every prompt, including the ones not answered yet").check()
    expect(cases).to_be_visible()
    expect(page.locator(".hb-record__section .hb-record__empty:visible").first).to_have_text("No answer yet")
    full = page.evaluate("document.documentElement.scrollHeight")
    assert full > 3 * short, (short, full)
    page.get_by_label("Show every prompt, including the ones not answered yet").uncheck()
    assert page.evaluate("document.documentElement.scrollHeight") == short
    assert page.js_errors == []


def test_with_nothing_answered_the_record_says_so(site, phone):
    phone.goto(site.as_uri() + "/record.html")
    expect(phone.locator("[data-hb-nothing]")).to_be_visible()
    expect(phone.locator("[data-hb-nothing]")).to_contain_text("You have not answered anything yet")


def test_the_printed_record_is_a_few_pages_with_a_title_block(site, phone):
    import pypdf

    page = phone
    seed(page, site.as_uri() + "/", TWELVE)
    page.get_by_label("Your name (for printing)").fill("Jo Bloggs")
    page.wait_for_function(f"JSON.parse(localStorage.getItem('{KEY}')).answers['record.name'] === 'Jo Bloggs'")
    page.emulate_media(media="print")
    block = page.locator("[data-hb-titleblock]")
    expect(block).to_be_visible()
    expect(block.locator("[data-hb-titleblock-name]")).to_have_text("Jo Bloggs")
    expect(block).to_contain_text("Coaching and Mentoring Handbook")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert len(pdf.pages) <= 3, f"{len(pdf.pages)} pages for 12 answers"
    assert re.search(r"My learning record\W* Jo Bloggs Coaching and Mentoring Handbook " + uk(datetime.date.today()), text), text[:300]
    assert uk(datetime.date.today()) in text
    assert "Coaching and Mentoring Handbook" in text
    for answer in ("Questioning and wait time with Year 9", "Wait time after questions", "Use GROW in two conversations",
                   "25 November 2026", "Addressing now"):
        assert answer in text, answer
    assert "No answer yet" not in text
    assert "Save a backup file" not in text and "Show every prompt" not in text


def test_the_title_block_names_the_school_in_a_school_edition(hb):
    """The title block prints the config's site_name (a school edition's names the school)."""
    from macros.render import Renderer

    r = Renderer(hb)
    r.site_name = "Coaching and Mentoring Handbook, Llanfair Valley High School & <Sixth Form>"
    html = r.learning_record()
    block = re.search(r'<div class="hb-record__titleblock".*?</div>', html, re.S).group(0)
    assert "Llanfair Valley High School &amp; &lt;Sixth Form&gt;" in block
    assert json.loads(re.search(r'<template id="hb-manifest"[^>]*>(.*?)</template>', html, re.S).group(1))["site_name"] == r.site_name


# ------------------------------------------------------------------ 2. plain-language actions

def test_the_actions_say_what_they_do(site, phone):
    phone.goto(site.as_uri() + "/record.html")
    names = phone.locator("[data-hb-actions] button").all_inner_texts()
    for want in ("Download for a meeting (Word)", "Print or save as PDF", "Save a backup file", "Restore from a backup file",
                 "Download as Markdown", "Clear all answers"):
        assert want in names, names
    assert not any("JSON" in n or "Export" in n or "Import" in n for n in names), names


def test_download_for_a_meeting_is_a_word_document(site, phone, tmp_path):
    page = phone
    seed(page, site.as_uri() + "/", {**TWELVE, "record.name": "Jo <Bloggs> & Co",
                                     "old-form.gone.note": "Kept \x01 though removed"})
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download for a meeting (Word)").click()
    d = dl.value
    assert re.fullmatch(rf"learning-record-{NS}-\d{{4}}-\d\d-\d\d\.docx", d.suggested_filename)
    path = tmp_path / d.suggested_filename
    d.save_as(path)
    from test_learning_record_docx import check_package

    parts = check_package(path)  # what Word is strict about: types, relationships, XML, schema order
    types = ElementTree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName") for o in types}
    assert "/word/document.xml" in overrides and "/word/styles.xml" in overrides
    rel = ElementTree.fromstring(parts["_rels/.rels"])[0]
    assert rel.get("Target") == "word/document.xml" and rel.get("Type").endswith("/officeDocument")
    doc = parts["word/document.xml"].decode("utf-8")
    assert "Jo &lt;Bloggs&gt; &amp; Co" in doc
    assert "&lt;b&gt;most&lt;/b&gt; questions open &amp; followed up" in doc
    tree = ElementTree.fromstring(parts["word/document.xml"])
    paras = [("".join(t.text or "" for t in p.iter(W + "t")), (p.find(f"{W}pPr/{W}pStyle").get(W + "val") if p.find(f"{W}pPr/{W}pStyle") is not None else ""))
             for p in tree.iter(W + "p")]
    text = [t for t, _ in paras]
    assert ("My learning record: Jo <Bloggs> & Co", "Title") in paras
    assert ("Coaching", "Heading1") in paras
    assert "Questioning and wait time with Year 9" in text
    assert "Strong" in text and "25 November 2026" in text
    assert any(t.startswith("Target 1 (By when: 31 March 2027)") for t in text)
    assert "What you want to achieve: Use GROW in two conversations" in text
    assert "Kept  though removed" in text  # a control character XML cannot hold is dropped, the rest kept
    assert "No answer yet" not in doc
    # loaded only on the record page, only when asked for
    assert page.evaluate("!!(window.hb && window.hb.docx)")
    page.goto(site.as_uri() + "/coaching.html")
    assert page.evaluate("!(window.hb && window.hb.docx)")
    assert page.js_errors == []


# ------------------------------------------------------------------ restore: merge or replace

def test_restoring_a_backup_file_merges_or_replaces(site, phone, tmp_path):
    page = phone
    mine = {"grow-planner.topic": "Mine", "reflections.reflect-need-coaching.note": "Only mine",
            "targets": [{"id": "a", "aim": "My target"}]}
    theirs = {"grow-planner.topic": "From the file", "coach-self-assessment.listen-actively.rating": "secure",
              "targets": [{"id": "b", "aim": "File target"}]}
    f = tmp_path / "backup.json"
    f.write_text(json.dumps({"version": 1, "handbook": NS, "answers": theirs}))
    for choice in ("Merge with my answers", "Replace all my answers"):
        seed(page, site.as_uri() + "/", mine)
        restore(page, f)
        confirm = question(page)
        expect(confirm).to_contain_text("Import 3 answers from backup.json?")
        expect(confirm).to_contain_text("1 new, 2 changed, 0 the same, and 1 answer you have now that is not in the file")
        expect(confirm).to_contain_text("Merge keeps all 3 answers you have now")
        expect(confirm).to_contain_text("the 1 answer not in it is removed")
        assert stored(page) == mine, "nothing changes before a choice"
        page.get_by_role("button", name=choice).click()
        if choice.startswith("Merge"):
            want = {**mine, **theirs, "targets": mine["targets"] + theirs["targets"]}
            expect(page.locator("[data-hb-record-status]")).to_contain_text("Merged 3 answers from the file. You now have 4 answers.")
        else:
            want = theirs
            expect(page.locator("[data-hb-record-status]")).to_contain_text("You now have 3 answers.")
        assert stored(page) == want


# ------------------------------------------------------------------ 3. the ratings chart

def test_the_chart_is_readable_on_a_phone_with_a_caption_in_words(site, sized):
    page = sized
    seed(page, site.as_uri() + "/", TWELVE)
    # the build's manifest (a data island, not a control): what the chart must show
    manifest = json.loads(page.evaluate("document.getElementById('hb-manifest').content.textContent"))
    labels = page.locator(".hb-rchart__label")
    assert labels.count() == len(manifest["chart"]["rows"])
    for i, row in enumerate(manifest["chart"]["rows"]):
        lab = labels.nth(i)
        assert lab.text_content().startswith(row["a_label"]), "item names are never cut off"
        box = lab.evaluate("""el => { const s = getComputedStyle(el);
            return {size: parseFloat(s.fontSize), over: el.scrollWidth - el.clientWidth, ellipsis: s.textOverflow,
                    right: el.getBoundingClientRect().right, vw: document.documentElement.clientWidth}; }""")
        assert box["size"] >= 14, box
        assert box["over"] <= 0 and box["ellipsis"] != "ellipsis" and box["right"] <= box["vw"], box
    assert "…" not in page.locator("[data-hb-chart]").text_content()
    caption = page.locator("[data-hb-chart-summary]")
    expect(caption).to_have_text("As a coach you have rated 2 of 9 items: strongest Listen actively (Strong); most to develop "
                                 "Model expertise (Secure). As a mentor you have rated 2 of 9 items: strongest Listen actively "
                                 "(Developing); most to develop Model expertise (Not yet).")
    # bars: listen actively, coach Strong = 4 of 4 levels, full width of its track
    bar = page.locator('[data-hb-bar="coach-self-assessment.listen-actively.rating"]')
    track = bar.locator("xpath=..")
    assert abs(bar.bounding_box()["width"] - track.bounding_box()["width"]) < 1
    expect(page.locator('[data-hb-bar-value="mentor-self-assessment.model-expertise.rating"]')).to_have_text("Not yet")
    assert page.js_errors == []


def test_the_empty_chart_says_where_to_rate_yourself(site, phone):
    phone.goto(site.as_uri() + "/record.html")
    caption = phone.locator("[data-hb-chart-summary]")
    expect(caption).to_contain_text("You have not rated yourself yet")
    hrefs = caption.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs == ["coaching.html#coach-self-assessment", "mentoring.html#mentor-self-assessment"], hrefs


def test_the_chart_does_not_move_the_page_as_it_is_drawn(site, served, browser):
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    page.goto(served + "record.html")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps({"version": 1, "handbook": NS, "answers": TWELVE})])
    page.add_init_script("""window.__cls = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
        .observe({type: 'layout-shift', buffered: true});""")
    page.reload(wait_until="load")
    expect(page.locator('[data-hb-bar-value="coach-self-assessment.listen-actively.rating"]')).to_have_text("Strong")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__cls") <= 0.05
    ctx.close()


# ------------------------------------------------------------------ 4. snapshots over time

def test_snapshots_of_self_ratings_compare_first_latest_and_now(site, phone, tmp_path):
    page = phone
    first = {"id": "snapshot-1", "date": "2026-09-01T09:00:00.000Z", "coach-self-assessment.listen-actively.rating": "developing",
             "principles-review.learning-conversations.rating": "emerging"}
    seed(page, site.as_uri() + "/", {**TWELVE, "record.snapshots": [first]})
    page.get_by_role("button", name="Save a snapshot of my ratings").click()
    expect(page.locator("[data-hb-record-status]")).to_contain_text("Snapshot saved: 4 ratings")
    page.wait_for_function(f"JSON.parse(localStorage.getItem('{KEY}')).answers['record.snapshots'].length === 2")
    snaps = stored(page)["record.snapshots"]
    assert snaps[0] == first
    latest = snaps[1]
    assert latest["coach-self-assessment.listen-actively.rating"] == "strong" and latest["mentor-self-assessment.model-expertise.rating"] == "not-yet"
    assert all(isinstance(v, str) for v in latest.values()) and latest["id"]
    # the chart compares: first snapshot Developing (2 of 4), latest Strong (4 of 4)
    key = "coach-self-assessment.listen-actively.rating"
    def w(sel):
        return page.locator(sel).bounding_box()["width"]

    assert abs(w(f'[data-hb-bar-first="{key}"]') * 2 - w(f'[data-hb-bar-latest="{key}"]')) < 2
    expect(page.locator("[data-hb-chart-summary]")).to_contain_text("Since your first snapshot (1 September 2026): 1 rating up, 0 down and 0 the same.")
    table = page.locator(".hb-record__snapshot-table").first
    expect(table).to_contain_text("First snapshot, 1 September 2026")
    expect(table.locator("tr", has_text="Listen actively").first).to_contain_text("Developing")
    # the chart with snapshots, the progress tables, the name field and the switch: no axe violations
    from webcheck import describe, run_axe

    page.get_by_label("Your name (for printing)").fill("Jo")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    # in the backup file, and it restores
    with page.expect_download() as dl:
        page.get_by_role("button", name="Save a backup file").click()
    p = tmp_path / "b.json"
    dl.value.save_as(p)
    assert json.loads(p.read_text())["answers"]["record.snapshots"] == snaps
    # in the document for a meeting
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download for a meeting (Word)").click()
    d = tmp_path / "r.docx"
    dl.value.save_as(d)
    doc = zipfile.ZipFile(d).read("word/document.xml").decode()
    assert "Progress over time" in doc and "<w:tbl>" in doc and "First snapshot, 1 September 2026" in doc
    # not an orphan
    expect(page.locator("[data-hb-orphans]")).to_be_hidden()
    press(page, "Clear all answers")
    press(page, "Yes, clear all my answers")
    restore(page, p)
    page.get_by_role("button", name="Replace all my answers").click()
    assert stored(page)["record.snapshots"] == snaps and stored(page)["record.name"] == "Jo"


def test_a_snapshot_with_a_rating_off_the_scale_is_refused(site, phone, tmp_path):
    seed(phone, site.as_uri() + "/", TWELVE)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"version": 1, "handbook": NS, "answers": {"record.snapshots": [
        {"id": "s", "date": "2026-01-01", "coach-self-assessment.listen-actively.rating": "superb"}]}}))
    restore(phone, f)
    expect(phone.locator("[data-hb-record-status]")).to_contain_text("which is not one of that item's choices")
    assert stored(phone) == TWELVE


# ------------------------------------------------------------------ lists of rows, generically

def test_any_list_of_rows_is_shown_grouped_and_dated_everywhere(site, served, phone, tmp_path):
    """A list of rows described in the manifest (as the coaching log's entries will be) appears in the
    record, the Markdown and the document without special-casing: grouped by the manifest's `group`
    column, named by its first one-line column, dated by its first date column (UK form)."""
    page = phone
    raw = (site / "record.html").read_text(encoding="utf-8")
    m = re.search(r'(<template id="hb-manifest"[^>]*>)(.*?)(</template>)', raw, re.S)
    manifest = json.loads(m.group(2))
    entry = next(e for s in manifest["sections"] for e in s["entries"] if e.get("rows") and e["rows"]["key"] == "targets")
    entry["rows"] = {"key": "log.sessions", "label": "Session note", "group": "relationship", "columns": [
        {"id": "relationship", "label": "Relationship", "type": "line"},
        {"id": "date", "label": "Date", "type": "date"},
        {"id": "title", "label": "Focus", "type": "line"},
        {"id": "notes", "label": "Notes", "type": "text"}]}
    patched = raw.replace(m.group(0), m.group(1) + json.dumps(manifest).replace("<", "\\u003c").replace("&", "\\u0026") + m.group(3))
    patched = patched.replace('data-hb-answer-rows="targets"', 'data-hb-answer-rows="log.sessions"')
    page.route("**/record.html", lambda route: route.fulfill(status=200, content_type="text/html", body=patched))
    rows = [{"id": "1", "relationship": "Coaching with A.", "date": "2026-10-02", "title": "Wait time", "notes": "Tried <3 s> pauses"},
            {"id": "2", "relationship": "Mentoring B.", "date": "2026-10-09", "title": "Planning", "notes": "Shared a plan"},
            {"id": "3", "relationship": "Coaching with A.", "date": "2026-11-20", "title": "Follow-up", "notes": ""}]
    seed(page, served, {"log.sessions": rows})
    box = page.locator('[data-hb-answer-rows="log.sessions"]')
    expect(box.locator(".hb-record__group-title")).to_have_text(["Relationship: Coaching with A.", "Relationship: Mentoring B."])
    expect(box).to_contain_text("Session note 1: Wait time (Date: 2 October 2026)")
    expect(box).to_contain_text("Session note 3: Follow-up (Date: 20 November 2026)")
    expect(box).to_contain_text("Tried <3 s> pauses")
    expect(page.locator("[data-hb-orphans]")).to_be_hidden()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download as Markdown").click()
    md_path = tmp_path / "r.md"
    dl.value.save_as(md_path)
    md = md_path.read_text()
    assert "#### Relationship: Coaching with A." in md and "**Session note 2: Planning (Date: 9 October 2026)**" in md
    assert "- Notes: Tried &lt;3 s&gt; pauses" in md
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download for a meeting (Word)").click()
    d = tmp_path / "r.docx"
    dl.value.save_as(d)
    tree = ElementTree.fromstring(zipfile.ZipFile(d).read("word/document.xml"))
    text = ["".join(t.text or "" for t in p.iter(W + "t")) for p in tree.iter(W + "p")]
    i = text.index("Relationship: Coaching with A.")
    assert text[i + 1].startswith("Session note 1: Wait time (Date: 2 October 2026)")
    assert "Notes: Tried <3 s> pauses" in text
    assert text.index("Relationship: Mentoring B.") > text.index("Session note 3: Follow-up (Date: 20 November 2026)")
