"""A school's own edition without forking (examples/school/): MkDocs INHERIT, the school's name,
logo, colours and contacts, and its own case studies from a local data folder merged over the core."""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import ROOT, copy_project, handbook, page_text, run
from webcheck import ready, run_axe, describe, set_palette, static_server, search

EXAMPLE = ROOT / "examples" / "school"
SCHOOL = "Llanfair Valley High School"
NEUTRAL = "Ask your line manager or the school's coaching coordinator."
LOCAL_IDS = ["llanfair-valley-lesson-study-triplets", "llanfair-valley-new-teacher-mentoring"]


@pytest.fixture(scope="module")
def school_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("school") / "site"
    r = handbook("-f", "examples/school/mkdocs.yml", "build", "-d", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def _section(path: Path, heading_id: str) -> str:
    """The text of a page from the heading with this id to the next heading of its level."""
    raw = path.read_text(encoding="utf-8")
    m = re.search(rf'<h2 id="{heading_id}">(.*?)(?=<h2 |</article>)', raw, re.S)
    assert m, f"{path.name} has no section #{heading_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


@pytest.mark.unit
def test_local_data_merges_over_the_core():
    from macros.data import load

    core = load(ROOT / "data")
    school = load(ROOT / "data", [EXAMPLE / "data"])
    assert set(school.case_studies) - set(core.case_studies) == set(LOCAL_IDS)
    assert "llanfair-valley-programme-review" in school.documents
    # the local files leave out what they do not add to (facets, references): allowed in a local folder only
    assert school.facets == core.facets and school.references == core.references


@pytest.mark.unit
def test_local_case_studies_are_numbered_after_the_cores():
    from macros.data import load

    school = load(ROOT / "data", [EXAMPLE / "data"])
    core_max = max(cs["number"] for cs in load(ROOT / "data").case_studies.values())
    assert [school.case_studies[i]["number"] for i in LOCAL_IDS] == [core_max + 1, core_max + 2]


def test_a_case_study_the_core_adds_later_does_not_collide_with_the_schools(tmp_path):
    """The core's next release adds case study 8: the school's own move up to 9 and 10, no error."""
    from macros.data import load

    shutil.copytree(ROOT / "data", tmp_path / "data")
    core = tmp_path / "data" / "case-studies.yml"
    core.write_text(core.read_text(encoding="utf-8") + """
  - id: case-study-added-later
    number: 8
    title: A case study the core adds in a later release
    summary: It takes the next number in the core's series.
    facets: {approach: [coaching]}
    source: {doc: wg-booklet, at: Case study 1}
""", encoding="utf-8")
    hb = load(tmp_path / "data", [EXAMPLE / "data"])
    assert hb.case_studies["case-study-added-later"]["number"] == 8
    assert [hb.case_studies[i]["number"] for i in LOCAL_IDS] == [9, 10]


def test_a_local_case_study_with_a_number_is_told_to_leave_it_out(tmp_path):
    from macros.data import HandbookError, load

    shutil.copytree(EXAMPLE / "data", tmp_path / "data")
    local = tmp_path / "data" / "case-studies.yml"
    local.write_text(local.read_text(encoding="utf-8").replace("  - id: llanfair-valley-new-teacher-mentoring\n",
                                                               "  - id: llanfair-valley-new-teacher-mentoring\n    number: 3\n"), encoding="utf-8")
    with pytest.raises(HandbookError) as exc:
        load(ROOT / "data", [tmp_path / "data"])
    (problem,) = exc.value.problems
    assert problem.file.endswith("data/case-studies.yml") and problem.file != "data/case-studies.yml"
    assert problem.item == "llanfair-valley-new-teacher-mentoring" and problem.field == "number"
    assert "leave out number" in problem.message and "numbered after the core's automatically" in problem.message


def test_branding_name_logo_and_colours(school_site):
    index = (school_site / "index.html").read_text(encoding="utf-8")
    assert f"<title>Home - Coaching and Mentoring Handbook, {SCHOOL}</title>" in index
    assert re.search(r'<img src="assets/school/logo.svg" alt="[^"]*"', index)
    assert '<link rel="icon" href="assets/school/logo.svg">' in index
    logo = (school_site / "assets" / "school" / "logo.svg").read_text(encoding="utf-8")
    assert logo.lstrip().startswith("<svg") and "http://" not in logo.replace("http://www.w3.org/2000/svg", "")
    assert 'data-md-color-primary="deep-purple"' in index and 'data-md-color-accent="amber"' in index
    assert 'data-md-color-primary="indigo"' not in index


def test_branding_in_the_browser(school_site, page):
    with static_server(school_site) as base:
        page.set_viewport_size({"width": 1400, "height": 900})  # wide enough for the header's logo
        page.goto(base + "index.html")
        ready(page)
        header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
        assert header == "rgb(126, 86, 194)", header  # Material's deep purple, not the core's indigo
        logo = page.locator(".md-header .md-logo img")
        assert logo.is_visible() and page.evaluate("document.querySelector('.md-header .md-logo img').naturalWidth") > 0
        assert SCHOOL in page.locator(".md-header__title").inner_text()
        hrefs = search(page, "lesson study")
        # a result links to the school's case study by its anchor (an id on purpose: links to it stay stable)
        assert any((h or "").endswith("#llanfair-valley-lesson-study-triplets") for h in hrefs), hrefs
    assert page.js_errors == []


def test_contacts_where_the_handbook_says_whom_to_ask(school_site, site):
    asking = _section(school_site / "practical-guidance.html", "asking-for-coaching-or-mentoring")
    assert "Who to approach in this school" in asking
    assert "Coaching and mentoring coordinator : Mrs Carys Howells, Assistant Headteacher (Room B12" in asking
    next_steps = _section(school_site / "getting-involved.html", "your-next-steps")
    assert "Mrs Carys Howells" in next_steps and "Your line manager" in next_steps
    # the core edition, with no contacts configured, says whom to ask in general terms
    for page_name, heading in (("practical-guidance.html", "asking-for-coaching-or-mentoring"), ("getting-involved.html", "your-next-steps")):
        core = _section(site / page_name, heading)
        assert NEUTRAL in core and "Carys" not in core


def test_local_case_studies_on_the_page_and_in_search(school_site):
    html = (school_site / "case-studies.html").read_text(encoding="utf-8")
    assert html.count('class="hb-case-study"') == 9
    for ident in LOCAL_IDS:
        assert f'data-hb-case-row="{ident}"' in html  # in the filterable index
        assert f'data-hb-case-study="{ident}"' in html
    text = page_text(school_site / "case-studies.html")
    assert "Case study 8: Our own school: lesson study triplets" in text
    assert "This is Llanfair Valley High School's own case study" in text
    assert "Source: Coaching and mentoring at Llanfair Valley, 2024-25" in text
    refs = page_text(school_site / "references.html")
    assert "Coaching and mentoring at Llanfair Valley, 2024-25" in refs
    docs = json.loads((school_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    for ident in LOCAL_IDS:
        assert any(d["location"] == f"case-studies.html#{ident}" for d in docs), ident
    assert any("twenty-minute follow-up" in d["text"] for d in docs)


def test_own_namespace(school_site, site):
    meta = re.compile(r'<meta name="hb-namespace" content="([^"]+)">')
    school_ns = meta.search((school_site / "index.html").read_text(encoding="utf-8")).group(1)
    core_ns = meta.search((site / "index.html").read_text(encoding="utf-8")).group(1)
    assert school_ns == "llanfair-valley-coaching-handbook" and school_ns != core_ns


@pytest.mark.parametrize("palette", ["default", "slate"])
def test_school_colours_keep_wcag_aa(palette, school_site, page):
    with static_server(school_site) as base:
        page.goto(base + "index.html")
        ready(page)
        set_palette(page, palette)
        bad = {}
        for name in ("index.html", "case-studies.html", "embedding.html", "getting-involved.html", "404.html"):
            page.goto(base + name)
            ready(page)
            found = run_axe(page)
            print(f"{palette} {name}: {sum(v['nodes'] for v in found)} axe violations")
            if found:
                bad[name] = describe(found)
        assert not bad, bad


def test_plain_mkdocs_build_from_any_folder(tmp_path):
    """`mkdocs build -f examples/school/mkdocs.yml` works too, whatever the current folder."""
    r = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(EXAMPLE / "mkdocs.yml"), "-d", str(tmp_path / "site")],
            cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "site" / "assets" / "school" / "logo.svg").exists()
    assert "Mrs Carys Howells" in (tmp_path / "site" / "practical-guidance.html").read_text(encoding="utf-8")


@pytest.fixture
def school_copy(tmp_path) -> Path:
    proj = copy_project(tmp_path / "proj")
    shutil.copytree(EXAMPLE, proj / "examples" / "school", ignore=shutil.ignore_patterns("site"))
    return proj


def test_local_id_colliding_with_the_core_names_both_files_and_keeps_the_old_site(school_copy, tmp_path):
    out = tmp_path / "out"
    r = handbook("-f", "examples/school/mkdocs.yml", "build", "-d", str(out), cwd=school_copy)
    assert r.returncode == 0, r.stdout + r.stderr
    before = (out / "case-studies.html").read_bytes()
    local = school_copy / "examples" / "school" / "data" / "case-studies.yml"
    local.write_text(local.read_text(encoding="utf-8") + """
  - id: case-study-herbert-thompson
    title: Coaching triplets, our way
    summary: The same id as a core case study.
    facets: {approach: [coaching]}
    source: {doc: llanfair-valley-programme-review, at: Science department}
""", encoding="utf-8")
    r = handbook("-f", "examples/school/mkdocs.yml", "build", "-d", str(out), cwd=school_copy)
    assert r.returncode == 1
    msg = r.stdout + r.stderr
    line = next(l for l in msg.splitlines() if "case-study-herbert-thompson" in l)
    assert line.startswith("examples/school/data/case-studies.yml:"), line
    assert "duplicate case study id" in line and "data/case-studies.yml:" in line.split("also used in", 1)[1], line
    assert "Nothing was built" in msg
    assert (out / "case-studies.html").read_bytes() == before  # the old site is intact


def test_malformed_contacts_stop_the_build_with_a_clear_message(school_copy, tmp_path):
    cfg = school_copy / "examples" / "school" / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("        name: Mr Dafydd Rees\n", "        nmae: Mr Dafydd Rees\n"), encoding="utf-8")
    r = handbook("-f", "examples/school/mkdocs.yml", "build", "-d", str(tmp_path / "out"), cwd=school_copy)
    assert r.returncode == 1
    assert "extra.handbook.contacts: entry 3: 'nmae' is not a known field" in r.stdout + r.stderr


