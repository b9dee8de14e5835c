"""The macros a page may call, written once (plain Python, no MkDocs import).

For each macro: how a page calls it (its parameters), which of its arguments are ids and of what
(the Handbook collection they name), what it places on the page it is called on (prompts,
forms, coaching logs, figures), and the component it belongs to (its template folder and ui.yml
group). A page macro's name is public (content pages and school editions call it): the internal
names follow it, not the other way round. pages.py reads this to check pages and index where things are
shown; render.py to look ids up; macros/__init__.py to register the Renderer's methods of these
names. The Renderer implements each (tests/test_registry.py checks that its methods take exactly
these parameters).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from .errors import UnknownId, unknown_id

if TYPE_CHECKING:
    from .data import Handbook

# What a macro places: (kind, id). "prompt", "form" and "log" are answered on the page (the
# learning record lists them in page order); "figure" is a list (or "@case-studies", "@principles",
# "@definitions") whose figure the page shows, for "Figure N" links; "group" a prompt group shown whole.
Placement = tuple[str, str]


@dataclass
class PageIndex:
    """Where prompts, forms, logs and figures are shown: page src paths (relative to docs_dir), in page order."""

    prompt_pages: dict[str, str] = field(default_factory=dict)
    form_pages: dict[str, str] = field(default_factory=dict)
    # list id (or "@case-studies", "@principles", "@definitions") -> the page that shows it as a figure
    # (the first figure() call, or the macro that shows the whole collection), for "Figure N" links
    figure_pages: dict[str, str] = field(default_factory=dict)
    log_pages: dict[str, str] = field(default_factory=dict)
    group_pages: dict[str, str] = field(default_factory=dict)  # prompt groups a page shows with prompts("id")
    # (page, kind, id) in the order they appear on each page; kind is "prompt", "form" or "log"
    order: list[tuple[str, str, str]] = field(default_factory=list)

    def place(self, page: str, kind: str, ident: str) -> None:
        if kind == "figure":
            self.figure_pages.setdefault(ident, page)
            return
        if kind == "group":
            self.group_pages.setdefault(ident, page)
            return
        where = {"prompt": self.prompt_pages, "form": self.form_pages, "log": self.log_pages}[kind]
        if ident not in where:
            where[ident] = page
            self.order.append((page, kind, ident))


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...] = ()      # as a page calls it: "list_id", "caption=True" (defaults: True, False, None)
    collection: str | None = None     # the Handbook collection its id arguments name
    what: str = ""                    # what such an id is, in messages
    ids: int = 1                      # how many leading arguments are ids (compare takes two)
    places: Callable[[Handbook, Any], Iterable[Placement]] | None = None
    # The component it belongs to: the one name of its template folder (macros/templates/<component>/),
    # its words in data/ui.yml, its CSS block (hb-<component>); default: the macro's name in kebab-case.
    component: str = ""

    def __post_init__(self) -> None:
        if not self.component:
            object.__setattr__(self, "component", self.name.replace("_", "-"))

    def signature(self) -> inspect.Signature:
        return inspect.Signature([_parameter(p) for p in self.params])

    def lookup(self, hb: Handbook, ident: str) -> Any:
        """The item an id argument names; UnknownId (the one message for it) if there is none."""
        coll = getattr(hb, self.collection)
        if ident not in coll:
            raise UnknownId(unknown_id(self.name, self.what, ident, coll))
        return coll[ident]

    def unknown_ids(self, hb: Handbook, args: Iterable[Any]) -> list[str]:
        """The unknown-id message for each id among a call's arguments (in order) that the data lacks."""
        if self.collection is None:
            return []
        coll = getattr(hb, self.collection)
        ids = [v for v in list(args)[: self.ids] if isinstance(v, str)]
        return [unknown_id(self.name, self.what, ident, coll) for ident in ids if ident not in coll]

    def placements(self, hb: Handbook, args: Iterable[Any]) -> list[Placement]:
        if self.places is None:
            return []
        return list(self.places(hb, next(iter(args), None)))


