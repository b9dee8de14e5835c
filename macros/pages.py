"""Check the macro calls written in content pages against the data, without building.

Also tells which page shows each prompt and form, in page order, so the learning record can group
answers by page and link back to where each was given.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from .data import Handbook, HandbookError, Problem
from . import render

CALL = re.compile(r"\{\{-?\s*([A-Za-z_]\w*)\s*\((.*?)\)\s*-?\}\}", re.S)
NAME = re.compile(r"\{\{-?\s*([A-Za-z_]\w*)\s*(?:\||-?\}\})")

# Every macro a page may call (the public methods of Renderer registered by macros/__init__).
MACROS = (
    "figure",
    "compare",
    "outline",
    "principles_outline",
    "definition",
    "definitions",
    "definitions_compared",
    "at_a_glance",
    "case_study",
    "case_studies",
    "prompt",
    "prompts",
    "principle",
    "principles",
    "glossary",
    "references",
    "contacts",
    "schema_reference",
    "self_check",
    "learning_record",
)
# Variables a page may use directly ({{ name }}); mkdocs-macros provides these.
VARIABLES = {"config", "page", "extra", "navigation", "environment", "plugin", "git", "files", "macros_info", "now", "fix_url"}


@dataclass
class PageIndex:
    """Where prompts and forms are shown: page src paths (relative to docs_dir), in page order."""

    prompt_pages: dict[str, str] = field(default_factory=dict)
    form_pages: dict[str, str] = field(default_factory=dict)
    # list id -> the page that shows it as a figure (first figure() call), for "Figure N" links
    list_pages: dict[str, str] = field(default_factory=dict)
    # (page, kind, id) in the order they appear on each page; kind is "prompt" or "form"
    order: list[tuple[str, str, str]] = field(default_factory=list)

    def place(self, page: str, kind: str, ident: str) -> None:
        where = self.prompt_pages if kind == "prompt" else self.form_pages
        if ident not in where:
            where[ident] = page
            self.order.append((page, kind, ident))


def scan(docs_dir: Path, hb: Handbook, extra_macros: tuple[str, ...] = ()) -> tuple[list[Problem], PageIndex]:
    """Return (problems, where prompts and forms are shown) for every page under docs_dir."""
    problems: list[Problem] = []
    index = PageIndex()
    root = docs_dir.parent
    known = set(MACROS) | set(extra_macros)
    for md in sorted(docs_dir.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        rel = str(md.relative_to(root))
        page = str(md.relative_to(docs_dir))
        for m in CALL.finditer(text):
            name, raw = m.group(1), m.group(2)
            line = text.count("\n", 0, m.start()) + 1
            if name not in known:
                problems.append(Problem(rel, line, f"unknown macro '{name}'; known macros: {', '.join(sorted(known))}", field=name))
                continue
            try:
                # positional arguments; keyword options such as caption=False are the renderer's
                call = ast.parse(f"_({raw})", mode="eval").body if raw.strip() else None
                args = tuple(ast.literal_eval(a) for a in call.args) if call is not None else ()
            except (ValueError, SyntaxError, AttributeError):
                continue  # a computed argument: checked when the page renders
            if name in render.Renderer.ID_ARGS and args:
                ids = [a for a in args[:2 if name == "compare" else 1] if isinstance(a, str)]
                attr, what = render.Renderer.ID_ARGS[name]
                coll = getattr(hb, attr)
                for ident in ids:
                    if ident not in coll:
                        problems.append(Problem(rel, line, f"macro '{name}': unknown {what} id '{ident}'; known ids: {', '.join(sorted(coll))}", field=name))
                if name == "prompt" and ids and ids[0] in hb.prompts:
                    index.place(page, "prompt", ids[0])
                if name == "prompts" and ids and ids[0] in hb.prompt_groups:
                    for p in hb.prompts.values():
                        if p["group"] == ids[0]:
                            index.place(page, "prompt", p["id"])
                if name == "case_study" and ids and ids[0] in hb.case_studies:
                    for q in hb.case_studies[ids[0]].get("questions") or []:
                        index.place(page, "prompt", q)
                if name == "self_check" and ids and ids[0] in hb.forms:
                    index.place(page, "form", ids[0])
                    shows = (hb.forms[ids[0]].get("items_from") or {}).get("list")
                    if shows:
                        index.list_pages.setdefault(shows, page)
                if name == "figure" and ids and ids[0] in hb.lists:
                    index.list_pages.setdefault(ids[0], page)
            if name == "case_studies":
                for cs in sorted(hb.case_studies.values(), key=lambda c: c["number"]):
                    for q in cs.get("questions") or []:
                        index.place(page, "prompt", q)
                index.list_pages.setdefault("@case-studies", page)
            if name == "principles":
                index.list_pages.setdefault("@principles", page)
            if name == "definitions_compared":
                index.list_pages.setdefault("@definitions", page)
        for m in NAME.finditer(text):
            name = m.group(1)
            if name not in VARIABLES and name not in known:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(Problem(rel, line, f"unknown variable '{name}'; pages may call the handbook's macros ({', '.join(sorted(known))})", field=name))
    form_file = hb.files["forms"].rel if "forms" in hb.files else "data/forms.yml"
    for fid in hb.forms:
        if fid not in index.form_pages and not hb.forms[fid].get("prompt_groups"):
            line = hb.files["forms"].loc.line(("forms", list(hb.forms).index(fid))) if "forms" in hb.files else 1
            problems.append(Problem(form_file, line, f"form '{fid}' is on no page; add {{{{ self_check(\"{fid}\") }}}} to the page it belongs on", fid, "id"))
    return problems, index


def check(docs_dir: Path, hb: Handbook, extra_macros: tuple[str, ...] = ()) -> PageIndex:
    problems, index = scan(docs_dir, hb, extra_macros)
    if problems:
        raise HandbookError(problems)
    return index
