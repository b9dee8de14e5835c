"""Self-check forms and the learning record's manifest, from data/forms.yml (no MkDocs import).

Every field has a storage key built from ids: ``FORM.ITEM.FIELD`` for a field asked about each
item, ``FORM.FIELD`` for a field asked once, ``FORM`` for a form's added rows (a list of row
objects). The browser saves answers under these keys; the learning record lists them all from the
manifest built here, so the page, the record and the tests derive from the same declaration.
"""
from __future__ import annotations

from typing import Callable

from .data import Handbook

MANIFEST_VERSION = 1


def html_id(key: str) -> str:
    """The HTML id of a field's control: ``hb-`` + key with dots as double hyphens."""
    return "hb-" + key.replace(".", "--")


def _options(hb: Handbook, fd: dict) -> list[dict]:
    if fd["type"] == "scale":
        return hb.scales[fd["scale"]]["levels"]
    if fd["type"] == "choice":
        return hb.choices[fd["choices"]]["options"]
    return []


def field_model(hb: Handbook, key: str, fd: dict, item: dict | None = None) -> dict:
    model = {
        "key": key,
        "html_id": html_id(key),
        "id": fd["id"],
        "type": fd["type"],
        "label": fd["label"],
        "hint": fd.get("hint"),
        "options": _options(hb, fd),
        "scale_title": hb.scales[fd["scale"]]["title"] if fd["type"] == "scale" else None,
        "item_prompt": None,
        "sub_items": [],
    }
    if item is not None and fd.get("use_item_prompt"):
        model["item_prompt"] = item.get("prompt")
        model["sub_items"] = [s["text"] for s in item.get("items") or []]
    if fd.get("unique_when"):
        model["unique_when"] = dict(fd["unique_when"])
    return model


def _items(hb: Handbook, form: dict) -> list[dict]:
    """The form's items as {id, label, text, item}; label is what the record shows."""
    src = form.get("items_from") or {}
    if "list" in src:
        out = []
        for it in hb.lists[src["list"]]["items"]:
            label = it.get("term") or it["text"]
            out.append({"id": it["id"], "label": label, "text": it["text"] if it.get("term") else None, "item": it})
        return out
    if src.get("principles"):
        ps = sorted(hb.principles.values(), key=lambda p: p["number"])
        return [{"id": p["id"], "label": f"{p['number']}. {p['title']}", "text": None, "item": p} for p in ps]
    return []


def form_model(hb: Handbook, form_id: str) -> dict:
    form = hb.forms[form_id]
    fid = form["id"]
    items = []
    for it in _items(hb, form):
        items.append({
            **it,
            "html_id": html_id(f"{fid}.{it['id']}"),
            "fields": [field_model(hb, f"{fid}.{it['id']}.{fd['id']}", fd, it["item"]) for fd in form.get("item_fields") or []],
        })
    rows = None
    if "rows" in form:
        rows = {
            "key": fid,
            "label": form["rows"]["label"],
            "columns": [field_model(hb, f"{fid}.{{row}}.{c['id']}", c) for c in form["rows"]["columns"]],
        }
    return {
        "id": fid,
        "title": form["title"],
        "intro": form.get("intro"),
        "source": form.get("source"),
        "fields": [field_model(hb, f"{fid}.{fd['id']}", fd) for fd in form.get("fields") or []],
        "items": items,
        "rows": rows,
        "scales": [hb.scales[sid] for sid in dict.fromkeys(fd["scale"] for fd in form.get("item_fields") or [] if fd["type"] == "scale")],
    }


def prompt_form(hb: Handbook, prompt_id: str) -> dict | None:
    """The form whose prompt_groups include this prompt's group, if any."""
    group = hb.prompts[prompt_id]["group"]
    for form in hb.forms.values():
        if group in (form.get("prompt_groups") or []):
            return form
    return None


def prompt_fields(hb: Handbook, prompt_id: str) -> list[dict]:
    form = prompt_form(hb, prompt_id)
    if form is None:
        return []
    return [field_model(hb, f"{form['id']}.{prompt_id}.{fd['id']}", fd) for fd in form["item_fields"]]


def _manifest_field(f: dict) -> dict:
    out = {"key": f["key"], "label": f["label"], "type": f["type"]}
    if f["options"]:
        out["options"] = [{"id": o["id"], "label": o["label"]} for o in f["options"]]
    if f.get("unique_when"):
        out["unique_when"] = f["unique_when"]
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
             page_url: Callable[[str, str], str], namespace: str) -> dict:
    """Every field of the handbook, grouped by the page it is asked on, in reading order.

    ``order`` is (page, "prompt"|"form", id) as the pages show them; ``page_titles`` gives each
    page's title and fixes the order of pages (the navigation's); ``page_url(page, anchor)``
    returns a link from the record page.
    """
    pages = list(page_titles)
    sections: dict[str, dict] = {}
    for page, kind, ident in sorted(order, key=lambda o: pages.index(o[0]) if o[0] in pages else len(pages)):
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
                entry["rows"] = {"key": m["rows"]["key"], "label": m["rows"]["label"],
                                 "columns": [{"id": c["id"], "label": c["label"], "type": c["type"]} for c in m["rows"]["columns"]]}
        sec = sections.setdefault(page, {"id": page.rsplit(".", 1)[0].replace("/", "-"),
                                         "title": page_titles.get(page, page), "url": page_url(page, ""), "entries": []})
        sec["entries"].append(entry)
    return {
        "version": MANIFEST_VERSION,
        "handbook": namespace,
        "sections": list(sections.values()),
        "chart": chart(hb),
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
