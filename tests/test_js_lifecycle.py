"""The components' life across Material's instant navigation (issue #10): each component registers
a teardown, so what it subscribed to (hb.storage.onChange/onSaved, window and document listeners) is
released when navigation takes its element away; listeners do not pile up from page to page, and a
change is saved once however many pages were shown before."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from test_coaching_log import add_relationship
from test_self_check import instant_site  # noqa: F401 (a fixture: a build with site_url, for instant navigation)
from webcheck import form_called, note_on

KEY = "hb:coaching-mentoring-handbook:answers"
# Material's instant navigation re-inserts each inline script of the page it shows as a plain script:
# the record's manifest is in a <template> (inert), not a <script type=application/json>, so nothing
# is run as JavaScript that is not: no page error at all.
NEED_COACHING = "Is there a particular aspect of your practice"  # a point for reflection (data/prompts.yml)

# After the first page: count the subscriptions made through hb.storage (live = made - released)
# and the window/document listeners of the kinds components add, and every write of the answers.
COUNT = """() => {
  window.__subs = 0; window.__winListeners = 0; window.__writes = 0;
  ['onChange', 'onSaved'].forEach(name => {
    const orig = hb.storage[name];
    hb.storage[name] = function (fn) {
      window.__subs++;
      const off = orig.call(this, fn);
      return typeof off === 'function' ? () => { window.__subs--; off(); } : off;
    };
  });
  const kinds = ['pagehide', 'visibilitychange', 'beforeprint', 'afterprint'];
  [window, document].forEach(t => {
    const add = t.addEventListener, remove = t.removeEventListener;
    t.addEventListener = function (type, fn, o) { if (kinds.includes(type)) window.__winListeners++; return add.call(this, type, fn, o); };
    t.removeEventListener = function (type, fn, o) { if (kinds.includes(type)) window.__winListeners--; return remove.call(this, type, fn, o); };
  });
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) { if (k === '%s') window.__writes++; return setItem.call(this, k, v); };
  window.__sameDocument = true;
}""" % KEY


def nav_to(page, title: str, url: str) -> None:
    # the address changes before Material swaps the content in: wait for the old article to go, then
    # for every component of the new one to be enhanced (its page bundle may still be loading)
    page.evaluate("document.querySelector('.md-content article').setAttribute('data-test-old', '')")
    page.locator(".md-nav--primary").get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    page.wait_for_function("() => !document.querySelector('[data-test-old]') && document.querySelector('.md-content article')"
                           " && [...document.querySelectorAll('[data-module]')].every(el => el.hasAttribute('data-hb-init'))")


def live(page) -> dict:
    return page.evaluate("""() => ({subs: window.__subs, listeners: window.__winListeners,
        forms: document.querySelectorAll('[data-module="hb-self-check"]').length, same: window.__sameDocument === true})""")


def test_listeners_do_not_pile_up_over_instant_navigation(instant_site, page):
    page.goto(instant_site + "coaching.html")
    page.wait_for_function("() => window.document$ !== undefined && document.querySelector('[data-hb-init]')")
    page.evaluate(COUNT)
    seen = {"coaching": [], "log": [], "record": []}
    for _ in range(3):
        nav_to(page, "My coaching log", "coaching-log.html")
        seen["log"].append(live(page))
        nav_to(page, "My learning record", "record.html")
        seen["record"].append(live(page))
        nav_to(page, "Coaching", "coaching.html")
        seen["coaching"].append(live(page))
    for name, counts in seen.items():
        assert all(c["same"] for c in counts), "instant navigation did not keep the document"
        assert counts[0] == counts[-1], f"{name}: listeners piled up over three visits: {counts}"
    # only what the page shown now subscribed to: each self-check form its onChange and onSaved
    now = seen["coaching"][-1]
    assert now["forms"] > 0 and now["subs"] == 2 * now["forms"], now
    assert seen["log"][-1]["subs"] == 1 and seen["log"][-1]["listeners"] == 2      # onChange; pagehide, visibilitychange
    assert seen["record"][-1]["subs"] == 1 and seen["record"][-1]["listeners"] == 2  # onChange; beforeprint, afterprint

    # and after all that, one change is one save and one "Saved"
    before = page.evaluate("window.__writes")
    note_on(page, NEED_COACHING).fill("Feedback on questioning")
    status = form_called(page, NEED_COACHING).get_by_role("status")
    expect(status).to_contain_text("Saved in this browser")
    page.wait_for_timeout(600)   # past the save's pause: nothing else is written
    assert page.evaluate("window.__writes") - before == 1
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{KEY}')).answers['reflections.reflect-need-coaching.note']") \
        == "Feedback on questioning"
    assert page.js_errors == []


def test_a_log_edit_still_waiting_is_saved_when_instant_navigation_leaves(instant_site, page):
    """The log writes its edits after a pause in typing; leaving by instant navigation (no pagehide)
    within that pause must not lose them: the log's teardown writes them."""
    page.goto(instant_site + "coaching-log.html")
    expect(page.locator(".hb-log--enhanced")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    label = add_relationship(page, "Coaching with A.").get_by_label("Name of this coaching relationship")
    expect(label).to_have_count(1)
    label.fill("Coaching with B.")          # an input event: the write waits for a pause
    nav_to(page, "Coaching", "coaching.html")
    assert page.evaluate("window.__sameDocument") is True
    page.wait_for_function(f"""() => (JSON.parse(localStorage.getItem('{KEY}')).answers['coaching-log.relationships'] || [])
        .some(r => r.label === 'Coaching with B.')""", timeout=5000)
    assert page.js_errors == []


def test_initialised_elements_are_marked_by_an_attribute(instant_site, page):
    page.goto(instant_site + "record.html")
    rec = page.locator('[data-module="hb-learning-record"]')
    expect(rec).to_have_attribute("data-hb-init", "")
    assert page.evaluate("'hbInit' in document.querySelector('[data-module=\"hb-learning-record\"]')") is False


def test_the_record_works_when_instant_navigation_brings_it(instant_site, page):
    """Reached by instant navigation, the record still finds the build's manifest and shows answers."""
    page.goto(instant_site + "coaching.html")
    page.wait_for_function("() => window.document$ !== undefined && document.querySelector('[data-hb-init]')")
    note_on(page, NEED_COACHING).fill("Feedback on questioning")
    page.evaluate("window.hb.storage.flush(); window.__sameDocument = true")
    nav_to(page, "My learning record", "record.html")
    expect(page.locator('[data-hb-answer="reflections.reflect-need-coaching.note"]')).to_have_text("Feedback on questioning")
    assert page.evaluate("window.__sameDocument") is True
    assert page.js_errors == []


def test_storage_subscriptions_return_their_removal(instant_site, page):
    page.goto(instant_site + "index.html")
    got = page.evaluate("""() => {
      let changes = 0;
      const off = hb.storage.onChange(() => changes++);
      hb.storage.set('lifecycle-probe', 'one');
      off();
      hb.storage.set('lifecycle-probe', 'two');
      return [typeof off, changes];
    }""")
    assert got == ["function", 1]
