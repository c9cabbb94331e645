/* The menu button on narrow screens: opens and closes the header's menu, says so to screen
 * readers (aria-expanded) and closes with Escape. Without this script the menu stays open. */
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
    var button = document.querySelector("[data-menu-toggle]");
    if (!button) return;
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") { set(false); button.focus(); }
    });
  });
})();
