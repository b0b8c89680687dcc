/* Kindred Desk agent console: sign-in, the agent socket, presence, the live queue and offers, and the
   conversation tabs. Charts, the escalation/employee panels and the supervisor view are in
   console-dashboard.js. Every piece of data reaches the page through text nodes / textContent only. */
'use strict';
(function () {
  const KD = (window.KD = window.KD || {});

  // ---------- DOM helpers ----------
  function setProps(el, props) {
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.setAttribute('class', v);
      else if (k === 'text') el.textContent = String(v);
      else if (k === 'testid') el.setAttribute('data-testid', v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  function append(el, kids) {
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid)); // strings become text nodes: never parsed as HTML
    }
    return el;
  }
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    setProps(el, props);
    return append(el, kids);
  }
  function svg(tag, props, ...kids) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setProps(el, props);
    return append(el, kids);
  }
  const $ = (id) => document.getElementById(id);

  // ---------- formatting ----------
  const REASONS = {
    crisis: 'Crisis', acute_distress: 'Acute distress', building_distress: 'Building distress',
    distress_trend: 'Building distress', sensitive_topic: 'Sensitive topic', explicit_request: 'Asked for a person',
    offer_accepted: 'Accepted offer', accepted_offer: 'Accepted offer', bot_unavailable: 'Assistant down',
    repeated_failure: 'Repeated failure',
  };
  const REASON_CLASS = {
    crisis: 'crisis', acute_distress: 'acute', building_distress: 'building', distress_trend: 'building',
    sensitive_topic: 'sensitive', explicit_request: 'asked', offer_accepted: 'accepted', accepted_offer: 'accepted',
    bot_unavailable: 'down', repeated_failure: 'failure',
  };
  const SKILLS = { hr: 'HR', payroll: 'Payroll', it: 'IT' };
  const humanize = (s) => { s = String(s ?? '').replace(/[_-]+/g, ' ').trim(); return s.charAt(0).toUpperCase() + s.slice(1); };
  const reasonLabel = (r) => REASONS[r] || (r ? humanize(r) : 'Escalated');
  const clamp01 = (x) => Math.min(1, Math.max(0, Number(x) || 0));
  const pct = (x) => Math.round(clamp01(x) * 100) + '%';
  const pad = (n) => String(n).padStart(2, '0');
  function mmss(sec) {
    sec = Math.max(0, Math.floor(sec));
    const hrs = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
    return (hrs ? hrs + ':' + pad(m) : pad(m)) + ':' + pad(s);
  }
  const timeOf = (at) => new Date(at * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  function distressColour(d) { // green -> amber -> red
    const hue = 130 - 130 * clamp01(d);
    return `hsl(${Math.round(hue)}, 70%, ${hue > 60 ? 34 : 42}%)`;
  }
  const reasonClass = (r) => REASON_CLASS[r] || 'other';
  function reasonBadge(reason) {
    return h('span', { class: 'badge reason reason-' + reasonClass(reason), testid: 'kd-reason', 'data-reason': reason || '' }, reasonLabel(reason));
  }
  function distressMeter(d) {
    const bar = h('span', { class: 'meter-fill' });
    bar.style.width = pct(d);
    bar.style.background = distressColour(d);
    return h('span', { class: 'distress', title: 'Distress ' + pct(d) },
      h('span', { class: 'meter', 'aria-hidden': 'true' }, bar), h('span', { class: 'distress-pct' }, pct(d)),
      h('span', { class: 'sr-only' }, ' distress'));
  }
  const fill = (el, ...kids) => { el.replaceChildren(); return append(el, kids); }; // nulls skipped
  Object.assign(KD, { h, svg, fill, $, humanize, reasonLabel, reasonClass, reasonBadge, distressMeter, distressColour, pct, mmss, timeOf, clamp01, SKILLS });

  // ---------- state ----------
  const S = (KD.state = {
    token: null, agent: null, status: 'online', canned: [], ws: null, ready: false, attempt: 0, retryAt: 0,
    retryTimer: null, pingTimer: null, pongDue: 0, queue: [], queueAt: 0, queueSeen: null, offers: new Map(),
    tabs: new Map(), active: null, focusNext: null, closing: new Map(), openFifo: [], alerts: true, view: 'desk',
  });

  // ---------- toasts, announcements, sound, notifications ----------
  function toast(message, kind = 'error') {
    const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss' }, '×');
    const el = h('div', { class: 'toast toast-' + kind, testid: kind === 'error' ? 'kd-toast' : 'kd-info', role: kind === 'error' ? 'alert' : 'status' },
      h('span', {}, message), close);
    const remove = () => el.remove();
    close.addEventListener('click', remove);
    $('toasts').append(el);
    setTimeout(remove, kind === 'error' ? 8000 : 4000);
  }
  function announce(text) {
    const live = $('live');
    live.textContent = '';
    setTimeout(() => { live.textContent = text; }, 50);
  }
  let audio = null;
  function unlockAudio() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === 'suspended') audio.resume();
    } catch (e) { audio = null; }
  }
  function chime(kind) {
    if (!S.alerts || !audio || audio.state !== 'running') return;
    const t0 = audio.currentTime + 0.01;
    (kind === 'offer' ? [660, 880, 990] : [587, 784]).forEach((freq, i) => {
      const osc = audio.createOscillator(), gain = audio.createGain(), t = t0 + i * 0.13;
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.18, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start(t);
      osc.stop(t + 0.4);
    });
  }
  function askNotifications() {
    unlockAudio();
    if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
  }
  function notify(title, body, cid) {
    if (!S.alerts || !('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(title, { body, tag: 'kd-' + cid });
      n.onclick = () => { window.focus(); showView('desk'); focusQueueItem(cid); n.close(); };
    } catch (e) { /* some platforms only allow notifications from a service worker */ }
  }
  function renderAlerts() {
    const b = $('alerts-toggle');
    b.setAttribute('aria-pressed', String(S.alerts));
    b.textContent = S.alerts ? 'Alerts on' : 'Alerts off';
  }

  // ---------- sign-in ----------
  async function login(ev) {
    ev.preventDefault();
    askNotifications(); // a user gesture: the right moment to ask
    const id = $('login-id').value.trim(), password = $('login-password').value, err = $('login-error');
    err.hidden = true;
    if (!id || !password) return showLoginError('Enter your agent ID and password.');
    const btn = $('login-submit');
    btn.disabled = true;
    btn.textContent = 'Signing in…';
    try {
      const res = await fetch('/api/agents/login', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ agent_id: id, password }),
      });
      const body = await res.json().catch(() => ({}));
      if (res.status === 401) return showLoginError('That agent ID and password don’t match. Please try again.');
      if (!res.ok || !body.token) return showLoginError(body.message || 'Sign-in failed (HTTP ' + res.status + ').');
      sessionStorage.setItem('kd.token', body.token);
      sessionStorage.setItem('kd.agent', JSON.stringify(body.agent));
      $('login-password').value = '';
      start(body.token, body.agent);
    } catch (e) {
      showLoginError('Can’t reach the Kindred Desk service. Check your connection and try again.');
    } finally {
      btn.disabled = false;
      btn.textContent = 'Sign in';
    }
  }
  function showLoginError(text) {
    const err = $('login-error');
    err.textContent = text;
    err.hidden = false;
  }
  function start(token, agent) {
    S.token = token;
    S.agent = agent;
    $('login-view').hidden = true;
    $('app').hidden = false;
    renderIdentity();
    connect();
  }
  function signOut(message) {
    S.token = null;
    S.ready = false;
    sessionStorage.removeItem('kd.token');
    sessionStorage.removeItem('kd.agent');
    sessionStorage.removeItem('kd.watching');
    clearTimeout(S.retryTimer);
    stopPing();
    if (S.ws) { const ws = S.ws; S.ws = null; ws.close(1000, 'sign out'); }
    for (const cid of [...S.tabs.keys()]) removeTab(cid);
    Object.assign(S, { queue: [], queueSeen: null, agent: null, active: null });
    S.offers.clear();
    renderQueue();
    $('app').hidden = true;
    $('login-view').hidden = false;
    if (message) showLoginError(message); else $('login-error').hidden = true;
    $('login-id').focus();
  }
  KD.signOut = signOut;

  function renderIdentity() {
    const a = S.agent || {};
    $('agent-name').textContent = a.name || a.id || '';
    $('agent-meta').textContent = [a.team, a.role === 'supervisor' ? 'Supervisor' : 'Agent'].filter(Boolean).join(' · ');
    const sup = a.role === 'supervisor';
    $('view-nav').hidden = !sup;
    if (!sup && S.view !== 'desk') showView('desk');
  }
  function setStatus(status) {
    S.status = status;
    const b = $('presence');
    b.dataset.status = status;
    b.setAttribute('aria-pressed', String(status === 'online'));
    $('presence-label').textContent = status === 'online' ? 'Online' : status === 'away' ? 'Away' : humanize(status);
    b.title = status === 'online' ? 'You receive offers. Click to go away.' : 'You receive no offers. Click to go online.';
  }

  // ---------- the socket ----------
  function connect() {
    clearTimeout(S.retryTimer);
    if (!S.token) return;
    setConn('connecting', 'Connecting…');
    let ws;
    try { ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/agent'); } catch (e) { return reconnectLater(); }
    S.ws = ws;
    S.ready = false;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token: S.token }));
    ws.onmessage = (ev) => {
      if (ws !== S.ws) return;
      let frame;
      try { frame = JSON.parse(ev.data); } catch (e) { return; }
      try { dispatch(frame); } catch (e) { console.error('frame failed', frame.type, e); }
    };
    ws.onclose = (ev) => {
      if (ws !== S.ws) return;
      S.ws = null;
      S.ready = false;
      stopPing();
      if (!S.token) return;
      if (ev.code === 4401) return signOut('Your session has ended. Please sign in again.');
      reconnectLater();
    };
  }
  function reconnectLater() {
    const delay = Math.min(30, 2 ** S.attempt) * (0.8 + Math.random() * 0.4);
    S.attempt += 1;
    S.retryAt = Date.now() + delay * 1000;
    S.retryTimer = setTimeout(connect, delay * 1000);
    setConn('offline');
  }
  function setConn(state, text) {
    const pill = $('conn');
    pill.dataset.state = state;
    pill.textContent = text || (state === 'online' ? 'Connected' : 'Reconnecting…');
    $('conn-banner').hidden = state !== 'offline';
    updateBanner();
  }
  function updateBanner() {
    if ($('conn-banner').hidden) return;
    const left = Math.max(0, Math.ceil((S.retryAt - Date.now()) / 1000));
    $('conn-text').textContent = left ? `Connection lost. Reconnecting in ${left} s…` : 'Connection lost. Reconnecting…';
  }
  function send(frame) {
    if (!S.ws || !S.ready || S.ws.readyState !== WebSocket.OPEN) return false;
    S.ws.send(JSON.stringify(frame));
    return true;
  }
  function sendOrWarn(frame) {
    if (send(frame)) return true;
    toast('You’re offline right now. Try again once the console has reconnected.');
    return false;
  }
  KD.send = sendOrWarn;
  function startPing() {
    stopPing();
    S.pingTimer = setInterval(() => {
      if (S.pongDue && Date.now() > S.pongDue) { S.ws && S.ws.close(4000, 'no pong'); return; }
      if (!S.pongDue && send({ type: 'ping' })) S.pongDue = Date.now() + 10000;
    }, 20000);
  }
  function stopPing() { clearInterval(S.pingTimer); S.pongDue = 0; }

  function dispatch(f) {
    switch (f.type) {
      case 'welcome': return onWelcome(f);
      case 'queue': return onQueue(f.items || []);
      case 'offer': return onOffer(f);
      case 'offer_withdrawn': S.offers.delete(f.conversation_id); return renderQueue();
      case 'conversation': return onConversation(f);
      case 'entry': { const tab = S.tabs.get(f.conversation_id); return tab && addEntry(tab, f, true); }
      case 'conversation_update': return onUpdate(f);
      case 'released': return onReleased(f.conversation_id);
      case 'typing': return onTyping(f);
      case 'agents': return KD.supervisor && KD.supervisor.onAgents(f.agents || []);
      case 'presence': return setStatus(f.status);
      case 'ack': return onAck(f);
      case 'pong': S.pongDue = 0; return;
      case 'error': return onError(f);
    }
  }
  function onWelcome(f) {
    S.ready = true;
    S.attempt = 0;
    S.agent = Object.assign({}, S.agent, f.agent);
    sessionStorage.setItem('kd.agent', JSON.stringify(S.agent));
    S.canned = f.canned || [];
    setStatus(f.status || 'online');
    renderIdentity();
    setConn('online');
    startPing();
    // Offers may have been withdrawn while we were away; the server re-sends the ones still pending.
    S.offersBefore = S.offers;
    S.offers = new Map();
    renderQueue();
    S.openFifo = [];
    for (const tab of S.tabs.values()) {
      fillCanned(tab);
      if (tab.mode === 'ended') continue;
      send({ type: 'open', conversation_id: tab.id, last_seen: tab.lastId });
      S.openFifo.push(tab.id);
      for (const [clientId, p] of tab.pending) send({ type: 'message', conversation_id: tab.id, text: p.text, client_id: clientId });
    }
    for (const cid of savedWatching()) { // after a reload: observer tabs come back, in the background
      if (S.tabs.has(cid)) continue;
      send({ type: 'open', conversation_id: cid, last_seen: 0 });
      S.openFifo.push(cid);
    }
    if (KD.supervisor) KD.supervisor.onWelcome(S.agent);
  }
  function onError(f) {
    if (f.ref === 'open' && S.openFifo.length) { // a tab we re-opened after a reconnect is no longer ours
      const cid = S.openFifo.shift(), tab = S.tabs.get(cid);
      if (tab && (f.code === 'forbidden' || f.code === 'not_found')) return setMode(tab, 'ended', 'This conversation is no longer available to you.');
      if (!tab) return saveWatching(); // a restored observer tab whose conversation is gone: forget it quietly
    }
    toast(f.message || 'Something went wrong.');
    if (f.ref === 'message') { // the refused reply is not acknowledged: show it as not sent
      for (const t of S.tabs.values()) {
        for (const [id, p] of t.pending) {
          if (f.client_id && id !== f.client_id) continue; // the server names the refused reply
          p.el.lastChild.textContent = 'Not sent'; p.el.classList.add('failed'); t.pending.delete(id);
        }
      }
    }
    if (f.ref === 'claim' || f.ref === 'transfer') S.focusNext = null;
    if (['hand_back', 'close', 'transfer'].includes(f.ref)) { S.closing.clear(); for (const t of S.tabs.values()) renderControls(t); }
  }

  // ---------- queue and offers ----------
  function onQueue(items) {
    const fresh = S.queueSeen ? items.filter((i) => !S.queueSeen.has(i.conversation_id)) : [];
    S.queue = items.slice().sort((a, b) => (b.priority || 0) - (a.priority || 0));
    S.queueAt = performance.now();
    S.queueSeen = new Set(items.map((i) => i.conversation_id));
    renderQueue();
    for (const item of fresh) {
      if (S.offers.has(item.conversation_id)) continue;
      chime('queue');
      notify('New in the queue: ' + nameOf(item), reasonLabel(item.reason) + ' · ' + (SKILLS[item.skill] || item.skill || ''), item.conversation_id);
    }
  }
  function onOffer(f) {
    let left = f.deadline - Date.now() / 1000;
    if (!(left > 0 && left < 600)) left = 30; // clocks disagree: count from receipt
    const known = S.offers.get(f.conversation_id) || (S.offersBefore && S.offersBefore.get(f.conversation_id));
    S.offers.set(f.conversation_id, { until: performance.now() + left * 1000, summary: f.summary || {}, deadline: f.deadline });
    renderQueue();
    if (known && known.deadline === f.deadline) return; // the same offer sent again (on connect): no second chime
    const s = f.summary || {};
    chime('offer');
    notify('Offered to you: ' + nameOf(s), reasonLabel(s.reason) + ' · accept within ' + Math.round(left) + ' s', f.conversation_id);
    announce('New conversation offered to you: ' + nameOf(s) + ', ' + reasonLabel(s.reason));
  }
  const nameOf = (s) => (s && (s.employee_name || s.employee_id)) || 'Employee';
  function queueItems() {
    const items = S.queue.map((i) => ({ ...i, _at: S.queueAt }));
    for (const [cid, o] of S.offers) { // an offer can arrive before the queue frame that lists it
      if (!items.some((i) => i.conversation_id === cid)) items.unshift({ ...o.summary, conversation_id: cid, waiting_s: null });
    }
    return items;
  }
  function renderQueue() {
    const list = $('queue-list'), focused = document.activeElement;
    const refocus = focused && list.contains(focused) ? [focused.closest('[data-conversation-id]')?.dataset.conversationId, focused.dataset.testid] : null;
    const items = queueItems();
    list.replaceChildren(...items.map(queueItem));
    $('queue-count').textContent = String(items.length);
    $('queue-empty').hidden = items.length > 0;
    if (refocus) list.querySelector(`[data-conversation-id="${CSS.escape(refocus[0] || '')}"] [data-testid="${refocus[1]}"]`)?.focus();
    tick();
    KD.supervisor && KD.supervisor.onQueue(items);
  }
  function queueItem(item) {
    const cid = item.conversation_id, offer = S.offers.get(cid), me = S.agent || {};
    const canClaim = me.role === 'supervisor' || !item.skill || (me.skills || []).includes(item.skill);
    const btn = (testid, label, cls, onclick, extra) => h('button', { type: 'button', class: 'btn btn-small ' + cls, testid, onclick, ...extra }, label);
    const claim = btn('kd-claim', 'Claim', offer ? 'btn-quiet' : 'btn-primary', () => claimIt(cid),
      { disabled: !canClaim, title: canClaim ? null : 'Needs the ' + (SKILLS[item.skill] || item.skill) + ' skill' });
    const li = h('li', { class: 'qitem' + (offer ? ' offered' : ''), testid: 'kd-queue-item', 'data-conversation-id': cid, 'data-reason': item.reason || '' },
      offer ? h('div', { class: 'offer' }, h('span', { class: 'offer-label' }, 'Offered to you'),
        h('span', { class: 'countdown', 'data-until': offer.until })) : null,
      h('div', { class: 'qrow' }, h('span', { class: 'qname', title: item.employee_id || '' }, nameOf(item)),
        h('span', { class: 'wait', 'data-waiting': item.waiting_s ?? '', 'data-at': item._at || 0, title: 'Waiting time' })),
      h('div', { class: 'qrow qmeta' }, reasonBadge(item.reason), h('span', { class: 'skill' }, SKILLS[item.skill] || item.skill || '—'), distressMeter(item.distress)),
      h('div', { class: 'qactions' },
        offer ? [btn('kd-accept', 'Accept', 'btn-primary', () => claimIt(cid)), btn('kd-decline', 'Decline', '', () => decline(cid))] : null,
        claim, me.role === 'supervisor' ? btn(null, 'View', 'btn-quiet', () => openAsObserver(cid), { title: 'Open without claiming' }) : null));
    li.style.setProperty('--distress', distressColour(item.distress));
    return li;
  }
  function claimIt(cid) {
    if (S.tabs.has(cid) && S.tabs.get(cid).mode === 'owner') return activate(cid);
    if (sendOrWarn({ type: 'claim', conversation_id: cid })) S.focusNext = cid;
  }
  function decline(cid) {
    if (sendOrWarn({ type: 'decline', conversation_id: cid })) { S.offers.delete(cid); renderQueue(); }
  }
  function openAsObserver(cid) {
    if (S.tabs.has(cid)) return activate(cid);
    if (sendOrWarn({ type: 'open', conversation_id: cid, last_seen: 0 })) S.focusNext = cid;
  }
  function focusQueueItem(cid) {
    $('queue-list').querySelector(`[data-conversation-id="${CSS.escape(cid)}"] button:not([disabled])`)?.focus();
  }
  function tick() { // live waiting times and offer countdowns, without re-rendering
    const now = performance.now();
    const stale = [...S.offers].filter(([, o]) => now - o.until > 5000); // lapsed while we were offline
    if (stale.length) { stale.forEach(([cid]) => S.offers.delete(cid)); return renderQueue(); }
    for (const el of document.querySelectorAll('#queue-list .wait')) {
      const base = el.dataset.waiting;
      el.textContent = base === '' ? 'new' : mmss(Number(base) + (now - Number(el.dataset.at)) / 1000);
    }
    for (const el of document.querySelectorAll('#queue-list .countdown')) {
      const left = (Number(el.dataset.until) - now) / 1000;
      el.textContent = left > 0 ? mmss(left) + ' left' : 'expired';
      el.classList.toggle('urgent', left < 10);
    }
    updateBanner();
  }

  // ---------- tabs ----------
  function onConversation(f) {
    const cid = f.conversation_id;
    const i = S.openFifo.indexOf(cid);
    if (i >= 0) S.openFifo.splice(i, 1);
    S.offers.delete(cid);
    let tab = S.tabs.get(cid);
    const isNew = !tab;
    if (isNew) tab = KD.buildTab(cid);
    else if (tab.mode === 'ended') tab.mode = null; // claimed or transferred back: follow it again
    if (f.summary) { tab.summary = f.summary; tab.name = nameOf(f.summary); }
    if ('escalation' in f) tab.escalation = f.escalation;
    for (const e of f.transcript || []) addEntry(tab, e, false);
    if (isNew) {
      S.tabs.set(cid, tab);
      $('tablist').append(tab.tabWrap);
    }
    refreshTab(tab);
    KD.renderInsights(tab);
    if (isNew && tab.mode === 'owner' && S.focusNext !== cid) { chime('offer'); toast('New conversation: ' + tab.name, 'info'); }
    if (S.focusNext === cid || !S.active) { const focus = S.focusNext === cid; S.focusNext = null; activate(cid, focus); }
    renderQueue();
  }
  function onUpdate(f) {
    const tab = S.tabs.get(f.conversation_id);
    if (!tab || !f.summary) return;
    tab.summary = f.summary;
    refreshTab(tab);
  }
  function onReleased(cid) {
    const tab = S.tabs.get(cid);
    if (!tab) return;
    const mine = S.closing.get(cid);
    S.closing.delete(cid);
    if (mine) { toast(mine, 'info'); return removeTab(cid); }
    setMode(tab, 'ended', releasedText(tab.summary));
  }
  function releasedText(s) {
    s = s || {};
    if (s.state === 'bot') return 'Handed back to the assistant.';
    if (s.state === 'closed') return 'This conversation has ended.';
    if (s.state === 'queued') return 'Returned to the queue.';
    if (s.state === 'with_agent' && s.agent) return 'Transferred to ' + s.agent.name + '.';
    return 'You no longer have this conversation.';
  }
  function refreshTab(tab) {
    const s = tab.summary || {}, me = S.agent || {};
    tab.name = nameOf(s);
    if (tab.mode !== 'ended') {
      const mine = s.agent && s.agent.id === me.id && s.state === 'with_agent';
      if (mine) setMode(tab, 'owner');
      else if (s.state === 'closed') setMode(tab, 'ended', releasedText(s));
      else if (me.role === 'supervisor') setMode(tab, 'observer', s.agent ? 'You are observing: ' + s.agent.name + ' has this conversation. Your notes are private to agents.' : 'You are observing this conversation. Claim it from the queue to reply.');
      else setMode(tab, 'ended', releasedText(s));
    }
    KD.renderHeader(tab);
    renderTabLabel(tab);
  }
  function saveWatching() { // a supervisor's observer tabs survive a reload (the server reopens only held ones)
    sessionStorage.setItem('kd.watching', JSON.stringify([...S.tabs.values()].filter((t) => t.mode === 'observer').map((t) => t.id)));
  }
  function savedWatching() {
    try { const ids = JSON.parse(sessionStorage.getItem('kd.watching') || '[]'); return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string') : []; } catch (e) { return []; }
  }
  function setMode(tab, mode, banner) {
    tab.mode = mode;
    if (S.tabs.has(tab.id)) saveWatching();
    tab.banner.hidden = !banner;
    tab.bannerText.textContent = banner || '';
    tab.banner.dataset.mode = mode;
    tab.closeTabBtn.hidden = mode === 'owner';
    if (mode === 'ended') tab.typing.hidden = true;
    renderControls(tab);
    renderTabLabel(tab);
  }
  function renderControls(tab) {
    const owner = tab.mode === 'owner', busy = S.closing.has(tab.id);
    for (const el of [tab.reply, tab.sendBtn, tab.canned, tab.transferInput, tab.transferBtn, tab.handBackBtn, tab.closeBtn]) el.disabled = !owner || busy;
    // The employee ended the chat while it was ours: the escalation can still be labelled (once).
    const s = tab.summary || {}, labelable = tab.mode === 'ended' && s.state === 'closed' && s.agent && S.agent && s.agent.id === S.agent.id && !tab.labelled;
    tab.closeBtn.disabled = !(owner || labelable) || busy;
    tab.closeBtn.textContent = labelable ? 'Label this chat' : 'Close';
    tab.composer.classList.toggle('disabled', !owner);
    tab.reply.placeholder = owner ? 'Write a reply…' : 'Replies are off: you don’t have this conversation.';
    const notes = tab.mode !== 'ended';
    tab.noteInput.disabled = !notes;
    tab.noteBtn.disabled = !notes;
  }
  function renderTabLabel(tab) {
    tab.tabName.textContent = tab.name || 'Conversation';
    tab.tabUnread.textContent = tab.unread ? String(tab.unread) : '';
    tab.tabUnread.hidden = !tab.unread;
    tab.tabEl.setAttribute('aria-label', (tab.name || 'Conversation') + (tab.unread ? `, ${tab.unread} unread` : '') + (tab.mode === 'ended' ? ', ended' : ''));
    tab.tabWrap.classList.toggle('ended', tab.mode === 'ended');
    tab.tabDot.style.background = distressColour((tab.summary || {}).distress);
    updateTitle();
  }
  function updateTitle() {
    let unread = 0;
    for (const t of S.tabs.values()) unread += t.unread;
    document.title = (unread ? `(${unread}) ` : '') + 'Kindred Desk';
  }
  function activate(cid, focusReply) {
    const tab = S.tabs.get(cid);
    if (!tab) return;
    const prev = S.tabs.get(S.active);
    if (prev && prev !== tab) { prev.scroll = prev.transcript.scrollTop; prev.panel.remove(); }
    for (const t of S.tabs.values()) {
      const on = t === tab;
      t.tabEl.setAttribute('aria-selected', String(on));
      t.tabEl.tabIndex = on ? 0 : -1;
      t.tabWrap.classList.toggle('active', on);
    }
    S.active = cid;
    if (!tab.panel.isConnected) $('panel-host').append(tab.panel);
    $('no-tabs').hidden = true;
    tab.transcript.scrollTop = tab.atBottom ? tab.transcript.scrollHeight : tab.scroll ?? 0;
    tab.unread = 0;
    renderTabLabel(tab);
    if (S.view !== 'desk') showView('desk');
    if (focusReply && !tab.reply.disabled) tab.reply.focus();
  }
  function removeTab(cid) {
    const tab = S.tabs.get(cid);
    if (!tab) return;
    clearTimeout(tab.typingTimer);
    const order = [...S.tabs.keys()], idx = order.indexOf(cid);
    tab.tabWrap.remove();
    tab.panel.remove();
    S.tabs.delete(cid);
    saveWatching();
    if (S.active === cid) {
      S.active = null;
      const next = order[idx + 1] || order[idx - 1];
      if (next && S.tabs.has(next)) activate(next); else $('no-tabs').hidden = false;
    }
    updateTitle();
  }
  function tabKeys(ev) {
    const ids = [...S.tabs.keys()], i = ids.indexOf(ev.currentTarget.dataset.conversationId);
    let j = null;
    if (ev.key === 'ArrowRight') j = (i + 1) % ids.length;
    else if (ev.key === 'ArrowLeft') j = (i - 1 + ids.length) % ids.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = ids.length - 1;
    if (j === null) return;
    ev.preventDefault();
    activate(ids[j]);
    S.tabs.get(ids[j]).tabEl.focus();
  }
  Object.assign(KD, { activate, removeTab, tabKeys, setMode, renderControls, claimIt, openAsObserver, toast, nameOf });

  // ---------- transcript ----------
  function addEntry(tab, e, live) {
    if (tab.ids.has(e.id)) return;
    tab.ids.add(e.id);
    tab.lastId = Math.max(tab.lastId, e.id);
    if (e.kind === 'tone') { tab.tones.push(e); if (live) KD.renderToneChart(tab); return; }
    const el = KD.renderEntry(tab, e);
    let after = tab.transcript.lastElementChild;
    while (after && (after.classList.contains('pending') || Number(after.dataset.id) > e.id)) after = after.previousElementSibling;
    if (after) after.after(el); else tab.transcript.prepend(el);
    if (e.kind === 'note') KD.listNote(tab, e);
    if (e.kind === 'agent' && e.author === (S.agent || {}).name) {
      for (const [clientId, p] of tab.pending) if (p.text.trim() === e.text.trim()) { p.el.remove(); tab.pending.delete(clientId); break; }
    }
    if (tab.atBottom) tab.transcript.scrollTop = tab.transcript.scrollHeight;
    if (!live) return;
    if (e.kind === 'employee') { tab.typing.hidden = true; }
    const visible = S.active === tab.id && S.view === 'desk' && !document.hidden;
    if (['employee', 'system', 'rating'].includes(e.kind) && !visible) { tab.unread += 1; renderTabLabel(tab); }
    if (S.active === tab.id && e.kind !== 'note' && e.author !== (S.agent || {}).name) announce(KD.entrySpeech(tab, e));
  }
  function onAck(f) {
    const tab = S.tabs.get(f.conversation_id);
    const p = tab && f.client_id && tab.pending.get(f.client_id);
    if (!p) return;
    tab.pending.delete(f.client_id);
    p.el.remove(); // the entry itself arrives (or arrived) as an `entry` frame
  }
  function onTyping(f) {
    const tab = S.tabs.get(f.conversation_id);
    if (!tab || tab.mode === 'ended') return;
    clearTimeout(tab.typingTimer);
    tab.typing.textContent = f.active ? (f.who === 'employee' ? 'Employee is typing…' : (f.name || 'Another agent') + ' is typing…') : '';
    tab.typing.hidden = !f.active;
    if (f.active) tab.typingTimer = setTimeout(() => { tab.typing.hidden = true; }, 8000);
  }

  // ---------- composing ----------
  const bytes = (s) => new TextEncoder().encode(s).length;
  function sendReply(tab) {
    const text = tab.reply.value;
    if (!text.trim() || tab.mode !== 'owner') return;
    if (bytes(text) > 4096) return toast('That message is too long. Please split it up.');
    const clientId = 'a-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8);
    const el = h('li', { class: 'entry entry-agent pending', 'aria-hidden': 'true' },
      h('div', { class: 'bubble' }, h('p', { class: 'text' }, text)), h('div', { class: 'entry-meta' }, 'Sending…'));
    tab.transcript.append(el);
    tab.atBottom = true;
    tab.transcript.scrollTop = tab.transcript.scrollHeight;
    tab.pending.set(clientId, { text, el });
    send({ type: 'message', conversation_id: tab.id, text, client_id: clientId }); // resent on reconnect
    if (tab.lastTypingSent) send({ type: 'typing', conversation_id: tab.id, active: false });
    tab.lastTypingSent = 0;
    tab.reply.value = '';
    autosize(tab.reply);
  }
  function onReplyInput(tab) {
    autosize(tab.reply);
    const now = Date.now(), empty = !tab.reply.value.trim();
    if (!empty && now - tab.lastTypingSent > 2000) { if (send({ type: 'typing', conversation_id: tab.id, active: true })) tab.lastTypingSent = now; }
    else if (empty && tab.lastTypingSent) { send({ type: 'typing', conversation_id: tab.id, active: false }); tab.lastTypingSent = 0; }
  }
  function autosize(ta) {
    ta.style.height = 'auto';
    ta.style.height = Math.min(ta.scrollHeight + 2, 200) + 'px';
  }
  function insertCanned(tab) {
    const item = S.canned.find((c) => c.id === tab.canned.value);
    tab.canned.value = '';
    if (!item) return;
    const ta = tab.reply, start = ta.selectionStart ?? ta.value.length, end = ta.selectionEnd ?? ta.value.length;
    const before = ta.value.slice(0, start), sep = before && !/\s$/.test(before) ? ' ' : '';
    ta.value = before + sep + item.text + ta.value.slice(end);
    const caret = (before + sep + item.text).length;
    ta.focus();
    ta.setSelectionRange(caret, caret);
    onReplyInput(tab);
  }
  function fillCanned(tab) {
    tab.canned.replaceChildren(h('option', { value: '' }, 'Canned responses…'),
      ...S.canned.map((c) => h('option', { value: c.id, title: c.text }, c.title)));
  }
  function submitNote(tab) {
    const text = tab.noteInput.value.trim();
    if (!text) return;
    if (bytes(text) > 4096) return toast('That note is too long.');
    if (sendOrWarn({ type: 'note', conversation_id: tab.id, text })) tab.noteInput.value = '';
  }
  function transfer(tab) {
    const raw = tab.transferInput.value.trim(), key = raw.toLowerCase().replace(/\s*queue$/, '');
    if (!raw) { tab.transferInput.focus(); return toast('Enter an agent ID or a queue (hr, payroll, it) to transfer to.'); }
    const frame = { type: 'transfer', conversation_id: tab.id };
    if (SKILLS[key]) frame.to_skill = key;
    else if (/^[A-Za-z0-9_.:-]{1,128}$/.test(raw)) frame.to_agent = raw;
    else return toast('That isn’t a valid agent ID.');
    if (frame.to_agent === (S.agent || {}).id) return toast('You already have this conversation.');
    if (!sendOrWarn(frame)) return;
    S.closing.set(tab.id, frame.to_skill ? `Sent back to the ${SKILLS[key]} queue.` : `Transferred to ${raw}.`);
    tab.transferInput.value = '';
    renderControls(tab);
  }
  Object.assign(KD, { sendReply, onReplyInput, insertCanned, fillCanned, submitNote, transfer });

  // ---------- views ----------
  function showView(view) {
    if (view === 'supervisor' && (S.agent || {}).role !== 'supervisor') view = 'desk';
    S.view = view;
    $('desk-view').hidden = view !== 'desk';
    $('sup-view').hidden = view !== 'supervisor';
    (view === 'desk' ? $('queue-slot-desk') : $('queue-slot-sup')).append($('queue-panel'));
    for (const b of document.querySelectorAll('#view-nav button')) b.setAttribute('aria-current', String(b.dataset.view === view));
    if (view === 'supervisor' && KD.supervisor) KD.supervisor.show();
    if (view === 'desk' && S.active) { const t = S.tabs.get(S.active); t.unread = 0; renderTabLabel(t); }
  }

  // ---------- boot ----------
  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', () => signOut());
    $('presence').addEventListener('click', () => sendOrWarn({ type: 'presence', status: S.status === 'online' ? 'away' : 'online' }));
    $('alerts-toggle').addEventListener('click', () => { S.alerts = !S.alerts; localStorage.setItem('kd.alerts', S.alerts ? '1' : '0'); askNotifications(); renderAlerts(); });
    $('retry-now').addEventListener('click', () => { S.attempt = 0; connect(); });
    for (const b of document.querySelectorAll('#view-nav button')) b.addEventListener('click', () => showView(b.dataset.view));
    document.addEventListener('pointerdown', unlockAudio, { once: true });
    document.addEventListener('keydown', unlockAudio, { once: true });
    document.addEventListener('visibilitychange', () => {
      if (document.hidden || !S.active) return;
      const t = S.tabs.get(S.active);
      if (t && S.view === 'desk') { t.unread = 0; renderTabLabel(t); }
    });
    window.addEventListener('online', () => { if (S.token && !S.ws) { S.attempt = 0; connect(); } });
    S.alerts = localStorage.getItem('kd.alerts') !== '0';
    renderAlerts();
    if (KD.supervisor) KD.supervisor.init();
    setInterval(tick, 1000);
    const token = sessionStorage.getItem('kd.token');
    let agent = null;
    try { agent = JSON.parse(sessionStorage.getItem('kd.agent') || 'null'); } catch (e) { agent = null; }
    if (token && agent) start(token, agent); else $('login-id').focus();
  });
})();
