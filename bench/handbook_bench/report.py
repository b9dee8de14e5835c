"""The report: the machine, the targets, bench/results.json, bench/RESULTS.md and the summary line
``bench: overhead_1x=R … own_assets_gz=N first_visit_gz=N``."""
from __future__ import annotations

import datetime
import json
import os
import platform
import re
import subprocess
from pathlib import Path

from .browser import CHROMIUM
from .common import GZIP_LEVEL, kb, log
from .lighthouse import lighthouse_report, lighthouse_targets

TARGET_OVERHEAD = 1.10
TARGET_OWN_ASSETS_GZ = 20 * 1024


def machine() -> dict:
    cpu = ""
    try:
        cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "")
    except OSError:
        pass

    def ver(pkg):
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version(pkg)
        except PackageNotFoundError:
            return None

    mem = ""
    try:
        kb = int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    chromium = ""
    if Path(CHROMIUM).exists():
        r = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True)
        chromium = r.stdout.strip()
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "os": platform.platform(), "python": platform.python_version(),
            "mkdocs": ver("mkdocs"), "mkdocs-material": ver("mkdocs-material"), "mkdocs-macros-plugin": ver("mkdocs-macros-plugin"),
            "chromium": chromium, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "loadavg_at_start": load}


def fmt_s(s: dict) -> str:
    return f"{s['median']:.2f} ({s['min']:.2f})"


