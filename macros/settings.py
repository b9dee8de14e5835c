"""The handbook's settings, read from mkdocs.yml once and checked once (plain Python, no MkDocs import).

The command line (``python -m macros check|build|zip``) and the build (``define_env`` in
macros/__init__.py) both call ``load(config_file)``, so ``check`` refuses exactly what the build
would. INHERIT is followed as MkDocs 1.6 does it (mkdocs/utils/yaml.py): the parent is read, the
child is merged over it (mappings merged key by key, at every depth; anything else, lists included,
replaced whole), and every path is then relative to the folder of the file given with ``-f``, even
one that came from the parent: MkDocs rebases nothing, and neither does this.

Every problem is reported as file:line: the line of the setting in whichever file gives it.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, Problem, SettingError

# extra.handbook: every setting a handbook's mkdocs.yml may have (a misspelt one would silently do
# nothing). A new setting is added here, and read and checked below, so check and build agree on it.
KNOWN = ("data_dir", "local_data", "files", "namespace", "contacts", "welcome", "bundle", "page_bundles")
CONTACT_FIELDS = ("role", "name", "how")


# --------------------------------------------------------------------------- reading the files


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml enough for the handbook's settings (MkDocs' own tags read as nothing)."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def shown(path: Path) -> str:
    """A path as the person typed it: relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _duplicate_keys(node: yaml.Node, where: str) -> list[Problem]:
    """Keys given twice in one mapping: MkDocs silently keeps the last, so the first is lost."""
    problems, seen, todo = [], set(), [node]
    while todo:
        n = todo.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            lines: dict = {}
            for key, value in n.value:
                if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                    line = key.start_mark.line + 1
                    if key.value in lines:
                        problems.append(Problem(where, line, f"the setting '{key.value}' is given twice (first on line {lines[key.value]}); "
                                                "MkDocs would silently use only the last one: keep one"))
                    lines.setdefault(key.value, line)
                todo += [key, value]
        elif isinstance(n, yaml.SequenceNode):
            todo += n.value
    return sorted(problems, key=lambda p: p.line)


@dataclass
class ConfigFile:
    """One config file as read: its settings and its YAML nodes (for line numbers)."""

    path: Path
    data: dict
    node: yaml.Node | None

    def line(self, keys: tuple) -> int | None:
        """The line of the setting at ``keys`` (mapping keys and list positions), or None if this file lacks it."""
        node = self.node
        line = None
        for k in keys:
            if isinstance(node, yaml.MappingNode):
                match = next(((kn, vn) for kn, vn in node.value if isinstance(kn, yaml.ScalarNode) and kn.value == str(k)), None)
                if match is None:
                    return None
                line, node = match[0].start_mark.line + 1, match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(k, int) and 0 <= k < len(node.value):
                node = node.value[k]
                line = node.start_mark.line + 1
            else:
                return None
        return line


