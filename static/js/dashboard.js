// The cockpit's charts (ECharts, vendored) and the lagging-regions map (Leaflet). Data comes from
// <script type="application/json" id="dashboard-charts"> (Django's json_script); every value shown in a
// tooltip goes through Yanglao.escape, never straight into HTML.
(function () {
  const source = document.getElementById("dashboard-charts");
  const data = source ? JSON.parse(source.textContent) : null;
  const text = (window.Yanglao && window.Yanglao.escape) || ((s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
  const dark = document.body.classList.contains("wall");
  const print = document.body.classList.contains("report");
  const ink = dark ? "#dfe6ee" : "#1d273b";
  const grid = dark ? "#2c3a4f" : "#e6e8eb";
  const fmt = (v, unit) => (v === null || v === undefined ? "—" : `${Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 3 })}${unit === "%" ? "%" : ""}`);
  const charts = [];

  function make(el) {
    const chart = echarts.init(el, null, { renderer: print ? "svg" : "canvas" });
    charts.push(chart);
    el.dataset.ready = "true";
    return chart;
  }

  function targetLine(target) {
    if (target === null || target === undefined) return undefined;
    return { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#d63939" }, label: { formatter: `目标 ${target}`, color: "#d63939" }, data: [{ yAxis: target }] };
  }

  function spark(el, s) {
    make(el).setOption({
      animation: !print,
      grid: { left: 2, right: 2, top: 4, bottom: 2 },
      xAxis: { type: "category", show: false, data: s.periods },
      yAxis: { type: "value", show: false, scale: true },
      tooltip: { trigger: "axis", formatter: (p) => `${text(p[0].name)}：${text(fmt(p[0].value, s.unit))}` },
      series: [{ type: "line", data: s.values, showSymbol: false, connectNulls: false, lineStyle: { width: 2, color: dark ? "#5eba00" : "#206bc4" }, areaStyle: { opacity: 0.12 } }],
    });
  }

  function history(el, s) {
    make(el).setOption({
      animation: !print,
      textStyle: { color: ink },
      grid: { left: 60, right: 30, top: 30, bottom: 40 },
      xAxis: { type: "category", data: s.periods, axisLabel: { color: ink } },
      yAxis: {
        type: "value", scale: true, name: s.unit, axisLabel: { color: ink }, splitLine: { lineStyle: { color: grid } },
        // keep the target line on the chart even when the values are far from it
        max: (v) => Math.max(v.max, s.target ?? v.max),
        min: (v) => { const low = Math.min(v.min, s.target ?? v.min); return low > 0 ? Math.floor(low * 0.9) : low; },
      },
      tooltip: { trigger: "axis", formatter: (p) => `${text(p[0].name)}<br>${text(s.name)}：${text(fmt(p[0].value, s.unit))}${s.estimated && s.estimated[p[0].dataIndex] ? "（回填估算）" : ""}` },
      series: [{
        type: "line", name: s.name, connectNulls: false, symbol: "circle", symbolSize: 6,
        data: s.values.map((v, i) => ({ value: v, itemStyle: { color: s.estimated && s.estimated[i] ? "#9aa0ac" : "#206bc4" } })),
        lineStyle: { color: "#206bc4" }, markLine: targetLine(s.target),
      }],
    });
  }

  function bars(el, s) {
    make(el).setOption({
      animation: !print,
      grid: { left: 110, right: 40, top: 20, bottom: 30 },
      xAxis: { type: "value", name: s.unit, splitLine: { lineStyle: { color: grid } } },
      yAxis: { type: "category", data: s.names.slice().reverse(), axisLabel: { color: ink } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: (p) => `${text(p[0].name)}：${text(fmt(p[0].value, s.unit))}` },
      series: [{
        type: "bar",
        data: s.values.map((v, i) => ({ value: v, itemStyle: { color: s.colours[i] } })).reverse(),
        markLine: targetLine(s.target) && { ...targetLine(s.target), data: [{ xAxis: s.target }] },
      }],
    });
  }

  if (data && window.echarts) {
    document.querySelectorAll("[data-chart]").forEach((el) => {
      const kind = el.dataset.chart;
      const key = el.dataset.key;
      const s = data[key];
      if (!s) return;
      if (kind === "spark") spark(el, s);
      else if (kind === "history") history(el, s);
      else if (kind === "children") bars(el, s);
    });
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
    window.addEventListener("beforeprint", () => charts.forEach((c) => c.resize()));
  }

  // The child regions coloured by status, on the region outlines (no personal data).
  const mapEl = document.getElementById("lagging-map");
  const mapSource = document.getElementById("dashboard-map");
  if (mapEl && mapSource && window.L) {
    const payload = JSON.parse(mapSource.textContent);
    if (payload) {
      const map = L.map(mapEl, { preferCanvas: true, zoomControl: true, attributionControl: true });
      map.attributionControl.setPrefix("Leaflet");
      if (mapEl.dataset.tileUrl) L.tileLayer(mapEl.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
      else map.attributionControl.addAttribution("未配置底图，显示区划边界");
      const layer = L.geoJSON(payload.geo, {
        style: (f) => ({ color: "#ffffff", weight: 1, fillOpacity: 0.7, fillColor: f.properties.colour }),
        onEachFeature: (f, l) => {
          const tip = document.createElement("div");
          const name = document.createElement("strong");
          name.textContent = f.properties.name;
          tip.append(name, document.createElement("br"), `${f.properties.label} · ${fmt(f.properties.value, payload.unit)}`);
          l.bindTooltip(tip, { sticky: true });
          l.on("click", () => { const u = new URL(window.location.href); u.searchParams.set("region", f.properties.code); window.location.href = u.toString(); });
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10], animate: false });
      mapEl.dataset.ready = "true";
    }
  }

  const printButton = document.querySelector("[data-print]");
  if (printButton) printButton.addEventListener("click", () => window.print());

  // The wall screen reloads itself; a failed reload keeps the last figures on screen.
  const wall = document.querySelector("[data-refresh-seconds]");
  if (wall) {
    const seconds = Number(wall.dataset.refreshSeconds) || 300;
    setTimeout(() => window.location.reload(), seconds * 1000);
    const clock = document.getElementById("wall-clock");
    const zone = clock && clock.dataset.timeZone;
    if (clock) setInterval(() => { clock.textContent = new Date().toLocaleString("zh-CN", { hour12: false, timeZone: zone || undefined }); }, 1000);
  }
})();
