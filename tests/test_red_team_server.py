"""Issue #9, "the built site: no one else's code runs in it", on a real web server (Debian's nginx
with examples/nginx/handbook.conf, as in tests/test_intranet.py) and in Debian's chromium:

- the 404 page never points <base> (and with it every script) at another host, whatever the address;
- the snippet's Content-Security-Policy is the one this build needs (every inline script hashed) and
  every page passes it with no violation: browsing, forms, search, the learning record, print, 404;
- framing: refused to other sites by default; with the snippet's Teams/SharePoint/Sites line adapted,
  answers save and reload inside the frame; in a sandboxed frame, where storage throws, the page
  says plainly that answers cannot be kept.
"""
from __future__ import annotations

import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, serve_dir, watch_errors
from conftest import ROOT, handbook
from macros.csp import FRAME_ANCESTORS, inline_scripts, policy
from test_intranet import MOUNTS, SNIPPET, render_snippet, run_nginx
from webcheck import fill_controls, first_answer_box, pages_of, ready, search

CSP_LINE = re.compile(r'^\s*add_header Content-Security-Policy "([^"]*)" always;\s*$', re.M)
FRAMING_LINE = re.compile(r'^(\s*)# (add_header Content-Security-Policy "frame-ancestors [^"]*" always;)\s*$', re.M)


def _origin(url: str) -> str:
    u = urlparse(url)
    return f"{u.scheme}://{u.netloc}"


# ------------------------------------------------------------------------------ hostile hosts
class _Hostile(http.server.BaseHTTPRequestHandler):
    """Another host that answers every address, to anyone (CORS *), with a stylesheet that would
    hide the page and scripts that would read the stored answers."""
    hits: list[str]

    def log_message(self, *args):
        pass

    def _answer(self, body: bool):
        self.hits.append(f"{self.command} {self.path}")
        path = self.path.split("?")[0]
        if path.endswith(".css"):
            kind, text = "text/css", "body { display: none !important }"
        elif path.endswith(".js"):
            kind, text = "application/javascript", "window.__hostile = JSON.stringify(localStorage);"
        else:
            kind, text = "text/html", "<p>hostile</p>"
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)


@pytest.fixture(scope="module")
def hostile():
    """{"host": "127.0.0.1:PORT", "hits": [...]}: a hostile server on another loopback port."""
    hits: list[str] = []
    handler = type("Hostile", (_Hostile,), {"hits": hits})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield {"host": f"127.0.0.1:{httpd.server_address[1]}", "hits": hits}
    httpd.shutdown()
    httpd.server_close()


def _without_csp(text: str) -> str:
    return CSP_LINE.sub("", text)


@pytest.fixture(scope="module")
def plain_nginx(site, tmp_path_factory):
    """The snippet without its Content-Security-Policy lines (a server that sends none, as many
    will): what keeps <base> at home is then the 404 page itself."""
    with run_nginx(tmp_path_factory.mktemp("nginx-plain"), lambda ports: _without_csp(render_snippet(site, ports))) as urls:
        yield urls


@pytest.fixture(scope="module")
def csp_nginx(site, tmp_path_factory):
    """The snippet exactly as shipped (only the ports and the folder changed)."""
    with run_nginx(tmp_path_factory.mktemp("nginx-csp"), lambda ports: render_snippet(site, ports)) as urls:
        yield urls


# ---------------------------------------------------------------------------------- 404 <base>
# Addresses that a link in an e-mail could carry. A browser reads "\" as "/" in http addresses.
HOSTILE_ADDRESSES = {
    "/": ["//evil.example/x", "//HOSTILE/x", "//HOSTILE/", "/\\evil.example/x", "/\\\\HOSTILE/a/b",
          "///HOSTILE/x", "//HOSTILE//x", "/%2F%2FHOSTILE/x", "/%5C%5CHOSTILE/x", "/\\/HOSTILE/x"],
    "/handbook/": ["/handbook//evil.example/a/b", "/handbook//HOSTILE/a/b", "/handbook/\\HOSTILE/x",
                   "/handbook///HOSTILE//x", "/handbook/%2F%2FHOSTILE/x"],
}
CASES = [(mount, address) for mount in MOUNTS for address in HOSTILE_ADDRESSES[mount]]


