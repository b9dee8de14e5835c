"""Self-check forms as people meet them (issue #12): deleting a target can be undone, destructive
buttons look destructive, success and error messages differ and are announced, "Saved" appears
beside the field being edited, ranks are checked where they are typed, dates read in UK form.

All in chromium, at a phone's (390x844) and a laptop's (1366x768) size where it is visual."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from webcheck import STORAGE_FULL, box, choice, describe, form_called, run_axe, set_palette, started

NS = "coaching-mentoring-handbook"
KEY = f"hb:{NS}:answers"
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
ROWS = '[data-hb-rows="targets"] li[data-hb-row]'  # a target's row, for the id it is stored under (data-hb-row)
FULL = STORAGE_FULL

# Forms, items and fields as a reader finds them: by what the page says (data/forms.yml, data/lists.yml,
# data/principles.yml). A form is found by part of its heading.
GROW, TOPIC = "Plan a coaching conversation", "What the conversation is about"
COACHES, LISTEN = "what effective coaches do", "Listen actively"
PRINCIPLES, LEARNING_CONVERSATION = "against the ten principles", "1. A learning conversation"
PRIORITISING, NEED_IT, YES = "Prioritising coaching and mentoring activities", "Do you need to do this?", "Yes, I need to do this"
BEING_COACHED, BECOMING_A_COACH = re.compile(r"^Being coached\b"), re.compile(r"^Becoming a coach\b")
RANK_HINT = "1 is the highest. Each activity you need has its own rank."
TARGETS, AIM = "Your targets", "What you want to achieve"


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    w, h = SIZES[request.param]
    ctx = browser.new_context(viewport={"width": w, "height": h})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.js_errors = errors
    yield pg
    assert errors == []
    ctx.close()


def stored(page) -> dict:
    raw = page.evaluate(f"localStorage.getItem('{KEY}')")
    return json.loads(raw)["answers"] if raw else {}


def wait_stored(page, key, value):
    page.wait_for_function("([k, key, v]) => { const d = JSON.parse(localStorage.getItem(k) || 'null');"
                           " return !!d && JSON.stringify(d.answers[key]) === JSON.stringify(v); }", arg=[KEY, key, value])


def gap(a: dict, b: dict) -> float:
    """The distance between two boxes (0 when they touch or overlap)."""
    dx = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]), 0)
    dy = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]), 0)
    return (dx * dx + dy * dy) ** 0.5


def visible_saved_box(page):
    """The bounding box of the visible text "Saved" (not the words of a longer sentence)."""
    return page.evaluate("""() => {
        for (const el of document.querySelectorAll('.md-content *')) {
            if (!el.checkVisibility() || el.children.length) continue;
            if (el.textContent.trim() !== 'Saved') continue;
            const r = el.getBoundingClientRect();
            if (r.width < 2 || r.height < 2) continue;
            return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height};
        }
        return null;
    }""")


def rect(locator):
    """An element's box in page coordinates (as visible_saved_box gives them)."""
    return locator.evaluate("""el => { const r = el.getBoundingClientRect();
        return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }""")


def watch_said(form):
    """The form's status region (what a screen reader hears), with everything said in it collected
    in window.__said."""
    started(form)  # the script makes the region just after the first paint
    region = form.get_by_role("status", include_hidden=True)  # empty, it takes no room (.hb-msg:empty)
    region.evaluate("""el => { window.__said = []; new MutationObserver(() => window.__said.push(el.textContent))
        .observe(el, {childList: true, characterData: true, subtree: true}); }""")
    return region


def rank(page, item):
    return box(form_called(page, PRIORITISING), "Priority", item=item)


# ------------------------------------------------------------------ 1. removing a target

def targets(page):
    return form_called(page, TARGETS)


def aim(page, n: int):
    return box(targets(page), AIM, item=f"Target {n}")


def button(page, name: str):
    """A button of the targets form by its name ("Add a target", "Remove target 2", "Undo")."""
    return targets(page).get_by_role("button", name=name)


