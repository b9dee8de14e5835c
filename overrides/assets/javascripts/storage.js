/* hb.storage: the one module that touches the browser's storage.
 *
 * One versioned document per handbook, under a namespace from mkdocs.yml (extra.handbook.namespace):
 *   area["hb:<namespace>:answers"] = {"format": FORMAT, "version": 2, "handbook": <namespace>,
 *                                     "updated": ISO, "rev": n, "answers": {key: value}}
 * A value is text, true (a ticked box) or a list of rows ({id, <column>: text}). Every key the
 * handbook stores starts with "hb:<namespace>:" (answers, backups), so all of it can be found.
 *
 * The area is localStorage, or what hb.privacy.area() chooses (sessionStorage on a shared computer).
 * Nothing is sent anywhere. If storage is unavailable, answers live in memory for the visit.
 *
 * Several tabs: a save reads the stored document, changes only the keys this tab changed and writes
 * it back; the `storage` event brings every open tab up to date; "Clear all" writes the whole
 * document, so it is final in every tab. A stored document that cannot be read, or that a newer
 * version wrote, is kept aside once under a backup key (same content, same key) and never silently
 * discarded; a single value that cannot be used (e.g. longer than the limit) is set aside the same
 * way, and the other answers load as usual. */
(function () {
  "use strict";

  var VERSION = 2;
  var FORMAT = "coaching-mentoring-handbook-answers";
  /* Generous bounds: a browser keeps about 5 MB per site, so no real export is larger; they stop a
   * wrong or hostile file, never a practitioner's own answers (even a handbook scaled x100). */
  var MAX_IMPORT_BYTES = 5 * 1024 * 1024;
  var MAX_KEYS = 100000;
  var ui = window.hb.ui;
  var ns = window.hb.namespace();
  var PREFIX = "hb:" + ns + ":";
  var KEY = PREFIX + "answers";
  var BACKUP = PREFIX + "backup:";
  /* The longest answer the handbook keeps: one constant (macros/self_check.py MAX_ANSWER_CHARS),
   * written by the build into a meta tag and into every text control's maxlength. */
  var MAX_TEXT = (function () {
    var m = document.querySelector('meta[name="hb-max-answer-chars"]');
    var n = m ? parseInt(m.getAttribute("content"), 10) : NaN;
    return n > 0 ? n : null;
  })();
  var own = Object.prototype.hasOwnProperty;
  var answers = dict();
  var dirty = dict();     /* keys changed in this tab and not yet written */
  var ls = null;
  var problem = null;     /* null | "unavailable" | "quota" | "corrupt" | "newer" | "set-aside" | "backup-failed" */
  var backupKey = null;
  var asideKeys = [];
  var timer = null;
  var changes = window.hb.listeners();   /* fn(source): "set" | "replace" | "backups" */
  var saves = window.hb.listeners();     /* fn(ok): after each write */

  /* Maps keyed by answer ids: no prototype, so "constructor" or "__proto__" is an id like any other. */
  function dict() { return Object.create(null); }
  function has(o, k) { return own.call(o, k); }
  function keysOf(o) { return Object.keys(o); }

  function clone(v) {
    if (Array.isArray(v)) return v.map(clone);
    if (v && typeof v === "object") {
      var o = dict();
      keysOf(v).forEach(function (k) { o[k] = clone(v[k]); });
      return o;
    }
    return v;
  }

  function probe() {
    try {
      var s = (window.hb.privacy && window.hb.privacy.area) ? window.hb.privacy.area() : window.localStorage;
      var t = PREFIX + "probe";
      s.setItem(t, "1");
      s.removeItem(t);
      return s;
    } catch (e) {
      return null;
    }
  }

  function tooLong(s) { return MAX_TEXT !== null && s.length > MAX_TEXT; }

  /* Why one stored value cannot be used: null if it can, "long" or "shape". */
  function badValue(v) {
    if (typeof v === "string") return tooLong(v) ? "long" : null;
    if (v === true) return null;
    if (!Array.isArray(v)) return "shape";
    var why = null;
    v.forEach(function (r) {
      if (!r || typeof r !== "object" || Array.isArray(r) || typeof r.id !== "string") { why = "shape"; return; }
      keysOf(r).forEach(function (c) {
        if (typeof r[c] !== "string") why = "shape";
        else if (tooLong(r[c]) && !why) why = "long";
      });
    });
    return why;
  }

  function badKey(k) { return k.length > 300 || !/^[A-Za-z0-9_$][A-Za-z0-9_$.-]*$/.test(k); }

  /* A text of storage.js's, from the catalogue (data/ui.yml, storage: script:, on the page's footer). */
  function say(name, values) { return window.hb.text(null, name, values); }
  function number(n) { return n.toLocaleString(document.documentElement.lang || undefined); }
  function quoted(k) { return say("quoted-key", { key: String(k).slice(0, 80) }); }

  /* Import: {error} if the file is not a set of answers; else the answers to import and the keys
   * of answers too long to keep (an export made before the limit), which are left out. */
  function checkAnswers(a) {
    var keys = keysOf(a), out = dict(), tooLongKeys = [];
    if (keys.length > MAX_KEYS) return { error: say("import-too-many") };
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (badKey(k)) return { error: say("import-bad-key", { key: quoted(k.slice(0, 60)) }) };
      var why = badValue(a[k]);
      if (why === "long") { tooLongKeys.push(k); continue; }
      if (why) return { error: say("import-bad-value", { key: quoted(k) }) };
      out[k] = clone(a[k]);
    }
    return { answers: out, tooLong: tooLongKeys };
  }

  /* Loading: the usable answers, and the keys of the values set aside. */
  function sortAnswers(a) {
    var out = dict(), aside = [];
    keysOf(a).forEach(function (k) {
      if (badKey(k) || badValue(a[k])) aside.push(k); else out[k] = clone(a[k]);
    });
    return { answers: out, aside: aside };
  }

  /* One step per older version: migrate(doc) turns a document of any version into the current one. */
  var MIGRATIONS = {
    /* 1 -> 2: version 1 (2026) stored {version, handbook, updated, answers}. Version 2 adds the
     * format name (so a stored document or a backup is itself an importable export) and a write
     * counter `rev`. Answers are unchanged. */
    1: function (d) {
      return { format: FORMAT, version: 2, handbook: d.handbook, updated: d.updated, rev: 0, answers: d.answers };
    }
  };

  function migrate(doc) {
    var d = doc;
    while (d.version < VERSION) {
      var step = MIGRATIONS[d.version];
      if (!step) throw new Error("no migration from version " + d.version);
      d = step(d);
    }
    return d;
  }

  /* Why a stored or imported document cannot be used at all: null if it can; else its kind and
   * the import message's name in the catalogue (import-...) with its values. */
  function checkHead(doc) {
    function no(kind, text, values) { return { kind: kind, text: "import-" + text, values: values }; }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) return no("shape", "not-answers");
    if (typeof doc.version !== "number") return no("shape", "no-version");
    if (doc.version !== Math.floor(doc.version) || doc.version < 1) return no("shape", "bad-version", { version: doc.version });
    if (doc.version > VERSION) return no("newer", "newer", { version: doc.version });
    if (has(doc, "format") && doc.format !== FORMAT) return no("shape", "wrong-format", { format: quoted(doc.format) });
    if (!has(doc, "format") && doc.version >= 2) return no("shape", "no-format");
    if (doc.handbook !== ns) return no("other", "other-handbook", { theirs: quoted(doc.handbook), ours: quoted(ns) });
    var a = doc.answers;
    if (!a || typeof a !== "object" || Array.isArray(a)) return no("shape", "no-answers");
    return null;
  }

  /* Parse a stored document's text: {answers, aside, rev} or {kind: "corrupt" | "newer"}. */
  function parseStored(raw) {
    var doc;
    try { doc = JSON.parse(raw); } catch (e) { return { kind: "corrupt" }; }
    var why = checkHead(doc);
    if (why) return { kind: why.kind === "newer" ? "newer" : "corrupt" };
    try { doc = migrate(doc); } catch (e) { return { kind: "corrupt" }; }
    var sorted = sortAnswers(doc.answers);
    return { answers: sorted.answers, aside: sorted.aside, rev: typeof doc.rev === "number" ? doc.rev : 0 };
  }

  /* A short fingerprint of a text (FNV-1a), so the same content always finds the same backup. */
  function fingerprint(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ("0000000" + h.toString(16)).slice(-8);
  }

  function backupKeys() { return window.hb.keysIn(ls, BACKUP).sort(); }

  /* Keep `raw` aside once: a backup with the same content is reused, never copied again. */
  function keepAside(raw) {
    var fp = fingerprint(raw);
    var same = backupKeys().filter(function (k) {
      var tail = k.slice(k.lastIndexOf(":") + 1);
      return (tail === fp || !/^[0-9a-f]{8}$/.test(tail)) && ls.getItem(k) === raw;
    });
    if (same.length) { backupKey = same[0]; return true; }
    var key = BACKUP + new Date().toISOString().replace(/[:.]/g, "-") + ":" + fp;
    try {
      ls.setItem(key, raw);
      backupKey = key;
      notify("backups");
      return true;
    } catch (e) {
      return false;
    }
  }

  /* The stored answers as they are now, with anything unusable kept aside first.
   * null: the stored document is unusable and could not be copied aside, so it must not be written over. */
  function readStored() {
    var raw = ls.getItem(KEY);
    if (raw === null) return { answers: dict(), rev: 0, kind: null, aside: [] };
    var got = parseStored(raw);
    if (got.kind) return keepAside(raw) ? { answers: dict(), rev: 0, kind: got.kind, aside: [] } : null;
    if (got.aside.length && !keepAside(raw)) return null;
    return { answers: got.answers, rev: got.rev, kind: got.aside.length ? "set-aside" : null, aside: got.aside };
  }

  function load() {
    answers = dict();
    var base;
    try { base = readStored(); } catch (e) { ls = null; problem = "unavailable"; return; }
    if (!base) { problem = "backup-failed"; ls = null; return; }
    answers = base.answers;
    asideKeys = base.aside;
    if (base.kind) problem = base.kind;
  }

  function same(a, b) { return JSON.stringify(pairs(a)) === JSON.stringify(pairs(b)); }
  function pairs(o) { return keysOf(o).sort().map(function (k) { return [k, o[k]]; }); }

  /* Write to storage: `whole` writes this tab's answers as they are (clear, import); otherwise
   * only the keys this tab changed go into the document as stored now. */
  function write(whole) {
    timer = null;
    if (!ls) return false;
    var base;
    try { base = readStored(); } catch (e) { base = undefined; }
    if (base === null) {
      problem = "backup-failed";
      ls = null;
      banner();
      saves.fire(false);
      return false;
    }
    var next;
    if (whole) next = clone(answers);
    else {
      next = base ? base.answers : clone(answers);
      keysOf(dirty).forEach(function (k) { if (has(answers, k)) next[k] = clone(answers[k]); else delete next[k]; });
    }
    try {
      ls.setItem(KEY, JSON.stringify({
        format: FORMAT, version: VERSION, handbook: ns, updated: new Date().toISOString(),
        rev: (base ? base.rev : 0) + 1, answers: next
      }));
    } catch (e) {
      problem = "quota";
      banner();
      saves.fire(false);
      return false;
    }
    dirty = dict();
    var changed = !same(answers, next);
    answers = next;
    if (problem === "quota") { problem = null; banner(); }
    if (changed) notify("replace");
    saves.fire(true);
    return true;
  }

  /* Another tab wrote (or the tab came back into view): take the stored answers, keeping this
   * tab's unsaved changes on top of them. */
  function sync() {
    if (!ls) return;
    var base;
    try { base = readStored(); } catch (e) { return; }
    if (!base) return;
    var next = base.answers;
    keysOf(dirty).forEach(function (k) { if (has(answers, k)) next[k] = answers[k]; else delete next[k]; });
    if (same(answers, next)) return;
    answers = next;
    notify("replace");
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () { write(false); }, 400);
  }

  function flush() { if (timer) { clearTimeout(timer); write(false); } }

  function isEmpty(v) {
    return v === undefined || v === null || v === false || v === "" || (Array.isArray(v) && v.length === 0);
  }

  function notify(source) { changes.fire(source); }

  function download(name, type, text) {
    var blob = new Blob([text], { type: type });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function exportDoc(manifestVersion) {
    var doc = { format: FORMAT, version: VERSION, handbook: ns, exported: new Date().toISOString() };
    if (manifestVersion !== undefined) doc.manifest = manifestVersion;
    doc.answers = clone(answers);
    return doc;
  }

  function downloadAll(manifestVersion) {
    download("learning-record-" + ns + "-" + window.hb.today() + ".json", "application/json", JSON.stringify(exportDoc(manifestVersion), null, 2));
  }

  var OFFER_DOWNLOAD = { unavailable: true, quota: true, "backup-failed": true };

  /* "'a', 'b', 'c' and 2 more": the first three keys of a list, for a message. */
  function keyNames(keys) {
    var first = keys.slice(0, 3).map(quoted).join(", ");
    return keys.length > 3 ? say("keys-more", { keys: first, count: keys.length - 3 }) : first;
  }

  /* The banner's text for the problem now (data/ui.yml, storage: script: banner-...). */
  function message() {
    var values = { backup: backupKey ? quoted(backupKey) : say("backup-unnamed"), keys: keyNames(asideKeys) };
    if (problem === "set-aside") return window.hb.plural(null, "banner-set-aside", asideKeys.length, values);
    return say("banner-" + problem, values);
  }

  /* A banner at the top of the page when answers are not being kept as usual. */
  function banner() {
    var host = document.querySelector(".md-content__inner");
    if (!host) return;
    var el = host.querySelector(".hb-banner");
    if (!problem) { if (el) el.remove(); return; }
    if (!el) {
      el = host.insertBefore(ui.el("div", "hb-banner"), host.firstChild);
      el.setAttribute("role", "alert");
    }
    if (el.getAttribute("data-hb-problem") === problem) return;
    el.setAttribute("data-hb-problem", problem);
    ui.paras(el, OFFER_DOWNLOAD[problem] ? [message(), say("banner-download-hint")] : [message()]);
    if (OFFER_DOWNLOAD[problem]) {
      el.appendChild(ui.button(say("banner-download"), function () { downloadAll(); }, "hb-banner__download"))
        .setAttribute("data-hb-download-all", "");
    }
  }

  ls = probe();
  if (ls) load(); else problem = "unavailable";
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(); else sync();
  });
  window.addEventListener("storage", function (e) {
    if (!ls || e.storageArea !== ls) return;
    if (e.key === KEY || e.key === null) sync();
    if (e.key === null || (e.key && e.key.indexOf(BACKUP) === 0)) notify("backups");
  });

  function parseDoc(text, manifestVersion) {
    var doc;
    try { doc = JSON.parse(text); } catch (e) { return { error: say("import-not-json") }; }
    var why = checkHead(doc);
    if (why) return { error: say(why.text, why.values) };
    if (has(doc, "manifest") && manifestVersion !== undefined) {
      if (typeof doc.manifest !== "number") return { error: say("import-no-prompt-version") };
      if (doc.manifest > manifestVersion) return { error: say("import-newer-prompts", { version: doc.manifest }) };
    }
    try { doc = migrate(doc); } catch (e) { return { error: say("import-cannot-convert", { version: doc.version }) }; }
    return checkAnswers(doc.answers);
  }

  window.hb.storage = {
    VERSION: VERSION,
    FORMAT: FORMAT,
    MAX_IMPORT_BYTES: MAX_IMPORT_BYTES,
    MAX_TEXT: MAX_TEXT,
    /* What a list of too-long answers left out of an import is told as (null if none). */
    tooLongNote: function (keys, where) {
      if (!keys || !keys.length) return null;
      return window.hb.plural(null, "too-long", keys.length, { max: MAX_TEXT === null ? "" : number(MAX_TEXT), keys: keyNames(keys) }) +
        " " + where;
    },
    key: KEY,
    prefix: PREFIX,
    namespace: ns,
    persistent: function () { return !!ls; },
    problem: function () { return problem; },
    get: function (key) { return has(answers, key) ? answers[key] : undefined; },
    /* Every answer, as a copy without a prototype (so any id is just a key). */
    all: function () { return clone(answers); },
    set: function (key, value) {
      /* The same value again (e.g. the change event after typing) is no change: it must not
       * write an answer another tab has cleared since back into the document. */
      var before = has(answers, key) ? answers[key] : undefined;
      if (isEmpty(value) ? before === undefined : JSON.stringify(before) === JSON.stringify(value)) return false;
      if (isEmpty(value)) delete answers[key]; else answers[key] = value;
      dirty[key] = true;
      schedule();
      notify("set");
      return true;
    },
    /* Replace every answer (import, clear, restore); saved at once, final in every tab. */
    replace: function (next) {
      answers = clone(next || {});
      dirty = dict();
      if (timer) { clearTimeout(timer); timer = null; }
      var ok = write(true);
      notify("replace");
      return ok;
    },
    /* Bring this tab up to date with what is stored (other tabs' saves). */
    sync: sync,
    /* Read the stored document from the area again, as on load (the area may have changed, e.g.
     * hb.privacy switched to a shared-computer mode or removed everything), forgetting this tab's
     * unsaved changes, and tell every form and the record. */
    reload: function () {
      if (timer) { clearTimeout(timer); timer = null; }
      dirty = dict();
      problem = null;
      backupKey = null;
      asideKeys = [];
      ls = probe();
      if (ls) load(); else { answers = dict(); problem = "unavailable"; }
      banner();
      notify("replace");
      notify("backups");
    },
    migrate: function (doc) { return migrate(doc); },
    flush: flush,
    /* fn(source) after every change ("set", "replace", "backups"); returns its unsubscribe. */
    onChange: changes.add,
    /* fn(ok) after every write; returns its unsubscribe. */
    onSaved: saves.add,
    banner: banner,
    download: download,
    downloadAll: downloadAll,
    /* The export document: what "Export answers" downloads and "Import answers" reads. */
    exportDoc: exportDoc,
    /* Parse an imported file's text: {answers} or {error: message}. Never touches stored answers. */
    parseImport: function (text, manifestVersion) {
      if (text.length > MAX_IMPORT_BYTES) return { error: say("import-too-large") };
      return parseDoc(text, manifestVersion);
    },
    /* Backups kept aside in this browser: [{key, size, when, text}] (newest last). */
    backups: function () {
      return backupKeys().map(function (k) {
        var text = ls.getItem(k) || "";
        var stamp = k.slice(BACKUP.length).split(":")[0];
        var m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z$/.exec(stamp);
        var when = m ? new Date(m[1] + "T" + m[2] + ":" + m[3] + ":" + m[4] + "." + m[5] + "Z") : null;
        var got = parseStored(text);
        var kind = got.kind || (got.aside.length ? "set-aside" : "readable");
        return { key: k, size: text.length, when: when, kind: kind, text: text };
      });
    },
    removeBackup: function (key) {
      if (!ls || key.indexOf(BACKUP) !== 0) return false;
      try { ls.removeItem(key); } catch (e) { return false; }
      notify("backups");
      return true;
    }
  };

  window.hb.onPage(banner);
})();
