"""The handbook's command line: ``python -m macros check|build|serve|zip``.

- ``check``: validate mkdocs.yml, data/ and the pages' macro calls, without building (fast).
- ``build``: check, build with ``mkdocs build --strict`` into a temporary folder, and only on
  success swap it for the site folder (by default the config's ``site_dir``) in one step; a failed
  or interrupted build leaves the old site as it was. It only ever replaces a folder an earlier
  build made (one holding a ``.handbook-build`` file), never the project or its sources.
- ``serve``: check, then ``mkdocs serve`` (rebuilds when data/, macros/ or overrides/ change).
- ``zip``: build the file-openable edition (works from a shared drive, USB stick or VLE) and zip it,
  with an "Open the handbook.html" start file at the top.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Iterator

from . import settings
from .data import load
from .errors import BuildError, HandbookError
from .pages import check as check_pages
from .settings import shown as _shown

ROOT = Path(__file__).resolve().parent.parent

# Every site this command builds holds this file; it only ever replaces a folder that does.
MARKER = ".handbook-build"
MARKER_TEXT = """\
This folder was made by `python -m macros build` (the Coaching and Mentoring Handbook).
The build replaces a folder only if it holds this file, so that it can never delete anything
it did not make. The file does nothing else; it is safe to leave it in or to leave it out when
you copy the site to a web server.
"""
# What the offline zip leaves out: a sitemap is for search engines crawling a hosted copy (and
# without a site_url it lists no usable address), and the marker is for the build alone.
ZIP_LEAVES_OUT = {"sitemap.xml", "sitemap.xml.gz", MARKER}
ZIP_START = "Open the handbook.html"


# --------------------------------------------------------------------------- checking


def check(s: settings.Settings):
    """Validate the data and the pages, as the build would (the settings were checked as they were
    read); raises a HandbookError naming every problem. Returns the handbook loaded (a Handbook)."""
    hb = load(s.data_dir, s.local_data)
    check_pages(s.docs_dir, hb)
    return hb


def _items(hb) -> int:
    return sum(len(c) for c in (hb.lists, hb.definitions, hb.prompts, hb.case_studies, hb.principles, hb.glossary, hb.references, hb.forms))


# --------------------------------------------------------------------------- where a build may go


def site_dir(config: Path) -> Path:
    """The config's ``site_dir``, relative to the config file as MkDocs resolves it (after INHERIT)."""
    return settings.load(config).site_dir


def _sources(s: settings.Settings) -> list[tuple[str, Path]]:
    """What a build reads and must never delete: the config files, pages, data, theme and macros."""
    found = [("the config file", f) for f in s.config_files]
    found.append(("the pages folder, docs_dir,", s.docs_dir))
    found.append(("the data folder", s.data_dir))
    found += [("a local_data folder", d) for d in s.local_data]
    if s.files is not None:
        found.append(("the files folder, extra.handbook.files,", s.files))
    if s.custom_dir is not None:
        found.append(("the theme overrides folder, custom_dir,", s.custom_dir))
    found.append(("the macros folder", s.root / "macros"))
    found.append(("the macros folder", ROOT / "macros"))
    return [(what, p.resolve()) for what, p in found]


def _roots(s: settings.Settings) -> list[Path]:
    """Folders a build must never be or be above: the project and every config file's folder."""
    return [ROOT, *(f.resolve().parent for f in s.config_files)]


def _refuse(target: Path, why: str) -> BuildError:
    return BuildError(f"refusing to build into {_shown(target)}: {why}. Nothing was deleted or changed.")


def check_target(s: settings.Settings, target: Path) -> None:
    """Refuse a site folder that is, holds or sits inside the project's sources, or that an
    earlier build did not make (no marker file in it)."""
    target = target.resolve()
    for root in _roots(s):
        if target == root or target in root.parents:
            raise _refuse(target, f"it {'is' if target == root else 'holds'} the project's folder ({root}); "
                                  "build into site/ (the default) or a new folder with -d")
    for what, src in _sources(s):
        if target == src:
            raise _refuse(target, f"it is {what.rstrip(',')}")
        if target in src.parents:
            raise _refuse(target, f"it holds {what.rstrip(',')} ({_shown(src)})")
        if src in target.parents and src.is_dir():
            raise _refuse(target, f"it is inside {what.rstrip(',')} ({_shown(src)}), which the build reads")
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise _refuse(target, "it is a file, not a folder")
        if any(target.iterdir()) and not (target / MARKER).is_file():
            raise _refuse(target, f"it already holds files that no build of the handbook made (there is no {MARKER} file in it); "
                                  "choose a new or empty folder with -d, or, if it is an old build, delete it yourself first")


# --------------------------------------------------------------------------- replacing the site


