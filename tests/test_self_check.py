"""Self-check forms: declared once in data/forms.yml, rendered on their pages, saved in the browser."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from conftest import copy_project, handbook, serve_dir
from webcheck import box, choice, form_called, note_on, tab_to
from macros import learning_record, self_check
from macros.pages import check as check_pages
from conftest import ROOT

NS = "coaching-mentoring-handbook"
KEY = f"hb:{NS}:answers"

# Forms, items and fields as a reader finds them: by what the page says (data/forms.yml, data/lists.yml,
# data/principles.yml, data/prompts.yml). A form is found by part of its heading.
NEED_COACHING = "Is there a particular aspect of your practice"  # a point for reflection on the coaching page
PRINCIPLES = "against the ten principles"
LEARNING_CONVERSATION = "1. A learning conversation"
PRIORITISING = "Prioritising coaching and mentoring activities"
BEING_COACHED = re.compile(r"^Being coached\b")
BECOMING_A_COACH = re.compile(r"^Becoming a coach\b")
TARGETS, AIM = "Your targets", "What you want to achieve"
NEED_IT, YES, NO = "Do you need to do this?", "Yes, I need to do this", "No, not at the moment"


@pytest.fixture(scope="module")
def manifest(site):
    raw = (site / "record.html").read_text(encoding="utf-8")
    m = re.search(r'<template id="hb-manifest"[^>]*>(.*?)</template>', raw, re.S)
    return json.loads(m.group(1))


# ------------------------------------------------------------------ Python: the declaration

def test_every_issue_form_is_declared(hb):
    kinds = {f["id"]: f for f in hb.forms.values()}
    # 1 notes for every point for reflection, case-study question and head-of-department question
    notes = kinds["reflections"]
    assert set(notes["prompt_groups"]) == {"points-for-reflection", "case-study-questions", "hod-questions", "embedding-questions"}
    for p in hb.prompts:
        assert self_check.prompt_fields(hb, p), p
    # 2 coach and mentor self-assessment on a YAML scale with named, described levels
    for fid, lst in (("coach-self-assessment", "effective-coaches"), ("mentor-self-assessment", "effective-mentors")):
        m = self_check.form_model(hb, fid)
        assert [it["id"] for it in m["items"]] == [it["id"] for it in hb.lists[lst]["items"]]
        assert [f["type"] for f in m["items"][0]["fields"]] == ["scale", "text"]
        assert all(lv["label"] and lv["description"] for lv in m["scales"][0]["levels"])
    # 3 the ten principles
    assert len(self_check.form_model(hb, "principles-review")["items"]) == 10
    # 4 standards: addressed / addressing / not yet + action + short or longer term
    std = self_check.form_model(hb, "standards-review")["items"][0]["fields"]
    assert [o["id"] for o in std[0]["options"]] == ["addressed", "addressing", "not-yet"]
    assert [o["id"] for o in std[2]["options"]] == ["short", "longer"]
    # 5 prioritising: required yes/no, rank unique among required, notes
    pri = self_check.form_model(hb, "prioritising")["items"][0]["fields"]
    assert [f["type"] for f in pri] == ["choice", "rank", "text"]
    assert pri[1]["unique_when"] == {"field": "required", "value": "yes"}
    # 6 targets: added rows with the five columns
    rows = self_check.form_model(hb, "targets")["rows"]
    assert [c["id"] for c in rows["columns"]] == ["aim", "actions", "support", "by-when", "evidence"]
    # 7 contracting checklist, 8 GROW planner with the figure's questions as prompts
    assert len(self_check.form_model(hb, "contracting")["items"]) == len(hb.lists["contracting-checklist"]["items"])
    grow = self_check.form_model(hb, "grow-planner")
    assert [f["item_prompt"] for it in grow["items"] for f in it["fields"]] == [it["prompt"] for it in hb.lists["grow"]["items"]]


def test_storage_keys_are_stable_and_unique(hb, manifest):
    keys = learning_record.all_keys(manifest)
    assert len(keys) == len(set(keys))
    for k in keys:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*", k), k
    assert "coach-self-assessment.listen-actively.rating" in keys
    assert "reflections.reflect-need-coaching.note" in keys
    assert "targets" in keys


def test_manifest_covers_every_prompt_and_form_in_page_order(hb, manifest):
    ids = [e["id"] for s in manifest["sections"] for e in s["entries"]]
    from macros.coaching_log import manifest_entries

    logs = {e["id"] for lid in hb.logs for e in manifest_entries(hb, lid, lambda anchor: anchor)}
    assert set(ids) == set(hb.prompts) | {f for f in hb.forms if not hb.forms[f].get("prompt_groups")} | logs
    titles = [s["title"] for s in manifest["sections"]]
    assert titles.index("Coaching") < titles.index("Mentoring") < titles.index("Getting involved")
    assert manifest["handbook"] == NS and manifest["version"] == 1
    assert len(manifest["chart"]["rows"]) == 9


def _labels_of(html: str, key: str) -> list[str]:
    """What labels each control saving to `key`: the text of its <label for=...>, and for a radio
    group the legend of its fieldset too (the group's name; each option's label names the option)."""
    import html as html_lib

    controls = re.findall(rf'<(?:input|textarea|select)\b[^>]*\bdata-hb-key="{re.escape(key)}"[^>]*>', html)
    assert controls, f"no control saves to {key}"
    found = []
    for c in controls:
        cid = re.search(r'\bid="([^"]+)"', c)
        assert cid, c
        label = re.search(rf'<label\b[^>]*\bfor="{re.escape(cid.group(1))}"[^>]*>(.*?)</label>', html, re.S)
        assert label, f"control {cid.group(1)} ({key}) has no <label for>"
        if 'type="radio"' in c:
            legend = re.search(rf'<fieldset\b[^>]*data-hb-field="{re.escape(key)}"[^>]*>\s*<legend\b[^>]*>(.*?)</legend>', html, re.S)
            assert legend, f"radio group {key} has no fieldset legend"
            found.append(html_lib.unescape(legend.group(1)))
        else:
            found.append(html_lib.unescape(re.sub(r"<[^>]+>", "", label.group(1))))
    return found


def test_every_field_is_rendered_on_its_page(site, hb):
    pages = check_pages(ROOT / "content", hb)
    for fid, page in pages.form_pages.items():
        html = (site / page.replace(".md", ".html")).read_text(encoding="utf-8")
        m = self_check.form_model(hb, fid)
        assert f'data-hb-form="{fid}"' in html
        for it in m["items"]:
            for f in it["fields"]:
                assert f'data-hb-key="{f["key"]}"' in html, (page, f["key"])
                # every control has a label of its own, with the field's label as its name
                assert set(_labels_of(html, f["key"])) == {f["label"]}, (page, f["key"])
    for pid, page in pages.prompt_pages.items():
        html = (site / page.replace(".md", ".html")).read_text(encoding="utf-8")
        assert f'data-hb-key="reflections.{pid}.note"' in html, (page, pid)


def test_forms_print_as_worksheets_without_javascript(site):
    html = (site / "getting-involved.html").read_text(encoding="utf-8")
    assert "With JavaScript switched off nothing is saved" in html
    assert "Nothing is sent anywhere" in html
    assert re.search(r'<li class="hb-rows__row" data-hb-row="target-1">', html), "a blank target row to write on"


# A mistake in a form's declaration, and a form on no page: tests/test_validation.py (fixture handbook).


# ------------------------------------------------------------------ browser: the forms come alive


def stored(page) -> dict:
    raw = page.evaluate(f"localStorage.getItem('{KEY}')")
    return json.loads(raw)["answers"] if raw else {}


def wait_saved(page, form_locator=None):
    loc = (form_locator or page).locator("[data-hb-status]").filter(has_text="Saved in this browser").first
    expect(loc).to_be_visible(timeout=5000)
    # The status says "Saved" once per field, not at every save: write what is still waiting for
    # the next pause in typing (the same write the pause would make), so `stored` sees all of it.
    page.evaluate("window.hb.storage.flush()")


def test_fill_reload_still_there(base, page):
    page.goto(base + "coaching.html")
    topic = box(form_called(page, "Plan a coaching conversation with GROW"), "What the conversation is about")
    secure = choice(form_called(page, "what effective coaches do"), "Your rating", "Secure", item="Listen actively")
    topic.fill("Questioning in Year 9")
    secure.check()
    wait_saved(page, form_called(page, "what effective coaches do"))
    page.reload()
    expect(topic).to_have_value("Questioning in Year 9")
    expect(secure).to_be_checked()
    page.goto(base + "practical-guidance.html")  # contracting is with the rest of the practical guidance
    contracting = form_called(page, "contracting checklist")
    notes, agreed = box(contracting, "What we agreed", item="Boundaries"), box(contracting, "Agreed", item="Boundaries")
    notes.fill("What we say stays between us")
    agreed.check()
    wait_saved(page, contracting)
    page.reload()
    expect(notes).to_have_value("What we say stays between us")
    expect(agreed).to_be_checked()
    assert stored(page)["contracting.boundaries.agreed"] is True
    assert page.js_errors == []


def test_saved_status_is_announced(site, page):
    page.goto(site.as_uri() + "/coaching.html")
    note_on(page, NEED_COACHING).fill("Behaviour management")
    status = form_called(page, NEED_COACHING).get_by_role("status")
    expect(status).to_have_text(re.compile(r"Saved in this browser at \d\d:\d\d"))


def nav_to(page, title: str) -> None:
    page.locator(".md-nav--primary").get_by_role("link", name=title, exact=True).click()


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory, free_port):
    """Material's instant navigation needs site_url to match where the site is served (its sitemap
    holds absolute URLs), so this build sets it, as a school does for its intranet."""
    port = free_port()
    proj = copy_project(tmp_path_factory.mktemp("instant") / "handbook")
    cfg = proj / "mkdocs.yml"
    cfg.write_text(cfg.read_text().replace("site_name:", f"site_url: http://127.0.0.1:{port}/\nsite_name:", 1))
    r = handbook("build", cwd=proj)
    assert r.returncode == 0, r.stderr
    base, stop = serve_dir(proj / "site", port)
    yield base
    stop()


# In every frame painted after Material shows a page (document$), what the first box holds that has an
# answer, or "" if none has: [(page, text), ...] in window.__painted.
PAINTED = """() => { window.__painted = [];
    document$.subscribe(() => requestAnimationFrame(() => __painted.push([location.pathname.split('/').pop(),
        ([...document.querySelectorAll('textarea')].find(t => t.value) || {value: ''}).value]))); }"""


def test_answers_survive_instant_navigation(instant_site, page):
    """...and come back with the page: the frame that first shows it again has them (the components
    start before that paint; they started after it, and the boxes showed empty for a moment)."""
    served = instant_site
    page.goto(served + "coaching.html")
    note = box(form_called(page, "Your notes on: Is there a particular aspect of your practice"), "Your notes")
    evidence = box(form_called(page, "what effective mentors do"), "Evidence or next step", item="Model expertise")
    note.fill("Feedback on questioning")
    wait_saved(page)
    # Material's instant navigation: the page is swapped in, not reloaded
    page.evaluate("window.__sameDocument = true")
    nav_to(page, "Mentoring")
    expect(page).to_have_url(re.compile(r"mentoring\.html$"))
    evidence.fill("Modelled a lesson")
    wait_saved(page)
    page.evaluate(PAINTED)
    nav_to(page, "Coaching")
    expect(note).to_have_value("Feedback on questioning")
    assert page.evaluate("window.__sameDocument") is True, "instant navigation did not keep the document"
    page.wait_for_function("() => __painted.some(([p]) => p === 'coaching.html')")
    assert [t for p, t in page.evaluate("__painted") if p == "coaching.html"] == ["Feedback on questioning"]
    nav_to(page, "Mentoring")
    expect(evidence).to_have_value("Modelled a lesson")
    assert page.js_errors == []


def test_answers_survive_closing_the_browser(site, browser, tmp_path):
    """A persistent profile closed and reopened, as a practitioner closes and reopens the browser."""
    from conftest import CHROMIUM, CHROMIUM_ARGS

    profile = tmp_path / "profile"
    chromium = browser.browser_type
    for attempt in ("write", "read"):
        ctx = chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        pg = ctx.new_page()
        pg.goto(site.as_uri() + "/principles.html")
        form = form_called(pg, PRINCIPLES)
        field = box(form, "What shows it, or what could change", item=LEARNING_CONVERSATION)
        if attempt == "write":
            field.fill("Dialogue is structured and evidence-based")
            form.get_by_role("status").filter(has_text="Saved").wait_for()
        else:
            expect(field).to_have_value("Dialogue is structured and evidence-based")
        ctx.close()


def test_rows_add_remove_and_keep(base, page):
    page.goto(base + "getting-involved.html")
    form = form_called(page, TARGETS)
    rows = form.get_by_role("group", name=re.compile(r"^Target \d+$"))
    expect(rows).to_have_count(1)
    box(form, AIM, item="Target 1").fill("Use GROW in two conversations")
    form.get_by_role("button", name="Add a target").click()
    expect(rows).to_have_count(2)
    expect(box(form, AIM, item="Target 2")).to_be_focused()
    page.keyboard.type("Observe a colleague's questioning")
    box(form, "By when", item="Target 2").fill("2027-03-31")
    form.get_by_role("button", name="Add a target").click()
    page.keyboard.type("A third target")
    wait_saved(page, form)
    page.reload()
    expect(rows).to_have_count(3)
    form.get_by_role("button", name="Remove target 2").click()
    expect(rows).to_have_count(2)
    wait_saved(page, form)
    page.reload()
    texts = [box(form, AIM, item=f"Target {n}").input_value() for n in (1, 2)]
    assert texts == ["Use GROW in two conversations", "A third target"]
    assert [r.get("aim") for r in stored(page)["targets"]] == texts


def test_ranks_must_be_unique_among_required(site, page):
    page.goto(site.as_uri() + "/getting-involved.html")
    form = form_called(page, PRIORITISING)
    error = form.get_by_role("alert").filter(has_text="more than one has rank")  # the clash message, said when it has words
    rank = box(form, "Priority", item=BECOMING_A_COACH)
    choice(form, NEED_IT, YES, item=BEING_COACHED).check()
    box(form, "Priority", item=BEING_COACHED).fill("1")
    choice(form, NEED_IT, YES, item=BECOMING_A_COACH).check()
    rank.fill("1")
    expect(error).to_be_visible()
    expect(error).to_contain_text("more than one has rank 1")
    expect(rank).to_have_attribute("aria-invalid", "true")
    # an activity not needed does not count
    choice(form, NEED_IT, NO, item=BECOMING_A_COACH).check()
    expect(error).to_be_hidden()
    choice(form, NEED_IT, YES, item=BECOMING_A_COACH).check()
    expect(error).to_be_visible()
    rank.fill("2")
    expect(error).to_be_hidden()
    expect(rank).not_to_have_attribute("aria-invalid")


def test_a_form_completed_by_keyboard_alone(site, page):
    page.goto(site.as_uri() + "/principles.html")
    first = choice(form_called(page, PRINCIPLES), "In our programme", "Not in place", item=LEARNING_CONVERSATION)
    tab_to(page, first, 400, "the principles review form")
    page.keyboard.press("ArrowRight")  # radio group: the arrow keys choose the next level
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("Mentors and coaches keep learning logs")
    page.keyboard.press("Tab")  # the next principle's rating
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("Not yet: to discuss with the SMT")
    focus = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus != "none", "the focused field shows a visible focus"
    wait_saved(page, form_called(page, PRINCIPLES))
    a = stored(page)
    assert a == {
        "principles-review.learning-conversation.rating": "established",
        "principles-review.learning-conversation.note": "Mentors and coaches keep learning logs",
        "principles-review.challenging-personal-goals.rating": "emerging",
        "principles-review.challenging-personal-goals.note": "Not yet: to discuss with the SMT",
    }


def test_html_in_an_answer_stays_text(site, page):
    page.goto(site.as_uri() + "/coaching.html")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>'
    note_on(page, NEED_COACHING).fill(evil)
    wait_saved(page)
    page.reload()
    expect(note_on(page, NEED_COACHING)).to_have_value(evil)
    page.goto(site.as_uri() + "/record.html")
    dd = page.locator('[data-hb-answer="reflections.reflect-need-coaching.note"]')
    expect(dd).to_have_text(evil)
    assert dd.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []


def test_without_javascript_forms_read_and_print_as_worksheets(site, browser):
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(site.as_uri() + "/getting-involved.html")
    expect(pg.locator(".hb-self-check__nojs").first).to_be_visible()
    expect(choice(form_called(pg, PRIORITISING), NEED_IT, YES, item=BEING_COACHED)).to_be_visible()
    aim = box(form_called(pg, TARGETS), AIM, item=re.compile(r"^Target\b"))
    expect(aim).to_be_visible()
    add = form_called(pg, TARGETS).get_by_role("button", name="Add a target", include_hidden=True)
    expect(add).to_have_count(1)
    expect(add).to_be_hidden()  # adding rows needs JavaScript: not offered
    pg.emulate_media(media="print")
    expect(aim).to_be_visible()
    assert pg.pdf()[:4] == b"%PDF"
    ctx.close()


def test_a_bad_namespace_is_refused_with_its_line(tmp_path):
    proj = copy_project(tmp_path / "handbook")
    cfg = proj / "mkdocs.yml"
    cfg.write_text(cfg.read_text().replace("namespace: coaching-mentoring-handbook", "namespace: Our Handbook!"))
    line = cfg.read_text().splitlines().index("    namespace: Our Handbook!") + 1
    for cmd in ("check", "build"):
        r = handbook(cmd, cwd=proj)
        assert r.returncode != 0
        assert "'Our Handbook!' is not a valid namespace" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert f"mkdocs.yml:{line}: extra.handbook.namespace" in handbook("check", cwd=proj).stderr


def _hold_scripts(page):
    """Hold the handbook's own scripts back (as a slow phone would) until release() is called."""
    held, pattern, released = [], re.compile(r".*/assets/javascripts/handbook[^/]*\.js$"), []

    def hold(route):
        if released:  # asked for after release(): not held
            route.continue_()
        else:
            held.append(route)
    page.route(pattern, hold)

    def release():
        released.append(True)
        for route in held:
            route.continue_()
        page.unroute(pattern)
    return held, release


