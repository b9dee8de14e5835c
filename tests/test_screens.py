"""Pages that fit every screen (issue #12): layout tests in Debian's chromium at a phone's 390x844 and a
laptop's 1366x768 that measure what a reader sees (widths, positions, sizes, line breaks), not
screenshot diffs.

The case-study index (a table like Material's on a laptop, cards on a phone), its filter (a frame that
does not move, an empty state, the choice kept in the address, a table of contents that follows it),
facet tags, rating keys, target sizes (24 px radios; 44 px buttons on touch screens), the glossary's
A-Z and headings that read as headings.
"""
from __future__ import annotations

import re

import pytest

from webcheck import PALETTES, ready, set_palette

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SCREENS = {"phone": PHONE, "laptop": LAPTOP}


@pytest.fixture
def open_page(browser):
    """open_page(url, viewport, touch=False, block=()) -> a ready page in a fresh context; closed afterwards."""
    contexts = []

    def _open(url, viewport, touch=False, block=(), scheme="light"):
        ctx = browser.new_context(viewport=viewport, has_touch=touch, is_mobile=touch, color_scheme=scheme)
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.js_errors = []
        pg.on("pageerror", lambda e: pg.js_errors.append(str(e)))
        for pattern in block:
            pg.route(pattern, lambda route: route.abort())
        pg.goto(url)
        ready(pg)
        return pg

    yield _open
    for ctx in contexts:
        ctx.close()


# Words split across two lines inside `selector` (a word broken mid-word, "Mentori/ng"): for each word
# of each visible text node, a Range's boxes on more than one line.
BROKEN_WORDS = """sel => {
    const broken = [];
    for (const root of document.querySelectorAll(sel)) {
        if (!root.checkVisibility()) continue;
        const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walk.nextNode(); node; node = walk.nextNode()) {
            if (!node.parentElement.checkVisibility()) continue;
            for (const m of node.data.matchAll(/\\S+/g)) {
                const r = document.createRange();
                r.setStart(node, m.index);
                r.setEnd(node, m.index + m[0].length);
                const tops = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
                if (tops.size > 1) broken.push(m[0]);
            }
        }
    }
    return broken;
}"""


def rows_of(page, selector: str, index: int = 0) -> list[int]:
    """How many of the visible children of the index-th element matching `selector` sit on each line
    (grouped by their top edge)."""
    return page.evaluate("""([sel, index]) => {
        const lines = new Map();
        for (const el of document.querySelectorAll(sel)[index].children) {
            if (!el.checkVisibility()) continue;
            const top = Math.round(el.getBoundingClientRect().top);
            lines.set(top, (lines.get(top) || 0) + 1);
        }
        return [...lines.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
    }""", [selector, index])


def content_width(page) -> float:
    return page.evaluate("document.querySelector('.md-content__inner').getBoundingClientRect().width")


def visible_count(page, selector: str) -> int:
    return page.evaluate("s => [...document.querySelectorAll(s)].filter(e => e.checkVisibility({visibilityProperty: true})).length", selector)


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
    frame = re.search(r'<div class="hb-case-filter"[^>]*>', html).group(0)
    assert "hidden" not in frame
    assert "Showing 7 of 7 case studies." in html
    where = """() => ['.hb-case-filter', '.hb-case-index', 'article.hb-case-study']
        .map(s => { const b = document.querySelector(s).getBoundingClientRect(); return [Math.round(b.top + scrollY), Math.round(b.height)]; })"""
    # without the script: the handbook's bundle (which holds case-filter.js) or the file itself when unbundled
    bare = open_page(site.as_uri() + "/case-studies.html", PHONE, block=["**/case-filter.js", "**/assets/javascripts/handbook.*.min.js"])
    assert bare.evaluate("!document.querySelector('.hb-case-filter').hasAttribute('data-hb-init')")
    enhanced = open_page(site.as_uri() + "/case-studies.html", PHONE)
    assert enhanced.evaluate("document.querySelector('.hb-case-filter').hasAttribute('data-hb-init')")
    assert enhanced.evaluate(where) == bare.evaluate(where)
    shift = enhanced.evaluate("""() => new Promise(resolve => {
        let total = 0;
        new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
            .observe({type: 'layout-shift', buffered: true});
        setTimeout(() => resolve(total), 500);
    })""")
    assert shift <= 0.05


