"""Helpers for the browser tests of issue #4 (accessibility, keyboard, print, web servers, zip).

Plain functions over Playwright pages, so each test file stays about what it proves.
"""
from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from localweb import static_server  # noqa: F401  (a folder over loopback HTTP; shared with bench/)

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA: every level A and AA rule of WCAG 2.0, 2.1 and 2.2 that axe-core has.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PALETTES = ("default", "slate")  # Material's light and dark schemes

# Sample answers the "filled" passes type into every control they find.
SAMPLE_TEXT = "I will ask a colleague to observe my questioning and give feedback."


def pages_of(site: Path) -> list[str]:
    """Every page of a built site (globbed, so pages added later are covered too)."""
    return sorted(str(p.relative_to(site)).replace("\\", "/") for p in site.rglob("*.html")
                  if "assets" not in p.relative_to(site).parts)


# True while boot.js has yet to run the page's scripts (they come after its first paint); its element
# then carries data-hb-loaded.
SCRIPTS_PENDING = "!!document.querySelector('script[data-hb-scripts]:not([data-hb-loaded])')"


def ready(page) -> None:
    """Wait until Material has set the page up (document$ emitted, or completed from files) and painted.
    Its bundle comes after the first paint (boot.js): until boot.js has run it there is no document$."""
    page.wait_for_function("""() => (""" + SCRIPTS_PENDING + """) ? false : new Promise(resolve => {
        const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
        if (window.document$ && document$.subscribe) {
            document$.subscribe({next: done, complete: done});
            setTimeout(done, 3000);
        } else if (document.readyState === "loading") {
            document.addEventListener("DOMContentLoaded", done);
        } else done();
    })""", timeout=45000)


