"""Issue #9, building: a command never deletes what it did not make, the site is replaced in one
step (even under SIGKILL or Ctrl-C), the zip is never half-written, YAML anchors and aliases in data
are refused before they can explode, a broken mkdocs.yml gets a message instead of a traceback, and
every Python dependency is pinned with hashes.

Builds run in throwaway copies of the project. Kills are made in-process: a small script imports
the command line, replaces one step with "do it, then SIGKILL myself" and runs it."""
from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, fixture_project, handbook, run

MARKER = ".handbook-build"


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (not following the node_modules link) and its bytes."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "node_modules" not in p.parts and "__pycache__" not in p.parts:
            out[p.relative_to(folder).as_posix()] = p.read_bytes()
    return out


def _complete(site: Path, reference: set[str]) -> None:
    """``site`` is a whole build: the marker, and every file a good build has."""
    assert site.is_dir(), f"{site} is missing"
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert MARKER in files
    assert reference <= files, f"missing from {site}: {sorted(reference - files)[:5]}"


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site-build-"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the fixture handbook (tests/fixtures/project, with the project's code and the school
    example's folder) and a good site/ built in it. What is tested here is what the command does with
    files, not the content, so the small handbook serves; it builds in half the time."""
    proj = fixture_project(tmp_path_factory.mktemp("proj") / "handbook")
    shutil.copytree(ROOT / "examples", proj / "examples")
    r = handbook("build", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    return proj


@pytest.fixture
def whole(tmp_path) -> Path:
    """A copy of the real project with the school example (which inherits the real mkdocs.yml and
    adds to its content), and a site/ folder standing for the core's build."""
    proj = copy_project(tmp_path / "handbook")
    shutil.copytree(ROOT / "examples", proj / "examples")
    (proj / "site").mkdir()
    return proj


@pytest.fixture
def proj(built, tmp_path) -> Path:
    p = tmp_path / "handbook"
    shutil.copytree(built, p, symlinks=True)
    return p


@pytest.fixture(scope="module")
def reference(built) -> set[str]:
    site = built / "site"
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


# --------------------------------------------------------------------------- what a build may replace


@pytest.mark.parametrize("target", [".", "..", "content", "data", "overrides", "macros", "mkdocs.yml", "data/lists.yml",
                                    "content/site", "examples", "examples/school"])
def test_build_never_replaces_the_project_or_its_sources(proj, target):
    (proj / "notes.txt").write_text("a maintainer's own file")
    before = _snapshot(proj.parent)
    r = handbook("build", "-d", target, cwd=proj)
    assert r.returncode != 0, f"-d {target} was accepted"
    assert "refusing to build into" in r.stderr and "Nothing was deleted" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert _snapshot(proj.parent) == before, f"-d {target} changed files"


def test_build_refuses_a_folder_no_build_made_but_uses_an_empty_one(proj, tmp_path):
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"not a site")
    r = handbook("build", "-d", str(other), cwd=proj)
    assert r.returncode != 0
    assert f"there is no {MARKER} file in it" in r.stderr, r.stderr
    assert (other / "holiday.jpg").read_bytes() == b"not a site"

    empty = tmp_path / "empty"
    empty.mkdir()
    r = handbook("build", "-d", str(empty), cwd=proj)
    assert r.returncode == 0, r.stderr
    assert (empty / MARKER).is_file() and (empty / "index.html").is_file()


def test_a_school_config_builds_into_its_own_site_dir(whole):
    """`-f examples/school/mkdocs.yml build` used to overwrite the core's site/."""
    proj = whole
    (proj / "site" / "core-sentinel.txt").write_text("the core's site")
    r = handbook("-f", "examples/school/mkdocs.yml", "build", cwd=proj)
    assert r.returncode == 0, r.stderr
    assert (proj / "site" / "core-sentinel.txt").exists(), "the core's site/ was replaced"
    school = proj / "examples" / "school" / "site"
    assert (school / MARKER).is_file()
    assert "Llanfair Valley" in (school / "index.html").read_text(encoding="utf-8")


