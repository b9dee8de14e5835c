/* hb-learning-record: every answer saved in this browser, gathered from the build's manifest of
 * fields (inlined in the page, so it works from file:// too). By default it shows what has been
 * answered ("Show every prompt" shows the rest) and progress. Lists of rows (targets, log entries)
 * are shown the same way whatever they are: grouped (if their manifest names a group column) and
 * dated.
 *
 * The component is in four parts, each in its own file, sharing one record object `r` (the
 * manifest indexed by key, how an answer is shown, the status line and the confirmation panel):
 *   learning-record.js  this view: the answers, progress, name and title block, the actions bar;
 *   record-chart.js     hb.record.chart: the coach and mentor ratings chart and its snapshots;
 *   record-export.js    hb.record.export: Markdown, "Download for a meeting" (.docx, written by
 *                       record-docx.js, loaded only when asked for);
 *   record-import.js    hb.record.import: a backup file to restore (merge or replace, checked,
 *                       previewed, never silent) and the copies kept aside in this browser. */
(function () {
  "use strict";

  var hb = window.hb, store = hb.storage, ui = hb.ui, ukDate = hb.ukDate;
  var parts = hb.record = hb.record || {};
  var own = Object.prototype.hasOwnProperty;
  function has(o, k) { return own.call(o, k); }
  function dict() { return Object.create(null); }

  /* The build's manifest of fields: <script type=application/json id=hb-manifest> after the record.
   * Material's instant navigation re-inserts every inline script of the page it shows as a plain
   * script (no id, no type), so then it is the inline script that holds the manifest. */
  function readManifest() {
    var el = document.getElementById("hb-manifest");
    if (!el) {
      el = Array.prototype.filter.call(document.querySelectorAll(".md-content script:not([src])"), function (s) {
        return /^\s*\{/.test(s.textContent) && s.textContent.indexOf('"sections"') >= 0;
      })[0];
    }
    return JSON.parse(el.textContent);
  }

  hb.register("hb-learning-record", function (root, teardown) {
    var manifest = readManifest();
    var status = root.querySelector("[data-hb-record-status]");
    var NAME = manifest.name_key, SNAPS = manifest.snapshots_key;
    /* Maps without a prototype: an id such as "constructor" is a key like any other. */
    var fields = dict();      /* key -> manifest field */
    var rowsDefs = dict();    /* key -> rows definition */
    var sectionKeys = dict(); /* section id -> [keys] */
    var entryOf = dict();     /* key -> its manifest entry */
    var recordKeys = dict();  /* the record's own answers: the name, the snapshots */
    recordKeys[NAME] = true; recordKeys[SNAPS] = true;
    var showAll = false;
    manifest.sections.forEach(function (sec) {
      var keys = sectionKeys[sec.id] = [];
      sec.entries.forEach(function (e) {
        e.fields.forEach(function (f) { fields[f.key] = f; keys.push(f.key); entryOf[f.key] = e; });
        if (e.rows) { rowsDefs[e.rows.key] = e.rows; keys.push(e.rows.key); entryOf[e.rows.key] = e; }
      });
    });

    function shown(key, value) {
      var f = fields[key];
      if (value === true) return "Yes";
      if (typeof value !== "string") return JSON.stringify(value);
      if (f && f.type === "date") return ukDate(value);
      if (f && f.options) {
        for (var i = 0; i < f.options.length; i++) if (f.options[i].id === value) return f.options[i].label;
      }
      return String(value);
    }

    function itemName(f) { return "\u201c" + (f.item ? f.item + ": " : "") + f.label + "\u201d"; }
    function isOrphan(k) { return !fields[k] && !rowsDefs[k] && !recordKeys[k]; }

    function answered(v) { return v !== undefined && v !== "" && !(Array.isArray(v) && !v.length); }

    /* ---- lists of rows, generically: each entry named by its first one-line column, dated by its
     * first date column, grouped by the manifest's `group` column if it names one. */
    function rowsModel(def, rows) {
      /* A coaching log's entries (def.log, hb-coaching-log): grouped by relationship, named by the log. */
      var log = def.log && window.hb.coachingLog;
      if (log) {
        var all = store.all();
        var gs = def.group ? log.groups(def, rows, all) : [{ label: null, rows: rows }];
        return gs.map(function (g) {
          return { title: g.label, entries: g.rows.map(function (row) {
            var items = [];
            def.columns.forEach(function (c) {
              if (c.id === def.group || c.id === def.title_column) return;
              items.push({ label: c.label, value: row[c.id] ? (c.type === "date" ? ukDate(row[c.id]) : row[c.id]) : "" });
            });
            return { title: log.rowTitle(def, row), items: items };
          }) };
        });
      }
      var titleCol = null, dateCol = null;
      def.columns.forEach(function (c) {
        if (!titleCol && c.type === "line" && c.id !== def.group) titleCol = c;
        if (!dateCol && c.type === "date") dateCol = c;
      });
      var groups = [], byName = dict();
      rows.forEach(function (row, i) {
        var g = def.group ? (row[def.group] || "") : "";
        if (!has(byName, g)) { byName[g] = { name: g, entries: [] }; groups.push(byName[g]); }
        var title = def.label + " " + (i + 1);
        if (titleCol && row[titleCol.id]) title += ": " + row[titleCol.id].replace(/\s+/g, " ");
        if (dateCol && row[dateCol.id]) title += " (" + dateCol.label + ": " + ukDate(row[dateCol.id]) + ")";
        var items = [];
        def.columns.forEach(function (c) {
          if (c === titleCol || c === dateCol || c.id === def.group) return;
          items.push({ label: c.label, value: row[c.id] ? (c.type === "date" ? ukDate(row[c.id]) : row[c.id]) : "" });
        });
        byName[g].entries.push({ title: title, items: items });
      });
      if (def.group) {
        var groupCol = def.columns.filter(function (c) { return c.id === def.group; })[0];
        groups.forEach(function (g) { g.title = g.name ? (groupCol ? groupCol.label + ": " : "") + g.name : "Not grouped"; });
      }
      return groups;
    }

    function rowsDom(def, rows) {
      var frag = document.createDocumentFragment();
      rowsModel(def, rows).forEach(function (g) {
        var parent = frag;
        if (g.title) {
          parent = document.createElement("div");
          parent.className = "hb-record__group";
          var gh = document.createElement("p");
          gh.className = "hb-record__group-title";
          gh.textContent = g.title;
          parent.appendChild(gh);
          frag.appendChild(parent);
        }
        var ol = document.createElement("ul");
        ol.className = "hb-record__row-list";
        g.entries.forEach(function (en) {
          var li = document.createElement("li");
          var h = document.createElement("p");
          var strong = document.createElement("strong");
          strong.textContent = en.title;
          h.appendChild(strong);
          li.appendChild(h);
          var dl = document.createElement("dl");
          dl.className = "hb-record__answers";
          en.items.forEach(function (it) {
            if (!it.value && !showAll) return;
            var wrap = document.createElement("div");
            wrap.className = "hb-record__answer";
            var dt = document.createElement("dt"), dd = document.createElement("dd");
            dt.textContent = it.label;
            dd.textContent = it.value || "Not written yet";
            if (!it.value) dd.className = "hb-record__empty";
            wrap.appendChild(dt); wrap.appendChild(dd); dl.appendChild(wrap);
          });
          li.appendChild(dl);
          ol.appendChild(li);
        });
        parent.appendChild(ol);
      });
      return frag;
    }


    /* ---- the answers, progress, rows, orphans */
    function render() {
      var all = store.all();
      document.querySelectorAll("[data-hb-answer]").forEach(function (dd) {
        var v = all[dd.getAttribute("data-hb-answer")];
        dd.textContent = answered(v) ? shown(dd.getAttribute("data-hb-answer"), v) : dd.getAttribute("data-hb-empty");
        dd.classList.toggle("hb-record__empty", !answered(v));
        var wrap = dd.closest(".hb-record__answer");
        if (wrap) wrap.hidden = !showAll && !answered(v);
      });
      document.querySelectorAll("[data-hb-answer-rows]").forEach(function (box) {
        var key = box.getAttribute("data-hb-answer-rows"), def = rowsDefs[key], rows = all[key];
        box.textContent = "";
        if (!Array.isArray(rows) || !rows.length) {
          var p = document.createElement("p");
          p.className = "hb-record__empty";
          p.textContent = "No " + (def.plural || def.label.toLowerCase() + "s") + " yet.";
          box.appendChild(p);
          return;
        }
        box.appendChild(rowsDom(def, rows));
      });
      var total = 0;
      manifest.sections.forEach(function (sec) {
        var n = sectionKeys[sec.id].filter(function (k) { return answered(all[k]); }).length;
        total += n;
        var cell = root.querySelector('[data-hb-progress="' + sec.id + '"]');
        if (cell) cell.textContent = String(n);
        var box = document.querySelector('[data-hb-section="' + sec.id + '"]');
        if (!box) return;
        box.querySelectorAll("[data-hb-entry]").forEach(function (en) {
          var e = null;
          sec.entries.forEach(function (x) { if (en.id === "record-" + x.id) e = x; });
          var any = e && (e.fields.some(function (f) { return answered(all[f.key]); }) || (e.rows && answered(all[e.rows.key])));
          en.hidden = !showAll && !any;
        });
        box.hidden = !showAll && n === 0;
        var h = document.getElementById(box.getAttribute("data-hb-heading"));
        if (h) h.hidden = box.hidden;
      });
      root.querySelector('[data-hb-progress="all"]').textContent = String(total);
      root.querySelector("[data-hb-nothing]").hidden = showAll || total > 0;
      var nameInput = root.querySelector("[data-hb-record-name]");
      var name = typeof all[NAME] === "string" ? all[NAME] : "";
      if (nameInput && document.activeElement !== nameInput && nameInput.value !== name) nameInput.value = name;
      titleBlock(name);
      orphans(all);
      chart.render(all);
      imports.render();
    }

    function titleBlock(name) {
      var n = root.querySelector("[data-hb-titleblock-name]");
      n.textContent = name.trim();
      n.hidden = !name.trim();
      root.querySelector("[data-hb-titleblock-date]").textContent = ukDate(hb.today());
    }

    function orphans(all) {
      var box = document.querySelector("[data-hb-orphans]");
      var list = box.querySelector("[data-hb-orphan-list]");
      list.textContent = "";
      var keys = Object.keys(all).filter(isOrphan).sort();
      keys.forEach(function (k) {
        var wrap = document.createElement("div"), dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = k;
        dd.textContent = orphanText(all[k], k);
        wrap.appendChild(dt); wrap.appendChild(dd); list.appendChild(wrap);
      });
      box.hidden = keys.length === 0;
    }

    function orphanText(v, k) {
      return Array.isArray(v) ? v.map(function (r) {
        return Object.keys(r).filter(function (c) { return c !== "id"; }).map(function (c) { return c + ": " + r[c]; }).join("; ");
      }).join(" | ") : shown(k, v);
    }

    function say(msg) { status.textContent = msg; }

    /* ---- confirmation panel (import, restore, clear, delete): nothing changes until the user says so */
    var panel = ui.confirm(root.querySelector("[data-hb-confirm]"), {
      title: root.querySelector("[data-hb-confirm-title]"), body: root.querySelector("[data-hb-confirm-body]"),
      yes: root.querySelector("[data-hb-confirm-yes]"), alt: root.querySelector("[data-hb-confirm-alt]"),
      no: root.querySelector("[data-hb-confirm-no]"), cancelled: function () { say("Nothing was changed."); }
    });
    function ask(title, body, yesLabel, action, from, altLabel, altAction) {
      say("");
      panel.open({ title: title, body: body, yes: yesLabel, onYes: action, from: from, alt: altLabel, onAlt: altAction });
    }

    /* What the parts share. */
    var r = {
      root: root, manifest: manifest, NAME: NAME, SNAPS: SNAPS, fields: fields, rowsDefs: rowsDefs, entryOf: entryOf,
      has: has, dict: dict, shown: shown, itemName: itemName, isOrphan: isOrphan, orphanText: orphanText,
      answered: answered, rowsModel: rowsModel, say: say, ask: ask
    };
    var chart = parts.chart(r), out = parts.export(r, chart), imports = parts.import(r);

    root.querySelector("[data-hb-actions]").addEventListener("click", function (e) {
      var btn = e.target.closest("[data-hb-action]");
      if (!btn) return;
      var action = btn.getAttribute("data-hb-action");
      say("");
      if (action === "print") { store.flush(); window.print(); }
      if (action === "import-pick") imports.pick();
      if (action === "export-json") {
        store.flush();
        store.downloadAll(manifest.version);
        say("Your backup file was saved to your downloads. Keep it somewhere safe; Restore from a backup file brings it back.");
      }
      if (action === "export-md") out.markdown();
      if (action === "docx") out.docx();
      if (action === "clear") {
        store.sync();
        var n = Object.keys(store.all()).length;
        if (!n) { say("There are no answers to clear."); return; }
        ask("Clear all " + n + " answers?", [
          "This deletes every answer saved in this browser for this handbook. It cannot be undone.",
          "If you may want them again, cancel and use Save a backup file first."
        ], "Yes, clear all my answers", function () {
          store.replace({});
          say("All your answers were cleared.");
        }, btn);
      }
    });

    root.querySelector("[data-hb-show-all]").addEventListener("change", function (e) {
      showAll = e.target.checked;
      render();
    });
    root.querySelector("[data-hb-record-name]").addEventListener("input", function (e) {
      store.set(NAME, e.target.value);
      titleBlock(e.target.value);
    });
    /* The title block is dated the day it is printed; the PDF's suggested name says whose record it is. */
    var pageTitle = null;
    teardown(hb.listen(window, "beforeprint", function () {
      var name = typeof store.get(NAME) === "string" ? store.get(NAME).trim() : "";
      titleBlock(name);
      pageTitle = document.title;
      document.title = "Learning record" + (name ? " - " + name : "") + " - " + ukDate(hb.today());
    }));
    teardown(hb.listen(window, "afterprint", function () { if (pageTitle !== null) { document.title = pageTitle; pageTitle = null; } }));

    teardown(store.onChange(render));
    root.querySelector("[data-hb-actions]").hidden = false;
    root.querySelector("[data-hb-options]").hidden = false;
    root.querySelector("[data-hb-progress-panel]").hidden = false;
    /* The answers are filled in after the first paint, so the page shows at once (issue #12). */
    requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(render, 0); }); });
  });
})();
