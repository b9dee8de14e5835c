"""The README's screenshots (scripts/screenshots.py, `make screenshots`) can still be taken: every page
it photographs, every control it fills and every place it scrolls to is there, no page has a script
error, and each picture is a PNG of the screen's size, small enough for a README."""
from __future__ import annotations

import struct
import sys
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import screenshots  # noqa: E402


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    return struct.unpack(">II", head[16:24])


def test_the_readme_screenshots_can_be_taken(served, browser, tmp_path):
    made = screenshots.take(browser, served, tmp_path)
    assert [p.name for p in made] == [name for name, _, _ in screenshots.SHOTS]
    for (name, screen, _), path in zip(screenshots.SHOTS, made):
        assert png_size(path) == (screen["width"], screen["height"]), name
        assert 10_000 < path.stat().st_size < 300_000, (name, path.stat().st_size)
    # the ones in the repository are the same pictures (same names and sizes)
    committed = sorted(p.name for p in (ROOT / "docs" / "screenshots").glob("*.png"))
    assert committed == sorted(p.name for p in made)
    for p in made:
        assert png_size(ROOT / "docs" / "screenshots" / p.name) == png_size(p)
