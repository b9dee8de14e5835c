"""mkdocs-macros wiring: load the data once per build and register the handbook's macros.

Everything else (loading, validation, rendering) is plain Python and Jinja in this package and
does not import MkDocs, so it can move to another front end.
"""
import contextlib
import time
from pathlib import Path
from typing import NoReturn

from . import settings as settings_module
from .data import load
from .errors import HandbookError
from .pages import PageEnvironment, check
from .registry import MACROS
from .render import Renderer
from .self_check import MAX_ANSWER_CHARS

# Listeners told how long the build's own work took (the benchmark's capture hook, bench/): each is
# called as listener(what, cpu_seconds), what being "define_env", "load" (data loaded and validated)
# or "macro" (one macro call on a page). Empty: nothing is timed.
timing_listeners: list = []


@contextlib.contextmanager
def _timed(what: str):
    if not timing_listeners:
        yield
        return
    start = time.process_time()
    try:
        yield
    finally:
        for listener in timing_listeners:
            listener(what, time.process_time() - start)


@_timed("define_env")
def define_env(env):
    from mkdocs.exceptions import PluginError
    from mkdocs.utils import get_relative_url

    # While `mkdocs serve` runs, a failed rebuild shows its problems in the browser (macros/serve_errors.py).
    # A PluginCollection registers the on_* methods of what is added to it, as MkDocs does for hooks.
    from .serve_errors import ServeErrors

    if "handbook-serve-errors" not in env.conf.plugins:
        env.conf.plugins["handbook-serve-errors"] = ServeErrors()

    try:
        # the same settings, read and checked the same way, as `python -m macros check` (macros/settings.py)
        settings = settings_module.load(env.conf["config_file_path"])
        with _timed("load"):
            hb = load(settings.data_dir, extra_dirs=settings.local_data)
        pages = check(Path(env.conf["docs_dir"]), hb)
    except HandbookError as exc:
        raise PluginError(str(exc)) from None
    env._hb_settings = settings

    def link(page: str, anchor: str = "") -> str:
        stem = page[: -len(".md")]
        if not env.conf["use_directory_urls"]:
            target = stem + ".html"
        elif stem == "index" or stem.endswith("/index"):
            target = stem[: -len("index")]
        else:
            target = stem + "/"
        here = env.page.url if env.page is not None else ""
        return get_relative_url(target, here) + (f"#{anchor}" if anchor else "")

    # The answer length limit, for overrides/main.html's <meta name="hb-max-answer-chars"> (storage.js).
    if not isinstance(env.conf["extra"].get("handbook"), dict):
        env.conf["extra"]["handbook"] = {}
    env.conf["extra"]["handbook"]["max_answer_chars"] = MAX_ANSWER_CHARS
    renderer = Renderer(hb, link=link, pages=pages, page_titles=_page_titles(env.conf["nav"]), namespace=settings.namespace)
    renderer.site_name = env.conf.get("site_name") or ""
    # The interface's words (data/ui.yml) for the theme's templates too (overrides/): config.extra.handbook.ui
    env.conf["extra"]["handbook"]["ui"] = renderer.ui
    renderer.current_page = lambda: env.page.file.src_uri if env.page is not None else None  # ids are checked per page
    renderer.school_contacts = settings.contacts
    renderer.school_welcome = settings.welcome  # a school's welcome for the home page: {{ welcome() }}
    for name in MACROS:
        env.macro(_reporting(getattr(renderer, name), env), name)
    env.variables["_handbook_abbr"] = renderer.abbreviations_markdown()
    _bundle_assets(env, settings)


