"""Check the macro calls written in content pages against the data, without building.

Also tells which page shows each prompt, so the learning record can link back to it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from .data import Handbook, HandbookError, Problem
from .render import Renderer

CALL = re.compile(r"\{\{-?\s*([A-Za-z_]\w*)\s*\((.*?)\)\s*-?\}\}", re.S)
NAME = re.compile(r"\{\{-?\s*([A-Za-z_]\w*)\s*(?:\||-?\}\})")

# Every macro a page may call (the public methods of Renderer registered by macros/__init__).
MACROS = (
    "figure",
    "compare",
    "definition",
    "definitions",
    "definitions_compared",
    "case_study",
    "case_studies",
    "prompt",
    "prompts",
    "principle",
    "principles",
    "glossary",
    "references",
    "schema_reference",
)
# Variables a page may use directly ({{ name }}); mkdocs-macros provides these.
VARIABLES = {"config", "page", "extra", "navigation", "environment", "plugin", "git", "files", "macros_info", "now", "fix_url"}


def scan(docs_dir: Path, hb: Handbook, extra_macros: tuple[str, ...] = ()) -> tuple[list[Problem], dict[str, str]]:
    """Return (problems, prompt id -> page src path) for every page under docs_dir."""
    problems: list[Problem] = []
    prompt_pages: dict[str, str] = {}
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
                args = ast.literal_eval(f"({raw},)") if raw.strip() else ()
            except (ValueError, SyntaxError):
                continue  # a computed argument: checked when the page renders
            if name in Renderer.ID_ARGS and args:
                ids = [a for a in args[:2 if name == "compare" else 1] if isinstance(a, str)]
                attr, what = Renderer.ID_ARGS[name]
                coll = getattr(hb, attr)
                for ident in ids:
                    if ident not in coll:
                        problems.append(Problem(rel, line, f"macro '{name}': unknown {what} id '{ident}'; known ids: {', '.join(sorted(coll))}", field=name))
                if name == "prompt" and ids and ids[0] in hb.prompts:
                    prompt_pages.setdefault(ids[0], page)
                if name == "prompts" and ids and ids[0] in hb.prompt_groups:
                    for p in hb.prompts.values():
                        if p["group"] == ids[0]:
                            prompt_pages.setdefault(p["id"], page)
                if name == "case_study" and ids and ids[0] in hb.case_studies:
                    for q in hb.case_studies[ids[0]].get("questions") or []:
                        prompt_pages.setdefault(q, page)
            if name == "case_studies":
                for cs in hb.case_studies.values():
                    for q in cs.get("questions") or []:
                        prompt_pages.setdefault(q, page)
        for m in NAME.finditer(text):
            name = m.group(1)
            if name not in VARIABLES and name not in known:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(Problem(rel, line, f"unknown variable '{name}'; pages may call the handbook's macros ({', '.join(sorted(known))})", field=name))
    return problems, prompt_pages


def check(docs_dir: Path, hb: Handbook, extra_macros: tuple[str, ...] = ()) -> dict[str, str]:
    problems, prompt_pages = scan(docs_dir, hb, extra_macros)
    if problems:
        raise HandbookError(problems)
    return prompt_pages
