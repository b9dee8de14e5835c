/* hb-case-studies: filter the case studies by facet.
 *
 * The filter's frame is in the page's HTML (macros/templates/case-studies/case-studies.html), so enhancing it moves
 * nothing. Without JavaScript the index and every study are simply all shown.
 *
 * The choice is kept in the page's address as a query (case-studies.html?approach=coaching&country=wales),
 * so it can be shared and survives a reload, from files as over HTTP. A query rather than the hash: the
 * hash stays free for the page's anchors (the index's links, the table of contents), and Material's
 * instant navigation, which fetches the address, brings the choice back on Back and Forward. Other
 * parameters in the address (Material's search highlight, ?h=) are kept. Values that are not options
 * of a list are ignored.
 *
 * The table of contents follows the filter: the entries of hidden studies are hidden too. A hidden
 * study's heading is collapsed to nothing rather than taken out of the layout, so that Material's
 * scroll spy, which measures where each heading of the table of contents is, still finds it where
 * the next shown study begins and highlights the study being read.
 */
(function () {
  "use strict";

  window.hb.register("hb-case-studies", function (root) {
    var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-facet]"));
    var status = root.querySelector("[role=status]");
    var clear = root.querySelector("[data-hb-clear-filters]");
    var table = document.querySelector(".hb-case-index");
    var rows = document.querySelectorAll("[data-hb-case-row]");
    var studies = document.querySelectorAll("[data-hb-case-study]");

    function hasOption(select, value) {
      for (var i = 0; i < select.options.length; i++) if (select.options[i].value === value) return true;
      return false;
    }

    function matches(el) {
      for (var i = 0; i < selects.length; i++) {
        var want = selects[i].value;
        var have = (el.getAttribute("data-facet-" + selects[i].dataset.facet) || "").split(" ");
        if (want && have.indexOf(want) < 0) return false;
      }
      return true;
    }

    /* Entries in Material's tables of contents (the sidebar's and, on narrow screens, the drawer's) that
     * lead to a study on this page: their href is "#id" from files, an absolute address over HTTP. */
    function tocEntries() {
      var byId = {};
      document.querySelectorAll(".md-nav a[href*='#']").forEach(function (a) {
        if (a.pathname !== window.location.pathname || !a.hash) return;
        var id;
        try { id = decodeURIComponent(a.hash.slice(1)); } catch (e) { return; }
        (byId[id] = byId[id] || []).push(a.closest("li") || a);
      });
      return byId;
    }

    function readAddress() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        var v = params.get(s.dataset.facet);
        s.value = v && hasOption(s, v) ? v : "";
      });
    }

    function writeAddress() {
      var url;
      try { url = new URL(window.location.href); } catch (e) { return; }
      selects.forEach(function (s) {
        if (s.value) url.searchParams.set(s.dataset.facet, s.value);
        else url.searchParams.delete(s.dataset.facet);
      });
      if (url.href === window.location.href) return;
      try { window.history.replaceState(window.history.state, "", url.href); } catch (e) { return; /* a browser that refuses: the filter still works */ }
      keepInPageLinks(url);
    }

    /* Material's instant navigation writes every link of a page it shows as an absolute address, the
     * page's address when it was shown; its links to places on this page (the index, the table of
     * contents, the headings' own links) would then drop the choice. Give them the new address. */
    function keepInPageLinks(url) {
      var here = url.origin + url.pathname;
      document.querySelectorAll("a[href*='#']").forEach(function (a) {
        var href = a.getAttribute("href");
        if (href.charAt(0) === "#") return; /* relative: follows the address by itself */
        var to;
        try { to = new URL(a.href); } catch (e) { return; }
        if (to.origin + to.pathname !== here || !to.hash) return;
        a.href = url.origin + url.pathname + url.search + to.hash;
      });
    }

    function apply() {
      var shown = 0;
      var active = selects.some(function (s) { return s.value; });
      var toc = tocEntries();
      rows.forEach(function (r) { var ok = matches(r); r.hidden = !ok; if (ok) shown++; });
      studies.forEach(function (s) {
        var ok = matches(s);
        var id = s.dataset.hbCaseStudy;
        s.hidden = !ok;
        var h = document.getElementById(id);
        if (h) h.toggleAttribute("data-hb-filtered-out", !ok); /* collapsed, not display: none (see case-studies.css) */
        (toc[id] || []).forEach(function (li) { li.hidden = !ok; });
      });
      if (table) table.hidden = shown === 0;
      if (clear) clear.hidden = !active;
      var text = shown === 0  /* the words: data/ui.yml, case-studies: script: (hb.text, ui-text.js) */
        ? window.hb.text(root, "none")
        : window.hb.text(root, "showing", { shown: shown, total: rows.length });
      if (status.textContent !== text) status.textContent = text;
    }

    selects.forEach(function (s) {
      s.addEventListener("change", function () { apply(); writeAddress(); });
    });
    if (clear) {
      clear.addEventListener("click", function () {
        selects.forEach(function (s) { s.value = ""; });
        apply();
        writeAddress();
        if (selects[0]) selects[0].focus();
      });
    }
    readAddress();
    apply();
    document.documentElement.removeAttribute("data-hb-case-filter");  /* the list was held for this (case-studies.html) */
  }, { beforePaint: true });  /* the address's choice is applied before the page shows (handbook.js) */
})();