def _bundle_assets(env, settings: settings_module.Settings) -> None:
    """One script and one stylesheet for the handbook's own files (macros/bundle.py): the pages get
    them instead of the files mkdocs.yml lists (which stay one per component, and are still copied
    into the site). The script runs after Material's bundle, in the listed order, from files or over
    HTTP: boot.js (minified on its own) fetches them after the page's first paint.
    The files of extra.handbook.page_bundles go into bundles of their own, which overrides/main.html
    lists only on pages with their components; Material's palette rules come in the stylesheet.
    ``extra.handbook.bundle: false`` keeps the listed files as they are (for debugging)."""
    from mkdocs.config.config_options import ExtraScriptValue
    from mkdocs.exceptions import PluginError

    from . import bundle

    env._hb_bundles = []
    conf = env.conf
    conf["extra"]["handbook"]["boot_path"] = bundle.BOOT  # as it is; minified below unless bundle: false
    if not settings.bundle:
        return
    dirs = [Path(conf["docs_dir"]), *(Path(d) for d in conf["theme"].dirs)]
    scripts = [s for s in conf["extra_javascript"]
               if bundle.bundleable(str(s)) and not getattr(s, "type", "") and not getattr(s, "async_", False)]
    styles = [str(s) for s in conf["extra_css"] if bundle.bundleable(str(s))]
    palette = conf["theme"].get("palette")
    try:
        groups = bundle.page_bundles(settings.page_bundles, [str(s) for s in scripts], Path(conf["config_file_path"]).name)
        palette_file = bundle.locate_palette(dirs[1:]) if palette and styles else None
        prefix = bundle.palette_subset(palette_file.read_text(encoding="utf-8"), palette) if palette_file else ""
        esbuild = bundle.esbuild_command(Path(env.project_dir))
        made = bundle.make({"js": [str(s) for s in scripts], "css": styles}, dirs, esbuild, groups, prefix, alone=(bundle.BOOT,))
    except (bundle.BundleError, OSError) as exc:
        raise PluginError(f"bundling the handbook's scripts and styles: {exc}") from None
    core = {b.kind: b for b in made if not b.group and not b.alone}
    js, css = core.get("js"), core.get("css")
    if js:
        tag = ExtraScriptValue(js.path)
        tag.defer = True
        conf["extra_javascript"] = [tag] + [s for s in conf["extra_javascript"] if s not in scripts]
        env._hb_bundles.append(js)
    if css:
        conf["extra_css"] = [css.path] + [str(s) for s in conf["extra_css"] if str(s) not in styles]
        env._hb_bundles.append(css)
    # for overrides/main.html: the page bundles (each added to pages with one of its components),
    # the map the core's loader.js reads, and whether the palette's rules are in our stylesheet
    built = [b for b in made if b.group]
    env._hb_bundles += built
    boot = next(b for b in made if b.alone == bundle.BOOT)
    env._hb_bundles.append(boot)
    conf["extra"]["handbook"]["boot_path"] = boot.path  # minified, named by its content
    modules = {g.name: g.modules for g in groups}
    conf["extra"]["handbook"]["page_bundle_paths"] = [
        {"path": b.path, "markers": [f'data-module="{m}"' for m in modules[b.group]]} for b in built]
    conf["extra"]["handbook"]["page_bundle_map"] = bundle.loader_map(built, groups)
    conf["extra"]["handbook"]["palette_in_bundle"] = bool(prefix and css)


def _page_titles(nav) -> dict[str, str]:
    """Page src path -> title, in navigation order (the learning record follows it)."""
    out: dict[str, str] = {}

    def walk(items):
        for entry in items or []:
            if isinstance(entry, dict):
                for title, target in entry.items():
                    if isinstance(target, str):
                        out.setdefault(target, title)
                    else:
                        walk(target)
            elif isinstance(entry, str):
                out.setdefault(entry, entry)

    walk(nav)
    return out


def _stop(lines: list[str]) -> NoReturn:
    """Stop the build while a page renders, with these ERROR lines and no traceback.

    The core raises a HandbookError (macros/errors.py); here, inside a page's rendering,
    mkdocs-macros catches every Exception and prints it with a traceback before it exits, and
    SystemExit is the one thing that passes through it (serve_errors shows it while serving).
    So this is the one place the handbook raises SystemExit."""
    import sys

    for line in lines:
        print(f"ERROR   -  {line}", file=sys.stderr)
    raise SystemExit(1)


