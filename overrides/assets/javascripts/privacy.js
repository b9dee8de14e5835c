/* hb.privacy and hb-privacy: the reader's answers on a shared computer.
 *
 * Two choices, at the foot of every page (overrides/partials/hb-privacy.html):
 * - "On a shared computer: don't keep my answers after I close the browser". When on, the handbook
 *   keeps everything it stores in sessionStorage (gone when the browser is closed) instead of
 *   localStorage, and moves anything already in localStorage there, so nothing is left behind. The
 *   choice itself stays in localStorage ("hb:<namespace>:shared"), so the next person on this
 *   computer gets the same protection; it is a setting, not an answer, and holds nothing personal.
 * - "Remove my answers from this browser": after an in-page confirmation, removes every key the
 *   handbook stored under "hb:<namespace>:" in both areas (answers, backups), except that setting.
 *   Material's own keys (the colour scheme, which content tab is open) say nothing about a reader
 *   and are left alone.
 * The privacy line under every form says which of the two modes is on (data-hb-privacy-mode).
 *
 * Runs before storage.js, which asks hb.privacy.area() where to keep answers, and whose
 * hb.storage.reload() re-reads them after a move or a removal. */
(function () {
  "use strict";

  var ns = window.hb.namespace();
  var PREFIX = "hb:" + ns + ":";
  var SHARED_KEY = PREFIX + "shared";
  var PROBE_KEY = PREFIX + "probe";

  function local() { try { return window.localStorage; } catch (e) { return null; } }
  function session() { try { return window.sessionStorage; } catch (e) { return null; } }

  function shared() {
    var s = local();
    try { return !!s && s.getItem(SHARED_KEY) === "1"; } catch (e) { return false; }
  }

  /* Where the handbook keeps answers now. */
  function area() {
    if (shared()) return window.sessionStorage;
    return window.localStorage;
  }

  /* The handbook's own keys in an area (answers, backups), not the shared-computer setting. */
  function ownKeys(s) { return window.hb.keysIn(s, PREFIX).filter(function (k) { return k !== SHARED_KEY; }); }

  function parse(raw) {
    try {
      var d = JSON.parse(raw);
      return d && typeof d === "object" && !Array.isArray(d) && d.answers && typeof d.answers === "object" && !Array.isArray(d.answers) ? d : null;
    } catch (e) { return null; }
  }

  /* Two stored copies of one key: for an answers document, every answer of both (the more
   * recently updated copy wins where both have one); otherwise (unreadable), null. */
  function merge(rawA, rawB) {
    var a = parse(rawA), b = parse(rawB);
    if (!a || !b || a.version !== b.version || a.handbook !== b.handbook) return null;
    var older = String(a.updated || "") <= String(b.updated || "") ? a : b, newer = older === a ? b : a;
    var answers = {};
    [older.answers, newer.answers].forEach(function (src) {
      Object.keys(src).forEach(function (k) { answers[k] = src[k]; });
    });
    var out = JSON.parse(JSON.stringify(newer));
    out.answers = answers;
    return JSON.stringify(out);
  }

  /* Move every handbook key from one area to the other; a key is removed from `from` only once it
   * is safely in `to`. Returns {moved, failed}. */
  function move(from, to) {
    var moved = 0, failed = 0;
    if (!from || !to || from === to) return { moved: 0, failed: 0 };
    ownKeys(from).forEach(function (k) {
      if (k === PROBE_KEY) { try { from.removeItem(k); } catch (e) { /* ignore */ } return; }
      try {
        var v = from.getItem(k), there = to.getItem(k), put = v, key = k;
        if (there !== null && there !== v) {
          put = merge(there, v);
          if (put === null) { put = v; key = PREFIX + "backup:moved-" + new Date().toISOString().replace(/[:.]/g, "-"); }
        }
        to.setItem(key, put);
        from.removeItem(k);
        moved++;
        if (to === local() && key === k) written[k] = v;
      } catch (e) {
        failed++;
      }
    });
    if (Object.keys(written).length) {
      setTimeout(verify, 300);
      setTimeout(function () { verify(); written = {}; }, 1500);
    }
    return { moved: moved, failed: failed };
  }

  /* Two tabs moving their answers into localStorage at the same moment (shared mode turned off)
   * each read it before the other's write could be seen, so the last write wins. Look again a
   * little later and merge back in whatever this tab moved that is missing or was overwritten by
   * an older copy. */
  var written = {};
  function verify() {
    var l = local(), again = false, st = storage();
    if (!l || shared()) return;   /* shared mode again meanwhile: nothing goes back into localStorage */
    if (st) st.flush();           /* this tab's latest typing first, then the merge */
    Object.keys(written).forEach(function (k) {
      try {
        var raw = written[k], cur = l.getItem(k), mine = parse(raw), theirs = cur === null ? null : parse(cur);
        var need = cur === null;
        if (mine && theirs) {
          var mineNewer = String(mine.updated || "") > String(theirs.updated || "");
          Object.keys(mine.answers).forEach(function (a) {
            if (!(a in theirs.answers)) need = true;
            else if (mineNewer && JSON.stringify(mine.answers[a]) !== JSON.stringify(theirs.answers[a])) need = true;
          });
        }
        if (!need) return;
        var put = cur === null ? raw : merge(cur, raw);
        if (put !== null) { l.setItem(k, put); again = true; }
      } catch (e) { /* storage refused: nothing more to do here */ }
    });
    if (again) {
      if (st && st.reload) st.reload();
      updateModes();
    }
  }

  function storage() { return window.hb.storage; }

  /* Count what the handbook keeps in this browser: answers (in the current document of each area)
   * and other keys (backups). */
  function inventory() {
    var answers = 0, backups = 0, keys = 0;
    [local(), session()].forEach(function (s) {
      ownKeys(s).forEach(function (k) {
        if (k === PROBE_KEY) return;
        keys++;
        if (k === PREFIX + "answers") {
          var d = null;
          try { d = parse(s.getItem(k)); } catch (e) { /* unreadable: counted as a key */ }
          if (d) answers += Object.keys(d.answers).length;
        } else if (k.indexOf(PREFIX + "backup") === 0) backups++;
      });
    });
    var st = storage();
    if (st && !answers) answers = Object.keys(st.all()).length;  /* kept only in memory this visit */
    return { answers: answers, backups: backups, keys: keys };
  }


  /* Turn shared-computer mode on or off, moving what is stored to the new area. Returns
   * {ok, moved, failed} (ok false: this browser would not remember the choice). */
  function setShared(on) {
    var st = storage(), l = local(), s = session();
    if (st) st.flush();
    if (on) {
      try {
        /* Shared mode needs sessionStorage: without it, refuse rather than leave answers behind. */
        s.setItem(PROBE_KEY, "1");
        s.removeItem(PROBE_KEY);
      } catch (e) {
        return { ok: false, moved: 0, failed: 0 };
      }
    }
    try {
      if (on) l.setItem(SHARED_KEY, "1"); else l.removeItem(SHARED_KEY);
    } catch (e) {
      return { ok: false, moved: 0, failed: 0 };
    }
    var r = on ? move(l, s) : move(s, l);
    if (st && st.reload) st.reload();
    updateModes();
    return { ok: true, moved: r.moved, failed: r.failed };
  }

  /* Remove every key the handbook stored in this browser (both areas), keeping the shared-computer
   * setting. Returns what was removed: {answers, backups, keys}. */
  function removeAll() {
    var before = inventory();
    var st = storage();
    written = {};               /* nothing moved a moment ago is to be put back */
    if (st) st.replace({});     /* empty every form now, and tell other open tabs */
    var removed = 0;
    [local(), session()].forEach(function (s) {
      ownKeys(s).forEach(function (k) {
        try { s.removeItem(k); if (k !== PROBE_KEY) removed++; } catch (e) { /* ignore */ }
      });
    });
    if (st && st.reload) st.reload();
    updateModes();
    return { answers: before.answers, backups: before.backups, keys: removed };
  }

  /* Every page starts with everything in the area of the current mode. Shared mode on, but
   * something (an older tab, a page from before the switch) left answers in localStorage: move them
   * now, before storage.js reads its area. */
  if (shared()) move(local(), session());
  else move(session(), local());   /* turned off in another tab while this one was not listening */

  /* Another tab turned the mode on or off: follow it, keeping the answers this tab shows. */
  window.addEventListener("storage", function (e) {
    if (e.key !== SHARED_KEY && e.key !== null) return;
    if (e.storageArea !== local()) return;
    var st = storage(), mine = st ? st.all() : {};
    if (st) st.flush();   /* an answer still on its way goes to the old area, and moves with the rest */
    if (shared()) move(local(), session()); else move(session(), local());
    if (st && st.reload) {
      st.reload();
      var now = st.all(), add = false;
      Object.keys(mine).forEach(function (k) { if (!(k in now)) { now[k] = mine[k]; add = true; } });
      if (add) st.replace(now);
    }
    updateModes();
  });

  /* ---- the privacy line under every form, and the footer's own line. In the usual mode ("local")
   * it says what the build wrote there (data/ui.yml: self-check.saved, privacy.saved...); the other
   * modes' texts are privacy: script: mode-shared-footer, mode-none-footer, and for the lines under
   * forms and notes boxes (only on pages with forms) self-check: script: mode-shared, mode-shared-notes... */
  function say(name, values) { return window.hb.text(null, name, values); }
  var KIND = { full: "", short: "-notes", footer: "-footer" };
  function modeText(el, m, kind) {
    if (el.hbLocal === undefined) el.hbLocal = el.textContent;
    if (m === "local") return el.hbLocal;
    return say("mode-" + m + (KIND[kind] === undefined ? "" : KIND[kind]));
  }

  function mode() {
    var st = storage();
    if (st && !st.persistent()) return "none";
    return shared() ? "shared" : "local";
  }

  function updateModes() {
    var m = mode();
    document.querySelectorAll("[data-hb-privacy-mode]").forEach(function (el) {
      var kind = el.getAttribute("data-hb-privacy-mode") || "full";
      var text = modeText(el, m, kind);
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("hb-privacy-mode--shared", m === "shared");
      el.classList.toggle("hb-privacy-mode--none", m === "none");
    });
    document.querySelectorAll("[data-hb-privacy-shared]").forEach(function (box) { box.checked = shared(); });
    document.documentElement.classList.toggle("hb-shared-computer", m === "shared");
  }

  window.hb.privacy = {
    prefix: PREFIX,
    sharedKey: SHARED_KEY,
    area: area,
    shared: shared,
    setShared: setShared,
    removeAll: removeAll,
    inventory: inventory
  };

  window.hb.onPage(updateModes);

  /* ---- the component at the foot of the page */
  function counted(name, n) { return window.hb.plural(null, name, n); }

  window.hb.register("hb-privacy", function (root) {
    var controls = root.querySelector("[data-hb-privacy-controls]");
    var nojs = root.querySelector(".hb-privacy__nojs");
    var box = root.querySelector("[data-hb-privacy-shared]");
    var removeBtn = root.querySelector("[data-hb-privacy-remove]");
    var status = root.querySelector("[data-hb-privacy-status]");
    function $(name) { return root.querySelector("[data-hb-privacy-" + name + "]"); }
    var ask = window.hb.ui.confirm($("confirm"), {
      title: $("confirm-title"), body: $("confirm-body"), yes: $("yes"), no: $("no"), opener: removeBtn,
      cancelled: function () { tellUser(say("nothing-removed")); }
    });

    function tellUser(msg) { status.textContent = msg; }

    box.checked = shared();
    box.addEventListener("change", function () {
      var on = box.checked;
      var r = setShared(on);
      if (!r.ok) {
        box.checked = !on;
        tellUser(say("refused"));
        return;
      }
      var fail = r.failed ? " " + window.hb.plural(null, "not-moved", r.failed) : "";
      tellUser(say(on ? "shared-on" : "shared-off") + fail);
    });

    removeBtn.addEventListener("click", function () {
      var st = storage();
      if (st) st.flush();
      var inv = inventory();
      if (!inv.keys && !inv.answers) {
        tellUser(say("nothing-stored"));
        return;
      }
      tellUser("");
      var counts = { answers: counted("answers", inv.answers), backups: counted("backups", inv.backups) };
      ask.open({
        title: say(inv.backups ? "remove-title-backups" : "remove-title", counts),
        body: [say(inv.backups ? "remove-body-backups" : "remove-body"), say("remove-export-first"), say("remove-keeps-settings")],
        focus: "no",
        onYes: function () {
          var r = removeAll();
          tellUser(say(r.backups ? "removed-backups" : "removed",
            { answers: counted("answers", r.answers), backups: counted("backups", r.backups) }));
        }
      });
    });

    if (nojs) nojs.hidden = true;
    controls.hidden = false;
    updateModes();
  });
})();
