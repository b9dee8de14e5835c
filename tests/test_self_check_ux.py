"""Self-check forms as people meet them (issue #12): deleting a target can be undone, destructive
buttons look destructive, success and error messages differ and are announced, "Saved" appears
beside the field being edited, ranks are checked where they are typed, dates read in UK form.

All in chromium, at a phone's (390x844) and a laptop's (1366x768) size where it is visual."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from webcheck import STORAGE_FULL, describe, run_axe, set_palette

NS = "coaching-mentoring-handbook"
KEY = f"hb:{NS}:answers"
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
ROWS = '[data-hb-rows="targets"] li[data-hb-row]'
FULL = STORAGE_FULL


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


def box(page, selector):
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }""", selector)


# ------------------------------------------------------------------ 1. removing a target

def two_targets(page):
    rows = page.locator(ROWS)
    rows.nth(0).locator("textarea").first.fill("Use GROW in two conversations")
    page.click("[data-hb-add-row]")
    page.keyboard.type("Observe a colleague's questioning")
    rows.nth(1).locator('input[type="date"]').fill("2027-03-31")
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
    rows.nth(0).locator("[data-hb-remove-row]").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    notice = page.locator(".hb-rows__notice")
    expect(notice).to_be_visible()
    assert notice.get_attribute("role") == "status"
    expect(notice).to_contain_text("Target 1 removed.")
    undo = notice.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    wait_stored(page, "targets", [{"id": rows.nth(0).get_attribute("data-hb-row"),
                                   "aim": "Observe a colleague's questioning", "by-when": "2027-03-31"}])
    page.keyboard.press("Enter")  # Undo: the target comes back where it was
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("textarea").first).to_have_value("Use GROW in two conversations")
    expect(rows.nth(0).locator("textarea").first).to_be_focused()
    expect(rows.nth(0).locator("legend")).to_have_text("Target 1")
    expect(notice).to_contain_text("Target 1 is back.")
    wait_stored(page, "targets", [
        {"id": first_id, "aim": "Use GROW in two conversations"},
        {"id": rows.nth(1).get_attribute("data-hb-row"), "aim": "Observe a colleague's questioning", "by-when": "2027-03-31"},
    ])
    page.reload()
    expect(rows).to_have_count(2)


def test_an_empty_target_is_removed_at_once(site, sized):
    page = sized
    page.goto(site.as_uri() + "/getting-involved.html")
    page.locator(ROWS).nth(0).locator("textarea").first.fill("Keep this one")
    page.click("[data-hb-add-row]")
    rows = page.locator(ROWS)
    expect(rows).to_have_count(2)
    rows.nth(1).locator("[data-hb-remove-row]").click()
    expect(rows).to_have_count(1)
    expect(page.locator(".hb-rows__notice")).to_have_text("Target 2 removed.")
    expect(page.locator("[data-hb-undo]")).to_have_count(0)
    expect(page.locator("[data-hb-add-row]")).to_be_focused()


def test_old_messages_clear_when_the_next_action_starts(site, page):
    page.goto(site.as_uri() + "/getting-involved.html")
    rows = two_targets(page)
    rows.nth(1).locator("[data-hb-remove-row]").click()
    notice = page.locator(".hb-rows__notice")
    expect(notice).to_contain_text("Target 2 removed.")
    rows.nth(0).locator("textarea").nth(1).type("x")  # the next action: typing in another field
    expect(notice).to_be_hidden()
    expect(page.locator("[data-hb-undo]")).to_have_count(0)
    page.click("[data-hb-add-row]")
    expect(notice).to_have_text("Target 2 added.")
    page.keyboard.type("y")
    expect(notice).to_be_hidden()


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
    page.locator(ROWS).nth(0).locator("textarea").first.fill("A target")
    remove = page.locator("[data-hb-remove-row]").first
    add = page.locator("[data-hb-add-row]")
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
    ok.fill("#hb-grow-planner--topic", "Questioning")
    form = '[data-hb-form="grow-planner"]'
    good = ok.locator(f'{form} [data-hb-status] [role="status"]')
    expect(good).to_contain_text("Saved in this browser")
    g = good.evaluate(CONTRAST)
    ok_ctx.close()

    ctx = browser.new_context()
    ctx.add_init_script(FULL)
    page = ctx.new_page()
    page.goto(site.as_uri() + "/coaching.html")
    page.fill("#hb-grow-planner--topic", "Too much")
    bad = page.locator(f'{form} [data-hb-status] [role="alert"]')
    expect(bad).to_contain_text("Not saved: this browser's storage is full")
    expect(bad).to_be_visible()
    e = bad.evaluate(CONTRAST)
    assert "26a0" in e["icon"].encode("unicode_escape").decode(), e  # a warning sign
    assert "2713" in g["icon"].encode("unicode_escape").decode(), g  # a tick
    assert e["color"] != g["color"] and e["ratio"] >= 4.5
    assert page.locator(f'{form} [data-hb-status] [role="status"]').text_content() == ""
    # beside the field too, in words
    marker = page.locator(f"{form} .hb-saved")
    expect(marker).to_have_text("Not saved")
    ctx.close()


