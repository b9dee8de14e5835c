"""One name per component (issue #10): each page macro's templates are in the folder of the component
the registry names for it (macros/templates/<component>/), whose words are the ui.yml group of the same
name; no template lies loose at the top of macros/templates/; a component with a script has that name
in its data-module, script, stylesheet and test file too."""
from __future__ import annotations

import pytest
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


JS = ROOT / "overrides" / "assets" / "javascripts"
CSS = ROOT / "overrides" / "assets" / "stylesheets"


def _mkdocs_lists() -> dict:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    cfg = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    return {kind: [e if isinstance(e, str) else e["path"] for e in cfg[kind]] for kind in ("extra_javascript", "extra_css")}


@pytest.mark.unit
def test_a_script_component_has_one_name_in_every_layer():
    """A component with a script (data-module="hb-NAME") is NAME in every layer: a data-module in
    macros/templates/ is a component's name (its template folder and words: the tests above), its
    script NAME.js registers "hb-NAME" and no other, its stylesheet NAME.css starts "/* hb-NAME:", both
    listed in mkdocs.yml, and its test file is tests/test_NAME.py. (The case studies' filter was
    hb-case-filter in case-filter.js and handbook.css, beside case-studies/ and test_case_studies.py.)"""
    import re

    from macros.registry import MACROS

    components = {m.component for m in MACROS.values()}
    lists = _mkdocs_lists()
    modules: dict[str, set[str]] = {}
    for t in [*TEMPLATES.rglob("*.html"), *(ROOT / "overrides").rglob("*.html")]:
        for name in re.findall(r'data-module="hb-([a-z0-9-]+)"', t.read_text(encoding="utf-8")):
            modules.setdefault(name, set()).add(str(t.relative_to(ROOT)))
    wrong = []
    for name, where in sorted(modules.items()):
        in_macros = sorted(w for w in where if w.startswith("macros/"))
        if in_macros and name not in components:
            wrong.append(f'data-module="hb-{name}" ({", ".join(in_macros)}) is no component\'s name: {sorted(components)}')
        js, css = JS / f"{name}.js", CSS / f"{name}.css"
        if not js.is_file() or f'register("hb-{name}"' not in js.read_text(encoding="utf-8"):
            wrong.append(f"hb-{name}: no {js.relative_to(ROOT)} registering it")
        elif f"assets/javascripts/{name}.js" not in lists["extra_javascript"]:
            wrong.append(f"{js.name} is not in mkdocs.yml's extra_javascript")
        if not css.is_file() or not css.read_text(encoding="utf-8").startswith(f"/* hb-{name}:"):
            wrong.append(f'hb-{name}: no {css.relative_to(ROOT)} starting "/* hb-{name}:"')
        elif f"assets/stylesheets/{name}.css" not in lists["extra_css"]:
            wrong.append(f"{css.name} is not in mkdocs.yml's extra_css")
        if name in components and not (ROOT / "tests" / f"test_{name.replace('-', '_')}.py").is_file():
            wrong.append(f"hb-{name}: no tests/test_{name.replace('-', '_')}.py")
    # and every script registers only the component it is named for
    for js in sorted(JS.glob("*.js")):
        for name in re.findall(r'\bregister\(\s*"hb-([a-z0-9-]+)"', js.read_text(encoding="utf-8")):
            if name != js.stem:
                wrong.append(f'{js.name} registers "hb-{name}"')
            if name not in modules:
                wrong.append(f'{js.name} registers "hb-{name}", which no template places')
    assert not wrong, "\n".join(wrong)
    assert {"self-check", "coaching-log", "learning-record", "case-studies"} <= set(modules), sorted(modules)
