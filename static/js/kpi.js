/* KPI dashboard charts from the JSON the page embeds (json_script); the tables under "Trends as
   tables" carry the same figures without JavaScript and for screen readers. */
(function () {
  "use strict";
  var dataNode = document.getElementById("kpi-chart-data");
  var labelNode = document.getElementById("kpi-chart-labels");
  if (!dataNode || !labelNode || typeof window.Chart === "undefined") { return; }
  var d = JSON.parse(dataNode.textContent);
  var names = JSON.parse(labelNode.textContent);
  var common = { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { position: "bottom" } } };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new window.Chart(canvas, config); }
  }
  function series(key, color, extra) {
    var s = { label: names[key] || key, data: d[key], borderColor: color, backgroundColor: color,
              spanGaps: false, tension: 0, pointRadius: 3 };
    for (var k in (extra || {})) { s[k] = extra[k]; }
    return s;
  }

  draw("kpi-volume", {
    type: "bar",
    data: { labels: d.labels, datasets: [series("opened", "#0d6efd"), series("resolved", "#198754")] },
    options: Object.assign({}, common, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } })
  });
  draw("kpi-attainment", {
    type: "line",
    data: { labels: d.labels, datasets: [series("response", "#0d6efd"), series("arrival", "#fd7e14"),
                                          series("resolution", "#dc3545")] },
    options: Object.assign({}, common, {
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } } } })
  });
  draw("kpi-backlog", {
    type: "line",
    data: { labels: d.backlog_labels, datasets: [
      { label: names.backlog, data: d.backlog, borderColor: "#6c757d", backgroundColor: "#6c757d", tension: 0 },
      { label: names.backlog_over_7d, data: d.backlog_over_7d, borderColor: "#dc3545", backgroundColor: "#dc3545", tension: 0 }
    ] },
    options: Object.assign({}, common, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } })
  });
})();

/* The period picker: show only the inputs of the chosen kind of period (without JavaScript all
   of them show, and the server reads the ones the kind needs). */
(function () {
  "use strict";
  var kind = document.getElementById("k-period");
  if (!kind) { return; }
  function update() {
    var fields = document.querySelectorAll("[data-period-field]");
    for (var i = 0; i < fields.length; i++) {
      fields[i].hidden = fields[i].getAttribute("data-period-field") !== kind.value;
    }
  }
  kind.addEventListener("change", update);
  update();
})();
