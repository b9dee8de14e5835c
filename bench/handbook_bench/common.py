"""What every section of the benchmark uses: paths, logging, YAML and size helpers."""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
GZIP_LEVEL = 6  # what a typical web server's gzip sends


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml ignoring MkDocs' own tags (!ENV, !!python/name:...)."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}


def read_data(path: Path) -> tuple[str, dict]:
    text = path.read_text(encoding="utf-8")
    head = text.splitlines()[0] + "\n" if text.startswith("#") else ""
    return head, yaml.safe_load(text)


def write_data(path: Path, head: str, data: dict) -> None:
    path.write_text(head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")


def dir_size(d: Path) -> int:
    return sum(f.stat().st_size for f in d.rglob("*") if f.is_file())


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
