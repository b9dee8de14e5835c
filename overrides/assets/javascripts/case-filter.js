/* hb-case-filter: filter the case studies by facet. Without JavaScript the index table and every
 * study are simply all shown. */
(function () {
  "use strict";

  window.hb.register("hb-case-filter", function (root) {
    var selects = root.querySelectorAll("select[data-facet]");
    var status = root.querySelector("[role=status]");
    var rows = document.querySelectorAll("[data-hb-case-row]");
    var studies = document.querySelectorAll("[data-hb-case-study]");

    function matches(el) {
      for (var i = 0; i < selects.length; i++) {
        var want = selects[i].value;
        var have = (el.getAttribute("data-facet-" + selects[i].dataset.facet) || "").split(" ");
        if (want && have.indexOf(want) < 0) return false;
      }
      return true;
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (r) { var ok = matches(r); r.hidden = !ok; if (ok) shown++; });
      studies.forEach(function (s) {
        var ok = matches(s);
        s.hidden = !ok;
        var h = document.getElementById(s.dataset.hbCaseStudy);
        if (h) h.hidden = !ok;
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " case studies.";
    }

    selects.forEach(function (s) { s.addEventListener("change", apply); });
    root.hidden = false;
    apply();
  });
})();
