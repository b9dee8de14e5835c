"""Shared fixtures: a real build of the handbook, copies of the project to break, a browser."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PROJECT_PARTS = ("mkdocs.yml", "content", "data", "macros", "overrides", "package.json")


def run(args, cwd=ROOT, env=None, check=False):
    e = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(args, cwd=cwd, env=e, capture_output=True, text=True, check=check)


def handbook(*args, cwd=ROOT):
    """Run the project's command line (python -m macros ...) in cwd."""
    return run([sys.executable, "-m", "macros", *args], cwd=cwd)


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    os.symlink(ROOT / "node_modules", dest / "node_modules")
    return dest


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The handbook built once, strictly, by the project's own build command."""
    out = tmp_path_factory.mktemp("build") / "site"
    r = handbook("build", "-d", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.fixture(scope="session")
def hb():
    from macros.data import load

    return load(ROOT / "data")


def page_text(path: Path) -> str:
    """The visible text of a built page's article, tags stripped, whitespace folded."""
    raw = path.read_text(encoding="utf-8")
    m = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', raw, re.S)
    body = m.group(1) if m else raw
    return normalise(body)


def normalise(s: str) -> str:
    s = re.sub(r"</?(abbr|a|strong|em|cite|span|code|b|i)\b[^>]*>", "", s)
    s = re.sub(r"<[^>]+>", " ", s)
    s = html.unescape(s)
    return " ".join(s.split())


@pytest.fixture(scope="session")
def search_index(site) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def serve_dir(directory: Path, port: int = 0):
    """Serve a folder on a loopback port (Python's own HTTP server); returns (base_url, stop)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def stop():
        httpd.shutdown()
        httpd.server_close()

    return f"http://127.0.0.1:{httpd.server_address[1]}/", stop


@pytest.fixture(scope="session")
def served(site):
    """The built site over HTTP on loopback (one server for the whole session)."""
    base, stop = serve_dir(site)
    yield base
    stop()


@pytest.fixture(params=["http", "file"])
def base(request, site, served) -> str:
    """The built site's address, once over HTTP and once from file:// (a shared drive): a test that
    takes it runs both ways."""
    return served if request.param == "http" else site.as_uri() + "/"


def unused_port() -> int:
    """A loopback port nothing listens on now (for a server a test starts itself)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def free_port():
    """free_port() -> a loopback port nothing listens on now."""
    return unused_port


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def watch_errors(pg):
    """Collect the page's uncaught script errors in pg.js_errors; returns the page."""
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.js_errors = errors
    return pg


@pytest.fixture
def page(browser):
    ctx = browser.new_context()
    pg = watch_errors(ctx.new_page())
    yield pg
    ctx.close()


# ---------------------------------------------------------------------------------------- layers
# `make test-fast` runs what needs no browser and no web server: `pytest -m "not browser and not server"`.
# A test is put in its layer by the fixtures it asks for, so a new test lands in the right one.
BROWSER_FIXTURES = {"browser", "page"}
SERVER_FIXTURES = {"served", "nginx"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if names & SERVER_FIXTURES:
            item.add_marker(pytest.mark.server)
