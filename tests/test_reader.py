"""Organised for the reader (issue #11): the built site as a teacher meets it.

Each test reads the real build (the `site` fixture) or its search index.
"""
from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import normalise, page_text

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    """Outer HTML of every element matching a test on (tag, attrs), nested elements included."""

    def __init__(self, match):
        super().__init__(convert_charrefs=False)
        self.match, self.found, self.open = match, [], []  # open: [start offset, depth, tag]
        self.depth = 0

    def _offset(self):
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def feed_text(self, html):
        self.line_starts = [0]
        for m in re.finditer("\n", html):
            self.line_starts.append(m.end())
        self.html = html
        self.feed(html)
        return [html[a:b] for a, b in self.found]

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.depth += 1
        if self.match(tag, dict(attrs)):
            self.open.append([self._offset(), self.depth, tag])

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.open and self.open[-1][1] == self.depth and self.open[-1][2] == tag:
            start = self.open.pop()[0]
            end = self.html.index(">", self._offset()) + 1
            self.found.append((start, end))
        self.depth -= 1


def elements(html: str, cls: str | None = None, id: str | None = None, tag: str | None = None) -> list[str]:
    def match(t, attrs):
        return ((tag is None or t == tag) and (id is None or attrs.get("id") == id)
                and (cls is None or cls in (attrs.get("class") or "").split()))
    return _Finder(match).feed_text(html)


def article(site: Path, page: str) -> str:
    raw = (site / page).read_text(encoding="utf-8")
    m = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', raw, re.S)
    return m.group(1)


# ---------------------------------------------------------------------- points for reflection


def test_a_prompt_on_its_own_has_a_singular_label_one_privacy_line_and_one_citation(site):
    html = article(site, "coaching.html")
    prompts = elements(html, cls="hb-prompt")
    assert prompts
    for p in prompts:
        assert '<span class="hb-prompt__kind">Point for reflection</span>' in p
        assert p.count('class="hb-self-check__privacy') == 1
        assert p.count('class="hb-cite"') == 1
    assert "Points for reflection</span>" not in html


@pytest.mark.parametrize("page,group_class", [("embedding.html", "hb-prompt-group"),
                                              ("case-studies.html", "hb-case-study__questions")])
def test_a_group_of_prompts_has_one_privacy_line_and_one_citation(site, page, group_class):
    html = article(site, page)
    groups = elements(html, cls=group_class)
    assert groups
    for g in groups:
        assert g.count("hb-prompt__text") >= 2
        assert g.count('class="hb-self-check__privacy') == 1, g[:200]
        assert g.count('class="hb-cite"') <= 1
        assert "hb-prompt__kind" not in g
    if group_class == "hb-prompt-group":
        assert all(g.count('class="hb-cite"') == 1 for g in groups)
    else:  # a case study's questions are cited once, by the case study
        for cs in elements(html, cls="hb-case-study"):
            assert cs.count('class="hb-cite"') == 1


# ---------------------------------------------------------------------- the five-stage drawing


@pytest.mark.parametrize("page,fig", [("embedding.html", "embedding-cycle"), ("coaching.html", "grow")])
def test_the_cycle_drawing_names_every_stage(site, hb, page, fig):
    lst = hb.lists.get(fig)
    html = article(site, page)
    svg = re.search(r'<svg class="hb-cycle__svg".*?</svg>', elements(html, id=fig)[0], re.S).group(0)
    drawn = html_lib.unescape(" ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", svg)))
    for item in lst["items"]:
        assert " ".join(item["text"].split()) in drawn, item["text"]
        if "term" in item:
            assert item["term"] in drawn


# ---------------------------------------------------------------------- menu and search


def _nav(site: Path, page: str) -> str:
    raw = (site / page).read_text(encoding="utf-8")
    return re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', raw, re.S).group(0)


def test_the_maintainers_reference_is_built_but_not_in_the_menu_or_search(site, search_index):
    assert (site / "maintainers.html").exists()
    for page in ("index.html", "coaching.html", "accessibility.html"):
        nav = _nav(site, page)
        assert "Coaching and mentoring compared" in nav  # the menu is there...
        assert "maintainers.html" not in nav and "For maintainers" not in nav  # ...without the maintainers' page
    assert [d["location"] for d in search_index if d["location"].startswith("maintainers.html")] == []
    assert 'href="maintainers.html"' in article(site, "accessibility.html")