def test_the_default_site_dir_is_the_configs_resolved_from_the_config_file(whole):
    from macros.__main__ import site_dir

    proj = whole
    cfg = proj / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("site_dir: site", "site_dir: public"), encoding="utf-8")
    assert site_dir(cfg) == (proj / "public").resolve()
    # the school's file sets site_dir: site, relative to itself; the core's setting is not used
    assert site_dir(proj / "examples" / "school" / "mkdocs.yml") == (proj / "examples" / "school" / "site").resolve()


# --------------------------------------------------------------------------- replacing site/ in one step

KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, os.getcwd())
    import macros.__main__ as m

    mode = sys.argv[1]
    real_exchange, real_rename = m._exchange, Path.rename

    def die(sig=signal.SIGKILL):
        os.kill(os.getpid(), sig)

    if mode == "before-swap":
        m._exchange = lambda a, b: die()
    elif mode == "after-swap":
        m._exchange = lambda a, b: (real_exchange(a, b), die())
    elif mode in ("between-renames", "ctrl-c-between-renames"):
        m._exchange = lambda a, b: False  # as on a system without renameat2
        def rename(self, target):
            result = real_rename(self, target)
            if Path(target).name == "old":
                die(signal.SIGINT if mode.startswith("ctrl-c") else signal.SIGKILL)
            return result
        Path.rename = rename
    sys.exit(m.main(["build"]))
""")


def _kill_at(proj: Path, mode: str) -> subprocess.CompletedProcess:
    script = proj.parent / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    return run([sys.executable, str(script), mode], cwd=proj)


@pytest.mark.parametrize("mode", ["before-swap", "after-swap"])
def test_sigkill_at_the_swap_leaves_a_complete_site_and_the_next_build_cleans_up(proj, reference, mode):
    old_index = (proj / "site" / "index.html").read_bytes()
    (proj / "site" / "sentinel.txt").write_text("the previous build")
    r = _kill_at(proj, mode)
    assert r.returncode == -signal.SIGKILL, r.stdout + r.stderr
    _complete(proj / "site", reference)
    if mode == "before-swap":
        assert (proj / "site" / "sentinel.txt").exists(), "the old site is in place until the swap"
    else:
        assert not (proj / "site" / "sentinel.txt").exists(), "the swap put the new site in place"
    assert (proj / "site" / "index.html").read_bytes() == old_index
    assert _leftovers(proj) != [], "the killed build left its work folder"

    r = handbook("build", cwd=proj)
    assert r.returncode == 0, r.stderr
    assert "left by an interrupted build" in r.stderr
    assert _leftovers(proj) == []
    _complete(proj / "site", reference)


def test_sigkill_between_two_renames_is_put_right_by_the_next_run(proj, reference):
    """Where there is no renameat2, the two renames leave a gap; the next build closes it, even
    when that build itself fails."""
    r = _kill_at(proj, "between-renames")
    assert r.returncode == -signal.SIGKILL, r.stdout + r.stderr
    assert not (proj / "site").exists() and _leftovers(proj)
    lists = proj / "data" / "lists.yml"
    lists.write_text(lists.read_text(encoding="utf-8") + "\n  - not: [valid\n", encoding="utf-8")
    r = handbook("build", cwd=proj)
    assert r.returncode != 0
    _complete(proj / "site", reference)
    assert _leftovers(proj) == []


def test_ctrl_c_between_two_renames_waits_for_the_second(proj, reference):
    (proj / "site" / "sentinel.txt").write_text("the previous build")
    r = _kill_at(proj, "ctrl-c-between-renames")
    assert r.returncode == 130, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "interrupted" in r.stderr
    _complete(proj / "site", reference)
    assert not (proj / "site" / "sentinel.txt").exists()
    assert _leftovers(proj) == []


def test_a_leftover_another_build_is_using_is_left_alone(tmp_path):
    from macros.__main__ import _recover

    site = tmp_path / "site"
    site.mkdir()
    busy, dead, stranger = tmp_path / ".site-build-busy", tmp_path / ".site-build-dead", tmp_path / ".site-build-not-ours"
    for d in (busy, dead, stranger):
        d.mkdir()
    (busy / MARKER).write_text("x")
    (dead / MARKER).write_text("x")
    (stranger / "precious.txt").write_text("not made by a build")
    with open(busy / MARKER) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        _recover(site)
    assert busy.exists() and not dead.exists() and (stranger / "precious.txt").exists()


@pytest.mark.unit
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_swap_is_one_renameat2_exchange_here(tmp_path):
    from macros.__main__ import _exchange

    a, b = tmp_path / "a", tmp_path / "work" / "b"
    a.mkdir()
    b.mkdir(parents=True)
    (a / "which").write_text("old")
    (b / "which").write_text("new")
    assert _exchange(b, a) is True
    assert (a / "which").read_text() == "new" and (b / "which").read_text() == "old"


@pytest.mark.unit
def test_the_two_rename_fallback_puts_the_old_site_back_if_the_second_rename_fails(tmp_path, monkeypatch):
    import macros.__main__ as m

    site, work = tmp_path / "site", tmp_path / ".site-build-x"
    (site).mkdir()
    (site / "index.html").write_text("old")
    (work / "site").mkdir(parents=True)
    monkeypatch.setattr(m, "_exchange", lambda a, b: False)
    real = Path.rename

    def rename(self, target):
        if self == work / "site":
            raise OSError(errno.EACCES, "Permission denied", str(target))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError):
        m._swap_in(work / "site", site, work)
    assert (site / "index.html").read_text() == "old"


# --------------------------------------------------------------------------- read-only folders

FAILER = textwrap.dedent("""
    import errno, os, sys, tempfile
    sys.path.insert(0, os.getcwd())
    import macros.__main__ as m

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", args[0] if args else kwargs.get("dir"))

    if sys.argv[1] == "parent":
        tempfile.mkdtemp = refuse          # as when site/'s folder is read-only
    else:
        m._exchange = lambda a, b: (_ for _ in ()).throw(OSError(errno.EROFS, "Read-only file system", str(b)))
    sys.exit(m.main(["build"]))