def _asked(page, held) -> bool:
    """Whether the page asked for the held scripts (it does after its first paint, boot.js), waiting
    up to 30 s: a test that held nothing proves nothing."""
    for _ in range(600):
        if held:
            return True
        page.wait_for_timeout(50)
    return False


def test_what_is_typed_before_the_script_starts_is_kept_and_saved(served, page):
    """A reader who types or chooses before the page's script has started (a slow phone) keeps it:
    the script saves it as the newest answer and fills the rest of the form around it, also when an
    older answer to the same question is stored. Nothing typed early is wiped."""
    page.goto(served + "coaching.html")
    grow = form_called(page, "Plan a coaching conversation with GROW")
    box(grow, "What the conversation is about").fill("Old topic")
    wait_saved(page, grow)
    assert stored(page)["grow-planner.topic"] == "Old topic"

    held, release = _hold_scripts(page)
    page.reload(wait_until="commit")
    expect(page.locator("form[data-module=hb-self-check][data-hb-init]")).to_have_count(0)
    topic = box(grow, "What the conversation is about")
    topic.fill("Typed before the script")
    choice(form_called(page, "what effective coaches do"), "Your rating", "Secure", item="Listen actively").check()
    assert _asked(page, held), "the scripts were not held back: the test proves nothing"
    release()
    expect(grow).to_have_attribute("data-hb-init", "")
    expect(topic).to_have_value("Typed before the script")
    page.wait_for_function("window.hb.storage.flush() || true")
    answers = stored(page)
    assert answers["grow-planner.topic"] == "Typed before the script"
    assert answers["coach-self-assessment.listen-actively.rating"] == "secure"
    # and it is there after a reload, from storage
    page.reload()
    expect(topic).to_have_value("Typed before the script")


