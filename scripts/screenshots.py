"""Screenshots of the handbook for the README, taken as a teacher would see it (`make screenshots`).

Builds the handbook into a temporary folder, serves it on a loopback port, and photographs a few
pages in Debian's chromium (Playwright, never a downloaded browser) at a laptop's 1366x768 and a
phone's 390x844, with a teacher's answers filled in. Writes only the PNG files named in SHOTS, into
docs/screenshots/ (outside content/, so they are not part of the site), and prints their sizes.

    .venv/bin/python scripts/screenshots.py [--out DIR]
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars"]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
KEY = "hb:coaching-mentoring-handbook:answers"
NS = "coaching-mentoring-handbook"

# A teacher part-way through the handbook: notes, self-ratings, a target and a coaching-log entry.
ANSWERS = {
    "record.name": "Sam Jones",
    "reflections.reflect-need-coaching.note": "Questioning and wait time with Year 9: too many of my questions are closed.",
    "coach-self-assessment.listen-actively.rating": "secure",
    "coach-self-assessment.listen-actively.evidence": "Observed by A. in October: most questions open and followed up.",
    "coach-self-assessment.model-expertise.rating": "developing",
    "coach-self-assessment.ask-questions.rating": "strong",
    "mentor-self-assessment.listen-actively.rating": "developing",
    "mentor-self-assessment.model-expertise.rating": "secure",
    "grow-planner.topic": "Wait time after questions",
    "grow-planner.date": "2026-11-25",
    "targets": [{"id": "t1", "aim": "Use GROW in two coaching conversations", "by-when": "2027-03-31"}],
    "coaching-log.relationships": [{"id": "r1", "label": "Coaching with A."}],
    "coaching-log.session": [{"id": "s1", "relationship": "r1", "date": "2026-11-20", "title": "Observation feedback",
                              "notes": "Two open questions an hour became five."}],
}


def build(dest: Path) -> Path:
    site = dest / "site"
    r = subprocess.run([sys.executable, "-m", "macros", "build", "-d", str(site)], cwd=ROOT,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("The handbook did not build, so no screenshots were taken:\n" + r.stdout + r.stderr)
    return site


def serve(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/", httpd


def settle(page) -> None:
    """Fonts loaded, scripts done, nothing focused or hovered."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)


def scroll_to(page, selector: str, above: int = 16) -> None:
    """Put selector at the top of the screen, below Material's fixed header. From the top, downwards:
    scrolling up would bring out Material's "Back to top" button over the page."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    page.evaluate("""([sel, above]) => {
        const header = document.querySelector('.md-header');
        const top = document.querySelector(sel).getBoundingClientRect().top + window.scrollY;
        window.scrollTo(0, top - (header ? header.offsetHeight : 0) - above);
    }""", [selector, above])


def home(page, base):
    page.goto(base + "index.html")


def self_check(page, base):
    page.goto(base + "coaching.html")
    form = 'form[data-hb-form="coach-self-assessment"]'
    page.check("#hb-coach-self-assessment--relate-sensitively--rating-secure")
    page.fill("#hb-coach-self-assessment--relate-sensitively--evidence",
              "A. said our last conversation felt safe enough to talk about the lesson that went wrong.")
    page.check("#hb-coach-self-assessment--model-expertise--rating-developing")
    page.wait_for_selector(form + ' [data-hb-status]:has-text("Saved")')
    scroll_to(page, form + " .hb-scale")


def record(page, base):
    page.goto(base + "record.html")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps({"version": 1, "handbook": NS, "answers": ANSWERS})])
    page.reload()
    page.wait_for_selector('[data-hb-bar-value="coach-self-assessment.listen-actively.rating"]')


def record_chart(page, base):
    record(page, base)
    scroll_to(page, "#record-ratings")


def record_answers(page, base):
    record(page, base)
    scroll_to(page, "#record-coaching")


def case_studies_filter(page, base):
    page.goto(base + "case-studies.html")
    page.get_by_label("Approach", exact=True).select_option("mentoring")
    page.wait_for_function("location.search.includes('mentoring') || location.hash.includes('mentoring')")
    scroll_to(page, ".hb-case-studies__filter")


# (file name, screen, how to get there)
SHOTS = [
    ("home-laptop.png", LAPTOP, home),
    ("self-check-laptop.png", LAPTOP, self_check),
    ("record-laptop.png", LAPTOP, record_chart),
    ("record-phone.png", PHONE, record_answers),
    ("case-studies-filter-phone.png", PHONE, case_studies_filter),
]


def take(browser, base: str, out: Path) -> list[Path]:
    """Every shot in SHOTS of the handbook served at base, with Playwright's browser, into out."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for name, screen, go in SHOTS:
        phone = screen is PHONE
        ctx = browser.new_context(viewport=screen, device_scale_factor=1, is_mobile=phone, has_touch=phone,
                                  color_scheme="light", reduced_motion="reduce", locale="en-GB")
        try:
            page = ctx.new_page()
            errors = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            go(page, base)
            settle(page)
            if errors:
                raise RuntimeError(f"{name}: the page had script errors: {errors}")
            page.screenshot(path=str(out / name))
            made.append(out / name)
        finally:
            ctx.close()
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNG files")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit("Debian's chromium is not installed: run `make system-deps` (it installs it)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="handbook-shots-") as tmp:
        base, httpd = serve(build(Path(tmp)))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                try:
                    made = take(browser, base, args.out)
                except RuntimeError as e:
                    sys.exit(str(e))
                finally:
                    browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
    for path in made:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}: {path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
