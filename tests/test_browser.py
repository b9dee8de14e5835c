"""The built handbook in a real browser (Debian's chromium): opened from files and served over HTTP."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from webcheck import search


def _watch_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


def _foreign(urls: list[str], base: str) -> list[str]:
    own = urlparse(base)
    out = []
    for u in urls:
        p = urlparse(u)
        if p.scheme in ("data", "blob", "about"):
            continue
        if p.scheme == "file" and own.scheme == "file":
            continue
        if (p.scheme, p.netloc) != (own.scheme, own.netloc):
            out.append(u)
    return out


@pytest.mark.parametrize("where", ["file", "http"])
@pytest.mark.parametrize("query,expect", [("triplet", "case-studies.html"), ("Singapore", "case-studies.html"),
                                          ("dissonance", "coaching.html")])
def test_search_finds_yaml_content(where, query, expect, site, served, page):
    base = site.as_uri() + "/" if where == "file" else served
    requests = _watch_requests(page)
    page.goto(base + "index.html")
    hrefs = search(page, query)
    assert any(expect in (h or "") for h in hrefs), hrefs
    assert _foreign(requests, base) == []
    assert page.js_errors == []


@pytest.mark.parametrize("where", ["file", "http"])
def test_every_page_loads_without_foreign_requests_or_errors(where, site, served, page):
    base = site.as_uri() + "/" if where == "file" else served
    requests = _watch_requests(page)
    pages = sorted(p.name for p in site.glob("*.html") if p.name != "404.html")
    assert len(pages) >= 12
    for name in pages:
        page.goto(base + name)
        assert page.locator("h1").count() >= 1, name
    assert _foreign(requests, base) == []
    assert page.js_errors == []


def test_abbreviation_expansion_on_keyboard_focus(site, page):
    page.goto(site.as_uri() + "/index.html")
    abbr = page.locator(".md-content abbr[title]").first
    abbr.wait_for()
    assert abbr.get_attribute("tabindex") == "0"
    abbr.focus()
    shown = page.evaluate("e => getComputedStyle(e, '::after').content", abbr.element_handle())
    assert abbr.get_attribute("title") in shown

