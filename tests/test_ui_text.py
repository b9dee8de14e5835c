"""The interface's words come from one catalogue, data/ui.yml (macros/ui_text.py; issue #10).

- a broken catalogue (a missing, unknown or misspelt key, a lost placeholder) is reported with file:line
  by `load`, by `python -m macros check` and by the build, which keeps the old site;
- every value is escaped where it lands (HTML text, attributes, Markdown headings, the attributes a
  script reads, the theme's templates);
- the catalogue is complete: built with every value replaced by a marker, the pages keep none of
  the catalogue's English, every key shows up, and no template writes English of its own;
- a script's words reach it through its component's markup (ui-text.js): the case filter, from files.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_project, handbook, normalise
from test_self_check import instant_site  # noqa: F401 (a fixture: a build served for instant navigation)

UI = ROOT / "data" / "ui.yml"
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9-]*)\}")
NASTY = '<i>&"'  # in every marker: it must arrive as text everywhere, never as markup


def _flat(d: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in d.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        out.update(_flat(v, key) if isinstance(v, dict) else {key: v})
    return out


def _marked(d: dict, prefix: str = "") -> dict:
    """The catalogue with each value replaced by ⟦key<i>&"⟧ and its placeholders."""
    out = {}
    for k, v in d.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict):
            out[k] = _marked(v, key)
        else:
            out[k] = " ".join([f"⟦{key}{NASTY}⟧", *("{" + n + "}" for n in dict.fromkeys(PLACEHOLDER.findall(v)))])
    return out


def marker(key: str) -> str:
    return f"⟦{key}{NASTY}⟧"


CATALOGUE = yaml.safe_load(UI.read_text(encoding="utf-8"))
KEYS = _flat(CATALOGUE)
MARKED_KEYS = _flat(_marked(CATALOGUE))  # what the marker build says for each key


# ------------------------------------------------------------------ the loader and its escaping


def _ui(texts: dict):
    from macros.render import md
    from macros.ui_text import UiText

    return UiText(texts, md)


def test_values_and_placeholders_are_escaped_where_they_land():
    from markupsafe import Markup

    ui = _ui({"g": {"t": 'Say <b>"{who}"</b> & go', "h": "Heading {n}: *{title}*", "script": {"s": 'x "{n}" <y>'}}})
    assert ui("g.t", who="<script>") == 'Say &lt;b&gt;&#34;&lt;script&gt;&#34;&lt;/b&gt; &amp; go'
    assert ui("g.t", who=Markup("<a href=x>me</a>")) == 'Say &lt;b&gt;&#34;<a href=x>me</a>&#34;&lt;/b&gt; &amp; go'
    # a Markdown heading: nothing in the text or the values can start emphasis, a link or an attribute list
    assert ui.md("g.h", n=3, title="[x](y) {#id}") == "Heading 3: &#42;&#91;x&#93;&#40;y&#41; &#123;&#35;id&#125;&#42;"
    assert ui.plain("g.t", who="<me>") == 'Say <b>"<me>"</b> & go'
    assert ui.script_attrs("g") == ' data-hb-i18n-s="x &#34;{n}&#34; &lt;y&gt;"'
    assert ui("g.t", who="it's") == "Say &lt;b&gt;&#34;it&#39;s&#34;&lt;/b&gt; &amp; go"  # data: as Jinja escapes it


def test_a_template_asking_for_a_missing_key_or_placeholder_is_told_which():
    from macros.ui_text import UnknownUiText

    ui = _ui({"g": {"t": "Showing {shown}"}})
    with pytest.raises(UnknownUiText, match="'g.nope'"):
        ui("g.nope")
    with pytest.raises(UnknownUiText, match=r"\{shown\}"):
        ui("g.t")
    with pytest.raises(UnknownUiText, match="group"):
        ui("g")


def test_a_local_folders_ui_file_replaces_the_values_it_gives():
    from macros.ui_text import catalogue

    merged = catalogue([{"a": {"x": "1", "y": "2", "script": {"s": "3"}}}, {"a": {"y": "Y", "script": {"s": "S"}}}])
    assert merged == {"a": {"x": "1", "y": "Y", "script": {"s": "S"}}}


# ------------------------------------------------------------------ a broken catalogue


def _line(text: str, start: str) -> int:
    return next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith(start))


def _broken_ui(data: Path) -> dict[str, int]:
    """Break data/ui.yml three ways; returns the line each problem must be reported at."""
    p = data / "ui.yml"
    text = p.read_text(encoding="utf-8")
    text = text.replace("\n  facets: Facets\n", "\n  facet: Facets\n", 1)  # misspelt: unknown and missing
    text = text.replace("Showing {shown} of {total} case studies.", "Showing {shown} of {totl} case studies.", 1)
    text = text.replace("\n  no-answer: No answer yet\n", "\n", 1)  # missing
    p.write_text(text, encoding="utf-8")
    return {"facet": _line(text, "  facet: "), "showing": _line(text, "    showing: "), "learning-record": _line(text, "learning-record:") + 1}


def _assert_reported(out: str, lines: dict[str, int]) -> None:
    assert f"data/ui.yml:{lines['facet']}: field 'facet': is not a known field (did you mean 'facets'?)" in out, out
    assert re.search(r"data/ui\.yml:\d+: field 'facets': is required but missing", out), out
    assert f"data/ui.yml:{lines['showing']}: field 'showing': must contain {{shown}} and {{total}}" in out, out
    assert f"data/ui.yml:{lines['learning-record']}: field 'no-answer': is required but missing" in out, out
    assert "Traceback" not in out


