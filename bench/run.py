#!/usr/bin/env python3
"""The handbook's benchmark (issue #5): what our data + macros layer costs on top of Material.

Run it with ``make bench`` (or ``.venv/bin/python bench/run.py``). For each scale (x1, x10, x100 by
default) it:

1. copies the project into ``bench/work/`` and scales its data: case studies, prompts (and their
   groups) and the competency lists (effective coaches / effective mentors) are copied with fresh ids
   (suffix ``-x2``, ``-x3``, ...), one generated page per copy calls the macros for them, and it is
   added to the nav. The copy must pass ``python -m macros check``.
2. renders every page's macros once (a throwaway MkDocs hook captures each page's Markdown after
   mkdocs-macros) into a second copy whose config drops the macros plugin: the anchor (b).
3. times, interleaved a, b, c, a, b, c, ...: (a) ``mkdocs build --strict`` of the handbook as it is,
   (b) the same pages pre-rendered, built by Material with no macros plugin, (c) ``python -m macros
   check`` (validation of data/ and the pages' macro calls alone). Peak memory is each child's
   ru_maxrss (os.wait4).
4. measures site and search index size, our own JS + CSS minified and gzipped, and what a first
   visit downloads (Debian's chromium over a loopback HTTP server) beside a plain Material site.
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
import copy
import datetime
import functools
import gzip
import http.server
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
GZIP_LEVEL = 6  # what a typical web server's gzip sends
ZENSICAL_SPEC = "zensical"  # for information only; whatever PyPI has (the version is recorded)
# Competency lists scaled (each pairs with the other).
COMPETENCY_LISTS = ("effective-coaches", "effective-mentors")
# Not copied into a scaled project.
SKIP = {".git", ".venv", "node_modules", "site", "bench", "dist", "tests", ".pytest_cache", "__pycache__", ".ci"}
TARGET_OVERHEAD = 1.10
TARGET_OWN_ASSETS_GZ = 20 * 1024


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


# ============================================================================ YAML helpers


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml ignoring MkDocs' own tags (!ENV, !!python/name:...)."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}


def read_data(path: Path) -> tuple[str, dict]:
    text = path.read_text(encoding="utf-8")
    head = text.splitlines()[0] + "\n" if text.startswith("#") else ""
    return head, yaml.safe_load(text)


def write_data(path: Path, head: str, data: dict) -> None:
    path.write_text(head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")


# ============================================================================ the scaled project


def copy_project(dest: Path) -> Path:
    """The project as it is now (whatever data files, pages and macros exist), without build output."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT, dest, ignore=lambda d, names: [n for n in names if n in SKIP or n.startswith(".site-build-")],
                    symlinks=True)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def sfx(ident: str, k: int) -> str:
    return f"{ident}-x{k}"


