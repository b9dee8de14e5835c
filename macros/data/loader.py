"""Load the handbook's data: read every file of the core's data folder and of each local folder
(a school's own), check each against its schema and all of them against each other, and index
them (no MkDocs import). Every problem found is collected, so a maintainer sees them all at once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..errors import DataError, Problem
from . import schemas
from .checks import _check_case_numbers, _check_glossary_terms, _check_references, _check_ui_script_names
from .model import DATA_FILES, LIST_FILES, Handbook, Origin
from .yamlfile import DataFile, read_yaml

def _index(f: DataFile, key: str, problems: list[Problem], into: dict, what: str, also: dict | None = None,
           origins: dict | None = None) -> None:
    """Index f.data[key] by id into `into` (and where each was declared into `origins`), reporting duplicate ids."""
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
        if origins is not None:
            origins[iid] = Origin(f.rel, line)
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
    """Load, validate and index every data file. Raises DataError listing every problem.

    ``extra_dirs`` are local data folders (a school's own) whose files are merged over the core:
    their items are added to the same collections, and an id that collides with a core id is an
    error naming both files.
    """
    data_dir = Path(data_dir)
    root = data_dir.parent
    problems: list[Problem] = []
    checker = schemas.SchemaCheck(data_dir)

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
                if d == data_dir:
                    problems.append(Problem(rel(p), 1, f"is missing; every handbook needs data/{name}.yml"))
                continue
            f = read_yaml(p, rel(p), problems)
            if f is None:
                broken.add(name)  # unreadable: no follow-on "is not the id of any ..." for what it declares
                continue
            if f.data is None:
                problems.append(Problem(f.rel, 1, "is empty; expected the fields its schema describes"))
                continue
            if name not in checker.names:
                problems.append(Problem(f.rel, 1, f"has no schema; expected data/schema/{name}.schema.json"))
                continue
            errs = checker.check(f, name, local=d != data_dir)
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

    def idx(name: str, key: str, into: str, what: str) -> None:
        for layer in layers:
            if name in layer:
                _index(layer[name], key, problems, getattr(hb, into), what, where.setdefault(f"{name}:{key}", {}),
                       hb.origins.setdefault(into, {}))

    idx("sources", "documents", "documents", "document")
    idx("sources", "references", "references", "reference")
    idx("glossary", "terms", "glossary", "glossary term")
    _check_glossary_terms(layers, problems)
    _check_ui_script_names(layers, problems)
    idx("definitions", "definitions", "definitions", "definition")
    for lf in LIST_FILES:
        for layer in layers:
            if lf in layer:
                f = layer[lf]
                _index(f, "lists", problems, hb.lists, "list", where.setdefault("lists", {}), hb.origins.setdefault("lists", {}))
                for i, lst in enumerate(f.data["lists"]):
                    _check_item_ids(f, ("lists", i, "items"), lst["items"], problems)
    idx("principles", "principles", "principles", "principle")
    idx("prompts", "groups", "prompt_groups", "prompt group")
    idx("prompts", "prompts", "prompts", "prompt")
    idx("case-studies", "facets", "facets", "facet")
    idx("case-studies", "case_studies", "case_studies", "case study")
    _check_case_numbers(layers, problems)
    idx("forms", "scales", "scales", "scale")
    idx("forms", "choices", "choices", "choices set")
    idx("forms", "forms", "forms", "form")
    idx("forms", "logs", "logs", "coaching log")
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
        raise DataError(problems)
    return hb
