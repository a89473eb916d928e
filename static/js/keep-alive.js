// Optional help only: while someone is typing a letter, tell the server they are still here,
// so a long letter is not lost to the idle sign-out. Without it, saving the draft does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-keep-alive]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-keep-alive");
  var last = Date.now();
  form.addEventListener("input", function () {
    if (Date.now() - last < 4 * 60 * 1000) { return; }
    last = Date.now();
    fetch(url, { credentials: "same-origin", cache: "no-store" });
  });
}());
