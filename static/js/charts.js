/* Draws the satisfaction trend from the JSON the page embeds (json_script); the table beside it
   is the fallback without JavaScript and for screen readers. */
(function () {
  "use strict";
  var canvas = document.getElementById("analysis-trend");
  var dataNode = document.getElementById("analysis-trend-data");
  if (!canvas || !dataNode || typeof window.Chart === "undefined") { return; }
  var rows = JSON.parse(dataNode.textContent);
  var labels = JSON.parse(document.getElementById("analysis-trend-labels").textContent);
  var series = [
    ["response_rate", "#6c757d"], ["response_speed", "#0d6efd"], ["attitude", "#198754"],
    ["ability", "#fd7e14"], ["overall", "#dc3545"]
  ];
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: rows.map(function (r) { return r.month; }),
      datasets: series.map(function (s) {
        return { label: labels[s[0]] || s[0], data: rows.map(function (r) { return r[s[0]]; }),
                 borderColor: s[1], backgroundColor: s[1], spanGaps: true, tension: 0.2 };
      })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
