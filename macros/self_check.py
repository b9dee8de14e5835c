"""The self-check component: forms from data/forms.yml (no MkDocs import).

Names: a *form* is the data (``forms:`` in data/forms.yml, ``form_id``, the messages); *self-check*
is the component that shows one (the ``self_check`` macro, templates/self-check/, self-check.js and
.css). A prompt's notes box is a self-check too, and a coaching log's columns are its fields, so the
field model and its template (templates/self-check/_field.html) are here.

Every field has a storage key built from ids: ``FORM.ITEM.FIELD`` for a field asked about each
item, ``FORM.FIELD`` for a field asked once, ``FORM`` for a form's added rows (a list of row
objects). The browser saves answers under these keys; the learning record lists them all from the
manifest built here, so the page, the record and the tests derive from the same declaration.
"""
from __future__ import annotations

from .data import Handbook

# The longest answer (characters) one field keeps. The one constant for Python and the browser: the
# templates write it into every text control's maxlength, and the build into the page's
# <meta name="hb-max-answer-chars"> (macros/__init__.py, overrides/main.html), which
# overrides/assets/javascripts/storage.js reads to check stored and imported answers. It is the
# bound the browser already applied to stored answers, so nothing saved before is set aside.
MAX_ANSWER_CHARS = 200_000


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
        "max_chars": MAX_ANSWER_CHARS,
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
        "editorial": form.get("editorial"),
        "fields": [field_model(hb, f"{fid}.{fd['id']}", fd) for fd in form.get("fields") or []],
        "items": items,
        "rows": rows,
        "scales": [hb.scales[sid] for sid in dict.fromkeys(fd["scale"] for fd in form.get("item_fields") or [] if fd["type"] == "scale")],
    }


def prompt_form(hb: Handbook, prompt_id: str) -> dict | None:
    """The form whose prompt_groups include this prompt's group, if any."""
    return hb.form_of_group.get(hb.prompts[prompt_id]["group"])


def prompt_fields(hb: Handbook, prompt_id: str) -> list[dict]:
    form = prompt_form(hb, prompt_id)
    if form is None:
        return []
    return [field_model(hb, f"{form['id']}.{prompt_id}.{fd['id']}", fd) for fd in form["item_fields"]]