_DEFAULTS = {"True": True, "False": False, "None": None}


def _parameter(spec: str) -> inspect.Parameter:
    name, eq, default = spec.partition("=")
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                             default=_DEFAULTS[default] if eq else inspect.Parameter.empty)


# ------------------------------------------------------------------ what each macro places


def _questions(cs: dict) -> list[Placement]:
    return [("prompt", q) for q in cs.get("questions") or []]


def _prompt(hb: Handbook, ident) -> list[Placement]:
    return [("prompt", ident)] if ident in hb.prompts else []


def _prompts(hb: Handbook, ident) -> list[Placement]:
    if ident not in hb.prompt_groups:
        return []
    return [("group", ident)] + [("prompt", p["id"]) for p in hb.prompts.values() if p["group"] == ident]


def _case_study(hb: Handbook, ident) -> list[Placement]:
    return _questions(hb.case_studies[ident]) if ident in hb.case_studies else []


def _case_studies(hb: Handbook, ident) -> list[Placement]:
    out = [q for cs in sorted(hb.case_studies.values(), key=lambda c: c["number"]) for q in _questions(cs)]
    return out + [("figure", "@case-studies")]


def _self_check(hb: Handbook, ident) -> list[Placement]:
    if ident not in hb.forms:
        return []
    shows = (hb.forms[ident].get("items_from") or {}).get("list")  # the list's figure is shown around the form
    return [("form", ident)] + ([("figure", shows)] if shows else [])


def _figure(hb: Handbook, ident) -> list[Placement]:
    return [("figure", ident)] if ident in hb.lists else []


def _coaching_log(hb: Handbook, ident) -> list[Placement]:
    return [("log", ident)] if ident in hb.logs else []


def _shows(what: str) -> Callable[[Handbook, Any], list[Placement]]:
    return lambda hb, ident: [("figure", what)]


_ALL = (
    Macro("figure", ("list_id", "caption=True"), "lists", "list", places=_figure),
    Macro("compare", ("left", "right"), "lists", "list", ids=2),
    Macro("outline", ("list_id",), "lists", "list"),
    Macro("principles_outline", component="outline"),
    Macro("definition", ("def_id",), "definitions", "definition", component="definitions"),
    Macro("definitions", ("topic=None",), "definition_topics", "definitions topic"),
    Macro("definitions_compared", places=_shows("@definitions"), component="definitions"),
    Macro("at_a_glance"),
    Macro("case_study", ("cs_id",), "case_studies", "case study", places=_case_study, component="case-studies"),
    Macro("case_studies", places=_case_studies),
    Macro("prompt", ("prompt_id",), "prompts", "prompt", places=_prompt),
    Macro("prompts", ("group_id",), "prompt_groups", "prompt group", places=_prompts, component="prompt"),
    Macro("principle", ("principle_id",), "principles", "principle", component="principles"),
    Macro("principles", places=_shows("@principles")),
    Macro("glossary"),
    Macro("references"),
    Macro("contacts"),
    Macro("welcome"),
    Macro("schema_reference"),
    Macro("self_check", ("form_id",), "forms", "form", places=_self_check),
    Macro("coaching_log", ("log_id",), "logs", "coaching log", places=_coaching_log),
    Macro("learning_record"),
)
# Every macro a page may call, by name, in this order (the public methods of Renderer that macros/__init__ registers).
MACROS: dict[str, Macro] = {m.name: m for m in _ALL}


def signatures(extra: Iterable[str] = ()) -> dict[str, inspect.Signature | None]:
    """Macro name -> its parameters; None for a macro whose parameters are not known (``extra``)."""
    out: dict[str, inspect.Signature | None] = {name: m.signature() for name, m in MACROS.items()}
    for name in extra:
        out.setdefault(name, None)
    return out
