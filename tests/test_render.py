"""Unit layer: each component rendered through the Renderer on the fixture handbook (tests/fixtures/project).

No build, no browser: the Renderer gets the loaded data and the fixture's pages, and each test reads
the HTML (or Markdown) one macro returns. The words asserted are the fixture's own, so rewording the
real handbook never breaks these tests.
"""
from __future__ import annotations

import html as html_lib
import re

import pytest

from conftest import normalise

pytestmark = pytest.mark.unit


def _link(page: str, anchor: str = "") -> str:
    return page.replace(".md", ".html") + (f"#{anchor}" if anchor else "")


@pytest.fixture
def r(mini_hb, mini_project):
    """A Renderer of the fixture handbook, knowing where its pages show each list, form and prompt."""
    from macros.pages import check
    from macros.render import Renderer

    pages = check(mini_project / "content", mini_hb)
    titles = {"coaching.md": "Coaching", "case-studies.md": "Case studies", "coaching-log.md": "My coaching log"}
    return Renderer(mini_hb, link=_link, pages=pages, page_titles=titles, namespace="fixture-handbook")


def ids(out: str) -> list[str]:
    return re.findall(r' id="([^"]+)"', out)


def label_for(out: str, control_id: str) -> str:
    m = re.search(rf'<label\b[^>]*\bfor="{re.escape(control_id)}"[^>]*>(.*?)</label>', out, re.S)
    assert m, f"no <label for={control_id}>"
    return normalise(m.group(1))


# ------------------------------------------------------------------ figures (lists)


def test_a_bullet_list_is_a_captioned_figure_with_its_items_and_source(r):
    out = r.figure("good-coaches")
    assert re.search(r'<figure [^>]*id="good-coaches"[^>]*aria-labelledby="good-coaches-caption"', out)
    caption = re.search(r'<figcaption id="good-coaches-caption"[^>]*>(.*?)</figcaption>', out, re.S)
    assert normalise(caption.group(1)) == "Figure 1: What good coaches do"
    assert re.findall(r'<li id="good-coaches-(\w+)">([^<]*)</li>', out) == [("listen", "Listen actively"), ("ask", "Ask open questions")]
    assert "Good coaches do these things." in out
    assert '<a href="references.html#source-test-guide"><cite>Test guide</cite></a>, Part 1' in out


def test_a_figure_without_caption_keeps_it_for_screen_readers(r):
    shown, hidden = r.figure("good-coaches"), r.figure("good-coaches", caption=False)
    assert 'aria-labelledby="good-coaches-caption"' in hidden  # still names the figure
    assert 'class="hb-figure__caption hb-visually-hidden"' in hidden and "hb-visually-hidden" not in shown
    assert normalise(re.search(r"<figcaption[^>]*>(.*?)</figcaption>", hidden, re.S).group(1)) == "Figure 1: What good coaches do"


def test_a_cycle_is_drawn_hidden_with_its_stages_as_a_list(r):
    out = r.figure("test-cycle")
    svg = re.search(r"<svg[^>]*>", out).group(0)
    assert 'aria-hidden="true"' in svg
    assert out.count('class="hb-cycle__node"') == 3 and out.count('class="hb-cycle__arc"') == 3
    listed = re.search(r"<(ol|ul)\b.*?</\1>", out[out.index("</svg>"):], re.S)
    assert listed and all(w in normalise(listed.group(0)) for w in ("Plan", "Hold the session.", "Review what happened."))


@pytest.mark.parametrize("list_id,markup,items", [("test-steps", '<ol class="hb-list hb-list--numbered"', ["find", "meet"]),
                                                   ("test-notes", '<div class="hb-note" id="test-notes-time">', ["time"])])
def test_other_kinds_of_list_render_their_items(r, list_id, markup, items):
    out = r.figure(list_id)
    assert markup in out
    assert [i for i in ids(out) if i.startswith(list_id + "-") and i != f"{list_id}-caption"] == [f"{list_id}-{i}" for i in items]


def test_compare_puts_two_lists_side_by_side(r):
    out = r.compare("good-coaches", "test-steps")
    heads = re.findall(r'<th scope="col">([^<]*)</th>', out)
    assert heads == ["What good coaches do", "Steps to start"]
    assert "Listen actively" in out and "Find a coach." in out
    assert 'href="coaching.html#good-coaches">Figure 1</a>' in out  # the caption links the figure where it is shown


