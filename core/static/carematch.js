// Small behaviours wired by data attributes, so that pages carry no inline script and the
// Content-Security-Policy can forbid inline code (script-src 'self').
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
  var refresh = document.querySelector("[data-refresh-after]");
  if (refresh) {
    setTimeout(function () { window.location.reload(); }, parseInt(refresh.dataset.refreshAfter, 10) || 2000);
  }
})();