def scale_project(proj: Path, n: int) -> dict:
    """Make the copy hold n copies of the scaled content (n=1: as it is). Returns what was added."""
    data = proj / "data"
    added = {"case_studies": 0, "prompts": 0, "prompt_groups": 0, "lists": 0, "list_items": 0, "pages": 0, "forms": 0}
    if n <= 1:
        return added
    copies = range(2, n + 1)
    ids: dict[int, dict[str, str]] = {k: {} for k in copies}  # old id -> new id, per copy, for forms

    # prompts and their groups
    p_head, prompts = read_data(data / "prompts.yml")
    base_groups = list(prompts.get("groups") or [])
    base_prompts = list(prompts.get("prompts") or [])
    for k in copies:
        for g in base_groups:
            ng = copy.deepcopy(g)
            ng["id"] = sfx(g["id"], k)
            ng["title"] = f"{g['title']} (copy {k})"
            ids[k][g["id"]] = ng["id"]
            prompts["groups"].append(ng)
            added["prompt_groups"] += 1
        for p in base_prompts:
            np_ = copy.deepcopy(p)
            np_["id"] = sfx(p["id"], k)
            np_["group"] = sfx(p["group"], k)
            ids[k][p["id"]] = np_["id"]
            prompts["prompts"].append(np_)
            added["prompts"] += 1
    write_data(data / "prompts.yml", p_head, prompts)

    # case studies (numbered on from the last)
    c_head, cases = read_data(data / "case-studies.yml")
    base_cases = list(cases.get("case_studies") or [])
    top = max((c.get("number", 0) for c in base_cases), default=0)
    for k in copies:
        for c in base_cases:
            nc = copy.deepcopy(c)
            nc["id"] = sfx(c["id"], k)
            nc["number"] = c["number"] + top * (k - 1)
            nc["title"] = f"{c['title']} (copy {k})"
            if nc.get("questions"):
                nc["questions"] = [sfx(q, k) for q in c["questions"]]
            ids[k][c["id"]] = nc["id"]
            cases["case_studies"].append(nc)
            added["case_studies"] += 1
    write_data(data / "case-studies.yml", c_head, cases)

    # competency lists: fresh list and item ids, pairings kept both ways
    l_head, lists = read_data(data / "lists.yml")
    base_lists = [lst for lst in lists["lists"] if lst["id"] in COMPETENCY_LISTS]
    scaled_list_ids = {lst["id"] for lst in base_lists}
    for k in copies:
        for lst in base_lists:
            nl = copy.deepcopy(lst)
            nl["id"] = sfx(lst["id"], k)
            nl["title"] = f"{lst['title']} (copy {k})"
            if lst.get("pairs_with") in scaled_list_ids:
                nl["pairs_with"] = sfx(lst["pairs_with"], k)
            else:
                nl.pop("pairs_with", None)
            for it in nl["items"]:
                ids[k][f"{lst['id']}/{it['id']}"] = f"{nl['id']}/{sfx(it['id'], k)}"
                it["id"] = sfx(it["id"], k)
                if "pairs_with" in it:
                    if "pairs_with" in nl:
                        it["pairs_with"] = sfx(it["pairs_with"], k)
                    else:
                        del it["pairs_with"]
                added["list_items"] += 1
            ids[k][lst["id"]] = nl["id"]
            lists["lists"].append(nl)
            added["lists"] += 1
    write_data(data / "lists.yml", l_head, lists)

    # forms (if the project has them): copy each form that refers to scaled items, refs renamed
    form_calls: dict[int, list[str]] = {k: [] for k in copies}
    wrapped_lists: set[str] = set()
    forms_path = data / "forms.yml"
    if forms_path.exists():
        on_pages = set()
        for md in (proj / "content").rglob("*.md"):
            on_pages |= set(re.findall(r"""\{\{-?\s*self_check\(\s*["']([^"']+)["']""", md.read_text(encoding="utf-8")))
        form_calls = scale_forms(forms_path, ids, added, on_pages)
        forms_doc = yaml.safe_load(forms_path.read_text(encoding="utf-8")) or {}
        wrapped_lists = {(f.get("items_from") or {}).get("list") for f in forms_doc.get("forms") or []
                         if f.get("id") in on_pages} - {None}

    # one page per copy, calling the macros for that copy's items, added to the nav
    pages = []
    covered = {q for c in base_cases for q in (c.get("questions") or [])}
    for k in copies:
        lines = [f"# Scaled copy {k}", "",
                 f"Generated by bench/run.py: copy {k} of the handbook's case studies, prompts and competency lists.", ""]
        lines += ["## Case studies", ""]
        for c in base_cases:
            lines += [f'{{{{ case_study("{sfx(c["id"], k)}") }}}}', ""]
        lines += ["## Questions", ""]
        for g in base_groups:
            members = [p for p in base_prompts if p["group"] == g["id"]]
            if not members:
                continue
            if not any(p["id"] in covered for p in members):
                lines += [f'### {g["title"]}', "", f'{{{{ prompts("{sfx(g["id"], k)}") }}}}', ""]
            else:
                for p in members:
                    if p["id"] not in covered:
                        lines += [f'{{{{ prompt("{sfx(p["id"], k)}") }}}}', ""]
        lines += ["## Competencies", ""]
        # a form whose items come from a list shows that list's figure itself: show such a list once
        wrapped = {sfx(lid, k) for lid in wrapped_lists}
        for lst in base_lists:
            if sfx(lst["id"], k) in wrapped:
                continue
            lines += [f'{{{{ figure("{sfx(lst["id"], k)}") }}}}', ""]
        if len(base_lists) == 2 and base_lists[0].get("pairs_with") == base_lists[1]["id"]:
            lines += [f'{{{{ compare("{sfx(base_lists[0]["id"], k)}", "{sfx(base_lists[1]["id"], k)}") }}}}', ""]
        if form_calls.get(k):
            lines += ["## Forms", ""] + form_calls[k]
        name = f"scale-{k}.md"
        (proj / "content" / name).write_text("\n".join(lines), encoding="utf-8")
        pages.append((f"Copy {k}", name))
        added["pages"] += 1
    add_to_nav(proj / "mkdocs.yml", "Scaled copies", pages)
    return added


def scale_forms(path: Path, ids: dict[int, dict[str, str]], added: dict, on_pages: set[str]) -> dict[int, list[str]]:
    """Copy every form of data/forms.yml that refers to a scaled prompt, list or item.

    The declaration's shape is read, not assumed: in a copy, every string equal to a scaled id is
    renamed (list items are matched as 'list/item' or by item id within a scaled list), and the copy
    gets a fresh id. Returns, per copy, the macro calls that show the copied forms (for the forms a
    page shows with self_check; a form of prompt groups shows itself with its prompts).
    """
    head, doc = read_data(path)
    calls: dict[int, list[str]] = {k: [] for k in ids}
    if not isinstance(doc, dict):
        return calls
    key = "forms" if isinstance(doc.get("forms"), list) else None
    if key is None:
        return calls
    base = list(doc[key])
    for k, mapping in ids.items():
        plain = {o: nw for o, nw in mapping.items() if "/" not in o}
        items = {o.split("/")[1]: nw.split("/")[1] for o, nw in mapping.items() if "/" in o}

        def rename(node, in_scaled_list=False):
            hit = False
            if isinstance(node, dict):
                out = {}
                scaled = in_scaled_list or any(isinstance(v, str) and v in COMPETENCY_LISTS for v in node.values())
                for kk, v in node.items():
                    out[kk], h = rename(v, scaled)
                    hit |= h
                return out, hit
            if isinstance(node, list):
                out = []
                for v in node:
                    nv, h = rename(v, in_scaled_list)
                    out.append(nv)
                    hit |= h
                return out, hit
            if isinstance(node, str):
                if node in plain:
                    return plain[node], True
                if in_scaled_list and node in items:
                    return items[node], True
            return node, False

        for form in base:
            body = {kk: v for kk, v in form.items() if kk != "id"}
            new, hit = rename(body)
            if not hit:
                continue
            nf = {"id": sfx(form["id"], k), **new}
            if isinstance(nf.get("title"), str):
                nf["title"] = f"{nf['title']} (copy {k})"
            doc[key].append(nf)
            added["forms"] += 1
            if form["id"] in on_pages:
                calls[k] += [f'{{{{ self_check("{nf["id"]}") }}}}', ""]
    write_data(path, head, doc)
    return calls


