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
  // Reminders in this browser (Web Push): ask for a subscription, then send
  // it as a channel through the form it sits in. Without this script (or
  // without push in the browser) the form stays hidden.
  var push = document.querySelector("form[data-push-subscribe]");
  if (push && "serviceWorker" in navigator && "PushManager" in window && window.Notification) {
    push.hidden = false;
    push.addEventListener("submit", function (e) {
      if (push.elements.endpoint.value) { return; }
      e.preventDefault();
      var status = push.querySelector("[data-push-status]");
      navigator.serviceWorker.register("/sw.js")
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function (reg) {
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(push.dataset.key) });
        })
        .then(function (sub) {
          var json = sub.toJSON();
          push.elements.endpoint.value = json.endpoint;
          push.elements.p256dh.value = json.keys.p256dh;
          push.elements.auth.value = json.keys.auth;
          push.submit();
        })
        .catch(function (err) {
          status.textContent = "Notifications were not allowed here (" + err.message + ").";
        });
    });
  }
  function bytes(base64url) {
    var s = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
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
