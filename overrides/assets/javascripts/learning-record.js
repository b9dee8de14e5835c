/* hb-learning-record: every answer saved in this browser, gathered from the build's manifest of
 * fields (inlined in the page, so it works from file:// too). Progress, the coach/mentor ratings
 * chart, print, export (JSON, Markdown), import (checked, previewed, never silent) and clear. */
(function () {
  "use strict";

  var store = window.hb.storage;
  var SVG = "http://www.w3.org/2000/svg";
  var own = Object.prototype.hasOwnProperty;
  function has(o, k) { return own.call(o, k); }

  window.hb.register("hb-learning-record", function (root) {
    var manifestEl = document.getElementById("hb-manifest");
    var manifest = JSON.parse(manifestEl.textContent);
    var status = root.querySelector("[data-hb-record-status]");
    /* Maps without a prototype: an id such as "constructor" is a key like any other. */
    var fields = Object.create(null);      /* key -> manifest field */
    var rowsDefs = Object.create(null);    /* key -> rows definition */
    var sectionKeys = Object.create(null); /* section id -> [keys] */
    manifest.sections.forEach(function (sec) {
      var keys = sectionKeys[sec.id] = [];
      sec.entries.forEach(function (e) {
        e.fields.forEach(function (f) { fields[f.key] = f; keys.push(f.key); });
        if (e.rows) { rowsDefs[e.rows.key] = e.rows; keys.push(e.rows.key); }
      });
    });

    function shown(key, value) {
      var f = fields[key];
      if (value === true) return "Yes";
      if (typeof value !== "string") return JSON.stringify(value);
      if (f && f.options) {
        for (var i = 0; i < f.options.length; i++) if (f.options[i].id === value) return f.options[i].label;
      }
      return String(value);
    }

    function itemName(f) { return "\u201c" + (f.item ? f.item + ": " : "") + f.label + "\u201d"; }

    /* Each imported answer must fit its field: a rating one of the item's scale, a tick a tick,
     * rows a list. Returns got, or {error} naming the item. */
    function checked(got) {
      if (got.error) return got;
      var a = got.answers, keys = Object.keys(a);
      for (var i = 0; i < keys.length; i++) {
        var k = keys[i], v = a[k], f = fields[k], why = null;
        if (rowsDefs[k] && !Array.isArray(v)) why = "its answer to " + rowsDefs[k].label.toLowerCase() + "s ('" + k + "') is not a list of " + rowsDefs[k].label.toLowerCase() + "s";
        else if (f && f.options) {
          var ok = typeof v === "string" && f.options.some(function (o) { return o.id === v; });
          if (!ok) why = "its answer to " + itemName(f) + " ('" + k + "') is " + JSON.stringify(v).slice(0, 80) +
            ", which is not one of that item's choices (" + f.options.map(function (o) { return o.label; }).join(", ") + ")";
        } else if (f && f.type === "check" && v !== true) why = "its answer to " + itemName(f) + " ('" + k + "') is not a tick";
        else if (f && f.type !== "check" && typeof v !== "string") why = "its answer to " + itemName(f) + " ('" + k + "') is not text";
        if (why) return { error: "The file could not be imported because " + why + "." };
      }
      return got;
    }

    function answered(v) { return v !== undefined && v !== "" && !(Array.isArray(v) && !v.length); }

    /* ---- the answers, progress, rows, orphans */
    function render() {
      var all = store.all();
      document.querySelectorAll("[data-hb-answer]").forEach(function (dd) {
        var v = all[dd.getAttribute("data-hb-answer")];
        dd.textContent = answered(v) ? shown(dd.getAttribute("data-hb-answer"), v) : dd.getAttribute("data-hb-empty");
        dd.classList.toggle("hb-record__empty", !answered(v));
      });
      document.querySelectorAll("[data-hb-answer-rows]").forEach(function (box) {
        var key = box.getAttribute("data-hb-answer-rows"), def = rowsDefs[key], rows = all[key];
        box.textContent = "";
        if (!Array.isArray(rows) || !rows.length) {
          var p = document.createElement("p");
          p.className = "hb-record__empty";
          p.textContent = "No " + def.label.toLowerCase() + "s yet.";
          box.appendChild(p);
          return;
        }
        /* A coaching log's rows (def.log, hb-coaching-log): grouped by relationship, named by title and date. */
        var log = def.log && window.hb.coachingLog;
        var groups = log && def.group ? log.groups(def, rows, all) : [{ label: null, rows: rows }];
        groups.forEach(function (g) {
        var ol = document.createElement("ol");
        g.rows.forEach(function (row, i) {
          var li = document.createElement("li");
          var h = document.createElement("p");
          h.innerHTML = "<strong></strong>";
          h.firstChild.textContent = log ? log.rowTitle(def, row) : def.label + " " + (i + 1);
          li.appendChild(h);
          var dl = document.createElement("dl");
          def.columns.forEach(function (c) {
            var wrap = document.createElement("div");
            var dt = document.createElement("dt"), dd = document.createElement("dd");
            dt.textContent = c.label;
            dd.textContent = (log && c.type === "date" && log.ukDate(row[c.id])) || row[c.id] || "Not written yet";
            if (!row[c.id]) dd.className = "hb-record__empty";
            wrap.appendChild(dt); wrap.appendChild(dd); dl.appendChild(wrap);
          });
          li.appendChild(dl);
          ol.appendChild(li);
        });
        if (g.label === null) { box.appendChild(ol); return; }
        var wrapG = document.createElement("div"), title = document.createElement("p");
        wrapG.className = "hb-record__group";
        title.className = "hb-record__group-title";
        title.innerHTML = "<strong></strong>";
        title.firstChild.textContent = g.label;
        wrapG.appendChild(title); wrapG.appendChild(ol); box.appendChild(wrapG);
        });
      });
      var total = 0;
      Object.keys(sectionKeys).forEach(function (sid) {
        var n = sectionKeys[sid].filter(function (k) { return answered(all[k]); }).length;
        total += n;
        var cell = root.querySelector('[data-hb-progress="' + sid + '"]');
        if (cell) cell.textContent = String(n);
      });
      root.querySelector('[data-hb-progress="all"]').textContent = String(total);
      orphans(all);
      chart(all);
      backups();
    }

    function orphans(all) {
      var box = document.querySelector("[data-hb-orphans]");
      var list = box.querySelector("[data-hb-orphan-list]");
      list.textContent = "";
      var keys = Object.keys(all).filter(function (k) { return !fields[k] && !rowsDefs[k]; }).sort();
      keys.forEach(function (k) {
        var wrap = document.createElement("div"), dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = k;
        var v = all[k];
        dd.textContent = Array.isArray(v) ? v.map(function (r) {
          return Object.keys(r).filter(function (c) { return c !== "id"; }).map(function (c) { return c + ": " + r[c]; }).join("; ");
        }).join(" | ") : shown(k, v);
        wrap.appendChild(dt); wrap.appendChild(dd); list.appendChild(wrap);
      });
      box.hidden = keys.length === 0;
    }

    /* ---- the coach and mentor ratings side by side (SVG; the table beside it holds the same figures) */
    function chart(all) {
      var c = manifest.chart, host = document.querySelector("[data-hb-chart-svg]");
      if (!c || !host) return;
      var levels = c.levels.map(function (l) { return l.id; });
      var rowH = 34, labelW = 250, barW = 320, top = 28, w = labelW + barW + 20;
      var h = top + c.rows.length * rowH + 10;
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("viewBox", "0 0 " + w + " " + h);
      svg.setAttribute("class", "hb-chart");
      svg.setAttribute("role", "img");
      var rated = 0;
      function text(x, y, s, cls, anchor) {
        var t = document.createElementNS(SVG, "text");
        t.setAttribute("x", x); t.setAttribute("y", y);
        if (cls) t.setAttribute("class", cls);
        if (anchor) t.setAttribute("text-anchor", anchor);
        t.textContent = s;
        svg.appendChild(t);
      }
      c.levels.forEach(function (l, i) {
        var x = labelW + (i + 1) * barW / levels.length;
        var line = document.createElementNS(SVG, "line");
        line.setAttribute("x1", x); line.setAttribute("x2", x); line.setAttribute("y1", top - 6); line.setAttribute("y2", h - 6);
        line.setAttribute("class", "hb-chart__grid");
        svg.appendChild(line);
        text(x, top - 10, l.label, "hb-chart__level", "end");
      });
      var parts = [];
      c.rows.forEach(function (r, i) {
        var y = top + i * rowH;
        text(0, y + 20, r.a_label.length > 38 ? r.a_label.slice(0, 36) + "…" : r.a_label, "hb-chart__label");
        [["a", r.a, 4], ["b", r.b, 17]].forEach(function (s) {
          if (!s[1]) return;
          var idx = levels.indexOf(all[s[1]]);
          if (idx >= 0) rated++;
          var rect = document.createElementNS(SVG, "rect");
          rect.setAttribute("x", labelW); rect.setAttribute("y", y + s[2]);
          rect.setAttribute("height", 11);
          rect.setAttribute("width", idx >= 0 ? (idx + 1) * barW / levels.length : 0);
          rect.setAttribute("class", "hb-chart__bar hb-chart__bar--" + s[0]);
          svg.appendChild(rect);
        });
        parts.push(r.a_label + ": coach " + (shownLevel(all[r.a]) || "not rated") + ", mentor " + (r.b ? shownLevel(all[r.b]) || "not rated" : "no pair"));
      });
      function shownLevel(v) { var i = levels.indexOf(v); return i >= 0 ? c.levels[i].label : ""; }
      var title = document.createElementNS(SVG, "title");
      title.textContent = "Bar chart of your coach ratings (upper bars) and mentor ratings (lower bars). " +
        (rated ? parts.join(". ") + "." : "You have not rated anything yet.");
      svg.insertBefore(title, svg.firstChild);
      host.textContent = "";
      var key = document.createElement("p");
      key.className = "hb-chart__key";
      key.innerHTML = '<span class="hb-chart__swatch hb-chart__swatch--a"></span> <span></span> <span class="hb-chart__swatch hb-chart__swatch--b"></span> <span></span>';
      key.children[1].textContent = c.a_title;
      key.children[3].textContent = c.b_title;
      host.appendChild(key);
      host.appendChild(svg);
    }

    /* ---- downloads */
    function today() { return new Date().toISOString().slice(0, 10); }

    var download = store.download;

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
      var all = store.all(), out = ["# My learning record: " + mdText(document.title.split(" - ").pop()), "", "Exported " + today() + ".", ""];
      manifest.sections.forEach(function (sec) {
        var lines = [];
        sec.entries.forEach(function (e) {
          var got = e.fields.filter(function (f) { return answered(all[f.key]); });
          var rows = e.rows && Array.isArray(all[e.rows.key]) ? all[e.rows.key] : [];
          if (!got.length && !rows.length) return;
          lines.push("### " + mdText(e.title), "");
          got.forEach(function (f) {
            lines.push("**" + mdText((f.item ? f.item + ": " : "") + f.label) + "**", "", mdText(shown(f.key, all[f.key])).replace(/\n/g, "  \n"), "");
          });
          var log = e.rows && e.rows.log && window.hb.coachingLog;
          (log && e.rows.group ? log.groups(e.rows, rows, all) : [{ label: null, rows: rows }]).forEach(function (g) {
          if (g.label !== null) lines.push("#### " + mdText(g.label), "");
          g.rows.forEach(function (r, i) {
            lines.push("**" + mdText(log ? log.rowTitle(e.rows, r) : e.rows.label + " " + (i + 1)) + "**", "");
            e.rows.columns.forEach(function (c) { if (r[c.id]) lines.push("- " + mdText(c.label) + ": " + mdText(r[c.id].replace(/\r?\n/g, " "))); });
            lines.push("");
          });
          });
        });
        if (lines.length) out.push("## " + mdText(sec.title), "");
        out = out.concat(lines);
      });
      var orphanKeys = Object.keys(all).filter(function (k) { return !fields[k] && !rowsDefs[k]; });
      if (orphanKeys.length) {
        out.push("## Answers to prompts no longer in the handbook", "");
        orphanKeys.forEach(function (k) { out.push("- " + mdText(k + ": " + (Array.isArray(all[k]) ? JSON.stringify(all[k]) : shown(k, all[k])).replace(/\r?\n/g, " "))); });
      }
      return out.join("\n") + "\n";
    }

    /* ---- confirmation panel (import, clear): nothing changes until the user says so */
    var confirmBox = root.querySelector("[data-hb-confirm]");
    var yes = confirmBox.querySelector("[data-hb-confirm-yes]");
    var no = confirmBox.querySelector("[data-hb-confirm-no]");
    var onYes = null, returnFocus = null;

    function ask(title, body, yesLabel, action, from) {
      confirmBox.querySelector("[data-hb-confirm-title]").textContent = title;
      var b = confirmBox.querySelector("[data-hb-confirm-body]");
      b.textContent = "";
      body.forEach(function (line) {
        var p = document.createElement("p");
        p.textContent = line;
        b.appendChild(p);
      });
      yes.textContent = yesLabel;
      onYes = action;
      returnFocus = from;
      confirmBox.hidden = false;
      yes.focus();
    }

    function closeAsk() {
      confirmBox.hidden = true;
      onYes = null;
      if (returnFocus) returnFocus.focus();
    }

    yes.addEventListener("click", function () { var f = onYes; closeAsk(); if (f) f(); });
    no.addEventListener("click", function () { closeAsk(); say("Nothing was changed."); });
    confirmBox.addEventListener("keydown", function (e) { if (e.key === "Escape") { closeAsk(); say("Nothing was changed."); } });

    function say(msg) { status.textContent = msg; }

    function describeChanges(next) {
      var cur = store.all(), added = 0, changed = 0, removed = 0;
      Object.keys(next).forEach(function (k) {
        if (!has(cur, k)) added++;
        else if (JSON.stringify(cur[k]) !== JSON.stringify(next[k])) changed++;
      });
      Object.keys(cur).forEach(function (k) { if (!has(next, k)) removed++; });
      return { added: added, changed: changed, removed: removed, same: Object.keys(next).length - added - changed };
    }

    var importInput = root.querySelector("[data-hb-import]");
    var importButton = root.querySelector('[data-hb-action="import-pick"]');

    root.querySelector("[data-hb-actions]").addEventListener("click", function (e) {
      var btn = e.target.closest("[data-hb-action]");
      if (!btn) return;
      var action = btn.getAttribute("data-hb-action");
      if (action === "print") { store.flush(); window.print(); }
      if (action === "import-pick") importInput.click();
      if (action === "export-json") {
        store.flush();
        store.downloadAll(manifest.version);
        say("Your answers were exported as a JSON file.");
      }
      if (action === "export-md") {
        download("learning-record-" + store.namespace + "-" + today() + ".md", "text/markdown", markdown());
        say("Your record was exported as a Markdown file.");
      }
      if (action === "clear") {
        store.sync();
        var n = Object.keys(store.all()).length;
        if (!n) { say("There are no answers to clear."); return; }
        ask("Clear all " + n + " answers?", [
          "This deletes every answer saved in this browser for this handbook. It cannot be undone.",
          "If you may want them again, cancel and use Export answers first."
        ], "Yes, clear all my answers", function () {
          store.replace({});
          say("All your answers were cleared.");
        }, btn);
      }
    });

    importInput.addEventListener("change", function () {
      var file = importInput.files && importInput.files[0];
      importInput.value = "";
      if (!file) return;
      if (file.size > store.MAX_IMPORT_BYTES) {
        say("The file " + file.name + " was not imported: it is too large to be a set of answers from this handbook (over 5 MB). Your answers are unchanged.");
        return;
      }
      var reader = new FileReader();
      reader.onerror = function () { say("The file could not be read. Your answers are unchanged."); };
      reader.onload = function () {
        var got = checked(store.parseImport(String(reader.result), manifest.version));
        if (got.error) { say(got.error + " Your answers are unchanged."); return; }
        store.sync();
        var d = describeChanges(got.answers);
        var lines = [
          "Importing replaces the answers saved in this browser with the ones in the file.",
          d.added + " new, " + d.changed + " changed, " + d.same + " the same, and " + d.removed +
            " answers you have now that are not in the file" + (d.removed ? " (they will be removed; export first to keep them)" : "") + "."
        ];
        var left = store.tooLongNote(got.tooLong, "The file itself is not changed: keep it for their full text.");
        if (left) lines.push(left);
        ask("Import " + Object.keys(got.answers).length + " answers from " + file.name + "?", lines, "Yes, replace my answers", function () {
          var ok = store.replace(got.answers);
          say(ok ? "Imported " + Object.keys(got.answers).length + " answers from " + file.name + "."
                 : "Imported for this visit, but this browser could not save them.");
        }, importButton);
      };
      reader.readAsText(file);
    });

    /* ---- copies kept aside in this browser (unreadable, newer or unusable stored answers) */
    var backupBox = root.querySelector("[data-hb-backups]");
    var KINDS = {
      corrupt: "saved answers that could not be read. They cannot be restored; download the copy to keep it.",
      newer: "saved answers made by a newer version of the handbook, which this version cannot read. Download the copy to keep it, or open it with the newer version.",
      "set-aside": "saved answers, one or more of which the handbook could not use (longer than it keeps, or not an answer). The others are in your record already; download the copy to keep the whole text.",
      readable: "a complete set of saved answers, which you can restore."
    };

    function when(b) {
      return b.when ? b.when.toLocaleString("en-GB", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" })
                    : b.key.slice(store.prefix.length);
    }

    function button(text, hidden, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "md-button";
      b.textContent = text;
      var h = document.createElement("span");
      h.className = "hb-visually-hidden";
      h.textContent = hidden;
      b.appendChild(h);
      b.addEventListener("click", function () { action(b); });
      return b;
    }

    function backups() {
      if (!backupBox) return;
      var list = backupBox.querySelector("[data-hb-backup-list]");
      var items = store.backups();
      list.textContent = "";
      items.forEach(function (b) {
        var li = document.createElement("li");
        li.className = "hb-record__backup";
        li.setAttribute("data-hb-backup", b.key);
        var p = document.createElement("p");
        var strong = document.createElement("strong");
        strong.textContent = "Kept on " + when(b);
        p.appendChild(strong);
        p.appendChild(document.createTextNode(": " + KINDS[b.kind] + " " + b.size.toLocaleString("en-GB") +
          " characters, under the name '" + b.key + "'."));
        li.appendChild(p);
        var name = " the copy kept on " + when(b);
        li.appendChild(button("Download", name, function () {
          download(b.key.replace(/[^A-Za-z0-9-]+/g, "-") + ".json", "application/json", b.text);
          say("The copy kept on " + when(b) + " was downloaded.");
        }));
        if (b.kind === "readable") li.appendChild(button("Restore", name, function (btn) { restore(b, btn); }));
        li.appendChild(button("Delete", name, function (btn) {
          ask("Delete the copy kept on " + when(b) + "?", [
            "This removes the copy from this browser. It cannot be undone.",
            "If you may want it again, cancel and download it first."
          ], "Yes, delete this copy", function () {
            var ok = store.removeBackup(b.key);
            say(ok ? "The copy kept on " + when(b) + " was deleted." : "The copy could not be deleted.");
            var next = backupBox.hidden ? root.querySelector('[data-hb-action="export-json"]') : backupBox.querySelector("button") || root.querySelector('[data-hb-action="export-json"]');
            next.focus();
          }, btn);
        }));
        list.appendChild(li);
      });
      backupBox.hidden = items.length === 0;
    }

    function restore(b, btn) {
      var got = checked(store.parseImport(b.text, manifest.version));
      if (got.error) { say(got.error.replace("The file could not be imported", "The copy kept on " + when(b) + " cannot be restored") + " Your answers are unchanged."); return; }
      store.sync();
      var d = describeChanges(got.answers);
      ask("Restore " + Object.keys(got.answers).length + " answers from the copy kept on " + when(b) + "?", [
        "Restoring replaces the answers saved in this browser with the ones in this copy. The copy stays in the list until you delete it.",
        d.added + " new, " + d.changed + " changed, " + d.same + " the same, and " + d.removed +
          " answers you have now that are not in the copy" + (d.removed ? " (they will be removed; export first to keep them)" : "") + "."
      ], "Yes, restore this copy", function () {
        var ok = store.replace(got.answers);
        say(ok ? "Restored " + Object.keys(got.answers).length + " answers from the copy kept on " + when(b) + "."
               : "Restored for this visit, but this browser could not save them.");
      }, btn);
    }

    store.onChange(function () { if (document.body.contains(root)) render(); });
    root.querySelector("[data-hb-actions]").hidden = false;
    root.querySelector("[data-hb-progress-panel]").hidden = false;
    render();
  });
})();