def _shown(pg) -> tuple[int, int, int]:
    """(index rows, studies, their headings) visible."""
    return (visible_count(pg, "[data-hb-case-row]"), visible_count(pg, "article.hb-case-study"),
            visible_count(pg, "h2[id^=case-study-]"))


@pytest.mark.parametrize("screen", SCREENS)
def test_filter_empty_state_and_clear_filters(screen, site, open_page):
    pg = open_page(site.as_uri() + "/case-studies.html", SCREENS[screen])
    status = pg.locator(".hb-case-filter [role=status]")
    clear = pg.get_by_role("button", name="Clear filters")
    assert not clear.is_visible()  # nothing to clear yet
    pg.select_option("#filter-approach", "mentoring")
    assert clear.is_visible() and _shown(pg) == (3, 3, 3)
    pg.select_option("#filter-country", "canada")  # no mentoring-only study from Canada
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
    assert pg.evaluate("document.activeElement.id") == "filter-approach"  # focus is not lost with the button
    assert "?" not in pg.url
    assert pg.js_errors == []


@pytest.mark.parametrize("how", ["file", "http"])
def test_filter_choice_is_kept_in_the_address(how, site, served, open_page):
    base = site.as_uri() + "/" if how == "file" else served
    pg = open_page(base + "case-studies.html", PHONE)
    pg.select_option("#filter-approach", "mentoring")
    pg.select_option("#filter-country", "wales")
    assert pg.url.endswith("case-studies.html?approach=mentoring&country=wales")
    pg.reload()
    ready(pg)
    assert pg.input_value("#filter-approach") == "mentoring" and pg.input_value("#filter-country") == "wales"
    assert _shown(pg) == (2, 2, 2)
    # a shared link, with Material's search highlight and a value that is not an option
    shared = open_page(base + "case-studies.html?h=triplet&approach=%3Cscript%3E&country=wales", PHONE)
    assert shared.input_value("#filter-approach") == "" and shared.input_value("#filter-country") == "wales"
    assert _shown(shared) == (4, 4, 4)
    shared.select_option("#filter-phase", "primary")
    assert "h=triplet" in shared.url and "phase=primary" in shared.url
    assert pg.js_errors == [] and shared.js_errors == []


def test_filter_survives_instant_navigation_and_anchors(served, open_page):
    """Over HTTP, where Material's instant navigation is on: it rewrites every link of the page as an
    absolute address when the page is shown, so the filter must carry its choice into the page's own
    links. An anchor keeps the choice, and so do leaving the page and coming back with Back. (With no
    site_url the sitemap is empty, so Material loads other pages in full rather than instantly.)"""
    pg = open_page(served + "case-studies.html", LAPTOP)
    pg.select_option("#filter-approach", "mentoring")
    link = pg.locator("[data-hb-case-row]:visible a").first
    target = "#" + link.get_attribute("href").split("#", 1)[1]
    link.click()
    pg.wait_for_function("h => location.hash === h", arg=target)
    assert "approach=mentoring" in pg.url
    assert pg.evaluate("h => { const b = document.querySelector(h).getBoundingClientRect(); return b.top >= 0 && b.top < innerHeight; }", target)
    assert _shown(pg) == (3, 3, 3)
    pg.locator(".md-sidebar--primary a[href$='glossary.html']").first.click()
    pg.wait_for_url("**/glossary.html")
    ready(pg)
    pg.go_back()
    pg.wait_for_function("() => location.pathname.endsWith('case-studies.html') && document.querySelector('#filter-approach')")
    ready(pg)
    pg.wait_for_function("document.querySelector('#filter-approach').value === 'mentoring'")
    assert _shown(pg) == (3, 3, 3)
    assert pg.js_errors == []


@pytest.mark.parametrize("how", ["file", "http"])
def test_table_of_contents_follows_the_filter(how, site, served, open_page):
    """From files the table of contents links are "#id"; over HTTP Material makes them absolute."""
    pg = open_page((site.as_uri() + "/" if how == "file" else served) + "case-studies.html", LAPTOP)
    toc = ".md-sidebar--secondary .md-nav__link[href*='#case-study-']"
    assert visible_count(pg, toc) == 7
    pg.select_option("#filter-approach", "coaching")
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


# ------------------------------------------------------------------------- rating keys and targets

FORM_PAGES = ["coaching.html", "mentoring.html", "principles.html", "getting-involved.html"]


