"""Step 6 (information only): zensical, installed from PyPI into its own venv under bench/work,
building (b)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from .common import PY, _Loader

ZENSICAL_SPEC = "zensical"  # for information only; whatever PyPI has (the version is recorded)


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


def zensical_site(proj_b: Path, cfg: Path) -> Path | None:
    site_dir = (yaml.load(cfg.read_text(), Loader=_Loader) or {}).get("site_dir", "site")
    p = proj_b / site_dir
    return p if p.exists() else None
