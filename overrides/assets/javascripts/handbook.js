/* Coaching and Mentoring Handbook: the core every component script uses.
 *
 * Components register by name (the value of their markup's data-module attribute); on every page
 * load, including Material's instant navigation, each element with a registered data-module is
 * enhanced once. The HTML already reads well without JavaScript; components only add behaviour.
 */
(function () {
  "use strict";

  var components = {};
  var pageHooks = [];

  var started = false;

  function enhance() {
    document.querySelectorAll("[data-module]").forEach(function (el) {
      var name = el.getAttribute("data-module");
      if (components[name] && !el.hbInit) {
        el.hbInit = true;
        try { components[name](el); } catch (e) { if (window.console) console.error(name, e); }
      }
    });
  }

  function init() {
    started = true;
    enhance();
    abbreviations();
    pageHooks.forEach(function (fn) { fn(); });
  }

  /* Abbreviations: reachable by keyboard, so the expansion shows on focus as well as on hover. */
  function abbreviations() {
    document.querySelectorAll(".md-content abbr[title]").forEach(function (a) {
      if (!a.hasAttribute("tabindex")) a.tabIndex = 0;
    });
  }

  function onReady(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn, { once: true });
    else setTimeout(fn, 0);  /* deferred (the build's bundle): after the components below it have registered */
  }

  /* The components start in a task of their own once the page has been painted, not inside
   * Material's start-up task: the text shows first, and no long task grows (issue #12). Their
   * reserved space (reserved-space.css) keeps anything from moving when they do. */
  function afterPaint() {
    requestAnimationFrame(function () { setTimeout(init, 0); });
  }

  /* Material's document$ emits each page, also after instant navigation. Opened from files, it
   * completes without emitting (instant navigation is off there), so fall back to DOM ready. */
  function start() {
    var emitted = false;
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe({
        next: function () { emitted = true; afterPaint(); },
        complete: function () { if (!emitted) onReady(afterPaint); }
      });
    } else {
      onReady(afterPaint);
    }
  }

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  /* A date as the handbook shows it to a reader: "2026-11-25" (as <input type=date> stores it) ->
   * "25 November 2026". Anything that is not a real calendar date in that form comes back as given
   * (trimmed), so a value is never hidden or changed into a different one; null/undefined -> "". */
  function ukDate(iso) {
    if (iso === null || iso === undefined) return "";
    var s = String(iso).trim();
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!m) return s;
    var y = +m[1], mo = +m[2], d = +m[3];
    var t = new Date(Date.UTC(2000, mo - 1, d));
    t.setUTCFullYear(y);
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return s;
    return d + " " + MONTHS[mo - 1] + " " + y;
  }

  window.hb = {
    /* "2026-11-25" -> "25 November 2026" (see ukDate above); for forms, the record and summaries. */
    ukDate: ukDate,
    /* Register a component: fn(rootElement) runs once per element with data-module=name. */
    register: function (name, fn) {
      components[name] = fn;
      if (started) enhance();  /* a page bundle loaded after the page was shown (loader.js) */
    },
    /* Run fn on every page shown (first load and each instant navigation). */
    onPage: function (fn) { pageHooks.push(fn); },
    namespace: function () {
      var m = document.querySelector('meta[name="hb-namespace"]');
      return m ? m.getAttribute("content") : "handbook";
    }
  };

  start();
})();
