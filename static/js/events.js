// Live events (Server-Sent Events from /events/). No inline script anywhere (the Content-Security-Policy
// forbids it): pages mark elements with data attributes and this file acts on them.
//   [data-events-topic="import.progress"] [data-events-key="job"] [data-events-value="12"]
//       gets the htmx event "yanglao:event" when a matching event arrives (its hx-trigger reloads it);
//   [data-events-after="N"] the page's cursor: events after id N are replayed, none is missed;
//   [data-events-badge="notify."] counts arriving events of that topic prefix (textContent only).
// Without EventSource the marked elements are refreshed every 10 s instead.
(function () {
  "use strict";
  const FALLBACK_MS = 10000;
  const REOPEN_MS = 3000;
  let unread = 0;

  function targets() {
    return Array.from(document.querySelectorAll("[data-events-topic]"));
  }

  function badges() {
    return Array.from(document.querySelectorAll("[data-events-badge]"));
  }

  function refresh(element, detail) {
    if (window.htmx) window.htmx.trigger(element, "yanglao:event", detail || {});
  }

  function matches(element, event) {
    if (!String(event.topic).startsWith(element.dataset.eventsTopic)) return false;
    const key = element.dataset.eventsKey;
    return !key || String((event.payload || {})[key]) === element.dataset.eventsValue;
  }

  function deliver(event) {
    targets().forEach(function (element) {
      if (matches(element, event)) refresh(element, { event: event });
    });
    badges().forEach(function (badge) {
      if (!String(event.topic).startsWith(badge.dataset.eventsBadge)) return;
      unread += 1;
      badge.textContent = String(unread);
      badge.hidden = false;
    });
    document.dispatchEvent(new CustomEvent("yanglao:event", { detail: event }));
  }

  function connect() {
    const topics = new Set();
    targets().forEach((element) => topics.add(element.dataset.eventsTopic));
    badges().forEach((badge) => topics.add(badge.dataset.eventsBadge));
    if (!topics.size) return;
    if (!("EventSource" in window)) {
      window.setInterval(() => targets().forEach((element) => refresh(element)), FALLBACK_MS);
      return;
    }
    const cursors = Array.from(document.querySelectorAll("[data-events-after]"))
      .map((element) => Number.parseInt(element.dataset.eventsAfter, 10))
      .filter((value) => Number.isFinite(value) && value >= 0);
    let last = cursors.length ? Math.min(...cursors) : null;
    let stream = null;
    let closing = false;

    // The browser reopens a stream after a network error by itself, but not after an error answer (a 4xx or
    // 5xx, a proxy's timeout page): then it stays closed. Reopen it ourselves, from the last event seen, so a
    // live page never silently stops being live.
    function open() {
      const url = new URL("/events/", window.location.origin);
      url.searchParams.set("topics", Array.from(topics).join(","));
      if (last !== null) url.searchParams.set("last_event_id", String(last));
      stream = new EventSource(url.toString());
      stream.onmessage = function (message) {
        const id = Number.parseInt(message.lastEventId, 10);
        if (Number.isFinite(id)) last = id;
        let event;
        try {
          event = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        deliver(event);
      };
      stream.onerror = function () {
        if (closing || stream.readyState !== EventSource.CLOSED) return;
        window.setTimeout(function () {
          if (!closing) open();
        }, REOPEN_MS);
      };
    }

    open();
    window.addEventListener("pagehide", function () {
      closing = true;
      if (stream) stream.close();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
