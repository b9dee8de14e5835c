"""YAML with line numbers: a data file read safely, with the line of every node (no MkDocs import).

Anchors and aliases are refused before anything is composed (an alias bomb would hang the build),
and a key given twice gets plain advice (macros/yaml_advice.py).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from .. import yaml_advice
from ..errors import Problem


class _Located:
    """Line numbers for every node of one YAML document, keyed by path tuple."""

    def __init__(self) -> None:
        self.lines: dict[tuple, int] = {}
        self.key_lines: dict[tuple, int] = {}

    def line(self, path: Iterable) -> int:
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def _walk(node: yaml.Node, path: tuple, loc: _Located, dupes: list) -> None:
    loc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                dupes.append((path, key, line, seen[key]))
            seen[key] = line
            loc.key_lines[path + (key,)] = line
            _walk(value_node, path + (key,), loc, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _walk(child, path + (i,), loc, dupes)


@dataclass
class DataFile:
    name: str  # e.g. "lists"
    rel: str  # e.g. "data/lists.yml"
    data: Any
    loc: _Located
    digest: str = ""  # sha256 of the text it was read from (the schema check's cache key)

    def problem(self, path: Iterable, message: str, field: str | None = None, key_line: bool = False) -> Problem:
        path = tuple(path)
        line = self.loc.key_lines.get(path) if key_line else None
        return Problem(self.rel, line or self.loc.line(path), message, _item_id(self.data, path), field)


def _item_id(data: Any, path: tuple) -> str | None:
    """The id of the innermost item (a mapping with an 'id') on the path."""
    found = None
    node = data
    if isinstance(node, dict) and isinstance(node.get("id"), str):
        found = node["id"]
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found


# libyaml (C) parses several times faster than PyYAML's pure-Python parser; bench/ shows the cost.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# An anchor (&name) or alias (*name) always has one of these right after its & or *; most data files
# have none, so the event scan below costs them nothing.
_MAYBE_ANCHOR = re.compile(r"[&*][^\s,\[\]{}]")


class _AnchorFound(Exception):
    """Data files may not use YAML anchors or aliases (an alias bomb or a loop would hang the build)."""

    def __init__(self, line: int, kind: str, name: str) -> None:
        super().__init__(f"{kind} {name}")
        self.line, self.kind, self.name = line, kind, name


def _refuse_anchors(text: str, loader_class) -> None:
    """Scan the parser's events, before anything is composed, for an anchor or an alias."""
    if not _MAYBE_ANCHOR.search(text):
        return
    loader = loader_class(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise _AnchorFound(event.start_mark.line + 1, "alias", f"*{event.anchor}")
            if getattr(event, "anchor", None):
                raise _AnchorFound(event.start_mark.line + 1, "anchor", f"&{event.anchor}")
    finally:
        loader.dispose()


def _parse(text: str, loader_class) -> tuple[yaml.Node | None, Any]:
    """Compose the document once, with line marks, and build the data from those same nodes."""
    _refuse_anchors(text, loader_class)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def read_yaml(path: Path, rel: str, problems: list[Problem]) -> DataFile | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, 1, f"is not UTF-8 text ({exc.reason}); save it as UTF-8"))
        return None
    try:
        try:
            node, data = _parse(text, _FAST_LOADER)
        except yaml.YAMLError:
            node, data = _parse(text, yaml.SafeLoader)  # the pure-Python parser's messages and lines
    except yaml.MarkedYAMLError as exc:
        line, advice = yaml_advice.syntax_advice(text, exc)
        problems.append(Problem(rel, line, advice))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        problems.append(Problem(rel, 1, f"YAML error: {exc}"))
        return None
    except _AnchorFound as exc:
        problems.append(Problem(rel, exc.line, f"uses the {exc.kind} {exc.name}: anchors and aliases (&name, *name) are not allowed; write the text out"))
        return None
    loc = _Located()
    dupes: list = []
    if node is not None:
        _walk(node, (), loc, dupes)
    f = DataFile(path.stem, rel, data, loc, hashlib.sha256(text.encode("utf-8")).hexdigest())
    for parent, key, line, message in yaml_advice.duplicate_advice(text.splitlines(), dupes):
        problems.append(Problem(rel, line, message, _item_id(data, parent), str(key)))
    if any(key == "id" for _, key, _, _ in dupes):
        return None  # two items merged into one: what else it says about them would mislead
    return f
