"""Debian's chromium and a loopback web server: the one copy the tests (conftest.py, webcheck.py)
and the benchmark (bench/) use.

Plain Python (no pytest), so the benchmark can import it; Playwright is imported only when a
browser is launched.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"  # Debian's; never a downloaded browser
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium_missing() -> str | None:
    """Why the browser cannot run here (chromium or Playwright missing), or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (make system-deps installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright is missing: {exc}"
    return None


def launch(playwright):
    """Debian's chromium, headless, from a started Playwright (sync_playwright())."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def serve_dir(directory: Path, port: int = 0):
    """Serve a folder on a loopback port (Python's own HTTP server); returns (base_url, stop)."""

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


@contextlib.contextmanager
def static_server(directory: Path):
    """A folder on a loopback HTTP server (serve_dir), for as long as the with block runs: its base URL."""
    base, stop = serve_dir(directory)
    try:
        yield base
    finally:
        stop()
