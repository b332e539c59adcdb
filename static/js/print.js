// Print buttons of the standalone print pages (label sheet, complaint form): no inline
// onclick, the Content-Security-Policy refuses those.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
