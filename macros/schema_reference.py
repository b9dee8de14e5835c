"""The maintainers' reference (``{{ schema_reference() }}``, templates/schema-reference/): the data files' JSON
Schemas described as tables, and the copy-and-paste templates (snippets/) filled from the data."""
from __future__ import annotations

from pathlib import Path

from .data import DATA_FILES, schema_documents


def _resolve(schema: dict, doc: dict, schemas: dict[str, dict]) -> tuple[dict, dict]:
    """Follow $ref (within `doc` or into another schema file); returns (schema, its document)."""
    ref = schema.get("$ref")
    if not ref:
        return schema, doc
    file, _, pointer = ref.partition("#")
    if file:
        doc = schemas[file[: -len(".schema.json")]]
    node = doc
    for part in [p for p in pointer.split("/") if p]:
        node = node[part]
    target, tdoc = _resolve(node, doc, schemas)
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}, tdoc


def _type_of(schema: dict, doc: dict, schemas: dict[str, dict]) -> str:
    ref = schema.get("$ref", "")
    for suffix, name in (("/id", "id (kebab-case)"), ("/text", "text"), ("/line", "text (one line)"),
                         ("/abbreviation", "text (one line, no [ ] \\)"), ("/source", "source {doc, at}")):
        if ref.endswith(suffix):
            return name
    s, d = _resolve(schema, doc, schemas)
    if "enum" in s:
        return "one of: " + ", ".join(map(str, s["enum"]))
    t = s.get("type")
    if t == "array":
        return f"list of {_type_of(s.get('items', {}), d, schemas)}"
    if t == "object" and "properties" not in s:
        return "mapping"
    return {"string": "text", "integer": "whole number", "object": "mapping"}.get(t, t or "mapping")


def _fields(schema: dict, doc: dict, schemas: dict[str, dict], prefix: str, out: list[dict], seen: frozenset) -> None:
    s, d = _resolve(schema, doc, schemas)
    if s.get("type") == "array":
        _fields(s.get("items", {}), d, schemas, prefix + "[]", out, seen)
        return
    required = set(s.get("required", []))
    for name, sub in s.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        r, rd = _resolve(sub, d, schemas)
        out.append({"field": path, "required": name in required, "type": _type_of(sub, d, schemas), "description": r.get("description", "")})
        inner = r.get("items", {}) if r.get("type") == "array" else r
        key = inner.get("$ref") or id(inner)
        if key in seen:
            continue  # recursive (nested items): described once
        if _resolve(inner, rd, schemas)[0].get("properties"):
            _fields(sub, d, schemas, path, out, seen | {key})


def describe_all(data_dir: Path) -> list[dict]:
    schemas = schema_documents(Path(data_dir))
    files = []
    for name in DATA_FILES:
        if name not in schemas:
            continue
        sch = schemas[name]
        rows: list[dict] = []
        _fields(sch, sch, schemas, "", rows, frozenset())
        files.append({"name": name, "title": sch.get("title", name), "description": sch.get("description", ""), "rows": rows})
    return files


# ------------------------------------------------------------------ copy-and-paste templates

SNIPPETS = Path(__file__).parent / "templates" / "schema-reference" / "snippets"


def templates(hb) -> list[dict]:
    """YAML a maintainer can paste to add a case study, a point for reflection or a glossary term:
    each passes `check` as pasted (tests/test_maintainers.py pastes them from the built page), with
    values taken from the data (the next case-study number, facet values and a source that exist).

    Returns [{id, title, file, where, yaml, page_line}]: ``yaml`` is plain text; ``page_line`` the
    macro call a page needs, if any.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(SNIPPETS)), autoescape=False, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    doc = next(iter(hb.documents.values()))
    at = (doc.get("parts") or ["Section 1"])[0]
    common = {"doc": doc["id"], "at": at}
    numbers = [cs["number"] for cs in hb.case_studies.values() if isinstance(cs.get("number"), int)]
    facets = [{"id": f["id"], "value": f["values"][0]["id"]} for f in hb.facets.values()]
    group = "points-for-reflection" if "points-for-reflection" in hb.prompt_groups else next(iter(hb.prompt_groups), "")
    out = [
        {"id": "case-study", "title": "A new case study", "file": "data/case-studies.yml",
         "where": "at the end of the file (under case_studies:)",
         "yaml": env.get_template("case-study.yml").render(slug="your-example", number=max(numbers, default=0) + 1, facets=facets, **common),
         "page_line": None},
        {"id": "prompt", "title": "A new point for reflection", "file": "data/prompts.yml",
         "where": "at the end of the file (under prompts:)",
         "yaml": env.get_template("prompt.yml").render(slug="your-question", group=group, **common),
         "page_line": '{{ prompt("reflect-your-question") }}'},
        {"id": "glossary-term", "title": "A new glossary term", "file": "data/glossary.yml",
         "where": "at the end of the file (under terms:)",
         "yaml": env.get_template("glossary-term.yml").render(slug="your-term", **common),
         "page_line": None},
    ]
    return out


def preformatted(text: str):
    """Text for a <pre> in a raw HTML block: escaped, with its line breaks as character references
    (the renderer joins a template's lines and drops blank ones) and braces too (no '{{' in a page)."""
    from markupsafe import Markup, escape

    return Markup(str(escape(text.rstrip("\n"))).replace("\n", "&#10;").replace("{", "&#123;").replace("}", "&#125;"))