def notice(page):
    """What happened to the rows ("Target 2 removed."): a status message beside the Add button."""
    return targets(page).get_by_role("status").filter(has_text=re.compile(r"^Target \d"))


def two_targets(page):
    rows = page.locator(ROWS)
    aim(page, 1).fill("Use GROW in two conversations")
    button(page, "Add a target").click()
    page.keyboard.type("Observe a colleague's questioning")
    box(targets(page), "By when", item="Target 2").fill("2027-03-31")
    wait_stored(page, "targets", [
        {"id": page.locator(ROWS).nth(0).get_attribute("data-hb-row"), "aim": "Use GROW in two conversations"},
        {"id": page.locator(ROWS).nth(1).get_attribute("data-hb-row"), "aim": "Observe a colleague's questioning",
         "by-when": "2027-03-31"},
    ])
    return rows


def test_removing_a_filled_target_offers_undo_by_keyboard(site, sized):
    page = sized
    page.goto(site.as_uri() + "/getting-involved.html")
    rows = two_targets(page)
    first_id = rows.nth(0).get_attribute("data-hb-row")
    button(page, "Remove target 1").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    said = notice(page)  # a status message: found by its role
    expect(said).to_be_visible()
    expect(said).to_contain_text("Target 1 removed.")
    undo = said.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    wait_stored(page, "targets", [{"id": rows.nth(0).get_attribute("data-hb-row"),
                                   "aim": "Observe a colleague's questioning", "by-when": "2027-03-31"}])
    page.keyboard.press("Enter")  # Undo: the target comes back where it was
    expect(rows).to_have_count(2)
    expect(aim(page, 1)).to_have_value("Use GROW in two conversations")  # under its legend "Target 1" again
    expect(aim(page, 1)).to_be_focused()
    expect(said).to_contain_text("Target 1 is back.")
    wait_stored(page, "targets", [
        {"id": first_id, "aim": "Use GROW in two conversations"},
        {"id": rows.nth(1).get_attribute("data-hb-row"), "aim": "Observe a colleague's questioning", "by-when": "2027-03-31"},
    ])
    page.reload()
    expect(rows).to_have_count(2)


def test_an_empty_target_is_removed_at_once(site, sized):
    page = sized
    page.goto(site.as_uri() + "/getting-involved.html")
    aim(page, 1).fill("Keep this one")
    button(page, "Add a target").click()
    rows = page.locator(ROWS)
    expect(rows).to_have_count(2)
    button(page, "Remove target 2").click()
    expect(rows).to_have_count(1)
    expect(notice(page)).to_have_text("Target 2 removed.")
    expect(button(page, "Undo")).to_have_count(0)
    expect(button(page, "Add a target")).to_be_focused()


def test_old_messages_clear_when_the_next_action_starts(site, page):
    page.goto(site.as_uri() + "/getting-involved.html")
    two_targets(page)
    button(page, "Remove target 2").click()
    said = targets(page).locator(".hb-rows__notice")  # the message's place (it stays, emptied and hidden)
    expect(said).to_contain_text("Target 2 removed.")
    box(targets(page), "The actions you will take", item="Target 1").type("x")  # the next action: typing in another field
    expect(said).to_be_hidden()
    expect(button(page, "Undo")).to_have_count(0)
    button(page, "Add a target").click()
    expect(said).to_have_text("Target 2 added.")
    page.keyboard.type("y")
    expect(said).to_be_hidden()


CONTRAST = """el => {
    const lum = c => { const m = c.match(/[\\d.]+/g).map(Number);
        const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]); };
    let bgEl = el, bg;
    while (bgEl) { bg = getComputedStyle(bgEl).backgroundColor;
        if (!/rgba\\(.*, 0\\)$/.test(bg) && bg !== 'transparent') break; bgEl = bgEl.parentElement; }
    const cs = getComputedStyle(el);
    const a = lum(cs.color), b = lum(bg);
    return {color: cs.color, bg, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
            icon: getComputedStyle(el, '::before').content, text: el.textContent};
}"""


