"""Coaching logs (hb-coaching-log), from data/forms.yml `logs` (no MkDocs import).

A log keeps several dated entries of each kind as a list of rows: ``LOG.KIND`` holds
``[{id, date, <column>: text, relationship?}]`` and ``LOG.relationships`` holds ``[{id, label}]``.
A row's values are text (a ticked box is "yes"), so storage.js, the learning record, the Markdown
export and the backup file carry entries like any other rows. A kind's columns come from a form's
fields and its items' fields (column ``ITEM.FIELD``) or from the kind's own fields.
"""
from __future__ import annotations

from .data import Handbook
from .self_check import _items, field_model, html_id

RELATIONSHIPS = "relationships"


def _column(hb: Handbook, key: str, cid: str, fd: dict, label: str, item: dict | None = None) -> dict:
    m = field_model(hb, f"{key}.ROW.{cid}", fd, item)
    m["html_id"] = html_id(key) + "--ROW--" + cid.replace(".", "--")
    m["column"] = cid
    m["label"] = label
    return m


def kind_model(hb: Handbook, log: dict, kind: dict) -> dict:
    key = f"{log['id']}.{kind['id']}"
    columns = []
    if "form" in kind:
        form = hb.forms[kind["form"]]
        for fd in form.get("fields") or []:
            columns.append(_column(hb, key, fd["id"], fd, fd["label"]))
        item_fields = form.get("item_fields") or []
        for it in _items(hb, form):
            for fd in item_fields:
                label = it["label"] if len(item_fields) == 1 else f"{it['label']}: {fd['label']}"
                columns.append(_column(hb, key, f"{it['id']}.{fd['id']}", fd, label, it["item"]))
        intro = form.get("intro")
    else:
        for fd in kind["fields"]:
            columns.append(_column(hb, key, fd["id"], fd, fd["label"]))
        intro = None
    return {
        "id": kind["id"],
        "key": key,
        "label": kind["label"],
        # In a sentence ("Add a GROW plan", "Add a journal entry"): an initialism keeps its capitals.
        "label_lower": kind["label"] if kind["label"][:2].isupper() else kind["label"][:1].lower() + kind["label"][1:],
        "title": kind["title"],
        "title_lower": kind["title"] if kind["title"][:2].isupper() else kind["title"][:1].lower() + kind["title"][1:],
        "html_id": html_id(key),
        "intro": intro,
        "title_field": kind.get("title_field"),
        "by_relationship": bool(kind.get("by_relationship")),
        "columns": columns,
        # The same fields for the printable worksheet shown without JavaScript (ids of their own).
        "blank_columns": [{**c, "key": c["key"].replace(".ROW.", ".blank."), "html_id": c["html_id"].replace("--ROW--", "--blank--")}
                          for c in columns],
    }


def log_model(hb: Handbook, log_id: str) -> dict:
    log = hb.logs[log_id]
    kinds = [kind_model(hb, log, k) for k in log["kinds"]]
    return {
        "id": log["id"],
        "title": log["title"],
        "intro": log.get("intro"),
        "source": log.get("source"),
        "editorial": log.get("editorial"),
        "relationship": {**log["relationship"], "key": f"{log['id']}.{RELATIONSHIPS}",
                         "html_id": html_id(f"{log['id']}.{RELATIONSHIPS}")},
        "kinds": kinds,
        "grouped": [k for k in kinds if k["by_relationship"]],
        "single": [k for k in kinds if not k["by_relationship"]],
    }


def manifest_entries(hb: Handbook, log_id: str, url) -> list[dict]:
    """The log in the learning record's manifest: the relationships, then one entry per kind of
    entry, each described as rows (key, label, columns) like a form's added rows. Rows of a kind
    kept by relationship carry ``group``: the row's column that holds a relationship's id, and
    where the relationships' labels are."""
    m = log_model(hb, log_id)
    rel = m["relationship"]
    out = [{
        "id": f"{log_id}-{RELATIONSHIPS}", "kind": "log", "title": f"{m['title']}: {rel['label'].lower()}s",
        "url": url(log_id), "fields": [],
        "rows": {"key": rel["key"], "label": rel["label"], "log": log_id,
                 "columns": [{"id": "label", "label": rel["label"], "type": "line"}]},
    }]
    for k in m["kinds"]:
        rows = {"key": k["key"], "label": k["label"], "log": log_id,
                "columns": [{"id": c["column"], "label": c["label"], "type": c["type"]} for c in k["columns"]]}
        if k["title_field"]:
            rows["title_column"] = k["title_field"]
        if k["by_relationship"]:
            rows["group"] = {"column": "relationship", "key": rel["key"], "label_column": "label", "label": rel["label"]}
        out.append({"id": f"{log_id}-{k['id']}", "kind": "log", "title": f"{m['title']}: {k['title']}",
                    "url": url(f"{log_id}-{k['id']}" if not k["by_relationship"] else log_id), "fields": [], "rows": rows})
    return out
