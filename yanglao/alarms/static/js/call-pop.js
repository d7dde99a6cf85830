// The screen-pop (来电弹屏). events.js announces "alarms.call" events addressed to this operator (ids and
// states only); we then ask the API what is ringing at this seat and show the newest call not dismissed:
// who is calling ("来电：王秀英（女儿 李娟）"), a link to the caller's screen and, when the number belongs to
// one person, the "创建来电求助报警" button. Values go into the page with textContent only, never innerHTML.
(function () {
  "use strict";
  const pop = document.getElementById("call-pop");
  if (!pop) return;
  const STORE = "yanglao.callpop.dismissed";
  let current = null;

  function dismissed() {
    try {
      return new Set(JSON.parse(window.sessionStorage.getItem(STORE) || "[]"));
    } catch (error) {
      return new Set();
    }
  }

  function dismiss(id) {
    const ids = dismissed();
    ids.add(id);
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(Array.from(ids).slice(-50)));
    } catch (error) {
      // storage full or blocked: the card stays closed until the next call anyway
    }
  }

  function field(name) {
    return pop.querySelector('[data-call-field="' + name + '"]');
  }

  function timeOf(iso) {
    const moment = new Date(iso);
    return Number.isNaN(moment.getTime()) ? "" : moment.toLocaleTimeString("zh-CN", { hour12: false });
  }

  function candidate(item) {
    const li = document.createElement("li");
    li.className = "py-1";
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.name + "（" + (item.contact_name ? item.via + " " + item.contact_name : "本人") + "）";
    const facts = document.createElement("span");
    facts.className = "text-secondary small ms-1";
    facts.textContent = item.gender + " · " + item.age + " 岁 · " + item.community;
    li.append(link, facts);
    return li;
  }

  function render(call) {
    current = call;
    field("headline").textContent = call.headline;
    field("state").textContent = call.state_label;
    field("number").textContent = call.number;
    field("ringing").textContent = timeOf(call.ringing_at);
    const list = pop.querySelector("[data-call-candidates]");
    list.replaceChildren(...call.candidates.map(candidate));
    field("unmatched").hidden = call.candidates.length > 0;
    pop.querySelector("[data-call-link]").href = call.url;
    const form = pop.querySelector("[data-call-alarm]");
    const single = call.candidates.length === 1 && !call.alarm_id;
    form.hidden = !single;
    if (single) {
      form.action = call.alarm_action;
      form.querySelector('input[name="elder_id"]').value = String(call.candidates[0].elder_id);
    }
    field("alarm").hidden = !call.alarm_id;
    pop.hidden = false;
  }

  async function refresh() {
    let calls;
    try {
      const response = await fetch(pop.dataset.callApi, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      calls = await response.json();
    } catch (error) {
      return;
    }
    const hidden = dismissed();
    const call = (Array.isArray(calls) ? calls : []).find((item) => !hidden.has(item.id));
    // On the caller's screen of this very call the card would only repeat the page.
    if (call && call.url !== window.location.pathname) render(call);
    else pop.hidden = true;
  }

  pop.querySelector("[data-call-close]").addEventListener("click", function () {
    if (current) dismiss(current.id);
    pop.hidden = true;
  });
  document.addEventListener("yanglao:event", function (event) {
    const detail = event.detail || {};
    if (String(detail.topic) === "alarms.call") refresh();
  });
  refresh();
})();
