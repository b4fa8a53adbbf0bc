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
  // The macro chooser inserts the chosen macro at the caret of its field.
  document.addEventListener("change", function (ev) {
    var sel = ev.target;
    var id = sel.getAttribute && sel.getAttribute("data-insert-into");
    if (!id || !sel.value) {
      return;
    }
    var field = document.getElementById(id);
    if (field) {
      var start = field.selectionStart || 0, end = field.selectionEnd || 0;
      field.value = field.value.slice(0, start) + sel.value + field.value.slice(end);
      field.focus();
      field.selectionStart = field.selectionEnd = start + sel.value.length;
    }
    sel.value = "";
  });
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-back]");
    if (a && window.history.length > 1) {
      ev.preventDefault();
      window.history.back();
    }
  });
})();
