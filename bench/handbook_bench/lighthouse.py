"""Step 7 (issue #12): Lighthouse on a phone profile, on the handbook and on Material building the
same pages without the handbook's forms, scripts and styles (m). This is the section "Lighthouse
(issue #12)" of the former single-file bench/run.py, its functions unchanged; make_material_same_content
also gives the first visit (browser.py) its Material site."""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import yaml

from .anchor import make_anchor
from .browser import CHROMIUM, Served
from .common import BENCH, PY, ROOT, kb, log, read_config
from .scale import copy_project

LIGHTHOUSE_PAGES = [("home", "index.html"), ("principles", "principles.html"), ("case studies", "case-studies.html"),
                    ("learning record", "record.html")]
LIGHTHOUSE_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-background-networking"


def lighthouse_setup() -> Path:
    """Lighthouse from bench/package.json (pinned in bench/package-lock.json; only the benchmark
    needs it, so the site's own `npm ci` stays small): `npm ci` in bench/ when it is missing."""
    exe = BENCH / "node_modules" / ".bin" / "lighthouse"
    if not exe.exists():
        log("bench: installing Lighthouse into bench/node_modules (npm ci, bench/package-lock.json)")
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, capture_output=True, text=True)
        if r.returncode != 0 or not exe.exists():
            raise SystemExit(f"could not install Lighthouse (npm ci in bench/):\n{r.stdout}{r.stderr}")
    return exe


def strip_handbook(markdown: str) -> str:
    """A pre-rendered page without the handbook's forms and the data its scripts read."""
    markdown = re.sub(r"<form\b.*?</form>", "", markdown, flags=re.S | re.I)
    markdown = re.sub(r"<script\b[^>]*>.*?</script>", "", markdown, flags=re.S | re.I)
    return markdown


