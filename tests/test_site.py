"""A real `mkdocs build` of the handbook: strict, complete, searchable, self-contained."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED, normalise, page_text, run, unseen_removed
from macros.pages import scan


def test_strict_build_has_no_warnings(tmp_path):
    r = run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "-d", str(tmp_path / "site")])
    assert r.returncode == 0, r.stderr
    warnings = [l for l in r.stderr.splitlines() if "WARNING" in l]
    assert warnings == []


def _pages_for(hb) -> dict[str, set[str]]:
    """Which page (content/*.md) each data item is rendered on, from the pages' macro calls."""
    where: dict[str, set[str]] = {}
    for md in (ROOT / "content").glob("*.md"):
        text = md.read_text()
        page = md.stem + ".html"
        for name, arg in re.findall(r'\{\{\s*(\w+)\("?([\w-]*)"?', text):
            where.setdefault(f"{name}:{arg}", set()).add(page)
            # a form that takes its rows from a figure shows that figure with it (issue #11)
            shown = (hb.forms[arg].get("items_from") or {}).get("list") if name == "self_check" and arg in hb.forms else None
            if shown:
                where.setdefault(f"figure:{shown}", set()).add(page)
    return where


def _items(hb):
    """(macro key, text that must be shown) for every item of every data file."""

    def list_texts(item):
        yield item["text"]
        for k in ("term", "prompt"):
            if k in item:
                yield item[k]
        for sub in item.get("items", []):
            yield from list_texts(sub)

    for lid, lst in hb.lists.items():
        for t in [lst["title"], lst.get("intro"), lst.get("outro")]:
            if t:
                yield f"figure:{lid}", t
        for it in lst["items"]:
            for t in list_texts(it):
                yield f"figure:{lid}", t
    for d in hb.definitions.values():
        yield f"definition:{d['id']}|definitions_compared:", d["text"]
    for cs in hb.case_studies.values():
        yield "case_studies:", cs["title"]
        yield "case_studies:", cs["summary"]
        for pt in cs.get("points", []):
            yield "case_studies:", pt
    for p in hb.prompts.values():
        yield f"prompt:{p['id']}|prompts:{p['group']}|case_studies:", p["text"]
    for p in hb.principles.values():
        yield "principles:", p["title"]
        yield "principles:", p["text"]
    for t in hb.glossary.values():
        yield "glossary:", t["term"]
        yield "glossary:", t.get("expansion") or t["definition"]
    for r in hb.references.values():
        yield "references:", r["cite"]
        yield "references:", r["note"]
    for d in hb.documents.values():
        yield "references:", d["title"]
    for f in hb.forms.values():
        if f.get("prompt_groups"):
            for p in hb.prompts.values():
                if p["group"] in f["prompt_groups"]:
                    yield "learning_record:", p["text"]
            continue
        key = f"self_check:{f['id']}"
        yield key, f["title"]
        if f.get("intro"):
            yield key, f["intro"]
        fields = (f.get("fields") or []) + (f.get("item_fields") or []) + ((f.get("rows") or {}).get("columns") or [])
        for fd in fields:
            yield key, fd["label"]
            if fd["type"] == "scale":
                for lv in hb.scales[fd["scale"]]["levels"]:
                    yield key, lv["label"]
                    yield key, lv["description"]
            if fd["type"] == "choice":
                for o in hb.choices[fd["choices"]]["options"]:
                    yield key, o["label"]
        yield "learning_record:", f["title"]


def test_every_data_item_is_on_its_page_and_in_search(site, hb, search_index):
    where = _pages_for(hb)
    texts: dict[str, str] = {}
    index_by_page: dict[str, str] = {}
    for doc in search_index:
        page = doc["location"].split("#")[0] or "index.html"
        index_by_page[page] = index_by_page.get(page, "") + " " + normalise(doc["title"] + " " + doc["text"])
    missing_page, missing_index, unplaced = [], [], []
    for key, text in _items(hb):
        pages = set().union(*(where.get(k, set()) for k in key.split("|")))
        if not pages:
            unplaced.append(key)
            continue
        want = normalise(text)
        found = False
        for page in pages:
            if page not in texts:
                texts[page] = page_text(site / page)
            if want in texts[page]:
                found = True
                # the learning record repeats every prompt and form only to gather answers: it keeps
                # them out of search, so results lead to where each is asked (test_reader.py)
                if want not in index_by_page.get(page, "") and page != "record.html":
                    missing_index.append((page, want[:60]))
        if not found:
            missing_page.append((sorted(pages), want[:60]))
    assert unplaced == [], f"data items no page shows: {unplaced}"
    assert missing_page == []
    assert missing_index == []


@pytest.mark.parametrize("query,page", [
    ("triplet", "case-studies.html"),
    ("Singapore", "case-studies.html"),
    ("dissonance", "coaching.html"),
])
def test_search_index_finds_yaml_content(search_index, query, page):
    hits = {d["location"].split("#")[0] for d in search_index if query.lower() in (d["title"] + d["text"]).lower()}
    assert page in hits


def test_no_requests_to_other_hosts(site):
    tool = SHARED / "tools" / "external-requests.py"
    r = subprocess.run([sys.executable, str(tool), str(site)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == "", r.stdout


def test_offline_search_index_and_local_shim(site):
    assert (site / "search" / "search_index.js").read_text().startswith("var __index =")
    assert (site / "assets" / "vendor" / "iframe-worker" / "shim.js").exists()
    html = (site / "index.html").read_text()
    assert "fonts.googleapis.com" not in html and "unpkg.com" not in html


def test_every_abbreviation_is_expanded_where_it_appears(site, hb):
    """Every glossary abbreviation in a page's text is an <abbr> whose title is its expansion, and
    the pages do use them (AfL at least, which data/guidance.yml puts in a figure)."""
    import html as html_lib

    terms = {t["term"]: t["expansion"] for t in hb.glossary.values() if t.get("expansion")}
    bare, wrong, expanded = [], [], set()
    for page in sorted(site.glob("*.html")):
        raw = page.read_text()
        article = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', raw, re.S)
        if not article:
            continue
        for title, term in re.findall(r'<abbr title="([^"]*)">([^<]*)</abbr>', article.group(1)):
            term, title = html_lib.unescape(term), html_lib.unescape(title)
            if term in terms:
                expanded.add(term)
                if title != " ".join(terms[term].split()):
                    wrong.append(f"{page.name}: {term} titled {title!r}")
        body = re.sub(r"<(code|pre|abbr|svg)\b.*?</\1>", " ", unseen_removed(article.group(1)), flags=re.S)
        body = re.sub(r"<[^>]+>", " ", body)
        bare += [f"{page.name}: {term}" for term in terms if re.search(rf"(?<![\w.]){re.escape(term)}(?!\w)", body)]
    assert bare == [], f"abbreviations without their expansion: {bare}"
    assert wrong == [], f"abbreviations with another title than their expansion ({len(wrong)}): {wrong[:5]}"
    assert "AfL" in expanded and len(expanded) >= 5, sorted(expanded)


def test_citations_link_to_the_source_documents(site):
    html = (site / "principles.html").read_text()
    assert html.count('class="hb-cite"') >= 10
    assert 'href="references.html#source-national-framework"' in html


def test_diagrams_are_svg_with_text_alternatives(site):
    for page, fig in [("references.html", "plm-components"), ("coaching.html", "grow"), ("embedding.html", "embedding-cycle"),
                      ("compare.html", "coaching-mentoring-overlap"), ("coaching.html", "effective-conversation"),
                      ("practical-guidance.html", "contracting-checklist")]:
        html = (site / page).read_text()
        m = re.search(rf'<figure[^>]*id="{fig}"[^>]*>(.*?)</figure>', html, re.S)
        assert m, (page, fig)
        body = m.group(1)
        assert "<figcaption" in body
        assert "<img" not in body
        assert re.search(r"<(ol|ul)[^>]*>", body), "the diagram's content is also in readable lists"


def test_maintainer_page_is_generated_from_schemas(site):
    text = page_text(site / "maintainers.html")
    for name in ("lists", "case-studies", "prompts", "principles", "glossary", "sources", "definitions"):
        assert f"data/{name}.yml" in text
    assert "pairs_with" in text and "Id of another list" in text


def test_pages_hold_no_copied_data(hb):
    problems, _ = scan(ROOT / "content", hb)
    assert problems == []
    # no list item's text is pasted into a page's Markdown
    md = " ".join(normalise(p.read_text()) for p in (ROOT / "content").glob("*.md"))
    long_texts = [it["text"] for lst in hb.lists.values() for it in lst["items"] if len(it["text"]) > 60]
    assert [t for t in long_texts if normalise(t) in md] == []
