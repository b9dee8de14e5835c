"""The built handbook on a real web server: Debian's nginx on loopback, with the README's snippet
(examples/nginx/handbook.conf), at the root of a host and under the sub-path /handbook/."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import unused_port
from webcheck import answer_survives_reload, first_answer_box, pages_of, ready, search

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = ROOT / "examples" / "nginx" / "handbook.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "application/javascript", ".json": "application/json",
                 ".png": "image/png", ".svg": "image/svg+xml", ".xml": "text/xml"}


def render_snippet(site: Path, ports: list[int]) -> str:
    """The README's nginx snippet, as a technician would adapt it: the folder, and loopback ports
    instead of port 80 (server A: the sub-path; server B: the root of its own host)."""
    text = SNIPPET.read_text(encoding="utf-8").replace("/srv/handbook", str(site))
    listens = iter(ports)
    text, n = re.subn(r"listen 80;", lambda m: f"listen 127.0.0.1:{next(listens)};", text)
    assert n == len(ports) == 2, "the snippet should have its two server blocks"
    return text


@contextlib.contextmanager
def run_nginx(tmp: Path, snippet_for):
    """Debian's nginx on two free loopback ports with `snippet_for([sub_port, root_port])` as its
    site configuration; yields {"/": root URL, "/handbook/": sub-path URL, "log": access log}."""
    if not Path(NGINX).exists():
        pytest.fail("Debian's nginx is not installed: run `make test` (scripts/system-deps.sh installs it)")
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / d).mkdir(exist_ok=True)
    for _attempt in range(3):
        sub_port, root_port = unused_port(), unused_port()
        (tmp / "handbook.conf").write_text(snippet_for([sub_port, root_port]), encoding="utf-8")
        user = "user root;" if os.geteuid() == 0 else ""  # as root, workers would otherwise run as nobody
        (tmp / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/handbook.conf;
}}
""", encoding="utf-8")
        test = subprocess.run([NGINX, "-t", "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-e", str(tmp / "error.log")],
                              capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        proc = subprocess.Popen([NGINX, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-e", str(tmp / "error.log")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        up = False
        while time.time() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", root_port), timeout=0.2).close()
                socket.create_connection(("127.0.0.1", sub_port), timeout=0.2).close()
                up = True
                break
            except OSError:
                time.sleep(0.05)
        if up:
            break
        proc.kill()
        proc.wait()
    else:
        pytest.fail("nginx did not start: " + (tmp / "error.log").read_text(errors="replace"))
    try:
        yield {"/": f"http://127.0.0.1:{root_port}/", "/handbook/": f"http://127.0.0.1:{sub_port}/handbook/",
               "log": tmp / "access.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def nginx(site, tmp_path_factory):
    """nginx serving the built site with the snippet: {"/": base URL, "/handbook/": base URL}."""
    with run_nginx(tmp_path_factory.mktemp("nginx"), lambda ports: render_snippet(site, ports)) as urls:
        yield urls


MOUNTS = ["/", "/handbook/"]


def _watch(page) -> dict:
    seen = {"failed": [], "bad": [], "types": {}}

    def on_failed(r):
        # A request the browser itself cancels (ERR_ABORTED: the test moved on to the next page
        # while, say, the search worker was still loading) is no fault of the server's; anything
        # the server got wrong shows as a status of 400 or more below.
        if "ERR_ABORTED" not in (r.failure or ""):
            seen["failed"].append(f"{r.url} {r.failure}")

    page.on("requestfailed", on_failed)

    def on_response(r):
        if r.status >= 400:
            seen["bad"].append(f"{r.status} {r.url}")
        if r.status == 200:
            seen["types"][urlparse(r.url).path] = r.headers.get("content-type", "")

    page.on("response", on_response)
    return seen


@pytest.mark.unit
def test_snippet_is_what_the_readme_shows():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = SNIPPET.read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", readme, re.S)
    assert any(b.strip() == body.strip() for b in blocks), "README's nginx snippet differs from examples/nginx/handbook.conf"


@pytest.mark.parametrize("mount", MOUNTS)
def test_every_page_and_asset_loads(mount, nginx, site, page):
    base = nginx[mount]
    seen = _watch(page)
    names = pages_of(site)
    for name in names:
        resp = page.goto(base + name)
        assert resp.status == 200, f"{name}: {resp.status}"
        ready(page)
        assert page.locator(".md-content h1").count() >= 1, name
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky", \
            f"{name}: Material's stylesheet did not apply"
    index = page.request.get(base + "search/search_index.json")
    assert index.status == 200 and index.headers["content-type"].startswith("application/json")
    home = page.goto(base)
    assert home.status == 200 and "text/html" in home.headers["content-type"]  # the folder serves index.html
    assert seen["failed"] == [] and seen["bad"] == [], seen
    checked = 0
    for path, ctype in seen["types"].items():
        want = CONTENT_TYPES.get(Path(path).suffix)
        if want:
            assert ctype.startswith(want), f"{path} served as {ctype!r}, expected {want}"
            checked += 1
    assert checked >= len(names) + 5
    assert {Path(p).suffix for p in seen["types"]} >= {".html", ".css", ".js"}
    assert page.js_errors == []


@pytest.mark.parametrize("mount", MOUNTS)
def test_search_works(mount, nginx, page):
    page.goto(nginx[mount] + "index.html")
    ready(page)
    hrefs = search(page, "triplet")
    assert any("case-studies.html" in (h or "") for h in hrefs), hrefs
    assert page.js_errors == []


@pytest.mark.parametrize("mount", MOUNTS)
@pytest.mark.parametrize("missing", ["no-such-page.html", "no/such/deep/page.html", "assets/no-such.css"])
def test_missing_address_gets_the_styled_404_page(mount, missing, nginx, page):
    base = nginx[mount]
    seen = _watch(page)
    resp = page.goto(base + missing)
    assert resp.status == 404
    ready(page)
    assert page.locator("h1").inner_text().strip() == "Page not found"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky", \
        "the 404 page's stylesheet did not load"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-content')).getPropertyValue('--hb-muted')").strip(), \
        "the handbook's own stylesheet did not load on the 404 page"
    # Every other request succeeded, except, for an address in a folder the handbook does not have,
    # those made in that folder: the page's own probes for the handbook's folder, and the browser's
    # look-ahead fetches of the page's assets made before the page had found it (harmless: each
    # asset then loads from the right place, as the styles above show).
    wrong_folder = base + missing.rsplit("/", 1)[0] + "/" if "/" in missing else None

    def elsewhere(url: str) -> bool:
        looked_ahead = wrong_folder is not None and url.startswith(wrong_folder)
        probe = wrong_folder is not None and url.startswith(base) and url.endswith("/assets/stylesheets/handbook.css")
        return not (looked_ahead or probe)

    bad = [b for b in seen["bad"] if not b.endswith(base + missing) and elsewhere(b.split(" ", 1)[1])]
    failed = [f for f in seen["failed"] if elsewhere(f.split(" ", 1)[0])]
    assert failed == [] and bad == [], seen
    # its links lead back into the handbook
    page.get_by_role("link", name="Go to the handbook's home page").click()
    page.wait_for_load_state()
    assert page.url == base + "index.html"
    assert page.locator(".md-content h1").first.inner_text().startswith("Coaching and Mentoring Handbook")
    # and search works from it
    page.goto(base + missing)
    ready(page)
    hrefs = search(page, "triplet")
    assert any("case-studies.html" in (h or "") for h in hrefs), hrefs
    assert page.js_errors == []


@pytest.mark.parametrize("mount", MOUNTS)
def test_answers_are_kept_across_a_reload(mount, nginx, site, page):
    name, key = first_answer_box(site)
    answer_survives_reload(page, nginx[mount] + name, key, "Tried on nginx")
    assert page.js_errors == []
