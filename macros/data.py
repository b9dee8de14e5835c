"""Load and validate the handbook's YAML data (plain Python: no MkDocs import).

Every problem found is collected, so a maintainer sees them all at once, each as
``data/FILE.yml:LINE: item 'ID': field 'NAME': what is wrong and what is expected``.
"""
from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import yaml

from . import yaml_advice

if TYPE_CHECKING:
    from referencing import Registry

# Data file stem -> schema file stem. Lists of the same shape share one schema family
# (each file still names its own schema, which refers to the shared definitions).
DATA_FILES = (
    "sources",
    "glossary",
    "definitions",
    "lists",
    "guidance",
    "embedding",
    "principles",
    "prompts",
    "case-studies",
    "forms",
    "ui",  # the interface's words (macros/ui_text.py)
)
OPTIONAL_FILES: set[str] = set()
LIST_FILES = ("lists", "guidance", "embedding")


class HandbookError(Exception):
    """Raised with every data or page problem found; str() is the full report."""

    def __init__(self, problems: list["Problem"]):
        self.problems = problems
        lines = [p.format() for p in problems]
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in the handbook's data:\n" + "\n".join(lines))


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    item: str | None = None
    field: str | None = None

    def format(self) -> str:
        where = f"{self.file}:{self.line}:"
        parts = [where]
        if self.item:
            parts.append(f"item '{self.item}':")
        if self.field:
            parts.append(f"field '{self.field}':")
        parts.append(self.message)
        return " ".join(parts)


# --------------------------------------------------------------------------- YAML with lines


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
    path: Path
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
    f = DataFile(path.stem, path, rel, data, loc, hashlib.sha256(text.encode("utf-8")).hexdigest())
    for parent, key, line, message in yaml_advice.duplicate_advice(text.splitlines(), dupes):
        problems.append(Problem(rel, line, message, _item_id(data, parent), str(key)))
    if any(key == "id" for _, key, _, _ in dupes):
        return None  # two items merged into one: what else it says about them would mislead
    return f


# --------------------------------------------------------------------------- schemas


def schema_dir(data_dir: Path) -> Path:
    return data_dir / "schema"


def _schema_texts(data_dir: Path) -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(schema_dir(data_dir).glob("*.schema.json"))]


def schema_documents(data_dir: Path) -> dict[str, dict]:
    """Each schema file's JSON, by data file stem (what load_schemas gives, without the registry)."""
    return {p.name[: -len(".schema.json")]: json.loads(text) for p, text in _schema_texts(data_dir)}


def load_schemas(data_dir: Path, texts: list[tuple[Path, str]] | None = None) -> tuple[dict[str, dict], Registry]:
    from referencing import Registry, Resource

    schemas: dict[str, dict] = {}
    resources = []
    for p, text in _schema_texts(data_dir) if texts is None else texts:
        doc = json.loads(text)
        schemas[p.name[: -len(".schema.json")]] = doc
        resources.append((doc.get("$id", p.name), Resource.from_contents(doc)))
    return schemas, Registry().with_resources(resources)


# A data file that passed its schema check is remembered between builds, by the sha256 of its text,
# of every schema, of this module and of the installed jsonschema/referencing, so that an unchanged
# handbook is not validated (nor jsonschema imported) again. A file that failed is never remembered:
# it is checked, and reported, every time.

_VALIDATORS = ("jsonschema", "referencing", "jsonschema_specifications")


def _passed_dir() -> Path | None:
    from .cache import private_dir

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


_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "array": "a list", "object": "a mapping (field: value)", "boolean": "true or false", "null": "nothing"}


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
        return f.problem(path, f"'{err.instance}' is not a valid id; expected kebab-case: lower-case letters and digits joined by single hyphens, e.g. 'open-questions'", field=field_name)
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


# --------------------------------------------------------------------------- the loaded handbook