def write_report(res: dict, path: Path) -> None:
    m = res["machine"]
    L = ["# Benchmark results", "",
         f"Written by `make bench` (`bench/run.py`, issue #5) on {m['date']}. Figures are what that run measured; "
         "rerun `make bench` to refresh them.", "",
         "## Machine", "",
         f"- {m['nproc']} cores ({m['cpu']}), {m['memory']}, {m['os']}; shared with other work while it ran "
         f"(load average at start: {', '.join(f'{x:.1f}' for x in m['loadavg_at_start']) if m['loadavg_at_start'] else '?'}).",
         f"- Python {m['python']}, MkDocs {m['mkdocs']}, Material {m['mkdocs-material']}, mkdocs-macros {m['mkdocs-macros-plugin']}; "
         f"{m['chromium'] or 'no chromium'}.",
         f"- {res['runs']} runs per scale, interleaved (a, b, c, a, b, c, …).",
         "", "## Build time: our layer against Material alone", "",
         "(a) the handbook as it is; (b) the same pages with every macro's output written into the Markdown, built by "
         "Material with no macros plugin (same theme, search and offline plugins); (c) `python -m macros check` alone "
         "(load + validate data/ and check the pages' macro calls, in a fresh process).", "",
         "Times are CPU seconds (user + sys of the build process, from os.wait4), median (min); the machine is shared, "
         "so CPU time is the headline and wall-clock time is beside it.", "",
         "| scale | pages | case studies | prompts | competency items | (a) handbook | (b) Material only | (c) validation | **a/b** "
         "| a/b wall median | a/b wall min | (a) wall | (b) wall | (c) wall |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for sc in res["scales"]:
        a, b, c, n = sc["a"], sc["b"], sc["c"], sc["counts"]
        L.append(f"| ×{sc['scale']} | {sc['pages']} | {n['case_studies']} | {n['prompts']} | {n['competency_items']} | "
                 f"{fmt_s(a['cpu_s'])} | {fmt_s(b['cpu_s'])} | {fmt_s(c['cpu_s'])} | "
                 f"**{sc['overhead']:.3f}** | {sc['overhead_wall']:.3f} | {sc['overhead_wall_min']:.3f} | "
                 f"{fmt_s(a['wall_s'])} | {fmt_s(b['wall_s'])} | {fmt_s(c['wall_s'])} |")
    L += ["", "Where our layer's time goes, from one instrumented build of (a) per scale (the build that captures the "
          "pre-rendered pages; CPU seconds of the build process, time.process_time, as macros.timing_listeners reports them "
          "for define_env, the data load and each macro call):", "",
          "| scale | data loads per build | import macros/ (jsonschema, Jinja…) | define_env | of which load + validate "
          "| macros on pages (mkdocs-macros) | of which our macro calls | macro calls | sum | (a) − (b) CPU median |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for sc in res["scales"]:
        cap = sc["capture"]
        tot = cap.get("import_s", 0) + cap.get("define_env_s", 0) + cap.get("page_macros_s", 0)
        L.append(f"| ×{sc['scale']} | {cap['loads']} | {cap.get('import_s', 0):.2f} | {cap.get('define_env_s', 0):.2f} | {cap['load_s']:.2f} | "
                 f"{cap.get('page_macros_s', 0):.2f} | {cap['render_s']:.2f} | {cap['renders']} | {tot:.2f} | "
                 f"{sc['a']['cpu_s']['median'] - sc['b']['cpu_s']['median']:.2f} |")
    g = res["growth"]
    L += ["", "Growth from ×10 to ×100 (median CPU time at ×100 ÷ at ×10; wall clock in brackets):", "",
          "| | (a) handbook | (b) Material only | (c) validation |", "|---|---|---|---|",
          f"| growth ×10→×100 | **{g['a']:.2f}** ({g['a_wall']:.2f}) | {g['b']:.2f} ({g['b_wall']:.2f}) | {g['c']:.2f} ({g['c_wall']:.2f}) |",
          f"| growth ×1→×10 | {g['a_1_10']:.2f} | {g['b_1_10']:.2f} | {g['c_1_10']:.2f} |"]
    L += ["", "### Material's own lever: navigation.prune", "",
          "Material renders the whole navigation into every page, so that part of its work grows with pages × pages. "
          "(b) built again with `navigation.prune` added to the theme's features (information only; the handbook's "
          "mkdocs.yml is unchanged):", "",
          "| scale | pages | (b) CPU s | (b) + prune CPU s | navigation in index.html (b) | with prune | site (b) | site with prune |",
          "|---|---|---|---|---|---|---|---|"]
    for sc in res["scales"]:
        pr = sc["prune"]
        L.append(f"| ×{sc['scale']} | {sc['pages']} | {fmt_s(sc['b']['cpu_s'])} | {fmt_s(pr['cpu_s'])} | {kb(pr['nav_bytes_index_b'])} | "
                 f"{kb(pr['nav_bytes_index'])} | {kb(sc['site_b_bytes'])} | {kb(pr['site_bytes'])} |")
    L += ["", "## Size and memory", "",
          "| scale | peak RSS (a) | peak RSS (b) | peak RSS (c) | site (a) | site (b) | search_index.json | search_index.js | largest page (a) |",
          "|---|---|---|---|---|---|---|---|---|"]
    for sc in res["scales"]:
        L.append(f"| ×{sc['scale']} | {sc['a']['maxrss_kb']['median'] / 1024:.0f} MB | {sc['b']['maxrss_kb']['median'] / 1024:.0f} MB | "
                 f"{sc['c']['maxrss_kb']['median'] / 1024:.0f} MB | "
                 f"{kb(sc['site_bytes'])} | {kb(sc['site_b_bytes'])} | {kb(sc['search_index_bytes'])} | {kb(sc['search_index_js_bytes'])} | "
                 f"{sc['largest_page'][0]} {kb(sc['largest_page'][1])} |")
    oa = res["own_assets"]
    L += ["", "## Our own JavaScript and CSS", "",
          "Files under `overrides/assets/` (javascripts/*.js, stylesheets/*.css), minified (rjsmin / rcssmin) then gzipped "
          f"(level {GZIP_LEVEL}), each as a browser fetches it:", "",
          "| file | bytes | minified | minified + gzip |", "|---|---|---|---|"]
    for name, f in oa["files"].items():
        L.append(f"| `{name}` | {f['raw']} | {f['min']} | {f['min_gz']} |")
    L.append(f"| **total** | {oa['raw']} | {oa['min']} | **{oa['min_gz']} ({kb(oa['min_gz'])})** |")
    fv = res.get("first_visit")
    L += ["", "## First visit", ""]
    if fv and "skipped" not in fv:
        L += [f"Bytes a first visit to the home page downloads (fresh browser context, Debian's chromium over a loopback HTTP "
              f"server; every response's body, text types gzipped at level {GZIP_LEVEL} as a server would send them):", "",
              "| site | page | requests | bytes | gzipped | requests refused (other hosts) |", "|---|---|---|---|---|---|"]
        for label, v in fv.items():
            L.append(f"| {label} | {v['page']} | {v['requests']} | {kb(v['raw'])} | **{kb(v['gz'])}** | {len(v['blocked'])} |")
        mine, theirs = res.get("first_visit_pair") or (None, None)
        one, same = fv.get(mine), fv.get(theirs)
        if one and same:
            L += ["", f"*{theirs}* is Material serving the same pages as *{mine}*: that scale's pre-rendered pages "
                  "(every macro's output written into the Markdown, as in (b)) without the handbook's forms and the data its "
                  "scripts read, built by Material alone (no macros, no overrides/, no extra CSS or JavaScript): the site the "
                  "Lighthouse section compares with. So the difference is what the handbook's own layer adds to a first visit "
                  "(its script and stylesheet, its forms' markup and their words in the search index), not the content. "
                  "(Before issue #10 the comparison was a near-empty `mkdocs new` site, which also counted the handbook's text.)", "",
                  f"The handbook's first visit downloads {kb(one['gz'] - same['gz'])} ({one['gz'] - same['gz']} bytes) gzipped more "
                  f"than Material's with the same pages ({one['gz'] / max(1, same['gz']):.2f}×), in {one['requests']} requests "
                  f"against {same['requests']}.", "",
                  "Every response of the two first visits (gzipped bytes; own assets as the build bundles them):", "",
                  f"| path | {mine} | {theirs} |", "|---|---|---|"]
            norm = lambda p: re.sub(r"\.[0-9a-f]{8}\.", ".", p)  # noqa: E731  (Material's and our bundles' hashed names)
            h = {norm(r["path"]): r["gz"] for r in one["responses"]}
            q = {norm(r["path"]): r["gz"] for r in same["responses"]}
            for url_path in sorted(set(h) | set(q)):
                L.append(f"| `{url_path}` | {h.get(url_path, '')} | {q.get(url_path, '')} |")
            L.append(f"| **total** | **{one['gz']}** | **{same['gz']}** |")
    else:
        L.append(f"Skipped: {fv.get('skipped') if fv else 'not run'}.")
    per = res.get("own_per_page")
    if per:
        L += ["", "### Our own script and stylesheet, page by page", "",
              "What a first visit to each page downloads of the handbook's own code (every JavaScript and CSS response that is "
              "not Material's, gzipped as served; `own_assets` above counts every source file, whether a page loads it or not):", "",
              "| page | gzipped | files |", "|---|---|---|"]
        for name, v in per.items():
            L.append(f"| {name} | **{kb(v['gz'])}** ({v['gz']}) | {', '.join(f'`{f}` {n}' for f, n in v['files'])} |")
    L += ["", "## Learning record page in chromium", ""]
    rec = res.get("record")
    if isinstance(rec, dict) and rec.get("skipped"):
        L.append(f"Skipped: {rec['skipped']}. It will be measured once the forms exist (rerun `make bench`).")
    elif rec:
        L += ["`record.html` with every field of its manifest answered in localStorage (`hb:<namespace>:answers`), then reloaded "
              "over a loopback HTTP server in Debian's chromium; median of runs. *Own* is the self time of our scripts "
              "(assets/javascripts/ other than Material's bundle), *Material* that of Material's bundle, both from chromium's "
              "sampling profiler (CDP, 0.1 ms interval). The Performance API's long-animation-frame (LoAF) attribution is beside "
              "them: it credits a script by its entry point, so our code, which runs in callbacks of Material's `document$`, "
              "is counted there as Material's bundle. *All script* is chromium's ScriptDuration for the load.", "",
              "| scale | fields answered | text answers shown | own scripts ms (profile) | Material bundle ms (profile) "
              "| own ms (LoAF) | Material ms (LoAF) | all script ms (CDP) | load event ms |",
              "|---|---|---|---|---|---|---|---|---|"]
        for s, r in rec.items():
            if r.get("skipped"):
                L.append(f"| ×{s} | skipped: {r['skipped']} |||||||| ")
                continue
            L.append(f"| ×{s} | {r['answers']} of {r['fields']} | {r['answers_shown']:.0f} of {r['text_answers']} | {r['own_ms']:.1f} | "
                     f"{r['material_ms']:.1f} | {r['own_loaf_ms']:.1f} | {r['material_loaf_ms']:.1f} | {r['script_duration_ms']:.1f} | {r['load_ms']:.0f} |")
        for s, r in rec.items():
            for ref in r.get("refused") or []:
                L.append("")
                L.append(f"At ×{s} the page's storage refused all {ref['answers']} answers at once (its problem(): "
                         f"'{ref['problem'] or 'a backup was made'}'; it kept them aside and started empty); the most it accepted, to within 2%, "
                         f"was {ref.get('most_accepted', r['answers'])}, and the page was measured with those.")
        lin = res.get("record_linearity")
        if lin:
            L += ["", "Our scripts' time against the record's size:", "",
                  "| scale | fields in the manifest | answers stored | own ms | ms per answer | ms per field |", "|---|---|---|---|---|---|"]
            for p in lin["per_scale"]:
                L.append(f"| ×{p['scale']} | {p['fields']} | {p['answers']} | {p['own_ms']:.1f} | {p['ms_per_answer']:.4f} | {p['ms_per_field']:.4f} |")
            L += ["", f"From ×{lin['from']} to ×{lin['to']}: fields ×{lin['fields_ratio']:.2f}, answers ×{lin['answers_ratio']:.2f}, "
                  f"own script time ×{lin['time_ratio']:.2f}."]
    if "lighthouse" in res:
        L += lighthouse_report(res.get("lighthouse"))
    z = res.get("zensical")
    L += ["", "## Zensical (information only)", ""]
    if z and z.get("builds"):
        L += [f"zensical {z['version']} building (b), the pre-rendered pages, from its own venv under bench/work (not part of any target):", "",
              "| scale | zensical wall s | zensical CPU s | Material (b) wall s | pages in its site |", "|---|---|---|---|---|"]
        for s, v in z["builds"].items():
            if v.get("error"):
                L.append(f"| ×{s} | failed: {v['error']} | | | |")
            else:
                L.append(f"| ×{s} | {fmt_s(v['wall_s'])} | {fmt_s(v['cpu_s'])} | {v['b_median']:.2f} | {v['pages']} |")
        zn = {v.get("note") for v in z["builds"].values() if v.get("note")}
        if zn:
            L += ["", "Note: " + " / ".join(sorted(zn)) + "."]
    else:
        L.append(f"Not built: {z.get('note') if z else 'not run'}.")
    L += ["", "## Targets", "", "| target | figure | held |", "|---|---|---|"]
    for t in res["targets"]:
        L.append(f"| {t['target']} | {t['figure']} | {'yes' if t['held'] is True else 'no' if t['held'] is False else t['held']} |")
    if res.get("notes"):
        L += ["", "## Notes", ""] + [f"- {n}" for n in res["notes"]]
    L += ["", "The last line the run printed:", "", "```", res["last_line"], "```", ""]
    path.write_text("\n".join(L), encoding="utf-8")


def finish(res: dict, scales: list[int], out: Path) -> None:
    by = {sc["scale"]: sc for sc in res["scales"]}
    targets = []
    for s in scales:
        ov = by[s]["overhead"]
        targets.append({"target": f"overhead a/b ≤ {TARGET_OVERHEAD} at ×{s}",
                        "figure": f"{ov:.3f} CPU (wall median {by[s]['overhead_wall']:.3f}, wall min {by[s]['overhead_wall_min']:.3f})",
                        "held": ov <= TARGET_OVERHEAD})
    g = res["growth"]
    if g["a"] == g["a"]:
        targets.append({"target": "growth ×10→×100 no worse than Material's",
                        "figure": f"handbook {g['a']:.2f}, Material only {g['b']:.2f} (CPU; wall {g['a_wall']:.2f} vs {g['b_wall']:.2f})",
                        "held": g["a"] <= g["b"] * 1.0 + 1e-9})
    oa = res["own_assets"]["min_gz"]
    targets.append({"target": "own JS + CSS ≤ 20 KB gzipped", "figure": f"{oa} bytes ({kb(oa)})", "held": oa <= TARGET_OWN_ASSETS_GZ})
    lin = res.get("record_linearity")
    if lin:
        # linear: the time per answer at the largest scale is within 1.5× of that at the one before
        per = lin["per_scale"]
        held = per[-1]["ms_per_answer"] <= per[-2]["ms_per_answer"] * 1.5
        targets.append({"target": "record page script time grows linearly with answers (per-answer time within 1.5× from scale to scale)",
                        "figure": f"×{lin['from']}→×{lin['to']}: answers ×{lin['answers_ratio']:.2f} (fields ×{lin['fields_ratio']:.2f}), "
                                  f"own script time ×{lin['time_ratio']:.2f}; "
                                  + ", ".join(f"×{p['scale']} {p['ms_per_answer'] * 1000:.1f} µs/answer" for p in per), "held": held})
    else:
        targets.append({"target": "record page script time grows linearly with answers",
                        "figure": f"not measured ({(res.get('record') or {}).get('skipped', 'no record page')})", "held": "not yet"})
    loads = {sc["scale"]: sc["capture"]["loads"] for sc in res["scales"]}
    targets.append({"target": "data loads and validates once per build", "figure": ", ".join(f"×{s}: {l}" for s, l in loads.items()),
                    "held": all(l == 1 for l in loads.values())})
    targets += lighthouse_targets(res.get("lighthouse"))
    res["targets"] = targets

    # notes derived from the figures
    notes = res["notes"]
    for sc in res["scales"]:
        cap = sc["capture"]
        notes.append(f"×{sc['scale']}: the data loaded and validated {'once' if cap['loads'] == 1 else str(cap['loads']) + ' times'} in the build, "
                     f"taking {cap['load_s']:.2f}s "
                     f"(`macros check`, in its own process with its imports: {sc['c']['cpu_s']['median']:.2f}s CPU); {cap['renders']} macro calls took "
                     f"{cap['render_s']:.2f}s. Material's navigation is {kb(sc['nav_bytes_index'])} of index.html, repeated in each of {sc['pages']} pages "
                     f"(about {kb(sc['nav_bytes_index'] * sc['pages'])} of a {kb(sc['site_bytes'])} site).")
    if 10 in by and 100 in by:
        notes.append(f"From ×10 to ×100 the site has {by[100]['pages'] / by[10]['pages']:.1f}× the pages and "
                     f"{by[100]['counts']['case_studies'] / by[10]['counts']['case_studies']:.1f}× "
                     f"the case studies, prompts and competency items; Material alone (b) took {g['b']:.2f}× the CPU time, the handbook (a) {g['a']:.2f}×, "
                     f"validation alone (c) {g['c']:.2f}×.")
    blocked = sum(len(v.get("blocked", [])) for v in (res.get("first_visit") or {}).values() if isinstance(v, dict))
    if blocked:
        notes.append(f"{blocked} requests to other hosts were refused during the first-visit measurements.")
    res["notes"] = [n for n in notes if n]

    fv = res.get("first_visit") or {}
    first = fv.get(f"handbook ×{scales[0]}") or fv.get("handbook ×1")
    parts = [f"overhead_{s}x={by[s]['overhead']:.3f}" for s in scales]
    parts.append(f"growth_10_100={g['a']:.2f}" if g["a"] == g["a"] else "growth_10_100=n/a")
    parts.append(f"own_assets_gz={oa}")
    parts.append(f"first_visit_gz={first['gz']}" if first and "gz" in first else "first_visit_gz=n/a")
    res["last_line"] = "bench: " + " ".join(parts)
    out.mkdir(parents=True, exist_ok=True)
    # per-run browser details stay in results.json, trimmed of response lists that repeat
    (out / "results.json").write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
    write_report(res, out / "RESULTS.md")
    log(f"bench: wrote {out / 'results.json'} and {out / 'RESULTS.md'}")
    for t in targets:
        log(f"  target: {t['target']}: {t['figure']} -> {'held' if t['held'] is True else 'NOT held' if t['held'] is False else t['held']}")
    print(res["last_line"], flush=True)
