// The alarm console (报警处置台) and the caller's screen. No inline script (the Content-Security-Policy forbids
// it) and no innerHTML: values go into the page with textContent only.
//   [data-since="ISO time"]  an age that ticks every second ("1 分 05 秒");
//   #alarm-console           the queue (#console-live, reloaded inside the stable #console-feed): a sound cue
//                            (Web Audio beeps, no audio file) for each new alarm and, while alarms wait
//                            unclaimed, a reminder every 5 s; for a supervisor with escalated
//                            alarms the cue is louder, higher and every 2 s. Browsers allow sound only after a
//                            click, hence the visible 声音已开启 / 点击开启声音 toggle (remembered per browser);
//                            the queue also refreshes itself every 15 s in case the event stream died;
//   #alarm-map               the caller's screen's small map (Leaflet; tiles only when configured).
(function () {
  "use strict";

  // ---------------------------------------------------------------- ages
  function duration(seconds) {
    const total = Math.max(0, Math.floor(seconds));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    if (h) return `${h} 小时 ${String(m).padStart(2, "0")} 分`;
    if (m) return `${m} 分 ${String(s).padStart(2, "0")} 秒`;
    return `${s} 秒`;
  }
  function tickAges() {
    const now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      const since = Date.parse(el.dataset.since);
      if (Number.isFinite(since)) el.textContent = duration((now - since) / 1000);
    });
  }

  // ---------------------------------------------------------------- sound
  const KEY = "yanglao.alarmSound";
  const SAFETY_REFRESH_MS = 15000;
  const CUES = {
    normal: { every: 5000, beeps: 2, freq: 880, gain: 0.25, length: 0.18, gap: 0.3 },
    escalated: { every: 2000, beeps: 4, freq: 1320, gain: 0.8, length: 0.12, gap: 0.1 },
  };
  const root = document.getElementById("alarm-console");
  let audio = null, enabled = false, lastCue = 0, known = null;

  function live() {
    return document.getElementById("console-live");
  }
  function openIds() {
    const box = live();
    if (!box) return [];
    return Array.from(box.querySelectorAll("[data-testid=open-alarms] tr[data-alarm]")).map((tr) => tr.dataset.alarm);
  }
  function mode() {
    const box = live();
    if (!box || Number(box.dataset.open || 0) === 0) return "none";
    if (root.dataset.supervisor === "1" && Number(box.dataset.escalated || 0) > 0) return "escalated";
    return "normal";
  }
  function showToggle() {
    const toggle = root.querySelector("[data-sound-toggle]");
    if (!toggle) return;
    toggle.textContent = enabled ? "声音已开启（点击关闭）" : "点击开启声音";
    toggle.setAttribute("aria-pressed", enabled ? "true" : "false");
    toggle.classList.toggle("btn-success", enabled);
    toggle.classList.toggle("btn-outline-warning", !enabled);
    root.dataset.sound = enabled ? "on" : "off";
  }
  function startAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return false;
    audio = audio || new Context();
    if (audio.state === "suspended") audio.resume();
    return true;
  }
  function beep(kind) {
    const cue = CUES[kind];
    if (!cue) return;
    root.dataset.cue = kind;
    lastCue = Date.now();
    if (!enabled || !audio || audio.state !== "running") return;
    const start = audio.currentTime + 0.02;
    for (let i = 0; i < cue.beeps; i += 1) {
      const at = start + i * (cue.length + cue.gap);
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = i % 2 ? cue.freq * 0.75 : cue.freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(cue.gain, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + cue.length);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + cue.length + 0.02);
    }
    root.dataset.beeps = String(Number(root.dataset.beeps || 0) + 1);
  }
  function remind() {
    const kind = mode();
    if (kind === "none") {
      root.dataset.cue = "none";
      return;
    }
    if (Date.now() - lastCue >= CUES[kind].every) beep(kind);
  }
  function queueChanged() {
    const ids = openIds();
    const fresh = known === null ? [] : ids.filter((id) => !known.has(id));
    known = new Set(ids);
    const count = Number((live() || {}).dataset?.open || 0);
    document.title = (count ? `（${count}）` : "") + document.title.replace(/^（\d+）/, "");
    if (fresh.length) beep(mode() === "escalated" ? "escalated" : "normal");
    tickAges();
  }

  if (root) {
    const toggle = root.querySelector("[data-sound-toggle]");
    if (window.localStorage && localStorage.getItem(KEY) === "on") {
      // Remembered: on if the browser lets the page play now, else the toggle asks for the one click.
      try {
        enabled = startAudio() && audio.state === "running";
      } catch (error) {
        enabled = false;
      }
    }
    showToggle();
    toggle.addEventListener("click", function () {
      if (enabled) {
        enabled = false;
        if (window.localStorage) localStorage.setItem(KEY, "off");
      } else {
        try {
          enabled = startAudio();
        } catch (error) {
          enabled = false;
        }
        if (!enabled) toggle.title = "此浏览器不支持声音提示";
        if (window.localStorage) localStorage.setItem(KEY, enabled ? "on" : "off");
        if (enabled && audio) audio.resume().then(() => beep(mode() === "none" ? "normal" : mode()));
      }
      showToggle();
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      if (live()) queueChanged();
    });
    queueChanged();
    window.setInterval(remind, 500);
    // The event stream is the fast path; should it die (a proxy restart, a refused reconnect: an EventSource
    // never retries after an error status), the queue still refreshes itself every 15 s.
    window.setInterval(function () {
      const feed = document.getElementById("console-feed");
      if (feed && window.htmx && document.visibilityState !== "hidden") window.htmx.trigger(feed, "yanglao:event", {});
    }, SAFETY_REFRESH_MS);
  }
  tickAges();
  window.setInterval(tickAges, 1000);

  // ---------------------------------------------------------------- the caller's screen's map
  const mapEl = document.getElementById("alarm-map");
  if (mapEl && window.L) {
    const point = (text) => (text ? text.split(",").map(Number) : null);
    const home = point(mapEl.dataset.home), place = point(mapEl.dataset.alarm);
    const map = L.map(mapEl, { zoomControl: false, attributionControl: true });
    L.control.zoom({ zoomInTitle: "放大", zoomOutTitle: "缩小" }).addTo(map);
    map.attributionControl.setPrefix("Leaflet");
    mapEl.leafletMap = map;
    if (mapEl.dataset.tileUrl) L.tileLayer(mapEl.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
    else map.attributionControl.addAttribution("未配置底图");
    const shown = [];
    if (home) {
      L.circleMarker(home, { radius: 8, weight: 2, color: "#206bc4", fillOpacity: 0.8 }).bindTooltip("住址").addTo(map);
      shown.push(home);
    }
    if (place) {
      L.circleMarker(place, { radius: 8, weight: 2, color: "#d63939", fillOpacity: 0.8 }).bindTooltip("报警位置").addTo(map);
      shown.push(place);
    }
    if (shown.length > 1) map.fitBounds(L.latLngBounds(shown), { padding: [30, 30], maxZoom: 17 });
    else if (shown.length) map.setView(shown[0], 16);
    if (mapEl.dataset.boundary) {
      fetch(mapEl.dataset.boundary).then((r) => (r.ok ? r.json() : null)).then(function (geo) {
        if (!geo || !geo.features || !geo.features.length) return;
        L.geoJSON(geo, { interactive: false, style: { color: "#6e7582", weight: 1.2, fillColor: "#dfe7f1", fillOpacity: 0.35 } }).addTo(map).bringToBack();
      }).catch(function () { /* the outline is a nicety: the points are already drawn */ });
    }
    mapEl.dataset.ready = "true";
  }
})();