def add_to_nav(config: Path, title: str, pages: list[tuple[str, str]]) -> None:
    """Append a nav section to an explicit top-level ``nav:`` (text edit, so tags elsewhere survive)."""
    text = config.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if re.match(r"^nav:\s*$", l)), None)
    if start is None:
        return  # no explicit nav: MkDocs lists every page itself
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "-", "#"))):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    indent = next((re.match(r"^(\s*)-", l).group(1) for l in lines[start + 1:end] if re.match(r"^\s*-", l)), "  ")
    block = [f"{indent}- {title}:"] + [f"{indent}    - {json.dumps(t)}: {p}" for t, p in pages]
    config.write_text("\n".join(lines[:end] + block + lines[end:]) + "\n", encoding="utf-8")


# ============================================================================ (b): pages pre-rendered

CAPTURE_HOOK = r'''
"""Throwaway bench hook: write each page's Markdown as it is after mkdocs-macros, and time our layer (CPU time)."""
import json, os, sys, time
from pathlib import Path

from mkdocs.plugins import CombinedEvent, event_priority

OUT = Path(os.environ["HB_BENCH_CAPTURE"])
STATS = {"loads": 0, "load_s": 0.0, "renders": 0, "render_s": 0.0, "pages": 0, "define_env_s": 0.0, "page_macros_s": 0.0}
sys.path.insert(0, os.environ["HB_BENCH_PROJECT"])
_t = time.process_time()
import macros, macros.data, macros.render  # noqa: E402  (the same module object mkdocs-macros imports)
STATS["import_s"] = time.process_time() - _t


def _timed(fn, count, total):
    def call(*a, **k):
        t = time.process_time()
        try:
            return fn(*a, **k)
        finally:
            if count:
                STATS[count] += 1
            STATS[total] += time.process_time() - t
    return call


_load = macros.data.load
macros.data.load = _timed(_load, "loads", "load_s")
if getattr(macros, "load", None) is _load:
    macros.load = macros.data.load
macros.render.Renderer._render = _timed(macros.render.Renderer._render, "renders", "render_s")
macros.define_env = _timed(macros.define_env, None, "define_env_s")
_page_t0 = [0.0]


@event_priority(1000)
def _before_macros(markdown, page, config, files):
    _page_t0[0] = time.process_time()
    return markdown


@event_priority(-1000)
def _after_macros(markdown, page, config, files):
    STATS["page_macros_s"] += time.process_time() - _page_t0[0]
    src = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    front = ""
    if src.startswith("---"):
        end = src.find("\n---", 3)
        if end != -1:
            nl = src.find("\n", end + 1)
            front = src[: nl + 1] if nl != -1 else src[: end + 4] + "\n"
    dest = OUT / page.file.src_uri
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(front + markdown, encoding="utf-8")
    STATS["pages"] += 1
    return markdown


on_page_markdown = CombinedEvent(_before_macros, _after_macros)


def on_post_build(config):
    (OUT.parent / "capture-stats.json").write_text(json.dumps(STATS))
'''


def make_anchor(proj_a: Path, proj_b: Path, env: dict) -> dict:
    """Build (a) once with the capture hook; make proj_b: same project, pages pre-rendered, no macros."""
    proj_a, proj_b = proj_a.resolve(), proj_b.resolve()
    cfg = read_config(proj_a / "mkdocs.yml")
    hooks = list(cfg.get("hooks") or [])
    (proj_a / "bench_capture_hook.py").write_text(CAPTURE_HOOK, encoding="utf-8")
    (proj_a / "mkdocs.bench-capture.yml").write_text(
        "INHERIT: mkdocs.yml\n" + yaml.safe_dump({"hooks": hooks + ["bench_capture_hook.py"]}), encoding="utf-8")
    if proj_b.exists():
        shutil.rmtree(proj_b)
    shutil.copytree(proj_a, proj_b, symlinks=True, ignore=lambda d, names: ["content"] if Path(d) == proj_a else [])
    captured = proj_b / "content"
    out = proj_a.parent / "capture-site"
    r = subprocess.run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.bench-capture.yml", "-d", str(out)],
                       cwd=proj_a, env={**env, "HB_BENCH_CAPTURE": str(captured), "HB_BENCH_PROJECT": str(proj_a)},
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"capture build failed:\n{r.stdout}\n{r.stderr}")
    stats = json.loads((proj_b / "capture-stats.json").read_text())
    shutil.rmtree(out, ignore_errors=True)
    # non-Markdown files of the docs dir (images, etc.) come along as they are
    for f in (proj_a / "content").rglob("*"):
        if f.is_file() and f.suffix != ".md":
            d = captured / f.relative_to(proj_a / "content")
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, d)
    left = [str(p.relative_to(captured)) for p in captured.rglob("*.md") if re.search(r"\{\{-?\s*\w+\s*\(\s*[\"')]", p.read_text(encoding="utf-8"))]
    if left:
        log(f"warning: macro syntax left in pre-rendered pages: {left[:5]}")
    # what macros' on_post_build adds (the offline search shim) becomes a static file of the docs dir
    shim = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
    dest = captured / "assets" / "vendor" / "iframe-worker" / "shim.js"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shim, dest)
    # the same config with the macros plugin removed (every other plugin and setting kept)
    plugins = [p for p in (cfg.get("plugins") or []) if not (p == "macros" or (isinstance(p, dict) and "macros" in p))]
    (proj_b / "mkdocs.bench-b.yml").write_text("INHERIT: mkdocs.yml\n" + yaml.safe_dump({"plugins": plugins, "hooks": hooks}),
                                               encoding="utf-8")
    for f in ("mkdocs.bench-capture.yml", "bench_capture_hook.py", "capture-stats.json"):
        (proj_b / f).unlink(missing_ok=True)
    return stats


