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
    if (count) {
      count.textContent = all && all.checked ? (count.dataset.all || "…") : String(ticked().length);
    }
    var action = form.querySelector("select[name=action]").value;
    form.querySelectorAll("[data-bulk-for]").forEach(function (group) {
      group.hidden = group.dataset.bulkFor.split(" ").indexOf(action) === -1;
    });
  }
  // Over several pages the server counts "all matching" only when it is ticked (issue 19):
  // the label then names the count, or "more than 500 match" and the box is refused.
  function countAllMatching(box) {
    var count = document.getElementById("bulk-count");
    var label = document.getElementById("bulk-all-label");
    box.disabled = true;
    fetch(box.dataset.countUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (result) {
        delete box.dataset.countUrl;
        label.textContent = result.label;
        count.dataset.all = String(result.count);
        box.disabled = result.over;
        if (result.over) box.checked = false;
        update();
      })
      .catch(function () {
        box.disabled = false;
        box.checked = false;
        update();
      });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "all_matching" && target.checked && target.dataset.countUrl) {
      countAllMatching(target);
    }
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
