"""No slower than Material (issue #12): the handbook's own scripts and styles reach the browser as one
minified stylesheet, one minified script every page loads and, only on the pages with the components
that need them, the page bundles of extra.handbook.page_bundles (macros/bundle.py, esbuild), joined in
the order mkdocs.yml lists them; every script (Material's first, then ours) is fetched only after the
page's first paint (boot.js); after instant navigation a page's bundles are fetched by loader.js; Material's palette colours come in our
stylesheet, not in a render-blocking file of their own; the record draws its chart after the page's
first paint; Material's search dialog has a name (Lighthouse: aria-dialog-name).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

import yaml

from conftest import ROOT, copy_project, handbook
from webcheck import pages_of, ready, set_palette

MATERIAL = re.compile(r"assets/javascripts/(bundle\.[0-9a-f]{8}\.min\.js|workers/|lunr/)"
                      r"|assets/stylesheets/(main|palette)\.[0-9a-f]{8}\.min\.css|assets/vendor/")
OWN_JS = re.compile(r"assets/javascripts/handbook\.[0-9a-f]{8}\.min\.js$")
OWN_CSS = re.compile(r"assets/stylesheets/handbook\.[0-9a-f]{8}\.min\.css$")
PAGE_JS = re.compile(r"assets/javascripts/handbook-([a-z0-9-]+)\.[0-9a-f]{8}\.min\.js$")


def config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def listed(kind: str) -> list[str]:
    """What mkdocs.yml lists (extra_javascript or extra_css), as site paths."""
    return [e if isinstance(e, str) else e["path"] for e in config()[kind]]


def page_bundles() -> dict[str, dict]:
    """mkdocs.yml's extra.handbook.page_bundles: name -> {modules, files}."""
    return config()["extra"]["handbook"]["page_bundles"]


BOOT_JS = re.compile(r"assets/javascripts/boot\.[0-9a-f]{8}\.min\.js$")
BOOT = re.compile(r"<script\b[^>]*\bsrc=\"[^\"]*assets/javascripts/boot\.[0-9a-f]{8}\.min\.js\"[^>]*\bdata-hb-scripts='([^']*)'[^>]*>")


def assets_of(html: str) -> tuple[list[str], list[str], list[str]]:
    """The page's script tags, the scripts boot.js adds after the first paint (in order), and its
    stylesheets."""
    import html as html_module
    import json

    tags = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"[^>]*>", html)
    boot = BOOT.findall(html)
    later = json.loads(html_module.unescape(boot[0])) if len(boot) == 1 else []
    styles = re.findall(r"<link\b[^>]*rel=\"stylesheet\"[^>]*href=\"([^\"]+)\"", html)
    return tags, later, styles


def test_every_page_loads_our_stylesheet_our_core_script_and_only_the_page_bundles_it_uses(site):
    sources = listed("extra_javascript") + listed("extra_css")
    assert len(sources) >= 2
    groups = page_bundles()
    assert {"self-check", "coaching-log", "learning-record"} <= set(groups)
    seen: dict[str, set[str]] = {name: set() for name in groups}
    for name in pages_of(site):
        html = (site / name).read_text(encoding="utf-8")
        tags, scripts, styles = assets_of(html)
        # one script tag of ours, deferred: boot.js, which adds the page's scripts after its first
        # paint, Material's bundle first (our code subscribes to its document$); no other script
        # tag but Material's vendored shim
        assert [s for s in tags if not MATERIAL.search(s)] == [s for s in tags if BOOT_JS.search(s)], (name, tags)
        assert len(BOOT.findall(html)) == 1 and " defer" in BOOT.search(html).group(0), name
        assert "assets/javascripts/bundle." in scripts[0] and not [s for s in scripts[1:] if MATERIAL.search(s)], (name, scripts)
        own_js = [s for s in scripts if not MATERIAL.search(s)]
        own_css = [s for s in styles if not MATERIAL.search(s)]
        assert len(own_css) == 1 and OWN_CSS.search(own_css[0]), (name, styles)
        assert len(own_js) >= 1 and OWN_JS.search(own_js[0]), (name, scripts)
        # exactly the page bundles whose components the page has, in mkdocs.yml's order, each once
        modules = set(re.findall(r'data-module="([^"]+)"', html))
        want = [g for g, spec in groups.items() if modules & set(spec["modules"])]
        got = [PAGE_JS.search(s).group(1) for s in own_js[1:]]
        assert got == sorted(want, key=lambda g: listed("extra_javascript").index(groups[g]["files"][0])), (name, got, modules)
        for g in got:
            seen[g].add(name)
        for src in sources:  # the one-per-component files are not fetched one by one
            assert not re.search(r'(src|href)="[^"]*' + re.escape(src) + '"', html), (name, src)
            assert not [s for s in scripts if s.endswith("/" + src) or s == src], (name, src)
        # the files are in the site (relative to the page; 404.html's addresses are relative to the root)
        base = site if name == "404.html" else (site / name).parent
        for src in scripts + own_css + [s for s in tags if BOOT_JS.search(s)]:
            assert (base / src).is_file(), (name, src)
    # the home page loads no page bundle; the record, the log and a page with a self-check theirs
    assert seen["learning-record"] == {"record.html"} and "index.html" not in set().union(*seen.values())
    assert seen["coaching-log"] == {"record.html", "coaching-log.html"} and "principles.html" in seen["self-check"]


