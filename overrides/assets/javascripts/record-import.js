/* hb.record.import: bringing answers back into the learning record: a backup file (JSON) to
 * restore, and the copies kept aside in this browser (unreadable, newer or unusable stored answers)
 * to download, restore or delete. Always checked, previewed and merged or replaced on request,
 * never silently. A part of hb-learning-record (learning-record.js). */
(function () {
  "use strict";

  var hb = window.hb, store = hb.storage;

  (hb.record = hb.record || {}).import = function (r) {
    var root = r.root, manifest = r.manifest, NAME = r.NAME, SNAPS = r.SNAPS, fields = r.fields, rowsDefs = r.rowsDefs;
    var has = r.has, dict = r.dict, itemName = r.itemName, say = r.say, ask = r.ask;

    /* Snapshots: a list of rows, each dated, each rating one of its item's choices. */
    function badSnapshots(v) {
      if (!Array.isArray(v)) return "its snapshots of your ratings ('" + SNAPS + "') are not a list";
      for (var i = 0; i < v.length; i++) {
        var r = v[i];
        if (typeof r.date !== "string" || isNaN(new Date(r.date).getTime())) return "snapshot " + (i + 1) + " of your ratings has no date";
        var ks = Object.keys(r);
        for (var j = 0; j < ks.length; j++) {
          var f = fields[ks[j]], val = r[ks[j]];
          if (f && f.options && !f.options.some(function (o) { return o.id === val; })) {
            return "snapshot " + (i + 1) + " of your ratings rates " + itemName(f) + " as " + JSON.stringify(val).slice(0, 80) + ", which is not one of that item's choices";
          }
        }
      }
      return null;
    }

    /* Each imported answer must fit its field: a rating one of the item's scale, a tick a tick,
     * rows a list. Returns got, or {error} naming the item. */
    function checked(got) {
      if (got.error) return got;
      var a = got.answers, keys = Object.keys(a);
      for (var i = 0; i < keys.length; i++) {
        var k = keys[i], v = a[k], f = fields[k], why = null;
        if (k === NAME) { if (typeof v !== "string") why = "its name for printing ('" + k + "') is not text"; }
        else if (k === SNAPS) why = badSnapshots(v);
        else if (rowsDefs[k] && !Array.isArray(v)) why = "its answer to " + rowsDefs[k].label.toLowerCase() + "s ('" + k + "') is not a list of " + rowsDefs[k].label.toLowerCase() + "s";
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
    function offer(title, got, what, intro, from) {
      store.sync();
      var d = describeChanges(got.answers), n = Object.keys(got.answers).length, cur = Object.keys(store.all()).length;
      var lines = [
        intro,
        d.added + " new, " + d.changed + " changed, " + d.same + " the same, and " + d.removed +
          " answers you have now that are not in the " + what + ".",
        "Merge keeps all " + cur + " answers you have now and adds the " + what + "'s: where both answer the same question, the " + what +
          "'s answer is kept; lists such as targets and snapshots are combined.",
        "Replace makes your answers exactly the " + what + "'s" + (d.removed ? ": the " + d.removed + " answers not in it are removed." : ".")
      ];
      var left = store.tooLongNote(got.tooLong, "The file itself is not changed: keep it for their full text.");
      if (left) lines.push(left);
      function done(how, ok) {
        say(ok ? how + " " + n + " answers from the " + what + ". You now have " + Object.keys(store.all()).length + " answers."
               : how + " for this visit, but this browser could not save them.");
      }
      ask(title, lines, "Merge with my answers", function () { done("Merged", store.replace(merged(got.answers))); },
        from, "Replace all my answers", function () { done("Replaced your answers with", store.replace(got.answers)); });
    }

    var importInput = root.querySelector("[data-hb-import]");
    var importButton = root.querySelector('[data-hb-action="import-pick"]');

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
        offer("Import " + Object.keys(got.answers).length + " answers from " + file.name + "?", got, "file",
          "Choose whether to merge the backup file's answers with the ones saved in this browser, or to replace them.", importButton);
      };
      reader.readAsText(file);
    });

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
        li.appendChild(hb.ui.button("Download", function () {
          store.download(b.key.replace(/[^A-Za-z0-9-]+/g, "-") + ".json", "application/json", b.text);
          say("The copy kept on " + when(b) + " was downloaded.");
        }, null, name));
        if (b.kind === "readable") li.appendChild(hb.ui.button("Restore", function (btn) { restore(b, btn); }, null, name));
        li.appendChild(hb.ui.button("Delete", function (btn) {
          ask("Delete the copy kept on " + when(b) + "?", [
            "This removes the copy from this browser. It cannot be undone.",
            "If you may want it again, cancel and download it first."
          ], "Yes, delete this copy", function () {
            var ok = store.removeBackup(b.key);
            say(ok ? "The copy kept on " + when(b) + " was deleted." : "The copy could not be deleted.");
            var next = backupBox.hidden ? root.querySelector('[data-hb-action="export-json"]') : backupBox.querySelector("button") || root.querySelector('[data-hb-action="export-json"]');
            next.focus();
          }, btn);
        }, null, name));
        list.appendChild(li);
      });
      backupBox.hidden = items.length === 0;
    }

    function restore(b, btn) {
      var got = checked(store.parseImport(b.text, manifest.version));
      if (got.error) { say(got.error.replace("The file could not be imported", "The copy kept on " + when(b) + " cannot be restored") + " Your answers are unchanged."); return; }
      offer("Restore " + Object.keys(got.answers).length + " answers from the copy kept on " + when(b) + "?", got, "copy",
        "Choose whether to merge this copy's answers with the ones saved in this browser, or to replace them. The copy stays in the list until you delete it.", btn);
    }

    return { pick: function () { importInput.click(); }, render: backups };
  };
})();
