// The queue's column chooser (issue 15.2): the ↑/↓ buttons move a column in the list, and the
// form sends the ticked columns in the list's order. Without this script the buttons stay
// hidden and the columns keep their default order.
(function () {
  var list = document.querySelector("[data-column-list]");
  if (!list) return;
  list.querySelectorAll("[data-column-move]").forEach(function (button) { button.hidden = false; });
  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-column-move]");
    if (!button) return;
    var item = button.closest("[data-column-item]");
    if (button.dataset.columnMove === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.columnMove === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    button.focus();  // keep the keyboard on the column being moved
  });
})();
