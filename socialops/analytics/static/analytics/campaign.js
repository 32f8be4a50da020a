// Draw the campaign page's chart from the series the server embedded in the page.
(function () {
  "use strict";
  var canvas = document.getElementById("chart-campaign");
  if (!canvas || typeof window.Chart === "undefined") { return; }
  var series = JSON.parse(document.getElementById("campaign-series").textContent);
  var labels = JSON.parse(document.getElementById("campaign-chart-labels").textContent);
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "en");
  var ticks = { callback: function (v) { return numberFormat.format(v); } };
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: series.map(function (r) { return r.day; }),
      datasets: [
        { label: labels.impressions, data: series.map(function (r) { return r.impressions; }), backgroundColor: "#0d6efd" },
        { label: labels.engagements, data: series.map(function (r) { return r.engagements; }), backgroundColor: "#d63384", yAxisID: "y1" },
      ],
    },
    options: {
      responsive: true,
      interaction: { mode: "index", intersect: false },
      scales: { y: { beginAtZero: true, ticks: ticks },
                y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: ticks } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
