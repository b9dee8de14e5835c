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

# Debian's chromium and the loopback server, shared with the benchmark (bench/); imported from here by tests.
from localweb import CHROMIUM, CHROMIUM_ARGS, launch, serve_dir  # noqa: F401
from webcheck import SCRIPTS_PENDING

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PROJECT_PARTS = ("mkdocs.yml", "content", "data", "macros", "overrides", "package.json")


def run(args, cwd=ROOT, env=None, check=False):
    if _in_unit_test:
        pytest.fail("a unit test runs no command (no build, no `python -m macros`): mark it build, or test the Python")
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


# comments, a script or style element, or a <template> that holds no other <template> (innermost first)
_UNSEEN = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<template\b[^>]*>(?:(?!<template\b).)*?</template\s*>",
                     re.S | re.I)


def unseen_removed(html_text: str) -> str:
    """The markup without what a reader never sees as text: comments and the content of <script>,
    <style> and <template> (the learning record's JSON manifest is a <template>, and so are the
    rows a script clones). Nested templates go innermost first, so the outer one's rest goes too."""
    while True:
        out = _UNSEEN.sub(" ", html_text)
        if out == html_text:
            return out
        html_text = out


def normalise(s: str) -> str:
    s = unseen_removed(s)
    s = re.sub(r"</?(abbr|a|strong|em|cite|span|code|b|i)\b[^>]*>", "", s)
    s = re.sub(r"<[^>]+>", " ", s)
    s = html.unescape(s)
    return " ".join(s.split())


@pytest.fixture(scope="session")
def search_index(site) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def _in_layer(request, layer: str, what: str) -> None:
    """Fail a test that reaches `what` without being in `layer`: the layers are set from the fixtures
    a test names (pytest_collection_modifyitems below), and one fetched with request.getfixturevalue
    is not seen there, so `make test-fast` would start a browser or a server after all."""
    if not request.node.get_closest_marker(layer):
        pytest.fail(f"{request.node.nodeid} uses {what} but is not in the {layer} layer: name the fixture in the "
                    "arguments of the test or of its fixture (not request.getfixturevalue), or mark the test")


@pytest.fixture(scope="session")
def _served_site(site):
    base, stop = serve_dir(site)
    yield base
    stop()


@pytest.fixture
def served(_served_site, request):
    """The built site over HTTP on loopback (one server for the whole session)."""
    _in_layer(request, "server", "a web server")
    return _served_site


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


# A page fetches its scripts only after its first paint (overrides/assets/javascripts/boot.js), so the
# browser's load event no longer means they have run. For the tests, a page.goto() or page.reload()
# that waits for "load" (the default) also waits until boot.js has run them (its element then carries
# data-hb-loaded) and the components have had the frame they start in (handbook.js: after the next
# paint): a test that presses a key or reads what a script set just after opening a page meets the
# page a reader meets once it has started. Where scripts do not run (a context with JavaScript off:
# Material's first inline script left no __md_scope) there is nothing to wait for.
SCRIPTS_RUN = """() => {
    if (typeof window.__md_scope === 'undefined') return true;
    if (""" + SCRIPTS_PENDING + """) return false;
    return new Promise(done => requestAnimationFrame(() => setTimeout(() => done(true), 0)));
}"""


def _wait_for_scripts(page, wait_until) -> None:
    if wait_until in (None, "load"):
        page.wait_for_function(SCRIPTS_RUN, timeout=45000)


def _patch_navigation() -> None:
    from playwright.sync_api import Page

    if getattr(Page, "_hb_waits_for_scripts", False):
        return
    goto, reload = Page.goto, Page.reload

    def goto_then_scripts(self, url, **kw):
        response = goto(self, url, **kw)
        _wait_for_scripts(self, kw.get("wait_until"))
        return response

    def reload_then_scripts(self, **kw):
        response = reload(self, **kw)
        _wait_for_scripts(self, kw.get("wait_until"))
        return response

    Page.goto, Page.reload = goto_then_scripts, reload_then_scripts
    Page._hb_waits_for_scripts = True


