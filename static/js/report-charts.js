"use strict";
// The campaign report's charts (Chart.js), drawn from the JSON the live part carries and
// redrawn each time htmx swaps a new live part in; the click map reloads when clicks change.
(function () {
  const holder = document.getElementById("report-charts");
  if (!holder || !window.Chart) return;
  const names = holder.dataset;
  const charts = {};

  function data() {
    const script = document.getElementById("report-chart-data");
    return script ? JSON.parse(script.textContent) : null;
  }

  function series(values) {
    return [
      { label: names.opens, data: values.opens },
      { label: names.clicks, data: values.clicks },
    ];
  }

  function tally(pairs) {
    return { labels: pairs.map((pair) => pair[0]), datasets: [{ label: names.people, data: pairs.map((pair) => pair[1]) }] };
  }

  function shapes(values) {
    return {
      hours: { labels: values.hours.labels, datasets: series(values.hours) },
      timeline: { labels: values.timeline.labels, datasets: series(values.timeline) },
      clients: tally(values.clients),
      devices: tally(values.devices),
    };
  }

  const kinds = { hours: "bar", timeline: "line", clients: "bar", devices: "doughnut" };
  const options = {
    hours: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    timeline: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    clients: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    devices: {},
  };

  function draw() {
    const values = data();
    if (!values) return;
    const shaped = shapes(values);
    for (const name of Object.keys(kinds)) {
      if (charts[name]) {
        charts[name].data = shaped[name];
        charts[name].update("none");
      } else {
        charts[name] = new window.Chart(document.getElementById(`chart-${name}`), {
          type: kinds[name],
          data: shaped[name],
          options: { animation: false, maintainAspectRatio: false, ...options[name] },
        });
      }
    }
  }

  let shownClicks = null;
  function refreshMap() {
    const table = document.getElementById("report-links");
    const frame = document.getElementById("report-heatmap");
    if (!table || !frame) return;
    const clicks = table.dataset.clicks;
    if (shownClicks !== null && clicks !== shownClicks) {
      const url = new URL(frame.src, window.location.href);
      url.searchParams.set("v", clicks);
      frame.src = url.toString();
    }
    shownClicks = clicks;
  }

  draw();
  refreshMap();
  document.body.addEventListener("htmx:afterSettle", () => {
    draw();
    refreshMap();
  });
})();