def read_config(path: Path) -> ConfigFile:
    """One config file, read safely: a clear message for a missing, non-UTF-8 or invalid file."""
    where = shown(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([Problem(where, 1, "the config file does not exist")]) from None
    except OSError as exc:
        raise ConfigError([Problem(where, 1, f"cannot be read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError([Problem(where, line, f"is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8")]) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        problems = _duplicate_keys(node, where) if node is not None else []
        if problems:
            raise ConfigError(problems)
        cfg = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = ", ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        raise ConfigError([Problem(where, mark.line + 1 if mark else 1, f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(where, 1, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if cfg is None:
        cfg = {}
    if not isinstance(cfg, dict):
        raise ConfigError([Problem(where, 1, "should be a mapping of settings (site_name: ..., nav: ...)")])
    return ConfigFile(path, cfg, node)


def _inherits(f: ConfigFile, chain: tuple[Path, ...]) -> Path | None:
    """The file ``f`` INHERITs from (relative to ``f``'s folder, as MkDocs resolves it), checked."""
    parent = f.data.get("INHERIT")
    if parent is None:
        return None
    where = shown(f.path)
    line = f.line(("INHERIT",)) or 1
    if not isinstance(parent, str) or not parent:
        raise ConfigError([Problem(where, line, "INHERIT should name the config file to inherit from")])
    target = Path(os.path.normpath(f.path.parent / parent))
    if target in chain or target == f.path:
        loop = " -> ".join(shown(p) for p in (*chain, f.path, target))
        raise ConfigError([Problem(where, line, f"INHERIT makes a loop ({loop}); a config cannot inherit from itself")])
    if not target.is_file():
        raise ConfigError([Problem(where, line, f"INHERIT names {parent}, which does not exist ({shown(target)})")])
    return target


def config_files(path: Path) -> list[ConfigFile]:
    """The config file and every file it INHERITs from, child first."""
    files: list[ConfigFile] = []
    current: Path | None = Path(os.path.normpath(path))
    while current is not None:
        f = read_config(current)
        files.append(f)
        current = _inherits(f, tuple(x.path for x in files[:-1]))
    return files


def merge(base: Any, over: Any) -> Any:
    """``over`` merged into ``base`` as MkDocs does (mergedeep, REPLACE): mappings key by key at
    every depth, everything else (lists included) replaced whole."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base[k], v) if k in base else v
        return out
    return over


# --------------------------------------------------------------------------- checking the settings


def check_namespace(value) -> str:
    """The storage namespace (extra.handbook.namespace): a kebab-case id, since it is part of the
    localStorage key that keeps two handbooks on one host apart."""
    ns = "handbook" if value is None else value
    if not isinstance(ns, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ns):
        raise SettingError(f"extra.handbook.namespace: {ns!r} is not a valid namespace; expected a kebab-case id "
                           "such as 'llanfair-coaching-handbook', different for each handbook on one web server", ("namespace",))
    return ns


def check_contacts(value, where: str = "extra.handbook.contacts") -> tuple[dict, ...]:
    """A school's contacts: a list of {role, name, how (optional)}; a SettingError (a ValueError)
    names the entry and field that is wrong."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SettingError(f"{where}: expected a list of contacts, each with role, name and (optionally) how", ("contacts",))
    out = []
    for i, c in enumerate(value, 1):
        at = ("contacts", i - 1)
        if not isinstance(c, dict):
            raise SettingError(f"{where}: entry {i}: expected role, name and (optionally) how", at)
        unknown = sorted(set(c) - set(CONTACT_FIELDS), key=str)
        if unknown:
            close = difflib.get_close_matches(str(unknown[0]), CONTACT_FIELDS, n=1)
            tip = f" (did you mean '{close[0]}'?)" if close else ""
            raise SettingError(f"{where}: entry {i}: '{unknown[0]}' is not a known field{tip}; allowed fields: how, name, role",
                               at + (unknown[0],))
        for key in CONTACT_FIELDS:
            if key in c and not (isinstance(c[key], str) and c[key].strip()):
                raise SettingError(f"{where}: entry {i}: '{key}' must be some text", at + (key,))
        for key in ("role", "name"):
            if key not in c:
                raise SettingError(f"{where}: entry {i}: '{key}' is required, e.g. role: Coaching coordinator, name: Ms A. Jones", at)
        out.append({k: " ".join(c[k].split()) for k in CONTACT_FIELDS if k in c})
    return tuple(out)


def check_welcome(value, where: str = "extra.handbook.welcome") -> str:
    """A school's welcome text: plain text (paragraphs separated by a blank line)."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise SettingError(f"{where}: expected some text (paragraphs separated by a blank line), e.g. welcome: |\n"
                           "      Welcome to our school's edition of the handbook. ...", ("welcome",))
    return value.strip()


@dataclass(frozen=True)
class Settings:
    """What the handbook takes from mkdocs.yml (after INHERIT), checked. Paths are absolute."""

    config_file: Path                 # the file given with -f
    config_files: tuple[Path, ...]    # it and every file it INHERITs from, child first
    site_name: str
    docs_dir: Path
    site_dir: Path
    custom_dir: Path | None           # theme.custom_dir
    data_dir: Path
    local_data: tuple[Path, ...]      # a school's own data folders, merged over data_dir
    files: Path | None                # a folder copied into the site as it is (a school's logo)
    namespace: str                    # the localStorage namespace
    contacts: tuple[dict, ...]
    welcome: str
    bundle: bool                      # join the handbook's scripts and styles (macros/bundle.py)
    page_bundles: Any = None          # scripts only some pages load (checked by macros/bundle.page_bundles)

    @property
    def root(self) -> Path:
        """The folder every path is relative to: the config file's (MkDocs' project folder)."""
        return self.config_file.parent


def _name(keys: tuple) -> str:
    """A setting's name as a reader finds it: extra.handbook.local_data (list positions left out)."""
    return ".".join(str(k) for k in keys if not isinstance(k, int))


def load(config: str | Path) -> Settings:
    """Read, merge and check the config file and every file it INHERITs; raises ConfigError
    listing every problem, each with its file and line."""
    config = Path(os.path.abspath(config))
    files = config_files(config)
    cfg: dict = {}
    for f in reversed(files):  # the furthest parent first, each child merged over it
        cfg = merge(cfg, {k: v for k, v in f.data.items() if k != "INHERIT"})
    root = config.parent
    problems: list[Problem] = []

    def where(keys: tuple) -> tuple[str, int]:
        """The file and line that give the setting at ``keys`` (the child's, where both do)."""
        for depth in range(len(keys), 0, -1):
            for f in files:
                line = f.line(keys[:depth])
                if line is not None:
                    return shown(f.path), line
        return shown(config), 1

    def problem(keys: tuple, message: str) -> None:
        problems.append(Problem(*where(keys), message))

    def path_setting(keys: tuple, value, default: str | None) -> Path | None:
        name = _name(keys)
        if value is None:
            value = default
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            problem(keys, f"{name}: expected the name of a folder, relative to {config.name}, got {value!r}")
            return None
        return (root / value).resolve()

    def folder(keys: tuple, value, default: str | None, what: str) -> Path | None:
        p = path_setting(keys, value, default)
        if p is not None and not p.is_dir():
            file, line = where(keys)
            note = ""
            if file != shown(config):
                note = (f" (a path in a file that {config.name} INHERITs is relative to {shown(config)}, as MkDocs reads it: "
                        f"set {_name(keys)} there too)")
            problems.append(Problem(file, line, f"{_name(keys)}: '{value if value is not None else default}' is not a folder "
                                                f"next to {config.name} ({shown(p)}), but {what}{note}; create it, or correct or remove the name"))
        return p

    site_name = cfg.get("site_name")
    if site_name is not None and not isinstance(site_name, str):
        problem(("site_name",), f"site_name: expected some text, got {site_name!r}")
    docs_dir = folder(("docs_dir",), cfg.get("docs_dir"), "docs", "it is the folder of the pages")
    site_dir = path_setting(("site_dir",), cfg.get("site_dir"), "site")
    theme = cfg.get("theme") if isinstance(cfg.get("theme"), dict) else {}
    custom_dir = folder(("theme", "custom_dir"), theme.get("custom_dir"), None, "it is the theme's overrides folder")

    extra = cfg.get("extra")
    hb = extra.get("handbook") if isinstance(extra, dict) else None
    if hb is None:
        hb = {}
    if not isinstance(hb, dict):
        problem(("extra", "handbook"), "extra.handbook: expected the handbook's settings (data_dir: data, namespace: ...)")
        hb = {}
    for key in hb:
        if key not in KNOWN:
            close = difflib.get_close_matches(str(key), KNOWN, n=1)
            tip = f" (did you mean '{close[0]}'?)" if close else ""
            problem(("extra", "handbook", key), f"extra.handbook.{key}: not a known setting{tip}; "
                                                f"known settings: {', '.join(sorted(KNOWN))}")
    data_dir = folder(("extra", "handbook", "data_dir"), hb.get("data_dir"), "data", "it is the handbook's data folder")
    local: list[Path] = []
    raw_local = hb.get("local_data") or []
    if not isinstance(raw_local, list):
        problem(("extra", "handbook", "local_data"), "extra.handbook.local_data: expected a list of folders, e.g. local_data: [data]")
        raw_local = []
    for i, d in enumerate(raw_local):
        p = folder(("extra", "handbook", "local_data", i), d, None, "extra.handbook.local_data names it as a local data folder")
        if p is not None:
            local.append(p)
    files_dir = folder(("extra", "handbook", "files"), hb.get("files"), None,
                       "extra.handbook.files names it as the folder to copy into the site")
    bundle = hb.get("bundle", True)
    if not isinstance(bundle, bool):
        problem(("extra", "handbook", "bundle"), f"extra.handbook.bundle: expected true or false, got {bundle!r}")

    page_bundles = hb.get("page_bundles")
    try:  # checked here too, so that `check` refuses what the build would
        from .bundle import BundleError, page_bundles as check_page_bundles

        scripts = [s if isinstance(s, str) else (s.get("path") if isinstance(s, dict) else None) for s in cfg.get("extra_javascript") or []]
        check_page_bundles(page_bundles, [s for s in scripts if isinstance(s, str)], config.name)
    except BundleError as exc:
        problem(("extra", "handbook", "page_bundles"), str(exc))

    checked: dict[str, Any] = {}
    for key, check in (("namespace", check_namespace), ("contacts", check_contacts), ("welcome", check_welcome)):
        try:
            checked[key] = check(hb.get(key))
        except SettingError as exc:
            problem(("extra", "handbook", *exc.key), str(exc))
    if problems:
        raise ConfigError(problems)
    return Settings(
        config_file=config, config_files=tuple(f.path for f in files), site_name=site_name or "",
        docs_dir=docs_dir, site_dir=site_dir, custom_dir=custom_dir, data_dir=data_dir, local_data=tuple(local),
        files=files_dir, namespace=checked["namespace"], contacts=checked["contacts"], welcome=checked["welcome"],
        bundle=bundle, page_bundles=page_bundles,
    )
