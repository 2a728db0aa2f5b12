// Simpul's service worker: shows Web Push notifications and opens their link when tapped.
self.addEventListener('push', function (event) {
  var n = {};
  try { n = event.data ? event.data.json() : {}; } catch (e) { n = { title: 'Simpul', body: event.data ? event.data.text() : '' }; }
  event.waitUntil(self.registration.showNotification(n.title || 'Simpul', {
    body: n.body || '', tag: n.tag, data: { url: n.url || '/' }
  }));
});
self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  event.waitUntil(clients.openWindow(event.notification.data && event.notification.data.url || '/'));
});

// The door's check-in page keeps working offline, even after a reload: the page puts itself and
// its script and style into the 'simpul-checkin' cache (events.js); here a check-in page or a
// static file is fetched from the network first and, when that fails, answered from that cache.
// Scans typed or read meanwhile wait in the page's localStorage queue until the connection is
// back. Nothing else is intercepted.
var CHECKIN_CACHE = 'simpul-checkin-v1';
var CHECKIN_PAGE = /^\/events\/\d+\/checkin$/;
self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  var page = req.mode === 'navigate' && CHECKIN_PAGE.test(url.pathname);
  if (!page && url.pathname.indexOf('/static/') !== 0) return;
  event.respondWith(fetch(req).then(function (res) {
    if (page && res.ok) {
      var copy = res.clone();
      caches.open(CHECKIN_CACHE).then(function (c) { return c.put(req, copy); });
    }
    return res;
  }).catch(function () {
    return caches.open(CHECKIN_CACHE).then(function (c) {
      return c.match(req, { ignoreVary: true }).then(function (hit) { return hit || c.match(req, { ignoreSearch: true, ignoreVary: true }); });
    }).then(function (hit) { return hit || Response.error(); });
  }));
});
