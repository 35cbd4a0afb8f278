// Polls an import's status and moves the progress bar; reloads the page for the report.
// Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "true") return;
  var bar = document.getElementById("import-bar");
  var phase = document.getElementById("import-phase");
  var count = document.getElementById("import-count");
  var delay = 700, failures = 0;
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        failures = 0;
        if (s.finished) { window.location.reload(); return; }
        if (s.percent === null || s.percent === undefined) bar.removeAttribute("value"); else bar.value = s.percent;
        phase.textContent = s.phase;
        count.textContent = s.done + " / " + s.total;
        delay = Math.min(delay * 1.2, 3000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // a restart or a dropped connection: keep trying, more slowly
        failures += 1;
        window.setTimeout(poll, Math.min(2000 * failures, 15000));
      });
  }
  window.setTimeout(poll, delay);
})();
