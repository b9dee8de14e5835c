"""The handbook's own JavaScript and CSS, combined and minified at build time (issue #12).

Maintainers keep one source file per component (``overrides/assets/javascripts/*.js``,
``overrides/assets/stylesheets/*.css``) and list them in mkdocs.yml's ``extra_javascript`` and
``extra_css``. A first visit would fetch each of them; instead the build joins them, in the order
mkdocs.yml lists them, into one script and one stylesheet, minified by esbuild (npm, pinned in
package.json), and the pages reference only those. The names carry a hash of the content, so a
browser or proxy never keeps an old bundle after the handbook is updated.

Code that only some pages need (``extra.handbook.page_bundles``: a component's files, named by the
``data-module`` values that use them) goes into a bundle of its own, ``handbook-<name>.<hash>.min.js``,
which only pages with one of those components load (overrides/main.html); the bundle every page loads
(``loader.js`` in it) fetches it after Material's instant navigation to such a page.

Material's palette stylesheet holds every named colour; the pages need only the schemes and colours
``theme.palette`` uses. Those rules (:func:`palette_subset`) go at the start of the handbook's
stylesheet, and the page does not fetch Material's: one render-blocking request fewer.

Plain Python (no MkDocs import): ``macros/__init__.py`` hands over the lists and writes the result.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: Where the bundles go in the site, beside Material's own (``{hash}`` is the content's).
JS_NAME = "assets/javascripts/handbook.{hash}.min.js"
CSS_NAME = "assets/stylesheets/handbook.{hash}.min.css"
PAGE_JS_NAME = "assets/javascripts/handbook-{name}.{hash}.min.js"
#: A script minified on its own, not joined to the others (boot.js, which fetches them).
ALONE_JS_NAME = "assets/javascripts/{stem}.{hash}.min.js"
#: boot.js: every page names its scripts to it, and it adds them after the first paint (overrides/main.html).
BOOT = "assets/javascripts/boot.js"
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
    group: str = ""        # a page bundle's name ("" for the bundles every page loads)
    alone: str = ""        # the one file a script minified on its own comes from (boot.js)


@dataclass
class PageBundle:
    """extra.handbook.page_bundles.<name>: files only pages with one of `modules` need."""
    name: str
    modules: list[str]
    files: list[str]


KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def page_bundles(setting, scripts: list[str], where: str = "mkdocs.yml") -> list[PageBundle]:
    """The page bundles mkdocs.yml asks for (``extra.handbook.page_bundles``), checked: each names
    the components that need it (``modules``: data-module values) and its ``files``, each one a
    script extra_javascript lists (so the order is the list's) and in no other page bundle.
    Returned in the order of their files in extra_javascript."""
    if setting in (None, {}):
        return []
    at = f"{where}: extra.handbook.page_bundles"
    if not isinstance(setting, dict):
        raise BundleError(f"{at} must be a mapping of bundle names to {{modules: [...], files: [...]}}")
    out: list[PageBundle] = []
    owner: dict[str, str] = {}
    for name, spec in setting.items():
        if not isinstance(name, str) or not KEBAB.fullmatch(name):
            raise BundleError(f"{at}: '{name}' is not a kebab-case name (like learning-record)")
        if not isinstance(spec, dict) or set(spec) != {"modules", "files"}:
            raise BundleError(f"{at}.{name} must have exactly two lists: modules (data-module values) and files")
        for key in ("modules", "files"):
            v = spec[key]
            if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v):
                raise BundleError(f"{at}.{name}.{key} must be a non-empty list of names")
        for f in spec["files"]:
            if f not in scripts:
                raise BundleError(f"{at}.{name}.files: {f} is not in extra_javascript (list it there, where it should run)")
            if f in owner:
                raise BundleError(f"{at}.{name}.files: {f} is already in page bundle '{owner[f]}'")
            owner[f] = name
        out.append(PageBundle(name=name, modules=list(spec["modules"]), files=sorted(spec["files"], key=scripts.index)))
    return sorted(out, key=lambda b: scripts.index(b.files[0]))


def loader_map(made: list[Bundle], groups: list[PageBundle]) -> dict[str, list[str]]:
    """For the core's loader (loader.js): each component -> the file names of the page bundles it
    needs, in the order they must run (they all sit beside the core bundle)."""
    paths = {b.group: b.path.rsplit("/", 1)[-1] for b in made if b.group}
    out: dict[str, list[str]] = {}
    for g in groups:
        for m in g.modules:
            out.setdefault(m, []).append(paths[g.name])
    return out


def palette_subset(css: str, palette) -> str:
    """The rules of Material's palette stylesheet that the configured palette can use: a rule's
    selector is kept when every scheme, primary and accent colour it names is one ``theme.palette``
    sets (Material's own defaults, "default" and "indigo", always count). Comments are dropped;
    @media blocks keep their matching rules."""
    entries = palette if isinstance(palette, list) else [palette]
    used = {"scheme": {"default"}, "primary": {"indigo"}, "accent": {"indigo"}}
    for e in entries:
        if isinstance(e, dict):
            for key in used:
                if e.get(key):
                    used[key].add(str(e[key]).replace(" ", "-").lower())
    attr = re.compile(r"\[data-md-color-(scheme|primary|accent)=[\"']?([\w-]+)[\"']?\]")

    def wanted(selector: str) -> bool:
        return all(v in used[k] for k, v in attr.findall(selector))

    def rules(text: str) -> list[tuple[str, str]]:
        """(prelude, body) of each top-level block."""
        found, depth, start, prelude = [], 0, 0, ""
        for i, c in enumerate(text):
            if c == "{":
                if depth == 0:
                    prelude, start = text[start:i].strip(), i + 1
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    found.append((prelude, text[start:i]))
                    start = i + 1
        return found

    def keep(text: str) -> str:
        out = []
        for prelude, body in rules(text):
            if prelude.startswith("@"):
                inner = keep(body)
                if inner:
                    out.append(f"{prelude}{{{inner}}}")
                continue
            selectors = [s for s in prelude.split(",") if wanted(s)]
            if selectors:
                out.append(f"{','.join(selectors)}{{{body}}}")
        return "".join(out)

    return keep(re.sub(r"/\*.*?\*/", "", css, flags=re.S))


def locate_palette(dirs: list[Path]) -> Path | None:
    """Material's palette stylesheet in the theme's folders (its name carries Material's hash)."""
    for d in dirs:
        found = sorted((d / "assets" / "stylesheets").glob("palette.*.min.css"))
        if found:
            return found[0]
    return None


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


def make(lists: dict[str, list[str]], dirs: list[Path], esbuild: list[str],
         groups: list[PageBundle] | None = None, css_prefix: str = "", alone: tuple[str, ...] = ()) -> list[Bundle]:
    """One minified bundle per kind ("js", "css") that has files, then one per page bundle (its
    files are left out of the "js" one), then each script of `alone` minified by itself, all from
    one run of esbuild. css_prefix (the palette's rules) goes before the stylesheets."""
    groups = groups or []
    grouped = {f for g in groups for f in g.files}
    members = {"js": [p for p in lists.get("js", []) if p not in grouped], "css": list(lists.get("css", []))}
    for g in groups:
        members[f"{g.name}.js"] = list(g.files)
    for path in alone:
        members[f"{Path(path).stem}.alone.js"] = [path]
    joined = {key: join(key.rsplit(".", 1)[-1], paths, dirs) for key, paths in members.items() if paths}
    if css_prefix and "css" in joined:
        joined["css"] = "/* Material's palette: the schemes and colours theme.palette uses */\n" + css_prefix + "\n" + joined["css"]
    if not joined:
        return []
    out = _cached(joined, esbuild)
    if out is None:
        out = _minify(joined, esbuild)
    made = []
    for key, text in out.items():
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        group = one = ""
        if key.endswith(".alone.js"):
            one = members[key][0]
            name = ALONE_JS_NAME.format(stem=key[: -len(".alone.js")], hash=digest)
        elif key in ("js", "css"):
            name = (JS_NAME if key == "js" else CSS_NAME).format(hash=digest)
        else:
            group = key[: -len(".js")]
            name = PAGE_JS_NAME.format(name=group, hash=digest)
        made.append(Bundle(kind=key.rsplit(".", 1)[-1], path=name, text=text, members=members[key],
                           source_bytes=len(joined[key].encode("utf-8")), group=group, alone=one))
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
