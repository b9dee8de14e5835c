"""Issue #9, red team: content pages are Jinja templates, and a template could reach Python.

Each bad page below is planted in one copy of the project (one page per case, so every message is
checked for its own file:line), then `python -m macros check`, `python -m macros build` and a plain
`mkdocs build` are run once each. The payloads write a marker file if they ever run.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import copy_project, handbook, run

MKDOCS = str(Path(sys.executable).parent / "mkdocs")
# Reaches os from each thing a page could see: Jinja's globals, mkdocs-macros' variables, a macro.
READ = "calling an attribute ('.read') is not allowed in a page"
RUN = "__init__.__globals__['__builtins__']['__import__']('os').popen('touch {marker}').read()"

# name -> (Jinja in the page, expected message after "content/evil-<name>.md:3: ")
PAYLOADS = {
    "cycler": ("{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}", READ),
    "joiner": ("{{ joiner." + RUN + " }}", READ),
    "namespace": ("{{ namespace." + RUN + " }}", READ),
    "lipsum": ("{{ lipsum.__globals__['__builtins__']['__import__']('os').popen('touch {marker}').read() }}", READ),
    "config-class": ("{{ config.__class__." + RUN + " }}", READ),
    "config-theme": ("{{ config.theme.get_env().from_string(\"{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}\").render() }}",
                     "calling an attribute ('.render') is not allowed in a page"),
    "page-init": ("{{ page." + RUN + " }}", READ),
    "files": ("{{ files." + RUN + " }}", READ),
    "navigation": ("{{ navigation." + RUN + " }}", READ),
    "plugin": ("{{ plugin.__class__." + RUN + " }}", READ),
    "self-context": ("{{ self._TemplateReference__context.cycler." + RUN + " }}", READ),
    "macro-globals": ("{{ figure.__globals__['__builtins__']['__import__']('os').popen('touch {marker}').read() }}", READ),
    "attr-filter": ("{{ ((cycler|attr('__init__')|attr('__globals__'))['os']|attr('popen'))('touch {marker}') }}",
                    "calling a filter ('|attr') is not allowed in a page"),
    "set": ("{% set x = cycler." + RUN + " %}", "'{% set %}' is not allowed in a page"),
    "for": ("{% for x in [cycler." + RUN + "] %}ok{% endfor %}", "'{% for %}' is not allowed in a page"),
    "import": ("{% import 'index.md' as m %}", "'{% import %}' is not allowed in a page"),
    "include": ("{% include 'index.md' %}", "'{% include %}' is not allowed in a page"),
}

# name -> (page text, line, expected message after "content/bad-<name>.md:<line>: ")
MISUSES = {
    "too-many-args": ('{{ compare("grow", "grow", "grow") }}', 3,
                      "field 'compare': macro 'compare': too many positional arguments; it is called as compare(left, right)"),
    "too-few-args": ('{{ compare("coachee-activities") }}', 3, "field 'compare': macro 'compare': missing a required argument: 'right'"),
    "unknown-keyword": ('{{ figure(name="grow") }}', 3, "field 'figure': macro 'figure': unknown keyword argument 'name'"),
    "id-not-text": ("{{ figure(3) }}", 3, "field 'figure': macro 'figure': argument 'list_id' must be an id in quotes, got 3"),
    "computed-id": ('{{ figure("gr" ~ "ow") }}', 3, "field 'figure': macro 'figure': an argument is computed (the '~' operator)"),
    "bare-macro": ("{{ figure }}", 3, "field 'figure': macro 'figure' is named but not called"),
    "admonition": ('!!! note\n    Read this first.\n\n    {{ figure("grow") }}', 6, "field 'figure': macro 'figure' is inside an admonition"),
    "table-cell": ('| Figure | Note |\n|---|---|\n| {{ figure("grow") }} | x |', 5, "field 'figure': macro 'figure' is inside a Markdown table"),
    "in-text": ('See {{ figure("grow") }} here.', 3, "field 'figure': macro 'figure' must stand on a line of its own"),
    "syntax": ('{{ figure("grow" }}', 3, "Jinja syntax error"),
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A copy of the project with every bad page planted, and what check and both builds said."""
    base = tmp_path_factory.mktemp("pages")
    proj = copy_project(base / "handbook")
    markers = base / "markers"
    markers.mkdir()
    content = proj / "content"
    for name, (jinja, _) in PAYLOADS.items():
        (content / f"evil-{name}.md").write_text(f"# Evil\n\n{jinja.replace('{marker}', str(markers / name))}\n", encoding="utf-8")
    for name, (text, _, _) in MISUSES.items():
        (content / f"bad-{name}.md").write_text(f"# Bad\n\n{text}\n", encoding="utf-8")
    results = {
        "check": handbook("check", cwd=proj),
        "build": handbook("build", cwd=proj),
        "mkdocs build": run([MKDOCS, "build", "-d", str(base / "out")], cwd=proj),
    }
    return proj, markers, results