# ------------------------------------------------------------------ 2. "Saved" beside the field

FIELDS = [
    ("coaching.html", "#hb-grow-planner--topic", "Questioning in Year 9"),
    ("coaching.html", "#hb-grow-planner--way-forward--notes", "Two actions by Friday"),
    ("principles.html", "#hb-principles-review--learning-conversation--note", "Logs kept"),
    ("getting-involved.html", ROWS + " textarea", "A target"),
]


@pytest.mark.parametrize("url,selector,text", FIELDS)
def test_saved_is_shown_beside_the_field_being_edited(site, sized, url, selector, text):
    page = sized
    page.goto(site.as_uri() + "/" + url)
    field = page.locator(selector).first
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
        overlap = page.evaluate("""([sel]) => {
            const m = document.querySelector('.hb-saved:not([hidden])').getBoundingClientRect();
            const el = document.querySelector(sel); const l = el.labels[0];
            const rects = [];
            const walk = document.createTreeWalker(l, NodeFilter.SHOW_TEXT);
            for (let t = walk.nextNode(); t; t = walk.nextNode()) {
                if (t.parentElement.closest('.hb-saved')) continue;
                const range = document.createRange(); range.selectNodeContents(t);
                rects.push(...range.getClientRects());
            }
            return rects.some(r => r.width > 0 && r.right > m.left && r.left < m.right && r.bottom > m.top && r.top < m.bottom);
        }""", [selector])
        assert not overlap, "the Saved marker covers the label's text"


def test_a_radio_answer_is_marked_saved_beside_its_question(site, sized):
    page = sized
    page.goto(site.as_uri() + "/coaching.html")
    page.check("#hb-coach-self-assessment--listen-actively--rating-secure")
    expect(page.locator('[data-hb-field="coach-self-assessment.listen-actively.rating"] .hb-saved')).to_have_text("Saved")
    saved = visible_saved_box(page)
    assert saved
    assert gap(saved, box(page, "#hb-coach-self-assessment--listen-actively--rating-secure")) <= 150


def test_saved_is_announced_once_per_field_not_per_keystroke(site, page):
    page.goto(site.as_uri() + "/coaching.html")
    region = '[data-hb-form="grow-planner"] [data-hb-status] [role="status"]'
    page.wait_for_selector(region, state="attached")  # components start just after the first paint
    page.evaluate("""s => { window.__said = []; new MutationObserver(() => window.__said.push(document.querySelector(s).textContent))
        .observe(document.querySelector(s), {childList: true, characterData: true, subtree: true}); }""", region)
    topic = page.locator("#hb-grow-planner--topic")
    topic.click()
    text = ""
    for ch in "Year 9":  # every character saved on its own
        page.keyboard.type(ch)
        text += ch
        wait_stored(page, "grow-planner.topic", text)
    said = [s for s in page.evaluate("window.__said") if s]
    assert len(said) == 1 and said[0].startswith("Saved in this browser"), said
    # the status line stays quiet on screen: "Saved" is shown beside the field instead
    assert page.locator(region).evaluate("el => el.getBoundingClientRect().width") <= 1
    page.locator("#hb-grow-planner--date").fill("2026-11-25")  # another field: said again, once
    wait_stored(page, "grow-planner.date", "2026-11-25")
    page.wait_for_function("() => window.__said.filter(Boolean).length === 2")


def test_kept_for_this_visit_is_said_once_not_per_keystroke(site, browser):
    ctx = browser.new_context()
    ctx.add_init_script("Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('no', 'SecurityError'); } });")
    page = ctx.new_page()
    page.goto(site.as_uri() + "/coaching.html")
    region = '[data-hb-form="grow-planner"] [data-hb-status] [role="status"]'
    page.wait_for_selector(region, state="attached")  # components start just after the first paint
    page.evaluate("""s => { window.__said = []; new MutationObserver(() => window.__said.push(document.querySelector(s).textContent))
        .observe(document.querySelector(s), {childList: true, characterData: true, subtree: true}); }""", region)
    page.locator("#hb-grow-planner--topic").click()
    page.keyboard.type("Visit")
    expect(page.locator(region)).to_have_text("Kept for this visit only (not saved).")
    page.keyboard.type(" only")
    expect(page.locator("#hb-grow-planner--topic")).to_have_value("Visit only")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate("window.__said") == ["Kept for this visit only (not saved)."]
    ctx.close()