# ============================================================================ timing


def run_timed(cmd: list[str], cwd: Path, env: dict) -> dict:
    """Run a child; wall time, CPU time and peak RSS (ru_maxrss) from os.wait4."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            out.seek(0)
            raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)} in {cwd}\n{out.read().decode(errors='replace')[-4000:]}")
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss}


def summarise(runs: list[dict]) -> dict:
    out = {"runs": len(runs)}
    for k in ("wall_s", "cpu_s", "maxrss_kb"):
        vals = [r[k] for r in runs]
        out[k] = {"min": min(vals), "median": statistics.median(vals), "all": [round(v, 4) for v in vals]}
    return out


def dir_size(d: Path) -> int:
    return sum(f.stat().st_size for f in d.rglob("*") if f.is_file())


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


# ============================================================================ own assets


def own_assets() -> dict:
    import rcssmin
    import rjsmin

    files = {}
    base = ROOT / "overrides" / "assets"
    for f in sorted((base / "javascripts").glob("*.js")) + sorted((base / "stylesheets").glob("*.css")):
        raw = f.read_bytes()
        text = raw.decode("utf-8")
        mini = (rjsmin.jsmin(text) if f.suffix == ".js" else rcssmin.cssmin(text)).encode("utf-8")
        files[str(f.relative_to(ROOT))] = {"raw": len(raw), "min": len(mini), "min_gz": gz(mini)}
    return {"files": files, "raw": sum(v["raw"] for v in files.values()), "min": sum(v["min"] for v in files.values()),
            "min_gz": sum(v["min_gz"] for v in files.values())}


# ============================================================================ browser


class Served:
    """A site on a loopback HTTP server (Python's own), for the browser measurements."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    def __init__(self, site: Path):
        handler = functools.partial(self.Handler, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def browser_available() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (make system-deps installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright is missing: {exc}"
    return None


class Browser:
    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        return self

    def __exit__(self, *exc):
        self.browser.close()
        self.pw.stop()

    def context(self):
        ctx = self.browser.new_context(service_workers="block")
        # nothing leaves this machine: any request to another host is refused (and counted)
        ctx.blocked = []

        def route(r):
            host = urlparse(r.request.url).hostname
            if urlparse(r.request.url).scheme in ("http", "https") and host not in ("127.0.0.1", "localhost"):
                ctx.blocked.append(r.request.url)
                return r.abort()
            return r.continue_()

        ctx.route("**/*", route)
        return ctx


TEXT_TYPES = ("text/", "javascript", "json", "xml", "svg", "css")


def first_visit(br: Browser, base: str, page_name: str = "index.html") -> dict:
    """Every response a first visit to one page fetches (fresh context: empty cache), gzipped as served."""
    ctx = br.context()
    got: list[dict] = []

    def on_response(resp):
        u = urlparse(resp.url)
        if u.scheme not in ("http", "https"):
            return
        try:
            body = resp.body()
        except Exception:  # e.g. a redirect or a cancelled request
            return
        ctype = (resp.headers.get("content-type") or "").split(";")[0]
        size = gz(body) if any(t in ctype for t in TEXT_TYPES) else len(body)
        got.append({"path": u.path, "type": ctype, "raw": len(body), "gz": size, "status": resp.status})

    ctx.on("response", on_response)
    page = ctx.new_page()
    page.goto(base + page_name, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    page.wait_for_load_state("networkidle")
    ctx.close()
    got.sort(key=lambda r: r["path"])
    return {"page": page_name, "responses": got, "requests": len(got), "raw": sum(r["raw"] for r in got),
            "gz": sum(r["gz"] for r in got), "blocked": ctx.blocked}


LOAF_INIT = """
window.__hbBench = {loaf: [], longtasks: []};
try { new PerformanceObserver(l => { for (const e of l.getEntries()) window.__hbBench.loaf.push({
    duration: e.duration, blocking: e.blockingDuration,
    scripts: e.scripts.map(s => ({url: s.sourceURL, fn: s.sourceFunctionName, invoker: s.invoker,
                                 duration: s.duration, forcedStyleAndLayout: s.forcedStyleAndLayoutDuration}))}) })
  .observe({type: 'long-animation-frame', buffered: true}); } catch (e) {}
try { new PerformanceObserver(l => { for (const e of l.getEntries()) window.__hbBench.longtasks.push(e.duration) })
  .observe({type: 'longtask', buffered: true}); } catch (e) {}
"""


def classify(url: str) -> str:
    path = urlparse(url).path
    if "/assets/javascripts/bundle." in path:
        return "material"
    if "/assets/javascripts/workers/" in path or "/assets/javascripts/lunr/" in path or "/search/" in path:
        return "search"
    if "/assets/javascripts/" in path:
        return "own"
    if "/assets/vendor/" in path:
        return "vendor"
    if path.endswith(".html") or path.endswith("/"):
        return "inline"
    return "other" if url else "(native)"


def profile_self_time(profile: dict) -> dict[str, float]:
    """Self time (ms) per script class from a CDP sampling profile."""
    by_id = {n["id"]: n for n in profile["nodes"]}
    out: dict[str, float] = {}
    samples, deltas = profile.get("samples", []), profile.get("timeDeltas", [])
    for i, sid in enumerate(samples):
        dt = deltas[i + 1] if i + 1 < len(deltas) else 0
        node = by_id[sid]
        fn = node["callFrame"]["functionName"]
        if fn in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            cls = fn
        else:
            cls = classify(node["callFrame"]["url"])
        out[cls] = out.get(cls, 0.0) + dt / 1000.0
    return out


def record_page(br: Browser, base: str, namespace: str, runs: int) -> dict:
    """The learning record with every manifest field answered: script time per source, median of runs."""
    ctx = br.context()
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "record.html", wait_until="load")
    manifest = page.evaluate("() => { const e = document.getElementById('hb-manifest'); return e ? JSON.parse(e.content.textContent) : null }")
    if manifest is None:
        ctx.close()
        return {"skipped": "record.html has no <template id=hb-manifest>"}
    fields = manifest_fields(manifest)
    answers = {field_key(f): answer_for(f, i) for i, f in enumerate(fields)}
    kinds: dict[str, int] = {}
    for f in fields:
        kinds[str(f.get("type"))] = kinds.get(str(f.get("type")), 0) + 1
    key = f"hb:{namespace}:answers"
    # Store every answer. If the page's storage refuses the set (it keeps a backup and starts empty),
    # find (to within 2%) the most answers it accepts, measure with those, and say so.
    everything = list(answers.items())

    def accepted(count: int) -> dict:
        payload = json.dumps({"version": 1, "handbook": namespace, "answers": dict(everything[:count])})
        page.evaluate("([k, v]) => { localStorage.clear(); localStorage.setItem(k, v); }", [key, payload])
        page.reload(wait_until="load")
        page.wait_for_load_state("networkidle")
        st = page.evaluate("""() => { const s = window.hb && window.hb.storage;
            return {problem: s && s.problem ? s.problem() : null, stored: s && s.all ? Object.keys(s.all()).length : null,
                    backups: Object.keys(localStorage).filter(k => k.includes(':backup:')).length}; }""")
        st["ok"] = not st["problem"] and not st["backups"]
        return st

    refused = []
    state = accepted(len(everything))
    if not state["ok"]:
        refused.append({"answers": len(everything), "problem": state["problem"]})
        lo, hi = 0, len(everything)
        while hi - lo > max(1, hi // 50):
            mid = (lo + hi) // 2
            if accepted(mid)["ok"]:
                lo = mid
            else:
                hi = mid
        state = accepted(lo)
        answers = dict(everything[:lo])
        refused[-1]["most_accepted"] = lo
    payload = json.dumps({"version": 1, "handbook": namespace, "answers": answers})
    page.add_init_script(LOAF_INIT)
    cdp = ctx.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 100})  # microseconds
    per_run = []
    for _ in range(runs):
        cdp.send("Profiler.start")
        cdp.send("Performance.enable")
        page.reload(wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        prof = cdp.send("Profiler.stop")["profile"]
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        cdp.send("Performance.disable")
        perf = page.evaluate("""() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const res = performance.getEntriesByType('resource').filter(r => r.initiatorType === 'script')
                .map(r => ({url: r.name, duration: r.duration, size: r.encodedBodySize}));
            return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, resources: res,
                    loaf: window.__hbBench.loaf, longtasks: window.__hbBench.longtasks};
        }""")
        loaf_by: dict[str, float] = {}
        for fr in perf["loaf"]:
            for s in fr["scripts"]:
                cls = classify(s["url"])
                loaf_by[cls] = loaf_by.get(cls, 0.0) + s["duration"]
        shown = page.evaluate("""(marker) => {
            let n = 0;
            for (const el of document.querySelectorAll('input, textarea, select')) if ((el.value || '').includes(marker)) n++;
            const text = document.body.innerText; let i = -1;
            while ((i = text.indexOf(marker, i + 1)) !== -1) n++;
            return n; }""", "bench answer ")
        per_run.append({"profile_ms": profile_self_time(prof), "loaf_ms": loaf_by, "longtasks_ms": sum(perf["longtasks"]),
                        "script_duration_ms": metrics.get("ScriptDuration", 0) * 1000,
                        "task_duration_ms": metrics.get("TaskDuration", 0) * 1000,
                        "dcl_ms": perf["dcl"], "load_ms": perf["load"], "answers_shown": shown})
    ctx.close()

    def med(get):
        return statistics.median(get(r) for r in per_run)

    return {
        "fields": len(fields), "field_types": kinds, "answers": len(answers), "refused": refused, "stored": state["stored"],
        "text_answers": sum(1 for v in answers.values() if isinstance(v, str) and v.startswith("bench answer ")),
        "payload_bytes": len(payload), "runs": len(per_run),
        "own_ms": med(lambda r: r["profile_ms"].get("own", 0.0)),
        "material_ms": med(lambda r: r["profile_ms"].get("material", 0.0)),
        "inline_ms": med(lambda r: r["profile_ms"].get("inline", 0.0)),
        "own_loaf_ms": med(lambda r: r["loaf_ms"].get("own", 0.0)),
        "material_loaf_ms": med(lambda r: r["loaf_ms"].get("material", 0.0)),
        "script_duration_ms": med(lambda r: r["script_duration_ms"]),
        "longtasks_ms": med(lambda r: r["longtasks_ms"]),
        "load_ms": med(lambda r: r["load_ms"]),
        "answers_shown": med(lambda r: r["answers_shown"]),
        "page_errors": errors[:5],
        "per_run": per_run,
    }


def field_key(f: dict) -> str | None:
    k = f.get("key", f.get("id"))
    return k if isinstance(k, str) else None


def manifest_fields(manifest) -> list[dict]:
    """Every field the manifest lists: the dicts in any ``fields`` list, each named by its key (or id)."""
    found: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "fields" and isinstance(v, list):
                    found.extend(f for f in v if isinstance(f, dict) and field_key(f))
                    found.extend({"key": f} for f in v if isinstance(f, str))
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(manifest)
    seen, out = set(), []
    for f in found:
        if field_key(f) not in seen:
            seen.add(field_key(f))
            out.append(f)
    return out


def answer_for(field: dict, i: int):
    """A plausible answer for a field of the manifest; text for any type not known here."""
    kind = str(field.get("type") or "")
    opts = field.get("options") or field.get("choices")
    if kind in ("check", "checkbox", "boolean"):
        return True
    if isinstance(opts, list) and opts:
        o = opts[i % len(opts)]
        return o.get("id", o.get("value")) if isinstance(o, dict) else o
    if kind == "date":
        return "2026-01-15"
    if kind in ("rank", "number"):
        return str(i % 9 + 1)
    return f"bench answer {i}: a note written while reading, long enough to be realistic for a practitioner."


# ============================================================================ zensical (information only)


def zensical_setup(work: Path) -> tuple[Path | None, str]:
    venv = work / "zensical-venv"
    exe = venv / "bin" / "zensical"
    if exe.exists():
        return exe, zensical_version(venv)
    r = subprocess.run([PY, "-m", "venv", str(venv)], capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"venv failed: {r.stderr.strip()[-300:]}"
    r = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", ZENSICAL_SPEC], capture_output=True, text=True)
    if r.returncode != 0 or not exe.exists():
        return None, f"pip install {ZENSICAL_SPEC} failed: {(r.stderr or r.stdout).strip()[-500:]}"
    return exe, zensical_version(venv)


def zensical_version(venv: Path) -> str:
    r = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "show", "zensical"], capture_output=True, text=True)
    m = re.search(r"^Version: (.+)$", r.stdout, re.M)
    return m.group(1) if m else "?"


def zensical_config(proj_b: Path, overrides: bool = True) -> Path:
    """A standalone config for zensical: (b)'s, INHERIT resolved (zensical reads mkdocs.yml itself);
    without ``custom_dir`` if ``overrides`` is false."""
    text = (proj_b / "mkdocs.yml").read_text(encoding="utf-8")
    b = yaml.safe_load((proj_b / "mkdocs.bench-b.yml").read_text())
    text = re.sub(r"(?ms)^plugins:\n(?:[ \-].*\n|\n)*", "", text)
    if not overrides:
        text = re.sub(r"(?m)^\s+custom_dir:.*\n", "", text)
    text += "\n" + yaml.safe_dump({"plugins": b["plugins"]})
    cfg = proj_b / ("mkdocs.bench-z.yml" if overrides else "mkdocs.bench-z-plain.yml")
    cfg.write_text(text, encoding="utf-8")
    return cfg


def zensical_probe(zexe: Path, proj_b: Path, env: dict) -> tuple[Path | None, str]:
    """Find a config zensical builds: (b)'s own, else (b)'s without our overrides/. Returns (config, note)."""
    notes = []
    for overrides in (True, False):
        cfg = zensical_config(proj_b, overrides)
        r = subprocess.run([str(zexe), "build", "--clean", "-f", str(cfg)], cwd=proj_b, env=env, capture_output=True, text=True)
        if r.returncode == 0:
            return cfg, ("; ".join(notes + ["so timed without custom_dir (Material's own templates; our CSS and JS still listed)"]) if notes else "")
        err = [l.strip() for l in (r.stderr + r.stdout).splitlines() if l.strip()]
        err = [l for l in err if "error" in l.lower()] or err
        notes.append(f"with{'' if overrides else 'out'} overrides/ zensical failed: {err[-1][:200] if err else 'no message'}")
    return None, "; ".join(notes)


# ============================================================================ Lighthouse (issue #12)

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
    theme.pop("custom_dir", None)
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
            med = lambda k: statistics.median(r[k] for r in rs)  # noqa: E731
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
    L += ["", "Every run (performance; accessibility; layout shift):", "", "| page | site | performance | accessibility | layout shift | accessibility audits failed |", "|---|---|---|---|---|---|"]
    for label, v in lh["pages"].items():
        for site in ("handbook", "material"):
            a = v[site]["all"]
            L.append(f"| {label} | {site} | {', '.join(str(x) for x in a['performance'])} | {', '.join(str(x) for x in a['accessibility'])} | "
                     f"{', '.join(f'{x:.3f}' for x in a['cls'])} | {', '.join(v[site]['accessibility_failing']) or 'none'} |")
    return L


# ============================================================================ report


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


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


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
         f"- Python {m['python']}, MkDocs {m['mkdocs']}, Material {m['mkdocs-material']}, mkdocs-macros {m['mkdocs-macros-plugin']}; {m['chromium'] or 'no chromium'}.",
         f"- {res['runs']} runs per scale, interleaved (a, b, c, a, b, c, …).",
         "", "## Build time: our layer against Material alone", "",
         "(a) the handbook as it is; (b) the same pages with every macro's output written into the Markdown, built by "
         "Material with no macros plugin (same theme, search and offline plugins); (c) `python -m macros check` alone "
         "(load + validate data/ and check the pages' macro calls, in a fresh process).", "",
         "Times are CPU seconds (user + sys of the build process, from os.wait4), median (min); the machine is shared, "
         "so CPU time is the headline and wall-clock time is beside it.", "",
         "| scale | pages | case studies | prompts | competency items | (a) handbook | (b) Material only | (c) validation | **a/b** | a/b wall median | a/b wall min | (a) wall | (b) wall | (c) wall |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for sc in res["scales"]:
        a, b, c, n = sc["a"], sc["b"], sc["c"], sc["counts"]
        L.append(f"| ×{sc['scale']} | {sc['pages']} | {n['case_studies']} | {n['prompts']} | {n['competency_items']} | {fmt_s(a['cpu_s'])} | {fmt_s(b['cpu_s'])} | {fmt_s(c['cpu_s'])} | "
                 f"**{sc['overhead']:.3f}** | {sc['overhead_wall']:.3f} | {sc['overhead_wall_min']:.3f} | {fmt_s(a['wall_s'])} | {fmt_s(b['wall_s'])} | {fmt_s(c['wall_s'])} |")
    L += ["", "Where our layer's time goes, from one instrumented build of (a) per scale (the build that captures the "
          "pre-rendered pages; CPU seconds of the build process, time.process_time):", "",
          "| scale | data loads per build | import macros/ (jsonschema, Jinja…) | define_env | of which load + validate | macros on pages (mkdocs-macros) | of which our renders | renders | sum | (a) − (b) CPU median |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for sc in res["scales"]:
        cap = sc["capture"]
        tot = cap.get("import_s", 0) + cap.get("define_env_s", 0) + cap.get("page_macros_s", 0)
        L.append(f"| ×{sc['scale']} | {cap['loads']} | {cap.get('import_s', 0):.2f} | {cap.get('define_env_s', 0):.2f} | {cap['load_s']:.2f} | "
                 f"{cap.get('page_macros_s', 0):.2f} | {cap['render_s']:.2f} | {cap['renders']} | {tot:.2f} | {sc['a']['cpu_s']['median'] - sc['b']['cpu_s']['median']:.2f} |")
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
        L.append(f"| ×{sc['scale']} | {sc['a']['maxrss_kb']['median'] / 1024:.0f} MB | {sc['b']['maxrss_kb']['median'] / 1024:.0f} MB | {sc['c']['maxrss_kb']['median'] / 1024:.0f} MB | "
                 f"{kb(sc['site_bytes'])} | {kb(sc['site_b_bytes'])} | {kb(sc['search_index_bytes'])} | {kb(sc['search_index_js_bytes'])} | {sc['largest_page'][0]} {kb(sc['largest_page'][1])} |")
    oa = res["own_assets"]
    L += ["", "## Our own JavaScript and CSS", "",
          f"Files under `overrides/assets/` (javascripts/*.js, stylesheets/*.css), minified (rjsmin / rcssmin) then gzipped (level {GZIP_LEVEL}), each as a browser fetches it:", "",
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
        one = fv.get("handbook ×1")
        plain = fv.get("plain Material")
        if one and plain:
            L += ["", "Every response of the two first visits (gzipped bytes; own assets are served as written, not minified):", "",
                  "| path | handbook ×1 | plain Material |", "|---|---|---|"]
            norm = lambda p: re.sub(r"\.[0-9a-f]{8}\.", ".", p)  # noqa: E731  (Material's hashed names)
            h = {norm(r["path"]): r["gz"] for r in one["responses"]}
            q = {norm(r["path"]): r["gz"] for r in plain["responses"]}
            for url_path in sorted(set(h) | set(q)):
                L.append(f"| `{url_path}` | {h.get(url_path, '')} | {q.get(url_path, '')} |")
            L.append(f"| **total** | **{one['gz']}** | **{plain['gz']}** |")
    else:
        L.append(f"Skipped: {fv.get('skipped') if fv else 'not run'}.")
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
              "| scale | fields answered | text answers shown | own scripts ms (profile) | Material bundle ms (profile) | own ms (LoAF) | Material ms (LoAF) | all script ms (CDP) | load event ms |",
              "|---|---|---|---|---|---|---|---|---|"]
        for s, r in rec.items():
            if r.get("skipped"):
                L.append(f"| ×{s} | skipped: {r['skipped']} |||||||| ")
                continue
            L.append(f"| ×{s} | {r['answers']} of {r['fields']} | {r['answers_shown']:.0f} of {r['text_answers']} | {r['own_ms']:.1f} | {r['material_ms']:.1f} | {r['own_loaf_ms']:.1f} | {r['material_loaf_ms']:.1f} | {r['script_duration_ms']:.1f} | {r['load_ms']:.0f} |")
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
        plain = make_plain_material(work, env)
        res["first_visit"] = {}
        res["record"] = {}
        with Browser() as br:
            for sc in res["scales"]:
                with Served(work / f"x{sc['scale']}" / "site-a") as base:
                    res["first_visit"][f"handbook ×{sc['scale']}"] = first_visit(br, base)
            with Served(plain) as base:
                res["first_visit"]["plain Material"] = first_visit(br, base)
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


def counts_of(proj: Path) -> dict:
    head, prompts = read_data(proj / "data" / "prompts.yml")
    _, cases = read_data(proj / "data" / "case-studies.yml")
    _, lists = read_data(proj / "data" / "lists.yml")
    comp = [l for l in lists["lists"] if any(l["id"] == c or l["id"].startswith(c + "-x") for c in COMPETENCY_LISTS)]
    return {"case_studies": len(cases["case_studies"]), "prompts": len(prompts["prompts"]),
            "competency_items": sum(len(l["items"]) for l in comp), "pages": len(list((proj / "content").rglob("*.md")))}


def prune_config(proj_b: Path) -> Path:
    """(b)'s config with navigation.prune added to the theme's features (INHERIT merges the theme mapping)."""
    theme = read_config(proj_b / "mkdocs.yml").get("theme") or {}
    features = list(theme.get("features") or [])
    if "navigation.prune" not in features:
        features.append("navigation.prune")
    cfg = proj_b / "mkdocs.bench-b-prune.yml"
    cfg.write_text("INHERIT: mkdocs.bench-b.yml\n" + yaml.safe_dump({"theme": {"features": features}}), encoding="utf-8")
    return cfg


def nav_bytes(page: Path) -> int:
    """Bytes of Material's primary navigation in one built page (it is repeated in every page)."""
    html = page.read_text(encoding="utf-8")
    m = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', html, re.S)
    return len(m.group(0).encode()) if m else 0


def zensical_site(proj_b: Path, cfg: Path) -> Path | None:
    site_dir = (yaml.load(cfg.read_text(), Loader=_Loader) or {}).get("site_dir", "site")
    p = proj_b / site_dir
    return p if p.exists() else None


def make_plain_material(work: Path, env: dict) -> Path:
    """A plain Material site (what `mkdocs new` makes, with Material and no web fonts) for the first-visit comparison."""
    d = work / "plain-material"
    if d.exists():
        shutil.rmtree(d)
    (d / "docs").mkdir(parents=True)
    (d / "docs" / "index.md").write_text("# Welcome to MkDocs\n\nFor full documentation visit mkdocs.org.\n", encoding="utf-8")
    (d / "mkdocs.yml").write_text("site_name: My Docs\nuse_directory_urls: false\ntheme:\n  name: material\n  font: false\n", encoding="utf-8")
    subprocess.run([PY, "-m", "mkdocs", "build", "-q"], cwd=d, env=env, check=True)
    return d / "site"


def record_linearity(rec: dict) -> dict | None:
    """Own script time per answer and per field at each scale, and how it grew between the two largest."""
    pts = sorted((int(s), r) for s, r in rec.items() if isinstance(r, dict) and "own_ms" in r)
    if len(pts) < 2:
        return None
    (_, lo), (_, hi) = pts[-2], pts[-1]
    return {
        "per_scale": [{"scale": s, "fields": r["fields"], "answers": r["answers"], "own_ms": r["own_ms"],
                       "ms_per_answer": r["own_ms"] / max(1, r["answers"]), "ms_per_field": r["own_ms"] / max(1, r["fields"])}
                      for s, r in pts],
        "from": pts[-2][0], "to": pts[-1][0],
        "answers_ratio": hi["answers"] / max(1, lo["answers"]), "fields_ratio": hi["fields"] / max(1, lo["fields"]),
        "time_ratio": hi["own_ms"] / max(1e-9, lo["own_ms"]),
    }


def finish(res: dict, scales: list[int], out: Path) -> None:
    by = {sc["scale"]: sc for sc in res["scales"]}
    targets = []
    for s in scales:
        ov = by[s]["overhead"]
        targets.append({"target": f"overhead a/b ≤ {TARGET_OVERHEAD} at ×{s}", "figure": f"{ov:.3f} CPU (wall median {by[s]['overhead_wall']:.3f}, wall min {by[s]['overhead_wall_min']:.3f})",
                        "held": ov <= TARGET_OVERHEAD})
    g = res["growth"]
    if g["a"] == g["a"]:
        targets.append({"target": "growth ×10→×100 no worse than Material's", "figure": f"handbook {g['a']:.2f}, Material only {g['b']:.2f} (CPU; wall {g['a_wall']:.2f} vs {g['b_wall']:.2f})",
                        "held": g["a"] <= g["b"] * 1.0 + 1e-9})
    oa = res["own_assets"]["min_gz"]
    targets.append({"target": "own JS + CSS ≤ 20 KB gzipped", "figure": f"{oa} bytes ({kb(oa)})", "held": oa <= TARGET_OWN_ASSETS_GZ})
    lin = res.get("record_linearity")
    if lin:
        # linear: the time per answer at the largest scale is within 1.5× of that at the one before
        per = lin["per_scale"]
        held = per[-1]["ms_per_answer"] <= per[-2]["ms_per_answer"] * 1.5
        targets.append({"target": "record page script time grows linearly with answers (per-answer time within 1.5× from scale to scale)",
                        "figure": f"×{lin['from']}→×{lin['to']}: answers ×{lin['answers_ratio']:.2f} (fields ×{lin['fields_ratio']:.2f}), own script time ×{lin['time_ratio']:.2f}; "
                                  + ", ".join(f"×{p['scale']} {p['ms_per_answer'] * 1000:.1f} µs/answer" for p in per), "held": held})
    else:
        targets.append({"target": "record page script time grows linearly with answers", "figure": f"not measured ({(res.get('record') or {}).get('skipped', 'no record page')})", "held": "not yet"})
    loads = {sc["scale"]: sc["capture"]["loads"] for sc in res["scales"]}
    targets.append({"target": "data loads and validates once per build", "figure": ", ".join(f"×{s}: {l}" for s, l in loads.items()),
                    "held": all(l == 1 for l in loads.values())})
    targets += lighthouse_targets(res.get("lighthouse"))
    res["targets"] = targets

    # notes derived from the figures
    notes = res["notes"]
    for sc in res["scales"]:
        cap = sc["capture"]
        notes.append(f"×{sc['scale']}: the data loaded and validated {'once' if cap['loads'] == 1 else str(cap['loads']) + ' times'} in the build, taking {cap['load_s']:.2f}s "
                     f"(`macros check`, in its own process with its imports: {sc['c']['cpu_s']['median']:.2f}s CPU); {cap['renders']} macro renders took "
                     f"{cap['render_s']:.2f}s. Material's navigation is {kb(sc['nav_bytes_index'])} of index.html, repeated in each of {sc['pages']} pages "
                     f"(about {kb(sc['nav_bytes_index'] * sc['pages'])} of a {kb(sc['site_bytes'])} site).")
    if 10 in by and 100 in by:
        notes.append(f"From ×10 to ×100 the site has {by[100]['pages'] / by[10]['pages']:.1f}× the pages and {by[100]['counts']['case_studies'] / by[10]['counts']['case_studies']:.1f}× "
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


if __name__ == "__main__":
    sys.exit(main())
