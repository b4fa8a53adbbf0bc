// The console's only script: confirmations, the macro chooser and the back
// link. Every page works without it; it only saves clicks.
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var msg = f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  });
  // The last format field that had the focus, for choosers that insert
  // into "the focused format".
  var lastFormat = null;
  document.addEventListener("focusin", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("format")) {
      lastFormat = ev.target;
    }
  });
  // The macro chooser inserts the chosen macro at the caret of its field.
  document.addEventListener("change", function (ev) {
    var sel = ev.target;
    if (!sel.getAttribute || !sel.value) {
      return;
    }
    var id = sel.getAttribute("data-insert-into");
    var field = id ? document.getElementById(id) : null;
    if (!field && sel.hasAttribute("data-insert-into-focused")) {
      field = lastFormat;
    }
    if (!field) {
      return;
    }
    if (field) {
      var start = field.selectionStart || 0, end = field.selectionEnd || 0;
      field.value = field.value.slice(0, start) + sel.value + field.value.slice(end);
      field.focus();
      field.selectionStart = field.selectionEnd = start + sel.value.length;
    }
    sel.value = "";
  });
  // Choosing another webhook to test reloads the form with its inputs.
  document.addEventListener("change", function (ev) {
    if (ev.target.id === "wh-webhook") {
      var u = new URL(window.location.href);
      u.searchParams.set("webhook", ev.target.value);
      u.hash = "test";
      window.location.assign(u.toString());
    }
  });
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-back]");
    if (a && window.history.length > 1) {
      ev.preventDefault();
      window.history.back();
    }
  });
})();
