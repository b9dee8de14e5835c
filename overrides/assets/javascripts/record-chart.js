/* hb.record.chart: the learning record's coach and mentor ratings side by side, its summary in
 * words, and snapshots of the ratings over time (kept in the answers document, so in the backup
 * file). A part of hb-learning-record (learning-record.js), which calls it with the shared record r. */
(function () {
  "use strict";

  var hb = window.hb, store = hb.storage, ukDate = hb.ukDate;

  (hb.record = hb.record || {}).chart = function (r) {
    var root = r.root, manifest = r.manifest, SNAPS = r.SNAPS, fields = r.fields, entryOf = r.entryOf, has = r.has, dict = r.dict;
    var shown = r.shown, answered = r.answered, say = r.say, ask = r.ask;

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
        el.textContent = i >= 0 ? c.levels[i].label : "Not rated";
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
      [["a", "As a coach"], ["b", "As a mentor"]].forEach(function (side) {
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
        var s = side[1] + " you have rated " + rated.length + " of " + total + " items";
        if (hi === lo) s += ", all " + c.levels[hi].label + ".";
        else s += ": strongest " + names(hi) + " (" + c.levels[hi].label + "); most to develop " + names(lo) + " (" + c.levels[lo].label + ").";
        out.push(s);
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
        out.push("Since your first snapshot (" + ukDate(first.date) + "): " + up + " rating" + (up === 1 ? "" : "s") + " up, " + down + " down and " + same + " the same.");
      }
      return out.join(" ");
    }

    function list(names) {
      if (names.length < 2) return names.join("");
      return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
    }

    /* ---- snapshots of self-ratings, kept in the answers document (so in the backup file) */
    var snapBox = root.ownerDocument.querySelector("[data-hb-snapshots]");

    /* [{title, head: [...], rows: [[item, first, latest, now]]}] per form, for ratings that changed or were snapshotted */
    function snapTables(all) {
      var snaps = snapList(all);
      if (!snaps.length) return [];
      var first = snaps[0], latest = snaps.length > 1 ? snaps[snaps.length - 1] : null;
      var head = ["Item", "First snapshot, " + ukDate(first.date)];
      if (latest) head.push("Latest snapshot, " + ukDate(latest.date));
      head.push("Now");
      var byEntry = [], index = dict();
      manifest.snapshot_keys.forEach(function (k) {
        var inFirst = has(first, k), inLatest = latest && has(latest, k);
        if (!inFirst && !inLatest && !answered(all[k])) return;
        var e = entryOf[k];
        if (!has(index, e.id)) { index[e.id] = { title: e.title, head: head, rows: [] }; byEntry.push(index[e.id]); }
        var f = fields[k], row = [(f.item || f.label)];
        row.push(inFirst ? shown(k, first[k]) : "Not rated");
        if (latest) row.push(inLatest ? shown(k, latest[k]) : "Not rated");
        row.push(answered(all[k]) ? shown(k, all[k]) : "Not rated");
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
      var p = document.createElement("p");
      p.textContent = snaps.length ? "You have saved " + snaps.length + " snapshot" + (snaps.length === 1 ? "" : "s") + ": " +
        list(snaps.map(function (s) { return ukDate(s.date); })) + "." : "You have not saved a snapshot yet.";
      box.appendChild(p);
      if (!snaps.length) return;
      var ul = document.createElement("ul");
      ul.className = "hb-record__snapshot-list";
      snaps.forEach(function (s) {
        var li = document.createElement("li");
        var n = Object.keys(s).filter(function (k) { return k !== "id" && k !== "date"; }).length;
        li.appendChild(document.createTextNode(ukDate(s.date) + ": " + n + " rating" + (n === 1 ? "" : "s") + " "));
        li.appendChild(hb.ui.button("Delete", function (btn) {
          ask("Delete the snapshot of " + ukDate(s.date) + "?", ["This removes the snapshot from your record. Your ratings now are not changed."],
            "Yes, delete this snapshot", function () {
              var rest = (Array.isArray(store.get(SNAPS)) ? store.get(SNAPS) : []).filter(function (x) { return x.id !== s.id; });
              store.set(SNAPS, rest);
              store.flush();
              say("The snapshot of " + ukDate(s.date) + " was deleted.");
              snapBox.querySelector("[data-hb-snapshot-save]").focus();
            }, btn);
        }, null, " the snapshot of " + ukDate(s.date)));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      snapTables(all).forEach(function (t) {
        var table = document.createElement("table");
        table.className = "hb-record__snapshot-table";
        var cap = table.createCaption();
        cap.textContent = t.title;
        var tr = table.createTHead().insertRow();
        t.head.forEach(function (h) { var th = document.createElement("th"); th.scope = "col"; th.textContent = h; tr.appendChild(th); });
        var tb = table.createTBody();
        t.rows.forEach(function (r) {
          var row = tb.insertRow();
          r.forEach(function (cell, i) {
            var el = document.createElement(i ? "td" : "th");
            if (!i) el.scope = "row";
            el.textContent = cell;
            row.appendChild(el);
          });
        });
        box.appendChild(table);
      });
    }

    if (snapBox) snapBox.querySelector("[data-hb-snapshot-save]").addEventListener("click", function () {
      var all = store.all(), row = dict(), n = 0;
      row.id = "snapshot-" + Date.now().toString(36);
      row.date = new Date().toISOString();
      manifest.snapshot_keys.forEach(function (k) { if (typeof all[k] === "string" && all[k]) { row[k] = all[k]; n++; } });
      if (!n) { say("There is nothing to keep in a snapshot yet: rate yourself first (the coach and mentor self-assessments, or the review against the ten principles)."); return; }
      var rows = snapList(all).concat([row]);
      store.set(SNAPS, rows);
      store.flush();
      say("Snapshot saved: " + n + " rating" + (n === 1 ? "" : "s") + " on " + ukDate(row.date) + ".");
    });

    return {
      render: function (all) { chart(all); snapshots(all); },
      snapTables: snapTables
    };
  };
})();
