// Documents: signing and issuing take a few seconds (PAdES, time-stamps,
// delivery). Say that the work is under way, and keep a second click from
// sending the step twice (the server would refuse it, but the user would
// see an error for nothing).
document.querySelectorAll("form[data-busy]").forEach(function (form) {
  form.addEventListener("submit", function (ev) {
    if (form.dataset.sent) {
      ev.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
    var msg = form.querySelector(".busy");
    if (msg) {
      msg.hidden = false;
    }
    form.querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
    });
  });
});
// Back from the next page (bfcache): the form may be used again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    delete form.dataset.sent;
    form.removeAttribute("aria-busy");
    var msg = form.querySelector(".busy");
    if (msg) {
      msg.hidden = true;
    }
    form.querySelectorAll("button").forEach(function (b) {
      b.removeAttribute("aria-disabled");
    });
  });
});
