"""No slower than Material (issue #12): the handbook's own scripts and styles reach the browser as one
minified script and one minified stylesheet (macros/bundle.py, esbuild), joined in the order
mkdocs.yml lists them; the script is deferred and runs after Material's; the record draws its chart
after the page's first paint; Material's search dialog has a name (Lighthouse: aria-dialog-name).
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

import yaml

from conftest import ROOT, copy_project, handbook
from webcheck import pages_of, ready

MATERIAL = re.compile(r"assets/javascripts/(bundle\.[0-9a-f]{8}\.min\.js|workers/|lunr/)|assets/stylesheets/(main|palette)\.[0-9a-f]{8}\.min\.css|assets/vendor/")
OWN_JS = re.compile(r"assets/javascripts/handbook\.[0-9a-f]{8}\.min\.js$")
OWN_CSS = re.compile(r"assets/stylesheets/handbook\.[0-9a-f]{8}\.min\.css$")


def listed(kind: str) -> list[str]:
    """What mkdocs.yml lists (extra_javascript or extra_css), as site paths."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    cfg = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    return [e if isinstance(e, str) else e["path"] for e in cfg[kind]]


def assets_of(html: str) -> tuple[list[str], list[str]]:
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"[^>]*>", html)
    styles = re.findall(r"<link\b[^>]*rel=\"stylesheet\"[^>]*href=\"([^\"]+)\"", html)
    return scripts, styles


def test_every_page_loads_one_script_and_one_stylesheet_of_ours(site):
    sources = listed("extra_javascript") + listed("extra_css")
    assert len(sources) >= 2
    for name in pages_of(site):
        html = (site / name).read_text(encoding="utf-8")
        scripts, styles = assets_of(html)
        own_js = [s for s in scripts if not MATERIAL.search(s)]
        own_css = [s for s in styles if not MATERIAL.search(s)]
        assert len(own_js) == 1 and OWN_JS.search(own_js[0]), (name, scripts)
        assert len(own_css) == 1 and OWN_CSS.search(own_css[0]), (name, styles)
        for src in sources:  # the one-per-component files are not fetched one by one
            assert not re.search(r'(src|href)="[^"]*' + re.escape(src) + '"', html), (name, src)
        # deferred, and after Material's bundle (our code subscribes to its document$)
        tag = re.search(r"<script\b[^>]*src=\"[^\"]*handbook\.[0-9a-f]{8}\.min\.js\"[^>]*>", html).group(0)
        assert " defer" in tag, tag
        assert html.index("assets/javascripts/bundle.") < html.index(own_js[0].rsplit("/", 1)[-1])
        # the file is in the site (relative to the page; 404.html's addresses are relative to the root)
        base = site if name == "404.html" else (site / name).parent
        assert (base / own_js[0]).is_file() and (base / own_css[0]).is_file(), name


def test_bundles_are_minified_and_named_by_their_content(site):
    import hashlib

    js = next((site / "assets" / "javascripts").glob("handbook.*.min.js"))
    css = next((site / "assets" / "stylesheets").glob("handbook.*.min.css"))
    for f in (js, css):
        text = f.read_text(encoding="utf-8")
        assert f.name.split(".")[1] == hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        assert not re.search(r"\n[ \t]+\S", text) and text.count("\n") < 10, f"{f.name} is not minified"
    src_js = sum((ROOT / "overrides" / p).stat().st_size for p in listed("extra_javascript"))
    assert js.stat().st_size < 0.75 * src_js