def _build_prefix(site: Path) -> str:
    return f".{site.name}-build-"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[bool]:
    """An exclusive lock on ``path`` while the block runs; yields False if another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no locks; leftovers are still only ours by name and marker
        yield True
        return
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE). False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # no libc symbol (old glibc, musl)
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):  # kernel or filesystem cannot
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextlib.contextmanager
def _no_interrupts() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a few renames (they are delivered right after)."""
    sigs = {signal.SIGINT, getattr(signal, "SIGTERM", signal.SIGINT)}
    can = hasattr(signal, "pthread_sigmask")
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs) if can else None
    try:
        yield
    finally:
        if can:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _swap_in(new: Path, site: Path, work: Path) -> None:
    """Put the finished build ``new`` where ``site`` is; the old site ends up inside ``work``.

    On Linux one renameat2(RENAME_EXCHANGE) swaps them: there is never a moment without a complete
    site. Elsewhere two renames, with Ctrl-C held back between them; if the process is killed
    between them, the next build puts a complete site back (see ``_recover``)."""
    if not site.exists():
        new.rename(site)
        return
    if _exchange(new, site):
        return
    with _no_interrupts():
        site.rename(work / "old")
        try:
            new.rename(site)
        except OSError:
            (work / "old").rename(site)  # put the old site back before reporting
            raise


def _leftovers(site: Path) -> list[Path]:
    """Work folders a killed build left beside ``site``: our prefix and our marker (or empty for
    a minute: a build that has just made its folder writes the marker next)."""
    found = []
    if site.parent.is_dir():
        for p in site.parent.iterdir():
            if p.name.startswith(_build_prefix(site)) and p.is_dir() and not p.is_symlink():
                if (p / MARKER).is_file() or (not any(p.iterdir()) and time.time() - p.stat().st_mtime > 60):
                    found.append(p)
    return sorted(found)


def _recover(site: Path) -> list[str]:
    """Clean up after a killed build: put a complete site back if there is none, then delete the
    work folders no running build holds. Returns what was done, for the log."""
    done = []
    for work in _leftovers(site):
        lock = _locked(work / MARKER) if (work / MARKER).is_file() else contextlib.nullcontext(True)
        with lock as free:
            if not free:
                continue  # another build is using it right now
            if not site.exists():
                for candidate in (work / "site", work / "old"):
                    # a finished build (marker written last) or the old site moved aside by _swap_in
                    if candidate.is_dir() and ((candidate / MARKER).is_file() or candidate.name == "old"):
                        candidate.rename(site)
                        done.append(f"put back the complete site that an interrupted build left in {_shown(work)}")
                        break
            shutil.rmtree(work, ignore_errors=True)
            if not work.exists():
                done.append(f"removed {_shown(work)}, left by an interrupted build")
    return done


def prepare(s: settings.Settings, site: Path) -> None:
    """Refuse a wrong target, and put right what a killed build left, before anything else (so
    that a build that then fails its checks still leaves a complete site)."""
    check_target(s, site)
    try:
        site.parent.mkdir(parents=True, exist_ok=True)
        for line in _recover(site):
            print(line, file=sys.stderr)
    except OSError as exc:
        raise BuildError(f"cannot write beside {_shown(site)} ({exc.strerror}: {exc.filename}); nothing was changed. "
                         "Build into a folder you can write to with -d.") from None