def test_a_broken_catalogue_is_reported_with_file_and_line_by_load(tmp_path):
    from macros.data import HandbookError, load

    shutil.copytree(ROOT / "data", tmp_path / "data")
    lines = _broken_ui(tmp_path / "data")
    with pytest.raises(HandbookError) as err:
        load(tmp_path / "data")
    _assert_reported(str(err.value), lines)


def test_two_groups_script_texts_with_one_name_are_refused_with_both_places(tmp_path):
    """Scripts find their texts by name alone (data-hb-i18n-NAME, the first on the page), so a name two
    groups' script: texts share gave one script the other's words: on the learning record, storage.js's
    'quoted' ('{key}') read the record's ('“{text}”') and showed "another handbook (“{text}”)". The
    catalogue as merged then (storage's quoted-key named quoted) is refused, naming both lines."""
    from macros.data import HandbookError, load

    shutil.copytree(ROOT / "data", tmp_path / "data")
    ui, schema = tmp_path / "data" / "ui.yml", tmp_path / "data" / "schema" / "ui.schema.json"
    text = ui.read_text(encoding="utf-8")
    assert text.count("    quoted-key: ") == 1
    ui.write_text(text.replace("    quoted-key: ", "    quoted: "), encoding="utf-8")
    schema.write_text(schema.read_text(encoding="utf-8").replace('"quoted-key"', '"quoted"'), encoding="utf-8")
    lines = text.split("\n")
    mine = next(i for i, line in enumerate(lines, 1) if line.startswith("    quoted-key: "))
    theirs = next(i for i, line in enumerate(lines, 1) if line.startswith("    quoted: "))
    with pytest.raises(HandbookError) as err:
        load(tmp_path / "data")
    msg = str(err.value)
    assert f"data/ui.yml:{mine}: item 'storage': field 'script.quoted':" in msg, msg
    assert f"'learning-record's (data/ui.yml:{theirs})" in msg, msg
    assert "Traceback" not in msg


def test_check_and_build_refuse_a_broken_catalogue_and_keep_the_old_site(tmp_path):
    proj = copy_project(tmp_path / "proj")
    site = tmp_path / "site"
    assert handbook("build", "-d", str(site), cwd=proj).returncode == 0
    before = (site / "case-studies.html").read_bytes()
    lines = _broken_ui(proj / "data")
    r = handbook("check", cwd=proj)
    assert r.returncode != 0
    _assert_reported(r.stdout + r.stderr, lines)
    r = handbook("build", "-d", str(site), cwd=proj)
    assert r.returncode != 0
    _assert_reported(r.stdout + r.stderr, lines)
    assert (site / "case-studies.html").read_bytes() == before


# ------------------------------------------------------------------ no template writes English of its own

TEMPLATES = sorted([*(ROOT / "macros" / "templates").rglob("*.html"), ROOT / "overrides" / "404.html",
                    ROOT / "overrides" / "main.html", *(ROOT / "overrides" / "partials").glob("*.html")])
# Not from the catalogue: the page `serve` shows while a build fails, which must show even when data/ui.yml
# is what broke (macros/templates/serve-errors/serve-error.html says so too).
NOT_YET = {"serve-error.html"}
VISIBLE_ATTRS = {"aria-label", "title", "alt", "placeholder", "label", "data-hb-empty"}
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
LITERAL = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")


class _Visible(HTMLParser):
    """Text and visible attribute values of a template with its Jinja taken out; <code>, <kbd>, <script>
    and <style> are not words to translate."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "kbd", "script", "style"):
            self.skip += 1
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRS or name.startswith("data-hb-i18n")):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("code", "kbd", "script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.found.append(data)


def test_no_template_writes_english_of_its_own():
    """Every word a template shows comes from ui(): the markup between its Jinja tags holds no letters
    (ids and classes are attributes nobody reads), and no expression prints a literal phrase."""
    problems = []
    for t in TEMPLATES:
        if t.name in NOT_YET:
            continue
        src = t.read_text(encoding="utf-8")
        for expr in JINJA.findall(src):
            if expr.startswith("{#"):
                continue  # a comment
            for a, b in LITERAL.findall(expr):
                lit = a or b
                if re.search(r"[A-Z][a-z]|[a-z] +[a-z]|^ +[a-z]+ +$", lit):
                    problems.append(f"{t.name}: literal {lit!r} in {expr[:60]!r}")
        markup = re.sub(r"<(/?)\{\{.*?\}\}", r"<\1tag", src)  # <{{ 'ol' if ... }}>: a tag all the same
        markup = JINJA.sub(" ", markup)
        markup = re.sub(r"\{ #[^}]*\}", "", markup)  # a Markdown heading's id and attributes
        markup = re.sub(r"`[^`]*`", "", markup)  # a Markdown code span (a file name)
        parser = _Visible()
        parser.feed(markup)
        for text in parser.found:
            for word in re.findall(r"[A-Za-z]{2,}", text):
                problems.append(f"{t.name}: {word!r} in {' '.join(text.split())[:80]!r}")
    assert not problems, "\n".join(problems)


def test_templates_quote_attributes_with_double_quotes():
    """ui() escapes & < > and " but leaves an apostrophe as it is (so the pages did not change): safe in
    text and in attributes quoted with ", which is how every template quotes them."""
    single = []
    for t in TEMPLATES:
        # '{{ value | tojson }}' is Jinja's documented way to put JSON in an attribute (single quotes)
        text = re.sub(r"='\{\{[^}]*\|\s*tojson\s*\}\}'", '="json"', t.read_text(encoding="utf-8"))
        markup = JINJA.sub(" ", text)
        single += [f"{t.name}: {m}" for m in re.findall(r"<[^>]*\s[a-zA-Z-]+='[^>]*>", markup)]
    assert not single, single


