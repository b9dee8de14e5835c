"""The words of the handbook's interface, from one catalogue: ``data/ui.yml`` (plain Python: no MkDocs import).

Headings, labels, buttons, hints, screen-reader names and empty states are looked up by key
(``"case-studies.filter-legend"``: component, then name) instead of being written in the templates,
so a second language is a data file, not a code change. The catalogue is a data file like the others:
``macros/data/`` reads it and checks it against ``data/schema/ui.schema.json`` (a missing, unknown or
misspelt key, or a value that lost one of its ``{placeholders}``, is reported with its file and line by
the build and by ``python -m macros check``). A local data folder's ``ui.yml`` (a school's edition)
replaces the values it gives, key by key.

Templates get one ``ui`` object (a Jinja global):

- ``ui("group.key", name=value)``: the text, HTML-escaped, with each ``{name}`` replaced by its value
  (escaped too, unless it is already markup, such as a link the template made);
- ``ui.md("group.key", ...)``: the same for a Markdown heading a template writes (escaped for Markdown
  as well, like data text with the ``md`` filter);
- ``ui.plain("group.key", ...)``: the plain text (for a filter such as ``text`` to escape);
- ``ui.script_attrs("group")``: the group's ``script`` texts as ``data-hb-i18n-NAME="..."`` attributes,
  for the component's root element: its JavaScript reads them with ``hb.text(root, "NAME", {...})``
  (overrides/assets/javascripts/i18n.js). They are on the component's own markup, so a page without
  the component carries none of them, and they work from ``file://`` with no request and no inline script.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from markupsafe import Markup, escape

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9-]*)\}")


class UnknownUiText(LookupError):
    """A template asked for a key the catalogue does not have (a template bug: the schema says which keys exist)."""


def _merge(into: dict, layer: dict) -> None:
    for key, value in layer.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def catalogue(layers: Iterable[dict[str, Any]]) -> dict:
    """The catalogue from the core's ui.yml and each local folder's (its values replace the core's)."""
    out: dict = {}
    for data in layers:
        if isinstance(data, dict):
            _merge(out, data)
    return out


def from_handbook(hb, md: Callable[[str], Markup]) -> "UiText":
    """The catalogue of a loaded Handbook (macros/data/ reads and checks every layer's ui.yml);
    ``md`` escapes text for Markdown (macros/render.py's filter of that name)."""
    return UiText(catalogue(layer["ui"].data for layer in hb.layers if "ui" in layer), md)


def html(text: str) -> Markup:
    """Text escaped for HTML text and double-quoted attributes (every template quotes its attributes
    with "; tests/test_ui_text.py holds them to it): & < > " are escaped, an apostrophe is left as
    it is, as the templates wrote it before the catalogue."""
    return Markup(str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;"))


class UiText:
    def __init__(self, texts: dict, md: Callable[[str], Markup] = escape):
        self.texts = texts
        self._md = md
        self._parts: dict[str, list[tuple[bool, str]]] = {}

    def _lookup(self, key: str) -> str:
        node: Any = self.texts
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise UnknownUiText(f"no interface text '{key}' in data/ui.yml (its schema, data/schema/ui.schema.json, lists the keys)")
            node = node[part]
        if not isinstance(node, str):
            raise UnknownUiText(f"'{key}' in data/ui.yml is a group of texts, not one text")
        return node

    def _split(self, key: str) -> list[tuple[bool, str]]:
        """The text as (is_placeholder, text) parts, once per key."""
        parts = self._parts.get(key)
        if parts is None:
            text, parts, pos = self._lookup(key), [], 0
            for m in PLACEHOLDER.finditer(text):
                parts += [(False, text[pos:m.start()]), (True, m.group(1))]
                pos = m.end()
            parts.append((False, text[pos:]))
            parts = self._parts[key] = [p for p in parts if p[1]]
        return parts

    def _fill(self, key: str, values: dict, escaper: Callable[[str], Markup], value_escaper: Callable[[str], Markup] | None = None) -> Markup:
        out = []
        for is_name, text in self._split(key):
            if not is_name:
                out.append(escaper(text))
            elif text in values:
                v = values[text]
                out.append(v if isinstance(v, Markup) else (value_escaper or escaper)(str(v)))
            else:
                raise UnknownUiText(f"interface text '{key}' has {{{text}}}, which the template does not fill")
        return Markup("".join(out))

    def __call__(self, key: str, /, **values) -> Markup:
        return self._fill(key, values, html, escape)  # values: data text, escaped as Jinja escapes it

    def md(self, key: str, /, **values) -> Markup:
        return self._fill(key, values, self._md_keep_spaces)

    def _md_keep_spaces(self, text: str) -> Markup:
        """Markdown-escaped text that keeps its spaces at either end ("Case study " before a number)."""
        if not text.strip():
            return Markup(" " if text else "")
        lead = " " if text[0].isspace() else ""
        trail = " " if text[-1].isspace() else ""
        return Markup(lead) + self._md(text) + Markup(trail)

    def plain(self, key: str, /, **values) -> str:
        return str(self._fill(key, values, str))

    def script_attrs(self, group: str) -> Markup:
        texts = self.texts.get(group, {}).get("script") if isinstance(self.texts.get(group), dict) else None
        if not isinstance(texts, dict):
            raise UnknownUiText(f"data/ui.yml has no texts for the script of '{group}' ({group}: script: ...)")
        return Markup("".join(Markup(' data-hb-i18n-{}="{}"').format(Markup(name), value) for name, value in texts.items()))
