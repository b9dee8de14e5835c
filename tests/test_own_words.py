"""The handbook is written in its own words (issue #11).

Every built page's visible text is compared with the five source texts: case, punctuation and
whitespace are normalised away and runs of 12 words are compared. A run shared with a source fails
unless it lies inside a phrase on the reviewed allow-list, tests/own-words-allow.yml, where each
entry says why it may stand: the name of a body or report, a figure's title or label, the wording of
a professional standard, a principle's title or a competency's name, or a short quotation that the
page marks as a quotation and attributes.

Run it on its own to list every shared run:  .venv/bin/python tests/test_own_words.py [site dir]
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, SHARED, page_text  # noqa: E402

N = 12
SEEDS = SHARED / "seeds"
ALLOW_FILE = Path(__file__).with_name("own-words-allow.yml")
KINDS = {"name", "figure", "standard", "framework-term", "quotation"}
QUOTE_MARKS = "‘’“”'\""


def words(text: str) -> list[str]:
    """Lower-case words with punctuation, apostrophes and hyphens folded away."""
    text = text.lower().replace("’", "").replace("'", "").replace("‘", "")
    return re.findall(r"[a-z0-9]+", text)


def grams(ws: list[str], n: int = N) -> list[tuple[str, ...]]:
    return [tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)]


def source_grams() -> dict[tuple[str, ...], str]:
    """Every 12-word run of every source text -> the source file it comes from."""
    out: dict[tuple[str, ...], str] = {}
    for f in sorted(SEEDS.glob("0*.txt")):
        for g in grams(words(f.read_text(encoding="utf-8"))):
            out.setdefault(g, f.name)
    return out


def load_allow() -> list[dict]:
    data = yaml.safe_load(ALLOW_FILE.read_text(encoding="utf-8")) or {}
    return data.get("allow", [])


def covered(ws: list[str], allow: list[dict]) -> list[set[int]]:
    """For each of a page's words, the allow-list entries whose phrase it lies inside."""
    cover: list[set[int]] = [set() for _ in ws]
    first: dict[str, list[int]] = {}
    for i, w in enumerate(ws):
        first.setdefault(w, []).append(i)
    for k, entry in enumerate(allow):
        ph = words(entry["phrase"])
        if not ph:
            continue
        for i in first.get(ph[0], []):
            if ws[i:i + len(ph)] == ph:
                for j in range(i, i + len(ph)):
                    cover[j].add(k)
    return cover


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)


def shared_runs(site: Path, allow: list[dict]):
    """(page, source file, run text) for every maximal run of words copied from a source that is
    not wholly inside allow-listed phrases, and the allow-list entries that cover copied words."""
    src = source_grams()
    runs, used = [], set()
    for page in built_pages(site):
        ws = words(page_text(page))
        cover = covered(ws, allow)
        hits: list[int] = []
        for i, g in enumerate(grams(ws)):
            if g not in src:
                continue
            if all(cover[i:i + N]):
                used.update(*cover[i:i + N])
                continue
            hits.append(i)
        # merge overlapping copied 12-grams into maximal runs
        start = prev = None
        for i in hits + [None]:
            if i is not None and prev is not None and i <= prev + 1:
                prev = i
                continue
            if start is not None:
                runs.append((str(page.relative_to(site)), src[tuple(ws[start:start + N])], " ".join(ws[start:prev + N])))
            start = prev = i
    return runs, used


@pytest.mark.unit
def test_allow_list_entries_are_reviewed():
    allow = load_allow()
    assert allow, "tests/own-words-allow.yml has no entries"
    problems = []
    for i, e in enumerate(allow, 1):
        missing = [k for k in ("phrase", "kind", "why") if not str(e.get(k, "")).strip()]
        if missing:
            problems.append(f"entry {i}: missing {', '.join(missing)}")
            continue
        if e["kind"] not in KINDS:
            problems.append(f"entry {i}: kind '{e['kind']}' is not one of {sorted(KINDS)}")
        if e["kind"] == "quotation" and not str(e.get("source", "")).strip():
            problems.append(f"entry {i}: a quotation needs the source it is attributed to")
    assert problems == []


def test_no_run_of_twelve_words_is_copied_from_a_source(site):
    allow = load_allow()
    runs, used = shared_runs(site, allow)
    listing = "\n".join(f"  {page} <- {src}: {run}" for page, src, run in runs)
    assert runs == [], (f"{len(runs)} runs of {N}+ words copied from a source "
                        f"(rewrite them, or allow-list a name, title, label, standard or marked quotation):\n{listing}")
    unused = [e["phrase"] for i, e in enumerate(allow) if i not in used]
    assert unused == [], f"allow-list entries no page uses (remove them): {unused}"


def test_allowed_quotations_are_marked_as_quotations(site):
    """A quotation on the allow-list appears in quotation marks wherever a page shows it."""
    quotes = [e for e in load_allow() if e.get("kind") == "quotation"]
    unmarked = []
    for page in built_pages(site):
        text = page_text(page)
        for e in quotes:
            first = " ".join(e["phrase"].split()[:4])
            for m in re.finditer(re.escape(first), text, re.I):
                before = text[max(0, m.start() - 2):m.start()]
                if not any(q in before for q in QUOTE_MARKS):
                    unmarked.append((page.name, first))
    assert unmarked == []


def test_no_source_voice(site):
    """Words that belong to a source's own voice ("this booklet", "in my school") do not appear."""
    voice = re.compile(r"\b(this booklet|this article|in my school|i have provided|i developed)\b", re.I)
    found = [(p.name, m.group(0)) for p in built_pages(site) for m in voice.finditer(page_text(p))]
    assert found == []


US_SPELLING = re.compile(
    r"\b(\w+(?<!s)(?<!pr)(?<!se)(?<!caps)iz(?:e|es|ed|ing|ation|ations)|colou?r(?<!colour)\w*|behavior\w*|center\w*"
    r"|program|programs|learned|toward|favor\w*|honor\w*|labor|analyz\w*|catalog|fulfill|enrollment"
    r"|practicing|modeling|traveling|judgment\w*|defense|license)\b", re.I)


def test_uk_english(site):
    """UK spelling throughout, and one form of each variant: 'learnt', not 'learned'."""
    found = sorted({(p.name, m.group(0)) for p in built_pages(site) for m in US_SPELLING.finditer(page_text(p))})
    assert found == []


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site"
    found, _ = shared_runs(target, load_allow())
    for page, src, run in found:
        print(f"{page} <- {src}: {run}")
    print(f"{len(found)} runs of {N}+ words shared with a source")
