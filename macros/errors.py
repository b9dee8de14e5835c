"""The handbook's errors: one family, each carrying a message for the person who ran the command.

The command line (macros/__main__.py) prints a HandbookError's message and exits with 1 (no
traceback); the MkDocs front end (macros/__init__.py) turns it into a PluginError. Each kind says
where the mistake is (file:line, item, field) and what to do.

    HandbookError
    ├── ConfigError      mkdocs.yml (or a file it INHERITs) is unreadable or has a wrong setting
    │   └── SettingError   one wrong setting (from a validator; settings.load adds file:line)
    ├── DataError        data/ or a page's macro calls: every problem found, with file:line
    ├── UnknownId        a page asked a macro for an id the data does not have
    │   └── DuplicateHtmlId
    ├── PageError        a page holds Jinja that pages may not use (found as it is compiled)
    └── BuildError       a build or zip refused, or failed

ConfigError, SettingError and DataError are also ValueErrors, so code that caught the ValueError
these used to be keeps working.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake at one place: ``file:line: item 'ID': field 'NAME': message``."""

    file: str
    line: int
    message: str
    item: str | None = None
    field: str | None = None

    def format(self) -> str:
        parts = [f"{self.file}:{self.line}:"]
        if self.item:
            parts.append(f"item '{self.item}':")
        if self.field:
            parts.append(f"field '{self.field}':")
        parts.append(self.message)
        return " ".join(parts)


class HandbookError(Exception):
    """Something the handbook refuses; str() is the whole message for the person running it."""

    problems: list[Problem] = []
    # What the command line adds after the message, when nothing was built because of it.
    advice = "Nothing was built; fix the lines above and run again."


class DataError(HandbookError, ValueError):
    """Every problem found in the data and the pages' macro calls; str() is the full report."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in the handbook's data:\n" + "\n".join(p.format() for p in problems))


class ConfigError(HandbookError, ValueError):
    """mkdocs.yml (or a file it INHERITs) cannot be read or has a wrong setting; str() lists every problem."""

    advice = "Nothing was built; fix the config file and run again."

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class SettingError(ConfigError):
    """One wrong setting, found by a validator that does not know the file: ``key`` is its path
    under extra.handbook (e.g. ("contacts", 2, "name")), for settings.load to find the line."""

    def __init__(self, message: str, key: tuple = ()):
        self.key = key
        self.problems = []
        Exception.__init__(self, message)


class UnknownId(HandbookError, LookupError):
    """A page asked a macro for an id the data does not have (or a page cannot be built as asked)."""


class DuplicateHtmlId(UnknownId):
    """Two things on one page would have the same HTML id (links, labels and saved answers would
    go to the first)."""


class PageError(HandbookError):
    """A page holds Jinja that is not allowed; problems are (line, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.page_problems = problems
        super().__init__("; ".join(f"line {line}: {msg}" for line, msg in problems))


class BuildError(HandbookError):
    """A build or zip refused or failed, with a message for the person running it."""

    advice = ""


def unknown_id(macro: str, what: str, ident: str, known) -> str:
    """The one message for a macro given an id the data does not have."""
    return f"macro '{macro}': unknown {what} id '{ident}'; known ids: {', '.join(sorted(known))}"
