"""Step 4 in the browser: Debian's chromium (through tests/localweb.py, the module the tests use too)
with every request to another host refused, and what a first visit downloads."""
from __future__ import annotations

import re
import sys
from urllib.parse import urlparse

from .common import ROOT, gz

sys.path.insert(0, str(ROOT / "tests"))
from localweb import CHROMIUM, chromium_missing, launch, static_server  # noqa: E402,F401  (shared with the tests)

# A site on a loopback HTTP server (Python's own), for the browser measurements: `with Served(site) as base:`.
Served = static_server


def browser_available() -> str | None:
    return chromium_missing()


class Browser:
    """Debian's chromium for the measurements: launched by `with Browser() as br`, or one already
    running (a test's session chromium) given as Browser(browser)."""

    def __init__(self, browser=None):
        self.browser = browser
        self.pw = None

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        self.browser = launch(self.pw)
        return self

    def __exit__(self, *exc):
        self.browser.close()
        self.pw.stop()

    def context(self):
        ctx = self.browser.new_context(service_workers="block")
        # nothing leaves this machine: any request to another host is refused (and counted)
        ctx.blocked = []

        def route(r):
            host = urlparse(r.request.url).hostname
            if urlparse(r.request.url).scheme in ("http", "https") and host not in ("127.0.0.1", "localhost"):
                ctx.blocked.append(r.request.url)
                return r.abort()
            return r.continue_()

        ctx.route("**/*", route)
        return ctx


TEXT_TYPES = ("text/", "javascript", "json", "xml", "svg", "css")


def first_visit(br: Browser, base: str, page_name: str = "index.html") -> dict:
    """Every response a first visit to one page fetches (fresh context: empty cache), gzipped as served."""
    ctx = br.context()
    got: list[dict] = []

    def on_response(resp):
        u = urlparse(resp.url)
        if u.scheme not in ("http", "https"):
            return
        try:
            body = resp.body()
        except Exception:  # e.g. a redirect or a cancelled request
            return
        ctype = (resp.headers.get("content-type") or "").split(";")[0]
        size = gz(body) if any(t in ctype for t in TEXT_TYPES) else len(body)
        got.append({"path": u.path, "type": ctype, "raw": len(body), "gz": size, "status": resp.status})

    ctx.on("response", on_response)
    page = ctx.new_page()
    page.goto(base + page_name, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    page.wait_for_load_state("networkidle")
    ctx.close()
    got.sort(key=lambda r: r["path"])
    return {"page": page_name, "responses": got, "requests": len(got), "raw": sum(r["raw"] for r in got),
            "gz": sum(r["gz"] for r in got), "blocked": ctx.blocked}


# Material's own files (its bundle, stylesheets, search worker and lunr languages) as served.
MATERIAL_ASSET = re.compile(r"/assets/(javascripts/(bundle\.|lunr/|workers/)|stylesheets/(main|palette)\.)")


def own_per_page(br: Browser, base: str, pages: list[str]) -> dict:
    """Of a first visit to each page, what is the handbook's own script and stylesheet: every
    JavaScript or CSS response under assets/ that is not Material's, gzipped as served. This is
    what a reader pays for the handbook's layer on that page (own_assets counts every source file,
    whether or not a page loads it)."""
    out = {}
    for name in pages:
        fv = first_visit(br, base, name)
        own = [r for r in fv["responses"] if "/assets/" in r["path"] and r["path"].endswith((".js", ".css"))
               and not MATERIAL_ASSET.search(r["path"])]
        out[name] = {"gz": sum(r["gz"] for r in own), "files": sorted((r["path"].rsplit("/", 1)[-1], r["gz"]) for r in own)}
    return out
