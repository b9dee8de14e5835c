"""Pages that fit every screen (issue #12): layout tests in Debian's chromium at a phone's 390x844 and a
laptop's 1366x768 that measure what a reader sees (widths, positions, sizes, line breaks), not
screenshot diffs.

Rating keys, target sizes (24 px radios; 44 px buttons on touch screens), the glossary's
A-Z and headings that read as headings. The case studies' layouts are in tests/test_case_studies.py.
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
            pg.get_by_role("group", name="Show case studies by").get_by_label("Approach").select_option(label="Coaching")  # shows Clear filters
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
    pg.wait_for_function("location.hash === '#glossary-letter-s'")  # the letter's anchor: links to it stay stable
    pg.wait_for_timeout(100)
    top = pg.get_by_role("heading", name="S", exact=True, level=2).evaluate("el => el.getBoundingClientRect().top")
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
