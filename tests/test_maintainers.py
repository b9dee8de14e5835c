"""Maintainers (issue #12): what a non-developer editing data/ meets. Content in data but on no page
is reported; YAML mistakes get plain advice with the line shown (both tested on the fixture handbook in
test_validation.py); `serve` shows a failed build in the browser; the copy-and-paste templates in the
maintainers' reference pass `check`."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, copy_project, fixture_project, handbook


def _scan(data: Path, local: list[Path] = ()):
    from macros.data import load
    from macros.pages import scan

    hb = load(data, local)
    return scan(ROOT / "content", hb)[0]


# ------------------------------------------------------------------ 1. content on no page
# What is reported, with which file:line, and what YAML mistakes say (section 2) is tested on the
# fixture handbook in tests/test_validation.py; here, that the real handbook places everything.


@pytest.mark.unit
def test_the_core_places_everything():
    assert _scan(ROOT / "data") == []


# ------------------------------------------------------------------ 3. serve shows a failed build in the browser


@pytest.fixture
def serving(tmp_path, free_port):
    """`python -m macros serve` (what `make serve` runs) on a copy of the fixture handbook: (project, base URL, output file)."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    proj = fixture_project(tmp_path / "proj")
    port = free_port()
    out = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}  # as in a maintainer's shell
    with out.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "macros", "serve", "-a", f"127.0.0.1:{port}"], cwd=proj,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        end = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "index.html", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > end or proc.poll() is not None:
                    pytest.fail("serve did not start:\n" + out.read_text())
                time.sleep(0.5)
        yield proj, base, out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the serve command and the mkdocs serve it started, nothing else
        proc.wait(timeout=30)


def _edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def test_serve_shows_a_failed_rebuild_in_the_browser_and_recovers(serving, page):
    proj, base, out = serving
    page.goto(base + "principles.html")
    heading = page.locator("h1").first.inner_text()
    # a data mistake: the open page reloads by itself and shows the problem with its file and line
    prompts = proj / "data" / "prompts.yml"
    good = _edit(prompts, "    text: What would a TLA do for you?", "    text: Think: what would a TLA do for you?")
    line = good[: good.index("    text: What would a TLA")].count("\n") + 1
    page.wait_for_selector("h1:has-text('The handbook could not be built')", timeout=90_000)
    shown = page.locator(".hb-build-error").inner_text()
    assert f"data/prompts.yml:{line}:" in shown and "Put the text in quotes" in shown, shown
    # every page says so, and an address with no page too, rather than an old page
    page.goto(base + "glossary.html")
    assert "could not be built" in page.locator("h1").inner_text()
    page.goto(base + "principles.html")
    # fixed: the browser goes back to the page by itself
    prompts.write_text(good, encoding="utf-8")
    page.wait_for_selector(f"h1:has-text({heading!r})", timeout=90_000)
    assert page.locator(".hb-build-error").count() == 0
    # a mistake in a theme template, which fails after MkDocs has emptied the served folder
    main = proj / "overrides" / "main.html"
    good = _edit(main, "{% block extrahead %}", "{% block extrahead %}{% if %}")
    page.wait_for_selector("h1:has-text('The handbook could not be built')", timeout=90_000)
    assert "overrides/main.html:" in page.locator(".hb-build-error").inner_text()
    main.write_text(good, encoding="utf-8")
    page.wait_for_selector(f"h1:has-text({heading!r})", timeout=90_000)
    assert "end of life" not in out.read_text()  # Material's notice is not shown by the README's commands


def test_readme_commands_do_not_show_materials_end_of_life_notice(tmp_path):
    """Material 9.8.2 prints an end-of-life notice when run as `mkdocs` unless NO_MKDOCS_2_WARNING is
    set; `python -m macros` sets it for the mkdocs it runs, and make's targets go through it."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}
    for args in (["check"], ["build", "-d", str(tmp_path / "site")]):
        r = subprocess.run([sys.executable, "-m", "macros", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "end of life" not in r.stdout + r.stderr, args
    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "-o", "node_modules/.installed", "check", "build", "serve"],
                         cwd=ROOT, env=env, capture_output=True, text=True).stdout
    runs = [line for line in dry.splitlines() if "python" in line]
    assert runs and all(" -m macros " in line + " " for line in runs), runs


# ------------------------------------------------------------------ 5. copy-and-paste templates in the maintainers' reference


def _templates(site: Path) -> dict[str, dict]:
    """The templates as the built maintainers' page shows them (what a maintainer copies)."""
    import html
    import re

    raw = (site / "maintainers.html").read_text(encoding="utf-8")
    out: dict[str, dict] = {}
    for m in re.finditer(r'<pre class="hb-template" data-hb-template="([^"]+)" data-hb-template-file="([^"]+)"><code>(.*?)</code></pre>', raw, re.S):
        out[m.group(1)] = {"file": m.group(2), "yaml": html.unescape(m.group(3))}
    for m in re.finditer(r'<pre class="hb-template" data-hb-template-page="([^"]+)"><code>(.*?)</code></pre>', raw, re.S):
        out[m.group(1)]["page_line"] = html.unescape(m.group(2))
    return out


def test_the_reference_has_templates_for_a_case_study_a_point_for_reflection_and_a_glossary_term(site):
    found = _templates(site)
    assert set(found) == {"case-study", "prompt", "glossary-term"}
    assert {t["file"] for t in found.values()} == {"data/case-studies.yml", "data/prompts.yml", "data/glossary.yml"}
    assert found["prompt"]["page_line"] == '{{ prompt("reflect-your-question") }}'
    assert "number: 8" in found["case-study"]["yaml"]  # the next free number after the core's seven


@pytest.mark.parametrize("which", ["case-study", "prompt", "glossary-term", "all"])
def test_each_template_passes_check_when_pasted(site, tmp_path, which):
    from macros.data import load

    found = _templates(site)
    proj = copy_project(tmp_path / "proj")
    for name, t in found.items():
        if which not in (name, "all"):
            continue
        target = proj / t["file"]
        text = target.read_text(encoding="utf-8")
        target.write_text(text + ("" if text.endswith("\n") else "\n") + t["yaml"] + "\n", encoding="utf-8")
        if t.get("page_line"):
            page = proj / "content" / "coaching.md"
            page.write_text(page.read_text(encoding="utf-8") + "\n" + t["page_line"] + "\n", encoding="utf-8")
    r = handbook("check", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    hb = load(proj / "data")
    added = {"case-study": "case-study-your-example", "prompt": "reflect-your-question", "glossary-term": "your-term"}
    want = set(added.values()) if which == "all" else {added[which]}
    assert want <= set(hb.case_studies) | set(hb.prompts) | set(hb.glossary)


@pytest.mark.unit
def test_serve_error_page_is_escaped_and_covers_every_page_of_the_last_good_build(tmp_path):
    from macros.serve_errors import wrap_builder

    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    for name in ("index.html", "principles.html", "sub/page.html"):
        (site / name).write_text("<html><body>good</body></html>", encoding="utf-8")

    def failing_build():
        import shutil

        shutil.rmtree(site / "sub")  # MkDocs empties the folder before it writes pages
        (site / "principles.html").unlink()
        raise RuntimeError('data/x.yml:3: bad <script>alert(1)</script> "text"')

    wrap_builder(failing_build, site)()  # returns: the server then reloads the browsers
    for name in ("index.html", "principles.html", "sub/page.html", "404.html"):
        html = (site / name).read_text(encoding="utf-8")
        assert "The handbook could not be built" in html and "</body>" in html, name  # the server adds its reload script before </body>
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "data/x.yml:3: bad" in html
