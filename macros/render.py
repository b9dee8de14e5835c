"""Render the handbook's data to HTML/Markdown with Jinja templates (no MkDocs import).

A Renderer holds one loaded Handbook and exposes the macros pages call. Markup lives in
``macros/templates/``; this module only picks data and hands it to templates.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import coaching_log as coaching_log_model, learning_record, self_check, ui_text
from .figure import cycle_layout, venn_parts, wrap_lines  # noqa: F401  (wrap_lines: older callers import it from here)
from .data import Handbook
from .errors import DuplicateHtmlId, UnknownId  # noqa: F401  (UnknownId: tests import it from here)
from .registry import MACROS, PageIndex
from .settings import check_contacts, check_welcome  # noqa: F401  (tests and older callers import them from here)

TEMPLATES = Path(__file__).parent / "templates"


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Jinja's cache of compiled templates, or None where its folder cannot be made safely (Jinja
    refuses a folder another user owns or can write); the build then compiles them each time."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


_BYTECODE_CACHE = _bytecode_cache()
# Where a template needs a Markdown block break (after a heading). Data cannot forge it: every data
# string is escaped, so it can never hold a '<'.
BREAK = Markup("<!--hb-break-->")

# Characters that mean something to Markdown (or its extensions: attr_list braces, tables' pipes)
# or to HTML, written as character references. The same text then reads as itself in a Markdown
# heading, in an abbreviation and in raw HTML, and can start no link, image, emphasis, code span,
# attribute list or element.
_MD_REFS = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()!#|~^="}


def md(value) -> Markup:
    """Data text for a place Markdown reads (a heading a template writes): escaped for HTML and
    Markdown alike. Line breaks become spaces, so the text cannot start a line of its own."""
    if isinstance(value, Markup):
        raise TypeError("md takes plain data text, not markup")
    return Markup(" ".join(str(value).split()).translate(_MD_REFS))


# An HTML id a template writes: id="..." in markup, { #... } on a Markdown heading. (Two simple
# patterns with a literal start: one alternation with a look-behind was 20 times slower.)
_HTML_ID = re.compile(r' id="([^"]*)"')
_HEADING_ID = re.compile(r'\{ #([^\s}]+) \}')


def _default_link(page: str, anchor: str = "") -> str:
    return page + (f"#{anchor}" if anchor else "")


class Renderer:
    # The school's own people to approach ({role, name, how}), from the front end's configuration
    # (mkdocs.yml extra.handbook.contacts, checked by check_contacts); empty: a neutral sentence.
    school_contacts: tuple[dict, ...] = ()
    # The school's own welcome for the home page (mkdocs.yml extra.handbook.welcome): plain text,
    # paragraphs separated by a blank line; empty: none.
    school_welcome: str = ""
    # The site's name (mkdocs.yml site_name; a school edition's includes the school), for the record's title block.
    site_name: str = ""

    def __init__(self, hb: Handbook, link: Callable[[str, str], str] = _default_link, pages: PageIndex | None = None,
                 page_titles: dict[str, str] | None = None, namespace: str = "handbook"):
        self.hb = hb
        self.pages = pages if pages is not None else PageIndex()
        self.page_titles = page_titles or {}
        self.namespace = namespace
        self.link = link
        # The page being rendered (src path), set by the front end (macros/__init__.py) so that
        # HTML ids can be checked page by page; None: not checked.
        self.current_page: Callable[[], str | None] = lambda: None
        self._ids_page: str | None = None
        self._ids: set[str] = set()
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # Compiled templates kept between builds (Jinja's own per-user folder in the OS temp
            # dir, private to the user; each entry is checked against its template's source).
            bytecode_cache=_BYTECODE_CACHE,
        )
        self._abbr_re, self._abbr = self._abbreviations()
        self._abbr_html = {t: Markup('<abbr title="{}">{}</abbr>').format(e, t) for t, e in self._abbr.items()}
        self._xref_re, self._xrefs = self._cross_references()
        self._in_cite = False
        self._cites: dict[tuple, Markup] = {}
        self._texts: dict[str, Markup] = {}
        self._group_prompts: dict[str, list[dict]] = {}
        for p in hb.prompts.values():
            self._group_prompts.setdefault(p["group"], []).append(p)
        self.env.filters.update(
            text=self.text,
            paras=self.paras,
            wrap=wrap_lines,
            md=md,
            row_field=self._row_field,
        )
        self.ui = ui_text.from_handbook(hb, md)  # the interface's words (data/ui.yml): {{ ui("group.key") }}
        self.env.globals.update(ui=self.ui, BREAK=BREAK, cite=self.cite, link=lambda page, anchor="": self.link(page, anchor), hb=hb,
                                prompt_fields=lambda pid: self_check.prompt_fields(hb, pid))
        self._cite_template = self.env.get_template("shared/cite.html")

    # ------------------------------------------------------------------ helpers
    def _abbreviations(self):
        terms = {t["term"]: t["expansion"] for t in self.hb.glossary.values() if t.get("expansion")}
        if not terms:
            return None, terms
        alts = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        return re.compile(rf"(?<![\w.])({alts})(?![\w])"), terms

    def _cross_references(self):
        """'Figure 8' and 'Case study 5' in data text -> (page, anchor) where that figure or case
        study is shown; numbers no page shows stay plain text."""
        targets: dict[str, tuple[str, str]] = {}
        for lid, page in self.pages.figure_pages.items():
            lst = self.hb.lists.get(lid)
            if lst is not None and "figure" in lst:
                targets.setdefault(f"figure {lst['figure']}", (page, lid))
        defs_page = self.pages.figure_pages.get("@definitions")
        if defs_page:
            for fig in self._definitions_data("figures"):
                targets.setdefault(f"figure {fig['figure']}", (defs_page, fig["id"]))
        cs_page = self.pages.figure_pages.get("@case-studies")
        if cs_page:
            for cs in self.hb.case_studies.values():
                targets.setdefault(f"case study {cs['number']}", (cs_page, cs["id"]))
        if not targets:
            return None, targets
        return re.compile(r"(?<![\w>])((?:Figure|[Cc]ase study) (\d+))(?![\w<])"), targets

    def _link_cross_references(self, html: str) -> str:
        def sub(m):
            target = self._xrefs.get(m.group(1).lower())
            if target is None:
                return m.group(0)
            return f'<a class="hb-xref" href="{escape(self.link(*target))}">{m.group(1)}</a>'

        return self._xref_re.sub(sub, html)

    def text(self, value: str, links: bool = True) -> Markup:
        """Escape plain text, mark up every glossary abbreviation in it and link its 'Figure N' and
        'Case study N' (once per distinct text and page: labels such as 'Your notes' recur thousands
        of times in a large handbook). Terms are found in the text itself, not in its escaped form,
        so a term never matches inside an entity. links=False for text inside a link (a link
        cannot hold another)."""
        xref = links and self._xref_re is not None and not self._in_cite
        key = (value, self.link("index.md")) if xref else value
        out = self._texts.get(key)
        if out is None:
            if self._abbr_re is None:
                html = str(escape(value))
            else:
                parts, pos = [], 0
                for m in self._abbr_re.finditer(value):
                    parts += [escape(value[pos:m.start()]), self._abbr_html[m.group(1)]]
                    pos = m.end()
                parts.append(escape(value[pos:]))
                html = "".join(parts)
            if xref:
                html = self._link_cross_references(html)
            out = self._texts[key] = Markup(html)
        return out

    def paras(self, value: str) -> Markup:
        """Plain text with blank-line paragraphs -> <p> elements."""
        parts = [p.strip() for p in re.split(r"\n\s*\n", value.strip()) if p.strip()]
        return Markup("".join(f"<p>{self.text(' '.join(p.split()))}</p>" for p in parts))

    def cite(self, source: dict) -> Markup:
        # Many items share a citation: render each (document, place, link from this page) once.
        key = (source["doc"], source["at"], self.link("references.md", "source-" + source["doc"]))
        html = self._cites.get(key)
        if html is None:
            doc = self.hb.documents[source["doc"]]
            # a citation's "Figure 9" is the source's figure: it is not linked to the handbook's own
            self._in_cite = True
            try:
                html = self._cites[key] = Markup(self._cite_template.render(doc=doc, at=source["at"]))
            finally:
                self._in_cite = False
        return html

    def _get(self, macro: str, ident: str):
        return MACROS[macro].lookup(self.hb, ident)

    def _render(self, template: str, **ctx) -> str:
        html = self.env.get_template(template).render(**ctx)
        # Raw HTML blocks in Markdown must not contain blank lines or 4-space indents;
        # a template marks a deliberate block break (e.g. after a Markdown heading) with BREAK.
        # Lines are split where Markdown splits them ('\n', and '\r' which it reads as one).
        lines = (line.strip() for line in html.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        out = "\n".join(line for line in lines if line).replace(BREAK, "\n\n")
        page = self.current_page()
        if page is not None:
            self._check_ids(page, out)
        return out

    def _check_ids(self, page: str, out: str) -> None:
        """Every HTML id the handbook writes on a page is written once: two items with the same id
        (a list item 'a-b' and a prompt 'a-b'), or one item shown twice, stop the build."""
        if page != self._ids_page:
            self._ids_page, self._ids = page, set()
        found = _HTML_ID.findall(out)
        if "{ #" in out:
            found += _HEADING_ID.findall(out)
        for hid in found:
            if hid not in self._ids:
                self._ids.add(hid)
                continue
            from .data import html_id_owners

            owners = html_id_owners(self.hb, hid)
            if len(owners) >= 2:
                what = f"is made by both {' and '.join(owners)}; rename one of them"
            elif owners:
                what = f"is made twice, by {owners[0]}: it is shown twice on this page; show it once"
            else:
                what = "is made twice"
            raise DuplicateHtmlId(f"HTML id '{hid}' {what} (ids must be unique on a page)")

    # ------------------------------------------------------------------ macros
    def figure(self, list_id: str, caption: bool = True) -> str:
        """A list as a figure. caption=False: the page's own heading already says the title, so the
        caption is kept only for screen readers (it still labels the figure)."""
        lst = self._get("figure", list_id)
        ctx = {"lst": lst, "show_caption": caption}
        if lst["kind"] == "cycle":
            ctx["layout"] = cycle_layout(len(lst["items"]))
        if lst["kind"] == "venn":
            ctx["venn"] = venn_parts(lst)
        return self._render(f"figure/list-{lst['kind']}.html", **ctx)

    def outline(self, list_id: str) -> str:
        """A list's entries as short links to where the list is shown (the Summary's overview)."""
        lst = self._get("outline", list_id)
        page = self.pages.figure_pages.get(list_id)
        return self._render("outline/outline.html", lst=lst, page=page)

    def principles_outline(self) -> str:
        """The ten principles' titles, each a link to the principle."""
        ps = sorted(self.hb.principles.values(), key=lambda p: p["number"])
        return self._render("outline/principles.html", principles=ps, page=self.pages.figure_pages.get("@principles"))

    def compare(self, left: str, right: str) -> str:
        a, b = self._get("compare", left), self._get("compare", right)
        rows = []
        if a.get("pairs_with") == b["id"]:
            b_items = {it["id"]: it for it in b["items"]}
            used = set()
            for it in a["items"]:
                other = b_items.get(it.get("pairs_with", ""))
                if other:
                    used.add(other["id"])
                rows.append((it, other))
            rows += [(None, it) for it in b["items"] if it["id"] not in used]
        return self._render("compare/compare.html", a=a, b=b, rows=rows)

    def definition(self, def_id: str) -> str:
        return self._render("definitions/definitions.html", defs=[self._get("definition", def_id)])

    def definitions(self, topic: str | None = None) -> str:
        defs = list(self.hb.definitions.values()) if topic is None else self._get("definitions", topic)
        return self._render("definitions/definitions.html", defs=defs)

    def _definitions_data(self, key: str) -> list[dict]:
        f = self.hb.files.get("definitions")
        return list((f.data.get(key) if f is not None else None) or [])

    def definitions_compared(self) -> str:
        """Every definition once: a source's figure of definitions (Figure 2) captioned as a
        figure, then the rest in a coaching and a mentoring column."""
        figures = []
        shown: set[str] = set()
        for fig in self._definitions_data("figures"):
            defs = [self.hb.definitions[d] for d in fig["definitions"] if d in self.hb.definitions]
            shown.update(d["id"] for d in defs)
            figures.append({**fig, "defs": defs})
        rest = [d for d in self.hb.definitions.values() if d["id"] not in shown]
        cols = {t: [d for d in rest if d["topic"] == t] for t in ("coaching", "mentoring", "both")}
        return self._render("definitions/compared.html", cols=cols, figures=figures)

    def at_a_glance(self) -> str:
        """Coaching beside mentoring in one table (purpose, length, who leads, focus)."""
        return self._render("at-a-glance/at-a-glance.html", rows=self._definitions_data("at_a_glance"))

    def case_study(self, cs_id: str) -> str:
        cs = self._get("case_study", cs_id)
        return self._render("case-studies/case-study.html", cs=cs, facets=self.hb.facets, prompts=self.hb.prompts, level=3)

    def case_studies(self) -> str:
        studies = sorted(self.hb.case_studies.values(), key=lambda c: c["number"])
        return self._render("case-studies/case-studies.html", studies=studies, facets=self.hb.facets, prompts=self.hb.prompts)

    def prompt(self, prompt_id: str) -> str:
        return self._render("prompt/prompt.html", p=self._get("prompt", prompt_id))

    def prompts(self, group_id: str) -> str:
        group = self._get("prompts", group_id)
        items = self._group_prompts.get(group_id, [])
        sources = list({(p["source"]["doc"], p["source"]["at"]): p["source"] for p in items}.values())
        return self._render("prompt/group.html", group=group, items=items, sources=sources)

    def principle(self, principle_id: str) -> str:
        return self._render("principles/principles.html", principles=[self._get("principle", principle_id)], intro=None)

    def principles(self) -> str:
        ps = sorted(self.hb.principles.values(), key=lambda p: p["number"])
        return self._render("principles/principles.html", principles=ps, intro=self.hb.principles_intro)

    def glossary(self) -> str:
        terms = sorted(self.hb.glossary.values(), key=lambda t: t["term"].lower())
        return self._render("glossary/glossary.html", terms=terms)

    def references(self) -> str:
        refs = sorted(self.hb.references.values(), key=lambda r: r["cite"].lower())
        return self._render("references/references.html", refs=refs, documents=list(self.hb.documents.values()))

    def schema_reference(self) -> str:
        from .schema_reference import describe_all, preformatted, templates

        return self._render("schema-reference/schema-reference.html", files=describe_all(self.hb.data_dir), templates=templates(self.hb), pre=preformatted)

    def self_check(self, form_id: str) -> str:
        form = self._get("self_check", form_id)
        # a form that takes its rows from a list shows that list's figure around it: the figure once
        lst = self.hb.lists.get((form.get("items_from") or {}).get("list", ""))
        ctx = {"lst": lst}
        if lst is not None and lst["kind"] == "cycle":
            ctx["layout"] = cycle_layout(len(lst["items"]))
        return self._render("self-check/self-check.html", m=self_check.form_model(self.hb, form_id), **ctx)

    def coaching_log(self, log_id: str) -> str:
        """A coaching log (hb-coaching-log): dated entries by relationship and a journal."""
        self._get("coaching_log", log_id)
        return self._render("coaching-log/coaching-log.html", m=coaching_log_model.log_model(self.hb, log_id))

    def learning_record(self) -> str:
        m = learning_record.manifest(self.hb, self.pages.order, self.page_titles, self.link, self.namespace,
                                     site_name=self.site_name)
        # in a <template> (inert: never run, not even by Material's instant navigation), as text with
        # no "<" or "&", so the HTML parser gives it back exactly
        data = json.dumps(m, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").replace("&", "\\u0026")
        return self._render("learning-record/learning-record.html", m=m, manifest_json=Markup(data),
                            total=len(learning_record.all_keys(m)))

    def _row_field(self, column: dict, row: str) -> dict:
        key = column["key"].replace("{row}", row)
        return {**column, "key": key, "html_id": self_check.html_id(key)}

    def contacts(self) -> str:
        """Who to approach about coaching and mentoring in this school."""
        contacts = [{**c, "how_parts": email_parts(c.get("how", ""))} for c in self.school_contacts]
        return self._render("contacts/contacts.html", contacts=contacts)

    def welcome(self) -> str:
        """The school's own welcome (extra.handbook.welcome, checked by check_welcome); nothing without one."""
        return self._render("welcome/welcome.html", welcome=self.school_welcome) if self.school_welcome else ""

    def abbreviations_markdown(self) -> str:
        """Markdown `abbr` definitions so page prose gets the same expansions as data.

        The schema keeps a term and its expansion on one line and the term free of [ ] and \\.
        Markdown takes the expansion as it is, as the abbreviation's title, and escapes it there,
        except for what already looks like an entity: so '&' is written as '&amp;'."""
        return "\n".join(f"*[{' '.join(t.split())}]: {' '.join(e.split()).replace('&', '&amp;')}" for t, e in self._abbr.items())



EMAIL = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def email_parts(text: str) -> list[tuple[str, str]]:
    """Text split into ("text", ...) and ("email", address) parts, so that a template can make each
    e-mail address a mailto: link (and escape the rest)."""
    parts, pos = [], 0
    for m in EMAIL.finditer(text):
        if m.start() > pos:
            parts.append(("text", text[pos:m.start()]))
        parts.append(("email", m.group(0)))
        pos = m.end()
    if pos < len(text):
        parts.append(("text", text[pos:]))
    return parts
