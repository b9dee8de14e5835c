"""The benchmark's capture hook (anchor.make_anchor adds it to the hooks of a scaled copy's config).

It writes each page's Markdown as it is after mkdocs-macros into $HB_BENCH_CAPTURE (the pre-rendered
pages of (b)), and times the handbook's own layer in CPU seconds: the import of macros/ here, and
define_env, the data load and each macro call through ``macros.timing_listeners`` (the hook the
package offers; nothing is patched). The figures go to capture-stats.json beside $HB_BENCH_CAPTURE.
"""
import json
import os
import sys
import time
from pathlib import Path

from mkdocs.plugins import CombinedEvent, event_priority

OUT = Path(os.environ["HB_BENCH_CAPTURE"])
STATS = {"loads": 0, "load_s": 0.0, "renders": 0, "render_s": 0.0, "pages": 0, "define_env_s": 0.0, "page_macros_s": 0.0}
# what macros reports -> (the count, the total) it adds to
HEARD = {"load": ("loads", "load_s"), "macro": ("renders", "render_s"), "define_env": (None, "define_env_s")}

sys.path.insert(0, os.environ["HB_BENCH_PROJECT"])
_t = time.process_time()
import macros  # noqa: E402  (the same module object mkdocs-macros imports: module_name: macros)

STATS["import_s"] = time.process_time() - _t


def _heard(what: str, seconds: float) -> None:
    count, total = HEARD.get(what, (None, None))
    if total is None:
        return
    if count:
        STATS[count] += 1
    STATS[total] += seconds


macros.timing_listeners.append(_heard)
_page_t0 = [0.0]


@event_priority(1000)
def _before_macros(markdown, page, config, files):
    _page_t0[0] = time.process_time()
    return markdown


@event_priority(-1000)
def _after_macros(markdown, page, config, files):
    STATS["page_macros_s"] += time.process_time() - _page_t0[0]
    src = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    front = ""
    if src.startswith("---"):
        end = src.find("\n---", 3)
        if end != -1:
            nl = src.find("\n", end + 1)
            front = src[: nl + 1] if nl != -1 else src[: end + 4] + "\n"
    dest = OUT / page.file.src_uri
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(front + markdown, encoding="utf-8")
    STATS["pages"] += 1
    return markdown


on_page_markdown = CombinedEvent(_before_macros, _after_macros)


def on_post_build(config):
    (OUT.parent / "capture-stats.json").write_text(json.dumps(STATS))
