"""Issue #9, shared staff-room computers: the next person at a shared computer must not see the
previous teacher's answers.

In chromium: the "On a shared computer" choice moves every answer out of localStorage into this
visit's sessionStorage, keeps showing them during the visit, and after the browser is closed (a new
browser context given the same saved localStorage) they are gone while the choice stays; every form
says which mode is on; "Remove my answers from this browser" removes everything the handbook
stored, backups included, in both areas, only after an in-page confirmation (Cancel and Escape
remove nothing); the controls are on every page, work from the keyboard, pass axe-core, and are
hidden in print and explained without JavaScript.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from webcheck import PALETTES, describe, pages_of, ready, run_axe, set_palette, tab_to

SHARED_LABEL = "On a shared computer: don't keep my answers after I close the browser"
REMOVE_LABEL = "Remove my answers from this browser"
ANSWER = "Private note about my lesson observation"

# JS helpers run in the page: the handbook's keys in each area, by the page's own namespace.
HB_KEYS = """(area) => { const ns = document.querySelector('meta[name=hb-namespace]').content;
    const s = window[area]; const out = {};
    for (let i = 0; i < s.length; i++) { const k = s.key(i); if (k.startsWith('hb:' + ns + ':')) out[k] = s.getItem(k); }
    return out; }"""


def hb_keys(page, area: str) -> dict[str, str]:
    return page.evaluate(HB_KEYS, area)


def answers_keys(page, area: str) -> list[str]:
    return [k for k in hb_keys(page, area) if k.endswith(":answers")]


def form_page(site) -> tuple[str, str]:
    """A page with a self-check form (not only notes under prompts), and its first text box."""
    import re

    for name in pages_of(site):
        html = (site / name).read_text(encoding="utf-8")
        if '<form class="hb-self-check" data-module="hb-self-check"' in html:
            return name, re.search(r'<textarea[^>]*data-hb-key="([^"]+)"', html).group(1)
    pytest.fail("no page has a self-check form")


def type_answer(page, key: str, text: str = ANSWER) -> None:
    box = page.locator(f'textarea[data-hb-key="{key}"]')
    box.scroll_into_view_if_needed()
    box.fill(text)
    box.blur()
    page.wait_for_function("""(t) => { for (const s of [localStorage, sessionStorage])
        for (let i = 0; i < s.length; i++) if (s.key(i).endsWith(':answers') && s.getItem(s.key(i)).includes(t)) return true;
        return false; }""", arg=text, timeout=30000)


def shared_box(page):
    return page.get_by_label(SHARED_LABEL)


def turn_shared_on(page) -> None:
    box = shared_box(page)
    box.scroll_into_view_if_needed()
    box.check()
    expect(page.locator("[data-hb-privacy-status]")).to_contain_text("Shared-computer mode is on")


def test_shared_mode_moves_answers_out_of_local_storage_and_shows_them_during_the_visit(site, base, page):
    name, key = form_page(site)
    page.goto(base + name)
    ready(page)
    type_answer(page, key)
    assert answers_keys(page, "localStorage"), "the answer was not saved in localStorage to begin with"
    turn_shared_on(page)

    left = {k: v for k, v in hb_keys(page, "localStorage").items() if not k.endswith(":shared")}
    assert left == {}, f"answers left behind in localStorage after choosing shared-computer mode: {list(left)}"
    assert any(ANSWER in v for v in hb_keys(page, "sessionStorage").values()), "the answers were not moved to sessionStorage"
    assert page.locator(f'textarea[data-hb-key="{key}"]').input_value() == ANSWER

    # More typing during the visit goes to sessionStorage only, and survives a reload in this tab.
    type_answer(page, key, ANSWER + " (more)")
    assert not answers_keys(page, "localStorage")
    page.reload()
    ready(page)
    expect(page.locator(f'textarea[data-hb-key="{key}"]')).to_have_value(ANSWER + " (more)")
    expect(shared_box(page)).to_be_checked()
    assert not answers_keys(page, "localStorage")
    assert page.js_errors == []


def test_after_closing_the_browser_the_answers_are_gone_and_the_choice_stays(site, served, browser):
    """Closing the browser = a new browser context that gets only what outlives it: localStorage
    (Playwright's storage_state; sessionStorage is never carried over, as in a real browser)."""
    name, key = form_page(site)
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(served + name)
    ready(page)
    type_answer(page, key)
    turn_shared_on(page)
    type_answer(page, key, ANSWER + " typed in shared mode")
    state = ctx.storage_state()
    ctx.close()

    kept = [i["name"] for o in state["origins"] for i in o["localStorage"]]
    assert not [k for k in kept if k.startswith("hb:") and not k.endswith(":shared")], f"left on the computer: {kept}"

    nxt = browser.new_context(storage_state=state)
    try:
        page = nxt.new_page()
        page.goto(served + name)
        ready(page)
        box = page.locator(f'textarea[data-hb-key="{key}"]')
        box.scroll_into_view_if_needed()
        expect(box).to_have_value("")
        expect(shared_box(page)).to_be_checked()
        expect(page.locator('[data-hb-privacy-mode="full"]').first).to_contain_text("Shared-computer mode is on")
        # The next person's answers are not kept either.
        type_answer(page, key, "The next teacher's note")
        assert not answers_keys(page, "localStorage")
    finally:
        nxt.close()


def test_every_form_says_which_mode_is_on(site, served, page):
    names = [n for n in pages_of(site) if 'data-module="hb-self-check"' in (site / n).read_text(encoding="utf-8")]
    assert names
    for mode, words in (("off", "on this computer"), ("on", "Shared-computer mode is on")):
        for name in names:
            page.goto(served + name)
            ready(page)
            if mode == "on" and name == names[0]:
                turn_shared_on(page)
            # the line is in the form, or said once for a group of prompts (a prompt group, a case
            # study's questions) around the forms of that group
            missing = page.evaluate("""() => [...document.querySelectorAll('form[data-module=hb-self-check]')]
                .filter(f => !(f.querySelector('[data-hb-privacy-mode]') ||
                               f.closest('.hb-prompt-group, .hb-case-study__questions')?.querySelector('[data-hb-privacy-mode]')))
                .map(f => f.getAttribute('data-hb-form'))""")
            assert not missing, f"{name}: forms that do not say where answers are kept: {missing}"
            lines = page.eval_on_selector_all(".md-content [data-hb-privacy-mode]", "els => els.map(e => e.textContent)")
            wrong = [t for t in lines if words not in t]
            assert not wrong, f"{name}, shared mode {mode}: {len(wrong)} of {len(lines)} forms say {wrong[0]!r}"
            footer = page.locator('[data-hb-privacy-mode="footer"]')
            expect(footer).to_contain_text(words)
    # Instant navigation (over HTTP): the next page shows the mode too.
    page.goto(served + "index.html")
    ready(page)
    page.locator(f'.md-nav a[href$="{names[0]}"]').first.click()
    page.wait_for_url("**/" + names[0])
    page.wait_for_function("""() => { const els = document.querySelectorAll('.md-content [data-hb-privacy-mode]');
        return els.length && [...els].every(e => e.textContent.includes('Shared-computer mode is on')); }""", timeout=30000)
    assert page.js_errors == []


def _plant(page) -> None:
    """Answers and backups in both areas, plus keys that are not the handbook's answers."""
    page.evaluate("""() => { const ns = document.querySelector('meta[name=hb-namespace]').content;
        localStorage.setItem('hb:' + ns + ':backup:2026-01-01T00-00-00-000Z', '{not json');
        sessionStorage.setItem('hb:' + ns + ':backup:2026-01-02T00-00-00-000Z', '{"version": 99}');
        sessionStorage.setItem('hb:' + ns + ':answers', JSON.stringify({version: 1, handbook: ns, updated: '2026-01-01', answers: {'x.y': 'old tab'}}));
        localStorage.setItem('hb:another-handbook:answers', '{"kept": true}');
    }""")


def test_remove_my_answers_removes_everything_after_confirming_and_cancel_removes_nothing(site, served, page):
    name, key = form_page(site)
    page.goto(served + name)
    ready(page)
    type_answer(page, key)
    _plant(page)
    before = (hb_keys(page, "localStorage"), hb_keys(page, "sessionStorage"))
    assert len(before[0]) >= 2 and len(before[1]) >= 2

    remove = page.get_by_role("button", name=REMOVE_LABEL)
    confirm = page.locator("[data-hb-privacy-confirm]")
    status = page.locator("[data-hb-privacy-status]")

    # Escape cancels: nothing removed, focus back on the button.
    remove.scroll_into_view_if_needed()
    remove.focus()
    page.keyboard.press("Enter")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("backup")
    assert page.evaluate("document.activeElement.closest('[data-hb-privacy-confirm]') !== null"), "focus did not move into the confirmation"
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(status).to_have_text("Nothing was removed.")
    assert page.evaluate("document.activeElement.hasAttribute('data-hb-privacy-remove')")
    assert (hb_keys(page, "localStorage"), hb_keys(page, "sessionStorage")) == before

    # Cancel: nothing removed.
    remove.click()
    page.get_by_role("button", name="Cancel").and_(page.locator("[data-hb-privacy-no]")).click()
    expect(status).to_have_text("Nothing was removed.")
    assert (hb_keys(page, "localStorage"), hb_keys(page, "sessionStorage")) == before
    assert page.locator(f'textarea[data-hb-key="{key}"]').input_value() == ANSWER

    # Confirm: every handbook key in both areas is gone, the form shows empty, the status says what went.
    remove.click()
    page.get_by_role("button", name="Yes, remove them").click()
    expect(status).to_contain_text("Removed")
    expect(status).to_contain_text("2 backups")
    assert hb_keys(page, "localStorage") == {}
    assert hb_keys(page, "sessionStorage") == {}
    assert page.evaluate("localStorage.getItem('hb:another-handbook:answers')") == '{"kept": true}', "another handbook's answers were removed"
    assert page.evaluate("[...document.querySelectorAll('form[data-module=hb-self-check] textarea')].every(t => t.value === '')")
    page.wait_for_timeout(600)  # past storage.js's save delay: nothing is written back
    assert hb_keys(page, "localStorage") == {} and hb_keys(page, "sessionStorage") == {}
    page.reload()
    ready(page)
    expect(page.locator(f'textarea[data-hb-key="{key}"]')).to_have_value("")
    assert page.js_errors == []


def test_remove_in_shared_mode_keeps_the_shared_choice(site, served, page):
    name, key = form_page(site)
    page.goto(served + name)
    ready(page)
    turn_shared_on(page)
    type_answer(page, key)
    page.goto(served + "record.html")  # the learning record, in the same tab (the same visit)
    ready(page)
    expect(page.locator('[data-hb-progress="all"]')).to_have_text("1")
    page.get_by_role("button", name=REMOVE_LABEL).click()
    page.get_by_role("button", name="Yes, remove them").click()
    expect(page.locator("[data-hb-privacy-status]")).to_contain_text("Removed 1 answer")
    expect(page.locator('[data-hb-progress="all"]')).to_have_text("0")
    assert list(hb_keys(page, "localStorage")) == [page.evaluate("hb.privacy.sharedKey")]
    assert hb_keys(page, "sessionStorage") == {}
    expect(shared_box(page)).to_be_checked()


def test_the_controls_are_on_every_page_reachable_by_tab_with_visible_focus(site, served, page):
    for name in pages_of(site):
        page.goto(served + name)
        ready(page)
        expect(shared_box(page)).to_be_attached()
        expect(page.get_by_role("button", name=REMOVE_LABEL)).to_be_attached()
    page.goto(served + "index.html")
    ready(page)
    page.evaluate("hb.storage.set('x.y', 'an answer'); hb.storage.flush()")
    for selector, what in (("[data-hb-privacy-shared]", "the shared-computer choice"), ("[data-hb-privacy-remove]", "Remove my answers")):
        tab_to(page, selector, 300, what)
        style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert style[0] != "none" and style[1] >= 2, f"{what}: no visible focus outline ({style})"
    page.keyboard.press("Space")
    page.locator("[data-hb-privacy-confirm]").wait_for()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-hb-privacy-yes')")


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("where", ["index.html", "404.html"])
def test_no_axe_violations_with_the_confirmation_open(where, palette, site, served, page):
    name, key = form_page(site)
    page.goto(served + name)
    ready(page)
    set_palette(page, palette)
    type_answer(page, key)
    page.goto(served + where)
    ready(page)
    turn_shared_on(page)
    page.get_by_role("button", name=REMOVE_LABEL).click()
    # the theme's buttons fade to their hover and focus colours: measure contrast once they are there
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_without_javascript_the_footer_explains_and_print_hides_it(site, served, browser, page):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        p = ctx.new_page()
        p.goto(served + "index.html")
        expect(p.locator(".hb-privacy__nojs")).to_be_visible()
        expect(p.get_by_label(SHARED_LABEL)).to_be_hidden()
        expect(p.get_by_role("button", name=REMOVE_LABEL)).to_be_hidden()
        # No form claims to save anything, and each says that nothing is saved.
        name, _ = form_page(site)
        p.goto(served + name)
        forms = p.locator("form[data-module=hb-self-check]")
        assert forms.count() > 0
        for i in range(forms.count()):
            text = forms.nth(i).inner_text()
            assert "saved in this browser" not in text and "saved only in this browser" not in text, text[-300:]
            assert "nothing" in text.lower() and "saved" in text, text[-300:]
    finally:
        ctx.close()
    page.goto(served + "index.html")
    ready(page)
    expect(page.locator(".hb-privacy__nojs")).to_be_hidden()
    expect(shared_box(page)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".hb-privacy")).to_be_hidden()


