/* hb-self-check: a self-check form (or a notes box under a prompt) whose answers are saved in this
 * browser as the user types. The form is complete HTML without JavaScript (it prints as a
 * worksheet); this fills it from storage, saves changes, manages added rows and checks ranks. */
(function () {
  "use strict";

  var store = window.hb.storage, ui = window.hb.ui, node = ui.el;

  /* A text of the forms', from the catalogue (data/ui.yml, self-check: script:), written once per
   * page that has forms, on the page's footer. */
  function say(name, values) { return window.hb.text(null, name, values); }
  function number(n) { return n.toLocaleString(document.documentElement.lang || undefined); }

  function time() {
    var d = new Date();
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function readControl(el) {
    if (el.type === "checkbox") return el.checked;
    return el.value;
  }

  /* Set a control from a stored value, touching it only if it differs (so the caret stays put when
   * another tab's save brings this one up to date while someone types). */
  function writeControl(el, value) {
    if (el.type === "checkbox") { if (el.checked !== (value === true)) el.checked = value === true; }
    else if (el.type === "radio") { if (el.checked !== (value === el.value)) el.checked = value === el.value; }
    else {
      var v = typeof value === "string" ? value : "";
      if (el.value !== v) el.value = v;
    }
    limit(el);
    dateText(el);
  }

  function addToken(el, attr, token) {
    var v = (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
    if (v.indexOf(token) < 0) v.push(token);
    el.setAttribute(attr, v.join(" "));
  }

  function removeToken(el, attr, token) {
    var v = (el.getAttribute(attr) || "").split(/\s+/).filter(function (t) { return t && t !== token; });
    if (v.length) el.setAttribute(attr, v.join(" ")); else el.removeAttribute(attr);
  }

  /* The note beside a control (its id + suffix), made the first time it is needed, right after
   * the control; role: "status" or "alert" for a live one. */
  function noteFor(el, suffix, tag, className, role) {
    var id = el.id + suffix;
    var note = document.getElementById(id);
    if (!note) {
      note = el.parentNode.insertBefore(ui.el(tag, className), el.nextSibling);
      note.id = id;
      if (role) note.setAttribute("role", role);
    }
    return note;
  }

  /* A date field says its date in UK long form beside it ("25 November 2026"), whatever format the
   * browser's own date box uses; the text is made once per field (empty until there is a date), so
   * nothing moves when it appears. */
  function dateText(el) {
    if (el.type !== "date" || !el.id) return;
    var span = noteFor(el, "-uk", "span", "hb-field__date");
    var text = window.hb.ukDate(el.value);
    if (span.textContent !== text) span.textContent = text;
    (text ? addToken : removeToken)(el, "aria-describedby", span.id);
  }

  /* At the length limit (maxlength, from the build's one constant): say so beside the field. */
  function limit(el) {
    var max = el.maxLength;
    if (!(max > 0) || (el.tagName !== "TEXTAREA" && el.type !== "text")) return;
    var at = el.value.length >= max;
    if (!at && !document.getElementById(el.id + "-limit")) return;
    var msg = noteFor(el, "-limit", "p", "hb-field__limit", "status");
    addToken(el, "aria-describedby", msg.id);
    msg.hidden = !at;
    msg.textContent = at ? say("at-limit", { max: number(max) }) : "";
  }

  /* Whether a control differs from how the page's HTML set it. */
  function changed(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    return el.value !== el.defaultValue;
  }

  function rowId() {
    return "r" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  }

  window.hb.register("hb-self-check", function (form, teardown) {
    var status = form.querySelector("[data-hb-status]");
    var pending = false;
    var note = "";
    var edited = null;     /* the control whose change is on its way to storage */
    var announced = null;  /* the key whose "Saved" was last announced (once per field, not per keystroke) */

    /* The form's status line holds two live regions: role=status for what went well (quiet:
     * read out, shown beside the field instead) and role=alert for what went wrong (shown). */
    var okMsg = null, errMsg = null;
    if (status) {
      status.removeAttribute("role");
      status.removeAttribute("aria-live");
      status.textContent = "";
      okMsg = status.appendChild(node("span", "hb-msg hb-msg--ok"));
      okMsg.setAttribute("role", "status");
      errMsg = status.appendChild(node("span", "hb-msg hb-msg--error"));
      errMsg.setAttribute("role", "alert");
    }

    /* again: say it even if the region already holds the same words (a new field saved in the
     * same minute): emptied first, filled on the next frame, so screen readers hear the change. */
    function show(text, quiet, again) {
      if (!okMsg) return;
      okMsg.classList.toggle("hb-msg--quiet", !!quiet);
      if (okMsg.textContent !== text) okMsg.textContent = text;
      else if (again && text) {
        okMsg.textContent = "";
        requestAnimationFrame(function () { if (!okMsg.textContent) okMsg.textContent = text; });
      }
    }

    function fail(text) {
      if (!errMsg) return;
      if (errMsg.textContent !== text) errMsg.textContent = text;
    }

    /* A new action starts (adding, removing, undoing a row): the last action's error goes. While
     * typing, an error stays until a save succeeds (so typing on into a full storage does not alert
     * at every pause), and "Kept for this visit only" is a state, not news: it is not re-announced.
     * Row messages ("Target 2 removed.") live beside the rows and go at the next action there. */
    function clearMessages(errorsToo) {
      if (errorsToo) fail("");
    }

    /* "Saved" beside the field being edited (one marker per form, moved to the field last saved):
     * just after the words of its label or question, laid over the room the label keeps free. */
    var marker = node("span", "hb-saved");
    marker.setAttribute("aria-hidden", "true");  /* read out once through the status region */
    marker.hidden = true;
    function mark(el, ok) {
      var box = el && el.closest(".hb-field");
      var label = box && form.contains(box) && box.querySelector(".hb-field__label");
      if (!label) { marker.hidden = true; return; }
      /* At the end of the field's label (aria-hidden, so not part of the field's name) */
      if (marker.parentNode !== label) label.appendChild(marker);
      marker.textContent = say(ok ? "saved-mark" : "not-saved-mark");
      marker.classList.toggle("hb-saved--error", !ok);
      marker.hidden = false;
    }

    function plain() {
      return Array.prototype.filter.call(form.querySelectorAll("[data-hb-key]"), function (el) {
        return !el.closest("[data-hb-rows]");
      });
    }

    function fill() {
      plain().forEach(function (el) { writeControl(el, store.get(el.getAttribute("data-hb-key"))); });
      rowsWidgets.forEach(function (w) { w.refresh(); });
      checkRanks();
    }

    /* A change is on its way to storage; `el` is the control changed, `what` (e.g. "Target 2
     * removed.") is said with the result. */
    function saving(el, what) {
      pending = true;
      edited = el || null;
      note = what ? what + " " : "";
    }

    teardown(store.onSaved(function (ok) {
      if (!pending || !status) return;
      pending = false;
      var key = edited && edited.getAttribute("data-hb-key");
      if (!ok) {
        mark(edited, false);
        announced = null;
        fail(say("not-saved-full"));
      } else if (!store.persistent()) {
        show(say("visit-only"), false);
      } else {
        fail("");
        mark(edited, true);
        if (note || !key || key !== announced) {
          show(note + say("saved-at", { time: time() }), !note, true);
          announced = key;
        }
      }
      note = "";
    }));

    form.addEventListener("focusin", function (e) {
      if (e.target.getAttribute && e.target.getAttribute("data-hb-key") !== announced) announced = null;
    });

    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);

    function onEdit(e) {
      var el = e.target;
      if (!el.hasAttribute || !el.hasAttribute("data-hb-key")) return;
      limit(el);
      dateText(el);
      var rows = el.closest("[data-hb-rows]");
      if (rows) {
        var w = rowsWidgets.filter(function (x) { return x.box === rows; })[0];
        if (w.rendering()) return;
        w.quiet();
        if (w.save()) saving(el);
        return;
      }
      if (el.classList.contains("hb-field__rank")) checkRanks();
      if (el.type === "radio" && !el.checked) return;
      if (!store.set(el.getAttribute("data-hb-key"), readControl(el))) return;
      if (!store.persistent()) show(say("visit-only"), false);
      else saving(el);
      if (el.type === "radio") checkRanks();
    }

    /* ---- ranks: 1..N (N = the number of ranked items), and unique among the items whose named
     * field has the given value */
    var allRanks = Array.prototype.slice.call(form.querySelectorAll("input.hb-field__rank"));
    allRanks.forEach(function (input) { input.max = String(allRanks.length); });
    var ranks = allRanks.filter(function (input) { return input.hasAttribute("data-hb-unique-field"); });
    var rankMsg = null;
    if (ranks.length) {
      rankMsg = node("p", "hb-field__error");
      rankMsg.id = form.getAttribute("data-hb-form") + "-rank-error";
      rankMsg.setAttribute("role", "alert");
      ranks[0].closest("fieldset, form").parentNode.insertBefore(rankMsg, form.querySelector(".hb-self-check__item"));
    }

    /* The range message beside each rank field: an alert region in the page from the start, empty
     * (taking no room) until it has something to say, so screen readers hear it when it does. */
    allRanks.forEach(function (input) { noteFor(input, "-range", "p", "hb-field__error hb-field__error--range", "alert"); });
    function rangeCheck(input) {
      var n = allRanks.length;
      var v = input.value.trim();
      var bad = input.validity && input.validity.badInput;
      var num = Number(v);
      var out = bad || (v !== "" && !(Math.floor(num) === num && num >= 1 && num <= n));
      var msg = noteFor(input, "-range", "p", "hb-field__error hb-field__error--range", "alert");
      var text = out ? window.hb.plural(null, "rank-range", n) : "";
      if (msg.textContent !== text) msg.textContent = text;
      (out ? addToken : removeToken)(input, "aria-describedby", msg.id);
      return out;
    }

    function checkRanks() {
      if (!allRanks.length) return;
      var seen = Object.create(null), dupes = Object.create(null), counted = [];
      ranks.forEach(function (input) {
        var key = input.getAttribute("data-hb-key");
        var itemKey = key.slice(0, key.lastIndexOf("."));
        var guard = store.get(itemKey + "." + input.getAttribute("data-hb-unique-field"));
        var v = input.value.trim();
        if (guard === input.getAttribute("data-hb-unique-value") && v !== "") {
          counted.push(input);
          if (seen[v]) dupes[v] = true;
          seen[v] = true;
        }
      });
      var bad = Object.keys(dupes).sort(function (a, b) { return a - b; });
      allRanks.forEach(function (input) {
        var out = rangeCheck(input);
        var clash = counted.indexOf(input) >= 0 && !!dupes[input.value.trim()];
        if (clash || out) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
        if (clash) input.setAttribute("aria-errormessage", rankMsg.id);
        else input.removeAttribute("aria-errormessage");
      });
      if (!rankMsg) return;
      if (bad.length) {
        rankMsg.textContent = say("rank-clash", { ranks: bad.join(", ") });
      } else if (rankMsg.textContent) {
        rankMsg.textContent = "";
      }
    }

    /* ---- rows the user adds and removes */
    var rowsWidgets = Array.prototype.map.call(form.querySelectorAll("[data-hb-rows]"), function (box) {
      var key = box.getAttribute("data-hb-rows");
      var label = box.getAttribute("data-hb-row-label");
      var list = box.querySelector(".hb-rows__list");
      var tpl = box.querySelector("template");
      var add = box.querySelector("[data-hb-add-row]");

      /* What happened to the rows ("Target 2 removed." with an Undo button), beside the Add button,
       * in a polite live region; it goes when the next action starts. */
      var notice = node("p", "hb-rows__notice");
      notice.setAttribute("role", "status");
      add.parentNode.insertBefore(notice, add.nextSibling);
      function quiet() {
        if (notice.textContent) notice.textContent = "";
        notice.classList.remove("hb-rows__notice--shown");
      }
      /* name: "row-added", "row-removed" or "row-back", said of row n */
      function tell(name, n, undo) {
        notice.classList.add("hb-rows__notice--shown");
        var row = { label: label, number: n };
        return ui.tell(notice, say(name, row), undo && function () { quiet(); undo(); }, "span", "hb-msg hb-msg--ok",
          say("row-undo", { label: label.toLowerCase(), number: n }));
      }

      function hasText(li) {
        return Array.prototype.some.call(li.querySelectorAll("[data-hb-key]"), function (el) { return !!el.value; });
      }

      function makeRow(row, n) {
        var frag = tpl.content.cloneNode(true);
        var li = frag.querySelector("li");
        li.setAttribute("data-hb-row", row.id);
        li.querySelectorAll("[id],[for],[name],[aria-describedby]").forEach(function (el) {
          ["id", "for", "name", "aria-describedby"].forEach(function (a) {
            if (el.hasAttribute(a)) el.setAttribute(a, el.getAttribute(a).split("--ROW--").join("--" + row.id + "--"));
          });
        });
        li.querySelector("legend").textContent = say("row-legend", { label: label, number: n });
        li.querySelectorAll("[data-hb-key]").forEach(function (el) {
          var k = el.getAttribute("data-hb-key");
          var col = k.slice(k.lastIndexOf(".") + 1);
          el.setAttribute("data-hb-key", key + "." + row.id + "." + col);
          writeControl(el, row[col] || "");
        });
        var remove = li.querySelector("[data-hb-remove-row]");
        remove.textContent = say("row-remove", { label: label.toLowerCase(), number: n });
        remove.addEventListener("click", function () {
          clearMessages(true);
          quiet();
          var filled = hasText(li);
          var before = shownRows();
          var at = -1;
          before.forEach(function (r, i) { if (r.id === li.getAttribute("data-hb-row")) at = i; });
          var gone = before[at];
          li.remove();
          save();
          render();
          saving(null);
          if (!filled || !gone) { tell("row-removed", n, null); add.focus(); return; }
          /* A row with writing in it: removed now, with Undo (focused, so Enter brings it back). */
          var undo = tell("row-removed", n, function () {
            clearMessages(true);
            var now = rows().slice();
            if (!now.some(function (r) { return r.id === gone.id; })) now.splice(Math.min(at, now.length), 0, gone);
            store.set(key, now);
            render();
            saving(null);
            var back = null, pos = 0;
            list.querySelectorAll("li[data-hb-row]").forEach(function (r, i) {
              if (r.getAttribute("data-hb-row") === gone.id) { back = r.querySelector("textarea, input"); pos = i + 1; }
            });
            tell("row-back", pos, null);
            if (back) back.focus();
          });
          undo.focus();
        });
        return li;
      }

      function rows() {
        var v = store.get(key);
        return Array.isArray(v) ? v : [];
      }

      var rendered = false, rendering = false, refocus = null;
      function render() {
        rendered = true;
        var data = rows();
        if (!data.length) data = [{ id: rowId() }];
        /* Taking out a box someone is typing in makes the browser report a change from it: that is
         * not an edit (onEdit ignores it while `rendering`). */
        rendering = true;
        try {
          list.textContent = "";
          data.forEach(function (row, i) { list.appendChild(makeRow(row, i + 1)); });
        } finally { rendering = false; }
        if (refocus) {
          var again = list.querySelector('li[data-hb-row="' + refocus.row + '"] [data-hb-key$=".' + refocus.col + '"]');
          refocus = null;
          if (again) { again.focus(); if (again.setSelectionRange) try { again.setSelectionRange(again.value.length, again.value.length); } catch (e) { /* date boxes */ } }
        }
      }

      /* The rows as the page shows them (rows with nothing written are left out). */
      function shownRows() {
        var out = [];
        list.querySelectorAll("li[data-hb-row]").forEach(function (li) {
          var row = { id: li.getAttribute("data-hb-row") }, any = false;
          li.querySelectorAll("[data-hb-key]").forEach(function (el) {
            var k = el.getAttribute("data-hb-key");
            var v = el.value;
            if (v) { row[k.slice(k.lastIndexOf(".") + 1)] = v; any = true; }
          });
          if (any) out.push(row);
        });
        return out;
      }

      function save() { return store.set(key, shownRows()); }

      /* Rows written in before the script started: kept as they are when nothing is stored yet,
       * added after the stored rows (as new rows) when something is. */
      function early() {
        var typed = Array.prototype.filter.call(list.querySelectorAll("li[data-hb-row]"), function (li) {
          return Array.prototype.some.call(li.querySelectorAll("[data-hb-key]"), changed);
        });
        if (!typed.length) return null;
        var stored = rows(), ok;
        if (!stored.length) ok = save();
        else {
          var ids = {}, active = document.activeElement;
          ok = store.set(key, stored.concat(shownRows().map(function (row) { ids[row.id] = row.id = rowId(); return row; })));
          /* whoever was typing in one of those rows goes on typing in it where it is now */
          var li = active && list.contains(active) && active.closest("li[data-hb-row]");
          if (li && ids[li.getAttribute("data-hb-row")]) {
            var k = active.getAttribute("data-hb-key") || "";
            refocus = { row: ids[li.getAttribute("data-hb-row")], col: k.slice(k.lastIndexOf(".") + 1) };
          }
        }
        return ok ? typed[typed.length - 1].querySelector("[data-hb-key]") : null;
      }

      /* Render again only if the stored rows differ from those shown (another tab, import, clear),
       * so someone typing in a row keeps their place. */
      function refresh() {
        if (!rendered || JSON.stringify(rows()) !== JSON.stringify(shownRows())) render();
      }

      add.hidden = false;
      add.addEventListener("click", function () {
        clearMessages(true);
        quiet();
        save();
        var n = list.querySelectorAll("li[data-hb-row]").length + 1;
        var li = makeRow({ id: rowId() }, n);
        list.appendChild(li);
        var first = li.querySelector("textarea, input");
        if (first) first.focus();
        tell("row-added", n, null);
      });

      return { box: box, render: render, refresh: refresh, save: save, quiet: quiet, early: early,
        rendering: function () { return rendering; } };
    });

    /* Anything typed or chosen before the script started (a slow phone, a quick reader) is the
     * reader's newest answer: it is saved, and the form is then filled from storage around it,
     * never over it. (The forms are autocomplete="off", so what is there is the reader's own
     * doing, not a browser restoring an older visit's values.) */
    function early() {
      var last = null;
      plain().forEach(function (el) {
        if (!changed(el) || (el.type === "radio" && !el.checked)) return;
        if (store.set(el.getAttribute("data-hb-key"), readControl(el))) last = el;
      });
      rowsWidgets.forEach(function (w) { last = w.early() || last; });
      if (last && store.persistent()) saving(last);
    }

    teardown(store.onChange(function (source) { if (source === "replace") fill(); }));
    form.classList.add("hb-self-check--ready");
    early();
    fill();
  });
})();
