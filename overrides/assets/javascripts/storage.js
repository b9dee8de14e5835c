/* hb.storage: the one module that touches localStorage.
 *
 * One versioned document per handbook, under a namespace from mkdocs.yml (extra.handbook.namespace):
 *   localStorage["hb:<namespace>:answers"] = {"version": 1, "handbook": <namespace>, "updated": ISO, "answers": {key: value}}
 * A value is text, true (a ticked box) or a list of rows ({id, <column>: text}).
 * Nothing is sent anywhere. If storage is unavailable, answers live in memory for the visit. A stored
 * document that cannot be read, or that a newer version wrote, is kept aside under a backup key and
 * never silently discarded. */
(function () {
  "use strict";

  var VERSION = 1;
  var FORMAT = "coaching-mentoring-handbook-answers";
  /* Generous bounds: a browser keeps about 5 MB per site, so no real export is larger; they stop a
   * wrong or hostile file, never a practitioner's own answers (even a handbook scaled ×100). */
  var MAX_IMPORT_BYTES = 5 * 1024 * 1024;
  var MAX_KEYS = 100000;
  var MAX_TEXT = 200000;
  var ns = window.hb.namespace();
  var KEY = "hb:" + ns + ":answers";
  var answers = {};
  var ls = null;
  var problem = null;      /* null | "unavailable" | "quota" | "corrupt" | "newer" | "backup-failed" */
  var backupKey = null;
  var timer = null;
  var listeners = [];
  var savedListeners = [];

  function probe() {
    try {
      /* hb.privacy (privacy.js) picks the area: sessionStorage on a shared computer. */
      var s = (window.hb.privacy && window.hb.privacy.area) ? window.hb.privacy.area() : window.localStorage;
      var t = "hb:" + ns + ":probe";
      s.setItem(t, "1");
      s.removeItem(t);
      return s;
    } catch (e) {
      return null;
    }
  }

  function isRow(r) {
    if (!r || typeof r !== "object" || Array.isArray(r) || typeof r.id !== "string") return false;
    for (var k in r) {
      if (Object.prototype.hasOwnProperty.call(r, k) && (typeof r[k] !== "string" || r[k].length > MAX_TEXT)) return false;
    }
    return true;
  }

  /* Returns an error message, or null if `a` is a valid answers object. */
  function checkAnswers(a) {
    if (!a || typeof a !== "object" || Array.isArray(a)) return "it has no answers object";
    var keys = Object.keys(a);
    if (keys.length > MAX_KEYS) return "it has far more answers than this handbook has fields";
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i], v = a[k];
      if (k.length > 300 || !/^[a-z0-9][a-z0-9.-]*$/.test(k)) return "it has an answer under a key the handbook never uses ('" + k.slice(0, 60) + "')";
      if (typeof v === "string") { if (v.length > MAX_TEXT) return "the answer to '" + k + "' is too long"; continue; }
      if (v === true) continue;
      if (Array.isArray(v) && v.every(isRow)) continue;
      return "the answer to '" + k + "' is not text, a tick or a list of rows";
    }
    return null;
  }

  /* Why a stored or imported document cannot be used as it is: null if it can. */
  function checkDoc(doc) {
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) return { kind: "shape", text: "it is not a saved set of answers" };
    if (typeof doc.version !== "number") return { kind: "shape", text: "it has no version number" };
    if (doc.version > VERSION) return { kind: "newer", text: "it was made by a newer version of the handbook (version " + doc.version + ")" };
    if (doc.handbook !== ns) return { kind: "other", text: "it belongs to another handbook ('" + String(doc.handbook).slice(0, 80) + "'), not this one ('" + ns + "')" };
    var why = checkAnswers(doc.answers);
    return why ? { kind: "shape", text: why } : null;
  }

  function keepAside(raw, kind) {
    var stamp = new Date().toISOString().replace(/[:.]/g, "-");
    backupKey = "hb:" + ns + ":backup:" + stamp;
    try {
      ls.setItem(backupKey, raw);
      problem = kind;
    } catch (e) {
      /* Could not copy it aside: leave the original where it is and do not write over it. */
      backupKey = null;
      problem = "backup-failed";
      ls = null;
    }
  }

  function load() {
    var raw;
    try { raw = ls.getItem(KEY); } catch (e) { ls = null; problem = "unavailable"; return; }
    if (raw === null) return;
    var doc;
    try { doc = JSON.parse(raw); } catch (e) { keepAside(raw, "corrupt"); return; }
    var why = checkDoc(doc);
    if (why) { keepAside(raw, why.kind === "newer" ? "newer" : "corrupt"); return; }
    answers = doc.answers;
  }

  function write() {
    timer = null;
    if (!ls) return false;
    try {
      ls.setItem(KEY, JSON.stringify({ version: VERSION, handbook: ns, updated: new Date().toISOString(), answers: answers }));
      if (problem === "quota") { problem = null; banner(); }
      savedListeners.forEach(function (fn) { fn(true); });
      return true;
    } catch (e) {
      problem = "quota";
      banner();
      savedListeners.forEach(function (fn) { fn(false); });
      return false;
    }
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(write, 400);
  }

  function flush() { if (timer) { clearTimeout(timer); write(); } }

  function isEmpty(v) {
    return v === undefined || v === null || v === false || v === "" || (Array.isArray(v) && v.length === 0);
  }

  function notify(source) { listeners.forEach(function (fn) { fn(source); }); }

  var MESSAGES = {
    unavailable: "This browser is not letting the handbook save anything (storage is switched off, blocked or full). You can still fill in the forms and export your answers from your learning record during this visit, but they will be lost when you close the page.",
    quota: "This browser's storage for the handbook is full, so your latest answers could not be saved. Export your answers from your learning record now to keep a copy.",
    corrupt: "Your saved answers could not be read, so the forms start empty. Nothing has been deleted: the unreadable copy is kept in this browser under the name BACKUP.",
    newer: "Your saved answers were made by a newer version of this handbook, which this version cannot read. They are kept unchanged in this browser under the name BACKUP, and the forms start empty here.",
    "backup-failed": "Your saved answers could not be read, and there is no room to keep a copy aside, so the handbook will not write over them. Answers you give now are kept only for this visit."
  };

  /* A banner at the top of the page when answers are not being kept as usual. */
  function banner() {
    var host = document.querySelector(".md-content__inner");
    if (!host) return;
    var el = host.querySelector(".hb-banner");
    if (!problem) { if (el) el.remove(); return; }
    if (!el) {
      el = document.createElement("div");
      el.className = "hb-banner";
      el.setAttribute("role", "alert");
      host.insertBefore(el, host.firstChild);
    }
    el.textContent = MESSAGES[problem].replace("BACKUP", backupKey ? "'" + backupKey + "'" : "a backup key");
  }

  ls = probe();
  if (ls) load(); else problem = "unavailable";
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });

  window.hb.storage = {
    VERSION: VERSION,
    FORMAT: FORMAT,
    MAX_IMPORT_BYTES: MAX_IMPORT_BYTES,
    key: KEY,
    namespace: ns,
    persistent: function () { return !!ls; },
    problem: function () { return problem; },
    get: function (key) { return answers[key]; },
    all: function () { return JSON.parse(JSON.stringify(answers)); },
    set: function (key, value) {
      if (isEmpty(value)) delete answers[key]; else answers[key] = value;
      schedule();
      notify("set");
    },
    /* Replace every answer (import, clear); saved at once. */
    replace: function (next) {
      answers = JSON.parse(JSON.stringify(next || {}));
      if (timer) clearTimeout(timer);
      var ok = write();
      notify("replace");
      return ok;
    },
    flush: flush,
    /* Read the answers again from the area hb.privacy picks now (after a move or a removal), and
     * bring every form and the record up to date. Unsaved changes are dropped: flush() first. */
    reload: function () {
      if (timer) { clearTimeout(timer); timer = null; }
      answers = {};
      problem = null;
      backupKey = null;
      ls = probe();
      if (ls) load(); else problem = "unavailable";
      banner();
      notify("replace");
    },
    onChange: function (fn) { listeners.push(fn); },
    onSaved: function (fn) { savedListeners.push(fn); },
    banner: banner,
    /* The export document: what "Export answers" downloads and "Import answers" reads. */
    exportDoc: function () {
      return { format: FORMAT, version: VERSION, handbook: ns, exported: new Date().toISOString(), answers: this.all() };
    },
    /* Parse an imported file's text: {answers} or {error: message}. Never touches stored answers. */
    parseImport: function (text) {
      if (text.length > MAX_IMPORT_BYTES) return { error: "The file is too large to be a set of answers from this handbook (over 5 MB)." };
      var doc;
      try { doc = JSON.parse(text); } catch (e) { return { error: "The file is not a JSON file exported from this handbook, so it could not be read." }; }
      var why = checkDoc(doc);
      if (why) return { error: "The file could not be imported because " + why.text + "." };
      return { answers: doc.answers };
    }
  };

  window.hb.onPage(banner);
})();
