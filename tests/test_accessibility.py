"""WCAG 2.2 AA: axe-core in Debian's chromium on every built page, light and dark, forms empty and filled.

Run with `-rP` (or `-s`) to see the violation count per page, e.g.
`.venv/bin/python -m pytest tests/test_accessibility.py -rP`.
"""
from __future__ import annotations

import pytest

from webcheck import (AXE_TAGS, PALETTES, axe_version, describe, fill_controls, pages_of, ready, run_axe, scheme,
                      set_palette, started)


def _report(title: str, counts: dict[str, list[dict]]) -> str:
    lines = [f"axe-core {axe_version()} ({', '.join(AXE_TAGS)}): {title}"]
    for name, violations in counts.items():
        lines.append(f"  {sum(v['nodes'] for v in violations):4d}  {name}")
    return "\n".join(lines)


def _scan(page, base: str, names: list[str], palette: str, fill: bool = False) -> dict[str, list[dict]]:
    counts: dict[str, list[dict]] = {}
    for name in names:
        page.goto(base + name)
        ready(page)
        assert scheme(page) == palette, f"{name} did not open in the {palette} palette"
        if fill and fill_controls(page) == 0:
            continue
        counts[name] = run_axe(page)
    return counts


def _assert_none(counts: dict[str, list[dict]]) -> None:
    bad = {n: v for n, v in counts.items() if v}
    assert not bad, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(f"{n}:\n{describe(v)}" for n, v in bad.items())


@pytest.mark.parametrize("palette", PALETTES)
def test_no_axe_violations_on_any_page(palette, site, served, page):
    """Every page (404 included), as the reader first sees it, in the light and the dark palette."""
    names = pages_of(site)
    assert "index.html" in names and "404.html" in names
    page.goto(served + "index.html")
    ready(page)
    set_palette(page, palette)
    counts = _scan(page, served, names, palette)
    print("\n" + _report(f"{palette} palette, as loaded", counts))
    assert len(counts) == len(names)
    _assert_none(counts)
    assert page.js_errors == []


@pytest.mark.parametrize("palette", PALETTES)
def test_no_axe_violations_with_every_control_filled(palette, site, served, page):
    """Every page with form controls, after typing, ticking and choosing in all of them; then the
    learning record with those answers in it."""
    names = pages_of(site)
    page.goto(served + "index.html")
    ready(page)
    set_palette(page, palette)
    counts = _scan(page, served, names, palette, fill=True)
    assert counts, "no page has a form control to fill (the case-study filter at least should be found)"
    assert "record.html" in names, "the site has no learning record (record.html)"
    counts["record.html (with the answers above)"] = _scan(page, served, ["record.html"], palette)["record.html"]
    print("\n" + _report(f"{palette} palette, every control filled", counts))
    _assert_none(counts)
    assert page.js_errors == []


def test_accessibility_statement_says_what_was_tested(site):
    from conftest import page_text

    text = page_text(site / "accessibility.html")
    assert f"axe-core {axe_version()}" in text, "the statement should name the axe-core version the tests use"
    for tag in AXE_TAGS:
        assert tag in text
    for words in ("Known limitations", "Chromium", "keyboard", "Print", "not yet been tested by disabled people"):
        assert words in text
    nav = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="accessibility.html"' in nav  # in the navigation of every page



def test_links_in_forms_off_the_screen_follow_a_palette_switch(site, served, page):
    """After the reader switches to the dark palette, every link in every form, on the screen or far
    down the page, has the colour it has when the page opens in the dark palette (with the forms'
    content-visibility: auto, Chromium kept the light palette's #4051b5, on #1e2129, in the forms it
    had skipped)."""
    colours = """() => [...document.querySelectorAll('.hb-self-check a[href]')].map(a => ({
        link: `${a.closest('form')?.dataset.hbForm}: ${a.textContent.trim()}`,
        colour: getComputedStyle(a).color, below: a.getBoundingClientRect().top > innerHeight}))"""
    page.goto(served + "getting-involved.html")
    ready(page)
    set_palette(page, "slate")
    switched = page.evaluate(colours)
    page.reload()
    ready(page)
    assert scheme(page) == "slate"
    opened = page.evaluate(colours)
    assert any(x["below"] for x in switched), "no form link below the first screen: the test would prove nothing"
    assert [x["link"] for x in switched] == [x["link"] for x in opened]
    wrong = [f"{a['link']}: {a['colour']} (opened in slate: {b['colour']})"
             for a, b in zip(switched, opened) if a["colour"] != b["colour"]]
    assert wrong == [], "links keep the light palette's colour after the switch:\n" + "\n".join(wrong)


# Live regions (role=status/alert, aria-live) hidden by their own style while the parent is shown.
LIVE_HIDDEN = """() => [...document.querySelectorAll('.md-content [role=status], .md-content [role=alert], .md-content [aria-live]')]
    .filter(el => getComputedStyle(el).display === 'none' && el.parentElement && el.parentElement.getClientRects().length > 0)
    .map(el => el.outerHTML.slice(0, 160))"""


@pytest.mark.parametrize("name", ["coaching.html", "getting-involved.html", "coaching-log.html", "record.html", "case-studies.html"])
def test_message_regions_are_in_the_page_before_they_speak(name, served, page):
    """A status or alert region is read out when its text changes only if it was already in the
    accessibility tree: one that is display:none while empty and appears together with its text is
    often missed by screen readers (WCAG 4.1.3). Each set-up component's live regions stay rendered,
    empty and taking no room, while they have nothing to say."""
    page.goto(served + name)
    ready(page)
    for component in page.locator(".md-content [data-module]").all():
        started(component)
    assert page.locator(".md-content [role=status], .md-content [role=alert], .md-content [aria-live]").count() >= 1, name
    assert page.evaluate(LIVE_HIDDEN) == [], name
