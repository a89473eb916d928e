/* Removing a passage by selecting it in the original (progressive enhancement: without this
   script the reviewer copies the passage into a box, which works the same on the server).
   The words come from data attributes on the passages fieldset, so they are translated. */
(function () {
  "use strict";
  var original = document.getElementById("original");
  var passages = document.getElementById("passages");
  if (!original || !passages || !window.getSelection) {
    return;
  }
  var words = passages.dataset;
  var chosen = "";

  Array.prototype.forEach.call(passages.querySelectorAll("[data-shown-with-script]"), function (hint) {
    hint.hidden = false;
  });

  var tool = document.createElement("div");
  tool.className = "selection-tool";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary";
  button.textContent = words.selectLabel;
  var status = document.createElement("p");
  status.className = "field__hint";
  status.setAttribute("role", "status");
  tool.appendChild(button);
  tool.appendChild(status);
  original.parentNode.insertBefore(tool, original.nextSibling);

  // Remember the last selection inside the original: pressing the button must not lose it.
  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    var range = selection.getRangeAt(0);
    if (original.contains(range.commonAncestorContainer)) {
      chosen = selection.toString();
    }
  });

  function rows() {
    return passages.querySelectorAll(".passage-row");
  }

  function label(template, number) {
    return template.replace("%(number)s", String(number));
  }

  function addRow() {
    var all = rows();
    var last = all[all.length - 1];
    var row = last.cloneNode(true);
    var number = all.length + 1;
    var box = row.querySelector("textarea");
    var reason = row.querySelector("input");
    var labels = row.querySelectorAll("label");
    box.id = "passage-" + number;
    box.value = "";
    reason.id = "passage-reason-" + number;
    reason.value = "";
    labels[0].htmlFor = box.id;
    labels[0].textContent = label(words.passageLabel, number);
    labels[1].htmlFor = reason.id;
    labels[1].textContent = label(words.reasonLabel, number);
    last.parentNode.insertBefore(row, last.nextSibling);
    return row;
  }

  function firstEmptyRow() {
    var all = rows();
    for (var i = 0; i < all.length; i += 1) {
      if (!all[i].querySelector("textarea").value.trim()) {
        return all[i];
      }
    }
    return null;
  }

  button.addEventListener("click", function () {
    var text = chosen.trim();
    if (!text) {
      status.textContent = words.noSelection;
      return;
    }
    var row = firstEmptyRow() || addRow();
    row.querySelector("textarea").value = text;
    var number = Array.prototype.indexOf.call(rows(), row) + 1;
    status.textContent = label(words.added, number);
    chosen = "";
    row.querySelector("input").focus();
  });
})();
