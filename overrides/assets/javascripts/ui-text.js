/* hb.text: the words a component's script shows, from the handbook's catalogue (data/ui.yml).
 *
 * Scripts hold no English of their own. The build writes the texts a component's script needs into
 * that component's markup, as attributes of its root element (the one with data-module):
 * data-hb-i18n-NAME="Showing {shown} of {total} case studies." (macros/ui_text.py, ui.script_attrs,
 * from the component's "script" group in data/ui.yml). So a page without the component carries none
 * of its texts, nothing is fetched (it works from file:// as over HTTP), and no inline script is
 * needed (the Content-Security-Policy stays hash-based).
 *
 * hb.text(el, "showing", {shown: 3, total: 7}) finds the text on el or its nearest ancestor that has
 * it and fills each {name} from the values (in one pass: a value is never read as a placeholder).
 * A text the markup does not have is a bug: it is reported in the console and its name is shown.
 */
(function () {
  "use strict";

  var PLACEHOLDER = /\{([a-z][a-z0-9-]*)\}/g;

  window.hb.text = function (el, name, values) {
    var attr = "data-hb-i18n-" + name;
    var holder = el && el.closest ? el.closest("[" + attr + "]") : null;
    if (!holder) {
      if (window.console) console.error("hb.text: no " + attr + " on this component", el);
      return name;
    }
    return holder.getAttribute(attr).replace(PLACEHOLDER, function (whole, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  };
})();
