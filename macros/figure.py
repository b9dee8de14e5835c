"""The figure component's layout (no MkDocs import): where a cycle's stages and a Venn diagram's
sets are drawn, and how an SVG label wraps.

A figure shows one of the handbook's lists (data/lists.yml and the other list files) on a page:
``{{ figure("list-id") }}``. Its markup is in ``templates/figure/``, one ``list-KIND.html`` for each
kind of list, with the parts they share (caption, intro, items, outro, a cycle's drawing).
"""
from __future__ import annotations

import math


def wrap_lines(value: str, width: int = 16) -> list[str]:
    """Greedy word wrap for SVG labels."""
    words, lines, cur = value.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    return lines


def cycle_layout(n: int, size: int = 500, radius: float = 170, node_r: float = 76) -> dict:
    """Positions of n nodes round a circle, clockwise from the top, and arcs between them. A node is
    wide enough for its stage's name in up to four lines of 14 characters (figure/list-cycle.html)."""
    c = size / 2
    nodes = []
    for i in range(n):
        a = -math.pi / 2 + 2 * math.pi * i / n
        nodes.append({"x": round(c + radius * math.cos(a), 1), "y": round(c + radius * math.sin(a), 1)})
    arcs = []
    gap = math.asin(min(0.99, (node_r + 10) / (2 * radius))) * 2  # angle the node covers
    for i in range(n):
        a0 = -math.pi / 2 + 2 * math.pi * i / n + gap / 2 + 0.06
        a1 = -math.pi / 2 + 2 * math.pi * (i + 1) / n - gap / 2 - 0.06
        if a1 <= a0:
            continue
        p0 = (c + radius * math.cos(a0), c + radius * math.sin(a0))
        p1 = (c + radius * math.cos(a1), c + radius * math.sin(a1))
        arcs.append(f"M {p0[0]:.1f} {p0[1]:.1f} A {radius} {radius} 0 0 1 {p1[0]:.1f} {p1[1]:.1f}")
    return {"size": size, "nodes": nodes, "arcs": arcs, "r": node_r}


def venn_parts(lst: dict) -> dict:
    sets = [it for it in lst["items"] if it["id"] not in ("shared", "less-overlap")]
    shared = next((it for it in lst["items"] if it["id"] == "shared"), None)
    less = next((it for it in lst["items"] if it["id"] == "less-overlap"), None)
    centres = [(170, 150), (290, 150), (230, 250)]
    return {"sets": list(zip(sets, centres)), "shared": shared, "less": less}