@dataclass
class Handbook:
    """All the data, indexed by id. Items stay plain dicts (Jinja reads them as attributes)."""

    data_dir: Path
    files: dict[str, DataFile]
    documents: dict[str, dict] = field(default_factory=dict)
    references: dict[str, dict] = field(default_factory=dict)
    glossary: dict[str, dict] = field(default_factory=dict)
    definitions: dict[str, dict] = field(default_factory=dict)
    lists: dict[str, dict] = field(default_factory=dict)
    list_file: dict[str, str] = field(default_factory=dict)
    principles: dict[str, dict] = field(default_factory=dict)
    principles_intro: str = ""
    prompt_groups: dict[str, dict] = field(default_factory=dict)
    prompts: dict[str, dict] = field(default_factory=dict)
    facets: dict[str, dict] = field(default_factory=dict)
    case_studies: dict[str, dict] = field(default_factory=dict)
    scales: dict[str, dict] = field(default_factory=dict)
    choices: dict[str, dict] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    logs: dict[str, dict] = field(default_factory=dict)  # coaching logs (forms.yml `logs`)
    form_of_group: dict[str, dict] = field(default_factory=dict)  # prompt group id -> form that claims it
    definition_topics: dict[str, list[dict]] = field(default_factory=dict)  # topic -> its definitions
    layers: list[dict[str, DataFile]] = field(default_factory=list)  # the core's files, then each local folder's

    def item(self, list_id: str, item_id: str) -> dict | None:
        for it in self.lists[list_id]["items"]:
            if it["id"] == item_id:
                return it
        return None


