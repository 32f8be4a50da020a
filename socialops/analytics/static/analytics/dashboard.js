// Draw the dashboard's charts from the analytics API (the tables beside them are the
// same numbers rendered by the server, for reading without JavaScript or a mouse).
(function () {
  "use strict";
  var root = document.getElementById("analytics-charts");
  if (!root || typeof window.Chart === "undefined") { return; }
  var labels = JSON.parse(document.getElementById("analytics-chart-labels").textContent);
  var locale = document.documentElement.lang || "en";
  var numberFormat = new Intl.NumberFormat(locale);
  var options = {
    responsive: true,
    interaction: { mode: "index", intersect: false },
    scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return numberFormat.format(v); } } } },
    plugins: { legend: { position: "bottom" } },
  };
  fetch(root.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(function (data) {
      var days = data.series.map(function (row) { return row.day; });
      new window.Chart(document.getElementById("chart-daily"), {
        type: "line",
        data: {
          labels: days,
          datasets: [
            { label: labels.impressions, data: data.series.map(function (r) { return r.impressions; }), borderColor: "#0d6efd", tension: 0.2, pointRadius: 0 },
            { label: labels.reach, data: data.series.map(function (r) { return r.reach; }), borderColor: "#6c757d", tension: 0.2, pointRadius: 0 },
            { label: labels.engagements, data: data.series.map(function (r) { return r.engagements; }), borderColor: "#d63384", tension: 0.2, pointRadius: 0, yAxisID: "y1" },
          ],
        },
        options: Object.assign({}, options, { scales: Object.assign({}, options.scales, {
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } }) }),
      });
      new window.Chart(document.getElementById("chart-channels"), {
        type: "bar",
        data: {
          labels: data.channels.map(function (r) { return r.channel + " · " + r.network; }),
          datasets: [{ label: labels.engagements, data: data.channels.map(function (r) { return r.engagements; }), backgroundColor: "#d63384" }],
        },
        options: options,
      });
      root.dataset.loaded = "true";
    })
    .catch(function () { root.dataset.loaded = "error"; });
})();