@pytest.mark.parametrize("palette", ["default", "slate"])
def test_the_remove_button_looks_destructive(site, page, palette):
    page.goto(site.as_uri() + "/getting-involved.html")
    set_palette(page, palette)
    aim(page, 1).fill("A target")
    remove = button(page, "Remove target 1")
    add = button(page, "Add a target")
    r, a = remove.evaluate(CONTRAST), add.evaluate(CONTRAST)
    assert r["text"] == "Remove target 1"
    assert "2715" in r["icon"].encode("unicode_escape").decode() or "\u2715" in r["icon"], r
    assert r["color"] != a["color"], "the destructive button differs from the Add button"
    red, green, blue = (int(float(x)) for x in r["color"][r["color"].index("(") + 1:-1].split(",")[:3])
    assert red > green + 60 and red > blue + 60, r  # red
    assert r["ratio"] >= 4.5, r
    remove.focus()  # focused (and hovered): filled red, still AA
    page.wait_for_function("el => /^rgb\\(/.test(getComputedStyle(el).backgroundColor)", arg=remove.element_handle())
    rf = remove.evaluate(CONTRAST)
    assert rf["ratio"] >= 4.5, rf


# ------------------------------------------------------------------ 1. success and error messages

def test_success_and_error_messages_look_different_and_are_announced(site, browser):
    ok_ctx = browser.new_context()
    ok = ok_ctx.new_page()
    ok.goto(site.as_uri() + "/coaching.html")
    box(form_called(ok, GROW), TOPIC).fill("Questioning")
    good = form_called(ok, GROW).get_by_role("status")
    expect(good).to_contain_text("Saved in this browser")
    g = good.evaluate(CONTRAST)
    ok_ctx.close()

    ctx = browser.new_context()
    ctx.add_init_script(FULL)
    page = ctx.new_page()
    page.goto(site.as_uri() + "/coaching.html")
    form = form_called(page, GROW)
    box(form, TOPIC).fill("Too much")
    bad = form.get_by_role("alert")
    expect(bad).to_contain_text("Not saved: this browser's storage is full")
    expect(bad).to_be_visible()
    e = bad.evaluate(CONTRAST)
    assert "26a0" in e["icon"].encode("unicode_escape").decode(), e  # a warning sign
    assert "2713" in g["icon"].encode("unicode_escape").decode(), g  # a tick
    assert e["color"] != g["color"] and e["ratio"] >= 4.5
    assert form.get_by_role("status", include_hidden=True).text_content() == ""
    # beside the field too, in words
    marker = form.locator(".hb-saved")
    expect(marker).to_have_text("Not saved")
    ctx.close()


# ------------------------------------------------------------------ 2. "Saved" beside the field

FIELDS = {  # page, form, the field's label, its item, what to type
    "grow-topic": ("coaching.html", GROW, TOPIC, None, "Questioning in Year 9"),
    "grow-notes": ("coaching.html", GROW, "Your notes", "Way forward", "Two actions by Friday"),
    "principle-note": ("principles.html", PRINCIPLES, "What shows it, or what could change", LEARNING_CONVERSATION, "Logs kept"),
    "target-aim": ("getting-involved.html", TARGETS, AIM, "Target 1", "A target"),
}


@pytest.mark.parametrize("url,form,label,item,text", list(FIELDS.values()), ids=list(FIELDS))
def test_saved_is_shown_beside_the_field_being_edited(site, sized, url, form, label, item, text):
    page = sized
    page.goto(site.as_uri() + "/" + url)
    field = box(form_called(page, form), label, item=item)
    field.fill(text)
    expect(field.locator("xpath=ancestor::*[contains(@class,'hb-field')][1]").locator(".hb-saved")).to_have_text("Saved")
    saved = visible_saved_box(page)
    assert saved, "no visible 'Saved'"
    fbox = field.evaluate("el => { const r = el.getBoundingClientRect(); return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }")
    assert gap(saved, fbox) <= 150, (saved, fbox)
    # it does not cover the field's label
    label = field.evaluate("el => { const l = el.labels && el.labels[0]; if (!l) return null; const r = l.getBoundingClientRect();"
                           " const s = l.getClientRects(); return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height,"
                           " text: l.textContent}; }")
    if label:
        overlap = field.evaluate("""el => {
            const m = document.querySelector('.hb-saved:not([hidden])').getBoundingClientRect();
            const l = el.labels[0];
            const rects = [];
            const walk = document.createTreeWalker(l, NodeFilter.SHOW_TEXT);
            for (let t = walk.nextNode(); t; t = walk.nextNode()) {
                if (t.parentElement.closest('.hb-saved')) continue;
                const range = document.createRange(); range.selectNodeContents(t);
                rects.push(...range.getClientRects());
            }
            return rects.some(r => r.width > 0 && r.right > m.left && r.left < m.right && r.bottom > m.top && r.top < m.bottom);
        }""")
        assert not overlap, "the Saved marker covers the label's text"