def _index(f: DataFile, key: str, problems: list[Problem], into: dict, what: str, also: dict | None = None) -> None:
    """Index f.data[key] by id into `into`, reporting duplicate ids."""
    seen_at: dict[str, int] = {}
    for i, item in enumerate(f.data.get(key) or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        iid = item["id"]
        line = f.loc.line((key, i))
        if iid in into:
            first = seen_at.get(iid) or (also or {}).get(iid, "")
            problems.append(Problem(f.rel, line, f"duplicate {what} id; ids must be unique (also used {first}); rename one", iid, "id"))
            continue
        into[iid] = item
        seen_at[iid] = f"on line {line}"
        if also is not None:
            also[iid] = f"in {f.rel}:{line}"


def _check_item_ids(f: DataFile, path: tuple, items: list, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for i, it in enumerate(items or []):
        if not isinstance(it, dict) or not isinstance(it.get("id"), str):
            continue
        line = f.loc.line(path + (i,))
        if it["id"] in seen:
            problems.append(Problem(f.rel, line, f"duplicate id in this list (first on line {seen[it['id']]}); ids must be unique", it["id"], "id"))
        seen.setdefault(it["id"], line)
        if isinstance(it.get("items"), list):
            _check_item_ids(f, path + (i, "items"), it["items"], problems)


def load(data_dir: str | Path, extra_dirs: Iterable[str | Path] = ()) -> Handbook:
    """Load, validate and index every data file. Raises HandbookError listing every problem.

    ``extra_dirs`` are local data folders (a school's own) whose files are merged over the core:
    their items are added to the same collections, and an id that collides with a core id is an
    error naming both files.
    """
    data_dir = Path(data_dir)
    root = data_dir.parent
    problems: list[Problem] = []
    schema_texts = _schema_texts(data_dir)
    schema_names = {p.name[: -len(".schema.json")] for p, _ in schema_texts}
    for p, text in schema_texts:
        json.loads(text)  # a schema that is not JSON stops the build here, as before any data is read
    schema_key = _schema_key(schema_texts)
    prepared: list = []  # (schemas, registry), made when the first file needs checking

    def schemas_and_registry() -> tuple[dict[str, dict], Registry]:
        if not prepared:
            prepared.append(inline_refs(*load_schemas(data_dir, schema_texts)))
        return prepared[0]

    def rel(p: Path) -> str:
        try:
            return str(p.resolve().relative_to(root.resolve()))
        except ValueError:
            return str(p)

    layers: list[dict[str, DataFile]] = []
    parsed: list[DataFile] = []  # every file that parsed, valid or not (for source checks)
    broken: set[str] = set()  # data files that failed their schema: skip checks that point into them
    for d in [data_dir, *map(Path, extra_dirs)]:
        layer: dict[str, DataFile] = {}
        if d != data_dir and not d.is_dir():
            problems.append(Problem(rel(d), 1, "is not a folder, but extra.handbook.local_data names it as a local data folder; "
                                    "create it, or correct or remove the name in mkdocs.yml"))
            continue
        for name in DATA_FILES:
            p = d / f"{name}.yml"
            if not p.exists():
                if d == data_dir and name not in OPTIONAL_FILES:
                    problems.append(Problem(rel(p), 1, f"is missing; every handbook needs data/{name}.yml"))
                continue
            f = read_yaml(p, rel(p), problems)
            if f is None:
                broken.add(name)  # unreadable: no follow-on "is not the id of any ..." for what it declares
                continue
            if f.data is None:
                problems.append(Problem(f.rel, 1, "is empty; expected the fields its schema describes"))
                continue
            if name not in schema_names:
                problems.append(Problem(f.rel, 1, f"has no schema; expected data/schema/{name}.schema.json"))
                continue
            marker = _passed_marker(schema_key, d != data_dir, f)
            if marker is not None and marker.is_file():
                errs = []
            else:
                schemas, registry = schemas_and_registry()
                schema = schemas[name]
                if d != data_dir:
                    schema = local_schema(schema)
                errs = validate_schema(f, schema, registry)
                if not errs:
                    _remember_passed(marker)
            problems.extend(errs)
            parsed.append(f)
            if errs:
                broken.add(name)
                continue
            layer[name] = f
        unknown = sorted(p.name for p in d.glob("*.yml") if p.stem not in DATA_FILES)
        for u in unknown:
            problems.append(Problem(rel(d / u), 1, f"is not a known data file; expected one of: {', '.join(n + '.yml' for n in DATA_FILES)}"))
        layers.append(layer)

    hb = Handbook(data_dir=data_dir, files=layers[0] if layers else {}, layers=layers)
    # Go on even when some files failed their schema, so that every problem is reported at once;
    # checks that point into a broken file are skipped rather than reported twice.

    where: dict[str, dict[str, str]] = {}

    def idx(name: str, key: str, into: dict, what: str) -> None:
        for layer in layers:
            if name in layer:
                _index(layer[name], key, problems, into, what, where.setdefault(f"{name}:{key}", {}))

    idx("sources", "documents", hb.documents, "document")
    idx("sources", "references", hb.references, "reference")
    idx("glossary", "terms", hb.glossary, "glossary term")
    _check_glossary_terms(layers, problems)
    idx("definitions", "definitions", hb.definitions, "definition")
    for lf in LIST_FILES:
        for layer in layers:
            if lf in layer:
                f = layer[lf]
                _index(f, "lists", problems, hb.lists, "list", where.setdefault("lists", {}))
                for i, lst in enumerate(f.data["lists"]):
                    hb.list_file.setdefault(lst["id"], f.rel)
                    _check_item_ids(f, ("lists", i, "items"), lst["items"], problems)
    idx("principles", "principles", hb.principles, "principle")
    idx("prompts", "groups", hb.prompt_groups, "prompt group")
    idx("prompts", "prompts", hb.prompts, "prompt")
    idx("case-studies", "facets", hb.facets, "facet")
    idx("case-studies", "case_studies", hb.case_studies, "case study")
    _check_case_numbers(layers, problems)
    idx("forms", "scales", hb.scales, "scale")
    idx("forms", "choices", hb.choices, "choices set")
    idx("forms", "forms", hb.forms, "form")
    idx("forms", "logs", hb.logs, "coaching log")
    for form in hb.forms.values():
        for g in form.get("prompt_groups") or []:
            hb.form_of_group.setdefault(g, form)
    for d in hb.definitions.values():
        hb.definition_topics.setdefault(d["topic"], []).append(d)
    if "principles" in hb.files:
        hb.principles_intro = hb.files["principles"].data.get("intro", "")

    _check_references(hb, layers, parsed, broken, problems)
    hb.layers = layers  # the core's files, then each local folder's: where each item is declared
    if problems:
        raise HandbookError(problems)
    return hb


def _walk_sources(data: Any, path: tuple = ()):
    if isinstance(data, dict):
        if isinstance(data.get("source"), dict):
            yield path + ("source",), data["source"]
        for k, v in data.items():
            if k != "source":
                yield from _walk_sources(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk_sources(v, path + (i,))


def _dangling(f: DataFile, path: tuple, field_name: str, value: str, what: str, known: Iterable[str]) -> Problem:
    known = sorted(known)
    close = difflib.get_close_matches(value, known, n=1)
    return f.problem(path, yaml_advice.unknown_id_advice(value, what, known, close[0] if close else None), field=field_name)


def _check_glossary_terms(layers: list[dict[str, DataFile]], problems: list[Problem]) -> None:
    """A term is explained once: the same term twice (say a school's local glossary giving a core
    abbreviation its own expansion) would silently replace one with the other on every page."""
    first: dict[str, str] = {}
    for layer in layers:
        f = layer.get("glossary")
        for i, t in enumerate(f.data.get("terms") or [] if f else []):
            if not isinstance(t, dict) or not isinstance(t.get("term"), str):
                continue
            key = " ".join(t["term"].split()).casefold()
            line = f.loc.line(("terms", i, "term"))
            if key in first:
                problems.append(Problem(f.rel, line, f"term '{t['term']}' is already in the glossary ({first[key]}); "
                                        "a term is explained once: remove one of them, or change the core entry instead", t.get("id"), "term"))
            else:
                first[key] = f"as '{t.get('id')}' in {f.rel}:{line}"


# Data items whose HTML ids a template writes: (data files, key, what, id prefix). List items are
# added as LIST-ITEM (and LIST-PARENT-ITEM when nested), as the list templates write them.
_HTML_ID_OWNERS = (
    (LIST_FILES, "lists", "list", ""),
    (("prompts",), "prompts", "prompt", ""),
    (("prompts",), "groups", "prompt group", ""),
    (("definitions",), "definitions", "definition", ""),
    (("glossary",), "terms", "glossary term", ""),
    (("case-studies",), "case_studies", "case study", ""),
    (("principles",), "principles", "principle", ""),
    (("forms",), "forms", "form", ""),
    (("sources",), "documents", "document", "source-"),
    (("sources",), "references", "reference", "ref-"),
)


def html_id_owners(hb: Handbook, html_id: str) -> list[str]:
    """The data items that make this HTML id (or, if none makes exactly it, the item whose ids
    start with it), each as "what 'id' (file:line)": to say which two items share an id on a page."""
    exact: list[str] = []
    prefixed: list[tuple[int, str]] = []
    # A form's controls are hb-FORM--ITEM--FIELD (self_check.html_id): they belong to the form.
    probe = html_id[3:].split("--")[0] if html_id.startswith("hb-") else html_id

    def consider(key: str, described: str) -> None:
        if probe == key:
            exact.append(described)
        elif probe.startswith(key + "-"):
            prefixed.append((len(key), described))

    def items(f: DataFile, lst_id: str, parent: str | None, path: tuple, its: list) -> None:
        for k, it in enumerate(its or []):
            if isinstance(it, dict) and isinstance(it.get("id"), str):
                key = f"{lst_id}-{parent}-{it['id']}" if parent else f"{lst_id}-{it['id']}"
                consider(key, f"item '{it['id']}' of list '{lst_id}' ({f.rel}:{f.loc.line(path + (k,))})")
                items(f, lst_id, it["id"], path + (k, "items"), it.get("items"))

    for layer in hb.layers:
        for names, key, what, prefix in _HTML_ID_OWNERS:
            for name in names:
                f = layer.get(name)
                for i, item in enumerate(f.data.get(key) or [] if f else []):
                    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                        continue
                    consider(prefix + item["id"], f"{what} '{item['id']}' ({f.rel}:{f.loc.line((key, i))})")
                    if key == "lists":
                        items(f, item["id"], None, (key, i, "items"), item.get("items"))
    if exact:
        return exact
    return [max(prefixed)[1]] if prefixed else []


def _check_case_numbers(layers: list[dict[str, DataFile]], problems: list[Problem]) -> None:
    """Case studies are shown as "Case study N": a number used twice (say by a school's local case
    study and a core one) is an error naming both places."""
    first: dict[int, str] = {}
    for depth, layer in enumerate(layers):
        f = layer.get("case-studies")
        for i, cs in enumerate(f.data.get("case_studies") or [] if f else []):
            n = cs.get("number") if isinstance(cs, dict) else None
            if depth and isinstance(cs, dict):
                _number_local_case_study(f, i, cs, first, problems)
                continue
            if not isinstance(n, int):
                continue
            here = f.problem(("case_studies", i, "number"), "", field="number")
            if n in first:
                problems.append(Problem(f.rel, here.line, f"case study number {n} is already used ({first[n]}); give it the next free number",
                                        here.item, "number"))
            else:
                first[n] = f"by '{cs.get('id')}' in {f.rel}:{here.line}"


def _number_local_case_study(f: DataFile, i: int, cs: dict, first: dict[int, str], problems: list[Problem]) -> None:
    """A local (school's) case study is numbered after every core one, in the order of its file, so a
    case study the core adds later moves the school's up one instead of colliding with them. So a
    local case study gives no number of its own."""
    if "number" in cs:
        here = f.problem(("case_studies", i, "number"), "", field="number")
        problems.append(Problem(f.rel, here.line, "leave out number: a school's own case studies are numbered after the core's "
                                "automatically (so a case study added to the core later cannot take their number)", here.item, "number"))
        return
    cs["number"] = max(first, default=0) + 1
    first[cs["number"]] = f"by '{cs.get('id')}' in {f.rel}"


def _check_references(hb: Handbook, layers: list[dict[str, DataFile]], parsed: list[DataFile],
                      broken: set[str], problems: list[Problem]) -> None:
    claimed: dict[str, str] = {}  # prompt group id -> the form that gives it fields, and where (core and local alike)
    if "sources" not in broken:
        for f in parsed:
            for path, src in _walk_sources(f.data):
                doc = src.get("doc")
                if isinstance(doc, str) and doc not in hb.documents:
                    problems.append(_dangling(f, path + ("doc",), "source.doc", doc, "document in data/sources.yml", hb.documents))
    for layer in layers:

        if "definitions" in layer:  # a figure of definitions (Figure 2) names definitions that exist
            f = layer["definitions"]
            for i, fig in enumerate(f.data.get("figures") or []):
                for j, d in enumerate(fig["definitions"]):
                    if d not in hb.definitions:
                        problems.append(_dangling(f, ("figures", i, "definitions", j), "definitions", d, "definition", hb.definitions))

        if "prompts" in layer:
            f = layer["prompts"]
            for i, p in enumerate(f.data["prompts"]):
                if p["group"] not in hb.prompt_groups:
                    problems.append(_dangling(f, ("prompts", i, "group"), "group", p["group"], "prompt group", hb.prompt_groups))

        if "case-studies" in layer:
            f = layer["case-studies"]
            for i, cs in enumerate(f.data["case_studies"]):
                for j, q in enumerate(cs.get("questions") or []):
                    if q not in hb.prompts and "prompts" not in broken:
                        problems.append(_dangling(f, ("case_studies", i, "questions", j), "questions", q, "prompt in data/prompts.yml", hb.prompts))
                for facet_id, values in cs["facets"].items():
                    facet = hb.facets.get(facet_id)
                    if facet is None:
                        problems.append(_dangling(f, ("case_studies", i, "facets", facet_id), f"facets.{facet_id}", facet_id, "facet", hb.facets))
                        continue
                    allowed = {v["id"] for v in facet["values"]}
                    for j, v in enumerate(values):
                        if v not in allowed:
                            problems.append(_dangling(f, ("case_studies", i, "facets", facet_id, j), f"facets.{facet_id}", v, f"value of facet '{facet_id}'", allowed))

        if "forms" in layer:
            _check_forms(hb, layer["forms"], broken, problems, claimed)

        for lf in LIST_FILES:
            if lf not in layer:
                continue
            f = layer[lf]
            for i, lst in enumerate(f.data["lists"]):
                other_id = lst.get("pairs_with")
                if other_id is None:
                    for j, it in enumerate(lst["items"]):
                        if "pairs_with" in it:
                            problems.append(f.problem(("lists", i, "items", j, "pairs_with"), "is set but the list has no pairs_with; add the list's pairs_with or remove this", field="pairs_with"))
                    continue
                other = hb.lists.get(other_id)
                if other is None and broken & set(LIST_FILES):
                    continue
                if other is None:
                    problems.append(_dangling(f, ("lists", i, "pairs_with"), "pairs_with", other_id, "list", hb.lists))
                    continue
                other_ids = {it["id"]: it for it in other["items"]}
                for j, it in enumerate(lst["items"]):
                    target = it.get("pairs_with")
                    if target is None:
                        continue
                    if target not in other_ids:
                        problems.append(_dangling(f, ("lists", i, "items", j, "pairs_with"), "pairs_with", target, f"item of list '{other_id}'", other_ids))
                    elif other.get("pairs_with") == lst["id"] and other_ids[target].get("pairs_with") not in (None, it["id"]):
                        problems.append(f.problem(("lists", i, "items", j, "pairs_with"), f"pairs with '{target}', but '{target}' pairs with '{other_ids[target]['pairs_with']}'; pairings must match both ways", field="pairs_with"))


def _check_forms(hb: Handbook, f: DataFile, broken: set[str], problems: list[Problem], claimed: dict[str, str]) -> None:
    """Cross-references in forms.yml: lists, prompt groups, scales, choices, rank uniqueness.
    `claimed` carries the prompt groups already claimed by a form, across the core and local files."""
    for i, form in enumerate(f.data["forms"]):
        base = ("forms", i)
        if not any(k in form for k in ("fields", "item_fields", "rows")):
            problems.append(f.problem(base, "has no fields; expected fields, item_fields or rows", field="fields", key_line=True))
        has_items = "items_from" in form or "prompt_groups" in form
        if "item_fields" in form and not has_items:
            problems.append(f.problem(base + ("item_fields",), "needs items to ask them about; add items_from or prompt_groups", field="item_fields", key_line=True))
        if has_items and "item_fields" not in form:
            problems.append(f.problem(base, "has items but no item_fields to ask about them; add item_fields", field="item_fields", key_line=True))
        if "items_from" in form and "prompt_groups" in form:
            problems.append(f.problem(base + ("prompt_groups",), "a form takes its items from items_from or prompt_groups, not both", field="prompt_groups", key_line=True))
        src = form.get("items_from") or {}
        if "list" in src and src["list"] not in hb.lists and not (broken & set(LIST_FILES)):
            problems.append(_dangling(f, base + ("items_from", "list"), "items_from.list", src["list"], "list", hb.lists))
        for j, g in enumerate(form.get("prompt_groups") or []):
            if g not in hb.prompt_groups:
                if "prompts" not in broken:
                    problems.append(_dangling(f, base + ("prompt_groups", j), "prompt_groups", g, "prompt group in data/prompts.yml", hb.prompt_groups))
            elif g in claimed:
                problems.append(f.problem(base + ("prompt_groups", j), f"prompt group '{g}' already has its fields from {claimed[g]}; a group belongs to one form", field="prompt_groups"))
            else:
                claimed[g] = f"form '{form['id']}' ({f.rel}:{f.loc.line(base + ('prompt_groups', j))})"
        for key in ("fields", "item_fields"):
            _check_fields(hb, f, base + (key,), form.get(key) or [], key, problems)
        if "rows" in form:
            _check_fields(hb, f, base + ("rows", "columns"), form["rows"]["columns"], "rows.columns", problems)
    _check_logs(hb, f, problems)


# The field types an entry of a coaching log may have (its answers are kept as text in a row).
LOG_FIELD_TYPES = ("text", "line", "date", "check")


def _check_logs(hb: Handbook, f: DataFile, problems: list[Problem]) -> None:
    """Coaching logs in forms.yml: each kind takes its questions from a known form or its own
    fields (of the types a row can keep), has a date field with id 'date', and names its entries
    by one of its line fields."""
    for i, log in enumerate(f.data.get("logs") or []):
        seen: set[str] = set()
        for j, kind in enumerate(log["kinds"]):
            here = ("logs", i, "kinds", j)
            if kind["id"] in seen:
                problems.append(f.problem(here + ("id",), f"duplicate kind id '{kind['id']}' in this log; ids must be unique", field="id"))
            seen.add(kind["id"])
            if kind["id"] == "relationships":
                problems.append(f.problem(here + ("id",), "'relationships' is where the log keeps its relationships; give this kind another id", field="id"))
            if ("form" in kind) == ("fields" in kind):
                problems.append(f.problem(here, "needs its questions from a form (form: FORM-ID) or its own fields, one of the two", field="fields", key_line=True))
                continue
            if "form" in kind:
                form = hb.forms.get(kind["form"])
                if form is None:
                    problems.append(_dangling(f, here + ("form",), "form", kind["form"], "form in data/forms.yml", hb.forms))
                    continue
                if form.get("prompt_groups") or "rows" in form:
                    problems.append(f.problem(here + ("form",), f"form '{kind['form']}' has prompt groups or rows; a log entry can take its questions only from a form with fields and items", field="form"))
                    continue
                own = list(form.get("fields") or [])
                all_fields = own + list(form.get("item_fields") or [])
            else:
                _check_fields(hb, f, here + ("fields",), kind["fields"], "fields", problems)
                own = all_fields = kind["fields"]
            for fd in all_fields:
                if fd["type"] not in LOG_FIELD_TYPES:
                    where = here + (("form",) if "form" in kind else ("fields", all_fields.index(fd), "type"))
                    problems.append(f.problem(where, f"field '{fd['id']}' is a {fd['type']} field; a log entry keeps only {', '.join(LOG_FIELD_TYPES)} fields", field="type"))
            if not any(fd["id"] == "date" and fd["type"] == "date" for fd in own):
                problems.append(f.problem(here, "has no date field; every entry is dated: add {id: date, type: date, label: Date}", field="fields", key_line=True))
            tf = kind.get("title_field")
            if tf is not None and not any(fd["id"] == tf and fd["type"] == "line" for fd in own):
                problems.append(_dangling(f, here + ("title_field",), "title_field", tf, "line field of this entry", [fd["id"] for fd in own if fd["type"] == "line"]))


def _check_fields(hb: Handbook, f: DataFile, path: tuple, fields: list, name: str, problems: list[Problem]) -> None:
    seen: dict[str, dict] = {}
    for k, fd in enumerate(fields):
        here = path + (k,)
        if fd["id"] in seen:
            problems.append(f.problem(here + ("id",), f"duplicate field id '{fd['id']}' in {name}; ids must be unique within a form", field="id"))
        seen[fd["id"]] = fd
        t = fd["type"]
        if t == "scale":
            if "scale" not in fd:
                problems.append(f.problem(here, "a scale field needs scale: the id of a scale in this file", field="scale", key_line=True))
            elif fd["scale"] not in hb.scales:
                problems.append(_dangling(f, here + ("scale",), "scale", fd["scale"], "scale in data/forms.yml", hb.scales))
        elif "scale" in fd:
            problems.append(f.problem(here + ("scale",), f"only scale fields take a scale; this field's type is '{t}'", field="scale"))
        if t == "choice":
            if "choices" not in fd:
                problems.append(f.problem(here, "a choice field needs choices: the id of a choices set in this file", field="choices", key_line=True))
            elif fd["choices"] not in hb.choices:
                problems.append(_dangling(f, here + ("choices",), "choices", fd["choices"], "choices set in data/forms.yml", hb.choices))
        elif "choices" in fd:
            problems.append(f.problem(here + ("choices",), f"only choice fields take choices; this field's type is '{t}'", field="choices"))
        if "unique_when" in fd and t != "rank":
            problems.append(f.problem(here + ("unique_when",), f"only rank fields take unique_when; this field's type is '{t}'", field="unique_when"))
    for k, fd in enumerate(fields):
        uw = fd.get("unique_when")
        if not uw:
            continue
        other = seen.get(uw["field"])
        if other is None:
            problems.append(_dangling(f, path + (k, "unique_when", "field"), "unique_when.field", uw["field"], "field of this form", seen))
        elif other["type"] == "choice" and other.get("choices") in hb.choices:
            options = {o["id"] for o in hb.choices[other["choices"]]["options"]}
            if uw["value"] not in options:
                problems.append(_dangling(f, path + (k, "unique_when", "value"), "unique_when.value", uw["value"], f"option of field '{other['id']}'", options))