def _used_keys() -> tuple[set[str], set[str]]:
    """Keys the templates ask for, and the script texts the JavaScript asks for (hb.text(el, "name"))."""
    keys: set[str] = set()
    for t in TEMPLATES:
        src = t.read_text(encoding="utf-8")
        keys |= set(re.findall(r"ui(?:\.md|\.plain)?\(\s*'([a-z0-9.-]+)'", src))
        for group in re.findall(r"ui\.script_attrs\(\s*'([a-z0-9-]+)'", src):
            keys.add(f"{group}.script")
    names: set[str] = set()
    for js in (ROOT / "overrides" / "assets" / "javascripts").glob("*.js"):
        src = js.read_text(encoding="utf-8")
        # hb.text(el, "name"), and a file's own say("name") (its shorthand for hb.text(null, "name"))
        names |= set(re.findall(r"hb\.text\([^,()]+,\s*\"([a-z0-9-]+)\"", src))
        if re.search(r"function say\(name, values\) \{ return (?:window\.)?hb\.text\(null, name, values\); \}", src):
            names |= set(re.findall(r"\bsay\(\s*\"([a-z0-9-]+)\"", src))
            names |= set(re.findall(r"\bsay\([^()\"]*\?\s*\"([a-z0-9-]+)\"\s*:\s*\"[a-z0-9-]+\"", src))
            names |= set(re.findall(r"\bsay\([^()\"]*\?\s*\"[a-z0-9-]+\"\s*:\s*\"([a-z0-9-]+)\"", src))
        # hb.plural(el, "name", n): the texts name-one and name-other
        for name in re.findall(r"hb\.plural\([^,()]+,\s*\"([a-z0-9-]+)\"", src):
            names |= {f"{name}-one", f"{name}-other"}
    return keys, names


def test_every_key_is_used_and_every_key_used_exists():
    keys, names = _used_keys()
    unknown = sorted(k for k in keys if k not in KEYS and not k.endswith(".script"))
    assert not unknown, f"templates ask for keys data/ui.yml does not have: {unknown}"
    script_keys = {k for k in KEYS if ".script." in k}
    unused = sorted(k for k in KEYS if k not in keys and k not in script_keys)
    assert not unused, f"keys in data/ui.yml that no template uses: {unused}"
    for k in script_keys:
        group, _, name = k.partition(".script.")
        assert f"{group}.script" in keys, f"{group}'s script texts are written by no template (ui.script_attrs)"
    # scripts not converted yet (another phase) use none; those that are ask only for what their group has
    # (a name built in the script, "month-" + n, must at least start some text's name)
    script_names = {k.rpartition(".")[2] for k in script_keys}
    unknown_names = sorted(n for n in names if n not in script_names and not (n.endswith("-") and any(s.startswith(n) for s in script_names)))
    assert not unknown_names, f"scripts ask for texts no script: group has: {unknown_names}"
    assert len(script_names) == len(script_keys), "two groups' script texts share a name: they would share an attribute"


# ------------------------------------------------------------------ built with a marker catalogue


