"""The case studies component (macros/templates/case-studies/, case-studies.js, case-studies.css,
data/case-studies.yml), in Debian's chromium at a phone's 390x844 and a laptop's 1366x768: the index (a table like
Material's on a laptop, cards on a phone, no word broken), facet tags, and the filter (a frame in the
HTML so nothing moves, an empty state with "Clear filters", the choice kept in the address, the
table of contents following it). Its rendering from data is in tests/test_render.py, its words in
tests/test_ui_text.py, its keyboard use in tests/test_keyboard.py. The filter's lists are found as a
reader finds them, by their labels (the facets' labels in data/case-studies.yml).
"""
from __future__ import annotations

import re

import pytest

from playwright.sync_api import expect
from test_screens import LAPTOP, PHONE, SCREENS, BROKEN_WORDS, content_width, open_page, rows_of, visible_count  # noqa: F401
from webcheck import ready

# The page's layout shift so far: every `layout-shift` entry (buffered) not caused by the reader's input.
LAYOUT_SHIFT = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
        .observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(total), 500);
})"""


def facet(pg, label: str):
    """One of the filter's lists, by its label."""
    return pg.get_by_role("combobox", name=label, exact=True)


def test_case_study_filter(site, page):
    page.goto(site.as_uri() + "/case-studies.html")
    ui = page.get_by_role("group", name="Show case studies by")
    assert ui.is_visible()
    studies = page.locator("article.hb-case-study")
    total = studies.count()
    assert total == 7
    select = ui.get_by_role("combobox").first
    options = select.locator("option")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    chosen = [v for v in values if v][0]
    select.select_option(chosen)
    visible = [studies.nth(i).is_visible() for i in range(total)]
    assert 0 < sum(visible) < total
    assert page.get_by_role("status").filter(has_text=f"Showing {sum(visible)} of {total} case studies.").count() == 1


# ------------------------------------------------------------------------------------- case studies

@pytest.mark.parametrize("screen", SCREENS)
def test_case_index_words_are_never_broken(screen, site, open_page):
    """The issue's "Mentori/ng": on a phone the old table broke words in two. Cards (phone) and the
    table (laptop) both keep every word whole."""
    pg = open_page(site.as_uri() + "/case-studies.html", SCREENS[screen])
    assert pg.evaluate(BROKEN_WORDS, ".hb-case-index") == []
    assert pg.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_case_index_is_cards_on_a_phone(site, open_page):
    pg = open_page(site.as_uri() + "/case-studies.html", PHONE)
    width = content_width(pg)
    cards = pg.evaluate("""() => [...document.querySelectorAll('.hb-case-index tbody tr')].map(tr => {
        const box = tr.getBoundingClientRect(), title = tr.querySelector('th').getBoundingClientRect();
        const tags = [...tr.querySelectorAll('td')].filter(td => td.checkVisibility());
        return {display: getComputedStyle(tr).display, width: box.width, titleWidth: title.width,
                tags: tags.map(td => ({text: getComputedStyle(td, '::before').content + td.textContent,
                                       width: td.getBoundingClientRect().width,
                                       size: parseFloat(getComputedStyle(td).fontSize)})),
                bodySize: parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)};
    })""")
    assert len(cards) == 7
    for card in cards:
        assert card["display"] != "table-row"
        assert card["width"] >= 0.95 * width, card  # a card is as wide as the text
        assert card["titleWidth"] >= 0.8 * card["width"], card  # the title has the card's width to itself
        assert card["tags"], card
        for tag in card["tags"]:
            assert tag["size"] < card["bodySize"], tag  # small tags ...
            assert tag["width"] < card["width"], tag  # ... inline, not one per full-width line
            assert re.match(r'^"[^"]+: "', tag["text"]), tag  # "Who benefits: Teachers, Leaders"
    first = [t["text"] for t in cards[0]["tags"]]
    assert '"Who benefits: "Teachers, Leaders' in first