@pytest.mark.parametrize("screen", SCREENS)
def test_rating_keys_and_choices_wrap_in_full_rows(screen, site, open_page):
    """A key of four levels is one row of four or two rows of two, never three and one left over; no
    word of a level is broken; the same for the rating choices under each item."""
    checked = 0
    for name in FORM_PAGES:
        pg = open_page(site.as_uri() + "/" + name, SCREENS[screen])
        n_keys = pg.locator(".hb-scale__levels").count()
        for i in range(n_keys):
            rows = rows_of(pg, ".hb-scale__levels", i)
            assert len(set(rows)) == 1, f"{name}: rating key {i + 1} has rows of {rows}"
            checked += 1
        options = pg.evaluate("[...document.querySelectorAll('.hb-field--scale .hb-field__options')].length")
        for i in range(min(options, 5)):
            rows = rows_of(pg, ".hb-field--scale .hb-field__options", i)
            assert len(set(rows)) == 1, f"{name}: rating choices {i + 1} have rows of {rows}"
        assert pg.evaluate(BROKEN_WORDS, ".hb-scale__levels dt, .hb-field__option") == []
        widths = pg.evaluate("[...document.querySelectorAll('.hb-scale__levels dd')].map(d => d.getBoundingClientRect().width)")
        assert all(w >= 120 for w in widths), widths  # descriptions are not squeezed into a sliver
    assert checked >= 3


@pytest.mark.parametrize("screen", SCREENS)
def test_radio_and_checkbox_targets_are_at_least_24px(screen, site, open_page):
    for name in FORM_PAGES:
        pg = open_page(site.as_uri() + "/" + name, SCREENS[screen])
        sizes = pg.evaluate("""() => [...document.querySelectorAll('.md-content input[type=radio], .md-content input[type=checkbox]')]
            .filter(e => e.checkVisibility()).map(e => { const b = e.getBoundingClientRect(); return [e.id, b.width, b.height]; })""")
        assert sizes, name
        small = [s for s in sizes if s[1] < 24 or s[2] < 24]
        assert not small, f"{name}: {small[:5]}"


def test_buttons_and_lists_are_44px_tall_on_touch_screens(site, open_page):
    checked = 0
    for name in ["record.html", "getting-involved.html", "case-studies.html", "coaching.html", "glossary.html"]:
        pg = open_page(site.as_uri() + "/" + name, PHONE, touch=True)
        assert pg.evaluate("matchMedia('(pointer: coarse)').matches"), "the touch context is not a touch screen"
        if name == "case-studies.html":
            pg.select_option("#filter-approach", "coaching")  # shows Clear filters
        sizes = pg.evaluate("""() => [...document.querySelectorAll(
                '.md-content button, .md-content .md-button, .md-content select, .md-content .hb-field__option, .md-content .hb-az__link')]
            .filter(e => e.checkVisibility()).map(e => [e.textContent.trim().slice(0, 40) || e.id, e.getBoundingClientRect().height])""")
        short = [s for s in sizes if s[1] < 44]
        assert not short, f"{name}: {short[:5]}"
        checked += len(sizes)
    assert checked >= 20


# ---------------------------------------------------------------------------------------- glossary

