"""Step 1: the project copied into bench/work/ and its data scaled ×n (case studies, prompts and their
groups, the competency lists, the forms that refer to them), one generated page per copy."""
from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import yaml

from .common import ROOT, read_data, write_data

# Competency lists scaled (each pairs with the other).
COMPETENCY_LISTS = ("effective-coaches", "effective-mentors")
# Not copied into a scaled project.
SKIP = {".git", ".venv", "node_modules", "site", "bench", "dist", "tests", ".pytest_cache", "__pycache__", ".ci"}

def copy_project(dest: Path) -> Path:
    """The project as it is now (whatever data files, pages and macros exist), without build output."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT, dest, ignore=lambda d, names: [n for n in names if n in SKIP or n.startswith(".site-build-")],
                    symlinks=True)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def sfx(ident: str, k: int) -> str:
    return f"{ident}-x{k}"


def scale_project(proj: Path, n: int) -> dict:
    """Make the copy hold n copies of the scaled content (n=1: as it is). Returns what was added."""
    data = proj / "data"
    added = {"case_studies": 0, "prompts": 0, "prompt_groups": 0, "lists": 0, "list_items": 0, "pages": 0, "forms": 0}
    if n <= 1:
        return added
    copies = range(2, n + 1)
    ids: dict[int, dict[str, str]] = {k: {} for k in copies}  # old id -> new id, per copy, for forms

    # prompts and their groups
    p_head, prompts = read_data(data / "prompts.yml")
    base_groups = list(prompts.get("groups") or [])
    base_prompts = list(prompts.get("prompts") or [])
    for k in copies:
        for g in base_groups:
            ng = copy.deepcopy(g)
            ng["id"] = sfx(g["id"], k)
            ng["title"] = f"{g['title']} (copy {k})"
            ids[k][g["id"]] = ng["id"]
            prompts["groups"].append(ng)
            added["prompt_groups"] += 1
        for p in base_prompts:
            np_ = copy.deepcopy(p)
            np_["id"] = sfx(p["id"], k)
            np_["group"] = sfx(p["group"], k)
            ids[k][p["id"]] = np_["id"]
            prompts["prompts"].append(np_)
            added["prompts"] += 1
    write_data(data / "prompts.yml", p_head, prompts)

    # case studies (numbered on from the last)
    c_head, cases = read_data(data / "case-studies.yml")
    base_cases = list(cases.get("case_studies") or [])
    top = max((c.get("number", 0) for c in base_cases), default=0)
    for k in copies:
        for c in base_cases:
            nc = copy.deepcopy(c)
            nc["id"] = sfx(c["id"], k)
            nc["number"] = c["number"] + top * (k - 1)
            nc["title"] = f"{c['title']} (copy {k})"
            if nc.get("questions"):
                nc["questions"] = [sfx(q, k) for q in c["questions"]]
            ids[k][c["id"]] = nc["id"]
            cases["case_studies"].append(nc)
            added["case_studies"] += 1
    write_data(data / "case-studies.yml", c_head, cases)

    # competency lists: fresh list and item ids, pairings kept both ways
    l_head, lists = read_data(data / "lists.yml")
    base_lists = [lst for lst in lists["lists"] if lst["id"] in COMPETENCY_LISTS]
    scaled_list_ids = {lst["id"] for lst in base_lists}
    for k in copies:
        for lst in base_lists:
            nl = copy.deepcopy(lst)
            nl["id"] = sfx(lst["id"], k)
            nl["title"] = f"{lst['title']} (copy {k})"
            if lst.get("pairs_with") in scaled_list_ids:
                nl["pairs_with"] = sfx(lst["pairs_with"], k)
            else:
                nl.pop("pairs_with", None)
            for it in nl["items"]:
                ids[k][f"{lst['id']}/{it['id']}"] = f"{nl['id']}/{sfx(it['id'], k)}"
                it["id"] = sfx(it["id"], k)
                if "pairs_with" in it:
                    if "pairs_with" in nl:
                        it["pairs_with"] = sfx(it["pairs_with"], k)
                    else:
                        del it["pairs_with"]
                added["list_items"] += 1
            ids[k][lst["id"]] = nl["id"]
            lists["lists"].append(nl)
            added["lists"] += 1
    write_data(data / "lists.yml", l_head, lists)

    # forms (if the project has them): copy each form that refers to scaled items, refs renamed
    form_calls: dict[int, list[str]] = {k: [] for k in copies}
    wrapped_lists: set[str] = set()
    forms_path = data / "forms.yml"
    if forms_path.exists():
        on_pages = set()
        for md in (proj / "content").rglob("*.md"):
            on_pages |= set(re.findall(r"""\{\{-?\s*self_check\(\s*["']([^"']+)["']""", md.read_text(encoding="utf-8")))
        form_calls = scale_forms(forms_path, ids, added, on_pages)
        forms_doc = yaml.safe_load(forms_path.read_text(encoding="utf-8")) or {}
        wrapped_lists = {(f.get("items_from") or {}).get("list") for f in forms_doc.get("forms") or []
                         if f.get("id") in on_pages} - {None}

    # one page per copy, calling the macros for that copy's items, added to the nav
    pages = []
    covered = {q for c in base_cases for q in (c.get("questions") or [])}
    for k in copies:
        lines = [f"# Scaled copy {k}", "",
                 f"Generated by bench/run.py: copy {k} of the handbook's case studies, prompts and competency lists.", ""]
        lines += ["## Case studies", ""]
        for c in base_cases:
            lines += [f'{{{{ case_study("{sfx(c["id"], k)}") }}}}', ""]
        lines += ["## Questions", ""]
        for g in base_groups:
            members = [p for p in base_prompts if p["group"] == g["id"]]
            if not members:
                continue
            if not any(p["id"] in covered for p in members):
                lines += [f'### {g["title"]}', "", f'{{{{ prompts("{sfx(g["id"], k)}") }}}}', ""]
            else:
                for p in members:
                    if p["id"] not in covered:
                        lines += [f'{{{{ prompt("{sfx(p["id"], k)}") }}}}', ""]
        lines += ["## Competencies", ""]
        # a form whose items come from a list shows that list's figure itself: show such a list once
        wrapped = {sfx(lid, k) for lid in wrapped_lists}
        for lst in base_lists:
            if sfx(lst["id"], k) in wrapped:
                continue
            lines += [f'{{{{ figure("{sfx(lst["id"], k)}") }}}}', ""]
        if len(base_lists) == 2 and base_lists[0].get("pairs_with") == base_lists[1]["id"]:
            lines += [f'{{{{ compare("{sfx(base_lists[0]["id"], k)}", "{sfx(base_lists[1]["id"], k)}") }}}}', ""]
        if form_calls.get(k):
            lines += ["## Forms", ""] + form_calls[k]
        name = f"scale-{k}.md"
        (proj / "content" / name).write_text("\n".join(lines), encoding="utf-8")
        pages.append((f"Copy {k}", name))
        added["pages"] += 1
    add_to_nav(proj / "mkdocs.yml", "Scaled copies", pages)
    return added


def scale_forms(path: Path, ids: dict[int, dict[str, str]], added: dict, on_pages: set[str]) -> dict[int, list[str]]:
    """Copy every form of data/forms.yml that refers to a scaled prompt, list or item.

    The declaration's shape is read, not assumed: in a copy, every string equal to a scaled id is
    renamed (list items are matched as 'list/item' or by item id within a scaled list), and the copy
    gets a fresh id. Returns, per copy, the macro calls that show the copied forms (for the forms a
    page shows with self_check; a form of prompt groups shows itself with its prompts).
    """
    head, doc = read_data(path)
    calls: dict[int, list[str]] = {k: [] for k in ids}
    if not isinstance(doc, dict):
        return calls
    key = "forms" if isinstance(doc.get("forms"), list) else None
    if key is None:
        return calls
    base = list(doc[key])
    for k, mapping in ids.items():
        plain = {o: nw for o, nw in mapping.items() if "/" not in o}
        items = {o.split("/")[1]: nw.split("/")[1] for o, nw in mapping.items() if "/" in o}

        def rename(node, in_scaled_list=False, plain=plain, items=items):
            hit = False
            if isinstance(node, dict):
                out = {}
                scaled = in_scaled_list or any(isinstance(v, str) and v in COMPETENCY_LISTS for v in node.values())
                for kk, v in node.items():
                    out[kk], h = rename(v, scaled, plain, items)
                    hit |= h
                return out, hit
            if isinstance(node, list):
                out = []
                for v in node:
                    nv, h = rename(v, in_scaled_list, plain, items)
                    out.append(nv)
                    hit |= h
                return out, hit
            if isinstance(node, str):
                if node in plain:
                    return plain[node], True
                if in_scaled_list and node in items:
                    return items[node], True
            return node, False

        for form in base:
            body = {kk: v for kk, v in form.items() if kk != "id"}
            new, hit = rename(body)
            if not hit:
                continue
            nf = {"id": sfx(form["id"], k), **new}
            if isinstance(nf.get("title"), str):
                nf["title"] = f"{nf['title']} (copy {k})"
            doc[key].append(nf)
            added["forms"] += 1
            if form["id"] in on_pages:
                calls[k] += [f'{{{{ self_check("{nf["id"]}") }}}}', ""]
    write_data(path, head, doc)
    return calls


def add_to_nav(config: Path, title: str, pages: list[tuple[str, str]]) -> None:
    """Append a nav section to an explicit top-level ``nav:`` (text edit, so tags elsewhere survive)."""
    text = config.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if re.match(r"^nav:\s*$", l)), None)
    if start is None:
        return  # no explicit nav: MkDocs lists every page itself
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "-", "#"))):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    indent = next((re.match(r"^(\s*)-", l).group(1) for l in lines[start + 1:end] if re.match(r"^\s*-", l)), "  ")
    block = [f"{indent}- {title}:"] + [f"{indent}    - {json.dumps(t)}: {p}" for t, p in pages]
    config.write_text("\n".join(lines[:end] + block + lines[end:]) + "\n", encoding="utf-8")


def counts_of(proj: Path) -> dict:
    head, prompts = read_data(proj / "data" / "prompts.yml")
    _, cases = read_data(proj / "data" / "case-studies.yml")
    _, lists = read_data(proj / "data" / "lists.yml")
    comp = [l for l in lists["lists"] if any(l["id"] == c or l["id"].startswith(c + "-x") for c in COMPETENCY_LISTS)]
    return {"case_studies": len(cases["case_studies"]), "prompts": len(prompts["prompts"]),
            "competency_items": sum(len(l["items"]) for l in comp), "pages": len(list((proj / "content").rglob("*.md")))}
