"""Plain advice for the YAML mistakes a non-developer makes, with the lines concerned shown.

Called from macros/data/ where YAML is read (a syntax error, a key given twice) and where an id
does not resolve. Each function returns text only (no Problem objects), so macros/data/ stays the one
place that decides file, line, item and field.

The mistakes, and what YAML itself would say about them:

- a colon and a space inside a text ("title: Coaching: the basics"): "mapping values are not
  allowed here". Advice: put the text in quotes, with the line as it should be.
- a tab in the indentation: "found character '\\t' that cannot start any token". Advice: use spaces.
- a line indented more or less than the item's other lines: "mapping values are not allowed here"
  or "expected <block end>". Advice: the line and the one above, and how many spaces each has.
- a new item without its "- ": either a syntax error (when "id:" is where the "- " should be) or,
  when it is indented like the item above, no error at all: the new item's fields silently
  overwrite the one above's, and the only sign is each field "appearing twice". Keeping one, as a
  duplicate-key message would suggest, deletes an item; the advice is to add "- ".
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

import yaml

_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w-]*):(?:\s+(?P<value>.*))?$")


def show(lines: Sequence[str], numbers: Iterable[int], mark: int | None = None) -> str:
    """The given lines (1-based) as a small excerpt, the one at ``mark`` pointed at; tabs shown as →."""
    out = []
    for n in sorted(set(numbers)):
        if 1 <= n <= len(lines):
            text = lines[n - 1].replace("\t", "→")
            out.append(f"  {'>' if n == mark else ' '} {n:4} | {text}")
    return ("\n" + "\n".join(out)) if out else ""


def _above(lines: Sequence[str], n: int) -> int | None:
    """The number of the nearest line above n that holds something (not blank, not a comment)."""
    for k in range(n - 1, 0, -1):
        s = lines[k - 1].strip()
        if s and not s.startswith("#"):
            return k
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _quoted(key_part: str, value: str) -> str:
    value = value.strip()
    if '"' not in value:
        return f'{key_part}"{value}"'
    return key_part + "'" + value.replace("'", "''") + "'"


def syntax_advice(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """(line, message) for a YAML syntax error: what is wrong in plain words, how to fix it, and the
    line (with the one above where the mistake is about lining up)."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    n = mark.line + 1 if mark else 1
    col = mark.column if mark else 0
    problem = exc.problem or ""
    line = lines[n - 1] if 1 <= n <= len(lines) else ""

    # A tab in the indentation of this line or the one before (YAML trips over it there or just after).
    for k in (n, n - 1):
        if 1 <= k <= len(lines) and "\t" in lines[k - 1][: len(lines[k - 1]) - len(lines[k - 1].lstrip(" \t"))]:
            return k, ("line starts with a tab character; YAML indents with spaces only. Replace the tab (shown as →) "
                       "with spaces, lined up with the line above (set your editor to insert spaces for Tab)"
                       + show(lines, (_above(lines, k) or k, k), k))

    m = _KEY.match(line)
    above = _above(lines, n)
    if "mapping values are not allowed" in problem and m and m.group("value") is not None:
        first_colon = len(m.group("indent")) + len(m.group("dash") or "") + len(m.group("key"))
        value = m.group("value") or ""
        if col > first_colon and value[:1] not in ("'", '"', "{", "[", "|", ">"):
            fixed = _quoted(line[: first_colon + 1] + " ", value)
            return n, ("the text after '" + m.group("key") + ":' has a colon followed by a space, which YAML reads as the "
                       "start of another field. Put the text in quotes, like this:\n" + f"         {fixed}"
                       + show(lines, (n,), n))

    # A new item written without its "- ": "id:" (or another field) where the "- " should start.
    if m and m.group("key") == "id" and not m.group("dash") and above is not None and "expected <block end>" in problem:
        siblings = [l for l in lines if l.startswith(m.group("indent") + "- ") and len(m.group("indent")) == _indent(l)]
        if siblings:
            return n, ("this line looks like the start of a new item, but it has no '- ' in front of it. Add '- ' and indent the "
                       "item's other fields to line up after it, like the items around it:\n"
                       f"         {m.group('indent')}- {line.strip()}" + show(lines, (above, n), n))

    # The first item of a list written without its "- ": the next item's "- " is then what YAML trips over.
    if m and m.group("dash") and above is not None and "expected <block end>" in problem:
        i, k, first = _indent(line), above, None
        while k is not None and _indent(lines[k - 1]) > i:
            first = k
            k = _above(lines, k)
        fm = _KEY.match(lines[first - 1]) if first else None
        if fm and fm.group("key") == "id" and not fm.group("dash"):
            return first, ("this item has no '- ' in front of it, so YAML cannot read the items after it as one list. "
                           "Start it with '- ', lined up with the next item's, like this:\n"
                           f"         {' ' * i}- {lines[first - 1].strip()}" + show(lines, (first, n), first))

    if above is not None and ("expected <block end>" in problem or "mapping values are not allowed" in problem
                              or "did not find expected key" in problem or "could not find expected ':'" in problem):
        a, b = _indent(lines[above - 1]), _indent(line)
        if a != b:
            rel = "more" if b > a else "less"
            return n, (f"this line is indented {rel} than the line above ({b} spaces against {a}). The fields of one item "
                       "must start in the same column: line them up with the field above (or, for a new item, with the '- ' "
                       "of the items before it)" + show(lines, (above, n), n))
        return n, ("YAML could not read this line (" + (problem or "invalid YAML") + "). Check that it lines up with the line "
                   "above, that every text containing ': ' or starting with a quote is in quotes, and that each new item "
                   "starts with '- '" + show(lines, (above, n), n))

    what = problem or "invalid YAML"
    if exc.context:
        ctx = exc.context
        cm = exc.context_mark
        if cm is not None and mark is not None and cm.line != mark.line:
            ctx = f"{ctx} that starts on line {cm.line + 1}"
        what = f"{ctx}, {what}"
    if "quoted scalar" in (exc.context or ""):
        start = exc.context_mark.line + 1 if exc.context_mark else n
        return start, ("a text that starts with a quote mark never ends: close the quote at the end of the text, or, if the "
                       "text itself begins with a quote, put the whole text in the other kind of quotes"
                       + show(lines, (start,), start))
    return n, f"YAML syntax error: {what}; check indentation, colons and quotes" + show(lines, (above or n, n), n)


