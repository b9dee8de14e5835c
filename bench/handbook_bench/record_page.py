"""Step 5: the learning record (record.html) with every field of its manifest answered in
localStorage, its scripts timed in chromium (sampling profiler, long animation frames) per source."""
from __future__ import annotations

import json
import statistics
from urllib.parse import urlparse

from .browser import Browser


LOAF_INIT = """
window.__hbBench = {loaf: [], longtasks: []};
try { new PerformanceObserver(l => { for (const e of l.getEntries()) window.__hbBench.loaf.push({
    duration: e.duration, blocking: e.blockingDuration,
    scripts: e.scripts.map(s => ({url: s.sourceURL, fn: s.sourceFunctionName, invoker: s.invoker,
                                 duration: s.duration, forcedStyleAndLayout: s.forcedStyleAndLayoutDuration}))}) })
  .observe({type: 'long-animation-frame', buffered: true}); } catch (e) {}
try { new PerformanceObserver(l => { for (const e of l.getEntries()) window.__hbBench.longtasks.push(e.duration) })
  .observe({type: 'longtask', buffered: true}); } catch (e) {}
"""


def classify(url: str) -> str:
    path = urlparse(url).path
    if "/assets/javascripts/bundle." in path:
        return "material"
    if "/assets/javascripts/workers/" in path or "/assets/javascripts/lunr/" in path or "/search/" in path:
        return "search"
    if "/assets/javascripts/" in path:
        return "own"
    if "/assets/vendor/" in path:
        return "vendor"
    if path.endswith(".html") or path.endswith("/"):
        return "inline"
    return "other" if url else "(native)"


def profile_self_time(profile: dict) -> dict[str, float]:
    """Self time (ms) per script class from a CDP sampling profile."""
    by_id = {n["id"]: n for n in profile["nodes"]}
    out: dict[str, float] = {}
    samples, deltas = profile.get("samples", []), profile.get("timeDeltas", [])
    for i, sid in enumerate(samples):
        dt = deltas[i + 1] if i + 1 < len(deltas) else 0
        node = by_id[sid]
        fn = node["callFrame"]["functionName"]
        if fn in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            cls = fn
        else:
            cls = classify(node["callFrame"]["url"])
        out[cls] = out.get(cls, 0.0) + dt / 1000.0
    return out


