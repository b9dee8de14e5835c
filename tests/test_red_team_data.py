"""Issue #9, data: data text cannot inject anything into the built pages, and nothing is lost silently.

1. Hostile data. Every text field of every data file gets a string full of HTML and Markdown (a
   script, a `javascript:` link, an off-site image, attr_list braces, a table pipe, an entity...),
   the project is built, and every page is searched for anything that string could have become:
   no script, no event handler, no `javascript:` address, no off-site source, no injected element.
   The string must still read as itself, character for character. Fields that must be one line
   refuse line breaks with a clear message.
2. Silent losses are errors with file:line: a missing local data folder, a school form claiming a
   core form's prompt group, an unknown definitions topic, a school glossary term replacing a core
   one, the same HTML id from two items on one page (tested on the fixture handbook, in
   tests/test_validation.py, with the one-line fields).
"""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import copy_project, handbook, normalise

# One line, valid in every text field, that would do harm if it reached HTML or Markdown as it is.
PAYLOAD = ('<script>alert("pwn")</script> <b>bold</b> *x* _y_ `c` [a](javascript:alert(1)) '
           '![i](https://evil.example/i.png) <img src="https://evil.example/j.png"> '
           '{: #injected onmouseover=alert(2) } { onmouseover=alert(3) | cell | &amp; @@hb-break@@ \\*')
# A glossary term is also written into Markdown as `*[TERM]: expansion`; it may not hold [ ] or \.
TERM_PAYLOAD = '<b>T</b> *t* {: #injected-term } & | `x`'
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ENUMS = {"topic", "kind", "type"}