""")


@pytest.mark.parametrize("where", ["parent", "site"])
def test_a_read_only_site_or_folder_gives_a_message(proj, where):
    """Running as root here, so chmod cannot make a folder read-only: the operating system's
    refusal is raised in-process at the point it would happen. (test_read_only_for_real below does
    it with chmod where the tests run as an ordinary user.)"""
    (proj / "site" / "sentinel.txt").write_text("the previous build")
    script = proj.parent / "failer.py"
    script.write_text(FAILER, encoding="utf-8")
    r = run([sys.executable, str(script), where], cwd=proj)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert re.search(r"(cannot write beside|could not put the new build in place of) site", r.stderr), r.stderr
    assert (proj / "site" / "sentinel.txt").exists()
    assert _leftovers(proj) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_for_real(proj):
    os.chmod(proj / "site", 0o555)
    os.chmod(proj, 0o555)
    try:
        r = handbook("build", cwd=proj)
    finally:
        os.chmod(proj, 0o755)
        os.chmod(proj / "site", 0o755)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert (proj / "site" / "index.html").exists()


def _can_mount_read_only() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind / / && mount -o remount,ro,bind / /"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs root and unshare to mount a folder read-only")
@pytest.mark.parametrize("where", ["parent", "site"])
def test_a_read_only_mount_gives_a_message(proj, where):
    """The real thing: in a private mount namespace, the project folder (site/'s parent) or site/
    itself is mounted read-only, and the build is run there."""
    (proj / "site" / "sentinel.txt").write_text("the previous build")
    ro = proj if where == "parent" else proj / "site"
    script = (f"mount --bind '{ro}' '{ro}' && mount -o remount,ro,bind '{ro}' '{ro}' && "
              f"exec '{sys.executable}' -m macros build")
    r = run(["unshare", "-m", "sh", "-c", script], cwd=proj, env={"PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert re.search(r"(cannot write beside|could not put the new build in place of) site", r.stderr), r.stderr
    assert (proj / "site" / "sentinel.txt").exists()
    assert _leftovers(proj) == []


# --------------------------------------------------------------------------- the zip

ZIP_KILLER = textwrap.dedent("""
    import os, signal, sys, zipfile
    sys.path.insert(0, os.getcwd())
    import macros.__main__ as m
    real, count = zipfile.ZipFile.write, [0]
    def write(self, *a, **k):
        count[0] += 1
        if count[0] == 20:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, *a, **k)
    zipfile.ZipFile.write = write
    sys.exit(m.main(["zip", "-o", sys.argv[1]]))
