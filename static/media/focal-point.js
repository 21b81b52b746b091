// The focal-point picker of a library picture's change page: click the subject
// and the two number fields (focal_x, focal_y, 0..1) follow. Without JavaScript
// the picker stays hidden and the fields are typed.
(function () {
  "use strict";

  function round(value) {
    return Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 1000;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var picker = document.querySelector("[data-focal-picker]");
    var x = document.getElementById("id_focal_x");
    var y = document.getElementById("id_focal_y");
    if (!picker || !x || !y) {
      return;
    }
    var image = picker.querySelector("img");
    var marker = picker.querySelector(".media-focal__marker");

    function place() {
      // CSSOM, not a style attribute: allowed by the Content-Security-Policy.
      marker.style.left = (parseFloat(x.value) || 0) * 100 + "%";
      marker.style.top = (parseFloat(y.value) || 0) * 100 + "%";
    }

    picker.hidden = false;
    place();
    image.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect();
      x.value = round((event.clientX - box.left) / box.width);
      y.value = round((event.clientY - box.top) / box.height);
      place();
    });
    x.addEventListener("input", place);
    y.addEventListener("input", place);
  });
})();