@pytest.fixture(scope="module")
def marked_site(tmp_path_factory) -> Path:
    proj = copy_project(tmp_path_factory.mktemp("ui-marked") / "proj")
    text = "# markers: every value replaced (tests/test_ui_text.py)\n" + yaml.safe_dump(_marked(CATALOGUE), allow_unicode=True, sort_keys=False, width=1000)
    (proj / "data" / "ui.yml").write_text(text, encoding="utf-8")
    out = proj / "site"
    r = handbook("build", "-d", str(out), cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


class _Chrome(HTMLParser):
    """A page's text (not its scripts) and the attribute values a reader meets (names, titles, script texts)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRS or name.startswith("data-hb-i18n") or name.startswith("data-hb-empty")):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _chrome(path: Path) -> str:
    p = _Chrome()
    p.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(p.parts).split())


def _content_text() -> str:
    """Everything the handbook's content says (data other than ui.yml, the pages' prose, the schemas'
    descriptions that the maintainers' page shows), normalised:
    a catalogue phrase found here may rightly stay on a page."""
    parts = [f.read_text(encoding="utf-8") for f in (ROOT / "data").glob("*.yml") if f.name != "ui.yml"]
    parts += [f.read_text(encoding="utf-8") for f in (ROOT / "content").glob("*.md")]
    parts += [f.read_text(encoding="utf-8") for f in (ROOT / "data" / "schema").glob("*.json")]  # the maintainers' reference
    return " ".join(" ".join(parts).split())


PAGES = ["case-studies.html", "glossary.html", "record.html", "404.html", "getting-involved.html", "coaching.html",
         "coaching-log.html", "references.html", "index.html", "compare.html", "maintainers.html"]


# Shown only in a school's edition (extra.handbook.contacts): tests/test_school.py builds one.
ONLY_IN_A_SCHOOL_EDITION = {"contacts.title-school"}
# Shown only by the offline zip's start file, outside the site (test_the_offline_zips_start_file_...).
ONLY_IN_THE_ZIP = {k for k in KEYS if k.startswith("offline-zip.")}


def test_every_key_reaches_a_page(marked_site):
    everything = "".join(_chrome(p) for p in marked_site.rglob("*.html") if "assets" not in p.parts)
    missing = sorted(k for k in KEYS if marker(k) not in everything and k not in ONLY_IN_A_SCHOOL_EDITION | ONLY_IN_THE_ZIP)
    assert not missing, f"never shown: {missing}"


def _catalogue_phrases_left(real: str, marked: str) -> tuple[list[str], int]:
    """The real catalogue's phrases that the real page shows and the marker page still shows (each
    as "key: phrase"), and how many phrases were checked at all. Phrases the handbook's content also
    says, and words too short to tell apart from content ("Any", "Of"), are not checked."""
    content = _content_text()
    left, checked = [], 0
    for key, value in KEYS.items():
        for fragment in PLACEHOLDER.split(value)[::2]:
            fragment = " ".join(fragment.split()).strip(" ,.:;()")
            if len(fragment.split()) < 2 and len(fragment) < 6:
                continue
            if fragment in content:
                continue
            if fragment in real:
                checked += 1
                if fragment in marked:
                    left.append(f"{key}: {fragment!r}")
    return left, checked


@pytest.mark.parametrize("name", PAGES)
def test_no_english_from_the_catalogue_survives_a_marker_catalogue(marked_site, site, name):
    """Built with every value of data/ui.yml replaced by a marker, no phrase of the real catalogue is
    left in a page's chrome, unless the handbook's content says it too. Checked against the real build,
    so the test cannot pass because a phrase was never on the page."""
    real, marked = _chrome(site / name), _chrome(marked_site / name)
    left, checked = _catalogue_phrases_left(real, marked)
    assert checked, f"{name}: no catalogue phrase on the page at all: the check would prove nothing"
    assert not left, f"{name} still says: {left}"


@pytest.mark.parametrize("name", PAGES)
def test_marker_text_arrives_as_text_never_as_markup(marked_site, name):
    raw = (marked_site / name).read_text(encoding="utf-8")
    assert "⟦" in raw
    # markers in HTML text, attributes, Markdown headings and the script attributes: never a raw <i>
    assert not re.search(r"⟦[a-z0-9.-]+<i>", raw), name
    assert NASTY in html.unescape(normalise(raw)) or NASTY in html.unescape(raw)


def test_the_case_studies_filter_says_what_the_catalogue_says_from_files(marked_site, browser):
    """ui-text.js end to end: the filter's status comes from data/ui.yml (case-studies: script:), written
    into the filter's markup, opened from file:// with no request anywhere."""
    from webcheck import ready

    ctx = browser.new_context()
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        pg.goto((marked_site / "case-studies.html").as_uri())
        ready(pg)
        status = pg.locator("[data-module=hb-case-studies] [role=status]")
        total = pg.locator("[data-hb-case-row]").count()
        assert status.text_content() == f"{marker('case-studies.script.showing')} {total} {total}"
        select = pg.locator("select[data-facet]").first
        value = select.locator("option").nth(1).get_attribute("value")
        select.select_option(value)
        shown = pg.locator("[data-hb-case-row]:not([hidden])").count()
        assert 0 < shown < total
        assert status.text_content() == f"{marker('case-studies.script.showing')} {shown} {total}"
        # two facets' values that no study has together: the "none" text
        first, second = pg.locator("select[data-facet]").all()[:2]
        def values(s):
            return [v for v in s.locator("option").evaluate_all("os => os.map(o => o.value)") if v]

        none = False
        for a in values(first):
            for b in values(second):
                first.select_option(a)
                second.select_option(b)
                if pg.locator("[data-hb-case-row]:not([hidden])").count() == 0:
                    none = True
                    break
            if none:
                break
        assert none, "every pair of facet values matches some study: pick another way to match none"
        assert status.text_content() == marker("case-studies.script.none")
        assert not errors, errors
    finally:
        ctx.close()


# ------------------------------------------------------------------ what the scripts say, after they ran

# What a reader meets once the page's scripts have run: the text shown, and the names and titles
# screen readers read (not the data-hb-i18n-* sources themselves).
SHOWN = """() => [document.title, document.body.innerText,
  ...Array.from(document.querySelectorAll("[aria-label], [title], [placeholder]")).flatMap(
    e => ["aria-label", "title", "placeholder"].map(a => e.getAttribute(a) || ""))].join(" ")"""


# Controls as a reader finds them: the forms' words are the handbook's (data/forms.yml), the same in
# both builds; a control the catalogue names is found by what that build's catalogue says (`say`).
GROW, TOPIC = "Plan a coaching conversation", "What the conversation is about"


def _saying(keys: dict):
    """say(key, **values): what a build whose catalogue is `keys` shows for key, placeholders filled."""
    return lambda key, **values: PLACEHOLDER.sub(lambda m: values[m.group(1)], keys[key])


def _saved_form(pg, base, say):
    from webcheck import box, form_called

    pg.goto(base + "coaching.html")
    form = form_called(pg, GROW)
    box(form, TOPIC).fill("Planning the trip")
    form.locator(".hb-saved").wait_for()
    form.locator(".hb-msg--ok").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for(state="attached")


def _remove_confirmation(pg, base, say):
    _saved_form(pg, base, say)
    pg.get_by_role("button", name=say("privacy.remove"), exact=True).click()
    # the question the script asks, named by its title (one answer was saved)
    pg.get_by_role("group", name=say("privacy.script.remove-title", answers=say("privacy.script.answers-one")), exact=True).wait_for()


