// Location pickers: every div.location-picker on the page. The text fields work without this;
// it adds "use my location" (the phone's GPS) and, when map tiles are configured, a map:
// - point mode (the KIM form, an alert's circle centre): a click sets the latitude/longitude
//   fields named by data-lat / data-lon (default "lat" / "lon");
// - polygon mode (data-polygon names a textarea, an alert's area): each click adds a corner,
//   "close" joins the last corner to the first, "clear" starts again; the textarea holds the
//   CAP text ("lat,lon lat,lon …") the server checks as if typed.
// Leaflet (~45 KB gzipped) is fetched only when a map is opened, not with the form.
(function () {
  "use strict";
  if (!document.querySelectorAll) return;
  var leaflet = null;

  function fmt(x) { return (Math.round(x * 1e6) / 1e6).toString(); }
  function num(s) { return parseFloat(String(s).replace(",", ".")); }

  function load(tag, attrs) {
    return new Promise(function (ok, fail) {
      var el = document.createElement(tag);
      for (var k in attrs) el[k] = attrs[k];
      el.onload = ok;
      el.onerror = fail;
      document.head.appendChild(el);
    });
  }

  function withLeaflet(d) {
    if (!leaflet) leaflet = Promise.all([
      load("link", { rel: "stylesheet", href: d.leafletCss }),
      load("script", { src: d.leafletJs })
    ]).catch(function (e) { leaflet = null; throw e; });
    return leaflet;
  }

  function baseMap(box, d) {
    var L = window.L, el = box.querySelector(".pick-area");
    el.hidden = false;
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 18 });
    L.tileLayer(d.tiles).addTo(map);
    if (d.attribution) map.attributionControl.addAttribution(d.attribution);
    return map;
  }

  function pointPicker(box, d, say) {
    var lat = document.getElementById(d.lat || "lat"), lon = document.getElementById(d.lon || "lon");
    if (!lat || !lon) return;
    function typed() {
      var a = num(lat.value), b = num(lon.value);
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
    return function (map) {
      var L = window.L, at = typed(), marker = null;
      function place(a, b) {
        if (marker) marker.setLatLng([a, b]);
        else marker = L.circleMarker([a, b], { radius: 8, color: "#0b5d75", fillOpacity: 0.8 }).addTo(map);
      }
      if (at) { place(at[0], at[1]); map.setView(at, 15); } else map.fitBounds([[-11, 95], [6, 141]]);
      map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); set(e.latlng.lat, e.latlng.lng); });
      function follow() { var p = typed(); if (p) { place(p[0], p[1]); map.panTo(p); } }
      lat.addEventListener("input", follow);
      lon.addEventListener("input", follow);
    };
  }

  function polygonPicker(box, d, say) {
    var text = document.getElementById(d.polygon);
    if (!text) return;
    function corners() {
      return text.value.trim().split(/\s+/).map(function (p) {
        var ll = p.split(",");
        return [num(ll[0]), num(ll[1])];
      }).filter(function (p) { return isFinite(p[0]) && isFinite(p[1]); });
    }
    function write(pts) {
      text.value = pts.map(function (p) { return fmt(p[0]) + "," + fmt(p[1]); }).join(" ");
      text.dispatchEvent(new Event("change"));
    }
    return function (map) {
      var L = window.L, line = L.polyline([], { color: "#b3261e" }).addTo(map);
      function redraw() {
        var pts = corners();
        line.setLatLngs(pts);
        say(d.corners.replace("{n}", String(pts.length)));
        return pts;
      }
      var pts = redraw();
      if (pts.length) map.fitBounds(line.getBounds(), { padding: [16, 16] });
      else map.fitBounds(d.bounds ? JSON.parse(d.bounds) : [[-11, 95], [6, 141]]);
      map.on("click", function (e) { write(corners().concat([[e.latlng.lat, e.latlng.lng]])); redraw(); });
      var close = box.querySelector("button.pick-close"), clear = box.querySelector("button.pick-clear");
      close.hidden = clear.hidden = false;
      close.addEventListener("click", function () {
        var p = corners();
        if (p.length >= 3) { write(p.concat([p[0]])); redraw(); }
      });
      clear.addEventListener("click", function () { write([]); redraw(); });
      text.addEventListener("input", redraw);
    };
  }

  function setUp(box) {
    var d = box.dataset, status = box.querySelector(".pick-status");
    function say(t) { if (status) status.textContent = t || ""; }
    var draw = d.polygon ? polygonPicker(box, d, say) : pointPicker(box, d, say);
    var open = box.querySelector("button.pick-map");
    if (!draw || !open || !d.tiles || !window.Promise) return;
    open.hidden = false;
    open.addEventListener("click", function () {
      open.disabled = true;
      withLeaflet(d).then(function () {
        draw(baseMap(box, d));
        if (!d.polygon) say(d.clickHint);
      }).catch(function () { open.disabled = false; say(d.mapFailed); });
    });
  }

  var boxes = document.querySelectorAll("div.location-picker");
  for (var i = 0; i < boxes.length; i++) setUp(boxes[i]);
})();
