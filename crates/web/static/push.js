// "Aktifkan di perangkat ini": subscribe this browser to Web Push with the installation's
// VAPID key, and hand the subscription to the server through the page's form.
(function () {
  var button = document.getElementById('push-enable');
  var form = document.getElementById('push-form');
  var status = document.getElementById('push-status');
  if (!button || !form) return;
  function say(key) { if (status) status.textContent = status.getAttribute('data-' + key) || ''; }
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) { say('unsupported'); return; }
  button.hidden = false;
  function bytes(base64url) {
    var s = (base64url + '==='.slice((base64url.length + 3) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function b64(buffer) {
    var s = '', a = new Uint8Array(buffer);
    for (var i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  button.addEventListener('click', function () {
    say('working');
    navigator.serviceWorker.register('/sw.js').then(function (reg) {
      return Notification.requestPermission().then(function (p) {
        if (p !== 'granted') throw new Error('denied');
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(button.getAttribute('data-key')) });
      });
    }).then(function (sub) {
      form.elements.endpoint.value = sub.endpoint;
      form.elements.p256dh.value = b64(sub.getKey('p256dh'));
      form.elements.auth.value = b64(sub.getKey('auth'));
      form.submit();
    }).catch(function () { say('failed'); });
  });
})();
