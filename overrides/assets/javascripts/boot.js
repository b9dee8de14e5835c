/* The page's scripts, fetched after its first paint (issue #12: scripts off the critical path).
 *
 * A page names its scripts (Material's bundle, the handbook's bundle and the page bundles its
 * components need, in that order) in this script's data-hb-scripts attribute, not as <script>
 * tags of their own (overrides/main.html). This script is deferred, so it runs once the page has
 * been parsed; it waits for the first paint and only then adds them, to run in the listed order
 * (async = false). On a slow connection the page's text and styles no longer share it with
 * Material's and the handbook's scripts: the text shows first, and the scripts run about when
 * deferred scripts would.
 *
 * Material's bundle starts its pages when the document fires DOMContentLoaded (its document$).
 * By the time the scripts run, the browser has fired that event, so it is fired again once every
 * listed script has run or failed to load: the same moment as for deferred scripts. Nothing else
 * the handbook puts on a page listens for it. This script's element then carries data-hb-loaded.
 *
 * A page that is not shown (a tab opened in the background) is not painted: its scripts are added
 * at once. A classic script: it works from files (file://) as over HTTP, under script-src 'self'. */
(function () {
  "use strict";

  var me = document.currentScript;
  var list = [];
  try { list = JSON.parse(me.getAttribute("data-hb-scripts")) || []; } catch (e) { list = []; }
  var added = false;

  function add() {
    if (added) return;
    added = true;
    var left = list.length;
    function settled() {
      if (--left) return;
      document.dispatchEvent(new window.Event("DOMContentLoaded", { bubbles: true }));
      me.setAttribute("data-hb-loaded", "");  /* done: every listed script has run or failed */
    }
    list.forEach(function (src) {
      var s = document.createElement("script");
      s.src = src;       /* relative to the page, as the build wrote it */
      s.async = false;   /* run in the order listed: Material's bundle first, then the code using it */
      s.addEventListener("load", settled);
      s.addEventListener("error", settled);
      document.body.appendChild(s);
    });
  }

  if (!list.length) return;

  /* Material's instant navigation, as it starts, rewrites every relative href as an absolute one.
   * For a <link> that is a new address, and once the page has loaded, the browser asks the server
   * again for each stylesheet (a 304 each). Written here, while the page is still loading, the
   * stylesheets and icon already fetched are reused; Material then leaves absolute ones alone. */
  Array.prototype.forEach.call(document.querySelectorAll("link[href]"), function (l) {
    var href = l.getAttribute("href");
    if (!/^(?:[a-z]+:)?\/\//i.test(href)) l.setAttribute("href", l.href);  /* the address resolved */
  });

  if (document.visibilityState === "hidden") { add(); return; }
  document.addEventListener("visibilitychange", add, { once: true });
  /* After the first paint with text in it, as the browser reports it (a frame can be drawn some
   * time after its task ends); where paint timing is missing, after the next frame. */
  var Observer = window.PerformanceObserver;
  if (Observer && (Observer.supportedEntryTypes || []).indexOf("paint") >= 0) {
    new Observer(function (entries, observer) {
      if (!entries.getEntriesByName("first-contentful-paint").length) return;
      observer.disconnect();
      setTimeout(add, 0);
    }).observe({ type: "paint", buffered: true });
    setTimeout(add, 3000);  /* nothing painted yet: start all the same */
  } else {
    requestAnimationFrame(function () { setTimeout(add, 0); });
  }
})();
