// The on-site form: one screen per dimension, and no lost work. Every change is kept in localStorage
// first (so a lost signal loses nothing) and posted as a draft by htmx; on load a newer local copy is
// restored and sent again.
(function () {
  const form = document.getElementById("assessment-form");
  if (!form) return;
  const key = form.dataset.draftKey;
  const steps = form.querySelectorAll("section.step");
  const tabs = form.querySelectorAll("[role=tab]");
  function show(n) {
    steps.forEach((s) => s.classList.toggle("d-none", s.dataset.step !== String(n)));
    tabs.forEach((t) => t.classList.toggle("active", t.dataset.step === String(n)));
    window.scrollTo(0, 0);
  }
  tabs.forEach((t) => t.addEventListener("click", () => show(t.dataset.step)));
  form.querySelectorAll("[data-next]").forEach((b) =>
    b.addEventListener("click", () => show(Number(b.closest("section").dataset.step) + 1)));
  function snapshot() {
    const data = {};
    new FormData(form).forEach((v, k) => { if (k !== "csrfmiddlewaretoken") data[k] = v; });
    return data;
  }
  form.addEventListener("change", () => {
    localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: snapshot() }));
  });
  const saved = localStorage.getItem(key);
  if (saved) {
    const { data } = JSON.parse(saved);
    let restored = false;
    Object.entries(data).forEach(([name, value]) => {
      const field = form.querySelector(`[name="${CSS.escape(name)}"][type=radio][value="${CSS.escape(value)}"]`);
      if (field && !field.checked) { field.checked = true; restored = true; }
      const input = form.querySelector(`[name="${CSS.escape(name)}"]:not([type=radio]):not([type=checkbox])`);
      if (input && input.value !== value) { input.value = value; restored = true; }
    });
    if (restored) form.dispatchEvent(new Event("change", { bubbles: true }));
  }
  form.addEventListener("submit", () => localStorage.removeItem(key));
})();