@pytest.mark.parametrize("screen", SCREENS)
def test_glossary_a_to_z(screen, site, hb, open_page):
    pg = open_page(site.as_uri() + "/glossary.html", SCREENS[screen])
    nav = pg.get_by_role("navigation", name="Glossary A to Z")
    assert nav.count() == 1
    initials = {t["term"][0].upper() for t in hb.glossary.values()}
    links = nav.get_by_role("link")
    letters = [links.nth(i).inner_text() for i in range(links.count())]
    assert letters == sorted(initials)  # every letter that has terms, and only those, is a link
    assert pg.evaluate("[...document.querySelectorAll('.hb-az li')].map(li => li.textContent).join('')").startswith("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        terms = pg.evaluate("h => [...document.querySelector(h).nextElementSibling.querySelectorAll('dt')].map(d => d.textContent)", href)
        assert terms and all(t[0].upper() == letters[i] for t in terms), (letters[i], terms)
        box = links.nth(i).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    assert pg.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert pg.evaluate(BROKEN_WORDS, ".hb-az") == []
    # a jump lands the letter's heading in view, below Material's fixed header
    links.filter(has_text="S").click()
    pg.wait_for_function("location.hash === '#glossary-letter-s'")
    pg.wait_for_timeout(100)
    top = pg.evaluate("document.querySelector('#glossary-letter-s').getBoundingClientRect().top")
    header = pg.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
    assert header <= top < SCREENS[screen]["height"] / 2


def _rgba(css: str) -> tuple[float, float, float, float]:
    nums = [float(x) for x in re.findall(r"[\d.]+", css)]
    return (nums[0], nums[1], nums[2], nums[3] if len(nums) > 3 else 1.0)


def _luminance(rgb) -> float:
    def chan(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (chan(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    f, b = _rgba(fg), _rgba(bg)
    mixed = [f[i] * f[3] + b[i] * (1 - f[3]) for i in range(3)]
    hi, lo = sorted((_luminance(mixed), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("palette", PALETTES)
def test_headings_read_as_headings(palette, served, open_page):
    """Material's page title is light grey and its h1/h2 thin: the handbook's are bold and in the text's
    own colour (at least 7:1), in the light and the dark palette."""
    seen = set()
    pg = open_page(served + "index.html", LAPTOP)
    set_palette(pg, palette)
    for name in ["glossary.html", "case-studies.html", "coaching.html"]:
        pg.goto(served + name)
        ready(pg)
        bg = pg.evaluate("getComputedStyle(document.body).backgroundColor")
        for h in pg.evaluate("""() => [...document.querySelectorAll('.md-content :is(h1, h2, h3)')].filter(h => h.checkVisibility())
                .map(h => [h.tagName, h.textContent.trim().slice(0, 40), getComputedStyle(h).fontWeight, getComputedStyle(h).color])"""):
            tag, text, weight, color = h
            seen.add(tag)
            assert int(weight) >= 600, (name, h)
            assert contrast(color, bg) >= 7, (name, h, bg)
    assert seen == {"H1", "H2", "H3"}


# -------------------------------------------------------- drawings beside long texts (cycle, Venn)

DIAGRAMS = {
    "embedding.html": (".hb-figure--cycle", ".hb-cycle__svg", ".hb-cycle__steps"),
    "compare.html": (".hb-figure--venn", ".hb-venn__svg", ".hb-venn__text"),
}
WIDTHS = [320, 390, 768, 1366]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagram_and_its_text_read_well_at_every_width(name, width, site, open_page):
    """The embedding page's five-stage cycle squeezed its text into a 190 px column 3,000 px long on a
    laptop; the compare page had 270 px of blank space above its Venn diagram. At every width from 320
    px: no sideways scrolling; the text is at least 60% of the content's width or the drawing is above
    it; no blank gap of more than 48 px between the caption, the drawing and the text."""
    figure, drawing, text = DIAGRAMS[name]
    pg = open_page(site.as_uri() + "/" + name, {"width": width, "height": 800})
    assert pg.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"{name} scrolls sideways at {width}px"
    m = pg.evaluate("""([fig, drawing, text]) => {
        const box = el => { const b = el.getBoundingClientRect();
            return {top: b.top + scrollY, bottom: b.bottom + scrollY, left: b.left, right: b.right, width: b.width}; };
        const f = document.querySelector(fig);
        const svg = f.querySelector(drawing), txt = f.querySelector(text);
        // what comes before the drawing in the figure: its caption and any introduction
        const before = [...f.children].filter(c => !c.contains(svg) && (c.compareDocumentPosition(svg) & Node.DOCUMENT_POSITION_FOLLOWING));
        return {content: document.querySelector('.md-content__inner').getBoundingClientRect().width,
                figure: box(f), svg: box(svg), text: box(txt),
                before: before.length ? Math.max(...before.map(c => box(c).bottom)) : box(f).top};
    }""", [figure, drawing, text])
    svg, txt = m["svg"], m["text"]
    stacked = svg["bottom"] <= txt["top"] + 1
    assert stacked or txt["width"] >= 0.6 * m["content"], (width, m)
    assert svg["width"] >= min(240, 0.7 * m["content"]), (width, m)  # the drawing is not shrunk to a stamp
    assert svg["right"] <= m["figure"]["right"] + 1 and txt["right"] <= m["figure"]["right"] + 1, (width, m)
    if stacked:
        assert txt["top"] - svg["bottom"] <= 48, (width, m)
        assert svg["top"] - m["before"] <= 48, (width, m)
    else:
        assert abs(svg["top"] - txt["top"]) <= 48, (width, m)
        assert min(svg["top"], txt["top"]) - m["before"] <= 48, (width, m)