def _poison(node, key=None):
    """Append the payload to every text value (not ids, enums or numbers)."""
    if isinstance(node, dict):
        return {k: _poison(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_poison(v, key) for v in node]
    if isinstance(node, str) and not ID.match(node) and key not in ENUMS:
        return f"{node} {PAYLOAD}"
    return node


def poison_project(proj: Path) -> None:
    for f in sorted((proj / "data").glob("*.yml")):
        data = _poison(yaml.safe_load(f.read_text(encoding="utf-8")))
        if f.stem == "glossary":  # one term made hostile; the others stay as they are, so prose still has them
            for i, t in enumerate(data["terms"]):
                t["term"] = t["term"].replace(f" {PAYLOAD}", f" {TERM_PAYLOAD}" if i == 0 else "")
        f.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


URL_ATTRS = {"href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href", "background", "style"}


class _Scan(HTMLParser):
    """Everything in a page that hostile data could have turned into something live."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.script = False  # inside a script the browser runs

    def handle_starttag(self, tag, attrs):
        kind = dict(attrs).get("type") or "text/javascript"
        self.script = tag == "script" and kind in ("text/javascript", "module", "application/javascript")
        for name, value in attrs:
            value = " ".join((value or "").split()).lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRS and ("javascript:" in value.replace(" ", "") or "evil.example" in value):
                self.found.append(f"<{tag} {name}={value[:50]}>")
            if name == "id" and value.startswith("injected"):
                self.found.append(f"<{tag} id={value}>")
        if tag in ("b", "img"):
            self.found.append(f"<{tag}> element")

    def handle_endtag(self, tag):
        self.script = False

    def handle_data(self, data):
        if self.script and "pwn" in data:
            self.found.append(f"script running: {data[:60]}")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    proj = copy_project(tmp_path_factory.mktemp("hostile") / "handbook")
    poison_project(proj)
    out = proj / "site"
    r = handbook("build", "-d", str(out), cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)


def test_hostile_data_injects_nothing(hostile_site):
    found = {}
    for p in _pages(hostile_site):
        scan = _Scan()
        scan.feed(p.read_text(encoding="utf-8"))
        if scan.found:
            found[p.name] = sorted(set(scan.found))
    assert not found, json.dumps(found, indent=1)


def test_hostile_data_reads_as_itself(hostile_site):
    """Escaped, not removed: the payload shows literally wherever data is shown, headings included."""
    cases = (hostile_site / "case-studies.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="(case-[^"]+)"[^>]*>(.*?)</h2>', cases, re.S)
    assert headings, "no case study headings"
    for hid, inner in headings:
        text = normalise(re.sub(r'<a class="headerlink".*?</a>', "", inner))
        assert text.endswith(PAYLOAD), (hid, text)
    # everywhere else too: the payload appears as text as often as the data has it
    for name in ("case-studies.html", "coaching.html", "glossary.html", "references.html", "principles.html", "record.html"):
        raw = (hostile_site / name).read_text(encoding="utf-8")
        body = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', raw, re.S).group(1)
        assert normalise(body).count(PAYLOAD) >= 3, name


def test_hostile_data_is_never_half_read(hostile_site):
    """Wherever the payload starts, all of it follows as text: no part became emphasis, code, a
    link, an attribute or a paragraph break. Wrapped SVG labels (aria-hidden) read the same."""
    start = PAYLOAD[:30]
    seen = 0
    for p in _pages(hostile_site):
        raw = p.read_text(encoding="utf-8")
        m = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', raw, re.S)
        text = normalise(m.group(1) if m else raw)
        at = [i.start() for i in re.finditer(re.escape(start), text)]
        bad = [text[i: i + len(PAYLOAD) + 20] for i in at if text[i: i + len(PAYLOAD)] != PAYLOAD]
        assert not bad, (p.name, bad[:2])
        seen += len(at)
    assert seen > 500, seen  # every text field of every data file, shown somewhere


# Text fields readers never see (a source's text file and place labels are for maintainers).
NOT_SHOWN = {"file", "parts"}
# A prompt group's title is not printed on pages: the page's own heading introduces the group and
# each prompt shows the group's singular label; the title names the group in the learning record's
# manifest (where it is JSON-escaped data, checked in chromium by test_hostile_site_in_chromium).
NOT_SHOWN_PATHS = {"prompts/groups/[]/title"}


def test_every_text_field_reads_as_itself(hostile_site):
    """Each kind of text field (file, then path of keys), hostile, is on some page word for word."""
    text = []
    for p in _pages(hostile_site):
        raw = p.read_text(encoding="utf-8")
        m = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', raw, re.S)
        text.append(normalise(m.group(1) if m else raw))
    text = "\n".join(text)
    kinds: dict[str, list[str]] = {}

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for v in node:
                walk(v, path + ("[]",))
        elif isinstance(node, str) and node.endswith(PAYLOAD):
            kinds.setdefault("/".join(path), []).append(node)

    for f in sorted((hostile_site.parent / "data").glob("*.yml")):
        if f.stem == "ui":
            continue  # interface text: filled in around data, so not word for word (tests/test_ui_text.py shows each key)
        walk(yaml.safe_load(f.read_text(encoding="utf-8")), (f.stem,))
    assert len(kinds) > 50, sorted(kinds)
    missing = [k for k, values in kinds.items()
               if [p for p in k.split("/") if p != "[]"][-1] not in NOT_SHOWN and k not in NOT_SHOWN_PATHS
               and not any(" ".join(v.split()[-30:]) in text for v in values)]
    assert not missing, missing


def test_hostile_site_in_chromium(hostile_site, page):
    """In the browser: no dialog, no request to another host, and search shows the payload as text."""
    from webcheck import ready, search, static_server

    dialogs, offsite = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: offsite.append(r.url) if "evil.example" in r.url else None)
    with static_server(hostile_site) as base:
        for name in ("case-studies.html", "coaching.html", "glossary.html", "getting-involved.html"):
            page.goto(base + name)
            ready(page)
            for h in page.locator("h2, h3").all()[:12]:
                h.hover()
        assert page.locator("h2#case-study-herbert-thompson").count() == 0  # not on this page
        hrefs = search(page, "cell")  # a word of the payload that stands alone
        assert hrefs
        assert page.locator(".md-search-result b, .md-search-result img, .md-search-result script").count() == 0
        assert "<b>bold</b>" in page.locator(".md-search-result").first.inner_text()
    assert dialogs == [] and offsite == [] and page.js_errors == [], (dialogs, offsite, page.js_errors)


def test_form_title_heading_reads_as_itself(hostile_site):
    raw = (hostile_site / "getting-involved.html").read_text(encoding="utf-8")
    headings = [normalise(re.sub(r'<a class="headerlink".*?</a>', "", h)) for h in re.findall(r"<h3 [^>]*>(.*?)</h3>", raw, re.S)]
    assert any(h.endswith(PAYLOAD) for h in headings), headings


def test_abbreviations_carry_the_expansion_as_text(hostile_site):
    """The glossary's expansions reach every page as Markdown abbreviations: as a title, nothing more."""
    raw = (hostile_site / "coaching.html").read_text(encoding="utf-8")
    titles = [html.unescape(t) for t in re.findall(r'<abbr title="([^"]*)"', raw)]
    assert titles and all(t.endswith(PAYLOAD) for t in titles), titles[:3]
    glossary = normalise((hostile_site / "glossary.html").read_text(encoding="utf-8"))
    assert TERM_PAYLOAD in glossary


def test_search_index_holds_no_markup_from_data(hostile_site):
    """Material's search shows the index's text as HTML: data must still be escaped there."""
    docs = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    found = []
    for d in docs:
        for field in ("title", "text"):
            scan = _Scan()
            scan.feed(d[field] or "")
            found += [(d["location"], field, f) for f in scan.found]
    assert not found, found[:10]


# ------------------------------------------------------------------ the renderer's Markdown, unit by unit
# What mkdocs.yml turns on; a template's output is Markdown read with these.
MD_EXTENSIONS = ["abbr", "attr_list", "md_in_html", "admonition", "tables", "toc"]
HOSTILE = {
    "link": "[a](javascript:alert(1))",
    "image": "![i](https://evil.example/i.png)",
    "raw-html": '<img src="https://evil.example/x.png" onerror="alert(1)">',
    "attr-list": "x { onmouseover=alert(3)",  # on one line: opens the braces the template's { #id } closes
    "attr-list-colon": "{: #injected onclick=alert(4) } y {",
    "old-break-marker": "x @@hb-break@@ [a](javascript:alert(5))",
    "entity": "&amp; &lt;b&gt;",
    "emphasis-code-pipe": "*x* _y_ `c` | d | \\",
}


def _markdown(text: str) -> str:
    import markdown

    return markdown.markdown(text, extensions=MD_EXTENSIONS)


def _live(page_html: str) -> list[str]:
    scan = _Scan()
    scan.feed(page_html)
    return scan.found


def _visible(fragment: str) -> str:
    """The text a browser shows for an HTML fragment (each text node's entities decoded on its own)."""
    parts: list[str] = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = parts.append
    parser.feed(fragment)
    parser.close()
    return "".join(parts)


def _heading_text(page_html: str) -> str:
    m = re.search(r"<h(\d)[^>]*>(.*?)</h\1>", page_html, re.S)
    assert m, page_html[:300]
    return normalise(m.group(2))


@pytest.fixture
def fresh_hb(mini_hb):
    return mini_hb  # the fixture handbook (tests/fixtures/project), loaded afresh: tests change it


@pytest.mark.unit
@pytest.mark.parametrize("payload", sorted(HOSTILE))
@pytest.mark.parametrize("where", ["case-study-title", "form-title"])
def test_a_title_in_a_heading_is_text(where, payload, fresh_hb):
    from macros.render import Renderer

    value = HOSTILE[payload]
    if where == "case-study-title":
        cs = next(iter(fresh_hb.case_studies.values()))
        cs["title"] = value
        out, want = Renderer(fresh_hb).case_study(cs["id"]), f"Case study {cs['number']}: {value}"
    else:
        form = next(f for f in fresh_hb.forms.values() if not f.get("prompt_groups"))
        form["title"] = value
        out, want = Renderer(fresh_hb).self_check(form["id"]), value
    page = _markdown(out)
    assert not _live(page), _live(page)
    assert _heading_text(page) == want
    heading_id = re.search(r"<h\d ([^>]*)>", page).group(1)
    assert heading_id == f'id="{cs["id"] if where == "case-study-title" else form["id"]}"', heading_id


@pytest.mark.unit
def test_a_blank_line_in_an_expansion_cannot_reach_the_page(fresh_hb):
    """Even past the schema (which refuses it), an expansion stays on its abbreviation's line."""
    from macros.render import Renderer

    term = next(t for t in fresh_hb.glossary.values() if t.get("expansion"))
    term["expansion"] = 'Assessment\n\n<script>alert("pwn")</script>\n\n[a](javascript:alert(1))'
    page = _markdown(f"Prose that mentions {term['term']}.\n\n" + Renderer(fresh_hb).abbreviations_markdown())
    assert not _live(page) and "<script" not in page, page
    assert "&lt;script&gt;" in page  # in the abbreviation's title, as text


@pytest.mark.unit
@pytest.mark.parametrize("value", ["a < b and lt", "x &amp; amp", "AfL &lt;b&gt;", "quot \" 'apos'"])
def test_abbreviations_never_split_an_entity(value, fresh_hb):
    """Terms are found in the text, not in its escaped HTML: a term such as 'lt' or 'amp' must not
    break '&lt;' or '&amp;', and the text reads as itself."""
    from macros.render import Renderer

    for t in ("lt", "amp", "quot"):
        fresh_hb.glossary[t] = {"id": t, "term": t, "expansion": f"the {t} term", "source": {"doc": "x", "at": "y"}}
    r = Renderer(fresh_hb)
    out = str(r.text(value))
    assert _visible(out) == value, out
    assert '<abbr title="the lt term">lt</abbr>' in str(r.text("lt"))


# One-line fields refusing line breaks, glossary terms that would break their abbreviation, control
# characters, and the silent losses (a missing local data folder, a school form claiming a core
# form's prompt group, an unknown definitions topic, a school glossary term replacing a core one,
# one HTML id from two items on a page) are tested on the fixture handbook: tests/test_validation.py.