def _reporting(macro, env):
    """A HandbookError from a macro (an unknown id computed at render time, which check cannot
    see; two items with one HTML id on a page): stop the build with its message."""
    import functools

    @functools.wraps(macro)
    def call(*args, **kwargs):
        try:
            with _timed("macro"):
                return macro(*args, **kwargs)
        except HandbookError as exc:
            page = env.page.file.src_uri if env.page is not None else "?"
            _stop([f"{Path(env.conf['docs_dir']).name}/{page}: {exc}"])

    return call


def on_pre_page_macros(env):
    """Render pages in the handbook's PageEnvironment, not mkdocs-macros' own Jinja environment.

    mkdocs-macros builds a plain jinja2.Environment after define_env has run, and renders each page
    with every variable it has (config, page, files, navigation, plugin...): live Python objects from
    which a page could reach os.popen. The page environment compiles only what pages.audit allows
    (calls of the handbook's macros with quoted arguments), is a sandbox, and passes no variables.
    """
    from mkdocs.exceptions import PluginError

    current = getattr(env, "_env", None)
    if isinstance(current, PageEnvironment):
        return
    if current is None or not isinstance(getattr(type(env), "env", None), property):
        raise PluginError("mkdocs-macros has changed how it keeps its Jinja environment (plugin._env); the handbook "
                          "will not render pages unsandboxed: install the mkdocs-macros-plugin version in requirements.txt")

    def refuse(source, problems):
        where, offset = _where(env, source)
        _stop([f"{where}:{line + offset}: {message}" for line, message in problems])

    env._env = PageEnvironment.like(current, {name: env.macros[name] for name in MACROS}, on_problems=refuse)
    if env.env is not env._env:
        raise PluginError("could not give mkdocs-macros the handbook's sandboxed page environment")


def _where(env, source: str) -> tuple[str, int]:
    """The page being rendered (path from the project) and how many lines its front matter takes."""
    page = env.page
    if page is None:
        return "(page)", 0
    rel = f"{Path(env.conf['docs_dir']).name}/{page.file.src_uri}"
    try:
        full = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return rel, 0
    if source and full.endswith(source):
        return rel, full[: len(full) - len(source)].count("\n")
    return f"{rel} (its title, from nav or front matter)", 0


def on_post_page_macros(env):
    """Give page prose the glossary's abbreviations too (Markdown `abbr`)."""
    abbr = env.variables.get("_handbook_abbr")
    if abbr:
        env.markdown += "\n\n" + abbr + "\n"


def on_post_build(env):
    """Write the bundles of the handbook's scripts and styles (made in define_env), copy the
    iframe-worker shim (npm) so offline search needs no other host, and an edition's own files
    (extra.handbook.files: a folder, e.g. a school's logo) into the site as they are."""
    import shutil

    from .bundle import write

    for made in getattr(env, "_hb_bundles", []):
        write(made, Path(env.conf["site_dir"]))

    settings = getattr(env, "_hb_settings", None)
    if settings is not None and settings.files is not None:  # checked to be a folder when the settings were read
        shutil.copytree(settings.files, env.conf["site_dir"], dirs_exist_ok=True)

    src = Path(env.project_dir) / "node_modules" / "iframe-worker" / "shim" / "index.js"
    if not src.exists():
        src = Path(__file__).resolve().parent.parent / "node_modules" / "iframe-worker" / "shim" / "index.js"
    dest = Path(env.conf["site_dir"]) / "assets" / "vendor" / "iframe-worker" / "shim.js"
    if src.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    else:
        from mkdocs.exceptions import PluginError

        raise PluginError("node_modules/iframe-worker is missing: run `npm ci` (the README's setup does) so offline search has its local shim")