def build(s: settings.Settings, site: Path, quiet: bool = False) -> None:
    """Build into a work folder beside ``site`` and swap it in only if the build passes."""
    site = site.resolve()
    prepare(s, site)
    try:
        work = Path(tempfile.mkdtemp(prefix=_build_prefix(site), dir=site.parent))
        (work / MARKER).write_text(MARKER_TEXT + "\nThis is a build's work folder; the next build removes it if it is left behind.\n", encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"cannot write beside {_shown(site)} ({exc.strerror}: {exc.filename}); nothing was changed. "
                         "Build into a folder you can write to with -d.") from None
    try:
        with _locked(work / MARKER):
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
            cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(s.config_file), "-d", str(work / "site")]
            if quiet:
                cmd.append("-q")
            result = subprocess.run(cmd, env=env)
            if result.returncode != 0:
                raise BuildError(f"build failed: {_shown(site)} was left as it was")
            try:
                (work / "site" / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # last: the build is complete
                _swap_in(work / "site", site, work)
            except OSError as exc:
                raise BuildError(f"could not put the new build in place of {_shown(site)} ({exc.strerror}); "
                                 f"{_shown(site)} was left as it was") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if work.exists():
        print(f"note: could not remove all of {_shown(work)} (the old site); the next build tries again", file=sys.stderr)


# --------------------------------------------------------------------------- the offline zip


def _is_handbook_zip(path: Path) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    return bool(names) and all(n == ZIP_START or n.startswith("handbook/") for n in names)


def _start_file(site_name: str, ui, lang: str) -> str:
    """The zip's start file: ``ui`` is the interface's words (a ui_text.UiText), ``lang`` the language of
    the built pages."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(default=True))
    return env.get_template("offline-zip/offline-start.html").render(site_name=site_name, ui=ui, lang=lang)


def _start_words(hb, site: Path):
    """The words and language the start file shares with the pages just built: the catalogue of ``hb``,
    the handbook `check` loaded before the build (data/ui.yml and any local folder's), and the
    <html lang> the theme gave the home page (from theme.language)."""
    from markupsafe import escape

    from .ui_text import from_handbook

    ui = from_handbook(hb, escape)
    try:
        found = re.search(r'<html\b[^>]*\blang="([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    except OSError:
        found = None
    return ui, found.group(1) if found else "en"


def make_zip(s: settings.Settings, out: Path, hb) -> Path:
    """Build into a temporary folder and write the zip beside ``out``, then rename it into place;
    ``hb`` is the handbook `check` loaded (the start file's words come from it)."""
    out = out.resolve()
    if out.is_dir():
        raise BuildError(f"refusing to write {_shown(out)}: it is a folder; name the zip file with -o")
    for what, src in _sources(s):
        if out == src or src in out.parents:
            raise BuildError(f"refusing to write {_shown(out)}: it is {what} or inside it. Nothing was changed.")
    if out.exists() and not _is_handbook_zip(out):
        raise BuildError(f"refusing to overwrite {_shown(out)}: it is not a handbook zip an earlier `zip` made. Nothing was changed.")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "handbook"
        build(s, site, quiet=True)
        start = _start_file(s.site_name, *_start_words(hb, site))
        prefix = f".{out.name}.tmp-"
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            for old in out.parent.glob(prefix + "*"):
                if old.is_file() and not old.is_symlink():
                    with _locked(old) as free:
                        if free:
                            old.unlink()
            fd, part = tempfile.mkstemp(prefix=prefix, dir=out.parent)
        except OSError as exc:
            raise BuildError(f"cannot write beside {_shown(out)} ({exc.strerror}); nothing was changed") from None
        part_path = Path(part)
        try:
            with os.fdopen(fd, "wb") as f, _locked(part_path):
                with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
                    z.writestr(ZIP_START, start)
                    for p in sorted(site.rglob("*")):
                        rel = p.relative_to(site)
                        if p.is_file() and rel.as_posix() not in ZIP_LEAVES_OUT:
                            z.write(p, "handbook/" + rel.as_posix())
                f.flush()
                os.fsync(f.fileno())
            os.replace(part_path, out)
        except OSError as exc:
            raise BuildError(f"could not write {_shown(out)} ({exc.strerror}); the old zip, if any, was left as it was") from None
        finally:
            part_path.unlink(missing_ok=True)
    return out


# --------------------------------------------------------------------------- the command line


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m macros", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-f", "--config-file", default="mkdocs.yml", help="the MkDocs config (default: mkdocs.yml)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check", help="validate data/ and the pages' macro calls without building")
    b = sub.add_parser("build", help="check, build strictly, replace the site only on success")
    b.add_argument("-d", "--site-dir", default=None, help="where to build (default: the config's site_dir, resolved relative to the config file)")
    s = sub.add_parser("serve", help="check, then serve with live reload")
    s.add_argument("-a", "--dev-addr", default="127.0.0.1:8000")
    z = sub.add_parser("zip", help="build the file-openable edition and zip it")
    z.add_argument("-o", "--output", default="dist/handbook-offline.zip")
    sub.add_parser("csp", help="print the Content-Security-Policy for a built site").add_argument("-d", "--site-dir", default="site")
    args = ap.parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        if args.cmd == "serve":
            return 0
        print("interrupted: the site and the zip were left as they were", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.cmd == "csp":  # reads the built site only: see macros/csp.py
        from .csp import main as csp
        return csp(Path(args.site_dir))
    config = Path(os.path.abspath(args.config_file))
    t0 = time.perf_counter()
    try:
        s = settings.load(config)
        site = None
        if args.cmd == "build":
            site = Path(args.site_dir).resolve() if args.site_dir else s.site_dir
            prepare(s, site)
        hb = check(s)
        if args.cmd == "check":
            print(f"data OK: {_items(hb)} items checked in {time.perf_counter() - t0:.2f}s")
            return 0
        if args.cmd == "build":
            build(s, site)
            print(f"built {_shown(site)}: serve it over HTTP or open {_shown(site / 'index.html')} from files")
            return 0
        if args.cmd == "serve":
            os.environ["NO_MKDOCS_2_WARNING"] = "1"
            return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", args.dev_addr])
        if args.cmd == "zip":
            made = make_zip(s, Path(args.output), hb)
            print(f"wrote {_shown(made)}: unzip it and open \"{ZIP_START}\"")
            return 0
    except HandbookError as exc:
        print(exc, file=sys.stderr)
        if exc.advice:
            print(exc.advice, file=sys.stderr)
        return 1
    return 2

if __name__ == "__main__":
    sys.exit(main())
