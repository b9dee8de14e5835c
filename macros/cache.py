"""Where the build keeps what it can reuse next time (plain Python, no MkDocs import).

Jinja's own per-user folder for compiled templates (``_jinja2-cache-<uid>`` in the OS temp dir):
Jinja creates it private to the user and refuses one that another user owns or could write; then
there is no cache and everything is made afresh each build.
"""
from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path


@functools.cache
def private_dir() -> Path | None:
    from jinja2 import FileSystemBytecodeCache

    try:
        return Path(FileSystemBytecodeCache().directory)
    except (OSError, RuntimeError):
        return None


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside it, then rename: a reader never sees half a file. Only a
    cache, so a failure is ignored."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
