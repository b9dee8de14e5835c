/* Coaching and Mentoring Handbook: the core every component script uses.
 *
 * Components register by name (the value of their markup's data-module attribute); on every page
 * load, including Material's instant navigation, each element with a registered data-module is
 * enhanced once and marked data-hb-init. A component is called as fn(root, teardown): whatever it
 * subscribes to outside its own element (hb.storage, window, document) it hands to teardown(off),
 * and when instant navigation takes its element out of the page, every off() is called, so
 * listeners never pile up from page to page. The HTML already reads well without JavaScript;
 * components only add behaviour.
 *
 * hb.ui holds what several components say and ask in the same way: status messages with Undo, and
 * confirmation panels.
 */
(function () {
  "use strict";

  var components = {};
  var pageHooks = [];
  var live = [];      /* [{el, offs}]: enhanced elements and what to release when they go */

  function report(name, e) { if (window.console) console.error(name, e); }

  /* Elements instant navigation took away: release what their components subscribed to. */
  function release() {
    live = live.filter(function (c) {
      if (c.el.isConnected) return true;
      c.offs.forEach(function (off) { try { off(); } catch (e) { report(c.name, e); } });
      return false;
    });
  }

  var started = false;

  /* Enhance every element of a registered component not enhanced yet; with `only`, only those
   * components (the ones registered { beforePaint: true }). */
  function enhance(only) {
    document.querySelectorAll("[data-module]").forEach(function (el) {
      var name = el.getAttribute("data-module");
      if (!components[name] || el.hasAttribute("data-hb-init") || (only && !only[name])) return;
      el.setAttribute("data-hb-init", "");
      var c = { el: el, name: name, offs: [] };
      live.push(c);
      try {
        components[name](el, function (off) { if (typeof off === "function") c.offs.push(off); });
      } catch (e) { report(name, e); }
    });
  }

  function init() {
    started = true;
    release();
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
   * reserved space (reserved-space.css) keeps anything from moving when they do.
   *
   * A component whose first state changes what the page shows (the case-studies filter, which
   * hides the studies its address does not choose) registers { beforePaint: true } and starts at
   * once, in the task that shows the page: otherwise a reader would see everything shown, then
   * most of it vanish.
   *
   * Every later showing (Material's instant navigation, and the first time a reader follows a link
   * to a place on the same page, when Material fetches the page and shows it anew) starts every
   * component at once: the page the reader was looking at comes back with their answers in it,
   * not empty for a moment, and a place scrolled to does not move as they fill in. */
  var early = {};
  var showings = 0;

  function show() {
    if (showings++) { init(); return; }
    enhance(early);
    requestAnimationFrame(function () { setTimeout(init, 0); });
  }

  /* Material's document$ emits each page, also after instant navigation. Opened from files, it
   * completes without emitting (instant navigation is off there), so fall back to DOM ready. */
  function start() {
    var emitted = false;
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe({
        next: function () { emitted = true; show(); },
        complete: function () { if (!emitted) onReady(show); }
      });
    } else {
      onReady(show);
    }
  }

  /* A date in the catalogue's words and order (data/ui.yml, handbook: script: date, month-1...). */
  function dateText(day, month, year) {
    return window.hb.text(null, "date", { day: day, month: window.hb.text(null, "month-" + month), year: year });
  }

  /* A date as the handbook shows it to a reader: "2026-11-25" (as <input type=date> stores it) ->
   * "25 November 2026"; a time ("2026-11-25T09:30:00.000Z", a snapshot's) -> its local date, the
   * same way. Anything that is not a real calendar date in that form comes back as given (trimmed),
   * so a value is never hidden or changed into a different one; null/undefined -> "". */
  function ukDate(iso) {
    if (iso === null || iso === undefined) return "";
    var s = String(iso).trim();
    var m = /^(\d{4})-(\d{2})-(\d{2})(T.+)?$/.exec(s);
    if (!m) return s;
    if (m[4]) {
      var when = new Date(s);
      return isNaN(when.getTime()) ? s : dateText(when.getDate(), when.getMonth() + 1, when.getFullYear());
    }
    var y = +m[1], mo = +m[2], d = +m[3];
    var t = new Date(Date.UTC(2000, mo - 1, d));
    t.setUTCFullYear(y);
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return s;
    return dateText(d, mo, y);
  }

  function twoDigits(n) { return ("0" + n).slice(-2); }

  /* A moment (a Date) as the handbook shows it: "2 January 2026 at 03:04", this computer's local
   * time, in the catalogue's words and order (handbook: script: date-time). */
  function dateTime(when) {
    return window.hb.text(null, "date-time", {
      date: dateText(when.getDate(), when.getMonth() + 1, when.getFullYear()),
      time: twoDigits(when.getHours()) + ":" + twoDigits(when.getMinutes())
    });
  }

  /* The page's language (<html lang>, which the build sets from mkdocs.yml's theme.language): what
   * numbers are written in, and what a document made in the browser declares. No script names a
   * language of its own, so another language is a matter of data (README: translating). */
  function language() { return document.documentElement.lang || "en"; }

  /* 1234 -> "1,234" (en), "1.234" (de). */
  function number(n) {
    try { return Number(n).toLocaleString(language()); } catch (e) { return String(n); }
  }

  /* Today in this computer's time zone, as <input type=date> writes it: "2026-11-25". */
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + twoDigits(d.getMonth() + 1) + "-" + twoDigits(d.getDate());
  }

  /* ---- hb.ui: elements, messages and confirmations made the same way everywhere */
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* A button (type=button, Material's look) running action(button) when pressed; `hidden` is
   * more of its name for screen readers only ("Delete" + " the copy kept on ..."). */
  function button(text, action, className, hidden) {
    var b = el("button", "md-button" + (className ? " " + className : ""), text);
    b.type = "button";
    if (hidden) b.appendChild(el("span", "hb-visually-hidden", hidden));
    b.addEventListener("click", function () { action(b); });
    return b;
  }

  /* Replace box's content with one paragraph per line. */
  function paras(box, lines) {
    box.textContent = "";
    lines.forEach(function (line) { box.appendChild(el("p", null, line)); });
  }

  /* A message in box (a live region), replacing the last one: text in a <tag class=className>,
   * followed by an Undo button when `undo` is given (undoName: its accessible name, saying what
   * comes back). Pressing Undo clears the message, then runs undo(). Returns the button or null. */
  function tell(box, text, undo, tag, className, undoName) {
    box.textContent = "";
    if (!text) return null;
    var p = box.appendChild(el(tag || "p", className, text));
    if (!undo) return null;
    p.appendChild(document.createTextNode(" "));
    var b = p.appendChild(button(window.hb.text(box, "undo"), function () { box.textContent = ""; undo(); }, "hb-undo"));
    b.setAttribute("data-hb-undo", "");
    if (undoName) b.setAttribute("aria-label", undoName);
    return b;
  }

  /* A confirmation panel in the page's markup (hidden until asked): nothing changes until its
   * yes (or alt) button is pressed; its no button or Escape cancels and calls cancelled(). Focus
   * returns to what opened it; an `opener` button says (aria-expanded) whether the panel is open.
   * parts: {title, body?, yes, no, alt?, opener?, cancelled}. Returns {open(o), close()}, where
   * o: {title, body?: [lines], yes?: label, onYes, alt?: label, onAlt?, from?, focus?: "no"}. */
  function confirmPanel(box, parts) {
    var onYes = null, onAlt = null, back = null;
    function expanded(on) { if (parts.opener) parts.opener.setAttribute("aria-expanded", String(on)); }
    function close() {
      box.hidden = true;
      onYes = onAlt = null;
      expanded(false);
      if (back) back.focus();
    }
    function run(f) { close(); if (f) f(); }
    function cancel() { close(); parts.cancelled(); }
    parts.yes.addEventListener("click", function () { run(onYes); });
    if (parts.alt) parts.alt.addEventListener("click", function () { run(onAlt); });
    parts.no.addEventListener("click", cancel);
    box.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); cancel(); }
    });
    if (parts.opener) {
      parts.opener.setAttribute("aria-controls", box.id);
      expanded(false);
    }
    return {
      open: function (o) {
        parts.title.textContent = o.title;
        if (parts.body) paras(parts.body, o.body || []);
        if (o.yes) parts.yes.textContent = o.yes;
        onYes = o.onYes;
        if (parts.alt) {
          parts.alt.hidden = !o.alt;
          parts.alt.textContent = o.alt || "";
          onAlt = o.onAlt || null;
        }
        back = o.from || parts.opener || null;
        box.hidden = false;
        expanded(true);
        (o.focus === "no" ? parts.no : parts.yes).focus();
      },
      close: close
    };
  }

  /* The keys of a Storage area that start with prefix ([] if it cannot be read). */
  function keysIn(area, prefix) {
    var out = [];
    if (!area) return out;
    try {
      for (var i = 0; i < area.length; i++) {
        var k = area.key(i);
        if (k && k.indexOf(prefix) === 0) out.push(k);
      }
    } catch (e) { /* storage went away: nothing to list */ }
    return out;
  }

  /* addEventListener that returns its own removal (for a component's teardown). */
  function listen(target, type, fn, options) {
    target.addEventListener(type, fn, options);
    return function () { target.removeEventListener(type, fn, options); };
  }

  /* A list of listeners: add(fn) returns fn's removal; fire(...) calls every one. */
  function listeners() {
    var fns = [];
    return {
      add: function (fn) {
        fns.push(fn);
        return function () { fns = fns.filter(function (f) { return f !== fn; }); };
      },
      fire: function () {
        var args = arguments;
        fns.slice().forEach(function (fn) { fn.apply(null, args); });
      }
    };
  }

  window.hb = {
    /* "2026-11-25" -> "25 November 2026" (see ukDate above); for forms, the record and summaries. */
    ukDate: ukDate,
    dateTime: dateTime,
    today: today,
    language: language,
    number: number,
    /* Register a component: fn(rootElement, teardown) runs once per element with data-module=name,
     * after the page is painted, or, with options { beforePaint: true }, before (see show above). */
    register: function (name, fn, options) {
      components[name] = fn;
      if (options && options.beforePaint) early[name] = true;
      if (started) enhance();  /* a page bundle loaded after the page was shown (loader.js) */
    },
    /* Run fn on every page shown (first load and each instant navigation). */
    onPage: function (fn) { pageHooks.push(fn); },
    listen: listen,
    listeners: listeners,
    keysIn: keysIn,
    namespace: function () {
      var m = document.querySelector('meta[name="hb-namespace"]');
      return m ? m.getAttribute("content") : "handbook";
    },
    ui: { el: el, button: button, paras: paras, tell: tell, confirm: confirmPanel }
  };

  start();
})();