def test_a_second_open_tab_follows_the_choice_and_leaves_nothing_behind(site, served, browser):
    """Tab A is open with an answer when tab B turns shared-computer mode on: A keeps showing its
    answers, and what A types next is not written to localStorage; turning it off again in B
    brings A's answers back into localStorage, none lost."""
    name, key = form_page(site)
    ctx = browser.new_context()
    try:
        a = ctx.new_page()
        a.goto(served + name)
        ready(a)
        type_answer(a, key)
        b = ctx.new_page()
        b.goto(served + "index.html")
        ready(b)
        turn_shared_on(b)
        a.wait_for_function("document.documentElement.classList.contains('hb-shared-computer')", timeout=30000)
        assert a.locator(f'textarea[data-hb-key="{key}"]').input_value() == ANSWER
        type_answer(a, key, ANSWER + " from tab A")
        a.wait_for_timeout(600)
        assert not answers_keys(a, "localStorage"), "tab A wrote answers to localStorage in shared-computer mode"
        assert any(ANSWER + " from tab A" in v for v in hb_keys(a, "sessionStorage").values())

        shared_box(b).uncheck()
        a.wait_for_function("!document.documentElement.classList.contains('hb-shared-computer')", timeout=30000)
        a.wait_for_function("t => Object.values(localStorage).some(v => v.includes(t))", arg=ANSWER + " from tab A", timeout=30000)
        a.wait_for_timeout(2500)  # both tabs moved their copy at the same moment: the newer answer must still be there after
        for pg in (a, b):
            assert any(ANSWER + " from tab A" in v for v in hb_keys(pg, "localStorage").values()), "tab A's newer answer was lost"
        assert not hb_keys(a, "sessionStorage") and not hb_keys(b, "sessionStorage")
        expect(a.locator(f'textarea[data-hb-key="{key}"]')).to_have_value(ANSWER + " from tab A")
    finally:
        ctx.close()


def test_shared_mode_is_refused_not_half_done_without_session_storage(site, served, browser):
    """Where sessionStorage is blocked, ticking the box changes nothing and says so: the answers
    stay where they were (nothing lost), and the choice is not stored."""
    name, key = form_page(site)
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.add_init_script("""Object.defineProperty(window, 'sessionStorage', {configurable: true,
            get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }});""")
        page.goto(served + name)
        ready(page)
        page.locator(f'textarea[data-hb-key="{key}"]').fill(ANSWER)
        page.wait_for_function("t => Object.values(localStorage).some(v => v.includes(t))", arg=ANSWER, timeout=30000)
        box = shared_box(page)
        box.scroll_into_view_if_needed()
        box.click()
        expect(page.locator("[data-hb-privacy-status]")).to_contain_text("nothing was changed")
        expect(box).not_to_be_checked()
        assert page.evaluate("hb.privacy.shared()") is False
        assert any(ANSWER in v for v in hb_keys(page, "localStorage").values())
        expect(page.locator(f'textarea[data-hb-key="{key}"]')).to_have_value(ANSWER)
    finally:
        ctx.close()
