"""Step 2: the anchor (b). The handbook (a) is built once with capture_hook.py, which writes each page's
Markdown as it is after mkdocs-macros and times our layer; (b) is the same project with those pages
and a config without the macros plugin."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from .common import PY, ROOT, log, read_config

CAPTURE_HOOK = Path(__file__).resolve().parent / "capture_hook.py"
THEME_HOOK = Path(__file__).resolve().parent / "theme_hook.py"  # the theme's words for (b), which has no macros


def make_anchor(proj_a: Path, proj_b: Path, env: dict) -> dict:
    """Build (a) once with the capture hook; make proj_b: same project, pages pre-rendered, no macros."""
    proj_a, proj_b = proj_a.resolve(), proj_b.resolve()
    cfg = read_config(proj_a / "mkdocs.yml")
    hooks = list(cfg.get("hooks") or [])
    (proj_a / "mkdocs.bench-capture.yml").write_text(
        "INHERIT: mkdocs.yml\n" + yaml.safe_dump({"hooks": hooks + [str(CAPTURE_HOOK)]}), encoding="utf-8")
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
    (proj_b / "mkdocs.bench-b.yml").write_text("INHERIT: mkdocs.yml\n" + yaml.safe_dump({"plugins": plugins, "hooks": hooks + [str(THEME_HOOK)]}),
                                               encoding="utf-8")
    for f in ("mkdocs.bench-capture.yml", "capture-stats.json"):
        (proj_b / f).unlink(missing_ok=True)
    return stats


def prune_config(proj_b: Path) -> Path:
    """(b)'s config with navigation.prune added to the theme's features (INHERIT merges the theme mapping)."""
    theme = read_config(proj_b / "mkdocs.yml").get("theme") or {}
    features = list(theme.get("features") or [])
    if "navigation.prune" not in features:
        features.append("navigation.prune")
    cfg = proj_b / "mkdocs.bench-b-prune.yml"
    cfg.write_text("INHERIT: mkdocs.bench-b.yml\n" + yaml.safe_dump({"theme": {"features": features}}), encoding="utf-8")
    return cfg
