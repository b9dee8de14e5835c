"""The Content-Security-Policy a web server sends with the built handbook.

``python -m macros csp [-d SITE]`` prints the two header values for a built site: the policy
itself, whose ``script-src`` lists the SHA-256 hash of every inline script the build produced, and
the separate ``frame-ancestors`` policy a school widens to show the handbook inside its own Teams,
SharePoint or Google Sites. ``examples/nginx/handbook.conf`` (and the README) must send exactly these;
``tests/test_red_team_server.py`` rebuilds the site and fails when they drift (a Material upgrade or
an edit to an inline script in ``overrides/`` changes a hash), so run this and paste its output there.

Why hashes: Material writes three small inline scripts on every page (its storage helpers, the
reader's palette, the open tab), which cannot be moved to files without copying its templates, and
the 404 page's own first script has to be inline (it finds the folder every other address is
relative to). A hash allows exactly that text and nothing else; ``'unsafe-inline'`` would allow any
injected script. ``<script type="application/json">`` blocks (Material's config) are data, never
run, and need no hash; the learning record's manifest is in a ``<template>``, not a script at all.

No ``'unsafe-inline'`` for styles either: the built pages have no ``style`` attributes and no
``<style>`` elements, and Material's and the handbook's scripts set styles through the CSSOM
(``el.style``), which a policy does not restrict. ``img-src`` allows ``data:`` because Material's
stylesheet draws its icons from ``data:image/svg+xml`` URLs.
"""
from __future__ import annotations

import base64
import hashlib
import re
import sys
from pathlib import Path

#: Everything the policy allows, apart from the inline scripts' hashes. Nothing from another host.
DIRECTIVES = [
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
]
#: Sent as a second Content-Security-Policy header so that a school changes one short line.
FRAME_ANCESTORS = "frame-ancestors 'self'"

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]*)""", re.I)
_RUNS = {"", "text/javascript", "application/javascript", "module"}


def inline_scripts(site: Path) -> dict[str, list[str]]:
    """Every script a browser would run from inside the built pages: {hash source: [page, ...]}."""
    found: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for m in _SCRIPT.finditer(text):
            attrs, body = m.group(1), m.group(2)
            if re.search(r"\bsrc\s*=", attrs, re.I):
                continue
            kind = _TYPE.search(attrs)
            if kind and kind.group(1).lower() not in _RUNS:
                continue  # a data block (application/json): never run, so not subject to script-src
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
            found.setdefault(f"'sha256-{digest}'", []).append(str(page.relative_to(site)))
    return found


def policy(site: Path) -> str:
    """The Content-Security-Policy header value for this built site (without frame-ancestors)."""
    hashes = sorted(inline_scripts(site))
    parts = []
    for name, value in DIRECTIVES:
        if name == "script-src":
            value = " ".join([value, *hashes])
        parts.append(f"{name} {value}")
    return "; ".join(parts)


def main(site: Path) -> int:
    if not (site / "index.html").is_file():
        print(f"{site}: not a built handbook (no index.html); run `python -m macros build` first", file=sys.stderr)
        return 1
    scripts = inline_scripts(site)
    print(f"Content-Security-Policy: {policy(site)}")
    print(f"Content-Security-Policy: {FRAME_ANCESTORS}")
    print(f"\n{len(scripts)} inline scripts hashed:", file=sys.stderr)
    for source, pages in sorted(scripts.items()):
        where = pages[0] if len(pages) == 1 else f"{len(pages)} pages, e.g. {pages[0]}"
        print(f"  {source}  {where}", file=sys.stderr)
    print("Put the first value in examples/nginx/handbook.conf (both add_header lines) and in the README's nginx,\n"
          "Apache and IIS settings (IIS sends one header: the first value, then '; frame-ancestors ...').", file=sys.stderr)
    return 0
