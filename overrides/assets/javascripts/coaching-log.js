/* hb-coaching-log: several dated entries (contracting agreements, GROW plans, session notes) for each
 * coaching relationship, and a reflective journal. Entries are rows in the answers document
 * (LOG.KIND: [{id, relationship?, date, <column>: text}], LOG.relationships: [{id, label}]), written
 * through hb.storage. Every change is a patch (add, remove or set one column of one row) applied to
 * the rows as stored at the moment of writing, so two tabs adding or editing entries keep each
 * other's work. Without JavaScript the page is a printable worksheet. */
(function () {
  "use strict";

  var hb = window.hb, store = hb.storage;

  /* A text of the log's, from the catalogue (data/ui.yml, coaching-log: script:), written on the
   * footer of the pages that show entries (the log and the learning record). */
  function say(name, values) { return hb.text(null, name, values); }

  /* "name: title, date", "name: title", "name, date" or "name" (an entry, or a button acting on one). */
  function titled(name, title, date) {
    if (title && date) return say("titled-dated", { name: name, title: title, date: date });
    if (title) return say("titled", { name: name, title: title });
    if (date) return say("dated", { name: name, date: date });
    return name;
  }

  function unnamed(label) { return say("unnamed", { label: label.toLowerCase() }); }

  function newId() { return "e" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }

  function copyRow(r) {
    var o = Object.create(null);
    Object.keys(r).forEach(function (k) { o[k] = r[k]; });
    return o;
  }

  function rowsOf(key) {
    var v = store.get(key);
    return Array.isArray(v) ? v.filter(function (r) { return r && typeof r.id === "string"; }).map(copyRow) : [];
  }

  /* What an entry is called: "GROW plan: Planning the trip, 25 November 2026". */
  function entryParts(titleColumn, row) {
    return {
      title: titleColumn && row[titleColumn] ? row[titleColumn].trim() : "",
      date: /^\d{4}-\d\d-\d\d$/.test(row.date || "") ? hb.ukDate(row.date) : ""
    };
  }

  function entryName(label, titleColumn, row) {
    var p = entryParts(titleColumn, row);
    return titled(label, p.title, p.date);
  }

  /* For the learning record (learning-record.js): a log's rows grouped by relationship, in the
   * relationships' order; rows whose relationship is gone come last. [{label, rows}] */
  function groups(def, rows, all) {
    var rels = Array.isArray(all[def.group.key]) ? all[def.group.key] : [];
    var out = [], by = Object.create(null);
    rels.forEach(function (r) {
      if (!r || typeof r.id !== "string" || by[r.id]) return;
      by[r.id] = { label: r[def.group.label_column] || unnamed(def.group.label), rows: [] };
      out.push(by[r.id]);
    });
    var lost = { label: say("lost-group", { label: def.group.label.toLowerCase() }), rows: [] };
    rows.forEach(function (row) {
      var g = by[row[def.group.column]];
      (g || lost).rows.push(row);
    });
    if (lost.rows.length) out.push(lost);
    return out.filter(function (g) { return g.rows.length; });
  }

  hb.coachingLog = {
    groups: groups,
    rowTitle: function (def, row) { return entryName(def.label, def.title_column, row); }
  };

  hb.register("hb-coaching-log", function (root, teardown) {
    var relKey = root.getAttribute("data-hb-rel-key");
    var relLabel = root.getAttribute("data-hb-rel-label");
    var status = root.querySelector("[data-hb-log-status]");
    var relBox = root.querySelector("[data-hb-log-relationships]");
    var relTemplate = root.querySelector("template[data-hb-log-rel-template]");
    var kinds = Object.create(null), kindList = [];
    root.querySelectorAll("template[data-hb-log-template]").forEach(function (t) {
      var k = {
        key: t.getAttribute("data-hb-log-template"), label: t.getAttribute("data-hb-log-label"),
        titleColumn: t.getAttribute("data-hb-log-title-column"), grouped: t.getAttribute("data-hb-log-grouped") === "yes",
        template: t, list: root.querySelector('[data-hb-log-entries="' + t.getAttribute("data-hb-log-template") + '"]')
      };
      kinds[k.key] = k;
      kindList.push(k);
    });
    var serial = 0;
    var pending = [];
    var timer = null;

    /* ---- writing: patches applied to the rows as stored now */
    function apply(rows, op) {
      var i;
      for (i = 0; i < rows.length; i++) if (rows[i].id === op.id) break;
      if (op.op === "add") {
        if (i === rows.length) rows.splice(Math.min(op.index === undefined ? rows.length : op.index, rows.length), 0, copyRow(op.row));
      } else if (op.op === "remove") {
        if (i < rows.length) rows.splice(i, 1);
      } else if (i < rows.length) {
        if (op.value === "") delete rows[i][op.col]; else rows[i][op.col] = op.value;
      }
    }

    function commit() {
      if (timer) { clearTimeout(timer); timer = null; }
      if (!pending.length) return;
      var ops = pending, byKey = Object.create(null);
      pending = [];
      store.sync();
      ops.forEach(function (op) {
        if (!byKey[op.key]) byKey[op.key] = rowsOf(op.key);
        apply(byKey[op.key], op);
      });
      Object.keys(byKey).forEach(function (k) { store.set(k, byKey[k]); });
      store.flush();
    }

    function change(op, now) {
      if (op.op === "set") {
        pending = pending.filter(function (p) { return !(p.op === "set" && p.key === op.key && p.id === op.id && p.col === op.col); });
      }
      pending.push(op);
      if (now) commit();
      else {
        if (timer) clearTimeout(timer);
        timer = setTimeout(commit, 400);
      }
    }

    /* The value a control should show: as stored, with this tab's waiting edits on top. */
    function wanted(key, row, col) {
      var v = row[col] || "";
      pending.forEach(function (p) { if (p.op === "set" && p.key === key && p.id === row.id && p.col === col) v = p.value; });
      return v;
    }

    /* ---- messages: one at a time, cleared when the next action starts */
    function tell(text, kind, undo) {
      status.className = "hb-log__status" + (kind ? " hb-log__status--" + kind : "");
      var b = hb.ui.tell(status, text, undo);
      if (b) b.focus();
    }

    /* ---- drawing: keep each entry's element (and the caret) and change only what differs */
    function fromTemplate(t) {
      var n = "n" + (++serial);
      var el = t.content.firstElementChild.cloneNode(true);
      [el].concat(Array.prototype.slice.call(el.querySelectorAll("*"))).forEach(function (e) {
        ["id", "for", "aria-describedby", "aria-labelledby", "name", "data-hb-key"].forEach(function (a) {
          var v = e.getAttribute(a);
          if (v && v.indexOf("ROW") !== -1) e.setAttribute(a, v.split("ROW").join(n));
        });
      });
      el.hbSerial = n;
      return el;
    }

    /* A button's name says which entry or relationship it acts on: its visible text, then the
     * entry's title and date. */
    function named(b, title, date) {
      if (!b.hbText) b.hbText = b.textContent.trim();
      if (title || date) b.setAttribute("aria-label", titled(b.hbText, title, date)); else b.removeAttribute("aria-label");
    }

    function place(box, els) {
      els.forEach(function (el, i) {
        if (box.children[i] !== el) box.insertBefore(el, box.children[i] || null);
      });
      while (box.children.length > els.length) box.removeChild(box.lastElementChild);
    }

    function drawEntry(k, row, old) {
      var el = old || fromTemplate(k.template);
      el.hbRow = row.id;
      el.hbKind = k.key;
      var prefix = k.key + "." + el.hbSerial + ".";
      el.querySelectorAll("[data-hb-key]").forEach(function (c) {
        var col = c.getAttribute("data-hb-key").slice(prefix.length);
        var v = wanted(k.key, row, col);
        if (c.type === "checkbox") { if (c.checked !== (v === "yes")) c.checked = v === "yes"; }
        else if (c !== document.activeElement && c.value !== v) c.value = v;
      });
      var parts = entryParts(k.titleColumn, row);
      el.querySelector("[data-hb-log-entry-title]").textContent = titled(k.label, parts.title, parts.date);
      named(el.querySelector("[data-hb-log-named]"), parts.title, parts.date);
      return el;
    }

    function entriesFor(k, rows, old) {
      return rows.map(function (row) { return drawEntry(k, row, old[k.key + "\n" + row.id]); });
    }

    function existing(box) {
      var m = Object.create(null);
      Array.prototype.forEach.call(box.children, function (el) { if (el.hbRow) m[el.hbKind + "\n" + el.hbRow] = el; });
      return m;
    }

    function render() {
      if (!root.isConnected) return;
      var rels = rowsOf(relKey);
      var known = Object.create(null);
      rels.forEach(function (r) { known[r.id] = true; });
      var oldRels = Object.create(null);
      Array.prototype.forEach.call(relBox.children, function (el) { oldRels[el.hbRow] = el; });
      var byRel = Object.create(null);
      kindList.forEach(function (k) {
        if (!k.grouped) return;
        rowsOf(k.key).forEach(function (row) {
          var rid = known[row.relationship] ? row.relationship : "";
          (byRel[rid] = byRel[rid] || []).push({ k: k, row: row });
        });
      });
      place(relBox, rels.map(function (r) {
        var sec = oldRels[r.id] || newRelationship();
        sec.hbRow = r.id;
        var input = sec.querySelector("[data-hb-log-rel-label]");
        var v = wanted(relKey, r, "label");
        if (input !== document.activeElement && input.value !== v) input.value = v;
        var shownLabel = v.trim() || unnamed(relLabel);
        sec.querySelector("[data-hb-log-rel-title]").textContent = shownLabel;
        sec.querySelectorAll("[data-hb-log-rel-named]").forEach(function (b) { named(b, shownLabel, ""); });
        var box = sec.querySelector("[data-hb-log-rel-entries]");
        var old = existing(box);
        var items = (byRel[r.id] || []).map(function (x) { return drawEntry(x.k, x.row, old[x.k.key + "\n" + x.row.id]); });
        place(box, items);
        box.hidden = !items.length;
        sec.querySelector("[data-hb-log-rel-empty]").hidden = !!items.length;
        return sec;
      }));
      kindList.forEach(function (k) {
        if (k.grouped || !k.list) return;
        var items = entriesFor(k, rowsOf(k.key), existing(k.list));
        place(k.list, items);
        k.list.hidden = !items.length;
      });
    }

    /* A relationship's section, with its question before it is removed (hb.ui.confirm: Cancel or
     * Escape keeps it and gives the focus back to its button, which says whether the question is open). */
    function newRelationship() {
      var sec = fromTemplate(relTemplate);
      var box = sec.querySelector("[data-hb-log-confirm]");
      sec.hbConfirm = hb.ui.confirm(box, {
        title: box.querySelector("[data-hb-log-confirm-text]"),
        yes: box.querySelector("[data-hb-log-confirm-yes]"), no: box.querySelector("[data-hb-log-confirm-no]"),
        opener: sec.querySelector('[data-hb-log-action="remove-relationship"]'),
        cancelled: function () { tell(""); }
      });
      return sec;
    }

    function askToRemove(sec) {
      var n = sec.querySelector("[data-hb-log-rel-entries]").children.length;
      sec.hbConfirm.open({
        title: hb.plural(null, "confirm-relationship", n, { name: sec.querySelector("[data-hb-log-rel-title]").textContent }),
        onYes: function () { removeRelationship(sec); }, focus: "no"
      });
    }

    /* After an undo, focus goes back to what was restored (the Undo button has gone). */
    function focusIn(key, id, sel) {
      var els = key === relKey ? relBox.children : root.querySelectorAll("[data-hb-log-entry]");
      var el = Array.prototype.filter.call(els, function (e) { return e.hbRow === id && (key === relKey || e.hbKind === key); })[0];
      var target = el && el.querySelector(sel);
      if (target) target.focus();
    }

    /* ---- actions */
    function entryOf(el) {
      while (el && el !== root && !el.hbRow) el = el.parentElement;
      return el && el !== root ? el : null;
    }

    function addRelationship() {
      var input = root.querySelector("[data-hb-log-new-label]");
      var label = input.value.trim();
      if (!label) {
        tell(say("need-label", { label: relLabel.toLowerCase() }), "error");
        input.focus();
        return;
      }
      var id = newId();
      change({ key: relKey, op: "add", id: id, row: { id: id, label: label } }, true);
      input.value = "";
      render();
      tell(say("added", { label: label }), "success");
    }

    function addEntry(k, relSection) {
      var id = newId();
      var row = { id: id, date: hb.today() };
      if (k.grouped) row.relationship = relSection.hbRow;
      change({ key: k.key, op: "add", id: id, row: row }, true);
      render();
      var box = k.grouped ? relSection.querySelector("[data-hb-log-rel-entries]") : k.list;
      var el = Array.prototype.filter.call(box.children, function (e) { return e.hbRow === id; })[0];
      if (el) {
        var first = el.querySelector("input, textarea");
        if (first) first.focus();
      }
    }

    function removeEntry(el) {
      var k = kinds[el.hbKind];
      var rows = rowsOf(k.key), index = 0, row = null;
      rows.forEach(function (r, i) { if (r.id === el.hbRow) { row = r; index = i; } });
      if (!row) return;
      pending.forEach(function (p) { if (p.op === "set" && p.key === k.key && p.id === row.id) { if (p.value === "") delete row[p.col]; else row[p.col] = p.value; } });
      var name = entryName(k.label, k.titleColumn, row);
      change({ key: k.key, op: "remove", id: row.id }, true);
      render();
      tell(say("removed-entry", { name: name }), "success", function () {
        change({ key: k.key, op: "add", id: row.id, row: row, index: index }, true);
        render();
        tell(say("restored-entry", { name: name }), "success");
        focusIn(k.key, row.id, "input, textarea");
      });
    }

    function removeRelationship(sec) {
      var rid = sec.hbRow, rels = rowsOf(relKey), rel = null, relIndex = 0;
      rels.forEach(function (r, i) { if (r.id === rid) { rel = r; relIndex = i; } });
      if (!rel) return;
      var removed = [];
      kindList.forEach(function (k) {
        if (!k.grouped) return;
        rowsOf(k.key).forEach(function (r, i) { if (r.relationship === rid) removed.push({ key: k.key, row: r, index: i }); });
      });
      removed.forEach(function (x) { pending.push({ key: x.key, op: "remove", id: x.row.id }); });
      change({ key: relKey, op: "remove", id: rid }, true);
      render();
      var name = rel.label || unnamed(relLabel);
      tell(hb.plural(null, "removed-relationship", removed.length, { name: name }), "success", function () {
        pending.push({ key: relKey, op: "add", id: rid, row: rel, index: relIndex });
        removed.forEach(function (x) { pending.push({ key: x.key, op: "add", id: x.row.id, row: x.row, index: x.index }); });
        commit();
        render();
        tell(say("restored-relationship", { name: name }), "success");
        focusIn(relKey, rid, "[data-hb-log-rel-label]");
      });
    }

    root.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("[data-hb-log-action]") : null;
      if (!b || !root.contains(b)) return;
      var action = b.getAttribute("data-hb-log-action");
      tell("");
      var sec = b.closest("[data-hb-log-relationship]");
      if (action === "add-relationship") addRelationship();
      else if (action === "add-entry") addEntry(kinds[b.getAttribute("data-hb-log-kind")], sec);
      else if (action === "remove-entry") removeEntry(entryOf(b));
      else if (action === "remove-relationship") askToRemove(sec);
    });

    root.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.target.hasAttribute && e.target.hasAttribute("data-hb-log-new-label")) {
        e.preventDefault();
        tell("");
        addRelationship();
      }
    });

    function edited(e, now) {
      var t = e.target;
      if (t.hasAttribute("data-hb-log-rel-label")) {
        var sec = t.closest("[data-hb-log-relationship]");
        change({ key: relKey, op: "set", id: sec.hbRow, col: "label", value: t.value }, now);
        return;
      }
      if (!t.hasAttribute("data-hb-key")) return;
      var el = entryOf(t);
      if (!el) return;
      var prefix = el.hbKind + "." + el.hbSerial + ".";
      var col = t.getAttribute("data-hb-key").slice(prefix.length);
      var value = t.type === "checkbox" ? (t.checked ? "yes" : "") : t.value;
      change({ key: el.hbKind, op: "set", id: el.hbRow, col: col, value: value }, now || t.type === "checkbox");
    }
    root.addEventListener("input", function (e) { edited(e, false); });
    root.addEventListener("change", function (e) { edited(e, true); render(); });

    teardown(hb.listen(window, "pagehide", commit));
    teardown(hb.listen(document, "visibilitychange", function () { if (document.visibilityState === "hidden") commit(); }));
    teardown(store.onChange(function () { if (root.isConnected) render(); }));
    /* Instant navigation leaves the page without pagehide: the teardown writes what is waiting. */
    teardown(commit);

    root.classList.add("hb-log--enhanced");
    root.querySelector("[data-hb-log-new]").hidden = false;
    root.querySelectorAll('[data-hb-log-action="add-entry"]').forEach(function (b) { b.hidden = false; });
    render();
  });
})();