def _undo_a_row(pg, base, say):
    from playwright.sync_api import expect

    from webcheck import box, form_called

    pg.goto(base + "getting-involved.html")
    form = form_called(pg, "Your targets")  # its heading and its boxes' labels: data/forms.yml, the same in both builds

    def target(n: int) -> str:  # a row's legend, as the script writes it
        return say("self-check.script.row-legend", label="Target", number=str(n))

    rows = form.get_by_role("group", name=target(1), exact=True).or_(form.get_by_role("group", name=target(2), exact=True))
    box(form, "What you want to achieve", item=target(1)).fill("Use GROW in two conversations")
    form.get_by_role("button", name=say("self-check.add-row", label="target"), exact=True).click()
    expect(rows).to_have_count(2)
    pg.keyboard.type("Observe a colleague")
    box(form, "By when", item=target(2)).fill("2027-03-31")  # its date in words beside it
    form.get_by_role("button", name=say("self-check.script.row-remove", label="target", number="2"), exact=True).click()
    form.get_by_role("button", name=say("self-check.script.row-undo", label="target", number="2"), exact=True).wait_for()


def _storage_full(pg, base, say):
    from webcheck import STORAGE_FULL, box, form_called

    pg.context.add_init_script(STORAGE_FULL)
    pg.goto(base + "coaching.html")
    form = form_called(pg, GROW)
    box(form, TOPIC).fill("Too much")
    pg.locator(".hb-banner").wait_for()
    form.locator(".hb-msg--error").filter(has_text=re.compile(".")).wait_for(state="attached")


def _shared_computer(pg, base, say):
    pg.goto(base + "coaching.html")
    pg.get_by_role("checkbox", name=say("privacy.shared"), exact=True).check()
    pg.locator("html.hb-shared-computer").wait_for(state="attached")
    pg.locator("[data-hb-privacy-status]").filter(has_text=re.compile(".")).wait_for()


def _log_entry_added_and_removed(pg, base, say):
    pg.goto(base + "coaching-log.html")
    pg.locator(".hb-log--enhanced").wait_for()
    pg.get_by_role("textbox", name=say("coaching-log.new-relationship", label="coaching relationship"), exact=True).fill("Coaching with A.")
    pg.click('[data-hb-log-action="add-relationship"]')
    sec = pg.locator("[data-hb-log-relationship]").first
    sec.locator('[data-hb-log-kind="coaching-log.grow"]').click()
    entry = sec.locator("[data-hb-log-entry]").last
    entry.get_by_label(TOPIC).fill("Remove me")  # a GROW plan's fields: the planner's words (data/forms.yml)
    entry.get_by_label("Date of the conversation").fill("2026-11-26")
    entry.get_by_label("Date of the conversation").blur()
    entry.locator('[data-hb-log-action="remove-entry"]').click()
    pg.locator("[data-hb-log-status] [data-hb-undo]").wait_for()


# scenario -> (what it does, markers the marker build must then show: proof that the scripts spoke)
SCRIPTED = {
    "a-form-saved": (_saved_form, ["self-check.script.saved-mark", "self-check.script.saved-at"]),
    "remove-confirmation": (_remove_confirmation, ["privacy.script.remove-title", "privacy.script.answers-one",
                                                   "privacy.script.remove-body", "privacy.script.remove-keeps-settings"]),
    "undo-a-row": (_undo_a_row, ["self-check.script.row-removed", "self-check.script.row-legend", "self-check.script.row-remove",
                                 "self-check.script.row-undo", "handbook.script.undo"]),
    "storage-full": (_storage_full, ["storage.script.banner-quota", "storage.script.banner-download-hint",
                                     "storage.script.banner-download", "self-check.script.not-saved-full",
                                     "self-check.script.not-saved-mark"]),
    "shared-computer": (_shared_computer, ["privacy.script.shared-on", "privacy.script.mode-shared-footer",
                                           "self-check.script.mode-shared"]),
    "log-entry-added-and-removed": (_log_entry_added_and_removed, [
        "coaching-log.script.removed-entry", "coaching-log.script.titled-dated", "handbook.script.date",
        "handbook.script.month-11", "coaching-log.script.titled", "handbook.script.undo"]),
}


def _after(browser, site_dir: Path, scenario, keys: dict) -> str:
    ctx = browser.new_context()
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Quota" not in m.text else None)
    try:
        scenario(pg, site_dir.as_uri() + "/", _saying(keys))
        pg.wait_for_timeout(0)
        shown = pg.evaluate(SHOWN)
    finally:
        ctx.close()
    assert not errors, errors
    return " ".join(shown.split())


@pytest.mark.parametrize("name", sorted(SCRIPTED))
def test_no_english_from_the_catalogue_survives_the_scripts(marked_site, site, browser, name):
    """The scripts' words come from the catalogue too: the same actions on the real build and on the
    marker build (a form saved, Undo, a full storage, the shared-computer mode, a log entry removed),
    and no phrase of the real catalogue that the real page then shows is left in the marker page.
    The markers of what the scripts said must be there (so the actions really happened)."""
    scenario, expected = SCRIPTED[name]
    real, marked = _after(browser, site, scenario, KEYS), _after(browser, marked_site, scenario, MARKED_KEYS)
    left, checked = _catalogue_phrases_left(real, marked)
    assert checked, f"{name}: no catalogue phrase on the page at all: the check would prove nothing"
    assert not left, f"{name}: the scripts still say: {left}"
    missing = [k for k in expected if marker(k) not in marked]
    assert not missing, f"{name}: the scripts did not say {missing}: {marked[:3000]}"


