"""While ``mkdocs serve`` runs, a failed rebuild is shown in the browser, not only in the terminal.

MkDocs' live-reload server (mkdocs 1.6) keeps the last good site when a rebuild fails, logs "The
server will appear stuck until build errors are resolved", and holds every request until a build
succeeds: the maintainer's browser freezes on the old page with the reason in the terminal. Here the
server's builder is wrapped (``on_serve``): when a build fails, every page of the served site is
replaced by an error page that shows each problem (file:line: message), and the build counts as
done, so the browser reloads and shows it at once. The next build that passes writes the real pages
over it (MkDocs cleans the folder first) and the browser reloads again.

Plain Python: the server and config are used only through the attributes MkDocs' ``on_serve`` event
documents (``server.builder``, ``server.root``), so this module imports nothing from MkDocs; the
front end (macros/__init__.py) registers it as a plugin.
"""
from __future__ import annotations

import io
import logging
import sys
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader

TEMPLATES = Path(__file__).parent / "templates"
log = logging.getLogger("mkdocs.plugins.handbook")


class _Tee(io.TextIOBase):
    """Writes go to the real stream and are kept (the handbook's page checks print their ERROR lines)."""

    def __init__(self, stream):
        self.stream, self.kept = stream, io.StringIO()

    def write(self, s: str) -> int:
        self.kept.write(s)
        return self.stream.write(s)

    def flush(self) -> None:
        self.stream.flush()

    # Whatever asks the stream about itself gets the real stream's answer.
    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def encoding(self):  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def problems(exc: BaseException, logged: list[str], printed: str) -> list[str]:
    """What went wrong, one entry per problem, from the exception and what the build said."""
    out = [line.split("-  ", 1)[-1].strip() for line in printed.splitlines() if line.startswith("ERROR")]
    out += [m for m in logged if m not in out]
    text = str(exc).strip() if not isinstance(exc, SystemExit) or not isinstance(exc.code, int) else ""
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if text and filename and lineno:
        try:
            filename = str(Path(filename).resolve().relative_to(Path.cwd()))
        except ValueError:
            pass
        text = f"{filename}:{lineno}: {text}"
    if text and text not in out:
        out.append(text)
    return out or [f"{type(exc).__name__} (see the terminal for details)"]


def error_page(messages: list[str]) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return env.get_template("serve-errors/serve-error.html").render(messages=messages)


def show_error(site_dir: Path, messages: list[str], known: set[Path] = frozenset()) -> int:
    """Write the error page over every page of the served site, and every page the last good build
    had (MkDocs may have emptied the folder before it failed), and as index.html and 404.html. The
    server adds its reload script to each page it serves, so the browser reloads once the build passes.
    Returns the number of pages written."""
    html = error_page(messages)
    pages = set(site_dir.rglob("*.html")) | set(known) | {site_dir / "index.html", site_dir / "404.html"}
    for p in pages:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(html, encoding="utf-8")
    return len(pages)


def wrap_builder(build: Callable[[], None], site_dir: Path) -> Callable[[], None]:
    known = set(site_dir.rglob("*.html"))  # the pages of the last build that passed

    def build_or_show_error() -> None:
        records = _Records()
        logging.getLogger("mkdocs").addHandler(records)
        tee, real = _Tee(sys.stderr), sys.stderr
        sys.stderr = tee
        try:
            build()
            known.clear()
            known.update(site_dir.rglob("*.html"))
        except (Exception, SystemExit) as exc:  # SystemExit: the handbook's page checks stop the build with it
            sys.stderr = real
            messages = problems(exc, records.messages, tee.kept.getvalue())
            show_error(site_dir, messages, known)
            log.error("The build failed; the browser shows why. Fix it and save: the page reloads when the build passes.")
        finally:
            sys.stderr = real
            logging.getLogger("mkdocs").removeHandler(records)

    return build_or_show_error


class ServeErrors:
    """A plugin object: MkDocs calls ``on_serve`` once, after the first build, with the server."""

    def on_serve(self, server, config, builder=None, **kwargs):
        if not getattr(server, "_handbook_errors_shown", False) and callable(getattr(server, "builder", None)):
            server.builder = wrap_builder(server.builder, Path(server.root))
            server._handbook_errors_shown = True
        return server
