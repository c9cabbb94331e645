// Each KPI chart is drawn from the data table beside it (the table stays on the page: it is
// what a screen reader reads, and the figures without JavaScript). No inline script: CSP.
(function () {
  "use strict";
  function numbers(rows, key) {
    return rows.map(function (row) {
      var v = row.dataset[key];
      return v === "" ? null : Number(v);
    });
  }
  function draw(figure) {
    var canvas = figure.querySelector("canvas");
    var rows = Array.prototype.slice.call(figure.querySelectorAll("tbody tr"));
    if (!canvas || !rows.length || typeof window.Chart === "undefined") return;
    var labels = rows.map(function (row) { return row.querySelector("th").textContent.trim(); });
    new window.Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          { type: "bar", label: figure.dataset.label, data: numbers(rows, "value"), backgroundColor: "#256ef4" },
          { type: "line", label: figure.dataset.targetLabel, data: numbers(rows, "target"), borderColor: "#d63d4a",
            pointRadius: 0, borderDash: [6, 4], fill: false }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { position: "bottom" } } }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure[data-kpi-chart]").forEach(draw);
  });
})();