def test_instant_navigation_brings_the_next_pages_script_texts(instant_site, page):
    """The forms' texts are written on the footer only of pages with forms: reached by Material's
    instant navigation from a page without any, a form still says what the catalogue says."""
    from playwright.sync_api import expect
    from test_js_lifecycle import nav_to

    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(instant_site + "index.html")
    page.wait_for_function("() => window.document$ !== undefined && document.querySelector('[data-hb-init]')")
    assert page.locator("[data-hb-i18n-saved-at]").count() == 0  # no forms here, so not their texts
    page.evaluate("window.__sameDocument = true")
    nav_to(page, "Coaching", "coaching.html")
    from webcheck import box, form_called

    form = form_called(page, GROW)
    box(form, TOPIC).fill("Planning the trip")
    expect(form.locator(".hb-saved")).to_have_text(KEYS["self-check.script.saved-mark"])
    saved_at = re.escape(KEYS["self-check.script.saved-at"]).replace(re.escape("{time}"), r"\d\d:\d\d")
    expect(form.locator(".hb-msg--ok")).to_have_text(re.compile(f"^{saved_at}$"))
    assert page.evaluate("window.__sameDocument") is True, "instant navigation did not keep the document"
    assert not errors and page.js_errors == [], errors + page.js_errors


def test_a_schools_local_ui_file_rewords_a_group_and_is_checked_like_the_core(tmp_path):
    """A local data folder's ui.yml (a school's edition, or a translation) replaces the groups it gives;
    it is checked against the same schema, so a group it gives must be whole (file:line otherwise)."""
    from macros.data import HandbookError, load
    from macros.render import md
    from macros.ui_text import from_handbook

    local = tmp_path / "local"
    local.mkdir()
    (local / "ui.yml").write_text("contacts:\n  title: Pwy i holi\n  title-school: Pwy i holi yn yr ysgol hon\n"
                                  "  none: Gofynnwch i'ch rheolwr llinell.\n", encoding="utf-8")
    ui = from_handbook(load(ROOT / "data", [local]), md)
    assert ui("contacts.title-school") == "Pwy i holi yn yr ysgol hon"
    assert ui("case-studies.any") == "Any"  # what the local file does not give stays the core's
    (local / "ui.yml").write_text("contacts:\n  title: Pwy i holi\n", encoding="utf-8")
    with pytest.raises(HandbookError) as err:
        load(ROOT / "data", [local])
    assert f"{local / 'ui.yml'}:2: field 'title-school': is required but missing" in str(err.value), str(err.value)


# ------------------------------------------------------------------ the learning record's script (learning-record.js, learning-record-docx.js)

RECORD_NS = "coaching-mentoring-handbook"
RECORD_KEY = f"hb:{RECORD_NS}:answers"
RECORD_BACKUP = f"hb:{RECORD_NS}:backup:"
RECORD_ANSWERS = {
    "reflections.reflect-need-coaching.note": "Questioning and wait time",
    "coach-self-assessment.listen-actively.rating": "strong",
    "coach-self-assessment.model-expertise.rating": "developing",
    "mentor-self-assessment.listen-actively.rating": "secure",
    "contracting.boundaries.agreed": True,
    "targets": [{"id": "r1", "aim": "Use GROW", "by-when": "2027-03-31"}, {"id": "r2"}],
    "record.name": "Sam Jones",
    "record.snapshots": [
        {"id": "snapshot-1", "date": "2026-09-01T09:00:00.000Z", "coach-self-assessment.listen-actively.rating": "developing"},
        {"id": "snapshot-2", "date": "2026-10-01T09:00:00.000Z", "coach-self-assessment.listen-actively.rating": "secure",
         "coach-self-assessment.model-expertise.rating": "developing"}],
    "an-old.prompt.note": "Kept from an older handbook",
}


