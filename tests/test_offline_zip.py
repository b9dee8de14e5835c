"""The offline package: one command makes a zip; unzipped on a shared drive, USB stick or VLE, it
opens with an obvious start file and the handbook works from file:// in chromium: browsing by
links, search, and saving an answer."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import handbook
from webcheck import answer_survives_reload, first_answer_box, ready, search

START = "Open the handbook.html"


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("zip")
    archive = tmp / "dist" / "handbook-offline.zip"
    r = handbook("zip", "-o", str(archive))
    assert r.returncode == 0, r.stdout + r.stderr
    assert archive.exists()
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert names[0] == START, "the start file comes first"
        assert all(n.startswith("handbook/") for n in names[1:]), "everything else sits in one handbook/ folder"
        z.extractall(tmp / "drive")
    root = tmp / "drive" / "handbook"
    assert (root / "index.html").exists() and (root / "search" / "search_index.js").exists()
    return root


def test_the_zip_opens_with_an_obvious_start_file(unzipped, page):
    """At the top of the unzipped folder: "Open the handbook.html", which goes to the handbook
    from file:// (and shows a link to it, should the redirect not happen)."""
    start = unzipped.parent / START
    assert sorted(p.name for p in unzipped.parent.iterdir()) == [START, "handbook"]
    page.goto(start.as_uri())
    page.wait_for_url("**/handbook/index.html")
    ready(page)
    assert page.title().endswith("Coaching and Mentoring Handbook")
    assert page.js_errors == []
    raw = start.read_text(encoding="utf-8")
    assert '<a href="handbook/index.html">' in raw and "<script" not in raw


def test_the_zip_leaves_out_what_teachers_do_not_need(unzipped):
    """Sitemaps are for search engines crawling a hosted copy; the build marker is for the build.
    404.html stays: the README tells schools they may put the zip's handbook/ folder on a web
    server, whose error page it is."""
    files = {p.relative_to(unzipped).as_posix() for p in unzipped.rglob("*") if p.is_file()}
    assert not files & {"sitemap.xml", "sitemap.xml.gz", ".handbook-build"}, files & {"sitemap.xml", "sitemap.xml.gz", ".handbook-build"}
    assert {"index.html", "404.html", "search/search_index.js", "search/search_index.json"} <= files


def _foreign(requests: list[str]) -> list[str]:
    return [u for u in requests if not u.startswith(("file://", "data:", "blob:", "about:"))]


def test_browse_by_links_from_files(unzipped, page):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((unzipped / "index.html").as_uri())
    ready(page)
    assert page.title().endswith("Coaching and Mentoring Handbook")
    # the navigation, then a link in the page, then a citation to the references
    nav = page.locator(".md-sidebar--primary")
    nav.get_by_role("link", name="Case studies", exact=True).click()
    page.wait_for_url("**/case-studies.html")
    ready(page)
    assert page.locator("article.hb-case-study").count() >= 7
    page.locator(".md-content .hb-cite a").first.click()
    page.wait_for_url("**/references.html#source-*")
    ready(page)
    assert page.locator(".md-content h1").first.inner_text().startswith("References")
    nav.get_by_role("link", name="Coaching", exact=True).click()
    page.wait_for_url("**/coaching.html")
    assert _foreign(requests) == [], "the offline package asked another host for something"
    assert page.js_errors == []


def test_search_from_files(unzipped, page):
    page.goto((unzipped / "index.html").as_uri())
    ready(page)
    hrefs = search(page, "triplet")
    assert any("case-studies.html" in (h or "") for h in hrefs), hrefs
    page.locator(".md-search-result__item a").first.click()
    page.wait_for_url("**/case-studies.html*")
    assert page.js_errors == []


def test_an_answer_is_saved_from_files(unzipped, page):
    name, key = first_answer_box(unzipped)
    answer_survives_reload(page, (unzipped / name).as_uri(), key, "Saved from the USB stick")
    # and it is in the learning record
    assert (unzipped / "record.html").exists(), "the zip has no learning record (record.html)"
    page.goto((unzipped / "record.html").as_uri())
    ready(page)
    page.wait_for_function("() => document.querySelector('.md-content').innerText.includes('Saved from the USB stick')", timeout=10000)
    assert page.js_errors == []


def test_the_start_file_speaks_the_editions_language(tmp_path):
    """A translated edition (theme.language and a local ui.yml, README: translating) gets a start file
    in its words and language, from the same catalogue as its pages."""
    from conftest import fixture_project

    proj = fixture_project(tmp_path / "handbook")
    cfg = proj / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    assert "\n  language: en\n" in text and "\n    local_data: []\n" in text
    text = text.replace("\n  language: en\n", "\n  language: cy\n", 1).replace("\n    local_data: []\n", "\n    local_data: [cymraeg]\n", 1)
    cfg.write_text(text, encoding="utf-8")
    (proj / "cymraeg").mkdir()
    (proj / "cymraeg" / "ui.yml").write_text(
        "offline-zip:\n  open: Agor y llawlyfr\n"
        "  keep-beside: \"Cadwch y ffeil hon wrth ymyl y ffolder {folder}; neu agorwch {index}.\"\n", encoding="utf-8")
    archive = tmp_path / "offline.zip"
    r = handbook("zip", "-o", str(archive), cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    with zipfile.ZipFile(archive) as z:
        start = z.read(START).decode("utf-8")
    assert '<html lang="cy">' in start
    assert '<a href="handbook/index.html">Agor y llawlyfr</a>' in start
    assert "Cadwch y ffeil hon wrth ymyl y ffolder <code>handbook</code>; neu agorwch <code>handbook/index.html</code>." in start
    assert "Open the handbook</a>" not in start and "Keep this file" not in start
