// Between's service worker: shows reminders that arrive by Web Push and
// opens the page a reminder is about when it is tapped. (The message was
// encrypted for this browser; the push service could not read it.)
"use strict";

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
