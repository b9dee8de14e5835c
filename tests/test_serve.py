"""`mkdocs serve` shows a maintainer's edit at once: it rebuilds when data/, macros/ or overrides/ change."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import fixture_project

pytestmark = pytest.mark.server  # runs `mkdocs serve`


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode("utf-8")


def _wait_for(url: str, text: str, timeout: float = 90) -> str:
    end = time.monotonic() + timeout
    last = ""
    while time.monotonic() < end:
        try:
            last = _get(url)
            if text in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} never showed {text!r}")


@pytest.mark.parametrize("edit", ["data", "overrides"])
def test_serve_rebuilds_on_edit(edit, tmp_path, free_port):
    proj = fixture_project(tmp_path / "handbook")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=proj, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        _wait_for(base + "principles.html", "Listen first")
        if edit == "data":
            p = proj / "data" / "principles.yml"
            p.write_text(p.read_text().replace("title: Listen first", "title: Listen first (edited)"))
            _wait_for(base + "principles.html", "Listen first (edited)")
        else:
            p = proj / "overrides" / "main.html"
            p.write_text(p.read_text().replace("{% block extrahead %}", "{% block extrahead %}<meta name=\"hb-edited\" content=\"yes\">"))
            _wait_for(base + "principles.html", 'name="hb-edited"')
    finally:
        proc.terminate()
        proc.wait(timeout=20)
