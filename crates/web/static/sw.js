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
