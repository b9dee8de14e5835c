/* hb.text: the words a component's script shows, from the handbook's catalogue (data/ui.yml).
 *
 * Scripts hold no English of their own. The build writes the texts a component's script needs into
 * the page, as attributes: data-hb-i18n-NAME="Showing {shown} of {total} case studies."
 * (macros/ui_text.py, ui.script_attrs, from the component's "script" group in data/ui.yml):
 * - a component shown once (the case filter) has them on its root element (the one with data-module);
 * - page-wide scripts (handbook.js, storage.js, privacy.js, accessibility.js) have theirs on the
 *   footer's hb-privacy section, which every page (404 included) has; so do components repeated on a
 *   page (self-check forms) or read on two pages (the coaching log's entry names, also in the
 *   learning record), once per page that has them (overrides/partials/hb-privacy.html).
 * So nothing is fetched (it works from file:// as over HTTP), and no inline script is needed (the
 * Content-Security-Policy stays hash-based).
 *
 * hb.text(el, "showing", {shown: 3, total: 7}) finds the text on el or its nearest ancestor that has
 * it, else anywhere in the page (el may be null), and fills each {name} from the values (in one pass:
 * a value is never read as a placeholder). hb.plural(el, "answers", n, values) chooses the text
 * "answers-one" (n is 1) or "answers-other", with {count} filled.
 * A name is found alone, whatever group it came from, so no two groups' script texts share one (the
 * build refuses it: macros/data/checks.py, _check_ui_script_names); else one script shows the other's words.
 * A text the page does not have is a bug: it is reported in the console and its name is shown.
 */
(function () {
  "use strict";

  var PLACEHOLDER = /\{([a-z][a-z0-9-]*)\}/g;

  window.hb.text = function (el, name, values) {
    var attr = "data-hb-i18n-" + name;
    var holder = (el && el.closest ? el.closest("[" + attr + "]") : null) || document.querySelector("[" + attr + "]");
    if (!holder) {
      if (window.console) console.error("hb.text: no " + attr + " on this page", el);
      return name;
    }
    return holder.getAttribute(attr).replace(PLACEHOLDER, function (whole, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  };

  window.hb.plural = function (el, name, n, values) {
    var all = { count: n };
    if (values) Object.keys(values).forEach(function (k) { all[k] = values[k]; });
    return window.hb.text(el, name + (n === 1 ? "-one" : "-other"), all);
  };
})();