@pytest.fixture(scope="session")
def _chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it)")
    _patch_navigation()
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def browser(_chromium, request):
    """Debian's chromium (one for the whole session)."""
    _in_layer(request, "browser", "a browser")
    return _chromium


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
# Every test is in one layer (pytest.ini lists them), so `pytest -m LAYER` runs one of them:
#   unit     plain Python (load data, render a component, check a page): marked by its module or test
#            with `pytest.mark.unit`; it may not build, run a command, start a server or a browser.
#   build    what is left: a real build or the project's command line on a copy of the project.
#   browser  uses the `browser` or `page` fixture (Debian's chromium).
#   server   uses `served`, `base` or `nginx`, or is marked `server` (a web server or `mkdocs serve`).
# `make test-fast` runs what needs no browser and no web server: `pytest -m "not browser and not server"`.
# Browser and server are put in their layer by the fixtures a test asks for, so a new test lands in the
# right one; a new test that is neither is `build` unless marked `unit`.
BROWSER_FIXTURES = {"browser", "page"}
SERVER_FIXTURES = {"served", "nginx"}
NOT_UNIT_FIXTURES = BROWSER_FIXTURES | SERVER_FIXTURES | {"site", "search_index"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if names & SERVER_FIXTURES:
            item.add_marker(pytest.mark.server)
        if item.get_closest_marker("unit"):
            if names & NOT_UNIT_FIXTURES or item.get_closest_marker("server"):
                raise pytest.UsageError(f"{item.nodeid} is marked unit but uses {sorted(names & NOT_UNIT_FIXTURES) or 'a server'}")
        elif not (item.get_closest_marker("browser") or item.get_closest_marker("server")):
            item.add_marker(pytest.mark.build)


_in_unit_test = False


def pytest_runtest_setup(item):
    global _in_unit_test
    _in_unit_test = item.get_closest_marker("unit") is not None


def pytest_runtest_teardown(item):
    global _in_unit_test
    _in_unit_test = False


# ---------------------------------------------------------------------------------- the fixture handbook
# tests/fixtures/project: a small made-up handbook (a few items of each kind, pages that place them
# all) for unit tests and bad-input tests. Its words are the tests' own: rewording the real handbook
# never breaks a test that edits it. It has no schemas, interface words (ui.yml), macros or theme of its own: a copy
# gets the project's, so it is checked and built by the code under test.
FIXTURE = ROOT / "tests" / "fixtures" / "project"


def fixture_project(dest: Path, code: bool = True) -> Path:
    """A copy of the fixture handbook at dest, with the project's schemas; with code, also its
    macros/, overrides/ and node_modules, so that `python -m macros check/build` can run in it."""
    shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns("site", "__pycache__"))
    shutil.copytree(ROOT / "data" / "schema", dest / "data" / "schema")
    shutil.copy2(ROOT / "data" / "ui.yml", dest / "data" / "ui.yml")  # the interface's words, not content
    if code:
        for part in ("macros", "overrides"):
            shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(ROOT / "package.json", dest / "package.json")
        os.symlink(ROOT / "node_modules", dest / "node_modules")
    return dest


@pytest.fixture(scope="session")
def mini_project(tmp_path_factory) -> Path:
    """The fixture handbook, copied once per session: read it, do not change it (copy it with
    `mini` or `mini_cli` to change it)."""
    return fixture_project(tmp_path_factory.mktemp("fixture") / "handbook", code=False)


@pytest.fixture
def mini(tmp_path) -> Path:
    """A fresh copy of the fixture handbook's data and pages for one test to edit (unit tests)."""
    return fixture_project(tmp_path / "handbook", code=False)


@pytest.fixture
def mini_cli(tmp_path) -> Path:
    """A fresh copy of the fixture handbook that the project's commands can run in (build tests)."""
    return fixture_project(tmp_path / "handbook")


@pytest.fixture
def mini_hb(mini_project):
    """The fixture handbook loaded (a fresh Handbook each test: tests may change it)."""
    from macros.data import load

    return load(mini_project / "data")
