/* hb-self-check: a self-check form (or a notes box under a prompt) whose answers are saved in this
 * browser as the user types. The form is complete HTML without JavaScript (it prints as a
 * worksheet); this fills it from storage, saves changes, manages added rows and checks ranks. */
(function () {
  "use strict";

  var store = window.hb.storage;

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
  }

  /* At the length limit (maxlength, from the build's one constant): say so beside the field. */
  function limit(el) {
    var max = el.maxLength;
    if (!(max > 0) || (el.tagName !== "TEXTAREA" && el.type !== "text")) return;
    var id = el.id + "-limit";
    var msg = document.getElementById(id);
    var at = el.value.length >= max;
    if (!at && !msg) return;
    if (!msg) {
      msg = document.createElement("p");
      msg.id = id;
      msg.className = "hb-field__limit";
      msg.setAttribute("role", "status");
      el.parentNode.insertBefore(msg, el.nextSibling);
      var d = el.getAttribute("aria-describedby");
      el.setAttribute("aria-describedby", d ? d + " " + id : id);
    }
    msg.hidden = !at;
    msg.textContent = at ? "This answer has reached the limit of " + max.toLocaleString("en-GB") +
      " characters, so nothing more you type or paste here is kept. Keep a longer text in a document of your own." : "";
  }

  function rowId() {
    return "r" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  }

  window.hb.register("hb-self-check", function (form) {
    var status = form.querySelector("[data-hb-status]");
    var pending = false;
    var note = "";

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

    /* A change is on its way to storage; `what` (e.g. "Target 2 removed.") is said with the result. */
    function saving(what) {
      pending = true;
      note = what ? what + " " : "";
      if (status) status.textContent = note;
    }

    store.onSaved(function (ok) {
      if (!pending || !status || !document.body.contains(form)) return;
      pending = false;
      status.textContent = note + (ok
        ? (store.persistent() ? "Saved in this browser at " + time() + "." : "Kept for this visit only (not saved).")
        : "Not saved: this browser's storage is full. Export your answers from your learning record.");
      note = "";
    });

    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);

    function onEdit(e) {
      var el = e.target;
      if (!el.hasAttribute || !el.hasAttribute("data-hb-key")) return;
      limit(el);
      var rows = el.closest("[data-hb-rows]");
      if (rows) { if (rows.hbWidget.save()) saving(); return; }
      if (el.type === "radio" && !el.checked) return;
      if (!store.set(el.getAttribute("data-hb-key"), readControl(el))) return;
      if (!store.persistent()) {
        if (status) status.textContent = "Kept for this visit only (not saved).";
      } else saving();
      if (el.classList.contains("hb-field__rank") || el.type === "radio") checkRanks();
    }

    /* ---- ranks: unique among the items whose named field has the given value */
    var ranks = Array.prototype.slice.call(form.querySelectorAll("input[data-hb-unique-field]"));
    var rankMsg = null;
    if (ranks.length) {
      rankMsg = document.createElement("p");
      rankMsg.className = "hb-field__error";
      rankMsg.id = form.getAttribute("data-hb-form") + "-rank-error";
      rankMsg.setAttribute("role", "alert");
      rankMsg.hidden = true;
      ranks[0].closest("fieldset, form").parentNode.insertBefore(rankMsg, form.querySelector(".hb-self-check__item"));
    }

    function checkRanks() {
      if (!ranks.length) return;
      var seen = Object.create(null), dupes = Object.create(null);
      ranks.forEach(function (input) {
        var key = input.getAttribute("data-hb-key");
        var itemKey = key.slice(0, key.lastIndexOf("."));
        var guard = store.get(itemKey + "." + input.getAttribute("data-hb-unique-field"));
        var v = input.value.trim();
        input.hbCounted = guard === input.getAttribute("data-hb-unique-value") && v !== "";
        if (input.hbCounted) {
          if (seen[v]) dupes[v] = true;
          seen[v] = true;
        }
      });
      var bad = Object.keys(dupes).sort(function (a, b) { return a - b; });
      ranks.forEach(function (input) {
        var clash = input.hbCounted && dupes[input.value.trim()];
        if (clash) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-errormessage", rankMsg.id);
        } else {
          input.removeAttribute("aria-invalid");
          input.removeAttribute("aria-errormessage");
        }
      });
      if (bad.length) {
        rankMsg.textContent = "Each activity you need should have its own rank, but more than one has rank " +
          bad.join(", ") + ". Change the ranks so that no two are the same.";
        rankMsg.hidden = false;
      } else {
        rankMsg.textContent = "";
        rankMsg.hidden = true;
      }
    }

    /* ---- rows the user adds and removes */
    var rowsWidgets = Array.prototype.map.call(form.querySelectorAll("[data-hb-rows]"), function (box) {
      var key = box.getAttribute("data-hb-rows");
      var label = box.getAttribute("data-hb-row-label");
      var list = box.querySelector(".hb-rows__list");
      var tpl = box.querySelector("template");
      var add = box.querySelector("[data-hb-add-row]");

      function makeRow(row, n) {
        var frag = tpl.content.cloneNode(true);
        var li = frag.querySelector("li");
        li.setAttribute("data-hb-row", row.id);
        li.querySelectorAll("[id],[for],[name],[aria-describedby]").forEach(function (el) {
          ["id", "for", "name", "aria-describedby"].forEach(function (a) {
            if (el.hasAttribute(a)) el.setAttribute(a, el.getAttribute(a).split("--ROW--").join("--" + row.id + "--"));
          });
        });
        li.querySelector("legend").textContent = label + " " + n;
        li.querySelectorAll("[data-hb-key]").forEach(function (el) {
          var k = el.getAttribute("data-hb-key");
          var col = k.slice(k.lastIndexOf(".") + 1);
          el.setAttribute("data-hb-key", key + "." + row.id + "." + col);
          writeControl(el, row[col] || "");
        });
        var remove = li.querySelector("[data-hb-remove-row]");
        remove.textContent = "Remove " + label.toLowerCase() + " " + n;
        remove.addEventListener("click", function () {
          li.remove();
          save();
          render();
          saving(label + " " + n + " removed.");
          add.focus();
        });
        return li;
      }

      function rows() {
        var v = store.get(key);
        return Array.isArray(v) ? v : [];
      }

      var rendered = false;
      function render() {
        rendered = true;
        var data = rows();
        if (!data.length) data = [{ id: rowId() }];
        list.textContent = "";
        data.forEach(function (row, i) { list.appendChild(makeRow(row, i + 1)); });
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

      /* Render again only if the stored rows differ from those shown (another tab, import, clear),
       * so someone typing in a row keeps their place. */
      function refresh() {
        if (!rendered || JSON.stringify(rows()) !== JSON.stringify(shownRows())) render();
      }

      add.hidden = false;
      add.addEventListener("click", function () {
        save();
        var n = list.querySelectorAll("li[data-hb-row]").length + 1;
        var li = makeRow({ id: rowId() }, n);
        list.appendChild(li);
        var first = li.querySelector("textarea, input");
        if (first) first.focus();
        if (status) status.textContent = label + " " + n + " added.";
        note = "";
      });

      var widget = { render: render, refresh: refresh, save: save };
      box.hbWidget = widget;
      return widget;
    });

    store.onChange(function (source) { if (source === "replace" && document.body.contains(form)) fill(); });
    form.classList.add("hb-self-check--ready");
    fill();
  });
})();
