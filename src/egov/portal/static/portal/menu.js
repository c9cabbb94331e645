/* The full menu on narrow screens is KRDS's mobile main menu (krds-main-menu-mobile, from the
 * krds-uiux package's html/code/main_menu_mobile.html and its CSS). It opens the way KRDS's
 * ui-script.js (krds_mainMenuMobile) does — shown, then is-backdrop/is-open, the page behind
 * made inert, focus trapped inside — and adds what that script leaves out: Escape closes,
 * aria-expanded on the button, focus back to the button. ui-script.js itself is not loaded: it
 * starts all twenty KRDS components on every page at once (96 KB).
 * The panel is filled with the header's own links, so each header (portal, back office) lists
 * its menu once. Without this script the header's menu stays open in the page. */
(function () {
  "use strict";
  document.documentElement.classList.add("egov-js");
  document.addEventListener("DOMContentLoaded", function () {
    /* Each table cell learns its column's name, shown above it when the table reflows on a phone. */
    document.querySelectorAll("table.egov-table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label") && cell.colSpan === 1) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
    mobileMenu();
  });

  function mobileMenu() {
    var button = document.querySelector("[data-menu-toggle]");
    var panel = document.getElementById("mobile-nav");
    if (!button || !panel) return;
    var wrap = panel.querySelector(".gnb-wrap");
    var close = panel.querySelector("#close-nav");
    var behind = ["krds-masthead", "krds-header", "main", "krds-footer"].map(function (id) { return document.getElementById(id); });
    var mainList = panel.querySelector("[data-mobile-main]");
    document.querySelectorAll("#egov-menu nav .egov-nav > li > a").forEach(function (link) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = link.getAttribute("href");
      a.className = "gnb-sub-trigger";
      a.textContent = link.textContent.trim();
      if (link.getAttribute("aria-current")) a.setAttribute("aria-current", link.getAttribute("aria-current"));
      li.appendChild(a);
      mainList.appendChild(li);
    });
    var utility = panel.querySelector("[data-mobile-utility]");
    var utilityList = document.querySelector("#egov-menu .egov-utility");
    if (utilityList) {
      var copy = utilityList.cloneNode(true);
      copy.className = "egov-mobile-utility";
      copy.querySelectorAll("[id]").forEach(function (el) {
        var label = copy.querySelector('label[for="' + el.id + '"]');
        el.id = "mobile-" + el.id;
        if (label) label.setAttribute("for", el.id);
      });
      copy.querySelectorAll("[data-testid]").forEach(function (el) { el.removeAttribute("data-testid"); });
      utility.appendChild(copy);
    }
    function focusables() {
      return Array.prototype.filter.call(
        wrap.querySelectorAll("a[href], button:not([disabled]), input:not([type=hidden]), select, textarea"),
        function (el) { return el.offsetParent !== null; }
      );
    }
    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function open() {
      panel.hidden = false;
      panel.style.display = "block";
      button.setAttribute("aria-expanded", "true");
      behind.forEach(function (el) { if (el) el.setAttribute("inert", ""); });
      document.body.classList.add("is-gnb-mobile");
      requestAnimationFrame(function () {
        panel.classList.add("is-backdrop", "is-open");
        var first = focusables()[0];
        (first || wrap).focus();
      });
    }
    function shut() {
      if (!isOpen()) return;
      panel.classList.remove("is-backdrop", "is-open");
      button.setAttribute("aria-expanded", "false");
      behind.forEach(function (el) { if (el) el.removeAttribute("inert"); });
      document.body.classList.remove("is-gnb-mobile");
      panel.hidden = true;
      panel.style.display = "";
      button.focus();
    }
    button.addEventListener("click", function () { if (isOpen()) shut(); else open(); });
    close.addEventListener("click", shut);
    panel.addEventListener("click", function (event) { if (!event.target.closest(".gnb-wrap")) shut(); });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); shut(); return; }
      if (event.key !== "Tab") return;
      var items = focusables();
      if (!items.length) return;
      var first = items[0], last = items[items.length - 1];
      if (event.shiftKey && (document.activeElement === first || document.activeElement === wrap)) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
    window.addEventListener("resize", function () { if (window.innerWidth >= 1024) shut(); });
  }
})();
