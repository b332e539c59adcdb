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
