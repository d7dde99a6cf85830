// Shared page behaviour. No inline script or event handler anywhere (the Content-Security-Policy forbids
// them): pages mark elements with data attributes and these listeners act on them.
window.Yanglao = {
  // Every data value our scripts put into HTML goes through this (Leaflet tooltips and popups take HTML).
  escape: (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]),
};

// <select data-autosubmit>: choosing an option submits its form (filters on list pages).
document.addEventListener("change", function (event) {
  const select = event.target.closest && event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.requestSubmit();
});
// [data-print]: print the page.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});

// htmx 2 does not swap 4xx answers by default; ours carry the form with its Chinese errors (422).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.htmx) return;
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true },
    { code: "[45]..", swap: false, error: true },
  ];
  document.body.addEventListener("htmx:configRequest", function (event) {
    const token = document.querySelector("meta[name=csrf-token]");
    if (token) event.detail.headers["X-CSRFToken"] = token.content;
  });
});

// <input type="file" data-file-name="ID">: the chosen file's name goes into element ID (our Chinese file picker
// replaces the browser's button, which speaks the browser's language).
document.addEventListener("change", function (event) {
  const input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-file-name]")) return;
  const shown = document.getElementById(input.dataset.fileName);
  if (shown) shown.textContent = input.files.length ? input.files[0].name : "未选择文件";
});