def test_a_radio_answer_is_marked_saved_beside_its_question(site, sized):
    page = sized
    page.goto(site.as_uri() + "/coaching.html")
    secure = choice(form_called(page, COACHES), "Your rating", "Secure", item=LISTEN)
    secure.check()
    question = form_called(page, COACHES).get_by_role("group", name=LISTEN).get_by_role("group", name="Your rating")
    expect(question.locator(".hb-saved")).to_have_text("Saved")
    saved = visible_saved_box(page)
    assert saved
    assert gap(saved, rect(secure)) <= 150


def test_saved_is_announced_once_per_field_not_per_keystroke(site, page):
    page.goto(site.as_uri() + "/coaching.html")
    form = form_called(page, GROW)
    region = watch_said(form)
    topic = box(form, TOPIC)
    topic.click()
    text = ""
    for ch in "Year 9":  # every character saved on its own
        page.keyboard.type(ch)
        text += ch
        wait_stored(page, "grow-planner.topic", text)
    said = [s for s in page.evaluate("window.__said") if s]
    assert len(said) == 1 and said[0].startswith("Saved in this browser"), said
    # the status line stays quiet on screen: "Saved" is shown beside the field instead
    assert region.evaluate("el => el.getBoundingClientRect().width") <= 1
    box(form, "Date of the conversation").fill("2026-11-25")  # another field: said again, once
    wait_stored(page, "grow-planner.date", "2026-11-25")
    page.wait_for_function("() => window.__said.filter(Boolean).length === 2")


def test_kept_for_this_visit_is_said_once_not_per_keystroke(site, browser):
    ctx = browser.new_context()
    ctx.add_init_script("Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('no', 'SecurityError'); } });")
    page = ctx.new_page()
    page.goto(site.as_uri() + "/coaching.html")
    form = form_called(page, GROW)
    region = watch_said(form)
    box(form, TOPIC).click()
    page.keyboard.type("Visit")
    expect(region).to_have_text("Kept for this visit only (not saved).")
    page.keyboard.type(" only")
    expect(box(form, TOPIC)).to_have_value("Visit only")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate("window.__said") == ["Kept for this visit only (not saved)."]
    ctx.close()


# ------------------------------------------------------------------ 3. validation where people type

def test_a_rank_out_of_range_is_explained_beside_the_field(site, sized):
    page = sized
    page.goto(site.as_uri() + "/getting-involved.html")
    form = form_called(page, PRIORITISING)
    ranks = form.get_by_role("spinbutton", name=re.compile(r"^\s*Priority\b"))
    n = ranks.count()
    assert n > 1
    rank_ = rank(page, BEING_COACHED)
    assert rank_.get_attribute("max") == str(n)
    says = f"Give a whole number from 1 to {n} (there are {n} activities)."
    msg = form.get_by_role("alert").filter(has_text=says)
    for bad in (str(n + 1), "0", "1.5"):
        rank_.fill(bad)
        expect(msg).to_be_visible()
        expect(msg).to_have_text(says)
        expect(rank_).to_have_attribute("aria-invalid", "true")
        expect(rank_).to_have_accessible_description(f"{RANK_HINT} {says}")  # the hint first, then what is wrong
        assert gap(rect(msg), rect(rank_)) <= 150
    rank_.fill(str(n))
    expect(msg).to_be_hidden()
    expect(rank_).not_to_have_attribute("aria-invalid")
    expect(rank_).to_have_accessible_description(RANK_HINT)
    # a value out of range is still kept (nothing typed is lost), and still flagged after a reload
    rank_.fill(str(n + 3))
    wait_stored(page, "prioritising.receive-coaching.rank", str(n + 3))
    page.reload()
    expect(msg).to_be_visible()


