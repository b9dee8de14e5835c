/* hb-learning-record: every answer saved in this browser, gathered from the build's manifest of
 * fields (in the page, so it works from file:// too). By default it shows what has been
 * answered ("Show every prompt" shows the rest) and progress. Lists of rows (targets, log entries)
 * are shown the same way whatever they are: grouped (if their manifest names a group column) and
 * dated.
 *
 * The component is in four parts, each a function of its own below, sharing one record object `r`
 * (the manifest indexed by key, how an answer is shown, the status line and the confirmation panel):
 *   the view (the component itself): the answers, progress, name and title block, the actions bar;
 *   chartPart: the coach and mentor ratings chart and its snapshots;
 *   exportPart: Markdown, "Download for a meeting" (.docx, written by learning-record-docx.js, loaded only
 *     when asked for);
 *   importPart: a backup file to restore (merge or replace, checked, previewed, never silent) and
 *     the copies kept aside in this browser. */
(function () {
  "use strict";

  var hb = window.hb, store = hb.storage, ui = hb.ui, node = ui.el, ukDate = hb.ukDate, today = hb.today;
  /* learning-record-docx.js sits beside this script (or beside the bundle that holds it): it is loaded from
   * there, the one way, when "Download for a meeting" is first pressed. */
  var HERE = document.currentScript && document.currentScript.src;
  var own = Object.prototype.hasOwnProperty;
  function has(o, k) { return own.call(o, k); }
  function dict() { return Object.create(null); }

  /* The build's manifest of fields: the text of <template id=hb-manifest> in the record. A template
   * is inert: the browser never runs it, and Material's instant navigation (which re-inserts every
   * inline <script> of the page it shows as a plain script) leaves it alone. */
  function readManifest(root) {
    var el = root.querySelector("#hb-manifest");
    return JSON.parse(el.content ? el.content.textContent : el.textContent);
  }

  /* The record's words, from data/ui.yml (learning-record: script:), written on its root element by
   * the build (ui-text.js). t("name", {placeholders}); plural("name", n, ...) picks name-one or
   * name-other by the number. Nothing the record shows or writes into a download is English of
   * this script's own. */
  function words(root) {
    function t(name, values) { return hb.text(root, name, values); }
    function plural(name, n, values) { return hb.text(root, name + (n === 1 ? "-one" : "-other"), values); }
    /* "a", "a and b", "a, b and c" */
    function list(items) {
      if (items.length < 2) return items.join("");
      var first = items[0];
      for (var i = 1; i < items.length - 1; i++) first = t("list-comma", { first: first, next: items[i] });
      return t("list-and", { first: first, last: items[items.length - 1] });
    }
    return { t: t, plural: plural, list: list };
  }

  hb.register("hb-learning-record", function (root, teardown) {
    var manifest = readManifest(root);
    var w = words(root), t = w.t, plural = w.plural;
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
      if (value === true) return t("ticked");
      if (typeof value !== "string") return JSON.stringify(value);
      if (f && f.type === "date") return ukDate(value);
      if (f && f.options) {
        for (var i = 0; i < f.options.length; i++) if (f.options[i].id === value) return f.options[i].label;
      }
      return String(value);
    }

    function itemLabel(f) { return f.item ? t("item-label", { item: f.item, label: f.label }) : f.label; }
    function itemName(f) { return t("quoted", { text: itemLabel(f) }); }
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
        var named = titleCol && row[titleCol.id], dated = dateCol && row[dateCol.id];
        var title = t("row-title" + (named ? "-named" : "") + (dated ? "-dated" : ""), {
          label: def.label, number: i + 1,
          title: named ? row[titleCol.id].replace(/\s+/g, " ") : "",
          "date-label": dated ? dateCol.label : "", date: dated ? ukDate(row[dateCol.id]) : ""
        });
        var items = [];
        def.columns.forEach(function (c) {
          if (c === titleCol || c === dateCol || c.id === def.group) return;
          items.push({ label: c.label, value: row[c.id] ? (c.type === "date" ? ukDate(row[c.id]) : row[c.id]) : "" });
        });
        byName[g].entries.push({ title: title, items: items });
      });
      if (def.group) {
        var groupCol = def.columns.filter(function (c) { return c.id === def.group; })[0];
        groups.forEach(function (g) { g.title = g.name ? (groupCol ? t("group-title", { column: groupCol.label, name: g.name }) : g.name) : t("not-grouped"); });
      }
      return groups;
    }

    function rowsDom(def, rows) {
      var frag = document.createDocumentFragment();
      rowsModel(def, rows).forEach(function (g) {
        var parent = frag;
        if (g.title) {
          parent = frag.appendChild(node("div", "hb-record__group"));
          parent.appendChild(node("p", "hb-record__group-title", g.title));
        }
        var ol = parent.appendChild(node("ul", "hb-record__row-list"));
        g.entries.forEach(function (en) {
          var li = ol.appendChild(node("li"));
          li.appendChild(node("p")).appendChild(node("strong", null, en.title));
          var dl = li.appendChild(node("dl", "hb-record__answers"));
          en.items.forEach(function (it) {
            if (!it.value && !showAll) return;
            var wrap = dl.appendChild(node("div", "hb-record__answer"));
            wrap.appendChild(node("dt", null, it.label));
            wrap.appendChild(node("dd", it.value ? null : "hb-record__empty", it.value || t("not-written")));
          });
        });
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
          box.appendChild(node("p", "hb-record__empty", box.getAttribute("data-hb-empty")));
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
        var wrap = list.appendChild(node("div"));
        wrap.appendChild(node("dt", null, k));
        wrap.appendChild(node("dd", null, orphanText(all[k], k)));
      });
      box.hidden = keys.length === 0;
    }

    function orphanText(v, k) {
      return Array.isArray(v) ? v.map(function (r) {
        return Object.keys(r).filter(function (c) { return c !== "id"; }).map(function (c) { return t("label-value", { label: c, value: r[c] }); }).join("; ");
      }).join(" | ") : shown(k, v);
    }

    function say(msg) { status.textContent = msg; }

    /* ---- confirmation panel (import, restore, clear, delete): nothing changes until the user says so */
    var panel = ui.confirm(root.querySelector("[data-hb-confirm]"), {
      title: root.querySelector("[data-hb-confirm-title]"), body: root.querySelector("[data-hb-confirm-body]"),
      yes: root.querySelector("[data-hb-confirm-yes]"), alt: root.querySelector("[data-hb-confirm-alt]"),
      no: root.querySelector("[data-hb-confirm-no]"), cancelled: function () { say(t("cancelled")); }
    });
    function ask(title, body, yesLabel, action, from, altLabel, altAction) {
      say("");
      panel.open({ title: title, body: body, yes: yesLabel, onYes: action, from: from, alt: altLabel, onAlt: altAction });
    }

    /* What the parts share. */
    var r = {
      root: root, manifest: manifest, NAME: NAME, SNAPS: SNAPS, fields: fields, rowsDefs: rowsDefs, entryOf: entryOf,
      t: t, plural: plural, list: w.list, shown: shown, itemLabel: itemLabel, itemName: itemName, isOrphan: isOrphan, orphanText: orphanText,
      answered: answered, rowsModel: rowsModel, say: say, ask: ask
    };
    var chart = chartPart(r), out = exportPart(r, chart), imports = importPart(r);

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
        say(t("backup-saved"));
      }
      if (action === "export-md") out.markdown();
      if (action === "docx") out.docx();
      if (action === "clear") {
        store.sync();
        var n = Object.keys(store.all()).length;
        if (!n) { say(t("clear-none")); return; }
        ask(plural("clear-title", n, { count: n }), [t("clear-body"), t("clear-advice")], t("clear-yes"), function () {
          store.replace({});
          say(t("cleared"));
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
      document.title = name ? t("print-title-named", { name: name, date: ukDate(hb.today()) }) : t("print-title", { date: ukDate(hb.today()) });
    }));
    teardown(hb.listen(window, "afterprint", function () { if (pageTitle !== null) { document.title = pageTitle; pageTitle = null; } }));

    teardown(store.onChange(render));
    root.querySelector("[data-hb-actions]").hidden = false;
    root.querySelector("[data-hb-options]").hidden = false;
    root.querySelector("[data-hb-progress-panel]").hidden = false;
    /* The answers are filled in after the first paint, so the page shows at once (issue #12). */
    requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(render, 0); }); });
  });

  /* The chart part: the learning record's coach and mentor ratings side by side, its summary in
   * words, and snapshots of the ratings over time (kept in the answers document, so in the backup
   * file). */
  function chartPart(r) {
    var root = r.root, manifest = r.manifest, SNAPS = r.SNAPS, fields = r.fields, entryOf = r.entryOf;
    var shown = r.shown, answered = r.answered, say = r.say, ask = r.ask, t = r.t, plural = r.plural, list = r.list;

    /* ---- the coach and mentor ratings side by side (HTML drawn by the build at its final size:
     * only the bars' widths and the values change, so nothing moves) */
    var chartBox = document.querySelector("[data-hb-chart]");
    var summaryBox = chartBox && chartBox.querySelector("[data-hb-chart-summary]");
    var emptySummary = summaryBox ? summaryBox.cloneNode(true) : null;

    function levelOf(v) {
      var c = manifest.chart;
      for (var i = 0; i < c.levels.length; i++) if (c.levels[i].id === v) return i;
      return -1;
    }

    function snapList(all) {
      var v = all[SNAPS];
      return Array.isArray(v) ? v.slice().sort(function (a, b) { return a.date < b.date ? -1 : a.date > b.date ? 1 : 0; }) : [];
    }

    function chart(all) {
      var c = manifest.chart;
      if (!c || !chartBox) return;
      var snaps = snapList(all), first = snaps[0], latest = snaps.length > 1 ? snaps[snaps.length - 1] : null;
      var n = c.levels.length;
      function width(el, v) {
        var i = levelOf(v);
        el.style.width = i >= 0 ? ((i + 1) * 100 / n) + "%" : "0";
      }
      chartBox.querySelectorAll("[data-hb-bar]").forEach(function (el) { width(el, all[el.getAttribute("data-hb-bar")]); });
      chartBox.querySelectorAll("[data-hb-bar-first]").forEach(function (el) { width(el, first && first[el.getAttribute("data-hb-bar-first")]); });
      chartBox.querySelectorAll("[data-hb-bar-latest]").forEach(function (el) { width(el, latest && latest[el.getAttribute("data-hb-bar-latest")]); });
      chartBox.querySelectorAll("[data-hb-bar-value]").forEach(function (el) {
        var i = levelOf(all[el.getAttribute("data-hb-bar-value")]);
        el.textContent = i >= 0 ? c.levels[i].label : t("not-rated");
      });
      chartBox.classList.toggle("hb-record__chart--compare", !!first);
      chartBox.classList.toggle("hb-record__chart--two", !!latest);
      /* on paper, only the items rated (now or in a snapshot) */
      chartBox.querySelectorAll(".hb-rchart__row").forEach(function (row) {
        var any = false;
        row.querySelectorAll("[data-hb-bar], [data-hb-bar-first], [data-hb-bar-latest]").forEach(function (b) { if (b.style.width && b.style.width !== "0px" && b.style.width !== "0") any = true; });
        row.classList.toggle("hb-rchart__row--unrated", !any);
      });
      var words = summary(all, snaps);
      chartBox.classList.toggle("hb-record__chart--empty", !words);
      if (!summaryBox) return;
      summaryBox.textContent = "";
      if (words) summaryBox.textContent = words;
      else Array.prototype.forEach.call(emptySummary.childNodes, function (nd) { summaryBox.appendChild(nd.cloneNode(true)); });
    }

    /* The chart in words: for each side, how many are rated, the strongest and the ones to develop;
     * and what changed since the first snapshot. "" if nothing is rated. */
    function summary(all, snaps) {
      var c = manifest.chart, out = [];
      [["a", "summary-coach"], ["b", "summary-mentor"]].forEach(function (side) {
        var rated = [], total = 0;
        c.rows.forEach(function (r) {
          var key = r[side[0]];
          if (!key) return;
          total++;
          var i = levelOf(all[key]);
          if (i >= 0) rated.push({ label: side[0] === "a" ? r.a_label : r.b_label, level: i });
        });
        if (!rated.length) return;
        var hi = Math.max.apply(null, rated.map(function (x) { return x.level; }));
        var lo = Math.min.apply(null, rated.map(function (x) { return x.level; }));
        function names(lv) { return list(rated.filter(function (x) { return x.level === lv; }).map(function (x) { return x.label; })); }
        out.push(hi === lo
          ? t(side[1] + "-same", { rated: rated.length, total: total, level: c.levels[hi].label })
          : t(side[1], { rated: rated.length, total: total, strongest: names(hi), high: c.levels[hi].label, weakest: names(lo), low: c.levels[lo].label }));
      });
      if (!out.length) return "";
      if (snaps.length) {
        var first = snaps[0], up = 0, down = 0, same = 0;
        manifest.snapshot_keys.forEach(function (k) {
          if (!has(first, k) || !fields[k]) return;
          var opts = fields[k].options.map(function (o) { return o.id; });
          var a = opts.indexOf(first[k]), b = opts.indexOf(all[k]);
          if (a < 0 || b < 0) return;
          if (b > a) up++; else if (b < a) down++; else same++;
        });
        out.push(plural("since-first", up, { date: ukDate(first.date), up: up, down: down, same: same }));
      }
      return out.join(" ");
    }

    /* ---- snapshots of self-ratings, kept in the answers document (so in the backup file) */
    var snapBox = root.ownerDocument.querySelector("[data-hb-snapshots]");

    /* [{title, head: [...], rows: [[item, first, latest, now]]}] per form, for ratings that changed or were snapshotted */
    function snapTables(all) {
      var snaps = snapList(all);
      if (!snaps.length) return [];
      var first = snaps[0], latest = snaps.length > 1 ? snaps[snaps.length - 1] : null;
      var head = [t("snapshot-item"), t("snapshot-first", { date: ukDate(first.date) })];
      if (latest) head.push(t("snapshot-latest", { date: ukDate(latest.date) }));
      head.push(t("snapshot-now"));
      var byEntry = [], index = dict();
      manifest.snapshot_keys.forEach(function (k) {
        var inFirst = has(first, k), inLatest = latest && has(latest, k);
        if (!inFirst && !inLatest && !answered(all[k])) return;
        var e = entryOf[k];
        if (!has(index, e.id)) { index[e.id] = { title: e.title, head: head, rows: [] }; byEntry.push(index[e.id]); }
        var f = fields[k], row = [(f.item || f.label)];
        row.push(inFirst ? shown(k, first[k]) : t("not-rated"));
        if (latest) row.push(inLatest ? shown(k, latest[k]) : t("not-rated"));
        row.push(answered(all[k]) ? shown(k, all[k]) : t("not-rated"));
        index[e.id].rows.push(row);
      });
      return byEntry;
    }

    function snapshots(all) {
      if (!snapBox) return;
      snapBox.hidden = false;
      var box = snapBox.querySelector("[data-hb-snapshot-list]");
      box.textContent = "";
      var snaps = snapList(all);
      snapBox.classList.toggle("hb-record__snapshots--none", !snaps.length);
      box.appendChild(node("p", null, snaps.length
        ? plural("snapshots-saved", snaps.length, { count: snaps.length, dates: list(snaps.map(function (s) { return ukDate(s.date); })) })
        : t("snapshots-none")));
      if (!snaps.length) return;
      var ul = box.appendChild(node("ul", "hb-record__snapshot-list"));
      snaps.forEach(function (s) {
        var li = ul.appendChild(node("li"));
        var n = Object.keys(s).filter(function (k) { return k !== "id" && k !== "date"; }).length;
        li.appendChild(document.createTextNode(plural("snapshot-ratings", n, { date: ukDate(s.date), count: n }) + " "));
        li.appendChild(hb.ui.button(t("delete"), function (btn) {
          ask(t("snapshot-delete-title", { date: ukDate(s.date) }), [t("snapshot-delete-body")],
            t("snapshot-delete-yes"), function () {
              var rest = (Array.isArray(store.get(SNAPS)) ? store.get(SNAPS) : []).filter(function (x) { return x.id !== s.id; });
              store.set(SNAPS, rest);
              store.flush();
              say(t("snapshot-deleted", { date: ukDate(s.date) }));
              snapBox.querySelector("[data-hb-snapshot-save]").focus();
            }, btn);
        }, null, " " + t("snapshot-name", { date: ukDate(s.date) })));
      });
      snapTables(all).forEach(function (t) {
        var table = box.appendChild(node("table", "hb-record__snapshot-table"));
        table.createCaption().textContent = t.title;
        var tr = table.createTHead().insertRow();
        t.head.forEach(function (h) { tr.appendChild(node("th", null, h)).scope = "col"; });
        var tb = table.createTBody();
        t.rows.forEach(function (r) {
          var row = tb.insertRow();
          r.forEach(function (cell, i) {
            var c = row.appendChild(node(i ? "td" : "th", null, cell));
            if (!i) c.scope = "row";
          });
        });
      });
    }

    if (snapBox) snapBox.querySelector("[data-hb-snapshot-save]").addEventListener("click", function () {
      var all = store.all(), row = dict(), n = 0;
      row.id = "snapshot-" + Date.now().toString(36);
      row.date = new Date().toISOString();
      manifest.snapshot_keys.forEach(function (k) { if (typeof all[k] === "string" && all[k]) { row[k] = all[k]; n++; } });
      if (!n) { say(t("snapshot-nothing")); return; }
      var rows = snapList(all).concat([row]);
      store.set(SNAPS, rows);
      store.flush();
      say(plural("snapshot-saved", n, { count: n, date: ukDate(row.date) }));
    });

    return {
      render: function (all) { chart(all); snapshots(all); },
      snapTables: snapTables
    };
  }

  /* The export part: what the learning record's downloads hold (the answered prompts, in the
   * record's order): Markdown, and "Download for a meeting" (.docx, written by learning-record-docx.js, loaded
   * only when that button is pressed). */
  function exportPart(r, chart) {
    var manifest = r.manifest, NAME = r.NAME, shown = r.shown, answered = r.answered, say = r.say, t = r.t;

    function siteName() { return manifest.site_name || document.title.split(" - ").pop(); }

    function recordModel() {
      var all = store.all(), sections = [];
      manifest.sections.forEach(function (sec) {
        var entries = [];
        sec.entries.forEach(function (e) {
          var got = e.fields.filter(function (f) { return answered(all[f.key]); });
          var rows = e.rows && Array.isArray(all[e.rows.key]) ? all[e.rows.key] : [];
          if (!got.length && !rows.length) return;
          entries.push({
            title: e.title,
            items: got.map(function (f) { return { label: r.itemLabel(f), value: shown(f.key, all[f.key]) }; }),
            groups: rows.length ? r.rowsModel(e.rows, rows) : []
          });
        });
        if (entries.length) sections.push({ title: sec.title, entries: entries });
      });
      return {
        name: typeof all[NAME] === "string" ? all[NAME].trim() : "",
        date: ukDate(today()),
        site: siteName(),
        sections: sections,
        snapshots: chart.snapTables(all),
        orphans: Object.keys(all).filter(r.isOrphan).sort().map(function (k) { return { label: k, value: r.orphanText(all[k], k) }; })
      };
    }

    /* Text as Markdown that shows it as it is: no raw HTML, link, emphasis or code; a line that
     * starts like a heading, list, quote, rule or code block stays a line of text. */
    function mdText(s) {
      return String(s)
        .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "&#124;")
        .replace(/[\\`*_{}\[\]]/g, "\\$&")
        .split(/\r?\n/).map(function (line) {
          return line
            .replace(/^[ \t]/, "&#32;")
            .replace(/^([#+=~-])/, function (m) { return "&#" + m.charCodeAt(0) + ";"; })
            .replace(/^(\d+)([.)])/, function (m, d, p) { return d + "&#" + p.charCodeAt(0) + ";"; });
        }).join("\n");
    }

    function markdown() {
      var m = recordModel();
      var out = ["# " + mdText(title(m)), "", mdText(t("made-md", { site: m.site, date: m.date })), ""];
      m.sections.forEach(function (sec) {
        out.push("## " + mdText(sec.title), "");
        sec.entries.forEach(function (e) {
          out.push("### " + mdText(e.title), "");
          e.items.forEach(function (it) {
            out.push("**" + mdText(it.label) + "**", "", mdText(it.value).replace(/\n/g, "  \n"), "");
          });
          e.groups.forEach(function (g) {
            if (g.title) out.push("#### " + mdText(g.title), "");
            g.entries.forEach(function (r) {
              out.push("**" + mdText(r.title) + "**", "");
              r.items.forEach(function (it) { if (it.value) out.push("- " + mdText(t("label-value", { label: it.label, value: it.value.replace(/\r?\n/g, " ") }))); });
              out.push("");
            });
          });
        });
      });
      if (m.snapshots.length) {
        out.push("## " + mdText(t("export-progress")), "");
        m.snapshots.forEach(function (s) {
          out.push("### " + mdText(s.title), "");
          s.rows.forEach(function (r) {
            out.push("- " + mdText(t("label-value", { label: r[0], value: r.slice(1).map(function (v, i) {
              return t("label-value", { label: s.head[i + 1], value: v });
            }).join("; ") })));
          });
          out.push("");
        });
      }
      if (m.orphans.length) {
        out.push("## " + mdText(t("export-orphans")), "");
        m.orphans.forEach(function (o) { out.push("- " + mdText(t("label-value", { label: o.label, value: o.value.replace(/\r?\n/g, " ") }))); });
      }
      return out.join("\n") + "\n";
    }

    /* The same record as blocks for the document for a meeting (learning-record-docx.js) */
    function docBlocks() {
      var m = recordModel(), b = [];
      b.push({ type: "title", text: title(m) });
      b.push({ type: "muted", text: t("made-docx", { site: m.site, date: m.date }) });
      if (!m.sections.length && !m.snapshots.length) b.push({ type: "p", text: t("docx-nothing") });
      m.sections.forEach(function (sec) {
        b.push({ type: "h1", text: sec.title });
        sec.entries.forEach(function (e) {
          b.push({ type: "h2", text: e.title });
          e.items.forEach(function (it) { b.push({ type: "label", text: it.label }, { type: "p", text: it.value }); });
          e.groups.forEach(function (g) {
            if (g.title) b.push({ type: "h3", text: g.title });
            g.entries.forEach(function (r) {
              b.push({ type: "label", text: r.title });
              r.items.forEach(function (it) { if (it.value) b.push({ type: "p", text: t("label-value", { label: it.label, value: it.value }) }); });
            });
          });
        });
      });
      if (m.snapshots.length) {
        b.push({ type: "h1", text: t("export-progress") });
        m.snapshots.forEach(function (s) { b.push({ type: "h2", text: s.title }, { type: "table", head: s.head, rows: s.rows }); });
      }
      if (m.orphans.length) {
        b.push({ type: "h1", text: t("export-orphans") });
        m.orphans.forEach(function (o) { b.push({ type: "label", text: o.label }, { type: "p", text: o.value }); });
      }
      return b;
    }

    /* learning-record-docx.js, from the site's own folder, the first time it is needed */
    function withDocx(then) {
      if (hb.docx) { then(); return; }
      var s = node("script");
      try { s.src = new URL("learning-record-docx.js", HERE).href; } catch (e) { failed(); return; }
      s.onload = function () { if (hb.docx) then(); else failed(); };
      s.onerror = failed;
      document.head.appendChild(s);
      function failed() { say(t("docx-missing")); }
    }

    function title(m) { return m.name ? t("record-title-named", { name: m.name }) : t("record-title"); }

    function fileName(ext) { return t("file-name", { handbook: store.namespace, date: today() }) + "." + ext; }

    return {
      markdown: function () {
        store.download(fileName("md"), "text/markdown", markdown());
        say(t("md-downloaded"));
      },
      docx: function () {
        store.flush();
        withDocx(function () {
          store.download(fileName("docx"), hb.docx.TYPE, hb.docx.build(docBlocks(), { label: t("docx-style-label"), muted: t("docx-style-note") }, hb.language()));
          say(t("docx-downloaded"));
        });
      }
    };
  }

  /* The import part: bringing answers back into the learning record: a backup file (JSON) to
   * restore, and the copies kept aside in this browser (unreadable, newer or unusable stored answers)
   * to download, restore or delete. Always checked, previewed and merged or replaced on request,
   * never silently. */
  function importPart(r) {
    var root = r.root, manifest = r.manifest, NAME = r.NAME, SNAPS = r.SNAPS, fields = r.fields, rowsDefs = r.rowsDefs;
    var itemName = r.itemName, say = r.say, ask = r.ask, t = r.t, plural = r.plural;

    /* Snapshots: a list of rows, each dated, each rating one of its item's choices. */
    function badSnapshots(v) {
      if (!Array.isArray(v)) return t("why-snapshots-not-list", { key: SNAPS });
      for (var i = 0; i < v.length; i++) {
        var r = v[i];
        if (typeof r.date !== "string" || isNaN(new Date(r.date).getTime())) return t("why-snapshot-no-date", { number: i + 1 });
        var ks = Object.keys(r);
        for (var j = 0; j < ks.length; j++) {
          var f = fields[ks[j]], val = r[ks[j]];
          if (f && f.options && !f.options.some(function (o) { return o.id === val; })) {
            return t("why-snapshot-not-a-choice", { number: i + 1, item: itemName(f), value: JSON.stringify(val).slice(0, 80) });
          }
        }
      }
      return null;
    }

    /* Each imported answer must fit its field: a rating one of the item's scale, a tick a tick,
     * rows a list. Returns got, or {reason} naming the item (or storage's {error}). */
    function checked(got) {
      if (got.error) return got;
      var a = got.answers, keys = Object.keys(a);
      for (var i = 0; i < keys.length; i++) {
        var k = keys[i], v = a[k], f = fields[k], why = null;
        if (k === NAME) { if (typeof v !== "string") why = t("why-name-not-text", { key: k }); }
        else if (k === SNAPS) why = badSnapshots(v);
        else if (rowsDefs[k] && !Array.isArray(v)) why = t("why-rows-not-list", { label: rowsDefs[k].label.toLowerCase(), key: k });
        else if (f && f.options) {
          var ok = typeof v === "string" && f.options.some(function (o) { return o.id === v; });
          if (!ok) why = t("why-not-a-choice", { item: itemName(f), key: k, value: JSON.stringify(v).slice(0, 80),
            choices: f.options.map(function (o) { return o.label; }).join(", ") });
        } else if (f && f.type === "check" && v !== true) why = t("why-not-a-tick", { item: itemName(f), key: k });
        else if (f && f.type !== "check" && typeof v !== "string") why = t("why-not-text", { item: itemName(f), key: k });
        if (why) return { reason: why };
      }
      return got;
    }

    function describeChanges(next) {
      var cur = store.all(), added = 0, changed = 0, removed = 0;
      Object.keys(next).forEach(function (k) {
        if (!has(cur, k)) added++;
        else if (JSON.stringify(cur[k]) !== JSON.stringify(next[k])) changed++;
      });
      Object.keys(cur).forEach(function (k) { if (!has(next, k)) removed++; });
      return { added: added, changed: changed, removed: removed, same: Object.keys(next).length - added - changed };
    }

    /* Merge: every answer kept; the file's answer wins where both have one; lists (targets, log
     * entries, snapshots) are combined row by row (same id: the file's row). */
    function merged(next) {
      var out = store.all();
      Object.keys(next).forEach(function (k) {
        if (Array.isArray(next[k]) && Array.isArray(out[k])) {
          var rows = out[k].slice(), at = dict();
          rows.forEach(function (r, i) { at[r.id] = i; });
          next[k].forEach(function (r) { if (has(at, r.id)) rows[at[r.id]] = r; else rows.push(r); });
          out[k] = rows;
        } else out[k] = next[k];
      });
      return out;
    }

    /* Ask how to bring in a set of answers (a backup file or a copy kept aside), then do it. */
    /* what: "file" (a backup file) or "copy" (a copy kept aside): the texts' names say which. */
    function offer(title, got, what, intro, from) {
      store.sync();
      var d = describeChanges(got.answers), n = Object.keys(got.answers).length, cur = Object.keys(store.all()).length;
      var lines = [
        intro,
        plural("changes-" + what, d.removed, { added: d.added, changed: d.changed, same: d.same, removed: d.removed }),
        plural("merge-" + what, cur, { count: cur }),
        d.removed ? plural("replace-" + what, d.removed, { count: d.removed }) : t("replace-" + what)
      ];
      var left = store.tooLongNote(got.tooLong, t("too-long-file"));
      if (left) lines.push(left);
      function done(how, ok) {
        var now = Object.keys(store.all()).length;
        say(ok ? plural(how + "-" + what, n, { count: n }) + " " + plural("now-have", now, { count: now }) : t(how + "-unsaved"));
      }
      ask(title, lines, t("merge"), function () { done("merged", store.replace(merged(got.answers))); },
        from, t("replace"), function () { done("replaced", store.replace(got.answers)); });
    }

    var importInput = root.querySelector("[data-hb-import]");
    var importButton = root.querySelector('[data-hb-action="import-pick"]');

    importInput.addEventListener("change", function () {
      var file = importInput.files && importInput.files[0];
      importInput.value = "";
      if (!file) return;
      if (file.size > store.MAX_IMPORT_BYTES) {
        say(t("import-file-too-large", { file: file.name }));
        return;
      }
      var reader = new FileReader();
      reader.onerror = function () { say(t("import-unreadable")); };
      reader.onload = function () {
        var got = checked(store.parseImport(String(reader.result), manifest.version));
        if (got.reason) { say(t("unchanged", { error: t("import-refused", { reason: got.reason }) })); return; }
        if (got.error) { say(t("unchanged", { error: got.error })); return; }
        var n = Object.keys(got.answers).length;
        offer(plural("import-title", n, { count: n, file: file.name }), got, "file", t("import-intro"), importButton);
      };
      reader.readAsText(file);
    });

    var backupBox = root.querySelector("[data-hb-backups]");
    /* the kinds of copy kept aside (storage.js): corrupt, newer, set-aside, readable */
    function kind(b) { return t("kind-" + b.kind); }

    function when(b) {
      return b.when ? hb.dateTime(b.when) : b.key.slice(store.prefix.length);
    }


    function backups() {
      if (!backupBox) return;
      var list = backupBox.querySelector("[data-hb-backup-list]");
      var items = store.backups();
      list.textContent = "";
      items.forEach(function (b) {
        var li = list.appendChild(node("li", "hb-record__backup"));
        li.setAttribute("data-hb-backup", b.key);
        var p = li.appendChild(node("p"));
        p.appendChild(node("strong", null, t("kept-on", { when: when(b) })));
        p.appendChild(document.createTextNode(t("kept-details", { kind: kind(b), size: hb.number(b.size), key: b.key })));
        var name = " " + t("copy-name", { when: when(b) });
        li.appendChild(hb.ui.button(t("download"), function () {
          store.download(b.key.replace(/[^A-Za-z0-9-]+/g, "-") + ".json", "application/json", b.text);
          say(t("copy-downloaded", { when: when(b) }));
        }, null, name));
        if (b.kind === "readable") li.appendChild(hb.ui.button(t("restore"), function (btn) { restore(b, btn); }, null, name));
        li.appendChild(hb.ui.button(t("delete"), function (btn) {
          ask(t("copy-delete-title", { when: when(b) }), [t("copy-delete-body"), t("copy-delete-advice")], t("copy-delete-yes"), function () {
            var ok = store.removeBackup(b.key);
            say(ok ? t("copy-deleted", { when: when(b) }) : t("copy-not-deleted"));
            var next = backupBox.hidden ? root.querySelector('[data-hb-action="export-json"]') : backupBox.querySelector("button") || root.querySelector('[data-hb-action="export-json"]');
            next.focus();
          }, btn);
        }, null, name));
      });
      backupBox.hidden = items.length === 0;
    }

    function restore(b, btn) {
      var got = checked(store.parseImport(b.text, manifest.version));
      if (got.reason) { say(t("unchanged", { error: t("restore-refused", { when: when(b), reason: got.reason }) })); return; }
      if (got.error) { say(t("unchanged", { error: t("restore-unreadable", { when: when(b), error: got.error }) })); return; }
      var n = Object.keys(got.answers).length;
      offer(plural("restore-title", n, { count: n, when: when(b) }), got, "copy", t("restore-intro"), btn);
    }

    return { pick: function () { importInput.click(); }, render: backups };
  }
})();
