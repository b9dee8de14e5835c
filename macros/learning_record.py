"""The learning record's manifest: every field of the handbook, grouped by page (no MkDocs import).

The manifest is generated at build time and inlined in the record page, so the page can show
every answer even when opened from files. Field keys and models come from macros/self_check.py.
"""
from __future__ import annotations

from typing import Callable

from .data import Handbook
from .coaching_log import manifest_entries as log_entries
from .self_check import form_model, prompt_fields

MANIFEST_VERSION = 1
# The record's own answers, kept in the answers document like any other (so they are in the backup
# file): the name printed on the record, and the dated snapshots of self-ratings (a list of rows:
# {"id", "date": ISO time, <rating key>: <level id>, ...}). The component is "learning-record" in
# every layer; these keys keep the short "record." (as the page keeps its address, record.html):
# renaming them would lose every teacher's saved name and snapshots, and break links.
NAME_KEY = "record.name"
SNAPSHOTS_KEY = "record.snapshots"


def _manifest_field(f: dict) -> dict:
    out = {"key": f["key"], "label": f["label"], "type": f["type"]}
    if f["options"]:
        out["options"] = [{"id": o["id"], "label": o["label"]} for o in f["options"]]
    if f.get("unique_when"):
        out["unique_when"] = f["unique_when"]
    return out


def _manifest_rows(rows: dict) -> dict:
    """A list of rows (targets, log entries): its key, label and columns. The record, the Markdown
    export and the document for a meeting render any such list the same way: each entry dated by
    its first date column and named by its first one-line column; a list whose definition names a
    ``group`` column (e.g. a coaching relationship) is grouped by that column's value."""
    out = {"key": rows["key"], "label": rows["label"],
           "columns": [{"id": c["id"], "label": c["label"], "type": c["type"]} for c in rows["columns"]]}
    for extra in ("group", "plural"):
        if rows.get(extra):
            out[extra] = rows[extra]
    return out


def chart(hb: Handbook) -> dict | None:
    """Coach and mentor self-ratings side by side: two forms rating lists that pair with each other."""
    rated = {}
    for form in hb.forms.values():
        lst = (form.get("items_from") or {}).get("list")
        scale_fields = [fd for fd in form.get("item_fields") or [] if fd["type"] == "scale"]
        if lst and scale_fields:
            rated[lst] = (form, scale_fields[0])
    for lst_id, (form_a, fa) in rated.items():
        other = hb.lists[lst_id].get("pairs_with")
        if other in rated and hb.lists[other].get("pairs_with") == lst_id and rated[other][1]["scale"] == fa["scale"]:
            form_b, fb = rated[other]
            b_items = {it["id"]: it for it in hb.lists[other]["items"]}
            rows = []
            for it in hb.lists[lst_id]["items"]:
                mate = b_items.get(it.get("pairs_with", ""))
                rows.append({
                    "a_label": it.get("term") or it["text"],
                    "b_label": (mate.get("term") or mate["text"]) if mate else None,
                    "a": f"{form_a['id']}.{it['id']}.{fa['id']}",
                    "b": f"{form_b['id']}.{mate['id']}.{fb['id']}" if mate else None,
                })
            levels = hb.scales[fa["scale"]]["levels"]
            return {
                "title": f"{form_a['title']} beside {form_b['title']}",
                "a_title": form_a["title"], "b_title": form_b["title"],
                "a_form": form_a["id"], "b_form": form_b["id"],
                "levels": [{"id": lv["id"], "label": lv["label"]} for lv in levels],
                "rows": rows,
            }
    return None


def manifest(hb: Handbook, order: list[tuple[str, str, str]], page_titles: dict[str, str],
             page_url: Callable[[str, str], str], namespace: str, site_name: str = "") -> dict:
    """Every field of the handbook, grouped by the page it is asked on, in reading order.

    ``order`` is (page, "prompt"|"form", id) as the pages show them; ``page_titles`` gives each
    page's title and fixes the order of pages (the navigation's); ``page_url(page, anchor)``
    returns a link from the record page.
    """
    pages = list(page_titles)
    sections: dict[str, dict] = {}
    for page, kind, ident in sorted(order, key=lambda o: pages.index(o[0]) if o[0] in pages else len(pages)):
        if kind == "log":
            sec = sections.setdefault(page, {"id": page.rsplit(".", 1)[0].replace("/", "-"),
                                             "title": page_titles.get(page, page), "url": page_url(page, ""), "entries": []})
            sec["entries"] += log_entries(hb, ident, lambda anchor, page=page: page_url(page, anchor))
            continue
        if kind == "prompt":
            fields = prompt_fields(hb, ident)
            if not fields:
                continue
            p = hb.prompts[ident]
            entry = {"id": ident, "kind": "prompt", "title": p["text"], "group": hb.prompt_groups[p["group"]]["title"],
                     "url": page_url(page, ident), "fields": [_manifest_field(f) for f in fields]}
        else:
            m = form_model(hb, ident)
            fields = [_manifest_field(f) for f in m["fields"]]
            for it in m["items"]:
                for f in it["fields"]:
                    mf = _manifest_field(f)
                    mf["item"] = it["label"]
                    fields.append(mf)
            entry = {"id": ident, "kind": "form", "title": m["title"], "url": page_url(page, ident), "fields": fields}
            if m["rows"]:
                entry["rows"] = _manifest_rows(m["rows"])
        sec = sections.setdefault(page, {"id": page.rsplit(".", 1)[0].replace("/", "-"),
                                         "title": page_titles.get(page, page), "url": page_url(page, ""), "entries": []})
        sec["entries"].append(entry)
    c = chart(hb)
    urls = {e["id"]: e["url"] for sec in sections.values() for e in sec["entries"]}
    if c:
        # where to rate yourself, for the chart's empty state
        c["a_url"], c["b_url"] = urls.get(c["a_form"]), urls.get(c["b_form"])
    return {
        "version": MANIFEST_VERSION,
        "handbook": namespace,
        "sections": list(sections.values()),
        "chart": c,
        "site_name": site_name,
        "name_key": NAME_KEY,
        "snapshots_key": SNAPSHOTS_KEY,
        # what "Save a snapshot" keeps: every self-rating on a scale (coach, mentor, principles review)
        "snapshot_keys": [f["key"] for sec in sections.values() for e in sec["entries"] for f in e["fields"] if f["type"] == "scale"],
    }


def all_keys(m: dict) -> list[str]:
    """Every storage key in a manifest (rows count as one key)."""
    keys = []
    for sec in m["sections"]:
        for e in sec["entries"]:
            keys += [f["key"] for f in e["fields"]]
            if e.get("rows"):
                keys.append(e["rows"]["key"])
    return keys