def test_bundle_keeps_mkdocs_yml_order_and_takes_files_added_there(tmp_path):
    """A component added to mkdocs.yml (as other work adds privacy.js) is bundled where it is
    listed: the list is read at build time, not written into the build."""
    proj = copy_project(tmp_path / "proj")
    js_dir = proj / "overrides" / "assets" / "javascripts"
    (js_dir / "zz-probe.js").write_text('(function () { window.hbProbeOrder = (window.hbProbeOrder || []).concat("probe-ran"); })();\n')
    (proj / "overrides" / "assets" / "stylesheets" / "zz-probe.css").write_text(".hb-probe-rule { color: rgb(1, 2, 3); }\n")
    cfg = (proj / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("  - assets/javascripts/handbook.js\n", "  - assets/javascripts/handbook.js\n  - assets/javascripts/zz-probe.js\n", 1)
    cfg = cfg.replace("extra_css:\n", "extra_css:\n  - assets/stylesheets/zz-probe.css\n", 1)
    (proj / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    r = handbook("build", "-d", str(tmp_path / "site"), cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    js = next((tmp_path / "site" / "assets" / "javascripts").glob("handbook.*.min.js")).read_text(encoding="utf-8")
    css = next((tmp_path / "site" / "assets" / "stylesheets").glob("handbook.*.min.css")).read_text(encoding="utf-8")
    # handbook.js (window.hb = ...) first, then the probe, then storage.js's and the case filter's code
    assert js.index("register:") < js.index("probe-ran") < js.index("hb-case-filter")
    assert css.index(".hb-probe-rule") < css.index(".hb-case-filter")
    assert "#010203" in css or "rgb(1, 2, 3)" in css or "rgb(1,2,3)" in css


def test_a_listed_file_that_is_missing_stops_the_build_with_its_name(tmp_path):
    proj = copy_project(tmp_path / "proj")
    cfg = (proj / "mkdocs.yml").read_text(encoding="utf-8")
    (proj / "mkdocs.yml").write_text(cfg.replace("extra_javascript:\n", "extra_javascript:\n  - assets/javascripts/not-there.js\n", 1))
    r = handbook("build", "-d", str(tmp_path / "site"), cwd=proj)
    assert r.returncode != 0
    assert "assets/javascripts/not-there.js (listed in mkdocs.yml) is in none of" in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert not (tmp_path / "site").exists()


OWN_REQUEST = re.compile(r"/assets/(javascripts|stylesheets)/(?!bundle\.|main\.|palette\.|workers/|lunr/)")


def test_first_visit_fetches_our_code_as_two_files_and_the_search_dialog_has_a_name(served, browser):
    ctx = browser.new_context()
    page = ctx.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(served + "index.html", wait_until="load")
    ready(page)
    page.wait_for_load_state("networkidle")
    own = [p for p in requested if OWN_REQUEST.search(p)]
    assert len(own) == 2 and any(OWN_JS.search(p) for p in own) and any(OWN_CSS.search(p) for p in own), own
    from playwright.sync_api import expect

    expect(page.locator(".md-search[role=dialog]")).to_have_accessible_name("Search")
    # after instant navigation too (the header stays; nothing is fetched again)
    page.locator(".md-nav__link[href$='principles.html']").first.click()
    page.wait_for_url("**/principles.html")
    ready(page)
    expect(page.locator(".md-search[role=dialog]")).to_have_accessible_name("Search")
    assert errors == []
    ctx.close()


def test_from_files_the_deferred_bundle_enhances_every_component(site, page):
    """Opened from a shared drive (file://), where Material's document$ never emits."""
    for name in ("case-studies.html", "coaching.html", "record.html"):
        page.goto((site / name).as_uri())
        page.wait_for_function("""() => { const els = [...document.querySelectorAll('[data-module]')];
            return els.length > 0 && els.every(el => el.hasAttribute('data-hb-init')); }""", timeout=30000)
        assert page.locator(".md-search[role=dialog]").get_attribute("aria-label") == "Search"
    assert page.js_errors == []


CHART_TIMING = """
window.__hbChartAt = null;
new MutationObserver(function (list, obs) {
  if (document.readyState === 'loading') return;  /* the parser writing the chart's HTML, not the script */
  if (list.some(function (m) { return m.target.closest && m.target.closest('[data-hb-bar-value]'); })) {
    window.__hbChartAt = performance.now(); obs.disconnect();
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def test_record_draws_its_chart_after_the_first_paint(served, browser):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.add_init_script(CHART_TIMING)
    page.goto(served + "record.html", wait_until="load")
    page.wait_for_function("window.__hbChartAt !== null", timeout=30000)
    paint = page.evaluate("""() => new Promise(res => new PerformanceObserver((l, o) => {
        const e = l.getEntries().find(e => e.name === 'first-paint'); if (e) { o.disconnect(); res(e.startTime); }
    }).observe({type: 'paint', buffered: true}))""")
    drawn = page.evaluate("window.__hbChartAt")
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
    assert drawn >= paint, f"chart drawn at {drawn:.0f} ms, before the first paint at {paint:.0f} ms"
    # not in the page's start-up task (Material's document$ emits on DOMContentLoaded): after a frame
    assert drawn > loaded, f"chart drawn at {drawn:.0f} ms, during start-up (DOMContentLoaded ended at {loaded:.0f} ms)"
    ctx.close()
