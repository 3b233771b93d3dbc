// Between's only script; every page works without it.
// Quick exit: leave at once and replace this page in the history, so the
// back button does not return here. Esc twice does the same.
(function () {
  "use strict";
  var exit = document.querySelector("[data-quick-exit]");
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    window.location.replace(exit.href);
  }
  if (exit) {
    exit.addEventListener("click", leave);
    var last = 0;
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") { return; }
      var now = Date.now();
      if (now - last < 600) { leave(e); }
      last = now;
    });
  }
  // Fill an empty time-zone field from the browser.
  var zone = document.querySelector("[data-detect-zone]");
  if (zone && window.Intl) {
    try {
      var detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (detected && zone.dataset.userTouched !== "1") { zone.value = detected; }
    } catch (e) { /* keep the server's guess */ }
  }
})();