""")


def test_a_killed_zip_leaves_the_old_zip_whole(proj):
    out = proj / "dist" / "handbook-offline.zip"
    out.parent.mkdir()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("handbook/index.html", "the previous zip")
    before = out.read_bytes()
    script = proj.parent / "zip-killer.py"
    script.write_text(ZIP_KILLER, encoding="utf-8")
    r = run([sys.executable, str(script), str(out)], cwd=proj)
    assert r.returncode == -signal.SIGKILL, r.stdout + r.stderr
    assert out.read_bytes() == before, "the zip was overwritten in place"
    assert [p.name for p in out.parent.iterdir() if p.name != out.name], "the killed zip left its partial file"

    r = handbook("zip", "-o", str(out), cwd=proj)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name], "the partial file was not cleaned up"
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None and "handbook/index.html" in z.namelist()


def test_zip_refuses_to_overwrite_what_it_did_not_make(proj):
    (proj / "notes.zip").write_bytes(b"a maintainer's own file")
    for target in ("notes.zip", "data/handbook.zip", "mkdocs.yml"):
        before = _snapshot(proj)
        r = handbook("zip", "-o", target, cwd=proj)
        assert r.returncode == 1 and "refusing" in r.stderr and "Traceback" not in r.stderr, (target, r.stderr)
        assert _snapshot(proj) == before, target


# --------------------------------------------------------------------------- YAML anchors and aliases in data


def _bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.unit
@pytest.mark.parametrize("text, line, name", [
    (_bomb(4), 1, "&a0"),                                    # (8 levels ran 48 s and took 6 GB)
    ("items: &loop\n  - *loop\n", 1, "&loop"),              # a loop: a traceback before
    ("items:\n  - id: x\n    title: &t Hello\n  - id: y\n    title: *t\n", 3, "&t"),
    ("items:\n  - id: x\n    title: *undefined\n", 3, "*undefined"),
])
def test_yaml_anchors_and_aliases_are_refused_with_file_and_line(tmp_path, text, line, name):
    from macros.data import read_yaml

    f = tmp_path / "lists.yml"
    f.write_text(text, encoding="utf-8")
    problems: list = []
    assert read_yaml(f, "data/lists.yml", problems) is None
    assert [p.format() for p in problems] == [
        f"data/lists.yml:{line}: uses the {'alias' if name[0] == '*' else 'anchor'} {name}: "
        "anchors and aliases (&name, *name) are not allowed; write the text out"]


@pytest.mark.unit
def test_ampersands_and_asterisks_in_text_are_fine(tmp_path):
    from macros.data import read_yaml

    f = tmp_path / "lists.yml"
    f.write_text('items:\n  - title: "Q&A *with* a &friend"\n    text: Plan & do, *then* review\n', encoding="utf-8")
    problems: list = []
    assert read_yaml(f, "data/lists.yml", problems).data["items"][0]["text"] == "Plan & do, *then* review"
    assert problems == []


def test_an_alias_bomb_in_the_data_stops_check_and_build_at_once(proj):
    lists = proj / "data" / "lists.yml"
    lists.write_text(_bomb(5) + lists.read_text(encoding="utf-8"), encoding="utf-8")
    for cmd in ("check", "build"):
        r = handbook(cmd, cwd=proj)
        assert r.returncode == 1
        assert "data/lists.yml:1: uses the anchor &a0: anchors and aliases" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr


# --------------------------------------------------------------------------- mkdocs.yml that cannot be read


@pytest.mark.parametrize("case", ["not-utf8", "inherit-loop", "inherit-self", "inherit-missing", "duplicate-key", "syntax"])
def test_a_broken_mkdocs_yml_gets_a_message_not_a_traceback(proj, case):
    cfg = proj / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    site_line = next(i for i, t in enumerate(lines, 1) if t.startswith("site_dir:"))
    name_line = next(i for i, t in enumerate(lines, 1) if t.startswith("site_name: "))
    config = "mkdocs.yml"
    if case == "not-utf8":
        cfg.write_bytes(text.replace("site_name: ", "site_name: Caf\u00e9 ", 1).encode("latin-1", "replace"))
        expected = f"mkdocs.yml:{name_line}: is not UTF-8 text"
    elif case == "inherit-loop":
        (proj / "school.yml").write_text("INHERIT: other.yml\nsite_name: School\n", encoding="utf-8")
        (proj / "other.yml").write_text("site_name: Other\nINHERIT: school.yml\n", encoding="utf-8")
        config, expected = "school.yml", "other.yml:2: INHERIT makes a loop (school.yml -> other.yml -> school.yml)"
    elif case == "inherit-self":
        cfg.write_text("INHERIT: mkdocs.yml\n" + text, encoding="utf-8")
        expected = "mkdocs.yml:1: INHERIT makes a loop"
    elif case == "inherit-missing":
        (proj / "school.yml").write_text("site_name: School\nINHERIT: ../core/mkdocs.yml\n", encoding="utf-8")
        config, expected = "school.yml", "school.yml:2: INHERIT names ../core/mkdocs.yml, which does not exist"
    elif case == "duplicate-key":
        lines.insert(site_line, "site_dir: public\n")
        cfg.write_text("".join(lines), encoding="utf-8")
        expected = f"mkdocs.yml:{site_line + 1}: the setting 'site_dir' is given twice (first on line {site_line})"
    else:
        cfg.write_text(text.replace("site_name: ", "site_name: [", 1), encoding="utf-8")
        expected = "mkdocs.yml:"
    before = _snapshot(proj / "site")
    for cmd in ("check", "build"):
        r = handbook("-f", config, cmd, cwd=proj)
        assert r.returncode == 1, (cmd, r.stdout, r.stderr)
        assert expected in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert _snapshot(proj / "site") == before


# --------------------------------------------------------------------------- pinned dependencies


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)", line.strip())
        if m:
            pins[re.sub(r"[-_.]+", "-", m.group(1).split("[")[0]).lower()] = m.group(2)
    return pins


def test_every_dependency_is_pinned_with_hashes_and_setup_installs_the_lock():
    lock = ROOT / "requirements.lock"
    assert lock.is_file(), "no requirements.lock"
    text = lock.read_text(encoding="utf-8")
    pinned = _pins(lock)
    # each requirement line, with its continuation lines: name==version \ --hash=sha256:... \ ...
    entries = re.findall(r"^(\S+==\S+)((?:[ \t]*\\\n[ \t]+--hash=sha256:[0-9a-f]{64})*)", text, re.M)
    assert len(entries) == len(pinned) > 20, (len(entries), len(pinned))
    unhashed = [req for req, hashes in entries if not hashes]
    assert unhashed == [], f"pinned without a hash: {unhashed}"
    # every direct dependency is in the lock at the version the human-edited files ask for
    for req in ("requirements.txt", "requirements-test.txt"):
        for name, version in _pins(ROOT / req).items():
            assert pinned.get(name) == version, f"{req} pins {name}=={version}, the lock has {pinned.get(name)}"
    # and every package installed in the project's environment is in the lock (transitive ones too)
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True).stdout
    installed = _pins_from_text(freeze)
    bench = _pins(ROOT / "bench" / "requirements.lock") if (ROOT / "bench" / "requirements.lock").exists() else {}
    missing = {n: v for n, v in installed.items() if n not in pinned and n not in bench and n not in ("pip", "setuptools", "wheel")}
    assert missing == {}, f"installed but not locked: {missing}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--require-hashes .*-r requirements\.lock", makefile)


def _pins_from_text(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if m:
            out[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return out