def duplicate_advice(lines: Sequence[str], dupes: list[tuple[tuple, Any, int, int]]) -> list[tuple[tuple, str, int, str]]:
    """Messages for keys given twice in one mapping, as (parent path, key, line, message).

    When one of them is ``id``, a new item was written without its "- " and merged into the item
    above: one message, at the second ``id``, saying to add "- ", instead of one "keep one" per field
    (keeping one would delete an item).
    """
    out = []
    merged: dict[tuple, int] = {}  # parent path -> the line where the unmarked item starts
    for parent, key, line, _first in dupes:
        if key == "id":
            merged[parent] = line
    for parent, key, line, first in dupes:
        start = merged.get(parent)
        if start is not None and line >= start:
            if key == "id":
                text = lines[line - 1] if line <= len(lines) else ""
                indent = text[: len(text) - len(text.lstrip(" "))]
                out.append((parent, key, line, (
                    f"a new item starts here but has no '- ' in front of it, so YAML has merged it into the item above "
                    f"(which starts on line {first}) and only one of the two would be kept. Write '- ' before 'id:' "
                    f"and line the item up with the others, like this:\n"
                    f"         {indent[:-2] if len(indent) >= 2 else ''}- {text.strip()}" + show(lines, (first, line), line))))
            continue  # the same merge: said once, at its id
        out.append((parent, key, line, f"appears twice in the same item (first on line {first}); keep one"
                    + show(lines, (first, line), line)))
    return out


# Where a new one of each kind of id is declared, for "is not the id of any ..." messages.
_WHERE_TO_ADD = (
    ("document", "add it to data/sources.yml under documents (id, file, title, author, description)"),
    ("value of facet", "add it to data/case-studies.yml under facets, in the values of facet {facet} ({{id: ..., label: ...}})"),
    ("facet", "add it to data/case-studies.yml under facets (id, label, values)"),
    ("prompt group", "add it to data/prompts.yml under groups (id, title)"),
    ("prompt", "add it to data/prompts.yml under prompts (id, group, text, source)"),
    ("scale", "add it to data/forms.yml under scales"),
    ("choices set", "add it to data/forms.yml under choices"),
    ("item of list", "add it to that list's items"),
    ("list", "add it to data/lists.yml (or guidance.yml, embedding.yml) under lists"),
)
MAX_LISTED = 15


def unknown_id_advice(value: str, what: str, known: Iterable[str], close: str | None) -> str:
    """'VALUE' is not the id of any WHAT: the ids there are (all, when there are few) and where to
    declare a new one."""
    known = sorted(known)
    msg = f"'{value}' is not the id of any {what}"
    if close:
        msg += f" (did you mean '{close}'?)"
    if known and len(known) <= MAX_LISTED:
        msg += f"; the ids there are: {', '.join(known)}"
    elif known:
        msg += f"; there are {len(known)} ids, e.g. {', '.join(known[:5])}"
    for kind, where in _WHERE_TO_ADD:
        if what.startswith(kind):
            facet = re.search(r"'([^']+)'", what)
            msg += f". To use a new one, {where.format(facet=repr(facet.group(1)) if facet else '')}"
            break
    return msg


def type_hint(expected: str, got: Any) -> str:
    """A hint for a wrong type that usually means a YAML slip rather than a wrong value."""
    if expected == "array" and isinstance(got, dict):
        return "; each entry of a list starts with '- ' (e.g. '  - id: ...'): add the '- ' in front of the first field of each entry"
    if expected == "string" and isinstance(got, dict):
        return "; if the text has a colon followed by a space, YAML reads it as a field: put the whole text in quotes"
    return ""
