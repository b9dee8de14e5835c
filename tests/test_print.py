"""Printing: every page prints to PDF in headless chromium as its content only, with link targets
shown and black on white in either palette; the learning record prints the reader's answers."""
from __future__ import annotations

import io
import json
import re

import pytest

from webcheck import pages_of, ready, set_palette, first_answer_box

# The site's chrome: none of it may print.
CHROME = [".md-header", ".md-tabs", ".md-sidebar", ".md-search", ".md-footer", ".md-top", ".md-skip",
          "[data-md-component=palette]", ".md-typeset .headerlink", "[data-module=hb-case-studies]"]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def _printed_chrome(page) -> list[str]:
    """Chrome elements that would still show on paper (the page must emulate print first)."""
    return page.evaluate("""(sels) => sels.flatMap(sel => [...document.querySelectorAll(sel)]
        .filter(e => e.checkVisibility({visibilityProperty: true}))
        .map(e => sel + ": " + e.outerHTML.slice(0, 80)))""", CHROME)


def _link_targets(page) -> dict:
    """What prints after each kind of link in the content."""
    return page.evaluate("""() => {
        const after = a => getComputedStyle(a, "::after").content;
        const links = [...document.querySelectorAll(".md-content a[href]")].filter(a => a.checkVisibility());
        const out = {shown: 0, missing: [], anchors_with_target: [], cites_with_target: []};
        for (const a of links) {
            const href = a.getAttribute("href");
            const inPage = href.startsWith("#") || a.href.split("#")[0] === location.href.split("#")[0] || a.classList.contains("headerlink");
            if (inPage) { if (after(a).includes(href)) out.anchors_with_target.push(href); continue; }
            if (a.closest(".hb-cite")) { if (after(a).includes(href)) out.cites_with_target.push(href); continue; }
            if (after(a).includes(href)) out.shown++; else out.missing.push(href);
        }
        return out;
    }""")


@pytest.mark.parametrize("palette", ["default", "slate"])
def test_every_page_prints_its_content_only(palette, site, served, page):
    names = pages_of(site)
    page.goto(served + "index.html")
    ready(page)
    set_palette(page, palette)
    total_links = 0
    for name in names:
        page.goto(served + name)
        ready(page)
        own_words = page.locator(".md-content").inner_text()
        nav_only = page.evaluate("""() => {
            const article = document.querySelector(".md-content").innerText;
            return [...document.querySelectorAll(".md-sidebar--primary .md-nav__link")]
                .map(a => a.innerText.trim()).filter(t => t.length > 6 && !article.includes(t));
        }""")
        page.emulate_media(media="print")
        assert _printed_chrome(page) == [], f"{name}: site chrome would print"
        links = _link_targets(page)
        assert links["missing"] == [], f"{name}: links printed without where they go: {links['missing'][:5]}"
        assert links["anchors_with_target"] == [], f"{name}: in-page links print their #target"
        assert links["cites_with_target"] == [], f"{name}: citations print their link (they name the source in full)"
        total_links += links["shown"]
        ink = page.evaluate("""() => { const c = getComputedStyle(document.querySelector(".md-content")).color;
            const [r, g, b] = c.match(/[\\d.]+/g).map(Number); return (r + g + b) / 3; }""")
        assert ink < 100, f"{name}: text would print light ({ink:.0f}/255) on white paper in the {palette} palette"
        if palette != "default" and name != "index.html":
            page.emulate_media(media="screen")
            continue  # the dark palette's print styles are checked above on every page; one PDF of it will do
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF-") and len(pdf) > 5000, name
        text = pdf_text(pdf)
        h1 = page.locator(".md-content h1").first.inner_text().strip()
        assert " ".join(h1.split()) in text, f"{name}: the PDF lacks the page's heading {h1!r}"
        assert text.count("Skip to content") <= own_words.count("Skip to content"), f"{name}: the skip link printed"
        leaked = [t for t in nav_only if t in text]
        assert not leaked, f"{name}: navigation printed: {leaked}"
        page.emulate_media(media="screen")
    assert total_links > 20  # links to other pages and sites print their targets
    assert page.js_errors == []


def test_learning_record_prints_the_readers_answers(site, served, page):
    assert (site / "record.html").exists(), "the site has no learning record (record.html)"
    _, key = first_answer_box(site)
    answer = "Observe a Year 9 lesson with my coach and agree one question to try"
    page.goto(served + "index.html")
    ready(page)
    ns = page.locator('meta[name="hb-namespace"]').get_attribute("content")
    doc = {"version": 1, "handbook": ns, "answers": {key: answer}}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [f"hb:{ns}:answers", json.dumps(doc)])
    page.goto(served + "record.html")
    ready(page)
    page.wait_for_function("t => document.querySelector('.md-content').innerText.includes(t)", arg=answer, timeout=10000)
    page.emulate_media(media="print")
    assert _printed_chrome(page) == []
    buttons = page.evaluate("[...document.querySelectorAll('.md-content button')].filter(b => b.checkVisibility()).length")
    assert buttons == 0, "the record's buttons would print"
    text = pdf_text(page.pdf(format="A4"))
    assert answer in text, "the printed record lacks the reader's answer"
    assert re.search(r"learning record", text, re.I)
    assert page.js_errors == []