def test_compare_pairs_the_items_of_two_lists_that_pair_both_ways(r):
    out = r.compare("good-coaches", "good-mentors")
    rows = [[normalise(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in re.findall(r"<tr>(.*?)</tr>", out, re.S)]
    assert [r for r in rows if r] == [["Listen actively", "Hear the whole story"], ["Ask open questions", "Give advice when asked"]]


def test_outline_links_each_entry_to_where_the_list_is_shown(r):
    out = r.outline("test-steps")
    assert re.findall(r'<a href="([^"]+)">([^<]*)</a>', out) == [("coaching.html#test-steps-find", "Find a coach."),
                                                                 ("coaching.html#test-steps-meet", "Meet them.")]


# ------------------------------------------------------------------ prompts and forms


def test_a_prompt_group_shows_each_prompt_with_a_labelled_notes_box(r):
    out = r.prompts("test-reflections")
    assert 'id="test-reflections"' in out and "Questions that the fixture asks its reader." in out
    for pid in ("reflect-first", "reflect-second"):
        control = f"hb-reflections--{pid}--note"
        assert re.search(rf'<textarea id="{control}"[^>]*data-hb-key="reflections\.{pid}\.note"[^>]*aria-describedby="{pid}-text"', out)
        assert label_for(out, control) == "Your notes"
    assert "case-question-one" not in out  # another group's prompt


def test_a_single_prompt_says_what_kind_it_is_and_cites_its_source(r):
    out = r.prompt("reflect-second")
    assert normalise(re.search(r'<p class="hb-prompt__label">(.*?)</p>', out, re.S).group(1)) == "Point for reflection"
    assert "Who could coach you this term?" in out
    assert "<cite>Test guide</cite></a>, Part 2" in out


def test_a_prompt_marks_up_glossary_abbreviations(r):
    assert '<abbr title="three-letter abbreviation">TLA</abbr>' in r.prompt("reflect-first")


def test_a_form_from_a_list_rates_each_item_on_the_scale(r):
    out = r.self_check("coach-check")
    assert out.startswith("### Self-assessment: what good coaches do { #coach-check }")
    assert 'data-module="hb-self-check"' in out and 'data-hb-form="coach-check"' in out
    assert out.count('id="good-coaches"') == 1  # the list's figure, once, around the form
    for item in ("listen", "ask"):
        key = f"coach-check.{item}.rating"
        legend = re.search(rf'<fieldset[^>]*data-hb-field="{re.escape(key)}"[^>]*>\s*<legend[^>]*>([^<]*)</legend>', out)
        assert legend and legend.group(1) == "Your rating"
        radios = re.findall(rf'<input type="radio" id="([^"]+)" name="[^"]+" value="([^"]+)" data-hb-key="{re.escape(key)}"', out)
        assert [v for _, v in radios] == ["not-yet", "secure"]
        assert [label_for(out, rid) for rid, _ in radios] == ["Not yet", "Secure"]
        assert label_for(out, f"hb-coach-check--{item}--evidence") == "Evidence or next step"
    assert "I do this well." in out  # the scale's levels are described


def test_a_rank_is_unique_among_the_items_a_choice_selects(r):
    out = r.self_check("priorities")
    for item in ("find", "meet"):
        rank = re.search(rf'<input type="number" id="hb-priorities--{item}--rank"[^>]*>', out).group(0)
        assert 'data-hb-unique-field="required"' in rank and 'data-hb-unique-value="yes"' in rank
        assert f'aria-describedby="hb-priorities--{item}--rank-hint"' in rank
        assert label_for(out, f"hb-priorities--{item}--rank") == "Priority"
    assert "1 is the highest." in out


def test_a_form_with_its_own_fields_renders_a_choice_and_a_line(r):
    out = r.self_check("next-steps")
    legend = re.search(r'<fieldset[^>]*data-hb-field="next-steps.ready"[^>]*>\s*<legend[^>]*>([^<]*)</legend>', out)
    assert legend.group(1) == "Are you ready to start?"
    assert label_for(out, "hb-next-steps--ready-yes") == "Yes" and label_for(out, "hb-next-steps--ready-no") == "No"
    assert re.search(r'<input type="text" id="hb-next-steps--first-step"[^>]*data-hb-key="next-steps.first-step"', out)
    assert label_for(out, "hb-next-steps--first-step") == "Your first step"
    assert 'href="record.html"' in out  # answers are gathered in the learning record


def test_a_coaching_log_has_a_labelled_relationship_box_and_its_kinds(r):
    out = r.coaching_log("test-log")
    assert out.startswith("## Your test log { #test-log }")
    assert 'data-module="hb-coaching-log"' in out and 'data-hb-log="test-log"' in out
    assert label_for(out, "hb-test-log--relationships--new") == "Add a coaching relationship"
    assert "Session note" in out
    assert "A label such as &#34;Coaching with A.&#34;." in out  # the hint, escaped


def test_the_learning_record_lists_every_answer_by_page(r):
    import json

    out = r.learning_record()
    m = re.search(r'<template id="hb-manifest"[^>]*>(.*?)</template>', out, re.S)
    manifest = json.loads(m.group(1))
    assert manifest["handbook"] == "fixture-handbook"
    entries = {e["id"]: s["title"] for s in manifest["sections"] for e in s["entries"]}
    assert {"reflect-first", "reflect-second", "coach-check", "next-steps"} <= set(entries)
    assert entries["coach-check"] == "Coaching" and entries["case-question-one"] == "Case studies"


# ------------------------------------------------------------------ case studies


def test_a_case_study_has_a_numbered_heading_facets_summary_and_questions(r):
    out = r.case_study("case-study-test-school")
    assert out.startswith("### Case study 1: Coaching pairs at Test School { #case-study-test-school }")
    assert 'data-facet-phase="primary"' in out
    assert normalise(re.search(r'<ul class="hb-tags"[^>]*>(.*?)</ul>', out, re.S).group(1)) == "Phase: Primary"
    assert "<p>Test School pairs every teacher with a coach.</p><p>The pairs meet every half term.</p>" in out
    assert 'id="case-question-one"' in out and label_for(out, "hb-reflections--case-question-one--note") == "Your notes"


def test_case_studies_are_listed_in_number_order(r, mini_hb):
    second = {**mini_hb.case_studies["case-study-test-school"], "id": "case-study-earlier", "number": 0, "title": "An earlier one",
              "questions": []}
    mini_hb.case_studies["case-study-earlier"] = second
    from macros.render import Renderer

    out = Renderer(mini_hb, link=_link, pages=r.pages).case_studies()
    assert out.index("An earlier one") < out.index("Coaching pairs at Test School")


# ------------------------------------------------------------------ definitions, principles, glossary, sources


def test_definitions_by_topic_and_all(r):
    coaching = r.definitions("coaching")
    assert 'id="coaching-test-definition"' in coaching and "mentoring-test-definition" not in coaching
    assert "Provided by: <strong>Coach</strong>; received by: <strong>Coachee</strong>" in coaching
    every = r.definitions()
    assert 'id="coaching-test-definition"' in every and 'id="mentoring-test-definition"' in every
    assert 'id="mentoring-test-definition"' in r.definition("mentoring-test-definition")


def test_definitions_compared_shows_each_definition_once(r):
    out = r.definitions_compared()
    assert out.count('id="coaching-test-definition"') == 1 and out.count('id="mentoring-test-definition"') == 1


def test_principles_are_numbered_with_their_intro(r):
    out = r.principles()
    assert "Two principles that the fixture handbook recommends." in out
    assert re.findall(r'<li class="hb-principle" id="([^"]+)" value="(\d+)">', out) == [("first-principle", "1"), ("second-principle", "2")]
    one = r.principle("second-principle")
    assert "Agree the goal" in one and "first-principle" not in one
    outline = r.principles_outline()
    assert "Listen first" in outline and "principles.html#first-principle" in outline


def test_the_glossary_lists_terms_by_letter_with_expansions(r):
    out = r.glossary()
    letters = re.findall(r'<h2 class="hb-glossary__letter" id="glossary-letter-(\w)">', out)
    assert letters == ["c", "t"]
    assert out.index("Coachee") < out.index("TLA")
    assert "three-letter abbreviation" in out and "The person being coached." in out


def test_references_list_documents_and_works_cited(r):
    out = r.references()
    assert re.findall(r'<li id="(source-[^"]+)">', out) == ["source-test-guide", "source-other-guide"]
    assert '<li id="ref-smith-2020"><strong>Smith (2020)</strong> <cite>Coaching in small schools</cite>' in out


def test_abbreviations_markdown_gives_each_expansion_once(r):
    assert r.abbreviations_markdown() == "*[TLA]: three-letter abbreviation"


def test_text_links_a_figure_number_to_where_it_is_shown(r):
    out = str(r.text("See Figure 2 and Figure 9."))
    assert '<a class="hb-xref" href="coaching.html#test-cycle">Figure 2</a>' in out
    assert "Figure 9" in out and 'Figure 9</a>' not in out  # no page shows a Figure 9


def test_the_schema_reference_describes_each_data_file(r):
    out = normalise(r.schema_reference())
    for name in ("sources", "glossary", "lists", "prompts", "case-studies", "forms"):
        assert f"data/{name}.yml" in out


# ------------------------------------------------------------------ the school's own parts


def test_contacts_and_welcome_are_escaped_and_email_addresses_linked(r):
    from macros.render import check_contacts

    r.school_contacts = check_contacts([{"role": "Coordinator <b>", "name": "Ms A. Jones", "how": "a.jones@school.example or room 4"}])
    out = r.contacts()
    assert "Coordinator &lt;b&gt;" in out and "<b>" not in out
    assert '<a href="mailto:a.jones@school.example">a.jones@school.example</a>' in out
    assert r.welcome() == ""
    r.school_welcome = "Welcome to <our> school.\n\nSecond paragraph."
    welcome = r.welcome()
    assert "Welcome to &lt;our&gt; school." in welcome and "Second paragraph." in welcome


# ------------------------------------------------------------------ what a page may not ask for


@pytest.mark.parametrize("call,message", [
    (lambda r: r.figure("gorw"), "macro 'figure': unknown list id 'gorw'; known ids: good-coaches, good-mentors, test-cycle, test-notes, test-steps"),
    (lambda r: r.self_check("coach-chek"), "macro 'self_check': unknown form id 'coach-chek'; known ids: coach-check, next-steps, priorities, reflections"),
    (lambda r: r.prompts("reflections"), "macro 'prompts': unknown prompt group id 'reflections'"),
    (lambda r: r.case_study("test-school"), "macro 'case_study': unknown case study id 'test-school'"),
    (lambda r: r.definitions("mentorin"), "macro 'definitions': unknown definitions topic id 'mentorin'; known ids: coaching, mentoring"),
])
def test_an_unknown_id_names_the_macro_and_the_known_ids(r, call, message):
    from macros.render import UnknownId

    with pytest.raises(UnknownId) as exc:
        call(r)
    assert message in str(exc.value)


def test_one_item_shown_twice_on_a_page_is_refused(r):
    from macros.render import DuplicateHtmlId

    r.current_page = lambda: "coaching.md"
    r.prompt("reflect-first")
    with pytest.raises(DuplicateHtmlId, match=r"HTML id 'reflect-first' is made twice, by prompt 'reflect-first' \(data/prompts.yml:\d+\)"):
        r.prompt("reflect-first")


def test_data_text_is_escaped_everywhere_it_lands(r, mini_hb):
    mini_hb.lists["good-coaches"]["items"][0]["text"] = '<script>alert(1)</script> [a](javascript:x)'
    mini_hb.case_studies["case-study-test-school"]["title"] = "Pairs {: #x onclick=alert(1) } *em*"
    from macros.render import Renderer

    r2 = Renderer(mini_hb, link=_link, pages=r.pages)
    fig = r2.figure("good-coaches")
    assert "<script>" not in fig and "&lt;script&gt;alert(1)&lt;/script&gt;" in fig
    heading = r2.case_study("case-study-test-school").splitlines()[0]
    assert "{:" not in heading and "*em*" not in heading and html_lib.unescape(heading).startswith("### Case study 1: Pairs {: #x")
