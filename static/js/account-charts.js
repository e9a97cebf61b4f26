// Charts of the account's report screens (overview and consumption), drawn with Chart.js.
// Each <canvas data-chart="ID"> takes its data from the json_script element ID:
// {"type": "bar"|"line", "labels": [...], "datasets": [{"label": "...", "data": [...]}],
//  "percent": true when the values are rates from 0 to 1, "counts": true when they are
//  whole numbers (no 0.5 on the axis)}.
(function () {
  "use strict";
  const colours = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1"];

  function draw(canvas) {
    const spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    const language = document.documentElement.lang || "es";
    const number = new Intl.NumberFormat(language, spec.percent ? { style: "percent", maximumFractionDigits: 1 } : {});
    const datasets = spec.datasets.map(function (dataset, n) {
      return Object.assign({ backgroundColor: colours[n % colours.length], borderColor: colours[n % colours.length] }, dataset);
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: spec.counts ? 0 : undefined, callback: function (value) { return number.format(value); } } } },
        plugins: {
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + number.format(item.raw); } } },
        },
      },
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
