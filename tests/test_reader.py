"""Organised for the reader (issue #11): the built site as a teacher meets it.

Each test reads the real build (the `site` fixture) or its search index.
"""
from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import normalise, unseen_removed

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
        html = re.sub(r'<p class="hb-cite">.*?</p>|<figcaption.*?</figcaption>|<a\b.*?</a>|<h\d.*?</h\d>',
                      " ", unseen_removed(html), flags=re.S)
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
    glance = "".join(elements(html, id="glance-table"))
    others = [b for b in _blocks(html) if b not in defs and b not in _blocks(glance)]
    repeats = [(d[:60], o[:60], round(_overlap(d, o), 2)) for d in defs for o in others if _overlap(d, o) >= 0.6]
    assert kept or page not in ("compare.html", "coaching.html", "mentoring.html", "principles.html")
    assert repeats == []


# ---------------------------------------------------------------------- the home page


def test_the_home_page_starts_by_role_with_a_reading_path_and_the_record(site):
    html = article(site, "index.html")
    roles = {"start-new": "New to coaching and mentoring", "start-be-coached": "Want to be coached or mentored",
             "start-coach": "Coaching or mentoring someone", "start-lead": "Leading it in a school or department"}
    for anchor, title in roles.items():
        heading = re.search(rf'<h3 id="{anchor}">(.*?)</h3>', html, re.S)
        assert heading and title in normalise(heading.group(1)), anchor
        section = html[heading.end():].split("<h", 1)[0]
        links = re.findall(r'<a href="([^"#]+\.html)(#[^"]*)?"', section)
        assert len(links) >= 2, (anchor, links)
        for target, frag in links:
            assert (site / target).exists(), target
            if frag:
                assert f'id="{frag[1:]}"' in (site / target).read_text(encoding="utf-8"), target + frag
    path = re.search(r'<h2 id="a-short-reading-path">.*?<ol>(.*?)</ol>', html, re.S)
    assert path and path.group(1).count("<li>") >= 5
    record = re.search(r'<h2 id="your-learning-record">.*?</h2>(.*?)<h2', html, re.S).group(1)
    assert 'href="record.html"' in record and "never sent" in normalise(record)


def test_the_booklet_background_is_in_the_references_not_on_the_home_page(site):
    home, refs = article(site, "index.html"), article(site, "references.html")
    for fig in ("booklet-introduction", "plm-components", "booklet-structure"):
        assert f'id="{fig}"' not in home and f'id="{fig}"' in refs, fig


# ---------------------------------------------------------------------- headings, captions, figures with forms


def test_no_heading_is_followed_by_an_identical_visible_caption(site):
    found = []
    for path in sorted(site.glob("*.html")):
        html = article(site, path.name) if path.name != "404.html" else ""
        for m in re.finditer(r"<h([1-6])[^>]*>(.*?)</h\1>\s*(.{0,600})", html, re.S):
            heading = normalise(re.sub(r'<a class="headerlink".*?</a>', "", m.group(2)))
            cap = re.search(r'<(figcaption|p) [^>]*class="(hb-figure__caption|hb-notes__title)( hb-visually-hidden)?"[^>]*>(.*?)</\1>',
                            m.group(3), re.S)
            if cap and not cap.group(3) and m.group(3).index(cap.group(0)) < 300:
                caption = re.sub(r"^Figure \d+: ", "", normalise(cap.group(4)))
                if caption.lower() == heading.lower():
                    found.append((path.name, heading))
    assert found == []


def test_coaching_columns_do_not_repeat_their_heading(site):
    html = article(site, "compare.html")
    for col in elements(html, cls="hb-column"):
        title = normalise(re.search(r'<p class="hb-column__title".*?</p>', col, re.S).group(0))
        terms = [normalise(t) for t in re.findall(r"<dt>(.*?)</dt>", col, re.S)]
        assert terms and title not in terms and all(not t.startswith(title + " ") for t in terms), (title, terms)


@pytest.mark.parametrize("page,form,fig", [("coaching.html", "coach-self-assessment", "effective-coaches"),
                                           ("coaching.html", "grow-planner", "grow"),
                                           ("mentoring.html", "mentor-self-assessment", "effective-mentors"),
                                           ("getting-involved.html", "standards-review", "professional-standards"),
                                           ("getting-involved.html", "prioritising", "prioritising-activities"),
                                           ("practical-guidance.html", "contracting", "contracting-checklist")])
def test_a_figure_paired_with_a_form_is_shown_once_with_the_form(site, hb, page, form, fig):
    html = article(site, page)
    figures = elements(html, id=fig)
    assert len(figures) == 1
    assert f'data-hb-form="{form}"' in figures[0], "the form is inside its figure"
    for item in hb.lists[fig]["items"]:
        assert normalise(re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)).count(normalise(item["text"])) == 1, item["text"]
    assert normalise(figures[0]).count("Source:") == 1


def test_mentoring_for_learners_is_about_learners(site):
    html = article(site, "mentoring.html")
    section = re.search(r'<h2 id="mentoring-for-learners">.*?(?=<h2|$)', html, re.S).group(0)
    assert "case-study-coleg-sir-gar" in section and "reflect-mentoring-learners" in section
    assert "case-study-ontario" not in section  # school leaders, not learners


# ---------------------------------------------------------------------- practical guidance in one place