def test_the_core_script_holds_no_page_bundle_code_and_each_page_bundle_its_own(site):
    core = next((site / "assets" / "javascripts").glob("handbook.*.min.js")).read_text(encoding="utf-8")
    for name, spec in page_bundles().items():
        (f,) = (site / "assets" / "javascripts").glob(f"handbook-{name}.*.min.js")
        text = f.read_text(encoding="utf-8")
        for module in spec["modules"]:
            if module == f"hb-{name}":  # the component the bundle registers
                assert f'register("{module}"' in text and f'register("{module}"' not in core, (name, module)
    assert 'register("hb-privacy"' in core and 'register("hb-case-studies"' in core


def test_palette_colours_come_without_materials_palette_stylesheet(site):
    """No page links Material's palette stylesheet (one render-blocking request fewer); our stylesheet
    holds the palette's rules for the schemes and colours mkdocs.yml uses, and only those."""
    css = next((site / "assets" / "stylesheets").glob("handbook.*.min.css")).read_text(encoding="utf-8")
    for name in pages_of(site):
        assert "assets/stylesheets/palette." not in (site / name).read_text(encoding="utf-8"), name
    assert "[data-md-color-scheme=slate]" in css.replace('"', "")
    assert "[data-md-color-primary=indigo]" in css.replace('"', "")
    assert "[data-md-color-primary=red]" not in css.replace('"', "") and "deep-purple" not in css


def test_the_colours_are_materials_own_in_both_schemes(site, served, browser):
    """Adding Material's whole palette stylesheet back, where Material puts it, changes no colour,
    in the light scheme or the dark one."""
    from webcheck import PALETTES

    (palette,) = (site / "assets" / "stylesheets").glob("palette.*.min.css")  # Material still ships it
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.goto(served + "principles.html")
    ready(page)
    colours = """() => {
        const props = ['color', 'background-color', 'border-top-color', 'fill', 'outline-color'];
        const out = {};
        const body = getComputedStyle(document.body);
        for (const p of body) if (p.startsWith('--md-')) out['body ' + p] = body.getPropertyValue(p).trim();
        const sels = ['body', '.md-header', '.md-typeset a', '.md-nav__link', '.md-footer', '.md-search__input',
                      '.md-typeset h1', '.hb-self-check', '.hb-self-check button', '.hb-privacy', '.md-top'];
        for (const s of sels) { const el = document.querySelector(s); if (!el) continue;
            const cs = getComputedStyle(el); for (const p of props) out[s + ' ' + p] = cs.getPropertyValue(p); }
        return out; }"""
    add = """name => new Promise((res, rej) => {
        const main = document.querySelector('link[href*="assets/stylesheets/main."]');
        const l = document.createElement('link');
        l.rel = 'stylesheet'; l.id = 'material-palette'; l.onload = res; l.onerror = rej;
        l.href = new URL(name, main.href).href;
        main.after(l); })"""
    for want in PALETTES:
        set_palette(page, want)
        ours = page.evaluate(colours)
        assert sum(k.startswith("body --md-") for k in ours) > 20, ours
        page.evaluate(add, palette.name)
        assert page.evaluate(colours) == ours, want
        page.evaluate("document.getElementById('material-palette').remove()")  # the stylesheet this test added
    ctx.close()


def test_bundles_are_minified_and_named_by_their_content(site):
    import hashlib

    js = next((site / "assets" / "javascripts").glob("handbook.*.min.js"))
    css = next((site / "assets" / "stylesheets").glob("handbook.*.min.css"))
    (boot,) = (site / "assets" / "javascripts").glob("boot.*.min.js")
    for f in (js, css, boot):
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
    assert js.index("register:") < js.index("probe-ran") < js.index("hb-case-studies")
    assert css.index(".hb-probe-rule") < css.index(".hb-case-studies__")
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


def _open_watching(browser, url: str):
    """A fresh context and page at url, ready, with the paths it requested and its page errors so far
    (both lists keep growing)."""
    ctx = browser.new_context()
    page = ctx.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    ready(page)
    return ctx, page, requested, errors


