"""The data files' JSON Schemas: loading them, checking a file against its schema, and turning
jsonschema's errors into plain messages with file:line, item and field (no MkDocs import).

A data file that passed its schema check is remembered between builds, by the sha256 of its text,
of every schema, of this module and of the installed jsonschema/referencing, so that an unchanged
handbook is not validated (nor jsonschema imported) again. A file that failed is never remembered:
it is checked, and reported, every time.
"""
from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import yaml_advice
from ..errors import Problem
from .yamlfile import DataFile

if TYPE_CHECKING:
    from referencing import Registry


def _schema_texts(data_dir: Path) -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted((data_dir / "schema").glob("*.schema.json"))]


def schema_documents(data_dir: Path) -> dict[str, dict]:
    """Each schema file's JSON, by data file stem (what load_schemas gives, without the registry)."""
    return {p.name[: -len(".schema.json")]: json.loads(text) for p, text in _schema_texts(data_dir)}


def load_schemas(texts: list[tuple[Path, str]]) -> tuple[dict[str, dict], Registry]:
    from referencing import Registry, Resource

    schemas: dict[str, dict] = {}
    resources = []
    for p, text in texts:
        doc = json.loads(text)
        schemas[p.name[: -len(".schema.json")]] = doc
        resources.append((doc.get("$id", p.name), Resource.from_contents(doc)))
    return schemas, Registry().with_resources(resources)


_VALIDATORS = ("jsonschema", "referencing", "jsonschema_specifications")


def _passed_dir() -> Path | None:
    from ..cache import private_dir

    return private_dir()


def _schema_key(texts: list[tuple[Path, str]]) -> str:
    h = hashlib.sha256(Path(__file__).read_bytes())
    for mod in _VALIDATORS:
        spec = importlib.util.find_spec(mod)  # finds the package without importing it
        origin = Path(spec.origin) if spec and spec.origin else None
        h.update(f"\0{mod}\0{origin}\0".encode())
        if origin is not None:
            h.update(" ".join(sorted(p.name for p in origin.parent.parent.glob(f"{mod}-*.dist-info"))).encode())
    for p, text in texts:
        h.update(f"\0{p.name}\0{text}".encode())
    return h.hexdigest()


def _passed_marker(schema_key: str, local: bool, f: DataFile) -> Path | None:
    d = _passed_dir()
    if d is None or not f.digest:
        return None
    key = hashlib.sha256(f"{schema_key}\0{local}\0{f.name}\0{f.digest}".encode()).hexdigest()
    return d / f"handbook-schema-passed-{key}"


def _remember_passed(marker: Path | None) -> None:
    if marker is not None:
        try:
            marker.touch()
        except OSError:
            pass  # only a cache: the next build checks the file again