def test_practical_guidance_is_in_one_place_and_cross_linked(site):
    html = article(site, "practical-guidance.html")
    for fig in ("how-to-ask", "who-coaches", "contracting-checklist", "confidentiality"):
        assert f'id="{fig}"' in html, fig
        for other in ("embedding.html", "coaching.html"):
            assert f'id="{fig}"' not in article(site, other), (fig, other)
    assert 'href="principles.html#learning-agreement"' in html
    assert 'href="embedding.html#hod-key-points-trust-and-confidentiality"' in html
    assert 'href="embedding.html#approaching-staff-separate-from-performance-management"' in html
    for page, anchor in (("principles.html", "agreeing-how-you-will-work-together"), ("embedding.html", "confidentiality"),
                         ("coaching.html", "agreeing-how-you-will-work-together"),
                         ("coaching.html", "asking-for-coaching-or-mentoring"),
                         ("mentoring.html", "asking-for-coaching-or-mentoring"), ("index.html", "asking-for-coaching-or-mentoring")):
        assert f'href="practical-guidance.html#{anchor}"' in article(site, page), (page, anchor)
        assert f'id="{anchor}"' in html


# ---------------------------------------------------------------------- at a glance, Figure 2, Summary


def test_coaching_and_mentoring_at_a_glance(site, hb):
    html = article(site, "compare.html")
    (table,) = elements(html, id="glance-table")
    rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    assert [normalise(r[0]) for r in rows] == ["Purpose", "How long it lasts", "Who leads", "Focus"]
    for _, cells in rows:
        tds = re.findall(r"<td>(.*?)</td>", cells, re.S)
        assert len(tds) == 2 and all(td.count('class="hb-cite"') == 1 for td in tds)
    assert "<th scope=\"col\">Coaching</th>" in table and "<th scope=\"col\">Mentoring</th>" in table
    # the rows come from data, not the page
    assert "Purpose" not in (Path(__file__).parent.parent / "content" / "compare.md").read_text()


def test_figure_2_is_captioned_with_its_definitions(site):
    html = article(site, "compare.html")
    (fig,) = elements(html, id="working-definitions")
    assert re.search(r"<figcaption[^>]*>.*Figure 2:.*Working definitions of coaching and mentoring", fig, re.S)
    assert "coaching-working-definition" in fig and "mentoring-working-definition" in fig


def test_the_summary_covers_the_whole_handbook(site, hb):
    html = article(site, "summary.html")
    text = normalise(html)
    assert 'id="summary"' in html  # the booklet's own summary (section 6)
    for p in hb.principles.values():
        assert f'href="principles.html#{p["id"]}"' in html and p["title"] in text
    for item in hb.lists["embedding-cycle"]["items"]:
        assert f'href="embedding.html#embedding-cycle-{item["id"]}"' in html and normalise(item["text"]) in text
    for anchor in ("hod-key-points", "hod-questions", "hod-next-steps", "hod-top-tips", "embedding-questions"):
        assert f'href="embedding.html#{anchor}"' in html, anchor
    for anchor in ("asking-for-coaching-or-mentoring", "confidentiality"):
        assert f'href="practical-guidance.html#{anchor}"' in html, anchor


def test_the_five_stage_article_opening_questions_for_leaders(site, hb):
    html = article(site, "embedding.html")
    (group,) = elements(html, id="embedding-questions")
    questions = [p for p in hb.prompts.values() if p["group"] == "embedding-questions"]
    assert len(questions) == 3
    for q in questions:
        assert q["source"]["doc"] == "embedding-article"
        assert f'data-hb-key="reflections.{q["id"]}.note"' in group


def test_every_id_on_a_page_is_unique(site):
    """A heading that says what its figure says used to take the figure's id too (e.g. #next-steps)."""
    import collections

    dupes = {}
    for path in sorted(site.glob("*.html")):
        ids = collections.Counter(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))
        if [i for i, n in ids.items() if n > 1]:
            dupes[path.name] = sorted(i for i, n in ids.items() if n > 1)
    assert dupes == {}


@pytest.mark.parametrize("query", ["NFER", "contracting"])
def test_search_in_the_browser_leads_to_guidance_first(site, page, query):
    from webcheck import ready, search, static_server

    with static_server(site) as base:
        page.goto(base + "index.html")
        ready(page)
        pages = [h.split("?")[0].rsplit("/", 1)[-1] for h in search(page, query)]
    assert pages, query
    look_up = [i for i, p in enumerate(pages) if p in ("glossary.html", "references.html")]
    guidance = [i for i, p in enumerate(pages) if p not in ("glossary.html", "references.html")]
    assert guidance and (not look_up or min(look_up) > min(guidance)), pages
    assert "record.html" not in pages and "maintainers.html" not in pages, pages


# A figure of definitions naming an unknown definition: tests/test_validation.py (fixture handbook).


def test_no_link_holds_another_link(site):
    """A link inside a link is not HTML: the browser closes the outer one at the inner one, so the
    outer link loses the rest of its name. The learning record's "Go to this prompt" link names its
    prompt, whose text may mention a figure (linked everywhere else)."""
    nested = []
    for path in sorted(site.glob("*.html")):
        raw = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<a\b[^>]*>((?:(?!</a>).)*?)<a\b", raw, re.S):
            nested.append((path.name, normalise(m.group(0))[:120]))
    assert nested == []
