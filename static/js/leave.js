// Optional help only: the "Leave this site" link works without it.
// Esc leaves too, and replace() keeps this page out of the back button's history.
(function () {
  "use strict";
  var link = document.getElementById("leave-site");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); }
  });
}());