def inline_refs(schemas: dict[str, dict], registry: Registry) -> tuple[dict[str, dict], Registry]:
    """The same schemas with every non-recursive ``$ref`` replaced by what it points to.

    Validation then follows far fewer references (most were to the shared id, text and source
    definitions), which is most of its cost on large data. Recursive references (a list item's
    nested items) stay as references, into the inlined documents. The original reference is kept
    as ``x-ref`` (ignored by validation) so messages can still say what was expected.
    """

    def has_ref(node: Any) -> bool:
        if isinstance(node, dict):
            return "$ref" in node or any(has_ref(v) for v in node.values())
        if isinstance(node, list):
            return any(has_ref(v) for v in node)
        return False

    def walk(node: Any, resolver, stack: tuple) -> Any:
        if isinstance(node, list):
            return [walk(v, resolver, stack) for v in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            resolved = resolver.lookup(node["$ref"])
            key = id(resolved.contents)  # the same definition, however it is reached
            if key not in stack:
                target = walk(resolved.contents, resolved.resolver, stack + (key,))
                if isinstance(target, dict) and not has_ref(target):
                    extra = {k: v for k, v in node.items() if k != "$ref"}
                    return {**target, **extra, "x-ref": node["$ref"]}
            return {k: (v if k == "$ref" else walk(v, resolver, stack)) for k, v in node.items()}
        return {k: walk(v, resolver, stack) for k, v in node.items()}

    from referencing import Registry, Resource

    out: dict[str, dict] = {}
    resources = []
    for name, doc in schemas.items():
        uri = doc.get("$id", f"{name}.schema.json")
        out[name] = walk(doc, registry.resolver(base_uri=uri), ())
        resources.append((uri, Resource.from_contents(out[name])))
    return out, Registry().with_resources(resources)


def local_schema(schema: dict) -> dict:
    """The schema for a local data folder's file: it adds to the core, so it may leave out any of
    the file's top-level parts (a school's case-studies.yml needs no facets of its own, its
    sources.yml no references); whatever it does have is checked as in the core."""
    return _local_case_numbers({k: v for k, v in schema.items() if k != "required"})


def _local_case_numbers(schema: dict) -> dict:
    """A local case study needs no number: it is numbered after the core's (_number_local_case_study)."""
    items = (schema.get("properties", {}).get("case_studies") or {}).get("items")
    if not isinstance(items, dict) or "number" not in items.get("required", []):
        return schema
    items = {**items, "required": [r for r in items["required"] if r != "number"]}
    cases = {**schema["properties"]["case_studies"], "items": items}
    return {**schema, "properties": {**schema["properties"], "case_studies": cases}}


_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "array": "a list", "object": "a mapping (field: value)",
               "boolean": "true or false", "null": "nothing"}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text '{value[:40]}'" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _schema_error_to_problem(f: DataFile, err) -> Problem:
    path = tuple(err.absolute_path)
    field_name = next((str(p) for p in reversed(path) if isinstance(p, str)), None)
    v = err.validator
    schema = err.schema if isinstance(err.schema, dict) else {}
    desc = schema.get("description")
    if v == "required":
        missing = [k for k in err.validator_value if k not in (err.instance or {})][0]
        prop = schema.get("properties", {}).get(missing, {})
        hint = prop.get("description") or _expected_from(prop)
        return f.problem(path, f"is required but missing{'; expected ' + _lower_first(hint) if hint else ''}", field=missing)
    if v == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extras = [k for k in err.instance if k not in allowed]
        key = extras[0]
        close = difflib.get_close_matches(str(key), allowed, n=1)
        tip = f" (did you mean '{close[0]}'?)" if close else ""
        return f.problem(path + (key,), f"is not a known field{tip}; allowed fields: {', '.join(allowed)}", field=str(key), key_line=True)
    if v == "type":
        want = err.validator_value
        want = " or ".join(_TYPE_NAMES.get(w, w) for w in (want if isinstance(want, list) else [want]))
        return f.problem(path, f"expected {want}, got {_describe(err.instance)}{yaml_advice.type_hint(err.validator_value, err.instance)}", field=field_name)
    if v in ("minLength", "pattern") and isinstance(err.instance, str) and not err.instance.strip():
        return f.problem(path, "is empty; expected some text", field=field_name)
    if v == "pattern" and schema.get("x-message"):
        return f.problem(path, schema["x-message"], field=field_name)
    if v == "pattern" and schema.get("pattern", "").startswith("^[a-z0-9]"):
        return f.problem(path, f"'{err.instance}' is not a valid id; "
                         "expected kebab-case: lower-case letters and digits joined by single hyphens, e.g. 'open-questions'", field=field_name)
    if v == "enum":
        return f.problem(path, f"'{err.instance}' is not allowed; expected one of: {', '.join(map(str, err.validator_value))}", field=field_name)
    if v == "minItems":
        return f.problem(path, f"has {len(err.instance)} entries; expected at least {err.validator_value}", field=field_name)
    if v == "minimum":
        return f.problem(path, f"is {err.instance}; expected {err.validator_value} or more", field=field_name)
    if v == "anyOf" and all("required" in s for s in err.validator_value):
        need = " or ".join(f"'{s['required'][0]}'" for s in err.validator_value)
        return f.problem(path, f"needs at least one of the fields {need}")
    msg = err.message
    if desc:
        msg += f"; expected: {_lower_first(desc)}"
    return f.problem(path, msg, field=field_name)


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s else s


def _expected_from(prop: dict) -> str:
    ref = prop.get("x-ref") or prop.get("$ref") or ""
    if ref.endswith("/text"):
        return "some text"
    if ref.endswith(("/line", "/abbreviation")):
        return "one line of text"
    if ref.endswith("/id"):
        return "a kebab-case id"
    if prop.get("type") in _TYPE_NAMES:
        return _TYPE_NAMES[prop["type"]]
    if "enum" in prop:
        return "one of: " + ", ".join(map(str, prop["enum"]))
    return ""


def validate_schema(f: DataFile, schema: dict, registry: Registry) -> list[Problem]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema, registry=registry)
    out = []
    for err in sorted(validator.iter_errors(f.data), key=lambda e: [str(p) for p in e.absolute_path]):
        out.append(_schema_error_to_problem(f, err))
    # one message per (line, field, message)
    seen, unique = set(), []
    for p in out:
        k = (p.line, p.field, p.message)
        if k not in seen:
            seen.add(k)
            unique.append(p)
    return unique



class SchemaCheck:
    """Checks the files of one handbook against the schemas in its data folder (data/schema/),
    skipping a file that passed before with the same text and schemas. jsonschema is imported,
    and the schemas prepared, only when a file needs checking."""

    def __init__(self, data_dir: Path):
        self.texts = _schema_texts(data_dir)
        for _, text in self.texts:
            json.loads(text)  # a schema that is not JSON stops the build here, as before any data is read
        self.names = {p.name[: -len(".schema.json")] for p, _ in self.texts}
        self.key = _schema_key(self.texts)
        self._prepared: tuple[dict[str, dict], Registry] | None = None

    def check(self, f: DataFile, name: str, local: bool) -> list[Problem]:
        """The file's schema problems (none if it passed before); a local folder's file may leave parts out."""
        marker = _passed_marker(self.key, local, f)
        if marker is not None and marker.is_file():
            return []
        if self._prepared is None:
            self._prepared = inline_refs(*load_schemas(self.texts))
        schemas, registry = self._prepared
        errs = validate_schema(f, local_schema(schemas[name]) if local else schemas[name], registry)
        if not errs:
            _remember_passed(marker)
        return errs
