/* Kindred Desk: the employee chat widget. No build step, no dependencies.
 *
 * Embed on any intranet page with one tag:
 *   <script src="https://desk.example/static/widget.js" defer data-token="..."></script>
 * or data-token-url="..." (a GET answering {"token": ...}); a page may instead call KindredDesk.start({token}).
 * The widget talks only to the handoff service that served this file (docs/protocol.md, /ws/employee).
 * It lives in an open shadow root styled by widget.css; every piece of text goes in through textContent. */
(() => {
  "use strict";
  if (window.KindredDesk && window.KindredDesk.version) return; // the tag was included twice

  const script = document.currentScript; // only valid while this file first runs
  const SRC = (script && script.src) || new URL("/static/widget.js", location.href).href;
  const WS_URL = new URL(SRC).origin.replace(/^http/, "ws") + "/ws/employee";
  const CSS_URL = new URL("widget.css", SRC).href;
  const MAX_BYTES = 4096; // HANDOFF_MAX_TEXT
  const TYPING_EVERY = 2000, BOT_TYPING_MS = 10000, AGENT_TYPING_MS = 8000;
  const PING_EVERY = 20000, SILENCE_LIMIT = 45000, HELLO_LIMIT = 15000;
  const KEY = "kindred-desk:v1:";
  const ERRORS = {
    too_large: "That message is too long.",
    bad_frame: "That message could not be sent.",
    internal: "Something went wrong on our side. Please try again.",
    unavailable: "A service we depend on is not answering right now.",
  };
  const REFUSED = {
    message: "This chat has ended, so your message wasn't sent.",
    end: "This chat has already ended.",
    cancel_waiting: "You're no longer waiting in the queue.",
  };
  const ICONS = {
    chat: "M5 4h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H10l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    send: "M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z",
    minimise: "M6 9l6 6 6-6",
  };

  const store = {
    get(k) { try { return JSON.parse(localStorage.getItem(KEY + k)); } catch (_) { return null; } },
    set(k, v) { try { localStorage.setItem(KEY + k, JSON.stringify(v)); } catch (_) { /* storage off or full */ } },
  };

  // ---- DOM helpers (text only ever through textContent / text nodes) ----
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "class") el.className = v;
      else if (k === "testid") el.dataset.testid = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) if (kid != null) el.append(kid);
    return el;
  }
  function icon(name) {
    const NS = "http://www.w3.org/2000/svg", svg = document.createElementNS(NS, "svg"), path = document.createElementNS(NS, "path");
    const attrs = { viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false", class: "icon icon--" + name };
    for (const [k, v] of Object.entries(attrs)) svg.setAttribute(k, v);
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }
  function linkify(text) { // plain text with http(s) links made clickable, all via text nodes
    const out = [];
    let last = 0;
    for (const m of String(text).matchAll(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g)) {
      out.push(text.slice(last, m.index), h("a", { href: m[0], target: "_blank", rel: "noopener noreferrer", text: m[0] }));
      last = m.index + m[0].length;
    }
    out.push(String(text).slice(last));
    return out;
  }
  const clock = (at) => new Date(at * 1000);
  const hhmm = (at) => clock(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(9));
    return "m-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function whenReady(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn, { once: true });
    else fn();
  }

  // ---- state ----
  function fresh() {
    return {
      token: null, tokenUrl: null, key: null, ws: null, gen: 0, welcomed: false, connectedOnce: false,
      attempt: 0, timer: 0, helloTimer: 0, lastRx: 0, expired: false,
      conv: null, agent: null, maxId: 0, lastKnown: 0, rendered: new Set(), titles: new Map(),
      pending: [], controls: [], rated: false, score: 0, ratingSent: false,
      agentTyping: null, agentTimer: 0, botTyping: false, botTimer: 0, typing: false, typingSentAt: 0,
      opened: false, readId: 0, unread: 0, ratingShown: false, thanksShown: false,
    };
  }
  const S = fresh();
  const ui = {};
  let refreshedOnce = false;

  // ---- building the UI ----
  function build() {
    if (ui.host) return;
    ui.host = h("div", { id: "kindred-desk", "data-kindred-desk": "" });
    ui.host.style.visibility = "hidden"; // until widget.css has loaded, so nothing flashes unstyled
    const root = ui.root = ui.host.attachShadow({ mode: "open" });
    const link = h("link", { rel: "stylesheet", href: CSS_URL });
    const reveal = () => {
      if (!ui.host.style.visibility) return;
      ui.host.style.visibility = "";
      if (ui.focusOnReveal && S.opened) focusFirst(); // hidden elements cannot take focus
    };
    link.addEventListener("load", reveal);
    link.addEventListener("error", reveal);
    setTimeout(reveal, 3000);

    ui.badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    ui.launcher = h("button", {
      type: "button", class: "launcher", testid: "kd-launcher", "aria-label": "Open chat",
      "aria-expanded": "false", "aria-controls": "kd-panel", onclick: () => (S.opened ? close() : open()),
    }, icon("chat"), ui.badge);

    ui.status = h("p", { class: "status", testid: "kd-status", "data-state": "reconnecting", "aria-live": "polite" });
    ui.end = h("button", { type: "button", class: "head-btn", testid: "kd-end", hidden: true, onclick: endChat }, "End chat");
    const minimise = h("button", { type: "button", class: "head-btn head-btn--icon", "aria-label": "Minimise chat", title: "Minimise (Esc)", onclick: () => close() }, icon("minimise"));
    const head = h("header", { class: "head" },
      h("div", { class: "avatar", "aria-hidden": "true" }, "K"),
      h("div", { class: "head-text" }, h("h2", { id: "kd-title", class: "title", text: "Kindred Desk" }), ui.status),
      ui.end, minimise);

    ui.queueText = h("span", { class: "queue-text" });
    ui.queue = h("div", { class: "queue", testid: "kd-queue", hidden: true, role: "status" }, ui.queueText,
      h("button", { type: "button", class: "link-btn", testid: "kd-cancel-wait", onclick: () => control({ type: "cancel_waiting" }) }, "Stop waiting"));
    ui.banner = h("div", { class: "banner", role: "alert", hidden: true },
      h("span", { text: "Your session has expired; please reload the page." }),
      h("button", { type: "button", class: "link-btn", onclick: () => location.reload() }, "Reload"));
    ui.log = h("div", { class: "log", testid: "kd-messages", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
    ui.log.addEventListener("scroll", () => { ui.stuck = nearBottom(); }, { passive: true });
    if (window.ResizeObserver) new ResizeObserver(() => { if (ui.stuck !== false) scrollDown(); }).observe(ui.log);
    ui.typingText = h("span");
    ui.typing = h("div", { class: "typing", testid: "kd-typing", hidden: true },
      h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), ui.typingText);
    ui.notice = h("div", { class: "notice", role: "alert", hidden: true });

    ui.input = h("textarea", { id: "kd-input", class: "input", testid: "kd-input", rows: "1", placeholder: "Write a message\u2026", autocomplete: "off" });
    ui.send = h("button", { type: "submit", class: "send", testid: "kd-send", "aria-label": "Send message", title: "Send (Enter)" }, icon("send"));
    ui.composer = h("form", { class: "composer", onsubmit: (ev) => { ev.preventDefault(); submitInput(); } },
      h("label", { for: "kd-input", class: "sr-only", text: "Message (Enter sends, Shift+Enter adds a line)" }), ui.input, ui.send);
    ui.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); submitInput(); }
    });
    ui.input.addEventListener("input", onInput);
    ui.input.addEventListener("blur", stopTyping);

    ui.scores = [1, 2, 3, 4, 5].map((n) => h("button", {
      type: "button", class: "score", testid: "kd-rate-" + n, "data-score": n, "aria-pressed": "false",
      "aria-label": `${n} out of 5`, onclick: () => pickScore(n),
    }, String(n)));
    ui.comment = h("textarea", { id: "kd-comment", class: "input input--boxed", testid: "kd-rating-comment", rows: "2", maxlength: "1000" });
    ui.rateSubmit = h("button", { type: "submit", class: "primary", testid: "kd-rating-submit", disabled: true }, "Send feedback");
    ui.rating = h("form", { class: "rating", testid: "kd-rating", hidden: true, "aria-labelledby": "kd-rating-title", onsubmit: submitRating },
      h("h3", { id: "kd-rating-title", class: "rating-title", text: "How did we do?" }),
      h("div", { class: "scores", role: "group", "aria-label": "Rate this chat from 1 (poor) to 5 (great)" }, ui.scores),
      h("div", { class: "scale", "aria-hidden": "true" }, h("span", { text: "Poor" }), h("span", { text: "Great" })),
      h("label", { for: "kd-comment", class: "field-label", text: "Anything you'd like to add? (optional)" }), ui.comment, ui.rateSubmit);
    ui.newConv = h("button", { type: "button", class: "primary", testid: "kd-new-conversation", onclick: newConversation }, "Start a new conversation");
    ui.thanks = h("div", { class: "thanks", testid: "kd-rating-thanks", hidden: true },
      h("p", { class: "thanks-text", role: "status", text: "Thanks for your feedback \u2014 it helps us get better." }), ui.newConv);

    ui.panel = h("section", {
      id: "kd-panel", class: "panel", testid: "kd-panel", role: "dialog", "aria-labelledby": "kd-title", hidden: true,
      onkeydown: (ev) => { if (ev.key === "Escape") { ev.preventDefault(); close(); } },
    }, head, ui.queue, ui.banner, ui.log, ui.typing, ui.notice, ui.composer, ui.rating, ui.thanks);
    ui.wrap = h("div", { class: "kd", hidden: true }, ui.launcher, ui.panel);
    root.append(link, ui.wrap);
    document.body.append(ui.host);
  }

  // ---- public entry points ----
  function start(opts) {
    const token = opts && opts.token;
    if (typeof token !== "string" || !token) throw new TypeError("KindredDesk.start({token}) needs a token");
    whenReady(() => {
      build();
      if (token === S.token && !S.expired) return;
      teardown();
      const wasOpen = S.opened;
      Object.assign(S, fresh(), { token, tokenUrl: (opts && opts.tokenUrl) || null, key: "conv:" + token.slice(-24) });
      const saved = store.get(S.key) || {};
      S.readId = saved.readId || 0;
      ui.log.replaceChildren();
      ui.comment.value = ui.input.value = "";
      ui.rateSubmit.textContent = "Send feedback";
      pickScore(0);
      for (const o of saved.outbox || []) addPending(String(o.text), o.title, o.cid);
      ui.wrap.hidden = false;
      ui.banner.hidden = ui.queue.hidden = true;
      hideNotice();
      setStatus("reconnecting");
      updateChrome();
      connect();
      if (wasOpen) open(false);
    });
  }
  function open(focus = true) {
    whenReady(() => {
      if (!ui.panel || !S.token) return;
      setOpen(true);
      S.unread = 0;
      S.readId = S.maxId;
      persist();
      scrollDown();
      if (focus) focusFirst();
      ui.focusOnReveal = focus;
    });
  }
  function close() {
    if (!ui.panel || !S.opened) return;
    const hadFocus = ui.panel.contains(ui.root.activeElement);
    stopTyping();
    setOpen(false);
    if (hadFocus) ui.launcher.focus();
  }
  function setOpen(on) {
    S.opened = on;
    ui.panel.hidden = !on;
    ui.wrap.toggleAttribute("data-open", on);
    ui.launcher.setAttribute("aria-expanded", String(on));
    renderBadge();
  }
  function focusFirst() {
    if (!ui.composer.hidden && !ui.input.disabled) ui.input.focus();
    else if (!ui.rating.hidden) ui.scores[0].focus();
    else if (!ui.thanks.hidden) ui.newConv.focus();
    else ui.log.focus();
  }
  async function fetchToken(url) {
    const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error("token URL answered HTTP " + res.status);
    const body = await res.json();
    if (!body || typeof body.token !== "string") throw new Error("token URL gave no token");
    return body.token;
  }
  function startFromUrl(url) {
    return fetchToken(url).then((token) => start({ token, tokenUrl: url }));
  }
  function newConversation() {
    const hook = api.onNewConversation;
    if (typeof hook === "function") hook();
    else if (S.tokenUrl) startFromUrl(S.tokenUrl).then(() => open()).catch(() => flash(ERRORS.internal));
    else location.reload();
  }

  // ---- the socket ----
  function connect() {
    clearTimeout(S.timer);
    if (!S.token || S.expired || S.ws) return;
    let ws;
    try { ws = new WebSocket(WS_URL); } catch (_) { onClosed(1006); return; }
    S.ws = ws;
    S.gen += 1;
    const token = S.token;
    ws.onopen = () => { if (S.ws === ws) ws.send(JSON.stringify({ type: "hello", token, last_seen: S.maxId })); };
    ws.onmessage = (ev) => {
      if (S.ws !== ws) return;
      S.lastRx = Date.now();
      let frame;
      try { frame = JSON.parse(ev.data); } catch (_) { return; }
      try { onFrame(frame); } catch (err) { console.error("Kindred Desk:", err); }
    };
    ws.onclose = (ev) => { if (S.ws === ws) onClosed(ev.code); };
    S.helloTimer = setTimeout(() => { if (S.ws === ws && !S.welcomed) drop(); }, HELLO_LIMIT);
  }
  function drop() { // give up on a socket that went silent; onclose may take minutes to come
    const ws = S.ws;
    S.ws = null;
    try { ws.close(); } catch (_) { /* already closing */ }
    onClosed(1006);
  }
  function teardown() {
    const ws = S.ws;
    S.ws = null;
    if (ws) try { ws.close(1000); } catch (_) { /* ignore */ }
    for (const t of [S.timer, S.helloTimer, S.botTimer, S.agentTimer]) clearTimeout(t);
  }
  function onClosed(code) {
    clearTimeout(S.helloTimer);
    S.ws = null;
    S.welcomed = false;
    S.typing = false;
    setAgentTyping(null);
    setBotTyping(false);
    if (code === 4401 && S.tokenUrl && !refreshedOnce) { // the intranet may mint a fresh token
      refreshedOnce = true;
      const stale = S.token, url = S.tokenUrl;
      fetchToken(url).then((t) => (t === stale ? expire() : start({ token: t, tokenUrl: url }))).catch(expire);
      return;
    }
    if (code === 4401 || code === 4403) { expire(); return; }
    setStatus("reconnecting");
    const ceiling = Math.min(15000, 500 * 2 ** S.attempt);
    S.attempt += 1;
    S.timer = setTimeout(connect, ceiling / 2 + Math.random() * ceiling / 2);
  }
  function expire() {
    teardown();
    S.expired = true;
    setStatus("expired");
    ui.banner.hidden = false;
    updateChrome();
  }
  function kick() { // network back or tab visible again: don't wait for the back-off
    if (S.token && !S.expired && !S.ws && document.visibilityState !== "hidden") { S.attempt = 0; connect(); }
  }
  function send(frame) {
    if (!S.ws || !S.welcomed || S.ws.readyState !== 1) return false;
    S.ws.send(JSON.stringify(frame));
    return true;
  }
  function control(frame) { // end, cancel_waiting, rating: wait for the socket if it is down
    if (send(frame)) return;
    S.controls = S.controls.filter((f) => f.type !== frame.type).concat([frame]);
  }
  function flush() {
    for (const p of S.pending) if (!p.id && !p.adopted) transmit(p);
    const queued = S.controls;
    S.controls = [];
    for (const f of queued) control(f);
  }

  // ---- frames from the server ----
  function onFrame(f) {
    switch (f.type) {
      case "welcome":
        clearTimeout(S.helloTimer);
        S.welcomed = true;
        S.connectedOnce = true;
        S.attempt = 0;
        S.conv = f.state || null;
        if (f.reset) { // the server's log restarted (e.g. an in-process service restarted): redraw from it
          S.rendered.clear();
          S.maxId = 0;
          ui.log.querySelectorAll("[data-id]").forEach((el) => el.remove());
        }
        S.lastKnown = Number(f.last_id) || 0;
        if (S.maxId < S.lastKnown) busy();
        setStatus("connected");
        flush();
        updateChrome();
        break;
      case "entry": renderEntry(f); break;
      case "ack": onAck(f); break;
      case "queue": showQueue(f); break;
      case "typing": if (f.who === "agent") setAgentTyping(f.active ? f.name || "Someone" : null); break;
      case "error": onError(f); break;
      default: break; // pong and anything newer
    }
  }
  function renderEntry(e) {
    const id = e.id;
    if (!Number.isInteger(id) || S.rendered.has(id)) return;
    S.rendered.add(id);
    const data = e.data || {};
    let el = null;
    if (e.kind === "employee") {
      el = adopt(e) || bubble(e, shown(e.text));
    } else if (e.kind === "bot") {
      const buttons = Array.isArray(data.buttons) ? data.buttons : [];
      for (const b of buttons) S.titles.set(String(b.payload), String(b.title));
      el = bubble(e, e.text, "Assistant", buttons);
    } else if (e.kind === "agent") {
      el = bubble(e, e.text, (e.author || "Agent") + (data.team ? " \u00b7 " + data.team : ""));
    } else if (e.kind === "system") {
      onSystem(data, id > S.lastKnown);
      if (e.text) el = note(e, e.text);
    } else if (e.kind === "rating") {
      S.rated = true;
      el = note(e, `You rated ${data.score}/5`, e.text);
    }
    if (el) place(el, id);
    if (id > S.maxId) S.maxId = id;
    if (ui.log.hasAttribute("aria-busy")) busy();
    if (e.kind !== "employee" && e.kind !== "rating" && el) {
      setBotTyping(false);
      if (e.kind === "agent") setAgentTyping(null);
      if (!S.opened && id > S.readId) S.unread += 1;
    }
    if (S.opened) S.readId = S.maxId;
    renderBadge();
    persist();
    updateChrome();
  }
  function onSystem(data, live) {
    if (data.event === "agent_joined") S.agent = { name: data.agent || "Someone", team: data.team || "" };
    else if (["handed_back", "cancelled", "queued"].includes(data.event)) S.agent = null;
    if (live && data.state) S.conv = data.state; // older entries: the welcome's state is newer
  }
  function busy() { // replaying history: let screen readers wait for the end of the burst
    ui.log.setAttribute("aria-busy", "true");
    clearTimeout(ui.busyTimer);
    ui.busyTimer = setTimeout(() => ui.log.removeAttribute("aria-busy"), 300);
  }
  const shown = (text) => (text && text.startsWith("/") && S.titles.get(text)) || text;
  function bubble(e, text, sender, buttons) {
    const el = h("div", {
      class: "msg msg--" + e.kind, testid: "kd-msg", "data-kind": e.kind,
      "data-id": e.id == null ? null : String(e.id), "data-sender": sender || e.kind,
      title: e.at ? clock(e.at).toLocaleString() : null,
    });
    if (sender) el.append(h("div", { class: "meta" }, sender, e.at ? h("span", { class: "time", text: " \u00b7 " + hhmm(e.at) }) : null));
    el.append(h("div", { class: "bubble" }, linkify(text || "")));
    if (buttons && buttons.length) {
      el.append(h("div", { class: "replies", role: "group", "aria-label": "Suggested replies" }, buttons.map((b) =>
        h("button", { type: "button", class: "reply", testid: "kd-quick-reply", onclick: () => { sendMessage(String(b.payload), String(b.title)); ui.input.focus(); } }, String(b.title)))));
    }
    return el;
  }
  function note(e, text, detail) {
    return h("div", { class: "msg msg--" + e.kind, testid: "kd-msg", "data-kind": e.kind, "data-id": String(e.id), title: e.at ? clock(e.at).toLocaleString() : null },
      h("p", { class: "note", text }), detail ? h("p", { class: "note note--detail", text: `\u201c${detail}\u201d` }) : null);
  }
  function place(el, id) { // entries in id order, still-sending bubbles stay last
    const stick = nearBottom();
    let ref = null;
    let node = ui.log.lastElementChild;
    while (node && (node.hasAttribute("data-pending") || Number(node.dataset.id) > id)) { ref = node; node = node.previousElementSibling; }
    if (node && node.dataset.sender && node.dataset.sender === el.dataset.sender) el.classList.add("msg--cont");
    ui.log.insertBefore(el, ref);
    refreshReplies();
    if (stick) scrollDown();
  }
  const nearBottom = () => ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80;
  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; ui.stuck = true; }
  function refreshReplies() { // only the latest unanswered bot turn keeps live quick replies
    let answered = S.conv === "closed" || S.expired;
    for (let n = ui.log.lastElementChild; n; n = n.previousElementSibling) {
      if (n.dataset.kind === "employee" && n.dataset.state !== "failed") answered = true;
      else if (n.dataset.kind === "bot") for (const b of n.querySelectorAll(".reply")) b.disabled = answered;
    }
  }

  // ---- sending ----
  function submitInput() {
    const text = ui.input.value.trim();
    if (!text) return;
    if (sendMessage(text)) { ui.input.value = ""; grow(); }
  }
  function sendMessage(text, title) {
    if (!S.token || S.expired) return false;
    if (S.conv === "closed") { flash(REFUSED.message); return false; }
    if (new TextEncoder().encode(text).length > MAX_BYTES) { flash(ERRORS.too_large); return false; }
    stopTyping();
    const p = addPending(text, title);
    transmit(p);
    persist();
    scrollDown();
    return true;
  }
  function addPending(text, title, cid) {
    const p = { cid: cid || randomId(), text, title: title || null, id: 0, adopted: 0, sentGen: 0 };
    p.el = bubble({ kind: "employee" }, title || shown(text));
    p.el.setAttribute("data-pending", "");
    p.el.dataset.state = "sending";
    p.el.append(h("div", { class: "meta meta--state", text: "Sending\u2026" }));
    S.pending.push(p);
    ui.log.append(p.el);
    refreshReplies();
    return p;
  }
  function transmit(p) {
    if (!send({ type: "message", text: p.text, client_id: p.cid })) return;
    p.sentGen = S.gen;
    if (!S.conv || S.conv === "bot" || S.conv === "offered") setBotTyping(true);
  }
  function adopt(e) { // the optimistic bubble becomes the logged entry (by acked id, else by text)
    let p = S.pending.find((x) => x.id === e.id);
    if (p) forget(p);
    else if (e.id > S.lastKnown) {
      p = S.pending.find((x) => !x.id && !x.adopted && x.sentGen === S.gen && x.text === e.text);
      if (p) p.adopted = e.id; // its ack is still to come
    }
    if (!p) return null;
    const el = p.el;
    el.removeAttribute("data-pending");
    el.removeAttribute("data-state");
    el.dataset.id = String(e.id);
    if (e.at) el.title = clock(e.at).toLocaleString();
    const state = el.querySelector(".meta--state");
    if (state) state.remove();
    el.remove();
    return el;
  }
  function onAck(f) {
    const p = S.pending.find((x) => x.cid === f.client_id);
    if (!p) return;
    if (p.adopted) forget(p);
    else if (S.rendered.has(f.id)) { p.el.remove(); forget(p); } // a resend of a message logged earlier
    else p.id = f.id;
    persist();
  }
  function forget(p) { S.pending = S.pending.filter((x) => x !== p); }
  function fail(p, why) {
    forget(p);
    p.el.removeAttribute("data-pending");
    p.el.dataset.state = "failed";
    const state = p.el.querySelector(".meta--state");
    if (state) state.textContent = "Not sent \u00b7 " + why;
    refreshReplies();
    persist();
  }
  function onError(f) {
    if (!S.welcomed) return; // handshake failures end with a close code, handled in onClosed
    const ref = f.ref || null;
    const text = (f.code === "illegal_transition" && REFUSED[ref]) || ERRORS[f.code] || f.message || ERRORS.internal;
    if (ref === "message" || (!ref && (f.code === "too_large" || f.code === "bad_frame"))) {
      const p = S.pending.find((x) => !x.id && !x.adopted && x.sentGen === S.gen);
      if (p) fail(p, f.code === "too_large" ? "too long" : "refused");
      setBotTyping(false);
    }
    if (ref === "rating") {
      if (f.code === "illegal_transition") S.rated = true; // rated already (e.g. in another tab)
      else { S.ratingSent = false; ui.rateSubmit.textContent = "Send feedback"; ui.rateSubmit.disabled = !S.score; }
      updateChrome();
      if (S.rated) return;
    }
    if (ref === "typing" || ref === "ping") return;
    flash(text);
  }
  function endChat() { stopTyping(); control({ type: "end" }); }

  // ---- typing ----
  function onInput() {
    grow();
    if (!ui.input.value.trim()) { stopTyping(); return; }
    const now = Date.now();
    if (now - S.typingSentAt >= TYPING_EVERY && send({ type: "typing", active: true })) { S.typingSentAt = now; S.typing = true; }
  }
  function stopTyping() {
    if (S.typing) send({ type: "typing", active: false });
    S.typing = false;
    S.typingSentAt = 0;
  }
  function grow() {
    ui.input.style.height = "auto";
    ui.input.style.height = Math.min(ui.input.scrollHeight, 132) + "px";
  }
  function setAgentTyping(name) {
    clearTimeout(S.agentTimer);
    S.agentTyping = name;
    if (name) S.agentTimer = setTimeout(() => setAgentTyping(null), AGENT_TYPING_MS);
    renderTyping();
  }
  function setBotTyping(on) {
    clearTimeout(S.botTimer);
    S.botTyping = on;
    if (on) S.botTimer = setTimeout(() => setBotTyping(false), BOT_TYPING_MS);
    renderTyping();
  }
  function renderTyping() {
    if (!ui.typing) return;
    const who = S.agentTyping ? `${S.agentTyping} is typing\u2026` : S.botTyping ? "Assistant is typing\u2026" : "";
    ui.typing.hidden = !who;
    ui.typingText.textContent = who;
  }

  // ---- queue, rating, chrome ----
  function showQueue(f) {
    if (f.position == null || S.conv === "closed") { ui.queue.hidden = true; return; }
    if (f.estimate_s == null) { // nobody who could help is online: no made-up minutes
      ui.queueText.textContent = `You're number ${f.position} in the queue \u00b7 nobody is online right now`;
    } else {
      const min = Math.max(1, Math.round(Number(f.estimate_s) / 60));
      ui.queueText.textContent = `You're number ${f.position} in the queue \u00b7 about ${min} min`;
    }
    ui.queue.hidden = false;
  }
  function pickScore(n) {
    S.score = n;
    for (const b of ui.scores) b.setAttribute("aria-pressed", String(Number(b.dataset.score) === n));
    ui.rateSubmit.disabled = !n || S.ratingSent;
  }
  function submitRating(ev) {
    ev.preventDefault();
    if (!S.score || S.ratingSent) return;
    S.ratingSent = true;
    ui.rateSubmit.disabled = true;
    ui.rateSubmit.textContent = "Sending\u2026";
    const comment = ui.comment.value.trim();
    control(comment ? { type: "rating", score: S.score, comment } : { type: "rating", score: S.score });
  }
  function setStatus(state) {
    ui.status.dataset.state = state;
    updateStatusText();
  }
  function updateStatusText() {
    const state = ui.status.dataset.state;
    let text;
    if (state === "expired") text = "Your session has expired; please reload";
    else if (state === "reconnecting") text = S.connectedOnce ? "Reconnecting\u2026" : "Connecting\u2026";
    else if (S.conv === "queued") text = "Waiting for a person";
    else if (S.conv === "with_agent") text = S.agent ? `With ${S.agent.name}${S.agent.team ? " \u00b7 " + S.agent.team : ""}` : "With a person";
    else if (S.conv === "closed") text = "Chat ended";
    else text = "HR assistant";
    if (ui.status.textContent !== text) ui.status.textContent = text;
  }
  function updateChrome() {
    const closed = S.conv === "closed";
    const focusWasIn = (el) => !el.hidden && el.contains(ui.root.activeElement);
    const moveFocus = S.opened && [ui.composer, ui.rating, ui.end].some(focusWasIn);
    ui.composer.hidden = closed;
    ui.input.disabled = ui.send.disabled = S.expired;
    ui.end.hidden = closed || !S.conv || S.expired;
    ui.rating.hidden = !closed || S.rated;
    ui.thanks.hidden = !closed || !S.rated;
    if (closed) { ui.queue.hidden = true; hideNotice(); }
    if (moveFocus && (!ui.rating.hidden !== S.ratingShown || !ui.thanks.hidden !== S.thanksShown)) focusFirst();
    S.ratingShown = !ui.rating.hidden;
    S.thanksShown = !ui.thanks.hidden;
    ui.panel.dataset.conv = S.conv || "";
    refreshReplies();
    updateStatusText();
  }
  function renderBadge() {
    ui.badge.hidden = !S.unread || S.opened;
    ui.badge.textContent = S.unread > 9 ? "9+" : String(S.unread);
    const label = S.opened ? "Close chat" : S.unread ? `Open chat (${S.unread} unread)` : "Open chat";
    ui.launcher.setAttribute("aria-label", label);
    ui.launcher.title = label;
  }
  let noticeTimer = 0;
  function flash(text) {
    clearTimeout(noticeTimer);
    ui.notice.textContent = text;
    ui.notice.hidden = false;
    noticeTimer = setTimeout(hideNotice, 6000);
  }
  function hideNotice() { ui.notice.hidden = true; ui.notice.textContent = ""; }
  function persist() {
    if (!S.key) return;
    const outbox = S.pending.filter((p) => !p.id && !p.adopted).map((p) => ({ cid: p.cid, text: p.text, title: p.title }));
    store.set(S.key, { lastId: S.maxId, readId: S.readId, outbox, at: Date.now() });
  }

  // ---- keep-alive and wake-ups ----
  setInterval(() => {
    if (!S.ws || !S.welcomed) return;
    if (Date.now() - S.lastRx > SILENCE_LIMIT) drop();
    else send({ type: "ping" });
  }, PING_EVERY);
  window.addEventListener("online", kick);
  document.addEventListener("visibilitychange", kick);

  const api = { version: "1", start, open: () => open(), close, onNewConversation: null };
  window.KindredDesk = api;

  if (script) {
    const token = script.getAttribute("data-token");
    const tokenUrl = script.getAttribute("data-token-url");
    if (token) start({ token });
    else if (tokenUrl) startFromUrl(tokenUrl).catch((err) => console.warn("Kindred Desk: no chat token:", err));
  }
})();