@pytest.mark.parametrize("mount,address", CASES, ids=[a for _, a in CASES])
def test_404_page_loads_nothing_from_another_host(mount, address, plain_nginx, hostile, page):
    base = plain_nginx[mount]
    origin = _origin(base)
    url = origin + address.replace("HOSTILE", hostile["host"])
    evil: list[str] = []

    def evil_host(route):  # evil.example, as hostile as the loopback one, without a real lookup
        evil.append(route.request.url)
        kind = "text/css" if route.request.url.endswith(".css") else "application/javascript"
        route.fulfill(status=200, body="body{display:none}" if kind == "text/css" else "window.__hostile = 1;",
                      headers={"Content-Type": kind, "Access-Control-Allow-Origin": "*"})

    page.route(re.compile(r"^https?://evil\.example(:\d+)?/"), evil_host)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    hostile["hits"].clear()

    resp = page.goto(url)
    assert resp.status == 404
    ready(page)
    assert page.evaluate("document.querySelector('base').href") == base, "<base> is not the handbook's own folder"
    elsewhere = [r for r in requests if _origin(r) != origin]
    assert elsewhere == [] and evil == [] and hostile["hits"] == [], (elsewhere, evil, hostile["hits"])
    assert page.evaluate("window.__hostile === undefined")
    # and the page still looks and works like the handbook's own
    assert page.locator("h1").inner_text().strip() == "Page not found"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-content')).getPropertyValue('--hb-muted')").strip()
    assert page.get_by_role("link", name="Go to the handbook's home page").get_attribute("href") is not None
    page.get_by_role("link", name="Go to the handbook's home page").click()
    page.wait_for_load_state()
    assert page.url == base + "index.html"
    assert page.js_errors == []


# ------------------------------------------------------------------------ the policy, as shipped
def test_snippet_sends_the_policy_this_build_needs(site):
    """Each server block sends the policy `python -m macros csp` makes from this very build (so a
    Material upgrade or an edited inline script that changes a hash fails here), the frame-ancestors
    policy, and the commented line a school uses for Teams, SharePoint and Google Sites."""
    text = SNIPPET.read_text(encoding="utf-8")
    sent = CSP_LINE.findall(text)
    want = policy(site)
    assert sent == [want, FRAME_ANCESTORS] * 2, (
        "examples/nginx/handbook.conf's Content-Security-Policy is not this build's: run "
        "`python -m macros build && python -m macros csp` and paste its policy into both blocks and the README")
    framing = FRAMING_LINE.findall(text)
    assert len(framing) == 2
    for _, line in framing:
        for host in ("https://teams.microsoft.com", "https://*.teams.microsoft.com", "https://*.cloud.microsoft",
                     ".sharepoint.com", "https://sites.google.com", "https://*.googleusercontent.com"):
            assert host in line, host
    for directive in ("default-src 'self'", "base-uri 'self'", "object-src 'none'", "style-src 'self';"):
        assert directive in want
    assert "unsafe-inline" not in want and "unsafe-eval" not in want
    assert not re.search(r"https?:|//|\*", want), "the policy must allow no other host"


