// Optional help only: the "Leave this site" link works without it (the server ends the session,
// tells the browser to forget the site, and sends the person on). With it, the page vanishes at
// once and its history entry is replaced, so Back never returns to it. On a writing page the
// words being typed go with the request that ends the session, so Esc never loses a draft; the
// exit waits for that answer at most a moment.
(function () {
  "use strict";
  var link = document.getElementById("leave-site");
  if (!link) { return; }
  var away = link.getAttribute("data-away");
  var WAIT_MS = 400;
  var left = false;

  function draft() {
    var form = document.querySelector("form[data-save-on-leave]");
    if (!form || !window.fetch) { return null; }
    var data = new URLSearchParams();
    data.append("draft_case", form.getAttribute("data-draft-case"));
    data.append("draft_item", form.getAttribute("data-draft-item"));
    Array.prototype.forEach.call(form.querySelectorAll("textarea[name=part]"), function (box) {
      data.append("part", box.value);
    });
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { data.append("csrf_token", token.value); }
    return data;
  }

  function go(url) { window.location.replace(url); }

  function leave(event) {
    if (left) { return; }
    left = true;
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    var words = draft();
    if (!words) { go(link.href); return; }
    // The session ends with this request (and the browser is told to forget the site): then
    // straight to the page away. If it takes too long, the link's own way does the same.
    var timer = window.setTimeout(function () { go(link.href); }, WAIT_MS);
    window.fetch(link.href, { method: "POST", body: words, credentials: "same-origin", keepalive: true })
      .then(function (response) { window.clearTimeout(timer); go(response.ok ? away : link.href); })
      .catch(function () { window.clearTimeout(timer); go(link.href); });
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); }
  });
}());