def test_first_visit_fetches_our_code_as_three_files_and_the_search_dialog_has_a_name(served, browser):
    """Our stylesheet, boot.js and our one script, each once (Material's start-up, which rewrites the
    stylesheets' addresses, does not make the browser ask for them again)."""
    ctx, page, requested, errors = _open_watching(browser, served + "index.html")
    page.wait_for_load_state("networkidle")
    own = [p for p in requested if OWN_REQUEST.search(p)]
    assert len(own) == 3 and any(OWN_JS.search(p) for p in own) and any(OWN_CSS.search(p) for p in own), own
    assert sum(bool(BOOT_JS.search(p)) for p in own) == 1, own
    assert len([p for p in requested if "/assets/stylesheets/" in p]) == 2, requested  # Material's and ours
    from playwright.sync_api import expect

    expect(page.locator(".md-search[role=dialog]")).to_have_accessible_name("Search")
    # after instant navigation too (the header stays; nothing is fetched again)
    page.locator(".md-nav__link[href$='principles.html']").first.click()
    page.wait_for_url("**/principles.html")
    ready(page)
    expect(page.locator(".md-search[role=dialog]")).to_have_accessible_name("Search")
    assert errors == []
    ctx.close()


FIRST_PAINT = """() => new Promise(res => new PerformanceObserver((l, o) => {
    const e = l.getEntries().find(e => e.name === 'first-paint'); if (e) { o.disconnect(); res(e.startTime); }
}).observe({type: 'paint', buffered: true}))"""


