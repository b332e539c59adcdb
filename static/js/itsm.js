// A double click must not send a form twice (the server also ignores a resubmitted form).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-submit-once")) return;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
});

// Category lists follow the chosen service type (options carry data-service-type).
function filterCategories(form) {
  var type = form.querySelector("select[name=service_type]");
  var category = form.querySelector("select[name=category]");
  if (!type || !category) return;
  category.querySelectorAll("option[data-service-type]").forEach(function (option) {
    var match = option.dataset.serviceType === type.value;
    option.hidden = !match;
    option.disabled = !match;
    if (!match && option.selected) category.value = "";
  });
}
document.addEventListener("change", function (event) {
  if (event.target.name === "service_type" && event.target.form) filterCategories(event.target.form);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(filterCategories);
});

// The asset form shows only the chosen type's specification fields.
function showSpecGroups(form) {
  var type = form.querySelector("select[name=asset_type]");
  if (!type) return;
  form.querySelectorAll("[data-spec-group]").forEach(function (group) {
    group.hidden = group.dataset.specGroup !== type.value;
  });
}
document.addEventListener("change", function (event) {
  if (event.target.name === "asset_type" && event.target.form) showSpecGroups(event.target.form);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(showSpecGroups);
});

// Bar widths: style attributes are refused by the Content-Security-Policy, the DOM style is not.
function setWidths(root) {
  root.querySelectorAll("[data-width]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0)) + "%";
  });
}
htmx.onLoad(setWidths);  // the page, and every fragment htmx swaps in

// Log a call: choosing a caller fills in the requester, phone and site (no inline handlers, CSP);
// htmx fetches the caller's tickets, then the list of callers closes.
document.addEventListener("click", function (event) {
  var caller = event.target.closest("[data-caller]");
  if (!caller) return;
  var fields = {id_requester: caller.dataset.caller, id_contact_phone: caller.dataset.phone};
  if (caller.dataset.site) fields.id_site = caller.dataset.site;
  Object.keys(fields).forEach(function (id) {
    var field = document.getElementById(id);
    if (field) field.value = fields[id];
  });
});
document.addEventListener("htmx:afterRequest", function (event) {
  if (!event.detail.elt.hasAttribute || !event.detail.elt.hasAttribute("data-caller")) return;
  var list = document.getElementById("callers");
  if (list) list.innerHTML = "";
});