def test_case_index_is_a_table_like_materials_on_a_laptop(site, open_page):
    """Styled like the tables Material draws from Markdown: compared, property by property, with a plain
    table added to the same page (which Material's own stylesheet styles)."""
    pg = open_page(site.as_uri() + "/case-studies.html", LAPTOP)
    assert pg.evaluate("getComputedStyle(document.querySelector('.hb-case-index tbody tr')).display") == "table-row"
    assert pg.evaluate("document.querySelector('.hb-case-index').getBoundingClientRect().width") >= 0.95 * content_width(pg)
    styles = pg.evaluate("""() => {
        const plain = document.createElement('table');
        plain.innerHTML = '<thead><tr><th>Head</th></tr></thead><tbody><tr><td>Cell</td></tr></tbody>';
        document.querySelector('.md-content .md-typeset').appendChild(plain);
        const pick = (el, props) => Object.fromEntries(props.map(p => [p, getComputedStyle(el).getPropertyValue(p)]));
        const tableProps = ['font-size', 'border-top-width', 'border-top-style', 'border-top-color', 'border-top-left-radius', 'background-color'];
        const cellProps = ['padding-top', 'padding-left', 'vertical-align', 'text-align'];
        const ours = document.querySelector('.hb-case-index');
        const out = {
            ours: {table: pick(ours, tableProps), th: pick(ours.querySelector('thead th'), [...cellProps, 'font-weight']),
                   td: pick(ours.querySelector('tbody td'), [...cellProps, 'border-top-width', 'border-top-style', 'border-top-color'])},
            material: {table: pick(plain, tableProps), th: pick(plain.querySelector('th'), [...cellProps, 'font-weight']),
                       td: pick(plain.querySelector('td'), [...cellProps, 'border-top-width', 'border-top-style', 'border-top-color'])},
        };
        plain.remove();
        return out;
    }""")
    assert styles["ours"] == styles["material"]


def test_facet_tags_are_small_inline_tags_one_per_facet(site, hb, open_page):
    pg = open_page(site.as_uri() + "/case-studies.html", LAPTOP)
    for cs in hb.case_studies.values():
        tags = pg.evaluate("""id => [...document.querySelectorAll(`[data-hb-case-study="${id}"] .hb-tags > li`)].map(li => {
            const b = li.getBoundingClientRect();
            return {text: li.textContent.replace(/\\s+/g, ' ').trim(), width: b.width, height: b.height,
                    size: parseFloat(getComputedStyle(li).fontSize), lineHeight: parseFloat(getComputedStyle(li).lineHeight)};
        })""", cs["id"])
        want = [f"{hb.facets[fid]['label']}: " + ", ".join(next(v["label"] for v in hb.facets[fid]["values"] if v["id"] == vid) for vid in values)
                for fid, values in cs["facets"].items()]
        assert [t["text"] for t in tags] == want
        for t in tags:
            assert t["size"] < 16 and t["width"] < 0.6 * content_width(pg), t
            assert t["height"] < 2 * t["lineHeight"], t  # one line each
    first = pg.evaluate("document.querySelector('[data-hb-case-study] .hb-tags').children.length")
    assert first >= 3 and len(rows_of(pg, "[data-hb-case-study] .hb-tags")) < first  # side by side, not stacked


def test_filter_frame_is_in_the_html_so_nothing_moves(site, open_page):
    """At a phone's size: the filter is shown by the HTML itself, with the count it will show; the index
    is exactly where it is without the script, and the page's layout shift is at most 0.05."""
    html = (site / "case-studies.html").read_text(encoding="utf-8")
    frame = re.search(r'<div [^>]*data-module="hb-case-studies"[^>]*>', html).group(0)
    assert "hidden" not in frame
    assert "Showing 7 of 7 case studies." in html
    where = """() => ['[data-module=hb-case-studies]', '.hb-case-index', 'article.hb-case-study']
        .map(s => { const b = document.querySelector(s).getBoundingClientRect(); return [Math.round(b.top + scrollY), Math.round(b.height)]; })"""
    # without the script: the handbook's bundle (which holds case-studies.js) or the file itself when unbundled
    bare = open_page(site.as_uri() + "/case-studies.html", PHONE, block=["**/case-studies.js", "**/assets/javascripts/handbook.*.min.js"])
    assert bare.evaluate("!document.querySelector('[data-module=hb-case-studies]').hasAttribute('data-hb-init')")
    enhanced = open_page(site.as_uri() + "/case-studies.html", PHONE)
    assert enhanced.evaluate("document.querySelector('[data-module=hb-case-studies]').hasAttribute('data-hb-init')")
    assert enhanced.evaluate(where) == bare.evaluate(where)
    shift = enhanced.evaluate(LAYOUT_SHIFT)
    assert shift <= 0.05


