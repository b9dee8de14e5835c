"""Cross-checks between data files, once each file has passed its schema: ids that point at nothing,
pairings that do not match, forms and coaching logs that cannot work, numbers and terms used twice;
and which items make a given HTML id (no MkDocs import)."""
from __future__ import annotations

import difflib
from typing import Any, Iterable

from .. import yaml_advice
from ..errors import Problem
from .model import LIST_FILES, Handbook
from .yamlfile import DataFile


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


def _check_ui_script_names(layers: list[dict[str, DataFile]], problems: list[Problem]) -> None:
    """The texts scripts show share one name space per page: each is written as
    data-hb-i18n-NAME (macros/ui_text.py, script_attrs), and hb.text(null, NAME) reads the first it
    finds. So two groups' ``script:`` texts with one name would give one of the scripts the other's
    words (its placeholders left unfilled): a name belongs to one group, across every layer."""
    first: dict[str, tuple[str, str]] = {}  # name -> (group, where)
    for layer in layers:
        f = layer.get("ui")
        for group, texts in (f.data.items() if f and isinstance(f.data, dict) else ()):
            script = texts.get("script") if isinstance(texts, dict) else None
            for name in (script if isinstance(script, dict) else ()):
                line = f.loc.line((group, "script", name))
                if name in first and first[name][0] != group:
                    other, at = first[name]
                    problems.append(Problem(f.rel, line, f"script text '{name}' of '{group}' has the name of one of "
                                            f"'{other}'s ({at}): scripts find their texts by name alone "
                                            f"(data-hb-i18n-{name}), so one would show the other's words; "
                                            "give one of them another name (and change its script)", group, f"script.{name}"))
                else:
                    first.setdefault(name, (group, f"{f.rel}:{line}"))


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
                            problems.append(_dangling(f, ("case_studies", i, "facets", facet_id, j), f"facets.{facet_id}", v,
                                                      f"value of facet '{facet_id}'", allowed))

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
                            problems.append(f.problem(("lists", i, "items", j, "pairs_with"),
                                                      "is set but the list has no pairs_with; add the list's pairs_with or remove this", field="pairs_with"))
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
                        problems.append(f.problem(("lists", i, "items", j, "pairs_with"),
                                                  f"pairs with '{target}', but '{target}' pairs with '{other_ids[target]['pairs_with']}'; "
                                                  "pairings must match both ways", field="pairs_with"))


def _check_forms(hb: Handbook, f: DataFile, broken: set[str], problems: list[Problem], claimed: dict[str, str]) -> None:
    """Cross-references in forms.yml: lists, prompt groups, scales, choices, rank uniqueness.
    `claimed` carries the prompt groups already claimed by a form, across the core and local files."""
    for i, form in enumerate(f.data["forms"]):
        base = ("forms", i)
        if not any(k in form for k in ("fields", "item_fields", "rows")):
            problems.append(f.problem(base, "has no fields; expected fields, item_fields or rows", field="fields", key_line=True))
        has_items = "items_from" in form or "prompt_groups" in form
        if "item_fields" in form and not has_items:
            problems.append(f.problem(base + ("item_fields",), "needs items to ask them about; add items_from or prompt_groups",
                                      field="item_fields", key_line=True))
        if has_items and "item_fields" not in form:
            problems.append(f.problem(base, "has items but no item_fields to ask about them; add item_fields", field="item_fields", key_line=True))
        if "items_from" in form and "prompt_groups" in form:
            problems.append(f.problem(base + ("prompt_groups",), "a form takes its items from items_from or prompt_groups, not both",
                                      field="prompt_groups", key_line=True))
        src = form.get("items_from") or {}
        if "list" in src and src["list"] not in hb.lists and not (broken & set(LIST_FILES)):
            problems.append(_dangling(f, base + ("items_from", "list"), "items_from.list", src["list"], "list", hb.lists))
        for j, g in enumerate(form.get("prompt_groups") or []):
            if g not in hb.prompt_groups:
                if "prompts" not in broken:
                    problems.append(_dangling(f, base + ("prompt_groups", j), "prompt_groups", g, "prompt group in data/prompts.yml", hb.prompt_groups))
            elif g in claimed:
                problems.append(f.problem(base + ("prompt_groups", j),
                                          f"prompt group '{g}' already has its fields from {claimed[g]}; a group belongs to one form", field="prompt_groups"))
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
                problems.append(f.problem(here, "needs its questions from a form (form: FORM-ID) or its own fields, one of the two",
                                          field="fields", key_line=True))
                continue
            if "form" in kind:
                form = hb.forms.get(kind["form"])
                if form is None:
                    problems.append(_dangling(f, here + ("form",), "form", kind["form"], "form in data/forms.yml", hb.forms))
                    continue
                if form.get("prompt_groups") or "rows" in form:
                    problems.append(f.problem(here + ("form",), f"form '{kind['form']}' has prompt groups or rows; "
                                              "a log entry can take its questions only from a form with fields and items", field="form"))
                    continue
                own = list(form.get("fields") or [])
                all_fields = own + list(form.get("item_fields") or [])
            else:
                _check_fields(hb, f, here + ("fields",), kind["fields"], "fields", problems)
                own = all_fields = kind["fields"]
            for fd in all_fields:
                if fd["type"] not in LOG_FIELD_TYPES:
                    where = here + (("form",) if "form" in kind else ("fields", all_fields.index(fd), "type"))
                    problems.append(f.problem(where, f"field '{fd['id']}' is a {fd['type']} field; a log entry keeps only {', '.join(LOG_FIELD_TYPES)} fields",
                                              field="type"))
            if not any(fd["id"] == "date" and fd["type"] == "date" for fd in own):
                problems.append(f.problem(here, "has no date field; every entry is dated: add {id: date, type: date, label: Date}",
                                          field="fields", key_line=True))
            tf = kind.get("title_field")
            if tf is not None and not any(fd["id"] == tf and fd["type"] == "line" for fd in own):
                problems.append(_dangling(f, here + ("title_field",), "title_field", tf, "line field of this entry",
                                          [fd["id"] for fd in own if fd["type"] == "line"]))


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
