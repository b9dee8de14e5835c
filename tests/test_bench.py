"""The benchmark's own machinery (bench/handbook_bench/, issue #10): the anchor (b) it times the
handbook against, the capture hook that times our layer through macros.timing_listeners, and the
same-content Material site its first visit and Lighthouse compare with. Real builds, no timings
asserted."""
from __future__ import annotations

import os
import re
import sys

import pytest

from conftest import ROOT, normalise

sys.path.insert(0, str(ROOT / "bench"))
from handbook_bench.anchor import make_anchor  # noqa: E402
from handbook_bench.lighthouse import make_material_same_content  # noqa: E402
from handbook_bench.scale import copy_project  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
MACRO_CALL = re.compile(r"\{\{-?\s*\w+\s*\(\s*[\"')]")  # a call (the maintainers' page shows some escaped)
OWN_ASSETS = re.compile(r"assets/(javascripts|stylesheets)/handbook\.[0-9a-f]{8}\.min\.(js|css)")


@pytest.fixture(scope="module")
def anchor(tmp_path_factory):
    """The bench's copy of the project (a), built once with the capture hook into (b)."""
    d = tmp_path_factory.mktemp("bench")
    proj_a = copy_project(d / "a")
    stats = make_anchor(proj_a, d / "b", ENV)
    return proj_a, d / "b", stats


def article(html: str) -> str:
    m = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', html, re.S)
    return m.group(1) if m else ""


def visible(html: str) -> str:
    """The article's text, without the data in script elements (the record's manifest)."""
    return normalise(re.sub(r"<script\b.*?</script>", "", article(html), flags=re.S))


def test_capture_hook_times_every_macro_call_and_one_data_load(anchor):
    proj_a, proj_b, stats = anchor
    pages = sorted(p.relative_to(proj_a / "content") for p in (proj_a / "content").rglob("*.md"))
    calls = sum(len(MACRO_CALL.findall(p.read_text(encoding="utf-8"))) for p in (proj_a / "content").rglob("*.md"))
    assert calls > 10
    # heard through macros.timing_listeners: one load, every macro call on the pages, define_env around the load
    assert stats["loads"] == 1, stats
    assert stats["renders"] == calls, stats
    assert stats["load_s"] > 0 and stats["render_s"] > 0 and stats["define_env_s"] >= stats["load_s"], stats
    assert stats["pages"] == len(pages)
    # (b): every page captured after mkdocs-macros, no macro left, and a config without the macros plugin
    assert sorted(p.relative_to(proj_b / "content") for p in (proj_b / "content").rglob("*.md")) == pages
    for p in (proj_b / "content").rglob("*.md"):
        assert not MACRO_CALL.search(p.read_text(encoding="utf-8")), p
    b_cfg = (proj_b / "mkdocs.bench-b.yml").read_text(encoding="utf-8")
    assert "INHERIT: mkdocs.yml" in b_cfg and "macros" not in b_cfg
    assert not (proj_b / "capture-stats.json").exists() and not (proj_b / "mkdocs.bench-capture.yml").exists()


def test_first_visit_material_serves_the_same_pages_without_the_forms(anchor, site):
    """The first visit (and Lighthouse) compares the handbook with Material serving the same pages,
    not with a near-empty site: the same pages, the same article text where a page has no form."""
    _, proj_b, _ = anchor
    site_m = make_material_same_content(proj_b, ENV)
    names = sorted(p.name for p in site.glob("*.html"))
    assert sorted(p.name for p in site_m.glob("*.html")) == names
    with_forms = 0
    for name in names:
        ours, theirs = (site / name).read_text(encoding="utf-8"), (site_m / name).read_text(encoding="utf-8")
        assert "<form" not in article(theirs), name
        assert OWN_ASSETS.search(ours) and not OWN_ASSETS.search(theirs), f"{name}: our script and stylesheet only in the handbook"
        if name == "404.html":  # the handbook's own 404 page comes from overrides/, which Material alone has not
            assert "Page not found" in visible(ours) and "Page not found" not in visible(theirs)
        elif "<form" in article(ours):
            with_forms += 1
        else:
            assert visible(theirs) == visible(ours), name
    assert with_forms >= 3


def test_own_code_per_page_counts_what_each_page_loads_of_ours_and_nothing_of_materials(browser, served):
    """The per-page figure behind own_assets: the home page fetches our core script and stylesheet
    only, the record page its page bundles too; Material's bundle, stylesheet and search worker are
    never counted. Over a real loopback server in Debian's chromium, as the benchmark runs it."""
    from handbook_bench.browser import Browser, own_per_page
    per = own_per_page(Browser(browser), served, ["index.html", "record.html"])
    home = [f for f, _ in per["index.html"]["files"]]
    record = [f for f, _ in per["record.html"]["files"]]
    assert any(re.fullmatch(r"handbook\.[0-9a-f]{8}\.min\.js", f) for f in home), home
    assert any(re.fullmatch(r"handbook\.[0-9a-f]{8}\.min\.css", f) for f in home), home
    assert not any(f.startswith("handbook-") for f in home), home  # no page bundle on the home page
    assert any(f.startswith("handbook-learning-record.") for f in record), record
    assert not any(re.match(r"(bundle|main|palette|search)\.", f) for f in home + record), home + record
    assert per["record.html"]["gz"] > per["index.html"]["gz"] > 5000
    assert per["index.html"]["gz"] == sum(n for _, n in per["index.html"]["files"])
