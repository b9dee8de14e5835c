"""Steps 3 and 4: timed child processes (wall, CPU, peak memory), sizes, and our own JavaScript and
CSS minified and gzipped."""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from .common import ROOT, gz


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


def nav_bytes(page: Path) -> int:
    """Bytes of Material's primary navigation in one built page (it is repeated in every page)."""
    html = page.read_text(encoding="utf-8")
    m = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', html, re.S)
    return len(m.group(0).encode()) if m else 0