# ------------------------------------------------------------------ 3. validation where people type

def test_a_rank_out_of_range_is_explained_beside_the_field(site, sized):
    page = sized
    page.goto(site.as_uri() + "/getting-involved.html")
    ranks = page.locator('[data-hb-form="prioritising"] input.hb-field__rank')
    n = ranks.count()
    assert n > 1
    rank = page.locator("#hb-prioritising--receive-coaching--rank")
    assert rank.get_attribute("max") == str(n)
    msg = page.locator("#hb-prioritising--receive-coaching--rank-range")
    for bad in (str(n + 1), "0", "1.5"):
        rank.fill(bad)
        expect(msg).to_be_visible()
        expect(msg).to_have_text(f"Give a whole number from 1 to {n} (there are {n} activities).")
        assert rank.get_attribute("aria-invalid") == "true"
        assert "hb-prioritising--receive-coaching--rank-range" in rank.get_attribute("aria-describedby").split()
        assert rank.get_attribute("aria-describedby").split()[0] == "hb-prioritising--receive-coaching--rank-hint"
        assert msg.get_attribute("role") == "alert"
        assert gap(box(page, "#hb-prioritising--receive-coaching--rank-range"), box(page, "#hb-prioritising--receive-coaching--rank")) <= 150
    rank.fill(str(n))
    expect(msg).to_be_hidden()
    assert rank.get_attribute("aria-invalid") is None
    assert rank.get_attribute("aria-describedby") == "hb-prioritising--receive-coaching--rank-hint"
    # a value out of range is still kept (nothing typed is lost), and still flagged after a reload
    rank.fill(str(n + 3))
    wait_stored(page, "prioritising.receive-coaching.rank", str(n + 3))
    page.reload()
    expect(msg).to_be_visible()


def test_range_and_uniqueness_messages_together(site, page):
    page.goto(site.as_uri() + "/getting-involved.html")
    page.check("#hb-prioritising--receive-coaching--required-yes")
    page.fill("#hb-prioritising--receive-coaching--rank", "1")
    page.check("#hb-prioritising--become-coach--required-yes")
    page.fill("#hb-prioritising--become-coach--rank", "1")
    dup = page.locator('[data-hb-form="prioritising"] .hb-field__error:not(.hb-field__error--range)')
    expect(dup).to_contain_text("more than one has rank 1")
    page.fill("#hb-prioritising--become-coach--rank", "99")
    expect(dup).to_be_hidden()
    expect(page.locator("#hb-prioritising--become-coach--rank-range")).to_be_visible()
    assert page.get_attribute("#hb-prioritising--become-coach--rank", "aria-invalid") == "true"
    assert page.get_attribute("#hb-prioritising--receive-coaching--rank", "aria-invalid") is None


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
    date = page.locator(ROWS).nth(0).locator('input[type="date"]')
    date.fill("2026-11-25")
    did = date.get_attribute("id")
    uk = page.locator(f"#{did}-uk")
    expect(uk).to_have_text("25 November 2026")
    assert f"{did}-uk" in date.get_attribute("aria-describedby").split()
    assert gap(box(page, f"#{did}-uk"), box(page, f"#{did}")) <= 150
    page.reload()
    date = page.locator(ROWS).nth(0).locator('input[type="date"]')
    expect(page.locator(f"#{date.get_attribute('id')}-uk")).to_have_text("25 November 2026")
    date.fill("")
    expect(page.locator(f"#{date.get_attribute('id')}-uk")).to_have_text("")
    assert date.get_attribute("aria-describedby") is None
    page.goto(site.as_uri() + "/practical-guidance.html")  # the contracting form
    page.fill("#hb-contracting--date", "2027-01-04")
    expect(page.locator("#hb-contracting--date-uk")).to_have_text("4 January 2027")


# ------------------------------------------------------------------ all of it, for axe

@pytest.mark.parametrize("palette", ["default", "slate"])
def test_messages_undo_and_errors_have_no_accessibility_violations(site, page, palette):
    page.goto(site.as_uri() + "/getting-involved.html")
    set_palette(page, palette)
    rows = two_targets(page)
    page.fill("#hb-prioritising--receive-coaching--rank", "99")
    page.fill("#hb-prioritising--become-coach--rank", "0")
    rows.nth(1).locator("[data-hb-remove-row]").click()
    expect(page.locator("[data-hb-undo]")).to_be_focused()
    page.locator(".hb-saved").first.wait_for()
    v = run_axe(page)
    assert v == [], describe(v)
    page.locator("[data-hb-remove-row]").first.hover()
    v = run_axe(page)
    assert v == [], describe(v)
