// Check-in at the door (events capability). Enhances the plain form: every scan or typed code
// goes into a queue kept in localStorage and is sent to /events/<id>/checkin/sync; when the
// connection is down the queue waits and is sent when the browser is back online (or at the
// next try every few seconds). The server counts a person once per session, so a scan sent
// twice (a reply lost on a flaky connection) is harmless. With BarcodeDetector (Chrome on
// Android) the camera reads QR codes too.
(function () {
  'use strict';
  var form = document.getElementById('checkin-form');
  if (!form) return;
  var eventId = form.getAttribute('data-event');
  var key = 'simpul.checkin.' + eventId;
  var status = document.getElementById('queue-status');
  var log = document.getElementById('scan-log');
  var csrf = form.querySelector('input[name=csrf_token]').value;
  var session = form.querySelector('[name=session]');
  var code = form.querySelector('[name=code]');
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || '[]'); } catch (e) { return []; }
  }
  function save(q) { localStorage.setItem(key, JSON.stringify(q)); }
  function show() {
    var n = load().length;
    status.textContent = n ? status.getAttribute('data-waiting').replace('{n}', n) : status.getAttribute('data-empty');
    status.setAttribute('data-count', String(n));
  }
  function note(text, ok) {
    var li = document.createElement('li');
    li.textContent = text;
    li.className = ok ? 'scan-ok' : 'scan-refused';
    log.insertBefore(li, log.firstChild);
  }
  function enqueue(value, source) {
    value = (value || '').trim();
    if (!value) return;
    var q = load();
    var sid = Number(session.value);
    // The same code for the same session waiting already: nothing to add.
    if (q.some(function (s) { return s.code === value && s.session_id === sid; })) { show(); return; }
    q.push({ id: String(Date.now()) + '-' + Math.random().toString(36).slice(2, 8), code: value, session_id: sid, scanned_at: Date.now(), source: source });
    save(q);
    show();
    flush();
  }
  function flush() {
    var q = load();
    if (sending || !q.length) return;
    sending = true;
    var body = new URLSearchParams();
    body.set('csrf_token', csrf);
    body.set('scans', JSON.stringify(q));
    fetch('/events/' + eventId + '/checkin/sync', { method: 'POST', body: body, credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (results) {
        var done = {};
        results.forEach(function (r) {
          done[r.id] = true;
          note(r.ok ? (r.first ? form.getAttribute('data-ok') : form.getAttribute('data-again')).replace('{name}', r.name) : r.message, r.ok);
        });
        save(load().filter(function (s) { return !done[s.id]; }));
      })
      .catch(function () { /* offline or the server unreachable: keep the queue */ })
      .then(function () { sending = false; show(); });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    enqueue(code.value, 'typed');
    code.value = '';
    code.focus();
  });
  window.addEventListener('online', flush);
  setInterval(flush, 5000);
  show();
  flush();

  // Offline after a reload too: the service worker (/sw.js) answers this page, its script and
  // its style from the cache when the network fails; the page puts them there now.
  if ('serviceWorker' in navigator && 'caches' in window && navigator.onLine) {
    var assets = [location.href];
    document.querySelectorAll('link[rel=stylesheet][href], script[src]').forEach(function (el) {
      assets.push(el.href || el.src);
    });
    navigator.serviceWorker.register('/sw.js').then(function () { return navigator.serviceWorker.ready; })
      .then(function () { return caches.open('simpul-checkin-v1'); })
      .then(function (c) { return c.addAll(assets); })
      .then(function () { form.setAttribute('data-offline-ready', '1'); })
      .catch(function () { /* no offline copy: the page still works while it stays open */ });
  }

  // Camera scanning: BarcodeDetector where the browser has it (Chrome on Android, macOS),
  // otherwise jsQR (vendored, loaded on the first press) reading frames drawn on a canvas.
  var scan = document.getElementById('scan-button');
  var video = document.getElementById('scan-video');
  var canvas = document.getElementById('scan-canvas');
  function reader() {
    if ('BarcodeDetector' in window) {
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      return Promise.resolve(function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      });
    }
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = scan.getAttribute('data-reader');
      s.onload = function () {
        var ctx = canvas.getContext('2d', { willReadFrequently: true });
        resolve(function () {
          var w = video.videoWidth, h = video.videoHeight;
          if (!w || !h) return Promise.resolve(null);
          canvas.width = w; canvas.height = h;
          ctx.drawImage(video, 0, 0, w, h);
          var found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
          return Promise.resolve(found ? found.data : null);
        });
      };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  if (scan && video && canvas && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    scan.hidden = false;
    scan.addEventListener('click', function () {
      scan.disabled = true;
      Promise.all([reader(), navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } })]).then(function (both) {
        var read = both[0];
        video.srcObject = both[1];
        video.hidden = false;
        video.play();
        var last = '';
        var tick = function () {
          read().then(function (value) {
            if (value && value !== last) {
              last = value;
              enqueue(value, 'scan');
              setTimeout(function () { last = ''; }, 3000);
            }
          }).catch(function () {}).then(function () { setTimeout(tick, 150); });
        };
        tick();
      }).catch(function () { scan.hidden = true; });
    });
  }
})();
