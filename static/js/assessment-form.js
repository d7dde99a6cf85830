// The on-site form: one screen per dimension, and no lost work. Every change goes into a queue kept in
// localStorage and is sent to the server at once if it can be; while the connection is down a banner says
// so and the queue waits, to be sent when the connection returns. Each change carries its own id and the
// device's time, so a change sent twice or late is harmless (the server keeps the latest one per field).
// The line above the form shows what the server holds, from the server's own answer, never from here.
(function () {
  const form = document.getElementById("assessment-form");
  if (!form) return;
  const key = form.dataset.queueKey;
  const url = form.dataset.answersUrl;
  const banner = document.getElementById("offline-banner");
  const pending = document.getElementById("pending-note");
  const preview = document.getElementById("preview");
  const steps = form.querySelectorAll("section.step");
  const tabs = form.querySelectorAll("[role=tab]");
  localStorage.removeItem(form.dataset.legacyKey); // whole-form copies kept by the previous version

  function show(n) {
    steps.forEach((s) => s.classList.toggle("d-none", s.dataset.step !== String(n)));
    tabs.forEach((t) => t.classList.toggle("active", t.dataset.step === String(n)));
    window.scrollTo(0, 0);
  }
  tabs.forEach((t) => t.addEventListener("click", () => show(t.dataset.step)));
  form.querySelectorAll("[data-next]").forEach((b) =>
    b.addEventListener("click", () => show(Number(b.closest("section").dataset.step) + 1)));
  document.querySelectorAll("[data-goto-step]").forEach((a) =>
    a.addEventListener("click", (event) => {
      event.preventDefault();
      show(a.dataset.gotoStep);
      document.getElementById(a.getAttribute("href").slice(1)).scrollIntoView();
    }));

  function load() {
    try {
      const stored = JSON.parse(localStorage.getItem(key));
      return Array.isArray(stored) ? stored : [];
    } catch (e) {
      return [];
    }
  }
  let queue = load();
  let offline = !navigator.onLine;
  let loginNeeded = false;
  let lastAt = Math.max(0, ...queue.map((c) => c.at));
  let counter = 0;

  function render() {
    banner.hidden = !offline;
    pending.hidden = queue.length === 0 && !loginNeeded;
    pending.textContent = loginNeeded
      ? "登录已过期：请重新登录，本机暂存的修改随后自动上传"
      : `本机有 ${queue.length} 项修改尚未上传到服务器`;
  }
  function store() {
    localStorage.setItem(key, JSON.stringify(queue));
    render();
  }
  function enqueue(name, value) {
    lastAt = Math.max(Date.now(), lastAt + 1); // strictly increasing: the later change always wins
    const id = `${lastAt.toString(36)}-${Math.random().toString(36).slice(2, 10)}-${counter++}`;
    queue = queue.filter((c) => c.name !== name); // only the latest change of a field matters
    queue.push({ id, at: lastAt, name, value });
    store();
  }
  function valueOf(field) {
    if (field.type === "radio") {
      const checked = form.querySelector(`[name="${CSS.escape(field.name)}"]:checked`);
      return checked ? checked.value : "";
    }
    if (field.type === "checkbox") return field.checked ? "on" : "";
    return field.value;
  }
  function restore(name, value) {
    form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((f) => {
      if (f.type === "radio") f.checked = f.value === value;
      else if (f.type === "checkbox") f.checked = value === "on";
      else f.value = value;
    });
  }

  let sending = null;
  let retry = null;
  function send() {
    const batch = queue.slice();
    const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ changes: batch }),
    }).then(async (response) => {
      if (response.redirected) { // the session ended: the login page answered; keep everything
        loginNeeded = true;
        throw new Error("login");
      }
      if (response.status >= 500) throw new Error(`server ${response.status}`);
      const text = await response.text();
      const sent = new Set(batch.map((c) => c.id));
      queue = queue.filter((c) => !sent.has(c.id)); // answered (applied or refused): never sent again
      offline = false;
      loginNeeded = false;
      store();
      if (response.ok || response.status === 422) preview.innerHTML = text; // our own rendered fragment
      else preview.textContent = "无权保存此评估，请刷新页面";
      return response.ok;
    });
  }
  // Send the queue; resolves to true once the server has answered every queued change.
  function flush() {
    if (sending) return sending;
    if (!queue.length) return Promise.resolve(true);
    if (!navigator.onLine) {
      offline = true;
      render();
      return Promise.resolve(false);
    }
    clearTimeout(retry);
    sending = send()
      .catch(() => {
        offline = !loginNeeded;
        render();
        retry = setTimeout(flush, 10000);
        return false;
      })
      .finally(() => { sending = null; });
    return sending.then((ok) => (ok && queue.length ? flush() : ok));
  }

  form.addEventListener("change", (event) => {
    const field = event.target;
    if (!field.name || field.name === "csrfmiddlewaretoken") return;
    enqueue(field.name, valueOf(field));
    flush();
  });
  form.addEventListener("submit", (event) => {
    if (navigator.onLine && !queue.length) return;
    event.preventDefault();
    const submitter = event.submitter;
    flush().then((ok) => {
      if (ok && !queue.length && navigator.onLine) {
        form.requestSubmit(submitter);
        return;
      }
      offline = !navigator.onLine || offline;
      render();
      pending.hidden = false;
      pending.textContent = "当前无法连接服务器：作答已暂存在本机，联网后再提交";
    });
  });
  window.addEventListener("offline", () => { offline = true; render(); });
  window.addEventListener("online", () => { offline = false; render(); flush(); });

  queue.forEach((c) => restore(c.name, c.value)); // this device's latest answers, not yet on the server
  render();
  flush();
})();
