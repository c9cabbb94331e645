/* Address picker: an input marked data-address-picker searches the address register as one
   types (GET /addresses/?format=json&q=...) and fills the address, postal code, district and
   the register's key from the chosen result. Without JavaScript the input is a plain field and
   the help text links to the plain search page. */
(function () {
  "use strict";
  function debounce(fn, ms) {
    var t;
    return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); };
  }
  function setup(input) {
    var url = input.getAttribute("data-address-url") || "/addresses/";
    var list = document.createElement("ul");
    list.className = "egov-address-results";
    list.id = input.id + "_results";
    list.setAttribute("role", "listbox");
    var status = document.createElement("p");
    status.className = "sr-only";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    var key = document.getElementById(input.getAttribute("data-key-target") || "");
    var postal = document.getElementById(input.getAttribute("data-postal-target") || "");
    var agency = document.getElementById(input.getAttribute("data-agency-target") || "");
    var last = "";
    function choose(item) {
      input.value = item.road_address;
      if (key) key.value = item.key;
      if (postal) postal.value = item.postal_code;
      if (agency && item.agency) agency.value = item.agency;
      list.innerHTML = "";
      status.textContent = item.road_address + " " + item.postal_code;
      input.focus();
    }
    var search = debounce(function () {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (key) key.value = "";
      if (q.length < 2) { list.innerHTML = ""; return; }
      fetch(url + "?format=json&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          if (data.query !== undefined && data.query !== input.value.trim()) return;
          list.innerHTML = "";
          data.results.forEach(function (item) {
            var li = document.createElement("li");
            var b = document.createElement("button");
            b.type = "button";
            b.setAttribute("role", "option");
            b.textContent = item.road_address + " (" + item.postal_code + ")" + (item.building_name ? " " + item.building_name : "");
            b.addEventListener("click", function () { choose(item); });
            li.appendChild(b);
            list.appendChild(li);
          });
          status.textContent = data.results.length + "";
        })
        .catch(function () { list.innerHTML = ""; });
    }, 200);
    input.addEventListener("input", search);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && list.firstChild) { e.preventDefault(); list.firstChild.firstChild.focus(); }
    });
    list.addEventListener("keydown", function (e) {
      var li = e.target.parentNode;
      if (e.key === "ArrowDown" && li.nextSibling) { e.preventDefault(); li.nextSibling.firstChild.focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (li.previousSibling ? li.previousSibling.firstChild : input).focus(); }
      if (e.key === "Escape") { list.innerHTML = ""; input.focus(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-address-picker]").forEach(setup);
  });
})();