def _record_texts(base: Path, browser, tmp_path: Path, keys: dict) -> tuple[str, str, str]:
    """The learning record as a teacher meets it after its script has run, with answers stored: the
    page's text and names (every prompt shown; a confirmation opened and cancelled; a copy kept aside
    offered for restoring, then merged; a backup file refused; a snapshot saved; the printed title),
    the Markdown export and the .docx (its text, its title and the names of its styles)."""
    import zipfile

    from webcheck import ready

    ctx = browser.new_context(accept_downloads=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    seen: list[str] = []
    names = """() => [...document.querySelectorAll('.md-content [aria-label], .md-content [title]')]
                      .map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || '')).join(' ')"""

    def look() -> None:
        seen.append(pg.locator(".md-content").text_content() + " " + pg.evaluate(names))

    def status() -> str:
        return pg.locator("[data-hb-record-status]").text_content()

    say = _saying(keys)  # the record's buttons by what this build's catalogue calls them

    def press(key: str) -> None:
        pg.get_by_role("button", name=say(key), exact=True).click()

    try:
        doc = {"version": 1, "handbook": RECORD_NS, "answers": RECORD_ANSWERS}
        pg.goto((base / "record.html").as_uri())
        pg.evaluate("""([key, doc, backup]) => {
            localStorage.setItem(key, doc);
            localStorage.setItem(backup + "2026-09-02T10-00-00-000Z:0000000a", doc.replace("Questioning", "Asking"));
            localStorage.setItem(backup + "2026-09-03T10-00-00-000Z:0000000b", "{not json");
            localStorage.setItem(backup + "2026-09-04T10-00-00-000Z:0000000c", JSON.stringify({version: 99, answers: {}}));
        }""", [RECORD_KEY, json.dumps(doc), RECORD_BACKUP])
        pg.reload()
        ready(pg)
        pg.wait_for_function("document.querySelector('[data-hb-progress=\"all\"]').textContent !== '0'")
        pg.get_by_role("checkbox", name=say("learning-record.show-all"), exact=True).check()
        look()
        pg.evaluate("dispatchEvent(new Event('beforeprint'))")
        seen.append(pg.title())
        pg.evaluate("dispatchEvent(new Event('afterprint'))")
        # a confirmation, cancelled
        press("learning-record.clear")
        look()
        press("common.cancel")
        seen.append(status())
        pg.locator("[data-hb-snapshot-list] button").first.click()
        look()
        press("common.cancel")
        # the exports
        with pg.expect_download() as dl:
            press("learning-record.export-md")
        dl.value.save_as(tmp_path / "record.md")
        markdown = (tmp_path / "record.md").read_text(encoding="utf-8")
        seen.append(status())
        with pg.expect_download() as dl:
            press("learning-record.download-docx")
        dl.value.save_as(tmp_path / "record.docx")
        seen.append(status() + " " + dl.value.suggested_filename)
        with zipfile.ZipFile(tmp_path / "record.docx") as z:
            xml = " ".join(z.read(part).decode("utf-8") for part in ("word/document.xml", "word/styles.xml", "docProps/core.xml"))
        # the text, and the names Word shows (styles)
        docx = " ".join(html.unescape(t) for t in re.findall(r'>([^<>]+)<', xml) + re.findall(r'<w:name w:val="([^"]*)"', xml))
        # a backup file that does not fit, then a snapshot
        with pg.expect_download() as dl:
            press("learning-record.export-json")
        dl.value.save_as(tmp_path / "backup.json")
        seen.append(status())
        backup = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
        backup["answers"]["coach-self-assessment.listen-actively.rating"] = "superb"
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(backup), encoding="utf-8")
        with pg.expect_file_chooser() as chooser:
            press("learning-record.import")
        chooser.value.set_files(str(bad))
        pg.wait_for_function("document.querySelector('[data-hb-record-status]').textContent !== ''")
        seen.append(status())
        pg.click("[data-hb-snapshot-save]")
        seen.append(status())
        look()
        # a copy kept aside: offered for restoring, then merged
        pg.locator("[data-hb-backup-list] li", has_text="0000000a").get_by_role("button").nth(1).click()
        look()
        press("learning-record.script.merge")
        seen.append(status())
        assert not errors, errors
    finally:
        ctx.close()
    return " ".join(" ".join(seen).split()), " ".join(markdown.split()), " ".join(docx.split())


def _catalogue_left(real: str, marked: str, content: str) -> tuple[list[str], list[str]]:
    """Keys whose English is in the real text and checked, and those of them the marked text still says."""
    left, checked = [], []
    for key, value in KEYS.items():
        for fragment in PLACEHOLDER.split(value)[::2]:
            fragment = " ".join(fragment.split()).strip(" ,.:;()“”")
            if len(fragment.split()) < 2 and len(fragment) < 6:
                continue
            if fragment in content or fragment not in real:
                continue
            checked.append(key)
            if fragment in marked:
                left.append(f"{key}: {fragment!r}")
    return checked, left


def test_the_learning_record_and_its_documents_say_only_what_the_catalogue_says(marked_site, site, browser, tmp_path):
    """learning-record.js and learning-record-docx.js hold no English of their own: with every value of data/ui.yml
    replaced by a marker, the record after its script has run (answers, rows, ratings, snapshots, copies
    kept aside, confirmations, statuses), its Markdown export and its Word document keep none of the
    catalogue's phrases that the real build shows; and the script's markers are there, numbers filled."""
    content = _content_text()
    real = _record_texts(site, browser, tmp_path / "real", KEYS)
    marked = _record_texts(marked_site, browser, tmp_path / "marked", MARKED_KEYS)
    # (the Markdown and the document share many phrases with the handbook's content, such as its title)
    for what, r, m, least in zip(("page", "Markdown", "docx"), real, marked, (60, 5, 8)):
        checked, left = _catalogue_left(r, m, content)
        assert len(set(checked)) >= least, f"{what}: too few catalogue phrases to prove anything: {sorted(set(checked))}"
        assert not left, f"the record's {what} still says: {left}"
    page, markdown, docx = marked
    m = marker
    # the script's own texts, with their numbers and names filled in
    assert f"{m('learning-record.script.summary-coach')} 2 " in page
    assert f"{m('learning-record.script.since-first-one')} " in page
    assert m("learning-record.script.snapshots-saved-other") in page
    assert m("learning-record.script.row-title-dated") in page and m("learning-record.script.row-title") + " " in page
    assert m("learning-record.script.print-title-named") + " Sam Jones" in page
    assert m("learning-record.script.clear-title-other") in page and m("learning-record.script.cancelled") in page
    assert m("learning-record.script.unchanged") in page and m("learning-record.script.import-refused") in page
    assert m("learning-record.script.changes-copy-other") in page and m("learning-record.script.merged-copy-other") in page
    assert m("learning-record.script.kind-corrupt") in page and m("learning-record.script.kind-newer") in page
    assert m("learning-record.script.docx-style-label") in docx and m("learning-record.script.record-title-named") in docx
    assert m("learning-record.script.export-progress") in docx and m("learning-record.script.export-orphans") in docx
    assert "learning-record.script.export-progress" in markdown and "learning-record.script.made-md" in markdown


def _script_names(js: str) -> set[str]:
    """The texts a script asks for by name: t("name"), plural("name", ...) (name-one and name-other),
    t(prefix + "-suffix") spelt out where the script builds a name."""
    code = re.sub(r"/\*.*?\*/", "", js, flags=re.S)  # not the comments
    names = set(re.findall(r'\bt\("([a-z0-9-]+)"\s*[,)]', code))
    for n in re.findall(r'\bplural\("([a-z0-9-]+)"\s*,', code):
        names |= {f"{n}-one", f"{n}-other"}
    return names