# ------------------------------------------------------------------ issue #12: the school's own welcome, e-mail links, its name on a phone


def test_welcome_text_on_the_home_page(school_site, site):
    raw = (school_site / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<div class="hb-welcome">(.*?)</div>', raw, re.S)
    assert m, "the school's welcome is not on its home page"
    paras = re.findall(r"<p>(.*?)</p>", m.group(1), re.S)
    assert len(paras) == 2 and paras[0].startswith("Welcome to Llanfair Valley High School&#39;s edition")
    assert raw.index("<h1") < raw.index('class="hb-welcome"') < raw.index("<h2")  # at the top, under the title
    assert "hb-welcome" not in (site / "index.html").read_text(encoding="utf-8")  # the core has none


@pytest.mark.unit
def test_welcome_text_is_escaped_and_checked():
    from macros.data import load
    from macros.render import Renderer, check_welcome

    r = Renderer(load(ROOT / "data"))
    r.school_welcome = check_welcome('Hello <script>alert(1)</script> & "welcome".\n\nSecond paragraph.')
    html = r.welcome()
    assert "<script>" not in html and "&lt;script&gt;" in html and html.count("<p>") == 2
    for bad in ("", "   ", ["a list"], {"a": "mapping"}):
        with pytest.raises(ValueError, match="extra.handbook.welcome: expected some text"):
            check_welcome(bad)
    assert check_welcome(None) == "" and Renderer(load(ROOT / "data")).welcome() == ""


def test_contact_email_addresses_are_mailto_links(school_site):
    raw = "".join(p.read_text(encoding="utf-8") for p in school_site.glob("*.html") if "hb-contacts" in p.read_text(encoding="utf-8"))
    assert ('(Room B12, or <a href="mailto:carys.howells@llanfair-valley.example">carys.howells@llanfair-valley.example</a>)'
            in raw)
    assert '<a href="mailto:dafydd.rees@llanfair-valley.example">' in raw


@pytest.mark.unit
def test_contact_links_are_escaped():
    from macros.data import load
    from macros.render import Renderer, check_contacts

    r = Renderer(load(ROOT / "data"))
    r.school_contacts = check_contacts([{"role": "Coordinator", "name": "A <b>Jones</b>",
                                         "how": 'x@y.example"><script>alert(1)</script> or a.b@school.example'}])
    html = r.contacts()
    assert "<script>" not in html and "<b>" not in html
    assert html.count('href="mailto:') == 2 and '<a href="mailto:a.b@school.example">a.b@school.example</a>' in html


LONG_NAME = ("Coaching and Mentoring Handbook, Ysgol Uwchradd Gymunedol Dyffryn Llanfair-ym-Muallt a Chanolbarth "
             "Cymru, Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch Campus")


@pytest.fixture(scope="module")
def long_name_site(tmp_path_factory) -> Path:
    """The school edition with a very long name (and one very long word), built once."""
    tmp = tmp_path_factory.mktemp("long-name")
    proj = copy_project(tmp / "proj")
    shutil.copytree(EXAMPLE, proj / "examples" / "school", ignore=shutil.ignore_patterns("site"))
    cfg = proj / "examples" / "school" / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(f"site_name: Coaching and Mentoring Handbook, {SCHOOL}",
                                                           f"site_name: {LONG_NAME}"), encoding="utf-8")
    r = handbook("-f", "examples/school/mkdocs.yml", "build", "-d", str(tmp / "site"), cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    return tmp / "site"


_HEADER = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const name = document.querySelector('.md-header__topic:first-child .md-ellipsis');
  const buttons = [...document.querySelectorAll('.md-header__button')].filter(b => b.offsetParent && b.getBoundingClientRect().width);
  return {page: document.documentElement.scrollWidth, viewport: innerWidth, name: box(name), text: name.textContent.trim(),
          clipped: name.scrollHeight > name.clientHeight + 1 || name.scrollWidth > name.clientWidth + 1,
          header: box(document.querySelector('.md-header')), buttons: buttons.map(box)};
}"""


def _check_header(page, fits_whole: bool) -> dict:
    h = page.evaluate(_HEADER)
    assert h["page"] <= h["viewport"], f"horizontal scroll: {h['page']} px wide in {h['viewport']} px"
    assert h["name"]["right"] <= h["viewport"] and h["name"]["top"] >= h["header"]["top"] and h["name"]["bottom"] <= h["header"]["bottom"], h
    for b in h["buttons"]:  # the name never runs under the menu, palette or search buttons
        assert b["right"] <= h["name"]["left"] or b["left"] >= h["name"]["right"], h
    if fits_whole:
        assert not h["clipped"], f"the site's name is cut off in the header: {h}"
    return h


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_school_name_fits_the_header_on_a_phone_and_a_laptop(school_site, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    with static_server(school_site) as base:
        for name in ("index.html", "case-studies.html"):
            page.goto(base + name)
            ready(page)
            h = _check_header(page, fits_whole=True)
            assert h["text"] == f"Coaching and Mentoring Handbook, {SCHOOL}"
        if width < 1220:  # the menu drawer (phones and tablets) shows the whole name too
            # the header's menu button, by its name (accessibility.js makes Material's icon label a named button)
            page.locator(".md-header").get_by_role("button", name="Navigation").click()
            expect(page.locator(".md-sidebar--primary")).to_be_in_viewport()
            page.wait_for_timeout(400)
            d = page.evaluate("""() => { const t = document.querySelector('.md-nav--primary > .md-nav__title');
                return {clipped: t.scrollWidth > t.clientWidth + 1 || t.scrollHeight > t.clientHeight + 1, page: document.documentElement.scrollWidth}; }""")
            assert not d["clipped"] and d["page"] <= width, d


def test_a_very_long_school_name_never_scrolls_sideways_on_a_phone(long_name_site, page):
    page.set_viewport_size({"width": 390, "height": 844})
    with static_server(long_name_site) as base:
        page.goto(base + "index.html")
        ready(page)
        _check_header(page, fits_whole=False)  # may end in "..." after three lines; never wider than the phone