def scheme(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def set_palette(page, want: str) -> None:
    """Switch Material's palette with its own toggle in the header, as a reader would.

    Material stores the choice (localStorage, key `<site root>.__palette`), so later pages in the
    same browser context open in it too.
    """
    if scheme(page) == want:
        return
    page.locator('[data-md-component="palette"] label:visible').first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{want}'")


def run_axe(page) -> list[dict]:
    """axe-core (npm, node_modules/axe-core) on the whole document: the violations, summarised."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS)
    out = []
    for v in result["violations"]:
        out.append({
            "id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"]),
            "targets": [" ".join(map(str, n["target"])) for n in v["nodes"][:5]],
            "summary": v["nodes"][0]["failureSummary"].replace("\n", " ") if v["nodes"] else "",
        })
    return out


def axe_version() -> str:
    return json.loads((ROOT / "node_modules" / "axe-core" / "package.json").read_text())["version"]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}, {v['nodes']} elements): {v['help']}\n    e.g. {v['targets']}\n    {v['summary'][:300]}"
                     for v in violations)


CONTROLS = ("input:not([type=hidden]):not([type=file]):not([type=button]):not([type=submit]):not([type=reset]),"
            " textarea, select")


def fill_controls(page, scope: str = ".md-content") -> int:
    """Fill every visible, enabled form control in `scope` with a sample answer; returns how many.

    Generic on purpose: it knows nothing about any particular form, so forms added to the handbook
    later are filled by the same code. Values are set as a script would and announced with the
    `input` and `change` events a reader's typing or clicking fires, so the page's own scripts
    (saving, counting) react as they would to a reader; one call per page keeps it quick.
    """
    return page.evaluate("""([scope, selector, text]) => {
        let n = 0;
        for (const el of document.querySelectorAll(scope + " :is(" + selector + ")")) {
            if (!el.checkVisibility() || el.disabled || el.readOnly) continue;
            const kind = el.tagName === "INPUT" ? (el.type || "text") : el.tagName.toLowerCase();
            if (kind === "checkbox" || kind === "radio") el.checked = true;
            else if (kind === "select") {
                const opt = [...el.options].find(o => o.value);
                if (!opt) continue;
                el.value = opt.value;
            }
            else if (kind === "number") el.value = el.min || "1";
            else if (kind === "date") el.value = "2026-03-16";
            else if (kind === "range" || kind === "color") continue;
            else el.value = text;
            el.dispatchEvent(new Event("input", {bubbles: true}));
            el.dispatchEvent(new Event("change", {bubbles: true}));
            n++;
        }
        return n;
    }""", [scope, CONTROLS, SAMPLE_TEXT])


def search(page, query: str) -> list[str]:
    """Search as a keyboard user would (Material drops a query typed before its search worker is
    ready, so wait for its prompt first). Returns the results' hrefs.

    The query goes into the box whole, then one key is pressed: Material searches on each key
    released, so typing it a letter at a time would show the results for "N", "NF"... first, and a
    test could read those (CI did: "record.html" matched "N")."""
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    expect(page.locator(".md-search-result__meta")).to_have_text("Type to start searching", timeout=45000)
    box.fill(query)
    box.press("End")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=45000)
    # read them in one go: Material re-renders the list as results stream in
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.getAttribute('href'))")


def first_answer_box(site: Path) -> tuple[str, str]:
    """(page, key) of the first self-check text box in the built site; fails the test if there is none
    (the handbook has forms: a site without one is broken, not a reason to skip)."""
    import re

    for name in pages_of(site):
        html = (site / name).read_text(encoding="utf-8")
        if 'data-module="hb-self-check"' not in html:
            continue
        m = re.search(r'<textarea[^>]*data-hb-key="([^"]+)"', html)
        if m:
            return name, m.group(1)
    raise AssertionError(f"no page of {site} has a self-check text box (data-module=\"hb-self-check\" with a <textarea>)")


def answer_survives_reload(page, url: str, key: str, text: str) -> None:
    """Type an answer into the text box saved under `key`, wait until it is in the browser's
    storage, reload, and wait until the box shows it again."""
    page.goto(url)
    ready(page)
    field = page.locator(f'textarea[data-hb-key="{key}"]')
    field.scroll_into_view_if_needed()
    field.press_sequentially(text, delay=10)
    field.blur()
    page.wait_for_function("t => Object.keys(localStorage).some(k => k.endsWith(':answers') && (localStorage.getItem(k) || '').includes(t))",
                           arg=text, timeout=10000)
    page.reload()
    ready(page)
    page.wait_for_function("([k, t]) => document.querySelector(`textarea[data-hb-key='${k}']`).value === t", arg=[key, text], timeout=10000)


def tab_to(page, target, limit: int, what: str) -> None:
    """Press Tab, as a keyboard user would, until the focused element is `target` (a Playwright
    locator, or a CSS selector it matches); fail (saying `what` was never reached) after `limit` presses."""
    import pytest

    for _ in range(limit):
        page.keyboard.press("Tab")
        if isinstance(target, str):
            if page.evaluate("s => document.activeElement.matches(s)", target):
                return
        elif target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{what} is never reached by Tab")


# A browser whose storage is full for the handbook's answers (an init script for a page or context).
STORAGE_FULL = """
(() => {
  const real = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    if (String(k).endsWith(':answers')) throw new DOMException('Quota exceeded', 'QuotaExceededError');
    return real.call(this, k, v);
  };
})();
"""


# ------------------------------------------------------------------ controls as a reader finds them
# By what the page says (a form's heading, an item's name, a field's label), not by internal ids.


def form_called(page, title: str):
    """A self-check form by its heading (its accessible name); `title` may be part of it."""
    return page.get_by_role("form", name=title)


def _label(label: str):
    """The label's text, as Playwright reads a <label>: with the form's "Saved" / "Not saved" marker
    (aria-hidden, so not part of the accessible name) after it once the field was last saved."""
    import re

    return re.compile(rf"^\s*{re.escape(label)}\s*(?:Saved|Not saved)?\s*$")


def _group(scope, name):
    """A group (a fieldset) by its legend: the whole legend when `name` is a string, or a pattern."""
    return scope.get_by_role("group", name=name, exact=True) if isinstance(name, str) else scope.get_by_role("group", name=name)


def box(scope, label: str, item=None):
    """A text box, date, number or checkbox by its label; within the item's group (its fieldset's
    legend: the whole legend, or a compiled pattern for part of a long one) where a form asks the
    same of every item."""
    if item is not None:
        scope = _group(scope, item)
    return scope.get_by_label(_label(label))


def choice(scope, question: str, option: str, item=None):
    """A radio button: the option's label, within the question's group (and the item's)."""
    if item is not None:
        scope = _group(scope, item)
    return scope.get_by_role("group", name=question, exact=True).get_by_label(_label(option))


def note_on(page, prompt: str):
    """The notes box under a point for reflection or a question, by the start of its text (each
    prompt's notes are a form of their own, named "Your notes on: <the prompt>")."""
    return box(form_called(page, f"Your notes on: {prompt}"), "Your notes")


def started(component) -> None:
    """Wait until the page's script has set a component (a form, the log) up: components start just
    after the first paint, and mark what they have set up with `data-hb-init`."""
    expect(component).to_have_attribute("data-hb-init", "")