def test_the_learning_records_script_texts_are_all_asked_for():
    """Every learning-record.script text is one learning-record.js asks for (no dead key), and every
    text it asks for by a literal name exists. Names it builds (by side, by file or copy) are listed."""
    js = (ROOT / "overrides" / "assets" / "javascripts" / "learning-record.js").read_text(encoding="utf-8")
    have = set(CATALOGUE["learning-record"]["script"])
    asked = _script_names(js)
    built = {"summary-coach", "summary-coach-same", "summary-mentor", "summary-mentor-same",
             "row-title", "row-title-named", "row-title-dated", "row-title-named-dated",
             "kind-corrupt", "kind-newer", "kind-set-aside", "kind-readable",
             "merged-unsaved", "replaced-unsaved", "replace-file", "replace-copy"}
    built |= {f"{k}-{w}-{n}" for k in ("changes", "merge", "replace", "merged", "replaced") for w in ("file", "copy") for n in ("one", "other")}
    assert asked <= have, f"learning-record.js asks for texts data/ui.yml lacks: {sorted(asked - have)}"
    assert not have - asked - built, f"texts no script asks for: {sorted(have - asked - built)}"
    for stem in ("summary-", "row-title", "kind-", '"changes-"', '"merge-"', '"replace-"', '"-unsaved"'):
        assert stem in js, stem  # the built names are still built


# ------------------------------------------------------------------ a second language is data


@pytest.fixture(scope="module")
def other_language_site(tmp_path_factory) -> Path:
    """The fixture handbook as an edition in another language: theme.language de in its mkdocs.yml
    (Material's German words and the pages' <html lang>) and the marker catalogue as its ui.yml."""
    from conftest import fixture_project

    proj = fixture_project(tmp_path_factory.mktemp("ui-language") / "handbook")
    cfg = proj / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    assert "\n  language: en\n" in text
    cfg.write_text(text.replace("\n  language: en\n", "\n  language: de\n", 1), encoding="utf-8")
    (proj / "data" / "ui.yml").write_text(yaml.safe_dump(_marked(CATALOGUE), allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    out = proj / "site"
    r = handbook("build", "-d", str(out), cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def test_scripts_take_the_language_from_the_page_and_the_catalogue(other_language_site, browser, tmp_path):
    """No script has a language of its own (it had en-GB): numbers follow the page's language (from
    theme.language), a moment is written in the catalogue's words (handbook: script: date-time) and a
    Word document made in the browser declares the page's language. So a second language is data."""
    import zipfile

    from conftest import watch_errors
    from webcheck import ready

    ctx = browser.new_context(timezone_id="Europe/London", accept_downloads=True)
    pg = ctx.new_page()
    watch_errors(pg)
    try:
        pg.goto((other_language_site / "record.html").as_uri())
        ready(pg)
        assert pg.evaluate("document.documentElement.lang") == "de"
        # a copy of 1,234 characters kept aside (storage.js) on 2 January 2026 at 03:04 (UTC: London's winter time)
        key = "hb:fixture-handbook:backup:2026-01-02T03-04-05-006Z:0badc0de"
        pg.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, "x" * 1234])
        pg.reload()
        ready(pg)
        kept = pg.locator(f'[data-hb-backup="{key}"]')
        text = kept.text_content()
        date = f"{marker('handbook.script.date')} 2 {marker('handbook.script.month-1')} 2026"
        assert f"{marker('learning-record.script.kept-on')} {marker('handbook.script.date-time')} {date} 03:04" in text
        assert f"{marker('learning-record.script.kept-details')} {marker('learning-record.script.kind-corrupt')} 1.234 " in text
        with pg.expect_download() as dl:
            pg.get_by_role("button", name=marker("learning-record.download-docx")).click()
        doc = tmp_path / "record.docx"
        dl.value.save_as(doc)
        with zipfile.ZipFile(doc) as z:
            core, styles = z.read("docProps/core.xml").decode("utf-8"), z.read("word/styles.xml").decode("utf-8")
        assert "<dc:language>de</dc:language>" in core, core
        assert '<w:lang w:val="de"/>' in styles
        assert "en-GB" not in core + styles
        assert pg.js_errors == [], pg.js_errors
    finally:
        ctx.close()


# ------------------------------------------------------------------ the offline zip's start file


@pytest.mark.unit
def test_the_offline_zips_start_file_takes_its_words_from_the_catalogue():
    """`python -m macros zip` writes "Open the handbook.html" beside the handbook/ folder: its words are
    the catalogue's (offline-zip:), escaped, and its language the built pages' (theme.language)."""
    from macros.__main__ import _start_file
    from macros.ui_text import UiText

    page = _start_file("<Site & Co>", UiText(_marked(CATALOGUE)), "cy")
    assert '<html lang="cy">' in page
    assert "<title>&lt;Site &amp; Co&gt;</title>" in page
    shown = html.unescape(page)
    assert ONLY_IN_THE_ZIP and all(marker(k) in shown for k in ONLY_IN_THE_ZIP), shown
    assert NASTY not in page  # markers arrive as text
    assert "<code>handbook</code>" in page and "<code>handbook/index.html</code>" in page  # the names it puts in
    # no words of its own: every letter outside the markup, the site's name and the markers is gone
    words = re.sub(r"<[^>]*>|⟦[^⟧]*⟧|Site|Co|handbook(/index\.html)?", " ", shown.split("<body>", 1)[1])
    assert not re.findall(r"[A-Za-z]{2,}", words), words
