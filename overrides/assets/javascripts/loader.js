/* Page bundles (issue #12): the build puts the code of components that only some pages have into
 * bundles of their own (mkdocs.yml: extra.handbook.page_bundles), and a page that has such a
 * component lists the bundle as a deferred script. After Material's instant navigation (over HTTP)
 * the new page's scripts are not run: here, on every page shown, each component on it whose bundle
 * is not loaded yet gets it, beside this script, in the order the map gives. When the bundle runs,
 * its hb.register enhances the component (handbook.js). Classic scripts: they load from files too.
 * The map (component -> bundle file names) is in <meta name="hb-page-bundles"> (overrides/main.html). */
(function () {
  "use strict";

  var here = document.currentScript && document.currentScript.src;
  var meta = document.querySelector('meta[name="hb-page-bundles"]');
  var map = null;
  try { map = meta && JSON.parse(meta.getAttribute("content")); } catch (e) { map = null; }
  if (!here || !map) return;

  var loaded = {};
  Array.prototype.forEach.call(document.scripts, function (s) { if (s.src) loaded[s.src] = true; });

  window.hb.onPage(function () {
    document.querySelectorAll("[data-module]").forEach(function (el) {
      var files = map[el.getAttribute("data-module")];
      if (!Array.isArray(files)) return;
      files.forEach(function (name) {
        var src = new URL(name, here).href;
        if (loaded[src]) return;
        loaded[src] = true;
        var s = document.createElement("script");
        s.src = src;
        s.async = false;  /* run in the order added: a bundle after the ones it needs */
        document.head.appendChild(s);
      });
    });
  });
})();
