// The desk's helpers (issue 15): the attachment viewer, canned replies, the call form's outcome.
// No inline handlers (CSP): everything listens on the document.

// Attachments: a thumbnail opens the image in a dialog (without JS the link opens it in a tab).
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-viewer=image]");
  var dialog = document.getElementById("attachment-viewer");
  if (!link || !dialog || typeof dialog.showModal !== "function") return;
  event.preventDefault();
  dialog.querySelector("[data-viewer-image]").src = link.getAttribute("href");
  dialog.querySelector("[data-viewer-image]").alt = link.dataset.name || "";
  dialog.querySelector("[data-viewer-name]").textContent = link.dataset.name || "";
  dialog.showModal();
});
document.addEventListener("click", function (event) {
  var dialog = event.target.closest("#attachment-viewer");
  if (!dialog) return;
  if (event.target === dialog || event.target.closest("[data-viewer-close]")) dialog.close();
});

// Canned replies: the server sends the reply filled in for the ticket (escaped, as text);
// it goes into the box at the cursor, and the picker is ready for the next one.
document.addEventListener("htmx:afterSwap", function (event) {
  var insert = event.detail.target.querySelector("[data-canned-insert]");
  if (!insert) return;
  var box = document.getElementById(insert.dataset.cannedInsert);
  var text = insert.textContent;
  if (box) {
    var start = box.selectionStart, end = box.selectionEnd;
    if (typeof start !== "number" || document.activeElement !== box) {
      start = end = box.value.length;
      if (box.value && !/\n$/.test(box.value)) text = "\n" + text;
    }
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
  }
  var picker = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (picker && picker.tagName === "SELECT") picker.value = "";
  insert.remove();
});

// Log a call: only the chosen outcome's fields are shown (the server reads only those).
function showOutcome(form) {
  var chosen = form.querySelector("input[name=outcome]:checked");
  if (!chosen) return;
  form.querySelectorAll("[data-outcome]").forEach(function (part) {
    part.hidden = part.dataset.outcome !== chosen.value;
  });
}
document.addEventListener("change", function (event) {
  if (event.target.name === "outcome" && event.target.form) showOutcome(event.target.form);
});
document.querySelectorAll("form").forEach(showOutcome);