def _shown(pg) -> tuple[int, int, int]:
    """(index rows, studies, their headings) visible."""
    return (visible_count(pg, "[data-hb-case-row]"), visible_count(pg, "article.hb-case-study"),
            visible_count(pg, "h2[id^=case-study-]"))


@pytest.mark.parametrize("screen", SCREENS)
def test_filter_empty_state_and_clear_filters(screen, site, open_page):
    pg = open_page(site.as_uri() + "/case-studies.html", SCREENS[screen])
    status = pg.locator("[data-module=hb-case-studies]").get_by_role("status")
    clear = pg.get_by_role("button", name="Clear filters")
    assert not clear.is_visible()  # nothing to clear yet
    approach = facet(pg, "Approach")
    approach.select_option("mentoring")
    assert clear.is_visible() and _shown(pg) == (3, 3, 3)
    facet(pg, "Country").select_option("canada")  # no mentoring-only study from Canada
    assert _shown(pg) == (0, 0, 0)
    assert "No case study matches" in status.inner_text()
    assert not pg.locator(".hb-case-index").is_visible()  # no empty table left behind
    assert clear.is_visible()
    box = clear.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    clear.click()
    assert _shown(pg) == (7, 7, 7)
    assert status.inner_text() == "Showing 7 of 7 case studies."
    assert not clear.is_visible()
    expect(approach).to_be_focused()  # focus is not lost with the button
    assert "?" not in pg.url
    assert pg.js_errors == []


@pytest.mark.parametrize("how", ["file", "http"])
def test_filter_choice_is_kept_in_the_address(how, site, served, open_page):
    base = site.as_uri() + "/" if how == "file" else served
    pg = open_page(base + "case-studies.html", PHONE)
    facet(pg, "Approach").select_option("mentoring")
    facet(pg, "Country").select_option("wales")
    assert pg.url.endswith("case-studies.html?approach=mentoring&country=wales")
    pg.reload()
    ready(pg)
    assert facet(pg, "Approach").input_value() == "mentoring" and facet(pg, "Country").input_value() == "wales"
    assert _shown(pg) == (2, 2, 2)
    # a shared link, with Material's search highlight and a value that is not an option
    shared = open_page(base + "case-studies.html?h=triplet&approach=%3Cscript%3E&country=wales", PHONE)
    assert facet(shared, "Approach").input_value() == "" and facet(shared, "Country").input_value() == "wales"
    assert _shown(shared) == (4, 4, 4)
    facet(shared, "Phase or setting").select_option("primary")
    assert "h=triplet" in shared.url and "phase=primary" in shared.url
    assert pg.js_errors == [] and shared.js_errors == []


def test_filter_survives_instant_navigation_and_anchors(served, open_page):
    """Over HTTP, where Material's instant navigation is on: it rewrites every link of the page as an
    absolute address when the page is shown, so the filter must carry its choice into the page's own
    links. An anchor keeps the choice, and so do leaving the page and coming back with Back. (With no
    site_url the sitemap is empty, so Material loads other pages in full rather than instantly.)

    The first time a reader follows a link to a place on the page, Material fetches the page again and
    shows it anew (document$ emits). The filter must be applied before that is painted: every frame
    painted after any showing of the page has only the chosen studies (the old code showed all 7 for a
    frame, then hid 4; CI caught the test reading that frame)."""
    pg = open_page(served + "case-studies.html", LAPTOP)
    facet(pg, "Approach").select_option("mentoring")
    pg.evaluate("""() => { window.__painted = [];
        document$.subscribe(() => requestAnimationFrame(() => __painted.push(
            [...document.querySelectorAll('[data-hb-case-row]')].filter(r => r.checkVisibility()).length))); }""")
    link = pg.locator("[data-hb-case-row]:visible a").first
    target = "#" + link.get_attribute("href").split("#", 1)[1]
    link.click()
    pg.wait_for_function("h => location.hash === h", arg=target)
    pg.wait_for_load_state("networkidle")  # Material's fetch of the page, if it makes one
    ready(pg)
    assert "approach=mentoring" in pg.url
    assert pg.evaluate("h => { const b = document.querySelector(h).getBoundingClientRect(); return b.top >= 0 && b.top < innerHeight; }", target)
    assert _shown(pg) == (3, 3, 3)
    painted = pg.evaluate("__painted")
    assert painted and set(painted) == {3}, painted
    pg.locator(".md-sidebar--primary a[href$='glossary.html']").first.click()
    pg.wait_for_url("**/glossary.html")
    ready(pg)
    pg.go_back()
    pg.wait_for_function("() => location.pathname.endsWith('case-studies.html')")
    ready(pg)
    expect(facet(pg, "Approach")).to_have_value("mentoring")
    assert _shown(pg) == (3, 3, 3)
    assert pg.js_errors == []


