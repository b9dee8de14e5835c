"""The handbook's command line: ``python -m macros check|build|serve|zip``.

- ``check``: validate data/ and the pages' macro calls, without building (fast).
- ``build``: check, build with ``mkdocs build --strict`` into a temporary folder, and only on
  success replace the site folder; a failed build leaves the old site as it was.
- ``serve``: check, then ``mkdocs serve`` (rebuilds when data/, macros/ or overrides/ change).
- ``zip``: build the file-openable edition (works from a shared drive, USB stick or VLE) and zip it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from .data import HandbookError, Problem, load
from .self_check import check_namespace
from .pages import check as check_pages

ROOT = Path(__file__).resolve().parent.parent


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml enough to find the data (ignores MkDocs' own tags)."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _config(path: Path) -> dict:
    cfg = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    parent = cfg.get("INHERIT")
    if parent:
        base = _config((path.parent / parent).resolve())
        extra = {**(base.get("extra") or {}), **(cfg.get("extra") or {})}
        hb = {**((base.get("extra") or {}).get("handbook") or {}), **((cfg.get("extra") or {}).get("handbook") or {})}
        base_dir = (path.parent / parent).resolve().parent
        # paths in the parent are relative to the parent
        if "handbook" in (base.get("extra") or {}) and "data_dir" not in ((cfg.get("extra") or {}).get("handbook") or {}):
            hb["data_dir"] = os.path.relpath(base_dir / base["extra"]["handbook"].get("data_dir", "data"), path.parent)
        if "docs_dir" not in cfg and "docs_dir" in base:
            cfg["docs_dir"] = os.path.relpath(base_dir / base["docs_dir"], path.parent)
        cfg = {**base, **cfg, "extra": {**extra, "handbook": hb}}
    return cfg


def check(config: Path) -> int:
    """Validate data and pages; print every problem. Returns the number of items checked."""
    cfg = _config(config)
    root = config.parent
    settings = (cfg.get("extra") or {}).get("handbook") or {}
    try:
        check_namespace(settings.get("namespace"))
    except ValueError as exc:
        lines = config.read_text(encoding="utf-8").splitlines()
        line = next((i for i, t in enumerate(lines, 1) if t.strip().startswith("namespace:")), 1)
        raise HandbookError([Problem(config.name, line, str(exc))]) from None
    hb = load((root / settings.get("data_dir", "data")).resolve(), [(root / d).resolve() for d in settings.get("local_data", [])])
    check_pages((root / cfg.get("docs_dir", "docs")).resolve(), hb)
    return sum(len(c) for c in (hb.lists, hb.definitions, hb.prompts, hb.case_studies, hb.principles, hb.glossary, hb.references, hb.forms))


def build(config: Path, site: Path, quiet: bool = False) -> None:
    """Build into a temporary sibling of ``site`` and swap it in only if the build passes."""
    site = site.resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site.name}-build-", dir=site.parent))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(tmp / "site")]
    if quiet:
        cmd.append("-q")
    try:
        result = subprocess.run(cmd, env=env)
        if result.returncode != 0:
            raise SystemExit(f"build failed: {site} was left as it was")
        old = None
        if site.exists():
            old = tmp / "old"
            site.rename(old)
        (tmp / "site").rename(site)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m macros", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-f", "--config-file", default="mkdocs.yml", help="the MkDocs config (default: mkdocs.yml)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check", help="validate data/ and the pages' macro calls without building")
    b = sub.add_parser("build", help="check, build strictly, replace the site only on success")
    b.add_argument("-d", "--site-dir", default="site")
    s = sub.add_parser("serve", help="check, then serve with live reload")
    s.add_argument("-a", "--dev-addr", default="127.0.0.1:8000")
    z = sub.add_parser("zip", help="build the file-openable edition and zip it")
    z.add_argument("-o", "--output", default="dist/handbook-offline.zip")
    sub.add_parser("csp", help="print the Content-Security-Policy for a built site").add_argument("-d", "--site-dir", default="site")
    args = ap.parse_args(argv)
    if args.cmd == "csp":  # reads the built site only: see macros/csp.py
        from .csp import main as csp
        return csp(Path(args.site_dir))
    config = Path(args.config_file).resolve()
    t0 = time.perf_counter()
    try:
        n = check(config)
    except HandbookError as exc:
        print(exc, file=sys.stderr)
        print("Nothing was built; fix the lines above and run again.", file=sys.stderr)
        return 1
    if args.cmd == "check":
        print(f"data OK: {n} items checked in {time.perf_counter() - t0:.2f}s")
        return 0
    if args.cmd == "build":
        try:
            build(config, Path(args.site_dir))
        except SystemExit as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"built {args.site_dir}: serve it over HTTP or open {args.site_dir}/index.html from files")
        return 0
    if args.cmd == "serve":
        os.environ["NO_MKDOCS_2_WARNING"] = "1"
        return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", args.dev_addr])
    if args.cmd == "zip":
        out = Path(args.output).resolve()
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / "handbook"
            try:
                build(config, site, quiet=True)
            except SystemExit as exc:
                print(exc, file=sys.stderr)
                return 1
            out.parent.mkdir(parents=True, exist_ok=True)
            made = shutil.make_archive(str(out.with_suffix("")), "zip", root_dir=tmp, base_dir="handbook")
        print(f"wrote {made}: unzip it and open handbook/index.html")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