def test_the_learning_record_indexes_its_introduction_not_its_empty_answers(site, search_index, hb):
    record = [d for d in search_index if d["location"].startswith("record.html")]
    assert [d["location"] for d in record] == ["record.html"]
    text = record[0]["text"]
    assert "learning record" in text.lower() or "Everything you have written" in text
    assert "No answer yet" not in text
    for p in hb.prompts.values():
        assert p["text"] not in text


def test_search_ranks_guidance_before_references_and_glossary(search_index):
    boost = {}
    for d in search_index:
        boost.setdefault(d["location"].split("#")[0], set()).add(d.get("boost", 1))
    for look_up in ("glossary.html", "references.html"):
        assert max(boost[look_up]) < 1, look_up
    for guidance in ("coaching.html", "mentoring.html", "compare.html", "embedding.html", "getting-involved.html",
                     "principles.html", "case-studies.html", "summary.html", "index.html"):
        assert min(boost[guidance]) >= 1, guidance


# ---------------------------------------------------------------------- cross-references


def _figure_numbers(hb) -> set[str]:
    return {str(lst["figure"]) for lst in hb.lists.values() if "figure" in lst}


def test_figure_and_case_study_mentions_are_links(site, hb):
    numbers = _figure_numbers(hb)
    unlinked = []
    for path in sorted(site.glob("*.html")):
        if path.name in ("404.html", "maintainers.html"):
            continue
        html = article(site, path.name)
        # a citation names the source's own figure; a caption is the figure itself; links are fine
        html = re.sub(r'<p class="hb-cite">.*?</p>|<figcaption.*?</figcaption>|<a\b.*?</a>|<h\d.*?</h\d>|<script.*?</script>',
                      " ", html, flags=re.S)
        text = normalise(html)
        for m in re.finditer(r"\bFigure (\d+)\b", text):
            if m.group(1) in numbers:
                unlinked.append((path.name, text[max(0, m.start() - 40):m.end() + 10]))
        for m in re.finditer(r"\b[Cc]ase study (\d+)\b", text):
            unlinked.append((path.name, text[max(0, m.start() - 40):m.end() + 10]))
    assert unlinked == []


def test_figure_8_links_to_the_grow_model(site):
    html = article(site, "embedding.html")
    assert re.search(r'<a class="hb-xref" href="coaching\.html#grow">Figure 8</a>', html)
    assert 'id="grow"' in (site / "coaching.html").read_text()


# ---------------------------------------------------------------------- say each thing once

_STOP = set("a an the and or of to in on for with by as at is are be it its this that their they them who what which "
            "from into can may not but than more also such each one both".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in _STOP and len(w) > 2}


def _blocks(html: str) -> list[str]:
    """The text of each paragraph, list item, description and table cell that holds no other block."""
    html = re.sub(r'<p class="hb-cite">.*?</p>|<figcaption.*?</figcaption>|<form.*?</form>|<svg.*?</svg>', " ", html, flags=re.S)
    out = []
    for tag in ("p", "li", "dd", "td"):
        for m in re.finditer(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S):
            if not re.search(r"<(p|li|ul|ol|dd|dl)\b", m.group(1)):
                out.append(normalise(m.group(1)))
    return [b for b in dict.fromkeys(out) if len(_words(b)) >= 4]


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / min(len(wa), len(wb))


@pytest.mark.parametrize("page", ["compare.html", "coaching.html", "mentoring.html", "principles.html",
                                  "getting-involved.html", "embedding.html", "index.html", "summary.html"])
def test_no_page_says_a_definition_twice(site, page):
    """A definition (or a page's framing paragraph: the principles' introduction) is not restated by
    another paragraph of the same page. The at-a-glance table summarises on purpose and is left out."""
    html = article(site, page)
    kept = [normalise(d) for d in elements(html, cls="hb-definition")]
    kept += [normalise(d) for d in elements(html, cls="hb-principles__intro")]
    defs = [b for b in _blocks("".join(elements(html, cls="hb-definition")) + "".join(elements(html, cls="hb-principles__intro")))]
    glance = "".join(elements(html, id="at-a-glance"))
    others = [b for b in _blocks(html) if b not in defs and b not in _blocks(glance)]
    repeats = [(d[:60], o[:60], round(_overlap(d, o), 2)) for d in defs for o in others if _overlap(d, o) >= 0.6]
    assert kept or page not in ("compare.html", "coaching.html", "mentoring.html", "principles.html")
    assert repeats == []
