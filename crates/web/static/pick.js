// Location picker on the KIM form. The latitude/longitude fields work without it; this adds
// "use my location" (the phone's GPS) and, when map tiles are configured, "pick on the map".
// Leaflet (~45 KB gzipped) is fetched only when the map is opened, not with the form.
(function () {
  "use strict";
  var box = document.getElementById("location-picker");
  if (!box || !document.querySelector) return;
  var d = box.dataset, lat = document.getElementById("lat"), lon = document.getElementById("lon");
  if (!lat || !lon) return;
  var status = box.querySelector(".pick-status");

  function say(text) { if (status) status.textContent = text || ""; }
  function fmt(x) { return (Math.round(x * 1e6) / 1e6).toString(); }
  function typed() {
    var a = parseFloat(lat.value.replace(",", ".")), b = parseFloat(lon.value.replace(",", "."));
    return isFinite(a) && isFinite(b) ? [a, b] : null;
  }
  function set(a, b) {
    lat.value = fmt(a);
    lon.value = fmt(b);
    lat.dispatchEvent(new Event("change"));
    say(d.picked + " " + lat.value + ", " + lon.value);
  }

  var gps = box.querySelector("button.pick-gps");
  if (gps && navigator.geolocation) {
    gps.hidden = false;
    gps.addEventListener("click", function () {
      say(d.locating);
      navigator.geolocation.getCurrentPosition(
        function (p) { set(p.coords.latitude, p.coords.longitude); },
        function () { say(d.gpsFailed); },
        { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  function load(tag, attrs) {
    return new Promise(function (ok, fail) {
      var el = document.createElement(tag);
      for (var k in attrs) el[k] = attrs[k];
      el.onload = ok;
      el.onerror = fail;
      document.head.appendChild(el);
    });
  }

  var open = box.querySelector("button.pick-map");
  if (!open || !d.tiles || !window.Promise) return;
  open.hidden = false;
  open.addEventListener("click", function () {
    open.disabled = true;
    Promise.all([load("link", { rel: "stylesheet", href: d.leafletCss }), load("script", { src: d.leafletJs })])
      .then(function () {
        var L = window.L, el = box.querySelector(".pick-area");
        el.hidden = false;
        var map = L.map(el, { scrollWheelZoom: false, maxZoom: 18 });
        L.tileLayer(d.tiles).addTo(map);
        if (d.attribution) map.attributionControl.addAttribution(d.attribution);
        var at = typed(), marker = null;
        function place(a, b) {
          if (marker) marker.setLatLng([a, b]);
          else marker = L.circleMarker([a, b], { radius: 8, color: "#0b5d75", fillOpacity: 0.8 }).addTo(map);
        }
        if (at) { place(at[0], at[1]); map.setView(at, 15); } else map.fitBounds([[-11, 95], [6, 141]]);
        map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); set(e.latlng.lat, e.latlng.lng); });
        function follow() { var p = typed(); if (p) { place(p[0], p[1]); map.panTo(p); } }
        lat.addEventListener("input", follow);
        lon.addEventListener("input", follow);
        say(d.clickHint);
      })
      .catch(function () { open.disabled = false; say(d.mapFailed); });
  });
})();
