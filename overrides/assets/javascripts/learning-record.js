/* hb-learning-record: every answer saved in this browser, gathered from the build's manifest of
 * fields (inlined in the page, so it works from file:// too). Progress, the coach/mentor ratings
 * chart, print, export (JSON, Markdown), import (checked, previewed, never silent) and clear. */
(function () {
  "use strict";

  var store = window.hb.storage;
  var SVG = "http://www.w3.org/2000/svg";

  window.hb.register("hb-learning-record", function (root) {
    var manifestEl = document.getElementById("hb-manifest");
    var manifest = JSON.parse(manifestEl.textContent);
    var status = root.querySelector("[data-hb-record-status]");
    var fields = {};      /* key -> manifest field */
    var rowsDefs = {};    /* key -> rows definition */
    var sectionKeys = {}; /* section id -> [keys] */
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
      if (f && f.options) {
        for (var i = 0; i < f.options.length; i++) if (f.options[i].id === value) return f.options[i].label;
      }
      return String(value);
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
        var ol = document.createElement("ol");
        rows.forEach(function (row, i) {
          var li = document.createElement("li");
          var h = document.createElement("p");
          h.innerHTML = "<strong></strong>";
          h.firstChild.textContent = def.label + " " + (i + 1);
          li.appendChild(h);
          var dl = document.createElement("dl");
          def.columns.forEach(function (c) {
            var wrap = document.createElement("div");
            var dt = document.createElement("dt"), dd = document.createElement("dd");
            dt.textContent = c.label;
            dd.textContent = row[c.id] || "Not written yet";
            if (!row[c.id]) dd.className = "hb-record__empty";
            wrap.appendChild(dt); wrap.appendChild(dd); dl.appendChild(wrap);
          });
          li.appendChild(dl);
          ol.appendChild(li);
        });
        box.appendChild(ol);
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
      /* the chart (the page's heaviest drawing) after the first frame is shown: its frame is in the HTML */
      requestAnimationFrame(function () { setTimeout(function () { chart(all); }, 0); });
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

    function download(name, type, text) {
      var blob = new Blob([text], { type: type });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }

    function markdown() {
      var all = store.all(), out = ["# My learning record: " + document.title.split(" - ").pop(), "", "Exported " + today() + ".", ""];
      manifest.sections.forEach(function (sec) {
        var lines = [];
        sec.entries.forEach(function (e) {
          var got = e.fields.filter(function (f) { return answered(all[f.key]); });
          var rows = e.rows && Array.isArray(all[e.rows.key]) ? all[e.rows.key] : [];
          if (!got.length && !rows.length) return;
          lines.push("### " + e.title, "");
          got.forEach(function (f) {
            lines.push("**" + (f.item ? f.item + ": " : "") + f.label + "**", "", shown(f.key, all[f.key]).replace(/\r?\n/g, "  \n"), "");
          });
          rows.forEach(function (r, i) {
            lines.push("**" + e.rows.label + " " + (i + 1) + "**", "");
            e.rows.columns.forEach(function (c) { if (r[c.id]) lines.push("- " + c.label + ": " + r[c.id].replace(/\r?\n/g, " ")); });
            lines.push("");
          });
        });
        if (lines.length) out.push("## " + sec.title, "");
        out = out.concat(lines);
      });
      var orphanKeys = Object.keys(all).filter(function (k) { return !fields[k] && !rowsDefs[k]; });
      if (orphanKeys.length) {
        out.push("## Answers to prompts no longer in the handbook", "");
        orphanKeys.forEach(function (k) { out.push("- " + k + ": " + (Array.isArray(all[k]) ? JSON.stringify(all[k]) : shown(k, all[k]))); });
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
        if (!(k in cur)) added++;
        else if (JSON.stringify(cur[k]) !== JSON.stringify(next[k])) changed++;
      });
      Object.keys(cur).forEach(function (k) { if (!(k in next)) removed++; });
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
        download("learning-record-" + store.namespace + "-" + today() + ".json", "application/json",
          JSON.stringify(store.exportDoc(), null, 2));
        say("Your answers were exported as a JSON file.");
      }
      if (action === "export-md") {
        download("learning-record-" + store.namespace + "-" + today() + ".md", "text/markdown", markdown());
        say("Your record was exported as a Markdown file.");
      }
      if (action === "clear") {
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
        var got = store.parseImport(String(reader.result));
        if (got.error) { say(got.error + " Your answers are unchanged."); return; }
        var d = describeChanges(got.answers);
        ask("Import " + Object.keys(got.answers).length + " answers from " + file.name + "?", [
          "Importing replaces the answers saved in this browser with the ones in the file.",
          d.added + " new, " + d.changed + " changed, " + d.same + " the same, and " + d.removed +
            " answers you have now that are not in the file" + (d.removed ? " (they will be removed; export first to keep them)" : "") + "."
        ], "Yes, replace my answers", function () {
          var ok = store.replace(got.answers);
          say(ok ? "Imported " + Object.keys(got.answers).length + " answers from " + file.name + "."
                 : "Imported for this visit, but this browser could not save them.");
        }, importButton);
      };
      reader.readAsText(file);
    });

    store.onChange(function () { if (document.body.contains(root)) render(); });
    root.querySelector("[data-hb-actions]").hidden = false;
    root.querySelector("[data-hb-progress-panel]").hidden = false;
    render();
  });
})();
