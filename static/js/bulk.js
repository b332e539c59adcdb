// The queue's bulk bar (issue 15): tick rows, or "all matching"; the fields of the chosen
// action only; the 30-second refresh waits while rows are ticked so no choice is lost.
(function () {
  var form = document.getElementById("bulk-form");
  if (!form) return;
  function picks() { return document.querySelectorAll("input.bulk-pick"); }
  function ticked() { return document.querySelectorAll("input.bulk-pick:checked"); }
  function update() {
    var count = document.getElementById("bulk-count");
    var all = form.querySelector("input[name=all_matching]");
    if (count) count.textContent = all && all.checked ? count.dataset.all : String(ticked().length);
    var action = form.querySelector("select[name=action]").value;
    form.querySelectorAll("[data-bulk-for]").forEach(function (group) {
      group.hidden = group.dataset.bulkFor.split(" ").indexOf(action) === -1;
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "bulk-pick-all") {
      picks().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.classList.contains("bulk-pick") || target.id === "bulk-pick-all"
        || (target.form === form)) update();
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.id === "queue-table" && ticked().length) event.preventDefault();
  });
  update();
})();
