// The public elderly-care map: markers from the public API (no personal data), filters by kind and by vacant
// beds, a detail card, and the nearest facilities to a clicked point or a typed place (a street, residents'
// committee, road or facility name: looked up in our own boundaries and facility addresses, no geocoder).
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const bedTypes = JSON.parse(document.getElementById("bed-types").textContent);
  const map = L.map(el).setView([31.19, 121.44], 13);
  map.attributionControl.setPrefix("Leaflet");
  el.leafletMap = map;  // browser tests find a marker's pixel position through it
  if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
  else map.attributionControl.addAttribution("未配置底图，显示区划边界");
  const layer = L.layerGroup().addTo(map);
  const canvas = L.canvas({ padding: 0.3 });  // for a city's thousands of markers; SVG below that
  const kindEl = document.getElementById("kind"), vacantEl = document.getElementById("vacant-only");
  let facilities = [], places = [], here = null;
  const text = window.Yanglao.escape;  // every data value inserted as HTML, names included
  const vacant = (f) => f.vacancies.reduce((n, v) => n + v.vacant, 0);
  const shown = () => facilities.filter((f) => (!kindEl.value || f.kind === kindEl.value) && (!vacantEl.checked || vacant(f) > 0));
  function card(f) {
    const beds = f.vacancies.length
      ? f.vacancies.map((v) => `<li>${text(bedTypes[v.bed_type] || v.bed_type)}：空余 ${text(v.vacant)} 张</li>`).join("")
      : "<li>暂无空余床位信息</li>";
    const box = document.getElementById("detail");
    box.querySelector(".card-body").innerHTML =
      `<h3>${text(f.name)}</h3><div class="text-secondary mb-2">${text(f.kind_label)}</div>` +
      `<div>地址：${text(f.address) || "—"}</div><div>电话：${text(f.phone) || "—"}</div>` +
      `<div>开放时间：${text(f.opening_hours) || "—"}</div>` +
      (f.services.length ? `<div>服务：${f.services.map(text).join("、")}</div>` : "") + `<ul class="mt-2 mb-0">${beds}</ul>`;
    box.hidden = false;
  }
  function draw(fit) {
    layer.clearLayers();
    const rows = shown();
    const renderer = rows.length > 1500 ? canvas : undefined;
    rows.forEach((f) => L.circleMarker([f.lat, f.lng], { renderer, radius: 7, weight: 2, color: vacant(f) ? "#2fb344" : "#206bc4", fillOpacity: 0.7 })
      .bindTooltip(text(f.name)).on("click", (e) => { L.DomEvent.stopPropagation(e); card(f); }).addTo(layer));
    document.getElementById("count").textContent = `共 ${rows.length} 处`;
    if (fit && rows.length) map.fitBounds(L.latLngBounds(rows.map((f) => [f.lat, f.lng])), { padding: [30, 30], maxZoom: 15 });
    if (here) nearest(here.getLatLng(), here.options.title);
    el.dataset.ready = "true";
  }
  function metres(a, b) {
    const r = 6371000, rad = Math.PI / 180;
    const dLat = (b[0] - a[0]) * rad, dLng = (b[1] - a[1]) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLng / 2) ** 2;
    return 2 * r * Math.asin(Math.sqrt(h));
  }
  function nearest(latlng, label) {
    if (here) here.remove();
    here = L.marker(latlng, { title: label || "所选位置" }).addTo(map);
    const point = [latlng.lat, latlng.lng];
    const near = shown().map((f) => ({ f, d: metres(point, [f.lat, f.lng]) })).sort((x, y) => x.d - y.d).slice(0, 5);
    const box = document.getElementById("nearest");
    box.querySelector(".card-title").textContent = label ? `离“${label}”最近` : "离所选位置最近";
    box.querySelector(".list-group").innerHTML = near.length ? near.map(({ f, d }) =>
      `<button type="button" class="list-group-item list-group-item-action" data-id="${text(f.id)}">${text(f.name)}` +
      ` <span class="text-secondary">${d < 1000 ? Math.round(d) + " 米" : (d / 1000).toFixed(1) + " 公里"}</span>` +
      (vacant(f) ? ` <span class="badge bg-green-lt">空床 ${text(vacant(f))}</span>` : "") + `</button>`).join("")
      : '<div class="list-group-item text-secondary">没有符合条件的设施</div>';
    box.querySelectorAll("button").forEach((b) => b.addEventListener("click", () =>
      card(facilities.find((f) => String(f.id) === b.dataset.id))));
    box.hidden = false;
  }
  map.on("click", (e) => nearest(e.latlng));
  function search(query) {
    const q = query.trim().replace(/\s+/g, "");
    const note = document.getElementById("search-note");
    if (!q) return;
    const hit = places.find((p) => p.name === q) || places.find((p) => p.name.includes(q) || q.includes(p.name.replace(/(居委会|街道|镇)$/, "")))
      || facilities.find((f) => f.address.includes(q) || f.name.includes(q));
    if (!hit) { note.textContent = "未找到该地点，请输入街道、居委会、道路或设施名称"; note.hidden = false; return; }
    note.hidden = true;
    const latlng = hit.centre || L.latLng(hit.lat, hit.lng);
    map.setView(latlng, 15);
    nearest(latlng, hit.name);
  }
  document.getElementById("place-search").addEventListener("submit", (e) => { e.preventDefault(); search(document.getElementById("place").value); });
  kindEl.addEventListener("change", () => draw(true));
  vacantEl.addEventListener("change", () => draw(false));
  // Every page of the list (core.lists keyset pages): markers appear as pages arrive, none are dropped.
  const load = (after) => fetch(`${el.dataset.api}?limit=500${after ? `&after=${encodeURIComponent(after)}` : ""}`)
    .then((r) => r.json()).then((page) => {
      facilities = facilities.concat(page.items);
      draw(!after);
      if (page.next) load(page.next);
    });
  load("");
  if (el.dataset.boundaries) {
    fetch(`${el.dataset.boundaries}&depth=children`).then((r) => r.json()).then((geo) => {
      if (geo.features.length) L.geoJSON(geo, { interactive: false, style: { color: "#6e7582", weight: 1.2, fillColor: "#dfe7f1", fillOpacity: 0.35 } }).addTo(map).bringToBack();
      geo.features.forEach((f) => places.push({ name: f.properties.name, centre: L.geoJSON(f).getBounds().getCenter() }));
    });
    fetch(`${el.dataset.boundaries}&depth=villages`).then((r) => r.json()).then((geo) => {
      geo.features.forEach((f) => places.push({ name: f.properties.name, centre: L.geoJSON(f).getBounds().getCenter() }));
    });
  }
})();
