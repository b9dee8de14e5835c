"""Keyboard use (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7): a walk through every page with the Tab key only."""
from __future__ import annotations

from playwright.sync_api import expect

from webcheck import fill_controls, pages_of, ready, scheme, tab_to

FOCUSABLE = ("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])")


def _active(page) -> dict:
    return page.evaluate("""() => {
        const a = document.activeElement;
        return {tag: a.tagName.toLowerCase(), cls: a.className || "", id: a.id || "",
                inContent: !!a.closest(".md-content"), text: (a.textContent || "").trim().slice(0, 40)};
    }""")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(site, served, page):
    for name in pages_of(site):
        page.goto(served + name)
        ready(page)
        page.keyboard.press("Tab")
        first = _active(page)
        assert first["tag"] == "a" and "md-skip" in first["cls"], f"{name}: first Tab stop is {first}, not the skip link"
        skip = page.locator("a.md-skip")
        assert skip.is_visible(), f"{name}: the skip link is not shown when focused"
        page.wait_for_function("getComputedStyle(document.querySelector('a.md-skip')).opacity === '1'")
        page.keyboard.press("Enter")
        landed = _active(page)
        assert landed["inContent"] and landed["tag"] == "h1", f"{name}: after the skip link focus is on {landed}"
        page.keyboard.press("Tab")
        assert _active(page)["inContent"], f"{name}: the Tab after skipping left the content"
    assert page.js_errors == []


def test_every_control_in_the_content_is_reachable_by_tab_and_shows_focus(site, served, page):
    """Mark every focusable, visible control in the page's content; Tab from the skip link's target
    through the page; every control (one per radio group) is reached, and when focused it has an
    outline, or a different shadow or background (a change of text colour alone does not count)."""
    report = []
    for name in pages_of(site):
        page.goto(served + name)
        ready(page)
        want = page.evaluate("""(sel) => {
            const style = e => { const s = getComputedStyle(e);
                return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor].join("|"); };
            let n = 0; const groups = new Set(); window.__kb = {unfocused: {}, seen: [], focused: {}};
            for (const e of document.querySelectorAll(".md-content :is(" + sel + ")")) {
                if (!e.checkVisibility({visibilityProperty: true}) || e.disabled) continue;
                let key = "kb" + n++;
                if (e.type === "radio" && e.name) { key = "radio:" + e.name; if (groups.has(key)) { e.dataset.kb = key; continue; } groups.add(key); }
                e.dataset.kb = key;
                __kb.unfocused[key] = style(e);
            }
            document.addEventListener("focusin", ev => {
                const k = ev.target.dataset ? ev.target.dataset.kb : undefined;
                __kb.seen.push(k || (ev.target.closest(".md-content") ? "?" : "outside"));
                if (k) __kb.focused[k] = {style: style(ev.target), outline: getComputedStyle(ev.target).outlineStyle !== "none"
                    && parseFloat(getComputedStyle(ev.target).outlineWidth) >= 1};
            });
            return Object.keys(__kb.unfocused);
        }""", FOCUSABLE)
        if not want:
            report.append(f"{name}: no controls in the content")
            continue
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the skip link: focus moves to the page's heading
        for _ in range(len(want) + 20):
            page.keyboard.press("Tab")
        kb = page.evaluate("window.__kb")
        missed = [k for k in want if k not in kb["focused"]]
        assert not missed, f"{name}: {len(missed)} of {len(want)} controls never reached by Tab; seen {kb['seen']}, e.g. " + \
            str(page.evaluate("ks => ks.slice(0, 5).map(k => document.querySelector(`[data-kb='${k}']`).outerHTML.slice(0, 160))", missed))
        invisible = [k for k in want if not (kb["focused"][k]["outline"] or kb["focused"][k]["style"] != kb["unfocused"][k])]
        assert not invisible, f"{name}: no visible focus indicator on " + \
            str(page.evaluate("ks => ks.slice(0, 5).map(k => document.querySelector(`[data-kb='${k}']`).outerHTML.slice(0, 160))", invisible))
        report.append(f"{name}: {len(want)} controls, all reached by Tab, all with a visible focus indicator")
    print("\n" + "\n".join(report))
    assert page.js_errors == []