def record_page(br: Browser, base: str, namespace: str, runs: int) -> dict:
    """The learning record with every manifest field answered: script time per source, median of runs."""
    ctx = br.context()
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "record.html", wait_until="load")
    manifest = page.evaluate("() => { const e = document.getElementById('hb-manifest'); return e ? JSON.parse(e.content.textContent) : null }")
    if manifest is None:
        ctx.close()
        return {"skipped": "record.html has no <template id=hb-manifest>"}
    fields = manifest_fields(manifest)
    answers = {field_key(f): answer_for(f, i) for i, f in enumerate(fields)}
    kinds: dict[str, int] = {}
    for f in fields:
        kinds[str(f.get("type"))] = kinds.get(str(f.get("type")), 0) + 1
    key = f"hb:{namespace}:answers"
    # Store every answer. If the page's storage refuses the set (it keeps a backup and starts empty),
    # find (to within 2%) the most answers it accepts, measure with those, and say so.
    everything = list(answers.items())

    def accepted(count: int) -> dict:
        payload = json.dumps({"version": 1, "handbook": namespace, "answers": dict(everything[:count])})
        page.evaluate("([k, v]) => { localStorage.clear(); localStorage.setItem(k, v); }", [key, payload])
        page.reload(wait_until="load")
        page.wait_for_load_state("networkidle")
        st = page.evaluate("""() => { const s = window.hb && window.hb.storage;
            return {problem: s && s.problem ? s.problem() : null, stored: s && s.all ? Object.keys(s.all()).length : null,
                    backups: Object.keys(localStorage).filter(k => k.includes(':backup:')).length}; }""")
        st["ok"] = not st["problem"] and not st["backups"]
        return st

    refused = []
    state = accepted(len(everything))
    if not state["ok"]:
        refused.append({"answers": len(everything), "problem": state["problem"]})
        lo, hi = 0, len(everything)
        while hi - lo > max(1, hi // 50):
            mid = (lo + hi) // 2
            if accepted(mid)["ok"]:
                lo = mid
            else:
                hi = mid
        state = accepted(lo)
        answers = dict(everything[:lo])
        refused[-1]["most_accepted"] = lo
    payload = json.dumps({"version": 1, "handbook": namespace, "answers": answers})
    page.add_init_script(LOAF_INIT)
    cdp = ctx.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 100})  # microseconds
    per_run = []
    for _ in range(runs):
        cdp.send("Profiler.start")
        cdp.send("Performance.enable")
        page.reload(wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        prof = cdp.send("Profiler.stop")["profile"]
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        cdp.send("Performance.disable")
        perf = page.evaluate("""() => {
            const nav = performance.getEntriesByType('navigation')[0];
            const res = performance.getEntriesByType('resource').filter(r => r.initiatorType === 'script')
                .map(r => ({url: r.name, duration: r.duration, size: r.encodedBodySize}));
            return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, resources: res,
                    loaf: window.__hbBench.loaf, longtasks: window.__hbBench.longtasks};
        }""")
        loaf_by: dict[str, float] = {}
        for fr in perf["loaf"]:
            for s in fr["scripts"]:
                cls = classify(s["url"])
                loaf_by[cls] = loaf_by.get(cls, 0.0) + s["duration"]
        shown = page.evaluate("""(marker) => {
            let n = 0;
            for (const el of document.querySelectorAll('input, textarea, select')) if ((el.value || '').includes(marker)) n++;
            const text = document.body.innerText; let i = -1;
            while ((i = text.indexOf(marker, i + 1)) !== -1) n++;
            return n; }""", "bench answer ")
        per_run.append({"profile_ms": profile_self_time(prof), "loaf_ms": loaf_by, "longtasks_ms": sum(perf["longtasks"]),
                        "script_duration_ms": metrics.get("ScriptDuration", 0) * 1000,
                        "task_duration_ms": metrics.get("TaskDuration", 0) * 1000,
                        "dcl_ms": perf["dcl"], "load_ms": perf["load"], "answers_shown": shown})
    ctx.close()

    def med(get):
        return statistics.median(get(r) for r in per_run)

    return {
        "fields": len(fields), "field_types": kinds, "answers": len(answers), "refused": refused, "stored": state["stored"],
        "text_answers": sum(1 for v in answers.values() if isinstance(v, str) and v.startswith("bench answer ")),
        "payload_bytes": len(payload), "runs": len(per_run),
        "own_ms": med(lambda r: r["profile_ms"].get("own", 0.0)),
        "material_ms": med(lambda r: r["profile_ms"].get("material", 0.0)),
        "inline_ms": med(lambda r: r["profile_ms"].get("inline", 0.0)),
        "own_loaf_ms": med(lambda r: r["loaf_ms"].get("own", 0.0)),
        "material_loaf_ms": med(lambda r: r["loaf_ms"].get("material", 0.0)),
        "script_duration_ms": med(lambda r: r["script_duration_ms"]),
        "longtasks_ms": med(lambda r: r["longtasks_ms"]),
        "load_ms": med(lambda r: r["load_ms"]),
        "answers_shown": med(lambda r: r["answers_shown"]),
        "page_errors": errors[:5],
        "per_run": per_run,
    }


def field_key(f: dict) -> str | None:
    k = f.get("key", f.get("id"))
    return k if isinstance(k, str) else None


def manifest_fields(manifest) -> list[dict]:
    """Every field the manifest lists: the dicts in any ``fields`` list, each named by its key (or id)."""
    found: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "fields" and isinstance(v, list):
                    found.extend(f for f in v if isinstance(f, dict) and field_key(f))
                    found.extend({"key": f} for f in v if isinstance(f, str))
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(manifest)
    seen, out = set(), []
    for f in found:
        if field_key(f) not in seen:
            seen.add(field_key(f))
            out.append(f)
    return out


def answer_for(field: dict, i: int):
    """A plausible answer for a field of the manifest; text for any type not known here."""
    kind = str(field.get("type") or "")
    opts = field.get("options") or field.get("choices")
    if kind in ("check", "checkbox", "boolean"):
        return True
    if isinstance(opts, list) and opts:
        o = opts[i % len(opts)]
        return o.get("id", o.get("value")) if isinstance(o, dict) else o
    if kind == "date":
        return "2026-01-15"
    if kind in ("rank", "number"):
        return str(i % 9 + 1)
    return f"bench answer {i}: a note written while reading, long enough to be realistic for a practitioner."


def record_linearity(rec: dict) -> dict | None:
    """Own script time per answer and per field at each scale, and how it grew between the two largest."""
    pts = sorted((int(s), r) for s, r in rec.items() if isinstance(r, dict) and "own_ms" in r)
    if len(pts) < 2:
        return None
    (_, lo), (_, hi) = pts[-2], pts[-1]
    return {
        "per_scale": [{"scale": s, "fields": r["fields"], "answers": r["answers"], "own_ms": r["own_ms"],
                       "ms_per_answer": r["own_ms"] / max(1, r["answers"]), "ms_per_field": r["own_ms"] / max(1, r["fields"])}
                      for s, r in pts],
        "from": pts[-2][0], "to": pts[-1][0],
        "answers_ratio": hi["answers"] / max(1, lo["answers"]), "fields_ratio": hi["fields"] / max(1, lo["fields"]),
        "time_ratio": hi["own_ms"] / max(1e-9, lo["own_ms"]),
    }