def test_range_and_uniqueness_messages_together(site, page):
    page.goto(site.as_uri() + "/getting-involved.html")
    form = form_called(page, PRIORITISING)
    choice(form, NEED_IT, YES, item=BEING_COACHED).check()
    rank(page, BEING_COACHED).fill("1")
    choice(form, NEED_IT, YES, item=BECOMING_A_COACH).check()
    rank(page, BECOMING_A_COACH).fill("1")
    dup = form.get_by_role("alert").filter(has_text="more than one has rank")
    expect(dup).to_contain_text("more than one has rank 1")
    rank(page, BECOMING_A_COACH).fill("99")
    expect(dup).to_be_hidden()
    expect(form.get_by_role("group", name=BECOMING_A_COACH).get_by_role("alert")).to_have_text(re.compile(r"^Give a whole number"))
    expect(rank(page, BECOMING_A_COACH)).to_have_attribute("aria-invalid", "true")
    expect(rank(page, BEING_COACHED)).not_to_have_attribute("aria-invalid")


UK_DATES = {
    "2026-11-25": "25 November 2026", "2027-03-01": "1 March 2027", "2028-02-29": "29 February 2028",
    "2026-02-29": "2026-02-29", "2026-13-01": "2026-13-01", "25/11/2026": "25/11/2026", " 2026-01-09 ": "9 January 2026",
    "": "", "not a date": "not a date",
}


def test_uk_date_formatter(site, page):
    page.goto(site.as_uri() + "/index.html")
    got = page.evaluate("dates => Object.fromEntries(dates.map(d => [d, hb.ukDate(d)]))", list(UK_DATES))
    assert got == UK_DATES
    assert page.evaluate("[hb.ukDate(null), hb.ukDate(undefined)]") == ["", ""]


def test_dates_are_shown_in_uk_form_beside_the_date_box(site, sized):
    page = sized
    page.goto(site.as_uri() + "/getting-involved.html")
    form = form_called(page, TARGETS)
    date = box(form, "By when", item="Target 1")
    date.fill("2026-11-25")
    uk = form.get_by_text("25 November 2026", exact=True)
    expect(uk).to_be_visible()
    expect(date).to_have_accessible_description("25 November 2026")
    assert gap(rect(uk), rect(date)) <= 150
    page.reload()
    expect(uk).to_be_visible()
    expect(date).to_have_accessible_description("25 November 2026")
    date.fill("")
    expect(uk).to_have_count(0)
    expect(date).to_have_accessible_description("")
    page.goto(site.as_uri() + "/practical-guidance.html")  # the contracting form
    contracting = form_called(page, "contracting checklist")
    box(contracting, "Date agreed").fill("2027-01-04")
    expect(contracting.get_by_text("4 January 2027", exact=True)).to_be_visible()
    expect(box(contracting, "Date agreed")).to_have_accessible_description("4 January 2027")


# ------------------------------------------------------------------ all of it, for axe

@pytest.mark.parametrize("palette", ["default", "slate"])
def test_messages_undo_and_errors_have_no_accessibility_violations(site, page, palette):
    page.goto(site.as_uri() + "/getting-involved.html")
    set_palette(page, palette)
    two_targets(page)
    rank(page, BEING_COACHED).fill("99")
    rank(page, BECOMING_A_COACH).fill("0")
    button(page, "Remove target 2").click()
    expect(button(page, "Undo")).to_be_focused()
    page.locator(".hb-saved").first.wait_for()
    v = run_axe(page)
    assert v == [], describe(v)
    button(page, "Remove target 1").hover()
    v = run_axe(page)
    assert v == [], describe(v)
