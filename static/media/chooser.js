// The picture chooser (media/chooser.py): tells the window that opened it which
// picture was chosen, then closes. Without an opener (or without JavaScript)
// the links lead to the page that shows the Markdown to copy.
(function () {
  "use strict";

  function send(message) {
    if (!window.opener || window.opener.closed) {
      return false;
    }
    window.opener.postMessage(message, window.location.origin);
    window.close();
    return true;
  }

  function parse(element) {
    try {
      var message = JSON.parse(element.getAttribute("data-choose"));
      return message && message.type === "newsroom:picture-chosen" ? message : null;
    } catch (error) {
      return null;
    }
  }

  document.addEventListener("click", function (event) {
    var element = event.target.closest("[data-choose]");
    if (!element) {
      return;
    }
    var message = parse(element);
    if (message && send(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var uploaded = document.querySelector("[data-autochoose] [data-choose]");
    if (uploaded) {
      var message = parse(uploaded);
      if (message) {
        send(message);
      }
    }
  });
})();
