// The public elderly-care map: markers from the public API (no personal data), a filter by kind, a detail
// card with vacant beds, and the nearest facilities to a clicked point. Tiles only if a URL is configured.
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const bedTypes = JSON.parse(document.getElementById("bed-types").textContent);
  const map = L.map(el).setView([31.19, 121.44], 13);  // SVG markers: a few hundred stay interactive
  map.attributionControl.setPrefix("Leaflet");
  if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
  else map.attributionControl.addAttribution("未配置底图，仅显示设施位置");
  const layer = L.layerGroup().addTo(map);
  let facilities = [];
  const text = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  function card(f) {
    const beds = f.vacancies.length
      ? f.vacancies.map((v) => `<li>${text(bedTypes[v.bed_type] || v.bed_type)}：空余 ${v.vacant} 张</li>`).join("")
      : "<li>暂无空余床位信息</li>";
    const box = document.getElementById("detail");
    box.querySelector(".card-body").innerHTML =
      `<h3>${text(f.name)}</h3><div class="text-secondary mb-2">${text(f.kind_label)}</div>` +
      `<div>地址：${text(f.address) || "—"}</div><div>电话：${text(f.phone) || "—"}</div>` +
      `<div>开放时间：${text(f.opening_hours) || "—"}</div>` +
      (f.services.length ? `<div>服务：${f.services.map(text).join("、")}</div>` : "") + `<ul class="mt-2 mb-0">${beds}</ul>`;
    box.hidden = false;
  }
  function draw() {
    const kind = document.getElementById("kind").value;
    layer.clearLayers();
    const shown = facilities.filter((f) => !kind || f.kind === kind);
    shown.forEach((f) => L.circleMarker([f.lat, f.lng], { radius: 7, weight: 2, color: "#206bc4", fillOpacity: 0.7 })
      .bindTooltip(f.name).on("click", () => card(f)).addTo(layer));
    document.getElementById("count").textContent = `共 ${shown.length} 处`;
    if (shown.length) map.fitBounds(L.latLngBounds(shown.map((f) => [f.lat, f.lng])), { padding: [30, 30], maxZoom: 15 });
    el.dataset.ready = "true";
  }
  function metres(a, b) {
    const r = 6371000, rad = Math.PI / 180;
    const dLat = (b[0] - a[0]) * rad, dLng = (b[1] - a[1]) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLng / 2) ** 2;
    return 2 * r * Math.asin(Math.sqrt(h));
  }
  map.on("click", (e) => {
    const kind = document.getElementById("kind").value;
    const here = [e.latlng.lat, e.latlng.lng];
    const near = facilities.filter((f) => !kind || f.kind === kind)
      .map((f) => ({ f, d: metres(here, [f.lat, f.lng]) })).sort((x, y) => x.d - y.d).slice(0, 5);
    const box = document.getElementById("nearest");
    box.querySelector(".list-group").innerHTML = near.map(({ f, d }) =>
      `<button type="button" class="list-group-item list-group-item-action" data-id="${f.id}">${text(f.name)}` +
      ` <span class="text-secondary">${d < 1000 ? Math.round(d) + " 米" : (d / 1000).toFixed(1) + " 公里"}</span></button>`).join("");
    box.querySelectorAll("button").forEach((b) => b.addEventListener("click", () =>
      card(facilities.find((f) => String(f.id) === b.dataset.id))));
    box.hidden = false;
  });
  document.getElementById("kind").addEventListener("change", draw);
  fetch(el.dataset.api).then((r) => r.json()).then((rows) => { facilities = rows; draw(); });
})();
