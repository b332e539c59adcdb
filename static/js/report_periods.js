// The report generation form: the period picker offers months for the monthly reports,
// quarters for the quarterly review and years for the annual one (issue 15, point 13).
(function () {
  "use strict";
  var GROUP = {monthly_summary: "month", monthly_repair: "month", quarterly: "quarter", annual: "year"};
  function follow(kind) {
    var form = kind.form;
    var picker = form && form.querySelector("select[name=period]");
    if (!picker) { return; }
    var wanted = GROUP[kind.value] || "month";
    var first = null;
    picker.querySelectorAll("optgroup[data-period-group]").forEach(function (group) {
      var on = group.getAttribute("data-period-group") === wanted;
      group.disabled = !on;
      group.hidden = !on;
      if (on && !first) { first = group.querySelector("option"); }
    });
    var chosen = picker.selectedOptions[0];
    if (!chosen || chosen.parentNode.disabled) {
      if (first) { first.selected = true; }
    }
  }
  document.querySelectorAll("select[data-period-kind]").forEach(function (kind) {
    kind.addEventListener("change", function () { follow(kind); });
    follow(kind);
  });
})();
