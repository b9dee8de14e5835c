"""The handbook's own JavaScript and CSS, combined and minified at build time (issue #12).

Maintainers keep one source file per component (``overrides/assets/javascripts/*.js``,
``overrides/assets/stylesheets/*.css``) and list them in mkdocs.yml's ``extra_javascript`` and
``extra_css``. A first visit would fetch each of them; instead the build joins them, in the order
mkdocs.yml lists them, into one script and one stylesheet, minified by esbuild (npm, pinned in
package.json), and the pages reference only those. The names carry a hash of the content, so a
browser or proxy never keeps an old bundle after the handbook is updated.

Plain Python (no MkDocs import): ``macros/__init__.py`` hands over the lists and writes the result.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: Where the bundles go in the site, beside Material's own (``{hash}`` is the content's).
JS_NAME = "assets/javascripts/handbook.{hash}.min.js"
CSS_NAME = "assets/stylesheets/handbook.{hash}.min.css"
#: The oldest browsers the minified script may need to run in (esbuild would otherwise be free to
#: write newer syntax than the sources use). Material 9 itself needs about as much.
JS_TARGET = "es2017"


class BundleError(Exception):
    """A listed file cannot be found or esbuild cannot be run or fails; the message says which."""


@dataclass
class Bundle:
    kind: str              # "js" or "css"
    path: str              # site path of the bundle
    text: str              # its minified content
    members: list[str] = field(default_factory=list)  # the site paths it holds, in order
    source_bytes: int = 0


def bundleable(path: str) -> bool:
    """A file of the handbook itself (not another host's address, not an absolute path)."""
    return "://" not in path and not path.startswith(("/", "data:")) and path.endswith((".js", ".css"))


def locate(path: str, dirs: list[Path]) -> Path:
    """The file a site path comes from: the first of dirs (docs_dir, then the theme's folders,
    custom_dir first: MkDocs' own order) that has it."""
    for d in dirs:
        candidate = d / path
        if candidate.is_file():
            return candidate
    raise BundleError(f"{path} (listed in mkdocs.yml) is in none of {', '.join(str(d) for d in dirs)}")


def esbuild_command(project: Path) -> list[str]:
    """esbuild from the project's node_modules (npm ci installs it with its platform's binary)."""
    for root in (project, Path(__file__).resolve().parent.parent):
        exe = root / "node_modules" / ".bin" / "esbuild"
        if exe.exists():
            return [str(exe.absolute())]
    raise BundleError("node_modules/esbuild is missing: run `npm ci` (the README's setup does); the build "
                      "uses it to combine and minify the handbook's own scripts and styles")


def join(kind: str, paths: list[str], dirs: list[Path]) -> str:
    """The files' text in the given order. Each script is already a self-contained IIFE; a `;`
    between them keeps one file's last statement from running into the next."""
    parts = []
    for p in paths:
        src = locate(p, dirs)
        try:
            parts.append(f"/* {p} */\n" + src.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise BundleError(f"{src}: cannot be read as UTF-8 text ({exc})") from None
    return (";\n" if kind == "js" else "\n").join(parts)


def make(lists: dict[str, list[str]], dirs: list[Path], esbuild: list[str]) -> list[Bundle]:
    """One minified bundle per kind ("js", "css") that has files, from one run of esbuild."""
    joined = {kind: join(kind, paths, dirs) for kind, paths in lists.items() if paths}
    if not joined:
        return []
    out = _cached(joined, esbuild)
    if out is None:
        out = _minify(joined, esbuild)
    made = []
    for kind, text in out.items():
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        name = (JS_NAME if kind == "js" else CSS_NAME).format(hash=digest)
        made.append(Bundle(kind=kind, path=name, text=text, members=list(lists[kind]),
                           source_bytes=len(joined[kind].encode("utf-8"))))
    return made


def _cache_file(joined: dict[str, str], esbuild: list[str]) -> Path | None:
    """Where esbuild's output for exactly these inputs is kept between builds (esbuild's output is
    a function of its input text, its options and its own binary)."""
    from .cache import private_dir

    d = private_dir()
    if d is None:
        return None
    h = hashlib.sha256(Path(__file__).read_bytes())
    for part in esbuild:
        try:
            st = Path(part).resolve().stat()
            h.update(f"\0{Path(part).resolve()}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            h.update(f"\0{part}".encode())
    for kind, text in sorted(joined.items()):
        h.update(f"\0{kind}\0{len(text)}\0{text}".encode())
    return d / f"handbook-bundle-{h.hexdigest()}.json"


def _cached(joined: dict[str, str], esbuild: list[str]) -> dict[str, str] | None:
    path = _cache_file(joined, esbuild)
    if path is None:
        return None
    try:
        out = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(out, dict) or set(out) != set(joined) or not all(isinstance(v, str) for v in out.values()):
        return None
    return out


def _minify(joined: dict[str, str], esbuild: list[str]) -> dict[str, str]:
    from .cache import write_atomic

    with tempfile.TemporaryDirectory(prefix="hb-bundle-") as tmp:
        for kind, text in joined.items():
            (Path(tmp) / f"in.{kind}").write_text(text, encoding="utf-8")
        args = [*esbuild, *(f"in.{kind}" for kind in joined), "--minify", f"--target={JS_TARGET}",
                "--outdir=out", "--log-level=warning"]
        try:
            r = subprocess.run(args, cwd=tmp, capture_output=True, text=True, encoding="utf-8", timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BundleError(f"could not run esbuild ({' '.join(esbuild)}): {exc}") from None
        if r.returncode != 0:
            raise BundleError(f"esbuild could not minify the handbook's scripts and styles:\n{r.stderr.strip()}")
        out = {kind: (Path(tmp) / "out" / f"in.{kind}").read_text(encoding="utf-8") for kind in joined}
    path = _cache_file(joined, esbuild)
    if path is not None:
        write_atomic(path, json.dumps(out))
    return out


def write(bundle: Bundle, site_dir: Path) -> Path:
    dest = site_dir / bundle.path
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(bundle.text, encoding="utf-8")
    return dest
