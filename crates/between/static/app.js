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
  // Large uploads (imports): show how much has been sent. Without this
  // script the form posts normally.
  var upload = document.querySelector("form[data-upload-progress]");
  if (upload && window.FormData && window.XMLHttpRequest) {
    upload.addEventListener("submit", function (e) {
      e.preventDefault();
      var bar = upload.querySelector("[data-progress]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action);
      if (bar) {
        bar.hidden = false;
        xhr.upload.addEventListener("progress", function (p) {
          if (p.lengthComputable) { bar.value = Math.round(100 * p.loaded / p.total); }
        });
      }
      xhr.addEventListener("load", function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () { upload.submit(); });
      xhr.send(new FormData(upload));
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
