#!/usr/bin/env python3
"""The handbook's benchmark (issue #5): what our data + macros layer costs on top of Material.

Run it with ``make bench`` (or ``.venv/bin/python bench/run.py``). For each scale (x1, x10, x100 by
default) it:

1. copies the project into ``bench/work/`` and scales its data: case studies, prompts (and their
   groups) and the competency lists (effective coaches / effective mentors) are copied with fresh ids
   (suffix ``-x2``, ``-x3``, ...), one generated page per copy calls the macros for them, and it is
   added to the nav. The copy must pass ``python -m macros check``.
2. renders every page's macros once (an MkDocs hook, bench/handbook_bench/capture_hook.py, captures
   each page's Markdown after mkdocs-macros, and times our layer through ``macros.timing_listeners``)
   into a second copy whose config drops the macros plugin: the anchor (b).
3. times, interleaved a, b, c, a, b, c, ...: (a) ``mkdocs build --strict`` of the handbook as it is,
   (b) the same pages pre-rendered, built by Material with no macros plugin, (c) ``python -m macros
   check`` (validation of data/ and the pages' macro calls alone). Peak memory is each child's
   ru_maxrss (os.wait4).
4. measures site and search index size, our own JS + CSS minified and gzipped, and what a first
   visit downloads (Debian's chromium over a loopback HTTP server) beside Material serving the same
   pages: the smallest scale's pre-rendered pages without the handbook's forms, built by Material
   alone (the site step 7 compares with).
5. if the site has the learning record page (record.html), fills every field of its manifest in
   localStorage and times its scripts in chromium beside Material's bundle.
6. if ``zensical`` installs from PyPI (into its own venv under bench/work), builds (b) with it too.
7. runs Lighthouse (bench/package.json, installed on first use with ``npm ci`` in bench/) on a phone
   profile with Debian's chromium, on the handbook and on Material building the same pages without
   the handbook's forms, scripts and styles: home, principles, case studies, learning record
   (``--only lighthouse`` runs this section alone and updates it in results.json / RESULTS.md).

It writes bench/results.json and bench/RESULTS.md and ends with the line
``bench: overhead_1x=R overhead_10x=R overhead_100x=R growth_10_100=R own_assets_gz=N first_visit_gz=N``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

# the sections, each a module of bench/handbook_bench/ (see its __init__.py)
from handbook_bench.anchor import make_anchor, prune_config
from handbook_bench.browser import Browser, Served, browser_available, first_visit, own_per_page
from handbook_bench.common import BENCH, PY, dir_size, log, read_config
from handbook_bench.lighthouse import LIGHTHOUSE_PAGES, lighthouse_report, lighthouse_section, lighthouse_targets, make_material_same_content
from handbook_bench.measure import nav_bytes, own_assets, run_timed, summarise
from handbook_bench.record_page import record_linearity, record_page
from handbook_bench.report import finish, machine, write_report
from handbook_bench.scale import copy_project, counts_of, scale_project
from handbook_bench.zensical import zensical_probe, zensical_setup, zensical_site


# ============================================================================ main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,10,100", help="comma-separated scales (default 1,10,100)")
    ap.add_argument("--runs", type=int, default=5, help="runs of a, b and c per scale, interleaved (at least 3; default 5)")
    ap.add_argument("--work", default=str(BENCH / "work"), help="where the scaled copies go (default bench/work)")
    ap.add_argument("--no-zensical", action="store_true", help="skip the informational zensical builds")
    ap.add_argument("--no-browser", action="store_true", help="skip the chromium measurements")
    ap.add_argument("--out", default=str(BENCH), help="where results.json and RESULTS.md go (default bench/)")
    ap.add_argument("--only", choices=["lighthouse"], help="run only this section (lighthouse: Lighthouse on the handbook beside "
                    "same-content Material); its figures replace that section of the last results.json / RESULTS.md")
    ap.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse section")
    ap.add_argument("--lighthouse-runs", type=int, default=5, help="Lighthouse runs per page and site (default 5; medians)")
    args = ap.parse_args(argv)
    if args.only == "lighthouse":
        return only_lighthouse(args)
    scales = [int(s) for s in args.scales.split(",")]
    runs = max(3, args.runs)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    res: dict = {"machine": machine(), "runs": runs, "scales": [], "notes": []}
    log(f"bench: {res['machine']['nproc']} cores, {res['machine']['cpu']}; scales {scales}, {runs} runs each")

    zexe, zver = (None, "skipped (--no-zensical)")
    if not args.no_zensical:
        log("bench: installing zensical into bench/work/zensical-venv (information only)")
        zexe, zver = zensical_setup(work)
    res["zensical"] = {"version": zver, "builds": {}} if zexe else {"note": zver}

    for n in scales:
        d = work / f"x{n}"
        d.mkdir(parents=True, exist_ok=True)
        proj_a, proj_b = d / "a", d / "b"
        log(f"bench ×{n}: scaling a copy of the project")
        copy_project(proj_a)
        added = scale_project(proj_a, n)
        r = subprocess.run([PY, "-m", "macros", "check"], cwd=proj_a, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"the ×{n} data does not pass `python -m macros check`:\n{r.stdout}{r.stderr}")
        log(f"bench ×{n}: {r.stdout.strip()}; making the pre-rendered anchor (b)")
        capture = make_anchor(proj_a, proj_b, env)
        counts = counts_of(proj_a)
        cmds = {
            "a": ([PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", str(d / "site-a")], proj_a),
            "b": ([PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.bench-b.yml", "-d", str(d / "site-b")], proj_b),
            "c": ([PY, "-m", "macros", "check"], proj_a),
            # information: (b) with Material's own lever against navigation growing with the page count
            "p": ([PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", prune_config(proj_b).name, "-d", str(d / "site-b-prune")], proj_b),
        }
        zcfg, znote = zensical_probe(zexe, proj_b, env) if zexe else (None, "")
        if zcfg:
            cmds["z"] = ([str(zexe), "build", "--clean", "-f", str(zcfg)], proj_b)
        timings: dict[str, list] = {k: [] for k in cmds}
        zerr = None
        for i in range(runs):
            for k, (cmd, cwd) in cmds.items():
                if k == "z" and zerr:
                    continue
                try:
                    timings[k].append(run_timed(cmd, cwd, env))
                except SystemExit as exc:
                    if k != "z":
                        raise
                    zerr = str(exc).splitlines()[-1][:300] if str(exc).strip() else "failed"
            log(f"bench ×{n}: run {i + 1}/{runs}: " + ", ".join(f"{k} {t[-1]['wall_s']:.2f}s" for k, t in timings.items() if t))
        sc = {"scale": n, "added": added, "counts": counts, "capture": capture,
              "a": summarise(timings["a"]), "b": summarise(timings["b"]), "c": summarise(timings["c"])}
        site_a, site_b = d / "site-a", d / "site-b"
        sc["pages"] = len([p for p in site_a.rglob("*.html") if p.name != "404.html"])
        # the headline: CPU time (user + sys of the build process), which other work on a shared
        # machine disturbs far less than wall time; wall-clock ratios are reported beside it
        sc["overhead"] = sc["a"]["cpu_s"]["median"] / sc["b"]["cpu_s"]["median"]
        sc["overhead_cpu_min"] = sc["a"]["cpu_s"]["min"] / sc["b"]["cpu_s"]["min"]
        sc["overhead_wall"] = sc["a"]["wall_s"]["median"] / sc["b"]["wall_s"]["median"]
        sc["overhead_wall_min"] = sc["a"]["wall_s"]["min"] / sc["b"]["wall_s"]["min"]
        sc["site_bytes"] = dir_size(site_a)
        sc["site_b_bytes"] = dir_size(site_b)
        sc["prune"] = {**summarise(timings["p"]), "site_bytes": dir_size(d / "site-b-prune"),
                       "nav_bytes_index": nav_bytes(d / "site-b-prune" / "index.html"), "nav_bytes_index_b": nav_bytes(site_b / "index.html")}
        sc["search_index_bytes"] = (site_a / "search" / "search_index.json").stat().st_size if (site_a / "search" / "search_index.json").exists() else 0
        sc["search_index_js_bytes"] = (site_a / "search" / "search_index.js").stat().st_size if (site_a / "search" / "search_index.js").exists() else 0
        biggest = max(site_a.rglob("*.html"), key=lambda p: p.stat().st_size)
        sc["largest_page"] = [biggest.name, biggest.stat().st_size]
        sc["nav_bytes_index"] = nav_bytes(site_a / "index.html")
        sc["has_record"] = (site_a / "record.html").exists()
        sc["namespace"] = ((read_config(proj_a / "mkdocs.yml").get("extra") or {}).get("handbook") or {}).get("namespace")
        if zexe:
            if zcfg and timings["z"] and not zerr:
                zsite = zensical_site(proj_b, zcfg)
                res["zensical"]["builds"][str(n)] = {**summarise(timings["z"]), "b_median": sc["b"]["wall_s"]["median"], "note": znote,
                                                     "pages": len([p for p in zsite.rglob("*.html") if p.name != "404.html"]) if zsite else 0}
            else:
                res["zensical"]["builds"][str(n)] = {"error": zerr or znote or "no run"}
        res["scales"].append(sc)
        log(f"bench ×{n}: a/b CPU {sc['overhead']:.3f} (wall {sc['overhead_wall']:.3f}); data loads per build: {capture['loads']}")

    by = {sc["scale"]: sc for sc in res["scales"]}

    def growth(key, lo, hi, what="cpu_s"):
        if lo in by and hi in by:
            return by[hi][key][what]["median"] / by[lo][key][what]["median"]
        return float("nan")

    res["growth"] = {k: growth(k, 10, 100) for k in ("a", "b", "c")}
    res["growth"].update({f"{k}_1_10": growth(k, 1, 10) for k in ("a", "b", "c")})
    res["growth"].update({f"{k}_wall": growth(k, 10, 100, "wall_s") for k in ("a", "b", "c")})
    res["own_assets"] = own_assets()

    # browser measurements
    why = "--no-browser" if args.no_browser else browser_available()
    if why:
        res["first_visit"] = {"skipped": why}
        res["record"] = {"skipped": why}
    else:
        # the first visit is compared with Material serving the same pages (the Lighthouse section's (m)),
        # made from the smallest scale's pre-rendered pages (b)
        small = min(sc["scale"] for sc in res["scales"])
        same = f"Material ×{small}, same pages"
        log(f"bench ×{small}: the same pages built by Material alone (no forms, scripts or styles of ours) for the first visit")
        site_m = make_material_same_content(work / f"x{small}" / "b", env)
        res["first_visit"] = {}
        res["first_visit_pair"] = [f"handbook ×{small}", same]
        res["record"] = {}
        with Browser() as br:
            for sc in res["scales"]:
                with Served(work / f"x{sc['scale']}" / "site-a") as base:
                    res["first_visit"][f"handbook ×{sc['scale']}"] = first_visit(br, base)
                    if sc["scale"] == small:
                        res["own_per_page"] = own_per_page(br, base, [name for _, name in LIGHTHOUSE_PAGES])
            with Served(site_m) as base:
                res["first_visit"][same] = first_visit(br, base)
            if not any(sc["has_record"] for sc in res["scales"]):
                res["record"] = {"skipped": "the site has no record.html yet (content/record.md, the learning record, does not exist)"}
            else:
                for sc in res["scales"]:
                    if not sc["has_record"]:
                        res["record"][str(sc["scale"])] = {"skipped": "no record.html"}
                        continue
                    with Served(work / f"x{sc['scale']}" / "site-a") as base:
                        log(f"bench ×{sc['scale']}: learning record page in chromium")
                        res["record"][str(sc["scale"])] = record_page(br, base, sc["namespace"] or "", runs)
        lin = record_linearity(res["record"])
        if lin:
            res["record_linearity"] = lin
    if args.no_lighthouse or why:
        res["lighthouse"] = {"skipped": "--no-lighthouse" if args.no_lighthouse else why}
    else:
        res["lighthouse"] = lighthouse_section(work, env, max(1, args.lighthouse_runs))

    finish(res, scales, Path(args.out))
    return 0


def lighthouse_line(lh: dict) -> str:
    return "bench lighthouse: " + " ".join(
        f"{label.replace(' ', '_')}={v['handbook']['performance']:.0f}/{v['material']['performance']:.0f},"
        f"a11y={v['handbook']['accessibility']:.0f},cls={v['handbook']['cls_worst']:.3f}" for label, v in lh["pages"].items())


def only_lighthouse(args) -> int:
    """`--only lighthouse`: measure that section and put it into the last full results (or alone)."""
    why = browser_available()
    if why:
        raise SystemExit(f"bench --only lighthouse: {why}")
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    lh = lighthouse_section(work, env, max(1, args.lighthouse_runs))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    res = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    if res and res.get("scales") and res.get("targets") is not None:
        res["lighthouse"] = lh
        res["targets"] = [t for t in res["targets"] if not t["target"].startswith(("Lighthouse", "cumulative layout shift"))] + lighthouse_targets(lh)
        path.write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
        write_report(res, out / "RESULTS.md")
    else:
        path.write_text(json.dumps({"lighthouse": lh}, indent=1, default=str) + "\n", encoding="utf-8")
        (out / "RESULTS.md").write_text("\n".join(["# Benchmark results", "", "Only the Lighthouse section was run (`bench/run.py --only lighthouse`).",
                                                   *lighthouse_report(lh), ""]), encoding="utf-8")
    log(f"bench: wrote {path} and {out / 'RESULTS.md'}")
    for t in lighthouse_targets(lh):
        log(f"  target: {t['target']}: {t['figure']} -> {'held' if t['held'] else 'NOT held'}")
    print(lighthouse_line(lh), flush=True)
    return 0



if __name__ == "__main__":
    sys.exit(main())
