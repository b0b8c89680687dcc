/* Kindred Desk agent console, part 2: the conversation panel (layout, transcript entries, tone chart,
   escalation / employee / slots / notes panels) and the supervisor view (agents' load, statistics
   dashboard with SVG charts). Loaded after console.js, which owns the state and the socket. */
'use strict';
(function () {
  const KD = window.KD;
  const { h, svg, fill, $, humanize, reasonLabel, reasonClass, pct, clamp01, SKILLS } = KD;

  const TONES = {
    neutral: '#6b7385', positive: '#2e7d32', confused: '#4f5bd5', frustrated: '#c77700',
    angry: '#c62828', anxious: '#8e44ad', sad: '#1e6fb8',
  };
  const toneColour = (label) => TONES[label] || '#6b7385';
  const STATES = { bot: 'With the assistant', offered: 'Person offered', queued: 'Waiting in queue', with_agent: 'With a person', closed: 'Closed' };
  const QUEUED_CAUSES = { transfer: 'transferred', disconnected: 'the agent lost connection', no_reply: 'no reply in time' };
  const section = (title, ...body) => h('section', { class: 'card' }, h('h3', { class: 'card-title' }, title), ...body);
  const dl = (rows) => h('dl', { class: 'facts' }, rows.filter((r) => r && r[1] !== null && r[1] !== undefined && r[1] !== '')
    .map(([k, v]) => h('div', { class: 'fact' }, h('dt', {}, k), h('dd', {}, v instanceof Node ? v : String(v)))));
  const noteAuthor = (a) => (a === 'assistant' ? 'Assistant' : a === (KD.state.agent || {}).id ? 'You' : a || 'Agent');
  function timeEl(at) {
    const d = new Date(at * 1000);
    return h('time', { datetime: d.toISOString(), title: d.toLocaleString() }, KD.timeOf(at));
  }
  function fmtValue(v) {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v === 'boolean') return v ? 'Yes' : 'No';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
    if (Array.isArray(v)) return v.length ? v.map(fmtValue).join(', ') : '—';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }
  function fmtDate(iso) {
    if (!iso) return '—';
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso + 'T00:00:00' : iso);
    return isNaN(d) ? String(iso) : d.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
  }

  // ---------- the conversation panel ----------
  KD.buildTab = function (cid) {
    const tab = {
      id: cid, summary: {}, escalation: null, ids: new Set(), lastId: 0, tones: [], unread: 0, pending: new Map(),
      mode: null, lastTypingSent: 0, typingTimer: null, scroll: null, name: '',
    };
    const safe = cid.replace(/[^A-Za-z0-9_-]/g, '_');
    tab.tabName = h('span', { class: 'tab-name' });
    tab.tabUnread = h('span', { class: 'unread', hidden: true, 'aria-hidden': 'true' });
    tab.tabDot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    tab.tabEl = h('button', {
      type: 'button', role: 'tab', class: 'tab', id: 'tab-' + safe, testid: 'kd-tab', 'data-conversation-id': cid,
      'aria-controls': 'panel-' + safe, 'aria-selected': 'false', tabindex: '-1', onclick: () => KD.activate(cid), onkeydown: KD.tabKeys,
    }, tab.tabDot, tab.tabName, tab.tabUnread);
    tab.closeTabBtn = h('button', { type: 'button', class: 'tab-close', 'aria-label': 'Close tab', title: 'Close tab', hidden: true, onclick: () => KD.removeTab(cid) }, '×');
    tab.tabWrap = h('div', { class: 'tab-wrap', role: 'presentation' }, tab.tabEl, tab.closeTabBtn);

    tab.head = h('div', { class: 'conv-title' });
    tab.transferInput = h('input', {
      type: 'text', class: 'input input-small', testid: 'kd-transfer-target', list: 'transfer-targets', autocomplete: 'off',
      placeholder: 'Agent ID or queue', 'aria-label': 'Transfer to: an agent ID, or a queue (hr, payroll, it)',
      onkeydown: (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); KD.transfer(tab); } },
    });
    tab.transferBtn = h('button', { type: 'button', class: 'btn', testid: 'kd-transfer', onclick: () => KD.transfer(tab) }, 'Transfer');
    tab.handBackBtn = h('button', { type: 'button', class: 'btn', testid: 'kd-hand-back', onclick: () => KD.openLabelDialog(tab, 'hand_back') }, 'Hand back to bot');
    tab.closeBtn = h('button', { type: 'button', class: 'btn btn-danger', testid: 'kd-close', onclick: () => KD.openLabelDialog(tab, 'close') }, 'Close');
    tab.bannerText = h('span', {});
    tab.banner = h('div', { class: 'conv-banner', role: 'status', hidden: true }, tab.bannerText);

    tab.transcript = h('ol', { class: 'transcript', testid: 'kd-transcript', 'aria-label': 'Transcript', tabindex: '0' });
    tab.atBottom = true; // follow new entries (and layout changes) unless the agent has scrolled up
    tab.transcript.addEventListener('scroll', () => {
      const t = tab.transcript;
      if (t.isConnected && t.clientHeight) tab.atBottom = t.scrollHeight - t.scrollTop - t.clientHeight < 40;
    });
    if (window.ResizeObserver) new ResizeObserver(() => { if (tab.atBottom) tab.transcript.scrollTop = tab.transcript.scrollHeight; }).observe(tab.transcript);
    tab.typing = h('div', { class: 'typing', testid: 'kd-typing', hidden: true });
    tab.canned = h('select', { class: 'select', testid: 'kd-canned', 'aria-label': 'Insert a canned response', onchange: () => KD.insertCanned(tab) });
    KD.fillCanned(tab);
    tab.reply = h('textarea', {
      class: 'reply', testid: 'kd-reply', rows: '2', 'aria-label': 'Reply to the employee', maxlength: '4096',
      oninput: () => KD.onReplyInput(tab),
      onkeydown: (ev) => { if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); KD.sendReply(tab); } },
    });
    tab.sendBtn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'kd-send' }, 'Send');
    tab.composer = h('form', { class: 'composer', onsubmit: (ev) => { ev.preventDefault(); KD.sendReply(tab); } },
      h('div', { class: 'composer-row' }, tab.reply, tab.sendBtn),
      h('div', { class: 'composer-tools' }, tab.canned, h('span', { class: 'hint' }, 'Enter to send · Shift+Enter for a new line')));

    tab.toneHost = h('div', { class: 'tone', testid: 'kd-tone-chart' });
    tab.escHost = h('div', { class: 'esc', testid: 'kd-escalation' });
    tab.empHost = h('div', { class: 'emp', testid: 'kd-employee' });
    tab.slotsHost = h('div', { testid: 'kd-slots' });
    tab.noteList = h('ul', { class: 'notes-list' });
    tab.noteEmpty = h('p', { class: 'muted small' }, 'No notes yet. Notes are never shown to the employee.');
    tab.noteInput = h('textarea', {
      class: 'note-input', testid: 'kd-note-input', rows: '2', placeholder: 'Add a private note…', 'aria-label': 'Private note', maxlength: '4096',
      onkeydown: (ev) => { if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); KD.submitNote(tab); } },
    });
    tab.noteBtn = h('button', { type: 'button', class: 'btn btn-small', testid: 'kd-add-note', onclick: () => KD.submitNote(tab) }, 'Add note');

    tab.panel = h('section', { class: 'conv', role: 'tabpanel', id: 'panel-' + safe, 'aria-labelledby': 'tab-' + safe, testid: 'kd-conversation', 'data-conversation-id': cid },
      h('header', { class: 'conv-head' }, tab.head,
        h('div', { class: 'conv-actions' },
          h('div', { class: 'transfer', role: 'group', 'aria-label': 'Transfer' }, tab.transferInput, tab.transferBtn), tab.handBackBtn, tab.closeBtn)),
      tab.banner,
      h('div', { class: 'conv-body' },
        h('div', { class: 'chat' }, tab.transcript, tab.typing, tab.composer),
        h('aside', { class: 'side', 'aria-label': 'Conversation context' },
          section('Tone over the conversation', tab.toneHost),
          section('Why a person was brought in', tab.escHost),
          section('Employee', tab.empHost),
          section('Details the assistant gathered', tab.slotsHost),
          section('Private notes', h('div', { class: 'notes', testid: 'kd-notes' }, tab.noteList, tab.noteEmpty,
            h('div', { class: 'note-add' }, tab.noteInput, tab.noteBtn))))));
    return tab;
  };

  KD.renderHeader = function (tab) {
    const s = tab.summary || {};
    const state = s.state === 'with_agent' && s.agent ? 'With ' + s.agent.name : STATES[s.state] || humanize(s.state || '');
    fill(tab.head,
      h('h2', { class: 'conv-name' }, tab.name),
      h('div', { class: 'conv-meta' },
        s.reason ? h('span', { class: 'badge reason reason-' + reasonClass(s.reason) }, reasonLabel(s.reason)) : null,
        h('span', { class: 'chip' }, SKILLS[s.skill] || s.skill || '—'),
        h('span', { class: 'chip chip-state', 'data-state': s.state || '' }, state),
        KD.distressMeter(s.distress),
        h('span', { class: 'muted small' }, s.employee_id || '')));
  };

  // ---------- transcript entries ----------
  function systemText(e) {
    const d = e.data || {};
    if (e.kind === 'rating') return `The employee rated this conversation ${d.score ?? '?'}/5` + (e.text ? `: “${e.text}”` : '.');
    switch (d.event) {
      case 'offered': return 'The assistant offered to bring in a person.';
      case 'offer_declined': return 'The offer of a person lapsed or was declined.';
      case 'queued': return 'Waiting for a person' + (d.reason ? ` (${QUEUED_CAUSES[d.reason] || reasonLabel(d.reason).toLowerCase()})` : '') + '.';
      case 'agent_joined': return `${d.agent || 'An agent'}${d.team ? ' (' + d.team + ')' : ''} joined the conversation.`;
      case 'handed_back': return `${d.agent || 'The agent'} handed back to the assistant` + (d.summary ? `: “${d.summary}”` : '.');
      case 'cancelled': return 'The employee stopped waiting.';
      case 'closed': return d.by === 'employee' ? 'The employee ended the conversation.' : 'The conversation was closed by the agent.';
      default: return e.text || humanize(d.event || 'update');
    }
  }
  function who(tab, e) {
    const me = KD.state.agent || {};
    switch (e.kind) {
      case 'employee': return [h('span', { class: 'who' }, tab.name || 'Employee')];
      case 'bot': return [h('span', { class: 'who' }, 'Assistant'), h('span', { class: 'badge badge-bot', 'aria-label': 'bot' }, 'Bot')];
      case 'agent': return [h('span', { class: 'who' }, e.author === me.name ? 'You' : e.author || 'Agent'),
        (e.data || {}).team ? h('span', { class: 'muted' }, e.data.team) : null];
      case 'note': return [h('span', { class: 'badge badge-note' }, 'Private note'), h('span', { class: 'who' }, noteAuthor(e.author))];
      default: return [h('span', { class: 'who' }, humanize(e.kind))];
    }
  }
  KD.renderEntry = function (tab, e) {
    const li = h('li', { class: 'entry entry-' + e.kind, testid: 'kd-entry', 'data-kind': e.kind, 'data-id': e.id });
    if (e.kind === 'system' || e.kind === 'rating') {
      li.append(h('div', { class: 'sys' }, h('span', {}, systemText(e)), ' ', timeEl(e.at)));
      return li;
    }
    const bubble = h('div', { class: 'bubble' }, h('p', { class: 'text' }, e.text));
    const buttons = ((e.data || {}).buttons || []).filter((b) => b && b.title);
    if (buttons.length) {
      bubble.append(h('div', { class: 'choices' }, h('span', { class: 'sr-only' }, 'Buttons offered: '),
        buttons.map((b) => h('span', { class: 'choice' }, b.title))));
    }
    li.append(h('div', { class: 'entry-meta' }, who(tab, e), timeEl(e.at)), bubble);
    return li;
  };
  KD.entrySpeech = function (tab, e) {
    if (e.kind === 'system' || e.kind === 'rating') return systemText(e);
    const name = e.kind === 'employee' ? tab.name || 'Employee' : e.kind === 'bot' ? 'Assistant' : e.author || 'Agent';
    return `${name}: ${e.text}`;
  };
  KD.listNote = function (tab, e) {
    tab.noteEmpty.hidden = true;
    tab.noteList.append(h('li', { class: 'note' },
      h('div', { class: 'entry-meta' }, h('span', { class: 'who' }, noteAuthor(e.author)), timeEl(e.at)), h('p', { class: 'text' }, e.text)));
    tab.noteList.scrollTop = tab.noteList.scrollHeight;
  };

  // ---------- insight panels ----------
  KD.renderInsights = function (tab) {
    KD.renderToneChart(tab);
    renderEscalation(tab);
    renderEmployee(tab);
    renderSlots(tab);
  };
  function tonePoints(tab) {
    const esc = tab.escalation || {}, timeline = Array.isArray(esc.tone_timeline) ? esc.tone_timeline : [];
    const points = timeline.map((p) => (Array.isArray(p) ? { label: p[0], distress: p[1] } : { label: p.tone || p.label, distress: p.distress, cues: p.cues }));
    const before = points.length;
    const cut = before && esc.at ? esc.at : -Infinity; // live readings from the handoff log after the escalation
    for (const e of tab.tones.slice().sort((a, b) => a.id - b.id)) {
      const d = e.data || {};
      if (e.at > cut) points.push({ label: d.tone, distress: d.distress, cues: d.cues, at: e.at, live: true });
    }
    return { points, before };
  }
  KD.renderToneChart = function (tab) {
    const { points: all, before } = tonePoints(tab), host = tab.toneHost;
    if (!all.length) return fill(host, h('p', { class: 'muted small' }, 'No tone readings yet.'));
    const shown = all.slice(-30), offset = all.length - shown.length;
    const W = 320, H = 104, L = 30, B = 16, T = 6, plotW = W - L - 4, plotH = H - B - T;
    const step = plotW / Math.max(shown.length, 8), bw = Math.max(4, Math.min(16, step * 0.7));
    const latest = all[all.length - 1];
    const summary = `Tone over ${all.length} employee turns. Latest: ${humanize(latest.label || 'unknown')}, distress ${pct(latest.distress)}.`;
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart tone-svg', role: 'img', 'aria-label': summary });
    for (const v of [0, 0.5, 1]) {
      const y = T + plotH * (1 - v);
      chart.append(svg('line', { x1: L, x2: W - 4, y1: y, y2: y, class: 'grid' }),
        svg('text', { x: L - 4, y: y + 3, 'text-anchor': 'end', class: 'axis' }, v ? v * 100 + '%' : '0'));
    }
    shown.forEach((p, i) => {
      const d = clamp01(p.distress), x = L + i * step + (step - bw) / 2, bh = Math.max(2, d * plotH), n = offset + i + 1;
      const cues = Array.isArray(p.cues) && p.cues.length ? ' · cues: ' + p.cues.join(', ') : '';
      chart.append(svg('rect', { x, y: T + plotH - bh, width: bw, height: bh, rx: 2, fill: toneColour(p.label), class: p.live ? 'live' : '' },
        svg('title', {}, `Turn ${n}${p.live ? ' (after escalation)' : ''}: ${humanize(p.label || 'unknown')} · distress ${pct(d)}${cues}`)));
    });
    const cutAt = before - offset;
    if (before && cutAt > 0 && cutAt < shown.length) {
      const x = L + cutAt * step;
      chart.append(svg('line', { x1: x, x2: x, y1: T, y2: T + plotH, class: 'handoff-line' }),
        svg('text', { x: x + 3, y: H - 4, class: 'axis' }, 'escalated'));
    }
    const labels = [...new Set(all.map((p) => p.label || 'unknown'))];
    fill(host, chart,
      h('p', { class: 'tone-latest' }, 'Latest: ', h('strong', {}, humanize(latest.label || 'unknown')), ` · ${pct(latest.distress)} distress`),
      h('ul', { class: 'legend', 'aria-label': 'Tone colours' }, labels.map((l) => {
        const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        sw.style.background = toneColour(l);
        return h('li', {}, sw, humanize(l));
      })));
  };
  function renderEscalation(tab) {
    const esc = tab.escalation, host = tab.escHost;
    if (!esc) return fill(host, h('p', { class: 'muted small' }, 'No escalation details came with this conversation.'));
    const evidence = esc.evidence && typeof esc.evidence === 'object' ? esc.evidence : {};
    const cues = (Array.isArray(esc.cues) && esc.cues.length ? esc.cues : evidence.cues) || [];
    fill(host,
      h('div', { class: 'esc-head' }, h('span', { class: 'badge reason reason-' + reasonClass(esc.reason) }, reasonLabel(esc.reason)), KD.distressMeter(esc.distress)),
      dl([['Escalated', esc.at ? timeEl(esc.at) : null], ['Queue', SKILLS[esc.skill] || esc.skill], ['Tone', esc.tone ? humanize(esc.tone) : null],
        ['Crisis', Array.isArray(evidence.crisis_kinds) && evidence.crisis_kinds.length ? evidence.crisis_kinds.map(humanize).join(', ') : null]]),
      cues.length ? h('div', { class: 'cues' }, h('span', { class: 'label' }, 'Cues'), h('ul', { class: 'chips' }, cues.map((c) => h('li', { class: 'chip' }, String(c))))) : null,
      Object.keys(evidence).length ? h('details', { class: 'evidence' }, h('summary', {}, 'Evidence'),
        dl(Object.entries(evidence).filter(([k]) => k !== 'cues' && k !== 'crisis_kinds').map(([k, v]) => [humanize(k), fmtValue(v)]))) : null);
  }
  function renderEmployee(tab) {
    const esc = tab.escalation || {}, p = esc.profile && typeof esc.profile === 'object' ? esc.profile : {}, s = tab.summary || {};
    const past = Array.isArray(esc.past_conversations) ? esc.past_conversations : [];
    const subtitle = [p.job_title, p.department].filter(Boolean).join(' · ');
    fill(tab.empHost,
      h('div', { class: 'emp-head' }, h('strong', { class: 'emp-name' }, p.name || tab.name || s.employee_id || 'Employee'),
        p.is_new_hire ? h('span', { class: 'badge badge-new' }, 'New hire') : null),
      subtitle ? h('p', { class: 'muted small' }, subtitle) : null,
      dl([['Employee ID', p.id || s.employee_id], ['Manager', p.manager_name],
        ['Tenure', Number.isFinite(p.tenure_months) ? `${p.tenure_months} month${p.tenure_months === 1 ? '' : 's'}` : null],
        ['Started', p.start_date ? fmtDate(p.start_date) : null], ['Location', p.location]]),
      h('h4', { class: 'sub-title' }, 'Earlier contacts'),
      past.length ? h('ul', { class: 'history' }, past.map((c) => h('li', { class: 'history-item' },
        h('div', { class: 'history-head' }, h('span', { class: 'muted small' }, fmtDate(c.date)),
          h('span', { class: 'history-topic' }, c.topic ? humanize(c.topic) : c.sensitive ? 'Sensitive (hidden)' : humanize(c.kind || 'conversation')),
          c.status ? h('span', { class: 'chip' }, humanize(c.status)) : null,
          c.sensitive ? h('span', { class: 'badge badge-sensitive' }, 'Sensitive') : null),
        c.summary ? h('p', { class: 'small' }, c.summary) : null)))
        : h('p', { class: 'muted small' }, 'No earlier conversations on record.'));
  }
  function renderSlots(tab) {
    const slots = (tab.escalation || {}).slots;
    const rows = slots && typeof slots === 'object' ? Object.entries(slots).filter(([, v]) => v !== null && v !== undefined) : [];
    fill(tab.slotsHost, rows.length ? dl(rows.map(([k, v]) => [humanize(k), fmtValue(v)])) : h('p', { class: 'muted small' }, 'Nothing recorded yet.'));
  }

  // ---------- hand back / close: the label dialog ----------
  let labelFor = null;
  KD.openLabelDialog = function (tab, action) {
    labelFor = { cid: tab.id, action };
    $('label-form').reset();
    $('label-error').hidden = true;
    const back = action === 'hand_back';
    $('label-title').textContent = back ? 'Hand back to the assistant' : 'Close the conversation';
    $('label-summary-field').hidden = !back;
    $('label-submit').textContent = back ? 'Hand back' : 'Close conversation';
    $('label-who').textContent = tab.name;
    $('label-dialog').showModal();
  };
  function submitLabel(ev) {
    ev.preventDefault();
    if (!labelFor) return;
    const form = $('label-form'), needed = form.elements.needed.value, tone = form.elements.tone.value;
    if (!needed || !tone) {
      $('label-error').textContent = 'Please answer both questions.';
      $('label-error').hidden = false;
      form.querySelector(!needed ? '[name=needed]' : '[name=tone]').focus();
      return;
    }
    const label = { needed: needed === 'yes', tone_right: tone === 'yes', comment: $('label-comment').value.trim() };
    const frame = { type: labelFor.action, conversation_id: labelFor.cid, label };
    if (labelFor.action === 'hand_back') frame.summary = $('label-summary').value.trim();
    if (!KD.send(frame)) return;
    KD.state.closing.set(labelFor.cid, labelFor.action === 'hand_back' ? 'Handed back to the assistant.' : 'Conversation closed.');
    const tab = KD.state.tabs.get(labelFor.cid);
    if (tab) KD.renderControls(tab);
    labelFor = null;
    $('label-dialog').close();
  }
  document.addEventListener('DOMContentLoaded', () => {
    $('label-form').addEventListener('submit', submitLabel);
    $('label-form').addEventListener('change', () => {
      const f = $('label-form').elements;
      if (f.needed.value && f.tone.value) $('label-error').hidden = true;
    });
    $('label-cancel').addEventListener('click', () => { labelFor = null; $('label-dialog').close(); });
  });

  // ---------- supervisor view ----------
  const sup = (KD.supervisor = { agents: [], queue: [], stats: null, loaded: false });
  const pad = (n) => String(n).padStart(2, '0');
  const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const parseDay = (s) => { const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || ''); return m ? new Date(+m[1], +m[2] - 1, +m[3]) : null; };

  sup.init = function () {
    for (const b of document.querySelectorAll('[data-preset]')) b.addEventListener('click', () => { preset(Number(b.dataset.preset)); load(); });
    $('period-form').addEventListener('submit', (ev) => { ev.preventDefault(); markPreset(null); load(); });
    preset(7);
  };
  sup.onWelcome = function () { sup.loaded = false; if (KD.state.view === 'supervisor') sup.show(); };
  sup.show = function () { if (!sup.loaded) load(); };
  function preset(days) {
    const to = new Date(), from = new Date(to.getFullYear(), to.getMonth(), to.getDate() - (days - 1));
    $('period-from').value = isoDay(from);
    $('period-to').value = isoDay(to);
    markPreset(days);
  }
  function markPreset(days) {
    for (const b of document.querySelectorAll('[data-preset]')) b.setAttribute('aria-pressed', String(Number(b.dataset.preset) === days));
  }
  sup.onQueue = function (items) {
    sup.queue = items;
    const longest = Math.max(0, ...items.map((i) => i.waiting_s || 0));
    $('sup-waiting').textContent = String(items.length);
    $('sup-longest').textContent = items.length ? KD.mmss(longest) : '—';
  };
  sup.onAgents = function (agents) {
    sup.agents = agents.slice().sort((a, b) => (b.online - a.online) || String(a.name).localeCompare(String(b.name)));
    $('sup-online').textContent = String(agents.filter((a) => a.online).length);
    const me = (KD.state.agent || {}).id;
    $('transfer-targets').replaceChildren(...Object.entries(SKILLS).map(([k, v]) => h('option', { value: k }, v + ' queue')),
      ...sup.agents.filter((a) => a.id !== me).map((a) => h('option', { value: a.id }, `${a.name} (${a.team}) · ${a.online ? 'online' : a.status}`)));
    $('agents-body').replaceChildren(...sup.agents.map((a) => {
      const load = a.capacity ? Math.min(1, a.active / a.capacity) : 0, fill = h('span', { class: 'meter-fill' });
      fill.style.width = Math.round(load * 100) + '%';
      fill.style.background = load >= 1 ? '#b42318' : load >= 0.67 ? '#b26a00' : '#2e7d32';
      return h('tr', { 'data-agent-id': a.id },
        h('th', { scope: 'row' }, h('span', { class: 'agent-cell' }, h('strong', {}, a.name || a.id), h('span', { class: 'muted small' }, a.id + (a.role === 'supervisor' ? ' · supervisor' : '')))),
        h('td', {}, a.team || '—'),
        h('td', {}, h('ul', { class: 'chips' }, (a.skills || []).map((s) => h('li', { class: 'chip' }, SKILLS[s] || s)))),
        h('td', {}, h('span', { class: 'status-chip', 'data-status': a.status }, humanize(a.status || 'offline'))),
        h('td', {}, a.online ? 'Yes' : 'No'),
        h('td', {}, h('span', { class: 'load' }, h('span', { class: 'meter meter-wide', 'aria-hidden': 'true' }, fill),
          h('span', { class: 'load-text' }, `${a.active} / ${a.capacity}`))));
    }));
    $('agents-empty').hidden = agents.length > 0;
  };

  // ---------- the statistics dashboard ----------
  async function load() {
    const from = parseDay($('period-from').value), to = parseDay($('period-to').value), status = $('dash-status');
    if (!from || !to || from > to) { status.textContent = 'Choose a start date on or before the end date.'; return; }
    const end = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
    status.textContent = 'Loading…';
    $('dashboard').setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(`/api/stats?from=${Math.floor(from / 1000)}&to=${Math.floor(end / 1000)}`,
        { headers: { Authorization: 'Bearer ' + KD.state.token }, cache: 'no-store' });
      if (res.status === 401) return KD.signOut('Your session has ended. Please sign in again.');
      const body = await res.json().catch(() => null);
      if (!res.ok || !body) { status.textContent = (body && body.message) || `Statistics are unavailable right now (HTTP ${res.status}).`; return; }
      sup.loaded = true;
      sup.stats = body;
      renderStats(body, from, to);
      status.textContent = `${from.toLocaleDateString([], { day: 'numeric', month: 'short' })} – ${to.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' })} · updated ${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
    } catch (e) {
      status.textContent = 'Couldn’t reach the service to load statistics.';
    } finally {
      $('dashboard').removeAttribute('aria-busy');
    }
  }
  const num = (x) => (typeof x === 'number' && isFinite(x) ? x : null);
  const rate = (x) => (num(x) === null ? '—' : Math.round(x * 100) + '%');
  function duration(x) {
    x = num(x);
    if (x === null) return '—';
    if (x < 60) return Math.round(x) + ' s';
    if (x < 3600) return `${Math.floor(x / 60)} min ${pad(Math.round(x % 60))} s`;
    return `${Math.floor(x / 3600)} h ${pad(Math.round((x % 3600) / 60))} min`;
  }
  const score = (x) => (num(x) === null ? '—' : x.toFixed(1) + ' / 5');
  function renderStats(d, from, to) {
    const tth = d.time_to_human_s || {}, ht = d.handle_time_s || {}, cs = d.csat || {}, bot = cs.bot || {}, human = cs.human || {};
    const tone = d.tone_escalations || {};
    const cards = [
      ['containment_rate', 'Contained by the assistant', rate(d.containment_rate), `${d.contained ?? 0} of ${d.conversations ?? 0} conversations`],
      ['escalations', 'Escalations to a person', String(d.escalations ?? 0), `${d.conversations ?? 0} conversations in total`],
      ['time_to_human', 'Median time to a person', duration(tth.median), `mean ${duration(tth.mean)} · ${tth.count ?? 0} handoffs`],
      ['handle_time', 'Median handle time', duration(ht.median), `mean ${duration(ht.mean)} · ${ht.count ?? 0} conversations`],
      ['csat_bot', 'Satisfaction · assistant', score(bot.mean), `${bot.count ?? 0} ratings`],
      ['csat_human', 'Satisfaction · person', score(human.mean), `${human.count ?? 0} ratings`],
      ['tone_needed_rate', 'Tone escalations judged needed', rate(tone.needed_rate), `${tone.needed ?? 0} of ${tone.labelled ?? 0} labelled`],
    ];
    $('metrics').replaceChildren(...cards.map(([key, label, value, sub]) => h('div', { class: 'metric', testid: 'kd-metric', 'data-metric': key },
      h('div', { class: 'metric-label' }, label), h('div', { class: 'metric-value' }, value), h('div', { class: 'metric-sub' }, sub))));
    $('chart-daily').replaceChildren(dailyChart(d.daily || [], from, to));
    $('chart-reasons').replaceChildren(reasonsChart(d.escalations_by_reason || {}));
    $('chart-csat').replaceChildren(csatChart(bot, human));
  }
  function niceMax(v) {
    if (!(v > 0)) return 4;
    const p = 10 ** Math.floor(Math.log10(v));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }
  function dailyChart(daily, from, to) {
    const byDate = new Map(daily.map((r) => [r.date, r]));
    const days = [];
    for (let d = new Date(from); d <= to && days.length < 400; d.setDate(d.getDate() + 1)) days.push(byDate.get(isoDay(d)) || { date: isoDay(d), conversations: 0, escalated: 0 });
    for (const r of daily) if (!days.some((x) => x.date === r.date)) days.push(r);
    days.sort((a, b) => (a.date < b.date ? -1 : 1));
    const total = days.reduce((n, r) => n + (r.conversations || 0), 0);
    const W = Math.max(480, Math.round($('chart-daily').clientWidth) || 640), H = 220, L = 40, R = 8, T = 12, B = 28, plotW = W - L - R, plotH = H - T - B;
    const max = niceMax(Math.max(...days.map((r) => Math.max(r.conversations || 0, r.escalated || 0)), 1));
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
      'aria-label': `Daily conversations and escalations: ${total} conversations over ${days.length} days.` });
    for (let i = 0; i <= 4; i++) {
      const v = (max / 4) * i, y = T + plotH * (1 - v / max);
      chart.append(svg('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'grid' }),
        svg('text', { x: L - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, String(Math.round(v * 10) / 10)));
    }
    const step = plotW / Math.max(days.length, 1), bw = Math.max(2, Math.min(18, step * 0.36)), every = Math.ceil(days.length / 10);
    days.forEach((r, i) => {
      const x0 = L + i * step + step / 2, label = parseDay(r.date) ? parseDay(r.date).toLocaleDateString([], { day: 'numeric', month: 'short' }) : r.date;
      [['conversations', 'bar-a', -bw], ['escalated', 'bar-b', 0]].forEach(([k, cls, dx]) => {
        const v = r[k] || 0, bh = (v / max) * plotH;
        chart.append(svg('rect', { x: x0 + dx, y: T + plotH - bh, width: bw, height: Math.max(bh, v ? 1 : 0), class: cls },
          svg('title', {}, `${label}: ${v} ${k === 'escalated' ? 'escalated' : 'conversations'}`)));
      });
      if (i % every === 0) chart.append(svg('text', { x: x0, y: H - 10, 'text-anchor': 'middle', class: 'axis' }, label));
    });
    return total ? chart : h('p', { class: 'muted empty-chart' }, 'No conversations in this period.');
  }
  function hbarChart(rows, max, fmt, aria, R = 60) {
    const W = 440, rowH = 30, L = 150, H = rows.length * rowH + 8, plotW = W - L - R;
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': aria });
    rows.forEach((r, i) => {
      const y = 4 + i * rowH, bw = max ? (Math.max(0, r.value || 0) / max) * plotW : 0;
      chart.append(svg('text', { x: L - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'label' }, r.label),
        svg('rect', { x: L, y: y + 6, width: plotW, height: rowH - 12, rx: 3, class: 'track' }),
        svg('rect', { x: L, y: y + 6, width: Math.max(bw, r.value ? 2 : 0), height: rowH - 12, rx: 3, fill: r.colour || null, class: r.colour ? '' : 'bar-a' },
          svg('title', {}, `${r.label}: ${fmt(r.value)}`)),
        svg('text', { x: L + plotW + 8, y: y + rowH / 2 + 4, class: 'value' }, fmt(r.value)));
    });
    return chart;
  }
  const REASON_COLOURS = { crisis: '#b42318', acute: '#c4320a', building: '#b26a00', sensitive: '#7a2fb0', asked: '#2456c4', accepted: '#0f7a6c', down: '#5b6474', failure: '#4a5568', other: '#6b7385' };
  function reasonsChart(byReason) {
    const merged = new Map();
    for (const [k, v] of Object.entries(byReason)) { const label = reasonLabel(k); merged.set(label, { label, value: (merged.get(label)?.value || 0) + (v || 0), colour: REASON_COLOURS[reasonClass(k)] }); }
    const rows = [...merged.values()].filter((r) => r.value > 0).sort((a, b) => b.value - a.value);
    if (!rows.length) return h('p', { class: 'muted empty-chart' }, 'No escalations in this period.');
    return hbarChart(rows, Math.max(...rows.map((r) => r.value)), String, 'Escalations by reason: ' + rows.map((r) => `${r.label} ${r.value}`).join(', '));
  }
  function csatChart(bot, human) {
    const rows = [{ label: 'Assistant', value: num(bot.mean), n: bot.count || 0, colour: '#4f5bd5' }, { label: 'Person', value: num(human.mean), n: human.count || 0, colour: '#0f7a6c' }];
    const fmt = (v) => (v === null ? '— no ratings' : v.toFixed(1) + ' / 5');
    return hbarChart(rows, 5, fmt, 'Satisfaction out of 5: ' + rows.map((r) => `${r.label} ${fmt(r.value)} from ${r.n} ratings`).join('; '), 110);
  }
})();