def test_rows_typed_before_the_script_starts_are_added_to_the_stored_ones(served, page):
    page.goto(served + "getting-involved.html")
    form = form_called(page, TARGETS)
    box(form, AIM, item="Target 1").fill("Stored target")
    wait_saved(page, form)
    held, release = _hold_scripts(page)
    page.reload(wait_until="commit")
    box(form, AIM, item="Target 1").fill("Typed early")
    assert _asked(page, held)
    release()
    expect(form).to_have_attribute("data-hb-init", "")
    rows = form.get_by_role("group", name=re.compile(r"^Target \d+$"))
    expect(rows).to_have_count(2)
    expect(box(form, AIM, item="Target 2")).to_have_value("Typed early")
    expect(box(form, AIM, item="Target 2")).to_be_focused()  # the reader goes on typing where they were
    page.keyboard.type(" and more")
    page.wait_for_function("window.hb.storage.flush() || true")
    assert [r.get("aim") for r in stored(page)["targets"]] == ["Stored target", "Typed early and more"]


def test_forms_ask_the_browser_not_to_keep_or_restore_what_is_typed(site):
    """autocomplete="off" on every form: on a shared computer the browser keeps no history of what
    was typed in the handbook's boxes, and going back to a page never restores an older visit's
    values over the stored answers (the script would take them for the reader's newest)."""
    forms = 0
    for page in site.glob("*.html"):
        for tag in re.findall(r"<form\b[^>]*data-module=\"hb-self-check\"[^>]*>", page.read_text(encoding="utf-8")):
            forms += 1
            assert 'autocomplete="off"' in tag, (page.name, tag)
    assert forms >= 20


def test_following_a_link_on_the_page_keeps_the_answers_in_view(served, page):
    """The first time a reader follows a link to a place on the same page (here the table of
    contents), Material fetches the page and shows it anew. Every frame painted after that still has
    the reader's answer in its box."""
    page.goto(served + "coaching.html")
    note = box(form_called(page, NEED_COACHING), "Your notes")
    note.fill("Feedback on questioning")
    wait_saved(page)
    page.evaluate(PAINTED)
    page.locator(".md-sidebar--secondary a.md-nav__link").nth(2).click()
    page.wait_for_load_state("networkidle")  # Material's fetch of the page, if it makes one
    expect(note).to_have_value("Feedback on questioning")
    painted = page.evaluate("__painted")
    assert painted and {t for _, t in painted} == {"Feedback on questioning"}, painted
    assert page.js_errors == []