def make_material_same_content(proj_b: Path, env: dict) -> Path:
    """(m): (b)'s pre-rendered pages without the handbook's forms, built by Material alone: no
    macros, no overrides/ (custom_dir), no extra_css or extra_javascript. Returns its site folder."""
    proj_m = proj_b.parent / "m"
    if proj_m.exists():
        shutil.rmtree(proj_m)
    shutil.copytree(proj_b, proj_m, symlinks=True, ignore=shutil.ignore_patterns("site*"))
    for md in (proj_m / "content").rglob("*.md"):
        md.write_text(strip_handbook(md.read_text(encoding="utf-8")), encoding="utf-8")
    cfg = read_config(proj_b / "mkdocs.bench-b.yml")
    theme = dict((read_config(proj_b / "mkdocs.yml").get("theme") or {}))
    # INHERIT merges the theme mapping key by key, so leaving custom_dir out would keep overrides/:
    # point it at an empty folder instead (Material's own templates only).
    (proj_m / "no-overrides").mkdir(exist_ok=True)
    theme["custom_dir"] = "no-overrides"
    (proj_m / "mkdocs.bench-m.yml").write_text(
        "INHERIT: mkdocs.yml\n" + yaml.safe_dump({"plugins": cfg.get("plugins"), "hooks": cfg.get("hooks") or [], "theme": theme,
                                                  "extra_css": [], "extra_javascript": []}), encoding="utf-8")
    site = proj_m.parent / "site-m"
    subprocess.run([PY, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.bench-m.yml", "-d", str(site)], cwd=proj_m, env=env, check=True)
    # what macros' on_post_build adds (the offline search shim that the polyfills list names)
    shim = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
    (site / "assets" / "vendor" / "iframe-worker").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shim, site / "assets" / "vendor" / "iframe-worker" / "shim.js")
    return site


def lighthouse_once(exe: Path, url: str, out: Path) -> dict:
    """One Lighthouse run (its default: mobile emulation, simulated throttling) with Debian's chromium."""
    cmd = [str(exe), url, "--quiet", "--output=json", f"--output-path={out}", "--only-categories=performance,accessibility",
           f"--chrome-flags={LIGHTHOUSE_FLAGS}", "--max-wait-for-load=60000"]
    r = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=600)
    if r.returncode != 0 or not out.exists():
        raise SystemExit(f"lighthouse failed on {url}:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    rep = json.loads(out.read_text(encoding="utf-8"))
    if rep.get("runtimeError"):
        raise SystemExit(f"lighthouse could not load {url}: {rep['runtimeError']}")
    a = rep["audits"]
    failing = sorted(k for k, v in a.items() if v.get("scoreDisplayMode") == "binary" and v.get("score") == 0
                     and k in {r["id"] for r in rep["categories"]["accessibility"]["auditRefs"]})
    num = lambda k: (a.get(k) or {}).get("numericValue")  # noqa: E731
    reqs = ((a.get("network-requests") or {}).get("details") or {}).get("items") or []
    return {"performance": round(rep["categories"]["performance"]["score"] * 100), "accessibility": round(rep["categories"]["accessibility"]["score"] * 100),
            "cls": num("cumulative-layout-shift"), "fcp_ms": num("first-contentful-paint"), "lcp_ms": num("largest-contentful-paint"),
            "tbt_ms": num("total-blocking-time"), "si_ms": num("speed-index"), "bytes": num("total-byte-weight"), "requests": len(reqs),
            "accessibility_failing": failing, "lighthouse": rep.get("lighthouseVersion")}


def lighthouse_section(work: Path, env: dict, runs: int) -> dict:
    """The handbook (a ×1 copy, built as `mkdocs build` builds it) and Material building the same pages
    without the handbook's forms, scripts and styles (m), each served by the same loopback HTTP server,
    four pages, `runs` Lighthouse runs each, interleaved (handbook, Material, handbook, …)."""
    exe = lighthouse_setup()
    d = work / "lighthouse"
    d.mkdir(parents=True, exist_ok=True)
    proj_a, proj_b = d / "a", d / "b"
    log("bench lighthouse: copying and building the handbook (×1) and the same pages with Material alone")
    copy_project(proj_a)
    site_a = d / "site-a"
    subprocess.run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", str(site_a)], cwd=proj_a, env=env, check=True)
    make_anchor(proj_a, proj_b, env)
    site_m = make_material_same_content(proj_b, env)
    out = {"runs": runs, "pages": {}, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "loadavg_at_start": os.getloadavg(), "chrome_flags": LIGHTHOUSE_FLAGS}
    raw: dict[str, dict[str, list]] = {label: {"handbook": [], "material": []} for label, _ in LIGHTHOUSE_PAGES}
    tmp = d / "reports"
    tmp.mkdir(exist_ok=True)
    with Served(site_a) as base_a, Served(site_m) as base_m:
        for i in range(runs):
            for label, page in LIGHTHOUSE_PAGES:
                for site, base in (("handbook", base_a), ("material", base_m)):
                    res = lighthouse_once(exe, base + page, tmp / f"{site}-{page}-{i}.json")
                    raw[label][site].append(res)
                    log(f"bench lighthouse {i + 1}/{runs} {label} {site}: performance {res['performance']}, accessibility {res['accessibility']}, "
                        f"CLS {res['cls']:.3f}, {res['requests']} requests")
    out["loadavg_at_end"] = os.getloadavg()
    for label, page in LIGHTHOUSE_PAGES:
        out["pages"][label] = {"page": page}
        for site in ("handbook", "material"):
            rs = raw[label][site]
            med = lambda k, rs=rs: statistics.median(r[k] for r in rs)  # noqa: E731
            out["pages"][label][site] = {
                "performance": med("performance"), "accessibility": med("accessibility"), "cls_worst": max(r["cls"] for r in rs),
                "fcp_ms": med("fcp_ms"), "lcp_ms": med("lcp_ms"), "tbt_ms": med("tbt_ms"), "si_ms": med("si_ms"),
                "requests": med("requests"), "bytes": med("bytes"),
                "accessibility_failing": sorted({a for r in rs for a in r["accessibility_failing"]}),
                "all": {k: [r[k] for r in rs] for k in ("performance", "accessibility", "cls", "requests")},
                "lighthouse": rs[0]["lighthouse"]}
    return out


def lighthouse_targets(lh: dict) -> list[dict]:
    if not lh or lh.get("skipped"):
        return []
    pages = lh["pages"]
    perf = [f"{l} {v['handbook']['performance']:.0f}/{v['material']['performance']:.0f}" for l, v in pages.items()]
    acc = [f"{l} {v['handbook']['accessibility']:.0f}" for l, v in pages.items()]
    cls = [f"{l} {v['handbook']['cls_worst']:.3f}" for l, v in pages.items()]
    return [
        {"target": "Lighthouse performance (phone) no lower than same-content Material's on any page (median of runs)",
         "figure": ", ".join(perf), "held": all(v["handbook"]["performance"] >= v["material"]["performance"] for v in pages.values())},
        {"target": "Lighthouse accessibility 100 on every page", "figure": ", ".join(acc),
         "held": all(v["handbook"]["accessibility"] >= 100 for v in pages.values())},
        {"target": "cumulative layout shift ≤ 0.05 on every page (worst run)", "figure": ", ".join(cls),
         "held": all(v["handbook"]["cls_worst"] <= 0.05 for v in pages.values())},
    ]


def lighthouse_report(lh: dict | None) -> list[str]:
    L = ["", "## Lighthouse on a phone: the handbook beside Material", ""]
    if not lh or lh.get("skipped"):
        L.append(f"Skipped: {(lh or {}).get('skipped', 'not run')}.")
        return L
    any_page = next(iter(lh["pages"].values()))
    load = ", ".join(f"{x:.1f}" for x in lh["loadavg_at_start"])
    L += [f"Lighthouse {any_page['handbook']['lighthouse']} (`bench/package.json`; its default phone profile: mobile emulation, "
          f"simulated throttling) with Debian's chromium (`CHROME_PATH={CHROMIUM}`, `--chrome-flags=\"{lh['chrome_flags']}\"`), run on "
          f"{lh['date']}. *Handbook*: the handbook as built; *Material*: the same pages (every macro's output written into the Markdown) "
          "without the handbook's forms, scripts and styles, built by Material alone (no macros, no overrides/, no extra CSS or "
          f"JavaScript). Both served by the same loopback HTTP server; {lh['runs']} runs per page and site, interleaved. Medians, "
          f"except layout shift: the worst run. The machine was shared with other work (load average {load} at the start), so the "
          "performance figures are indicative.", "",
          "| page | performance (handbook / Material) | accessibility | layout shift (worst) | requests | bytes | FCP ms | LCP ms | TBT ms |",
          "|---|---|---|---|---|---|---|---|---|"]
    for label, v in lh["pages"].items():
        h, m = v["handbook"], v["material"]
        L.append(f"| {label} | **{h['performance']:.0f}** / {m['performance']:.0f} | **{h['accessibility']:.0f}** / {m['accessibility']:.0f} | "
                 f"**{h['cls_worst']:.3f}** / {m['cls_worst']:.3f} | {h['requests']:.0f} / {m['requests']:.0f} | {kb(h['bytes'])} / {kb(m['bytes'])} | "
                 f"{h['fcp_ms']:.0f} / {m['fcp_ms']:.0f} | {h['lcp_ms']:.0f} / {m['lcp_ms']:.0f} | {h['tbt_ms']:.0f} / {m['tbt_ms']:.0f} |")
    L += ["", "Every run (performance; accessibility; layout shift):", "",
          "| page | site | performance | accessibility | layout shift | accessibility audits failed |", "|---|---|---|---|---|---|"]
    for label, v in lh["pages"].items():
        for site in ("handbook", "material"):
            a = v[site]["all"]
            L.append(f"| {label} | {site} | {', '.join(str(x) for x in a['performance'])} | {', '.join(str(x) for x in a['accessibility'])} | "
                     f"{', '.join(f'{x:.3f}' for x in a['cls'])} | {', '.join(v[site]['accessibility_failing']) or 'none'} |")
    return L
