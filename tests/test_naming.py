"""One name per component (issue #10): each page macro's templates are in the folder of the component
the registry names for it (macros/templates/<component>/), whose words are the ui.yml group of the same
name; no template lies loose at the top of macros/templates/."""
from __future__ import annotations

from conftest import ROOT

TEMPLATES = ROOT / "macros" / "templates"
# Folders that are no page macro's: parts several components use, and the pages the command line writes.
NOT_MACROS = {"shared", "offline-zip", "serve-errors"}


def _args(hb, macro) -> list:
    if macro.collection is None:
        return []
    ids = list(getattr(hb, macro.collection))
    return ids[: macro.ids] if macro.ids > 1 else ids[:1]


def test_each_macro_renders_the_templates_of_its_component(hb):
    from macros.registry import MACROS
    from macros.render import Renderer

    r = Renderer(hb)
    r.school_welcome = "Welcome."  # welcome() renders nothing without one
    used: list[str] = []
    real = r._render
    r._render = lambda template, **ctx: used.append(template) or real(template, **ctx)
    wrong = []
    for name, macro in MACROS.items():
        used.clear()
        getattr(r, name)(*_args(hb, macro))
        assert used, name
        wrong += [f"{name}() renders {t}, not from {macro.component}/" for t in used
                  if not t.startswith(macro.component + "/")]
    assert not wrong, "\n".join(wrong)


def test_every_template_is_in_a_component_folder():
    from macros.registry import MACROS

    components = {m.component for m in MACROS.values()}
    loose = sorted(p.name for p in TEMPLATES.iterdir() if p.is_file())
    assert not loose, f"templates outside a component folder: {loose}"
    folders = {p.name for p in TEMPLATES.iterdir() if p.is_dir()}
    assert folders - NOT_MACROS <= components, sorted(folders - NOT_MACROS - components)
    assert components <= folders, sorted(components - folders)


def test_a_component_with_words_has_them_under_its_own_name():
    """The ui.yml group a component's templates use is the component's name (or the shared common,
    figure and privacy words), so the words of self-check are under self-check:, not form:."""
    import re

    from macros.registry import MACROS

    shared = {"common", "figure", "self-check", "privacy"}
    own = {"schema-reference": {"maintainers"}}  # the maintainers' reference's words predate the component's name
    wrong = []
    for comp in {m.component for m in MACROS.values()}:
        for t in (TEMPLATES / comp).rglob("*.html"):
            for group in set(re.findall(r"ui(?:\.md|\.plain|\.script_attrs)?\(\s*'([a-z0-9-]+)", t.read_text(encoding="utf-8"))):
                if group != comp and group not in shared | own.get(comp, set()):
                    wrong.append(f"{t.relative_to(TEMPLATES)}: ui('{group}.…')")
    assert not wrong, wrong
