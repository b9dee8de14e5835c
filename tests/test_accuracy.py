"""The handbook says what its sources say, credits them the same way everywhere, and marks its own
additions as its own (issue #11, "Accuracy and honesty" and citations)."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT, SHARED, normalise, page_text
from macros import self_check

SEED_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def _sources_in(node, path=()):
    """Every {doc, at} citation anywhere in a data structure, with where it is."""
    if isinstance(node, dict):
        if set(node) == {"doc", "at"}:
            yield path, node
            return
        for k, v in node.items():
            yield from _sources_in(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _sources_in(v, path + (i,))


def _figure(site, page, fig_id):
    html = (site / page).read_text(encoding="utf-8")
    m = re.search(rf'<figure[^>]*id="{fig_id}"[^>]*>(.*?)</figure>', html, re.S)
    assert m, (page, fig_id)
    return m.group(0)


def test_citations_read_as_short_names(site, hb):
    shorts = {d["short"] for d in hb.documents.values()}
    assert all(d.get("short") for d in hb.documents.values()), "every source document needs a short name"
    cites = []
    for page in site.glob("*.html"):
        cites += [normalise(c) for c in re.findall(r'<p class="hb-cite">(.*?)</p>', page.read_text(encoding="utf-8"), re.S)]
    assert len(cites) > 100
    bad = sorted({c for c in cites if not any(c.startswith(f"Source: {s}, ") for s in shorts)})
    assert bad == []
    assert "Source: Heads of department guide, Top tips" in cites
    assert "Source: Staff guidance, Issue of confidentiality" in cites


def test_no_page_shows_an_internal_file_name(site):
    found = [p.name for p in site.rglob("*.html") if SEED_NAME.search(p.read_text(encoding="utf-8"))]
    assert found == []
    refs = page_text(site / "references.html")
    assert "Welsh Government booklet: Coaching and mentoring (Welsh Government)" in refs


def test_one_label_per_source_passage(hb):
    """Every citation names a place its document lists in data/sources.yml (parts), so one passage
    is always cited with the same label."""
    import yaml

    wrong = []
    for f in sorted((ROOT / "data").glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for path, src in _sources_in(data):
            parts = hb.documents[src["doc"]].get("parts")
            if parts is not None and src["at"] not in parts:
                wrong.append((f.name, "/".join(map(str, path)), src["doc"], src["at"]))
    assert wrong == []
    assert all(d.get("parts") for d in hb.documents.values())


@pytest.mark.parametrize("term,at", [("afl", ("hod-guide", "What you could do next")),
                                     ("joining-a-lesson", ("embedding-article", "Stage 1"))])
def test_glossary_citations_point_at_the_passage(hb, term, at):
    entry = hb.glossary[term]
    assert (entry["source"]["doc"], entry["source"]["at"]) == at
    if term == "afl":  # cited to the guide, so it says what the guide says (it used to explain the booklet)
        assert entry["definition"].startswith("The heads of department guide suggests the use of AfL")


def test_approaching_staff_cites_the_model_too(hb):
    # its intro and "joining a lesson, not observing" come from the article's section on the model
    assert hb.lists["approaching-staff"]["source"]["at"] == "The model and How do you approach staff?"


def test_sources_named_consistently(site):
    text = " ".join(page_text(p) for p in site.glob("*.html"))
    # Figures 9 and 14 come from the CUREE model and the Welsh Government's framework, not the
    # DfES/CUREE national framework of ten principles
    assert not re.search(r"national framework[^.]*Figure (9|14)", text, re.I)
    compare = page_text(site / "compare.html")
    assert "Figure 9 draws on the CUREE model" in compare
    assert "Figure 14 on the Welsh Government's Framework for Mentoring and Coaching" in compare


def test_figure_1_has_no_order_and_no_claim(site, hb):
    assert hb.lists["plm-components"]["kind"] not in ("cycle", "steps", "numbered")
    fig = _figure(site, "references.html", "plm-components")
    assert "<ol" not in fig and "hb-cycle" not in fig
    assert all("support one another" not in page_text(p) for p in site.glob("*.html"))


def test_figure_12_shows_only_what_the_source_supports(site, hb):
    ids = {it["id"] for it in hb.lists["coaching-mentoring-overlap"]["items"]}
    assert "shared" not in ids
    fig = normalise(_figure(site, "compare.html", "coaching-mentoring-overlap"))
    assert "What all three share" not in fig
    assert "Areas with less overlap" in fig
    assert "Editor's note:" in fig and "does not show which" in fig


def test_expectations_has_its_question_in_the_figure_and_the_form(site, hb):
    fig = normalise(_figure(site, "practical-guidance.html", "contracting-checklist"))
    m = re.search(r"Expectations(.*?)Practicalities", fig)
    assert m and "What do we want to achieve?" in m.group(1)
    form = self_check.form_model(hb, "contracting")
    item = next(it for it in form["items"] if it["id"] == "expectations")
    notes = next(f for f in item["fields"] if f["id"] == "notes")
    assert notes["item_prompt"] == "What do we want to achieve?"
    html = (site / "practical-guidance.html").read_text(encoding="utf-8")
    hint = re.search(r'id="hb-contracting--expectations--notes-hint">(.*?)</div>', html, re.S)
    assert hint and "What do we want to achieve?" in hint.group(1)


def test_case_studies_say_what_the_source_says_when_it_says_it(site):
    text = page_text(site / "case-studies.html")
    assert "now Acting Headteacher" not in text and "one recent" not in text.lower()
    assert "who was Acting Headteacher of Ysgol Maes y Mynydd in Rhosllanerchrugog when the booklet was written" in text
    assert "One example in that 2014 case study is a link with the BBC" in text
    assert "'champion', who works in partnership with an 'achievement coach'" in text
    coaching = page_text(site / "coaching.html")
    assert "led by an achievement coach" not in coaching
    assert "partnership between its nominated champion and an achievement coach" in coaching


def _seed_words():
    from test_own_words import words

    return [words(f.read_text(encoding="utf-8")) for f in sorted((SHARED / "seeds").glob("0*.txt"))]


def _given_by_a_source(expansion, seeds, window=40):
    """The expansion's words appear in a source in order within a short span (GROW's letters are
    spread over a sentence)."""
    from test_own_words import words

    want = words(expansion)
    for ws in seeds:
        for i, w in enumerate(ws):
            if w != want[0]:
                continue
            k = 1
            for x in ws[i + 1:i + window]:
                if k < len(want) and x == want[k]:
                    k += 1
            if k == len(want):
                return True
    return False


def test_expansions_the_sources_do_not_give_are_editors_notes(site, hb):
    seeds = _seed_words()
    unmarked = [t["term"] for t in hb.glossary.values()
                if t.get("expansion") and not _given_by_a_source(t["expansion"], seeds) and not t.get("editorial")]
    assert unmarked == []
    for term in ("cfbt", "wiwbl", "dfes", "oecd", "bbc", "it"):
        assert hb.glossary[term].get("editorial"), term
    html = (site / "glossary.html").read_text(encoding="utf-8")
    entry = re.search(r'<div class="hb-glossary__entry" id="cfbt">(.*?)</div>', html, re.S).group(1)
    # the Editor's note is its own paragraph, not part of the "Source:" line
    assert re.search(r'<p class="hb-cite">Source:[^<]*<a[^>]*><cite>Welsh Government booklet</cite></a>, Section 3</p>', entry)
    assert "<p class=\"hb-editorial\"><strong>Editor's note:</strong> The booklet does not spell out" in entry


def test_the_handbooks_own_scales_and_columns_are_marked(site):
    coaching = normalise((site / "coaching.html").read_text(encoding="utf-8"))
    assert "the handbook's scale" in coaching
    getting = page_text(site / "getting-involved.html")
    assert "Editor's note: The booklet asks for two things for each target" in getting
