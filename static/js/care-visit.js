// 今日工单 on a caregiver's phone. Each action (签到, 服务内容, 签退, 确认) becomes a report with a random key
// (crypto.randomUUID) and the phone's own time, kept in localStorage first and then sent, in order, to the
// visit API. Without signal the queue waits ("待上传 N 条") and goes up when the phone is back online; a report
// sent twice is recorded once on the server (same key). The server's answer is shown per action: accepted,
// flagged with its message, or refused with its message. Every value put into the page is set as text.
(function () {
  "use strict";
  const root = document.querySelector("[data-care]");
  if (!root) return;
  const api = root.dataset.api;
  const orderId = root.dataset.order ? Number(root.dataset.order) : null;
  const QUEUE = "yanglao.care.queue." + root.dataset.user;
  const RESULTS = "yanglao.care.results." + root.dataset.user;
  const LABELS = { check_in: "签到", checklist: "服务内容", check_out: "签退", confirm: "服务确认" };
  const OUTCOMES = { accepted: "已受理", flagged: "已受理（有异常）", refused: "未受理" };
  const token = (root.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";
  const pending = root.querySelector("[data-testid=pending]");
  const banner = root.querySelector("[data-testid=offline-banner]");
  const loginNeeded = root.querySelector("[data-testid=login-needed]");
  const results = root.querySelector("[data-testid=results]");
  const state = root.querySelector("[data-testid=order-state]");
  let offline = !navigator.onLine;
  let sending = false;

  function load(name, fallback) {
    try {
      return JSON.parse(localStorage.getItem(name)) || fallback;
    } catch (e) {
      return fallback;
    }
  }
  function save(name, value) {
    localStorage.setItem(name, JSON.stringify(value));
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function render() {
    const queue = load(QUEUE, []);
    pending.hidden = queue.length === 0;
    pending.textContent = "待上传 " + queue.length + " 条";
    banner.hidden = !offline;
    if (!results) return;
    const answers = load(RESULTS, []).filter(function (r) { return r.order_id === orderId; });
    const waiting = queue.filter(function (r) { return r.order_id === orderId; });
    results.replaceChildren();
    waiting.concat(answers).forEach(function (r) {
      const li = document.createElement("li");
      li.className = "list-group-item";
      li.dataset.outcome = r.outcome || "pending";
      const head = document.createElement("strong");
      head.textContent = LABELS[r.kind] || r.kind;
      li.append(head, "：", r.outcome ? (OUTCOMES[r.outcome] || r.outcome) : "待上传");
      const time = document.createElement("span");
      time.className = "text-secondary small ms-1";
      time.textContent = new Date(r.phone_time).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" });
      li.append(time);
      if (r.message) {
        const note = document.createElement("div");
        note.className = "small " + (r.outcome === "refused" ? "text-danger" : "text-secondary");
        note.textContent = r.message;
        li.append(note);
      }
      results.append(li);
    });
  }

  function remember(report, answer) {
    const kept = load(RESULTS, []);
    kept.unshift({
      order_id: report.order_id,
      kind: report.kind,
      phone_time: report.phone_time,
      outcome: answer.outcome,
      message: answer.message || "",
    });
    save(RESULTS, kept.slice(0, 40));
    if (state && answer.state_label && report.order_id === orderId) state.textContent = answer.state_label;
  }

  async function send(report) {
    const response = await fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(report),
    });
    let body = {};
    try {
      body = await response.json();
    } catch (e) {
      body = {};
    }
    return { status: response.status, body: body };
  }

  // Send the queue in order. A network failure keeps everything for later; an answer removes the report.
  async function flush() {
    if (sending) return;
    sending = true;
    try {
      for (;;) {
        const queue = load(QUEUE, []);
        if (!queue.length) break;
        const report = queue[0];
        let answer;
        try {
          answer = await send(report);
        } catch (e) {
          offline = true;
          break;
        }
        if (answer.status === 401 || answer.status === 403) {
          loginNeeded.hidden = false;
          break;
        }
        if (answer.status >= 500) break; // the server's trouble: keep it and try again later
        offline = false;
        loginNeeded.hidden = true;
        if (answer.status === 200) remember(report, answer.body);
        else remember(report, { outcome: "refused", message: answer.body.message || "上报未受理" });
        save(QUEUE, load(QUEUE, []).filter(function (r) { return r.key !== report.key; }));
        render();
      }
    } finally {
      sending = false;
      render();
    }
  }

  function position() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve({ lat: null, lng: null });
      navigator.geolocation.getCurrentPosition(
        function (p) { resolve({ lat: p.coords.latitude, lng: p.coords.longitude }); },
        function () { resolve({ lat: null, lng: null }); },
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
      );
    });
  }

  // The signature pad: a finger or a mouse draws on the canvas.
  const pad = root.querySelector("[data-signature]");
  let signed = false;
  if (pad) {
    const ctx = pad.getContext("2d");
    let drawing = false;
    function fit() {
      pad.width = pad.clientWidth || 300;
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
    }
    fit();
    function point(e) {
      const box = pad.getBoundingClientRect();
      return [(e.clientX - box.left) * (pad.width / box.width), (e.clientY - box.top) * (pad.height / box.height)];
    }
    pad.addEventListener("pointerdown", function (e) {
      drawing = true;
      const [x, y] = point(e);
      ctx.beginPath();
      ctx.moveTo(x, y);
    });
    pad.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      const [x, y] = point(e);
      ctx.lineTo(x, y);
      ctx.stroke();
      signed = true;
    });
    ["pointerup", "pointerleave"].forEach(function (name) {
      pad.addEventListener(name, function () { drawing = false; });
    });
    root.querySelector("[data-signature-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, pad.width, pad.height);
      signed = false;
    });
  }

  async function act(button) {
    const kind = button.dataset.kind;
    const report = { key: newKey(), order_id: orderId, kind: kind, phone_time: new Date().toISOString(), payload: {} };
    if (kind === "checklist") {
      report.payload.items = Array.from(root.querySelectorAll("input[name=items]:checked")).map(function (i) { return i.value; });
      report.payload.note = root.querySelector("[name=note]").value;
    } else if (kind === "confirm" && button.dataset.via === "signature") {
      if (!signed) return alert("请老人在签字区域签字");
      report.payload.signature = pad.toDataURL("image/png");
    } else if (kind === "confirm") {
      report.payload.code = root.querySelector("#confirm-code").value.trim();
    }
    button.disabled = true;
    try {
      if (kind === "check_in" || kind === "check_out") Object.assign(report, await position());
      const queue = load(QUEUE, []);
      queue.push(report);
      save(QUEUE, queue);
      render();
      await flush();
    } finally {
      button.disabled = false;
    }
  }

  root.querySelectorAll("button[data-kind]").forEach(function (button) {
    button.addEventListener("click", function () { act(button); });
  });

  const upload = root.querySelector("[data-photo-upload]");
  if (upload) {
    upload.addEventListener("click", async function () {
      const input = root.querySelector("#visit-photo");
      if (!input.files.length) return alert("请先拍照或选择照片");
      const form = new FormData();
      form.append("photo", input.files[0]);
      upload.disabled = true;
      try {
        const response = await fetch(root.dataset.photosApi, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": token },
          body: form,
        });
        const body = await response.json();
        if (response.ok) root.querySelector("[data-photo-count]").textContent = String(body.photos);
        else alert(body.message || "照片上传失败");
      } catch (e) {
        alert("网络已断开，照片需在有网络时上传");
      } finally {
        upload.disabled = false;
      }
    });
  }

  window.addEventListener("offline", function () { offline = true; render(); });
  window.addEventListener("online", function () { offline = false; render(); flush(); });
  render();
  if (!offline) flush();
})();
