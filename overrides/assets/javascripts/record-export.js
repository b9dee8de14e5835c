/* hb.record.export: what the learning record's downloads hold (the answered prompts, in the
 * record's order): Markdown, and "Download for a meeting" (.docx, written by record-docx.js, loaded
 * only when that button is pressed). A part of hb-learning-record (learning-record.js). */
(function () {
  "use strict";

  var hb = window.hb, store = hb.storage, ukDate = hb.ukDate, today = hb.today;
  /* record-docx.js sits beside this script (or beside the bundle that holds it) */
  var HERE = document.currentScript && document.currentScript.src;

  (hb.record = hb.record || {}).export = function (r, chart) {
    var manifest = r.manifest, NAME = r.NAME, shown = r.shown, answered = r.answered, say = r.say;

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
            items: got.map(function (f) { return { label: (f.item ? f.item + ": " : "") + f.label, value: shown(f.key, all[f.key]) }; }),
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
      var out = ["# My learning record" + (m.name ? ": " + mdText(m.name) : ""), "", mdText(m.site) + ", " + m.date + ".", ""];
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
              r.items.forEach(function (it) { if (it.value) out.push("- " + mdText(it.label) + ": " + mdText(it.value.replace(/\r?\n/g, " "))); });
              out.push("");
            });
          });
        });
      });
      if (m.snapshots.length) {
        out.push("## Progress over time", "");
        m.snapshots.forEach(function (t) {
          out.push("### " + mdText(t.title), "");
          t.rows.forEach(function (r) {
            out.push("- " + mdText(r[0]) + ": " + r.slice(1).map(function (v, i) { return mdText(t.head[i + 1] + ": " + v); }).join("; "));
          });
          out.push("");
        });
      }
      if (m.orphans.length) {
        out.push("## Answers to prompts no longer in the handbook", "");
        m.orphans.forEach(function (o) { out.push("- " + mdText(o.label + ": " + o.value.replace(/\r?\n/g, " "))); });
      }
      return out.join("\n") + "\n";
    }

    /* The same record as blocks for the document for a meeting (record-docx.js) */
    function docBlocks() {
      var m = recordModel(), b = [];
      b.push({ type: "title", text: "My learning record" + (m.name ? ": " + m.name : "") });
      b.push({ type: "muted", text: m.site + ", " + m.date });
      if (!m.sections.length && !m.snapshots.length) b.push({ type: "p", text: "Nothing has been answered yet." });
      m.sections.forEach(function (sec) {
        b.push({ type: "h1", text: sec.title });
        sec.entries.forEach(function (e) {
          b.push({ type: "h2", text: e.title });
          e.items.forEach(function (it) { b.push({ type: "label", text: it.label }, { type: "p", text: it.value }); });
          e.groups.forEach(function (g) {
            if (g.title) b.push({ type: "h3", text: g.title });
            g.entries.forEach(function (r) {
              b.push({ type: "label", text: r.title });
              r.items.forEach(function (it) { if (it.value) b.push({ type: "p", text: it.label + ": " + it.value }); });
            });
          });
        });
      });
      if (m.snapshots.length) {
        b.push({ type: "h1", text: "Progress over time" });
        m.snapshots.forEach(function (t) { b.push({ type: "h2", text: t.title }, { type: "table", head: t.head, rows: t.rows }); });
      }
      if (m.orphans.length) {
        b.push({ type: "h1", text: "Answers to prompts no longer in the handbook" });
        m.orphans.forEach(function (o) { b.push({ type: "label", text: o.label }, { type: "p", text: o.value }); });
      }
      return b;
    }

    /* record-docx.js, from the site's own folder, the first time it is needed */
    function withDocx(then) {
      if (hb.docx) { then(); return; }
      var src;
      try { src = new URL("record-docx.js", HERE).href; } catch (e) {
        var base = ".";
        try { base = JSON.parse(document.getElementById("__config").textContent).base || "."; } catch (e2) { /* the page's folder */ }
        src = base.replace(/\/$/, "") + "/assets/javascripts/record-docx.js";
      }
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { if (hb.docx) then(); else failed(); };
      s.onerror = failed;
      document.head.appendChild(s);
      function failed() { say("The document could not be made: a part of the handbook (record-docx.js) is missing. Use Print or save as PDF instead."); }
    }

    function fileName(ext) { return "learning-record-" + store.namespace + "-" + today() + "." + ext; }

    return {
      markdown: function () {
        store.download(fileName("md"), "text/markdown", markdown());
        say("Your record was downloaded as a Markdown file.");
      },
      docx: function () {
        store.flush();
        withDocx(function () {
          store.download(fileName("docx"), hb.docx.TYPE, hb.docx.build(docBlocks()));
          say("Your record was downloaded as a Word document (.docx), which opens in Word, LibreOffice and Google Docs.");
        });
      }
    };
  };
})();
