// Between's service worker: shows reminders that arrive by Web Push and
// opens the page a reminder is about when it is tapped (the message was
// encrypted for this browser; the push service could not read it), and
// keeps what is needed to write offline — the blank forms, the "you are
// offline" page and the assets — and nothing else: every other page is
// fetched from the network, never stored.
"use strict";

var SHELL = "between-shell-__VERSION__";
var KEPT = ["/offline", "/offline/write", "/offline/check-in", "/static/style.css", "/static/app.js", "/static/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(KEPT); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== SHELL; }).map(function (n) { return caches["delete"](n); }));
  }).then(function () { return self.clients.claim(); }));
});

// Without a network: a new entry falls back to the kept blank form, the
// kept pages to themselves, any other page to "you are offline".
function fallback(path) {
  if (path === "/journal/new") { return "/offline/write"; }
  if (KEPT.indexOf(path) >= 0) { return path; }
  return "/offline";
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var kept = request.mode === "navigate" ? fallback(url.pathname) : (KEPT.indexOf(url.pathname) >= 0 ? url.pathname : null);
  if (!kept) { return; }
  event.respondWith(fetch(request).catch(function () {
    return caches.open(SHELL).then(function (cache) { return cache.match(kept); })
      .then(function (response) { return response || Response.error(); });
  }));
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "A moment for yourself?", {
    body: data.body || "",
    tag: data.tag || "reminder",
    icon: "/static/icon.svg",
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  // Only this site's own pages open: the path of the link, on this origin.
  var link = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  var target = new URL(link.pathname + link.search, self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (open) {
    for (var i = 0; i < open.length; i++) {
      if (open[i].url === target && "focus" in open[i]) { return open[i].focus(); }
    }
    return self.clients.openWindow(target);
  }));
});
