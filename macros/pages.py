"""Content pages: what a page may say to Jinja, checked without building and enforced when it renders.

A page in ``content/`` is a Jinja template, and a template can reach Python: before this module,
``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` in a page ran a shell command during the
build. So a page may contain exactly one kind of Jinja: a call of one of the handbook's macros with
quoted arguments, on a line of its own, e.g. ``{{ figure("grow") }}``. Everything else (variables,
attributes, filters, operators, ``{% set %}``, ``{% for %}``, ``{% include %}``...) is an error with
file:line, from ``check`` (``audit`` on each page's parse tree) and again when the page renders:
``PageEnvironment`` audits every template it compiles, so nothing the audit refuses ever runs, and it is
a locked-down Jinja sandbox besides (no attributes, no items, no filters, only the macros callable, and
none of mkdocs-macros' variables: ``config``, ``page``, ``files``... are live Python objects).

Also tells which page shows each prompt and form, in page order, so the learning record can group
answers by page and link back to where each was given.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .data import Handbook
from .errors import DataError, PageError, Problem
from .registry import MACROS, PageIndex, signatures

# The file endings MkDocs reads as Markdown pages (mkdocs.utils.markdown_extensions).
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
EXAMPLE = '{{ figure("grow") }}'

# What a statement tag is called in a page, for the message.
STATEMENTS = {
    "Assign": "set", "AssignBlock": "set", "For": "for", "If": "if", "Include": "include", "Import": "import",
    "FromImport": "from ... import", "Extends": "extends", "Block": "block", "Macro": "macro", "CallBlock": "call",
    "FilterBlock": "filter", "With": "with", "ExprStmt": "do", "ScopedEvalContextModifier": "autoescape",
    "EvalContextModifier": "autoescape", "Continue": "continue", "Break": "break", "Scope": "scope",
}
ADMONITION = re.compile(r"^(\s*)(!!!|\?\?\?\+?)\s")
TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def usage(name: str, sig: inspect.Signature | None) -> str:
    if sig is None:
        return f"{name}(...)"
    params = [p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}" for p in sig.parameters.values()]
    return f"{name}({', '.join(params)})"


@dataclass(frozen=True)
class MacroCall:
    line: int
    name: str
    args: dict[str, Any]  # parameter name -> literal value, as bound to the macro's signature


def audit(tree: nodes.Template, source: str, known: Mapping[str, inspect.Signature | None]) -> tuple[list[tuple[int, str, str | None]], list[MacroCall]]:
    """Check one page's parse tree: only known macros, called with literal arguments that fit their
    signature, each call on a line of its own outside admonitions and tables.

    Returns (problems as (line, message, macro name or None), the good calls in page order).
    """
    problems: list[tuple[int, str, str | None]] = []
    calls: list[MacroCall] = []
    lines = source.splitlines()
    in_admonition, in_table = _admonition_lines(lines), _table_lines(lines)
    for stmt in tree.body:
        if not isinstance(stmt, nodes.Output):
            tag = STATEMENTS.get(type(stmt).__name__, type(stmt).__name__.lower())
            problems.append((stmt.lineno, f"'{{% {tag} %}}' is not allowed in a page: pages hold Markdown and calls of the "
                                          f"handbook's macros only, e.g. {EXAMPLE}", None))
            continue
        parts = stmt.nodes
        for i, node in enumerate(parts):
            if isinstance(node, nodes.TemplateData):
                continue
            line = node.lineno
            problem, name, call = _one_call(node, known)
            if problem or call is None:
                problems.append((line, problem or "", name))
                continue
            # the text before and after the call on its line(s); another {{ }} next to it counts as text
            before = _neighbour(parts, i - 1, "\n")
            after = _neighbour(parts, i + 1, "\n")
            lead, trail = before.rpartition("\n")[2], after.partition("\n")[0]
            placed = _placement(line, lead, trail, in_admonition, in_table)
            if placed:
                problems.append((line, f"macro '{call.name}' {placed}", call.name))
            else:
                calls.append(call)
    return problems, calls


def _neighbour(parts: list[nodes.Node], i: int, edge: str) -> str:
    if i < 0 or i >= len(parts):
        return edge
    return parts[i].data if isinstance(parts[i], nodes.TemplateData) else "{{ }}"


def _one_call(node: nodes.Expr, known: Mapping[str, inspect.Signature | None]) -> tuple[str | None, str | None, MacroCall | None]:
    """(problem, macro name or None, None) or (None, name, MacroCall) for one {{ ... }} expression."""
    hint = f"pages may only call the handbook's macros with quoted arguments, e.g. {EXAMPLE}"
    if isinstance(node, nodes.Name):
        if node.name in known:
            return f"macro '{node.name}' is named but not called; write {{{{ {usage(node.name, known[node.name])} }}}} with the id in quotes", node.name, None
        return f"unknown variable '{node.name}'; {hint}", node.name, None
    if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)):
        return f"{_describe(node)} is not allowed in a page; {hint}", None, None
    name = node.node.name
    if name not in known:
        return f"unknown macro '{name}'; known macros: {', '.join(sorted(known))}", name, None
    sig = known[name]
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        return f"macro '{name}': '*' and '**' arguments are not allowed; write {usage(name, sig)} with quoted ids", name, None
    values = [a for a in node.args] + [k.value for k in node.kwargs]
    for value in values:
        if not isinstance(value, nodes.Const):
            return f"macro '{name}': an argument is computed ({_describe(value)}); write each id in quotes; it is called as {usage(name, sig)}", name, None
    args = [a.value for a in node.args]
    kwargs = {k.key: k.value.value for k in node.kwargs}
    if sig is None:
        return None, name, MacroCall(node.lineno, name, {**{str(i): a for i, a in enumerate(args)}, **kwargs})
    unknown = [k for k in kwargs if k not in sig.parameters]
    if unknown:
        return f"macro '{name}': unknown keyword argument '{unknown[0]}'; it is called as {usage(name, sig)}", name, None
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as exc:
        return f"macro '{name}': {exc}; it is called as {usage(name, sig)}", name, None
    for param, value in bound.arguments.items():
        default = sig.parameters[param].default
        if isinstance(default, bool):  # an on/off option such as caption=False
            if not isinstance(value, bool):
                return f"macro '{name}': argument '{param}' must be True or False, got {value!r}; it is called as {usage(name, sig)}", name, None
            continue
        if not isinstance(value, str) and not (value is None and default is None):
            return f"macro '{name}': argument '{param}' must be an id in quotes, got {value!r}; it is called as {usage(name, sig)}", name, None
    return None, name, MacroCall(node.lineno, name, dict(bound.arguments))


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr):
        return f"an attribute ('.{node.attr}')"
    if isinstance(node, nodes.Getitem):
        return "a subscript ('[...]')"
    if isinstance(node, nodes.Filter):
        return f"a filter ('|{node.name}')"
    if isinstance(node, nodes.Test):
        return f"a test ('is {node.name}')"
    if isinstance(node, nodes.Call):
        return f"calling {_describe(node.node)}"
    if isinstance(node, nodes.Concat):
        return "the '~' operator"
    if isinstance(node, nodes.BinExpr):
        return f"the '{node.operator}' operator"
    if isinstance(node, nodes.UnaryExpr):
        return f"the '{node.operator}' operator"
    if isinstance(node, nodes.CondExpr):
        return "an 'if' expression"
    if isinstance(node, nodes.Compare):
        return "a comparison"
    if isinstance(node, (nodes.List, nodes.Tuple, nodes.Dict)):
        return f"a {type(node).__name__.lower()}"
    if isinstance(node, nodes.Name):
        return f"a variable ('{node.name}')"
    if isinstance(node, nodes.Const):
        return f"a literal ({node.value!r})"
    return f"an expression ({type(node).__name__.lower()})"


def _placement(line: int, lead: str, trail: str, in_admonition: set[int], in_table: set[int]) -> str | None:
    """Why a call may not stand where it is, or None. Its HTML must start a line of its own: inside an
    admonition, a table cell, a list item or a paragraph, Markdown would break it apart."""
    if line in in_admonition:
        return "is inside an admonition ('!!!' block), where its HTML would break out of the box; put it after the block, on a line of its own"
    if line in in_table:
        return "is inside a Markdown table, where its HTML would break the table; put it after the table, on a line of its own"
    if lead.strip() or trail.strip():
        return (f"must stand on a line of its own, e.g. {EXAMPLE}, not inside text (to show a macro call as code, "
                "wrap it in {% raw %}...{% endraw %})")
    if lead:
        return "is indented; start it at the beginning of the line (its HTML would break inside a list item or indented block)"
    return None


def _admonition_lines(lines: list[str]) -> set[int]:
    """1-based numbers of the lines inside admonitions and details blocks (`!!! note`, `??? tip`)."""
    out: set[int] = set()
    i = 0
    while i < len(lines):
        m = ADMONITION.match(lines[i])
        i += 1
        if not m:
            continue
        indent = len(m.group(1).expandtabs(4))
        while i < len(lines):
            text = lines[i]
            if text.strip() and len(text.expandtabs(4)) - len(text.expandtabs(4).lstrip()) <= indent:
                break
            out.add(i + 1)
            i += 1
    return out


def _table_lines(lines: list[str]) -> set[int]:
    """1-based numbers of the lines of Markdown tables (header, delimiter row and body rows)."""
    out: set[int] = set()
    for i, text in enumerate(lines):
        if "|" in text and "-" in text and TABLE_DELIMITER.match(text) and i and "|" in lines[i - 1]:
            out.update((i, i + 1))  # the header row and the delimiter row
            j = i + 1
            while j < len(lines) and lines[j].strip():
                out.add(j + 1)
                j += 1
    for i, text in enumerate(lines):
        if text.lstrip().startswith("|"):
            out.add(i + 1)
    return out


# --------------------------------------------------------------------------------- rendering


class PageTemplate(ImmutableSandboxedEnvironment.template_class):
    """A page's template sees the handbook's macros (the environment's globals) and nothing else:
    the variables mkdocs-macros passes (config, page, navigation, files, plugin...) are dropped."""

    def new_context(self, vars=None, shared=False, locals=None):  # noqa: A002 - Jinja's name
        return super().new_context(None, shared, locals)


class PageEnvironment(ImmutableSandboxedEnvironment):
    """The Jinja environment pages render in. Every template it compiles is audited first (``audit``):
    a refused page raises PageError (or whatever ``on_problems`` does) before any of it runs. Beyond the
    audit it is a sandbox that allows nothing but calling the macros."""

    template_class = PageTemplate
    intercepted_binops = frozenset(["+", "-", "*", "/", "//", "%", "**"])
    intercepted_unops = frozenset(["+", "-"])

    def __init__(self, macros: Mapping[str, Callable], known: Mapping[str, inspect.Signature | None] | None = None,
                 on_problems: Callable[[str, list[tuple[int, str]]], None] | None = None, **options):
        options.pop("loader", None)
        options.pop("extensions", None)
        super().__init__(loader=None, autoescape=False, **options)
        self.globals.clear()
        self.globals.update(macros)
        self.filters.clear()
        self.tests.clear()
        self._callables = [m for m in macros.values()]
        self.known = dict(known) if known is not None else signatures(macros)
        self.on_problems = on_problems

    @classmethod
    def like(cls, other: Environment, macros: Mapping[str, Callable], **kwargs) -> "PageEnvironment":
        """A page environment with the syntax settings (delimiters, whitespace) of ``other``."""
        keep = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
                "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
                "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "undefined")
        return cls(macros, **kwargs, **{k: getattr(other, k) for k in keep})

    def _parse(self, source, name, filename):
        try:
            tree = super()._parse(source, name, filename)
        except TemplateSyntaxError as exc:
            problems = [(exc.lineno, f"Jinja syntax error: {exc.message}")]
        else:
            problems = [(line, msg) for line, msg, _ in audit(tree, source, self.known)[0]]
            if not problems:
                return tree
        if self.on_problems is not None:
            self.on_problems(source, problems)
        raise PageError(problems)

    # The sandbox proper: nothing is reachable from a page but the macros themselves.
    def is_safe_attribute(self, obj, attr, value):
        return False

    def is_safe_callable(self, obj):
        return any(obj is m for m in self._callables)

    def getattr(self, obj, attribute):
        raise SecurityError(f"pages may not read attributes ('.{attribute}')")

    def getitem(self, obj, argument):
        raise SecurityError("pages may not read items ('[...]')")

    def call_binop(self, context, operator, left, right):
        raise SecurityError(f"pages may not compute ('{operator}')")

    def call_unop(self, context, operator, arg):
        raise SecurityError(f"pages may not compute ('{operator}')")


# --------------------------------------------------------------------------------- checking


def read_page(path: Path, rel: str) -> tuple[str | None, Problem | None]:
    """A page's text, or a problem naming the file and line when it is not UTF-8 text."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(rel, line, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read); save the page as UTF-8")


def scan(docs_dir: Path, hb: Handbook, extra_macros: tuple[str, ...] = ()) -> tuple[list[Problem], PageIndex]:
    """Return (problems, where prompts and forms are shown) for every page under docs_dir."""
    problems: list[Problem] = []
    index = PageIndex()
    root = docs_dir.parent
    known = signatures(extra_macros)
    parser = Environment()  # parses only: nothing in a page is run here
    pages = sorted(p for p in docs_dir.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file())
    for md in pages:
        rel = str(md.relative_to(root))
        page = md.relative_to(docs_dir).as_posix()
        text, bad = read_page(md, rel)
        if bad:
            problems.append(bad)
            continue
        try:
            tree = parser.parse(text)
        except TemplateSyntaxError as exc:
            problems.append(Problem(rel, exc.lineno, f"Jinja syntax error: {exc.message}"))
            continue
        found, calls = audit(tree, text, known)
        problems += [Problem(rel, line, msg, field=name) for line, msg, name in found]
        for call in calls:
            macro = MACROS.get(call.name)
            if macro is None:  # one of extra_macros
                continue
            problems += [Problem(rel, call.line, msg, field=call.name) for msg in macro.unknown_ids(hb, call.args.values())]
            for kind, ident in macro.placements(hb, call.args.values()):
                index.place(page, kind, ident)
    problems += unplaced(hb, index)
    for lid in hb.logs:
        if lid not in index.log_pages:
            problems.append(Problem(*hb.origin("logs", lid),
                                    f"coaching log '{lid}' is on no page; add {{{{ coaching_log(\"{lid}\") }}}} to the page it belongs on", lid, "id"))
    return problems, index


def unplaced(hb: Handbook, index: PageIndex) -> list[Problem]:
    """Prompts, prompt groups and forms that are in the data but on no page (they would silently
    appear nowhere, and their answers could not be given). A prompt reaches a page by
    {{ prompt("id") }}, by its group's {{ prompts("group") }}, or as a question of a case study on a
    page; a form by {{ self_check("id") }}, or, for a form that claims prompt groups, with the prompts
    of those groups."""
    out: list[Problem] = []
    groups: dict[str, list[str]] = {}
    for pid, p in hb.prompts.items():
        groups.setdefault(p["group"], []).append(pid)
    for pid, p in hb.prompts.items():
        if pid in index.prompt_pages:
            continue
        file, line = hb.origin("prompts", pid)
        how = f'{{{{ prompt("{pid}") }}}} to the page it belongs on'
        asked_by = [cs["id"] for cs in hb.case_studies.values() if pid in (cs.get("questions") or [])]
        if asked_by:
            how = f"case study '{asked_by[0]}' (which lists it in its questions) to a page with {{{{ case_study(\"{asked_by[0]}\") }}}}, or add {how}"
        elif "case" in p["group"]:
            how += f", or list '{pid}' under the questions of the case study it belongs to"
        out.append(Problem(file, line, f"point for reflection '{pid}' is on no page, so readers never see it; add {how}", pid, "id"))
    for gid in hb.prompt_groups:
        if gid in index.group_pages or groups.get(gid):
            continue  # a group with prompts is reported through them
        file, line = hb.origin("prompt_groups", gid)
        out.append(Problem(file, line, f"prompt group '{gid}' is on no page and has no prompts; add prompts with 'group: {gid}' "
                                       f"and show them, or add {{{{ prompts(\"{gid}\") }}}} to a page, or remove the group", gid, "id"))
    for fid, form in hb.forms.items():
        if fid in index.form_pages:
            continue
        claimed = form.get("prompt_groups") or []
        if claimed:
            if any(pid in index.prompt_pages for g in claimed for pid in groups.get(g, [])):
                continue
            file, line = hb.origin("forms", fid)
            out.append(Problem(file, line, f"form '{fid}' is on no page: it asks about the prompts of {', '.join(repr(g) for g in claimed)}, "
                                           f"and none of them is on a page; show them with {{{{ prompts(\"{claimed[0]}\") }}}} "
                                           "or {{ prompt(\"id\") }}", fid, "id"))
            continue
        file, line = hb.origin("forms", fid)
        out.append(Problem(file, line, f"form '{fid}' is on no page; add {{{{ self_check(\"{fid}\") }}}} to the page it belongs on", fid, "id"))
    return out


def check(docs_dir: Path, hb: Handbook, extra_macros: tuple[str, ...] = ()) -> PageIndex:
    problems, index = scan(docs_dir, hb, extra_macros)
    if problems:
        raise DataError(problems)
    return index