def test_csp_hashes_exactly_what_a_browser_would_run(tmp_path):
    import base64
    import hashlib

    (tmp_path / "index.html").write_text(
        '<script>a()</script><script type="application/json">{"x": 1}</script><script src="x.js"></script>'
        '<SCRIPT type="module">b()</SCRIPT><script type=text/javascript>c()</script>', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text("<script>a()</script>", encoding="utf-8")
    sha = {s: "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in ("a()", "b()", "c()")}
    assert inline_scripts(tmp_path) == {sha["a()"]: ["index.html", "sub/page.html"], sha["b()"]: ["index.html"], sha["c()"]: ["index.html"]}
    r = handbook("csp", "-d", str(tmp_path))
    assert r.returncode == 0 and r.stdout.splitlines() == [f"Content-Security-Policy: {policy(tmp_path)}",
                                                           f"Content-Security-Policy: {FRAME_ANCESTORS}"], r.stdout + r.stderr
    r = handbook("csp", "-d", str(tmp_path / "nowhere"))
    assert r.returncode == 1 and "not a built handbook" in r.stderr and "Traceback" not in r.stderr


def test_readme_gives_every_server_the_same_policy(site):
    """The README's nginx, Apache and IIS settings all send this build's policy."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"default-src 'self';[^\"]*?form-action 'self'", readme)
    assert len(found) >= 4, "README should give the policy for nginx (both blocks), Apache and IIS"
    assert set(found) == {policy(site)}, "README's Content-Security-Policy is not this build's: run `python -m macros csp`"


def test_every_inline_script_of_the_build_is_hashed(site):
    """The hashes cover every script a page would run from its own text: Material's three on every
    page, the 404 page's own and the case-studies page's (it holds the list back for a shared
    filtered link); JSON data blocks are left out (never run)."""
    scripts = inline_scripts(site)
    hashed = set(re.findall(r"'sha256-[^']+'", policy(site)))
    assert set(scripts) == hashed
    pages = pages_of(site)
    for name in pages:
        html = (site / name).read_text(encoding="utf-8")
        runnable = [m for m in re.finditer(r"<script\b([^>]*)>", html) if "src=" not in m.group(1) and "json" not in m.group(1)]
        assert len(runnable) == sum(p.count(name) for p in scripts.values()), name
    assert len([s for s, p in scripts.items() if set(p) == set(pages)]) == 3, "every page shares Material's inline scripts"
    assert len([s for s, p in scripts.items() if p == ["404.html"]]) >= 1
    assert [p for p in scripts.values() if set(p) != set(pages) and p != ["404.html"]] == [["case-studies.html"]]


WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
"""


def _watch_csp(page) -> list[str]:
    console: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return console


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


@pytest.mark.parametrize("mount", MOUNTS)
def test_every_page_passes_the_policy(mount, csp_nginx, site, page):
    base = csp_nginx[mount]
    console = _watch_csp(page)
    seen: list[str] = []
    for name in pages_of(site):
        if name == "404.html":
            continue
        resp = page.goto(base + name)
        assert resp.status == 200
        assert "base-uri 'self'" in resp.headers.get("content-security-policy", ""), "nginx did not send the policy"
        ready(page)
        if page.locator(".md-content [data-module]").count():
            fill_controls(page)  # forms: every control answered, saved by the page's scripts
        # Material's tooltips (abbreviations) and palette switch
        if page.locator(".md-content abbr[title]").count():
            page.locator(".md-content abbr[title]").first.focus()
        page.locator('[data-md-component="palette"] label:visible').first.click()
        seen += [f"{name}: {v}" for v in _violations(page)]
    # search (Material's search worker), from the 404 page at depth
    resp = page.goto(base + "no/such/deep/page.html")
    assert resp.status == 404 and "base-uri 'self'" in resp.headers.get("content-security-policy", "")
    ready(page)
    assert page.locator("h1").inner_text().strip() == "Page not found"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    hrefs = search(page, "triplet")
    assert any("case-studies.html" in (h or "") for h in hrefs), hrefs
    seen += [f"404: {v}" for v in _violations(page)]
    # the learning record with the answers given above, its exports, and printing it
    page.goto(base + "record.html")
    ready(page)
    page.wait_for_selector("[data-hb-actions]:not([hidden])")
    for action in ("export-json", "export-md"):
        with page.expect_download() as dl:
            page.locator(f'[data-hb-action="{action}"]').click()
        assert dl.value.suggested_filename
    page.emulate_media(media="print")
    assert page.pdf()[:4] == b"%PDF"
    seen += [f"record.html: {v}" for v in _violations(page)]
    assert seen == [] and console == [], seen + console
    assert page.js_errors == []
    # the listener does hear a violation: an injected inline script is refused
    page.evaluate("document.head.appendChild(Object.assign(document.createElement('script'), {textContent: 'window.__ran = 1'}))")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran === undefined")


# ------------------------------------------------------------------------------------ framing
def _top_page(tmp: Path, src: str, sandbox: str | None = None) -> Path:
    attr = f' sandbox="{sandbox}"' if sandbox is not None else ""
    (tmp / "index.html").write_text(
        f'<!doctype html><title>School portal</title><h1>School portal</h1>'
        f'<iframe{attr} src="{src}" title="Handbook" style="width:1000px;height:800px"></iframe>', encoding="utf-8")
    return tmp


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A school portal on another site (localhost, not 127.0.0.1), as Teams or SharePoint would be."""
    folder = tmp_path_factory.mktemp("portal")
    base, stop = serve_dir(folder)
    yield {"folder": folder, "url": base.replace("127.0.0.1", "localhost")}
    stop()


@pytest.fixture(scope="module")
def framing_nginx(site, portal, tmp_path_factory):
    """The snippet with its commented frame-ancestors line in use, the portal's address added to it,
    as a school does for its own Teams/SharePoint/Sites."""
    portal_origin = _origin(portal["url"])

    def adapt(ports):
        text = render_snippet(site, ports)
        text = text.replace(f"""add_header Content-Security-Policy "{FRAME_ANCESTORS}" always;""", "")
        text, n = FRAMING_LINE.subn(lambda m: m.group(1) + m.group(2).replace('" always;', f' {portal_origin}" always;'), text)
        assert n == 2
        return text

    with run_nginx(tmp_path_factory.mktemp("nginx-framing"), adapt) as urls:
        yield urls


def _frame(page):
    page.wait_for_function("document.querySelector('iframe').contentWindow !== null")
    return next(f for f in page.frames if f != page.main_frame)


def test_other_sites_cannot_frame_it_by_default(csp_nginx, portal, page):
    _top_page(portal["folder"], csp_nginx["/"] + "index.html")
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(portal["url"] + "index.html")  # waits for the frame's load too
    frame = _frame(page)
    assert frame.locator(".md-header").count() == 0, "the handbook was shown inside another site's frame"
    assert any("frame-ancestors" in c for c in console), console


@pytest.fixture
def everyday_page(browser, tmp_path):
    """A page in an ordinary browser profile, where sites framed by another site may keep data (as
    in a normal Chrome or Edge window; Firefox and Safari behave alike): the browser keeps it apart
    for that framing site ("partitioned"). Playwright's own contexts are like private windows,
    which refuse it."""
    (tmp_path / "Default").mkdir()
    (tmp_path / "Default" / "Preferences").write_text(json.dumps({"profile": {"cookie_controls_mode": 0}}), encoding="utf-8")
    ctx = browser.browser_type.launch_persistent_context(str(tmp_path), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    pg = watch_errors(ctx.new_page())
    yield pg
    ctx.close()


@pytest.mark.parametrize("mount", MOUNTS)
def test_answers_save_and_reload_inside_a_frame_on_another_site(mount, framing_nginx, portal, site, everyday_page):
    page = everyday_page
    box = first_answer_box(site)
    assert box is not None
    name, key = box
    _top_page(portal["folder"], framing_nginx[mount] + name)
    console = _watch_csp(page)
    page.goto(portal["url"] + "index.html")
    frame = _frame(page)
    field = frame.locator(f'textarea[data-hb-key="{key}"]')
    field.wait_for()
    field.scroll_into_view_if_needed()
    field.press_sequentially("Kept inside the portal", delay=10)
    field.blur()
    frame.wait_for_function("t => Object.keys(localStorage).some(k => k.endsWith(':answers') && localStorage.getItem(k).includes(t))",
                            arg="Kept inside the portal", timeout=10000)
    assert frame.locator(".hb-banner").count() == 0
    page.reload()
    frame = _frame(page)
    frame.wait_for_function("([k, t]) => (document.querySelector(`textarea[data-hb-key='${k}']`) || {}).value === t",
                            arg=[key, "Kept inside the portal"], timeout=10000)
    assert frame.evaluate("window.__csp") == [] and console == []
    assert page.js_errors == []


@pytest.mark.parametrize("sandbox", [None, "allow-scripts allow-forms allow-downloads"], ids=["private-window", "sandboxed"])
def test_a_frame_that_cannot_keep_answers_says_so(sandbox, framing_nginx, portal, site, page):
    """Where the browser refuses storage to the framed handbook (a private window, or a browser
    set to block third-party data), and in a sandboxed frame without allow-same-origin, reading
    storage throws: the page says plainly that answers will not be kept, and the forms still take
    answers for the visit."""
    box = first_answer_box(site)
    assert box is not None
    name, key = box
    _top_page(portal["folder"], framing_nginx["/"] + name, sandbox=sandbox)
    page.goto(portal["url"] + "index.html")
    frame = _frame(page)
    frame.wait_for_selector(f'textarea[data-hb-key="{key}"]')
    assert frame.evaluate("() => { try { localStorage.length; return false } catch (e) { return true } }")
    banner = frame.locator(".hb-banner")
    banner.wait_for(timeout=10000)
    assert "your answers will be lost when you close" in banner.inner_text()
    assert banner.is_visible()
    field = frame.locator(f'textarea[data-hb-key="{key}"]')
    field.fill("Only for this visit")
    assert field.input_value() == "Only for this visit"