COMMANDS = ("check", "build", "mkdocs build")


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_page_jinja_that_reaches_python_is_refused_and_never_runs(planted, name):
    proj, markers, results = planted
    expected = f"content/evil-{name}.md:3: {PAYLOADS[name][1]}"
    for cmd in COMMANDS:
        r = results[cmd]
        assert r.returncode != 0, f"{cmd} passed a page that reaches Python"
        assert expected in r.stderr, f"{cmd}:\n{r.stderr}"
        assert "Traceback" not in r.stdout + r.stderr, cmd
    assert not (markers / name).exists(), f"the payload in evil-{name}.md ran"
    assert not (proj / "site").exists(), "a refused build must not write a site"


@pytest.mark.parametrize("name", sorted(MISUSES))
def test_macro_misuse_is_an_error_with_file_and_line(planted, name):
    _, _, results = planted
    _, line, message = MISUSES[name]
    expected = f"content/bad-{name}.md:{line}: {message}"
    for cmd in COMMANDS:
        r = results[cmd]
        assert r.returncode != 0
        assert expected in r.stderr, f"{cmd}:\n{r.stderr}"
        assert "Traceback" not in r.stdout + r.stderr, cmd


def test_a_page_that_is_not_utf8_is_named_not_a_traceback(tmp_path):
    proj = copy_project(tmp_path / "handbook")
    (proj / "content" / "latin1.md").write_bytes("# Latin-1\n\nCaf\u00e9 au lait.\n".encode("latin-1"))
    for cmd in COMMANDS:
        if cmd == "mkdocs build":
            r = run([MKDOCS, "build", "-d", str(tmp_path / "out")], cwd=proj)
        else:
            r = handbook(cmd, cwd=proj)
        assert r.returncode != 0
        assert "content/latin1.md:3: is not UTF-8 text (byte 0xe9 cannot be read); save the page as UTF-8" in r.stderr, f"{cmd}:\n{r.stderr}"
        assert "Traceback" not in r.stdout + r.stderr, cmd


def test_every_problem_is_listed_at_once(planted):
    _, _, results = planted
    n = len(PAYLOADS) + len(MISUSES)
    assert f"{n} problems" in results["check"].stderr


# ------------------------------------------------------------------ the sandbox, on its own

def test_a_nav_title_that_reaches_python_stops_the_build_in_the_sandbox(tmp_path):
    """mkdocs-macros also renders page titles, which can come from mkdocs.yml's nav, where `check`
    does not look: the page environment itself refuses the template, and nothing runs."""
    proj = copy_project(tmp_path / "handbook")
    marker = tmp_path / "marker"
    cfg = proj / "mkdocs.yml"
    payload = "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"
    text = cfg.read_text(encoding="utf-8")
    assert "  - Home: index.md\n" in text
    cfg.write_text(text.replace("  - Home: index.md\n", f'  - "{payload}": index.md\n'), encoding="utf-8")
    r = run([MKDOCS, "build", "-d", str(tmp_path / "out")], cwd=proj)
    assert r.returncode != 0
    assert "content/index.md (its title, from nav or front matter):1: calling an attribute ('.read') is not allowed in a page" in r.stderr, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert not marker.exists(), "the payload in the nav title ran"


class Live:
    """Stands for the live objects mkdocs-macros hands a page (config, page, files...)."""

    def __init__(self):
        self.theme = self


def _compiled(env, source: str):
    """Compile a page past the audit (a page cannot do this; the test does, to try the sandbox alone)."""
    from jinja2 import Environment

    tree = Environment().parse(source)
    return env.template_class.from_code(env, env.compile(tree), env.make_globals(None))


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(set(PAYLOADS) - {"import", "include"}))
def test_the_sandbox_alone_stops_every_payload(tmp_path, name):
    from jinja2.exceptions import SecurityError, TemplateError

    from macros.pages import PageEnvironment

    marker = tmp_path / "marker"
    calls = []
    env = PageEnvironment({"figure": lambda list_id: calls.append(list_id) or "<figure>"})
    live = {k: Live() for k in ("config", "page", "files", "navigation", "plugin")}
    with pytest.raises((SecurityError, TemplateError)):  # e.g. no filter 'attr', no attribute, undefined
        _compiled(env, PAYLOADS[name][0].replace("{marker}", str(marker))).render(**live)
    assert not marker.exists()


@pytest.mark.unit
def test_the_page_environment_audits_before_compiling(tmp_path):
    from macros.pages import PageEnvironment, PageError

    marker = tmp_path / "marker"
    seen = []
    env = PageEnvironment({"figure": lambda list_id: f"<figure {list_id}>"}, on_problems=lambda src, problems: seen.extend(problems))
    with pytest.raises(PageError):
        env.from_string("# T\n\n{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}\n")
    assert seen and seen[0][0] == 3
    assert not marker.exists()
    # a good page renders, and sees no variable it is given
    assert env.from_string('# T\n\n{{ figure("grow") }}\n').render(config=Live()) == "# T\n\n<figure grow>"
    with pytest.raises(PageError):
        env.from_string("{{ config }}")
    # a macro call shown as text, as the README says, stays text
    assert env.from_string('`{% raw %}{{ figure("grow") }}{% endraw %}`').render() == '`{{ figure("grow") }}`'