@pytest.mark.parametrize("how", ["file", "http"])
def test_table_of_contents_follows_the_filter(how, site, served, open_page):
    """From files the table of contents links are "#id"; over HTTP Material makes them absolute."""
    pg = open_page((site.as_uri() + "/" if how == "file" else served) + "case-studies.html", LAPTOP)
    toc = ".md-sidebar--secondary .md-nav__link[href*='#case-study-']"
    assert visible_count(pg, toc) == 7
    facet(pg, "Approach").select_option("coaching")
    shown = pg.evaluate("[...document.querySelectorAll('article.hb-case-study')].filter(a => a.checkVisibility()).map(a => '#' + a.dataset.hbCaseStudy)")
    in_toc = pg.evaluate("s => [...document.querySelectorAll(s)].filter(a => a.checkVisibility()).map(a => a.hash)", toc)
    assert len(shown) == 3 and in_toc == shown
    # Material's scroll spy (over HTTP; it does not run from files) highlights the study being read
    # (its heading just scrolled under the header), never a hidden one
    for href in (shown if how == "http" else []):
        pg.evaluate("h => window.scrollTo(0, document.querySelector(h).getBoundingClientRect().top + scrollY - 10)", href)
        pg.wait_for_function("""h => {
            const active = document.querySelectorAll('.md-sidebar--secondary .md-nav__link--active');
            return active.length && active[active.length - 1].getAttribute('href').endsWith(h);
        }""", arg=href, timeout=5000)
    pg.get_by_role("button", name="Clear filters").click()
    assert visible_count(pg, toc) == 7


def test_a_list_held_for_a_shared_link_shows_even_if_the_script_never_comes(served, open_page):
    """A shared link that chooses studies holds the list back until case-studies.js has applied the
    choice (nothing jumps). If that script never arrives (blocked, or a broken copy on a server), the
    whole list still shows, unfiltered, after a few seconds: content is never lost."""
    held = """() => ['.hb-case-index', 'article.hb-case-study:not([hidden])', '.hb-case-studies__status']
        .map(s => document.querySelector(s).checkVisibility({visibilityProperty: true}))"""
    pg = open_page(served + "case-studies.html?approach=mentoring", PHONE,
                   block=["**/case-studies.js", "**/assets/javascripts/handbook.*.min.js"])
    assert pg.evaluate("document.documentElement.getAttribute('data-hb-case-filter')") == "pending"
    # each element's reveal runs from when it was parsed, so the last study shows a moment after the first
    everything = """() => [...document.querySelectorAll('.hb-case-index, [data-hb-case-row], article.hb-case-study, h2[id^=case-study-]')]
        .every(e => e.checkVisibility({visibilityProperty: true}))"""
    pg.wait_for_function(everything, timeout=15000)
    assert _shown(pg) == (7, 7, 7)
    # with the script: shown filtered, and the mark is gone
    ok = open_page(served + "case-studies.html?approach=mentoring", PHONE)
    assert ok.evaluate(held) == [True, True, True] and _shown(ok) == (3, 3, 3)
    assert not ok.evaluate("document.documentElement.hasAttribute('data-hb-case-filter')")
    assert ok.js_errors == []


@pytest.mark.parametrize("screen", SCREENS)
def test_a_shared_link_is_first_shown_filtered_on_every_screen(screen, served, open_page):
    """On a laptop the table of contents is held back with the list (it loses the hidden studies'
    entries); on both screens nothing moves as the choice is applied."""
    pg = open_page(served + "case-studies.html?approach=mentoring&country=wales", SCREENS[screen])
    shift = pg.evaluate(LAYOUT_SHIFT)
    assert shift <= 0.05, shift
    assert _shown(pg) == (2, 2, 2)
    toc = ".md-sidebar--secondary .md-nav__link[href*='#case-study-']"
    assert visible_count(pg, toc) == (2 if screen == "laptop" else 0)
    assert pg.js_errors == []
