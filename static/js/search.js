// The navbar search (issue 15): "/" focuses the box; in its drop-down ↑ and ↓ move between the
// results and Enter opens the focused one (Enter in the box opens the search page); Escape
// closes it. The drop-down itself comes from htmx.
(function () {
  function box() { return document.getElementById("nav-search-q"); }
  function panel() { return document.getElementById("nav-search-results"); }
  function options() {
    var p = panel();
    return p ? Array.prototype.slice.call(p.querySelectorAll("a[role=option]")) : [];
  }
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function close() {
    var p = panel();
    if (p) p.replaceChildren();
  }

  document.addEventListener("keydown", function (event) {
    var input = box();
    if (!input) return;
    if (event.key === "/" && !typing(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    var inSearch = event.target === input || (panel() && panel().contains(event.target));
    if (!inSearch) return;
    var list = options();
    var at = list.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[Math.min(at + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && list.length) {
      event.preventDefault();
      if (at <= 0) input.focus(); else list[at - 1].focus();
    } else if (event.key === "Escape") {
      close();
      input.focus();
    }
  });

  // Shorter than two characters: nothing to ask the server.
  document.addEventListener("htmx:configRequest", function (event) {
    var input = box();
    if (event.detail.elt === input && input.value.trim().length < 2) {
      event.preventDefault();
      close();
    }
  });

  document.addEventListener("click", function (event) {
    var input = box();
    if (input && !input.form.contains(event.target)) close();
  });
})();
