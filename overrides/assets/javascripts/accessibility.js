/* Keyboard and print help the theme does not give by itself.
 *
 * Skip link: Material's "Skip to content" link scrolls to the page's first heading, but focus stays
 * where it was, so a screen reader or the next Tab starts from the top again. Move focus to the
 * heading itself. The link is handled here rather than followed: Material's instant loading would
 * otherwise reload the page for it (replacing the heading just focused), and on the 404 page the
 * document has a <base>, so the link's own "#id" would point at the handbook's home page.
 *
 * Search dialog: Material's has no accessible name; it gets its search field's label.
 *
 * Header buttons: Material opens its navigation drawer and its search with <label>s for hidden
 * checkboxes. A keyboard cannot reach them (zoomed to 400% the page has the phone layout, where the
 * navigation is only in the drawer) and a screen reader hears no name. Each is replaced by a real
 * button in the same place and look, named with Material's own words (its navigation's and search
 * field's labels), that ticks the same checkbox (the header stays across instant loading).
 *
 * Links within the page: print.css prints where each link goes, but not for links to another part
 * of the same page. Over HTTP Material's instant loading rewrites every link to a full address, so
 * CSS alone cannot tell those apart: mark them (class hb-link--in-page) on every page load.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (ev) {
    var link = ev.target && ev.target.closest ? ev.target.closest("a.md-skip") : null;
    if (!link) return;
    var href = link.getAttribute("href") || "";
    var id = decodeURIComponent(href.slice(href.indexOf("#") + 1));
    var target = id ? document.getElementById(id) : null;
    if (!target) return;
    ev.preventDefault();
    ev.stopPropagation();
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
    target.scrollIntoView();
  }, true);

  function markInPageLinks() {
    var here = location.href.split("#")[0];
    document.querySelectorAll(".md-content a[href*='#']").forEach(function (a) {
      if (a.href.split("#")[0] === here) a.classList.add("hb-link--in-page");
    });
  }

  /* Material's search is a role=dialog with no name (axe/Lighthouse: aria-dialog-name). Name it as
   * Material names its search field (its own translated "Search"), once: the header stays put
   * across instant loading. */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (!dialog || dialog.hasAttribute("aria-label") || dialog.hasAttribute("aria-labelledby")) return;
    var field = dialog.querySelector("input[aria-label]");
    dialog.setAttribute("aria-label", field ? field.getAttribute("aria-label") : window.hb.text(null, "search"));
  }

  function headerButtons() {
    [["__drawer", "nav.md-nav--primary[aria-label]"], ["__search", ".md-search input[aria-label]"]].forEach(function (pair) {
      var label = document.querySelector('.md-header label.md-header__button[for="' + pair[0] + '"]');
      var box = document.getElementById(pair[0]);
      if (!label || !box) return;
      var named = document.querySelector(pair[1]);
      var b = document.createElement("button");
      b.type = "button";
      b.className = label.className + " hb-header-button";
      b.setAttribute("for", pair[0]);  /* Material's stylesheet shows and hides these by [for=...] */
      if (named) b.setAttribute("aria-label", named.getAttribute("aria-label"));
      while (label.firstChild) b.appendChild(label.firstChild);
      b.addEventListener("click", function () {
        box.click();
        /* an open search takes the typing at once, as Material's own shortcut does */
        var field = pair[0] === "__search" && box.checked && document.querySelector(".md-search__input");
        if (field) field.focus();
      });
      label.replaceWith(b);
    });
  }

  window.hb.onPage(nameSearchDialog);
  window.hb.onPage(headerButtons);
  window.hb.onPage(markInPageLinks);  /* every page, also after instant loading (handbook.js) */
})();
