"""One macro registry (macros/registry.py, issue #10): every page macro, its id arguments and what it
places, written once; the Renderer implements exactly those; one message for an unknown id."""
from __future__ import annotations

import inspect

import pytest

from conftest import ROOT


def test_the_renderer_implements_every_registered_macro_with_its_parameters():
    from macros.registry import MACROS
    from macros.render import Renderer

    for name, macro in MACROS.items():
        sig = inspect.signature(getattr(Renderer, name))
        ours = sig.replace(parameters=list(sig.parameters.values())[1:], return_annotation=inspect.Signature.empty)
        theirs = inspect.Signature([p.replace(annotation=inspect.Parameter.empty) for p in macro.signature().parameters.values()])
        assert [(p.name, p.default) for p in ours.parameters.values()] == [(p.name, p.default) for p in theirs.parameters.values()], name


def test_unknown_id_says_the_same_on_a_page_check_and_when_rendering(tmp_path):
    from macros.data import load
    from macros.errors import UnknownId
    from macros.registry import MACROS
    from macros.render import Renderer

    hb = load(ROOT / "data")
    (checked,) = MACROS["self_check"].unknown_ids(hb, ["no-such-form"])
    with pytest.raises(UnknownId) as exc:
        Renderer(hb).self_check("no-such-form")
    assert str(exc.value) == checked
    assert checked.startswith("macro 'self_check': unknown form id 'no-such-form'; known ids: ")
    # compare takes two ids, both checked
    assert len(MACROS["compare"].unknown_ids(hb, ["nope", "nada"])) == 2


def test_pages_and_render_do_not_import_each_other():
    import ast

    for mod, other in (("pages", "render"), ("render", "pages")):
        tree = ast.parse((ROOT / "macros" / f"{mod}.py").read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module is None for a in n.names}
        assert other not in imported, f"macros/{mod}.py imports {other}"
