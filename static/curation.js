// Drag-and-drop ordering on the curation screen: rows move, and their order
// numbers are renumbered 1..n, so Save sends the same form as without JavaScript.
(function () {
  "use strict";
  var list = document.querySelector("[data-curation-reorder]");
  if (!list || !list.querySelector("[data-curation-order]")) {
    return;
  }
  var dragged = null;

  function renumber() {
    var inputs = list.querySelectorAll("[data-curation-order]");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].value = String(i + 1);
    }
    list.dispatchEvent(new CustomEvent("curation:reordered", { bubbles: true }));
  }

  Array.prototype.forEach.call(list.children, function (row) {
    row.setAttribute("draggable", "true");
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      row.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-pin"));
    });
    row.addEventListener("dragend", function () {
      row.classList.remove("is-dragging");
      dragged = null;
      renumber();
    });
    row.addEventListener("dragover", function (event) {
      if (!dragged || dragged === row) {
        return;
      }
      event.preventDefault();
      var box = row.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? row.nextSibling : row);
    });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
    });
  });
})();
