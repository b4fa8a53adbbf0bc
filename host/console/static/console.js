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
  // The directory picker: as the admin types, the matches are offered in
  // the box's list; choosing one puts its DN in the target field (a
  // textarea gets it as a new line).
  function pickerChoose(box, dn) {
    var target = document.getElementById(box.getAttribute("data-picker-target"));
    if (!target) {
      return;
    }
    if (target.tagName === "TEXTAREA") {
      var lines = target.value.split("\n").filter(function (l) { return l.trim() !== ""; });
      if (lines.indexOf(dn) < 0) {
        lines.push(dn);
      }
      target.value = lines.join("\n");
    } else {
      target.value = dn;
    }
    box.value = "";
    var said = document.getElementById(target.id + "-picked");
    if (said) {
      said.textContent = "Added " + dn;
    }
  }
  document.addEventListener("input", function (ev) {
    var box = ev.target;
    if (!box.hasAttribute || !box.hasAttribute("data-picker")) {
      return;
    }
    var list = document.getElementById(box.getAttribute("list"));
    for (var i = 0; list && i < list.options.length; i++) {
      if (list.options[i].value === box.value) {
        pickerChoose(box, box.value);
        return;
      }
    }
    clearTimeout(box.pickerTimer);
    if (box.value.trim() === "") {
      return;
    }
    box.pickerTimer = setTimeout(function () {
      var u = "/directory/search?q=" + encodeURIComponent(box.value) + "&kind=" + encodeURIComponent(box.getAttribute("data-picker"));
      fetch(u, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (page) {
          list.innerHTML = "";
          (page.results || []).forEach(function (f) {
            var o = document.createElement("option");
            o.value = f.dn;
            o.label = f.name + (f.login ? " · " + f.login : "") + (f.mail ? " · " + f.mail : "") + " (" + f.kind + ")";
            list.appendChild(o);
          });
          box.setAttribute("data-picker-found", String((page.results || []).length));
        });
    }, 200);
  });
  // A region that scrolls (a wide table in a card, a long answer) must be
  // reachable from the keyboard to be scrolled: give it a tab stop.
  function scrollablesFocusable() {
    var all = document.querySelectorAll("main .card, main .detail, main pre, main .read, main section");
    for (var i = 0; i < all.length; i++) {
      var e = all[i];
      if (!e.hasAttribute("tabindex") && (e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight)) {
        var st = window.getComputedStyle(e);
        if (/(auto|scroll)/.test(st.overflowX + st.overflowY)) {
          e.setAttribute("tabindex", "0");
        }
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scrollablesFocusable);
  } else {
    scrollablesFocusable();
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-back]");
    if (a && window.history.length > 1) {
      ev.preventDefault();
      window.history.back();
    }
  });
})();