def test_case_study_filter_works_from_the_keyboard(site, served, page):
    page.goto(served + "case-studies.html")
    ready(page)
    studies = page.locator("article.hb-case-study")
    total = studies.count()
    tab_to(page, "[data-module=hb-case-studies] select", 200, "the case-study filter's first select")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") != ""
    shown = sum(studies.nth(i).is_visible() for i in range(total))
    assert 0 < shown < total
    status = page.locator("[data-module=hb-case-studies] [role=status]")
    assert f"Showing {shown} of {total}" in status.inner_text()
    page.keyboard.press("ArrowUp")  # back to "Any"
    assert sum(studies.nth(i).is_visible() for i in range(total)) == total


def test_palette_and_search_work_from_the_keyboard(served, page):
    page.goto(served + "index.html")
    ready(page)
    before = scheme(page)
    tab_to(page, "[name=__palette]", 60, "the palette switch")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label and "mode" in label
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== '{before}'")
    tab_to(page, "input.md-search__input", 10, "the search box")
    page.keyboard.type("triplet", delay=50)
    page.locator(".md-search-result__item a").first.wait_for(timeout=45000)


def test_diagrams_have_text_alternatives(site, served, page):
    """Every drawing in the content is either hidden from assistive technology with the same
    content beside it as a list or table, or is an image with a text alternative; the learning
    record's chart too, once there are ratings to draw (every form filled first)."""
    checked = 0
    names = pages_of(site)
    assert "record.html" in names, "the site has no learning record (record.html)"
    for name in names:
        page.goto(served + name)
        ready(page)
        fill_controls(page)
    names = [n for n in names if n != "record.html"] + ["record.html"]
    for name in names:
        page.goto(served + name)
        ready(page)
        problems = page.evaluate("""() => {
            const out = [];
            for (const svg of document.querySelectorAll(".md-content svg")) {
                if (svg.closest("a, button, label, .md-icon, .twemoji")) continue;  // icons inside a named control
                const hidden = svg.getAttribute("aria-hidden") === "true";
                const named = svg.getAttribute("role") === "img" &&
                    (svg.getAttribute("aria-label") || svg.querySelector("title") || svg.getAttribute("aria-labelledby"));
                const box = svg.closest("figure, [data-hb-chart], .hb-figure") || svg.parentElement;
                const alt = box && box.querySelector("ol, ul, table, dl");
                if (named) continue;
                if (hidden && alt && alt.textContent.trim().length > 20) continue;
                out.push(svg.outerHTML.slice(0, 120));
            }
            return [document.querySelectorAll(".md-content svg").length, out];
        }""")
        checked += problems[0]
        assert not problems[1], f"{name}: drawings without a text alternative: {problems[1]}"
        if name == "record.html":
            # the record's chart is HTML (text at body size, hidden from screen readers beside its table)
            drawn = page.evaluate("""() => { const c = document.querySelector("[data-hb-chart-svg]");
                return !!c && c.getAttribute("aria-hidden") === "true" && !!c.closest("[data-hb-chart]").querySelector("table")
                    && [...c.querySelectorAll("[data-hb-bar]")].some(b => b.getBoundingClientRect().width > 0); }""")
            assert drawn, "the learning record drew no chart of the ratings"
    assert checked >= 2  # the cycle and the Venn diagram at least


def test_the_navigation_drawer_opens_from_the_keyboard_on_a_phone_layout(served, page):
    """On a phone, or a laptop zoomed to 400% (WCAG 1.4.10 reflow gives it the same layout), the
    pages are listed only in Material's drawer, opened by a <label> that a keyboard could not reach
    and a screen reader could not name. It is a named button now, reached by Tab and pressed with
    Enter; the search button likewise."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served + "index.html")
    ready(page)
    menu = page.locator(".md-header").get_by_role("button", name="Navigation")
    expect(menu).to_be_visible()
    drawer = page.locator(".md-sidebar--primary")
    expect(drawer).not_to_be_in_viewport()
    tab_to(page, menu, 20, "the navigation menu button")
    page.keyboard.press("Enter")
    expect(page.locator("#__drawer")).to_be_checked()
    expect(drawer).to_be_in_viewport()
    page.reload()
    ready(page)
    search = page.locator(".md-header").get_by_role("button", name="Search")
    tab_to(page, search, 20, "the search button")
    page.keyboard.press(" ")
    expect(page.locator("input.md-search__input")).to_be_focused()
