// The staff coverage map: committees shaded by coverage share or elder density (aggregated counts only),
// existing facilities, uncovered clusters (grid cells with their counts) and suggested sites with gains.
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const form = document.getElementById("coverage-form");
  const params = new URLSearchParams(new FormData(form));
  const map = L.map(el, { preferCanvas: true }).setView([31.19, 121.44], 12);
  map.attributionControl.setPrefix("Leaflet");
  el.leafletMap = map;  // browser tests find a marker's pixel position through it
  if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
  else map.attributionControl.addAttribution("未配置底图，显示区划边界");
  const text = window.Yanglao.escape;  // every data value inserted as HTML
  const pct = (x) => (Number(x) * 100).toFixed(1) + "%";
  let areas = null, data = null;
  function colour(row, mode, maxElders) {
    if (!row) return "#f1f3f5";
    if (mode === "elders") { const t = Math.sqrt(row.elders / maxElders); return `rgba(174, 62, 201, ${0.1 + 0.8 * t})`; }
    const s = row.share;
    return s >= 0.9 ? "#2fb344" : s >= 0.7 ? "#a3d977" : s >= 0.5 ? "#f7d154" : s >= 0.3 ? "#f59f00" : "#d63939";
  }
  function shade() {
    if (!areas || !data) return;
    const mode = document.querySelector("input[name=shade]:checked").value;
    const rows = Object.fromEntries(data.communities.map((r) => [r.code, r]));
    const maxElders = Math.max(1, ...data.communities.map((r) => r.elders));
    areas.setStyle((f) => ({ color: "#6e7582", weight: 0.6, fillOpacity: 0.55, fillColor: colour(rows[f.properties.code], mode, maxElders) }));
    areas.eachLayer((layer) => {
      const r = rows[layer.feature.properties.code];
      layer.bindTooltip(`${text(layer.feature.properties.name)}<br>` + (r ? `老人 ${text(r.elders)} · 覆盖 ${text(r.covered)}（${pct(r.share)}）` : "无登记老人"));
    });
  }
  function draw() {
    document.getElementById("summary").textContent =
      `${data.elders} 名老人中 ${data.covered} 名在 ${data.radius_m} 米内有设施（${pct(data.share)}）`;
    document.getElementById("by-region").innerHTML = data.by_region.map((r) =>
      `<tr><td>${text(r.name)}</td><td class="text-end">${text(r.elders)}</td><td class="text-end">${text(r.covered)}</td><td class="text-end">${pct(r.share)}</td></tr>`).join("");
    const bounds = [];
    data.facilities.forEach((f) => {
      L.circleMarker([f.lat, f.lng], { radius: 5, color: "#206bc4", weight: 1, fillOpacity: 0.9 }).bindTooltip(text(f.name)).addTo(map);
      L.circle([f.lat, f.lng], { radius: data.radius_m, color: "#206bc4", weight: 0.5, fill: false, interactive: false }).addTo(map);
      bounds.push([f.lat, f.lng]);
    });
    const biggest = Math.max(1, ...data.clusters.map((c) => c.elders));
    data.clusters.forEach((c) => {
      L.circleMarker([c.lat, c.lng], { radius: 5 + 14 * Math.sqrt(c.elders / biggest), color: "#f76707", weight: 2, fillOpacity: 0.35 })
        .bindTooltip(`未覆盖聚集区：约 ${text(c.elders)} 名老人`).addTo(map);
      bounds.push([c.lat, c.lng]);
    });
    document.getElementById("suggestion-list").innerHTML = data.suggestions.length ? data.suggestions.map((s) =>
      `<div class="list-group-item" data-testid="suggestion"><span class="badge bg-red text-white me-2">${text(s.rank)}</span><strong>${text(s.name)}</strong>` +
      `<div class="small text-secondary">新增覆盖 ${text(s.gain)} 名老人，覆盖率升至 ${pct(s.share_after)}</div></div>`).join("")
      : '<div class="list-group-item text-secondary">没有能增加覆盖的候选点。</div>';
    data.suggestions.forEach((s) => {
      L.circle([s.lat, s.lng], { radius: data.radius_m, color: "#d63939", weight: 2, dashArray: "6 4", fillOpacity: 0.08 }).addTo(map);
      L.marker([s.lat, s.lng], { icon: L.divIcon({ className: "", html: `<span class="site-label">${text(s.rank)} +${text(s.gain)}</span>`, iconSize: null }) })
        .bindTooltip(`${text(s.name)}：新增覆盖 ${text(s.gain)} 人`).addTo(map);
      bounds.push([s.lat, s.lng]);
    });
    const all = L.latLngBounds(bounds);
    if (areas) all.extend(areas.getBounds());
    if (all.isValid()) map.fitBounds(all, { padding: [20, 20], animate: false });
    shade();
    el.dataset.ready = "true";
  }
  document.querySelectorAll("input[name=shade]").forEach((r) => r.addEventListener("change", shade));
  const outlines = fetch(`${el.dataset.boundaries}?parent=${encodeURIComponent(params.get("region"))}&depth=villages`)
    .then((r) => r.json()).catch(() => ({ features: [] }));
  const analysis = fetch(`${el.dataset.api}?${params}`).then(async (r) => {
    const body = await r.json();
    if (!r.ok) throw new Error(body.message || "分析失败");
    return body;
  });
  Promise.all([outlines, analysis]).then(([geo, body]) => {
    if (geo.features.length) { areas = L.geoJSON(geo).addTo(map); areas.bringToBack(); }
    data = body;
    draw();
  }).catch((e) => { const box = document.getElementById("coverage-error"); box.textContent = e.message; box.hidden = false; el.dataset.ready = "error"; });
})();
