// Draws Leaflet maps into div.kim-map[data-geojson]. The page also lists the KIMs
// as a table, so on any failure the div is left alone. Data: textContent only.
(function () {
  "use strict";
  var L, TEAL = "#0b5d75", GREEN = "#0a7a3c", COLORS = {
    verified: TEAL, active: TEAL, inactive: "#777",
    // An alert board's answers (alerts_board.html).
    silent: "#777", received: GREEN, safe: GREEN, affected: "#b35c00", need_help: "#b3261e",
    // A dissemination package's KIMs (dissem_reach.html).
    "new": "#777", in_progress: "#b35c00", done: GREEN
  };
  var INDONESIA = [[-11, 95], [6, 141]];

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  // "south,west,north,east" -> [[s, w], [n, e]]
  function parseBounds(s) {
    var n = (s || "").split(",").map(Number);
    return n.length === 4 && n.every(isFinite) ? [[n[0], n[1]], [n[2], n[3]]] : null;
  }

  function popup(p) {
    var box = document.createElement("div"), a = document.createElement("a");
    a.href = p.url || "";
    if (!/^https?:$/.test(a.protocol)) a.removeAttribute("href"); // no javascript:
    a.textContent = p.name || p.number || "KIM";
    box.appendChild(a);
    var info = [p.number, p.village].filter(Boolean).join(" · ");
    if (info) box.appendChild(document.createElement("div")).textContent = info;
    return box;
  }

  // Kabupaten/kota names at the centre of their KIMs: without a base map they say where is where.
  function isLabel(f) { return f.properties && f.properties.kind === "regency"; }

  function label(f, latlng) {
    var span = document.createElement("span");
    span.className = "regency-label";
    span.textContent = f.properties.name || "";
    return L.marker(latlng, { interactive: false, keyboard: false,
      icon: L.divIcon({ className: "", html: span, iconSize: null }) });
  }

  function draw(el, points, outline) {
    var d = el.dataset, labels = null;
    if (!d.tiles) labels = L.geoJSON(points, { filter: isLabel, pointToLayer: label });
    var layer = L.geoJSON(points, { // throws on bad data: el stays as is
      filter: function (f) { return !isLabel(f); },
      pointToLayer: function (f, latlng) {
        var c = COLORS[f.properties && f.properties.status] || "#b35c00";
        return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1, fillColor: c, fillOpacity: 0.9 });
      },
      onEachFeature: function (f, m) { m.bindPopup(popup(f.properties || {})); }
    });
    el.textContent = ""; // drop no-JS fallback
    if (!el.clientHeight) el.style.height = "20rem";
    var map = L.map(el, { preferCanvas: true, scrollWheelZoom: false, maxZoom: 18 });
    if (d.tiles) L.tileLayer(d.tiles).addTo(map);
    else {
      el.classList.add("kim-map-offline");
      el.style.background = "#eef3f5";
      if (outline) L.geoJSON(outline, {
        interactive: false, style: { color: "#8a9ba1", weight: 1, fillColor: "#fff", fillOpacity: 1 }
      }).addTo(map);
    }
    if (d.attribution) map.attributionControl.addAttribution(d.attribution);
    layer.addTo(map);
    if (labels) labels.addTo(map);
    var b = parseBounds(d.bounds), pts = layer.getBounds();
    if (b) map.fitBounds(b);
    else if (pts.isValid()) map.fitBounds(pts, { padding: [12, 12], maxZoom: 13 });
    else map.fitBounds(INDONESIA);
    // A live page (the alert board) says when its data moved: the points are fetched again.
    if (d.refreshOn) document.addEventListener(d.refreshOn, function () {
      getJSON(d.geojson).then(function (fc) {
        layer.clearLayers();
        layer.addData(fc);
      }).catch(function (e) { console.warn("kim-map", e); });
    });
  }

  function init(el) {
    var d = el.dataset;
    var outline = !d.tiles && d.outline && getJSON(d.outline).catch(function () {});
    Promise.all([getJSON(d.geojson), outline])
      .then(function (r) { draw(el, r[0], r[1]); })
      .catch(function (e) { console.warn("kim-map", e); });
  }

  function start() {
    L = window.L;
    if (!L || !window.fetch) return;
    var els = document.querySelectorAll("div.kim-map[data-geojson]");
    for (var i = 0; i < els.length; i++) init(els[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
