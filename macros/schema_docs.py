"""Describe the data files' JSON Schemas as tables for the maintainers' page."""
from __future__ import annotations

from pathlib import Path

from .data import DATA_FILES, load_schemas


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
    schemas, _ = load_schemas(Path(data_dir))
    files = []
    for name in DATA_FILES:
        if name not in schemas:
            continue
        sch = schemas[name]
        rows: list[dict] = []
        _fields(sch, sch, schemas, "", rows, frozenset())
        files.append({"name": name, "title": sch.get("title", name), "description": sch.get("description", ""), "rows": rows})
    return files