@pytest.mark.parametrize("name", ["principles.html", "record.html"])
def test_scripts_are_fetched_only_after_the_first_paint(served, browser, name):
    """Nothing but the page and its styles is on the way to the first paint: every script (Material's
    bundle, ours, the page's bundles) is requested after it (boot.js), so on a slow connection the
    text does not share the line with them; and Material and every component still start."""
    ctx, page, requested, errors = _open_watching(browser, served + name)
    page.wait_for_load_state("networkidle")
    paint = page.evaluate(FIRST_PAINT)
    fetched = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(e => e.initiatorType === 'script' && /assets\\/javascripts\\/(bundle|handbook)/.test(e.name))
        .map(e => [e.name.split('/').pop(), e.startTime])""")
    names = [n for n, _ in fetched]
    assert any(n.startswith("bundle.") for n in names) and any(OWN_JS.search("assets/javascripts/" + n) for n in names), names
    assert any(PAGE_JS.search("assets/javascripts/" + n) for n in names), names  # both pages have page bundles
    early = [(n, round(t)) for n, t in fetched if t < paint]
    assert not early, f"requested before the first paint at {paint:.0f} ms: {early}"
    # Material started (its search dialog is named by our code, which waits for its document$) and
    # every component on the page is enhanced
    from playwright.sync_api import expect

    expect(page.locator(".md-search[role=dialog]")).to_have_accessible_name("Search")
    assert page.evaluate("[...document.querySelectorAll('.md-content [data-module]')].every(el => el.hasAttribute('data-hb-init'))")
    assert errors == []
    ctx.close()


# What Material's instant navigation does: fetch the page, put its container in place of this one's
# (the new page's script tags are not run), and emit on document$.
SWAP_IN = """async url => {
    const doc = new DOMParser().parseFromString(await (await fetch(url)).text(), 'text/html');
    document.querySelector('[data-md-component=container]').replaceWith(doc.querySelector('[data-md-component=container]'));
    history.pushState({}, '', url);
    document$.next(document);
}"""


def test_after_instant_navigation_each_page_gets_the_bundles_its_components_need(served, browser):
    """Over HTTP Material can swap a page in without loading it (instant navigation), and then does
    not run the new page's script tags: loader.js fetches the page bundles, once each, in order, and
    the components are enhanced as on a page loaded afresh."""
    ctx, page, requested, errors = _open_watching(browser, served + "index.html")
    page.evaluate("window.__hbSamePage = true")
    assert not [p for p in requested if PAGE_JS.search(p)]
    enhanced = """() => { const els = [...document.querySelectorAll('.md-content [data-module]')];
        return els.length > 0 && els.every(el => el.hasAttribute("data-hb-init")); }"""
    for target, module, bundles in (("record.html", "hb-learning-record", ["coaching-log", "learning-record"]),
                                    ("coaching-log.html", "hb-coaching-log", ["coaching-log", "learning-record"]),
                                    ("principles.html", "hb-self-check", ["coaching-log", "learning-record", "self-check"])):
        page.evaluate(SWAP_IN, served + target)
        page.wait_for_function(enhanced, timeout=30000)
        assert page.evaluate("window.__hbSamePage === true")
        assert page.locator(f".md-content [data-module='{module}']").count() >= 1
        got = sorted(PAGE_JS.search(p).group(1) for p in requested if PAGE_JS.search(p))
        assert got == bundles, (target, got)  # each fetched once, only when a page needs it
    # the self-check works: an answer is saved
    page.locator(".md-content form[data-module='hb-self-check'] textarea").first.fill("After instant navigation")
    page.wait_for_function("""() => Object.keys(localStorage).some(k => (localStorage.getItem(k) || '').includes('After instant navigation'))""",
                           timeout=10000)
    assert errors == []
    ctx.close()


def test_from_files_the_deferred_bundle_enhances_every_component(site, page):
    """Opened from a shared drive (file://), where Material's document$ never emits."""
    for name in ("case-studies.html", "coaching.html", "record.html", "coaching-log.html", "index.html"):
        page.goto((site / name).as_uri())
        page.wait_for_function("""() => { const els = [...document.querySelectorAll('[data-module]')];
            return els.length > 0 && els.every(el => el.hasAttribute('data-hb-init')); }""", timeout=30000)
        assert page.locator(".md-search[role=dialog]").get_attribute("aria-label") == "Search"
        # from files there is no instant navigation: the page's own script tags brought its bundles
        assert page.evaluate("[...document.scripts].filter(s => /handbook-[a-z-]+\\.[0-9a-f]{8}\\.min\\.js$/.test(s.src)).length") == \
            page.evaluate("document.querySelectorAll('script[src*=\"/handbook-\"]').length")
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


def test_page_bundle_settings_are_checked_with_a_clear_message():
    from macros.bundle import BundleError, page_bundles

    scripts = ["assets/javascripts/handbook.js", "assets/javascripts/a.js", "assets/javascripts/b.js"]
    ok = page_bundles({"b": {"modules": ["hb-b"], "files": ["assets/javascripts/b.js"]},
                       "a": {"modules": ["hb-a", "hb-b"], "files": ["assets/javascripts/a.js"]}}, scripts)
    assert [g.name for g in ok] == ["a", "b"]  # in extra_javascript's order, whatever the mapping's
    assert page_bundles(None, scripts) == []
    bad = [
        ({"a": {"modules": ["hb-a"], "files": ["assets/javascripts/zz.js"]}},
         "mkdocs.yml: extra.handbook.page_bundles.a.files: assets/javascripts/zz.js is not in extra_javascript"),
        ({"a": {"modules": ["hb-a"], "files": ["assets/javascripts/a.js"]}, "b": {"modules": ["hb-b"], "files": ["assets/javascripts/a.js"]}},
         "page_bundles.b.files: assets/javascripts/a.js is already in page bundle 'a'"),
        ({"A b": {"modules": ["hb-a"], "files": ["assets/javascripts/a.js"]}}, "'A b' is not a kebab-case name"),
        ({"a": {"modules": [], "files": ["assets/javascripts/a.js"]}}, "page_bundles.a.modules must be a non-empty list"),
        ({"a": {"files": ["assets/javascripts/a.js"]}}, "page_bundles.a must have exactly two lists"),
        (["a"], "page_bundles must be a mapping"),
    ]
    for setting, message in bad:
        with pytest.raises(BundleError) as got:
            page_bundles(setting, scripts)
        assert message in str(got.value), (setting, str(got.value))


def test_a_page_bundle_naming_a_file_not_listed_stops_the_build_with_its_name(tmp_path):
    proj = copy_project(tmp_path / "proj")
    cfg = (proj / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("files: [assets/javascripts/self-check.js]", "files: [assets/javascripts/self-checks.js]", 1)
    (proj / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    r = handbook("build", "-d", str(tmp_path / "site"), cwd=proj)
    assert r.returncode != 0
    assert "extra.handbook.page_bundles.self-check.files: assets/javascripts/self-checks.js is not in extra_javascript" in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert not (tmp_path / "site").exists()


def test_palette_subset_keeps_the_schemes_and_colours_a_palette_uses():
    """A school's edition (examples/school: deep purple and amber) keeps its own colours' rules."""
    import material

    from macros.bundle import locate_palette, palette_subset

    css = locate_palette([Path(material.__file__).parent / "templates"]).read_text(encoding="utf-8")
    school = [{"scheme": "default", "primary": "deep purple", "accent": "amber"},
              {"scheme": "slate", "primary": "deep purple", "accent": "amber"}]
    got = palette_subset(css, school).replace('"', "")
    assert "[data-md-color-primary=deep-purple]" in got and "[data-md-color-accent=amber]" in got
    assert "[data-md-color-scheme=slate]" in got
    assert "[data-md-color-primary=red]" not in got and "[data-md-color-accent=pink]" not in got
    assert len(got) < len(css) / 2
    light = palette_subset(css, {"scheme": "default", "primary": "indigo"}).replace('"', "")
    assert "[data-md-color-scheme=slate]" not in light and "[data-md-color-primary=indigo]" in light
