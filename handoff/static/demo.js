/* The demo intranet page: mints demo employee sessions (POST /api/demo/sessions, HANDOFF_DEMO only), keeps
   the current one in localStorage so a reload resumes it, and drives the widget through window.KindredDesk. */
(() => {
  "use strict";
  const KEY = "kindred-demo:session";
  const $ = (id) => document.getElementById(id);
  const select = $("demo-employee");
  const startBtn = $("demo-start");
  const newBtn = $("demo-new");
  const who = $("demo-who");
  const greeting = $("greeting");
  const desk = window.KindredDesk;

  const nameOf = (id) => {
    const option = Array.from(select.options).find((o) => o.value === id);
    return option ? option.textContent.replace(/\s*[—(].*$/, "") : id;
  };
  const load = () => { try { return JSON.parse(localStorage.getItem(KEY)); } catch (_) { return null; } };
  const save = (s) => { try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (_) { /* private mode */ } };

  function say(text, isError) {
    who.textContent = text;
    if (isError) who.setAttribute("data-error", ""); else who.removeAttribute("data-error");
  }
  function show(s) {
    const name = nameOf(s.employee_id);
    greeting.textContent = `Good day, ${name.split(" ")[0]}`;
    say(`Signed in as ${name}. Use the chat button at the bottom right.`);
    newBtn.hidden = false;
  }
  function label() { startBtn.textContent = `Start chat as ${nameOf(select.value)}`; }

  async function begin(employeeId) {
    if (!desk) { say("The chat widget did not load.", true); return; }
    startBtn.disabled = newBtn.disabled = true;
    say("Starting a conversation…");
    try {
      const res = await fetch("/api/demo/sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ employee_id: employeeId }),
      });
      if (res.status === 404) throw new Error("Demo mode is off on this server (set HANDOFF_DEMO=true).");
      if (!res.ok) throw new Error(`Could not start a conversation (HTTP ${res.status}).`);
      const body = await res.json();
      const s = { employee_id: employeeId, token: body.token, conversation_id: body.conversation_id };
      save(s);
      desk.start({ token: s.token });
      desk.open();
      show(s);
    } catch (err) {
      say(err instanceof TypeError ? "The chat service is not reachable." : err.message, true);
    } finally {
      startBtn.disabled = newBtn.disabled = false;
    }
  }

  select.addEventListener("change", label);
  startBtn.addEventListener("click", () => begin(select.value));
  newBtn.addEventListener("click", () => begin((load() || {}).employee_id || select.value));
  $("search").addEventListener("submit", (ev) => ev.preventDefault());
  if (desk) desk.onNewConversation = () => begin((load() || {}).employee_id || select.value);

  const saved = load();
  if (saved && saved.token && saved.employee_id) {
    select.value = saved.employee_id;
    if (desk) desk.start({ token: saved.token });
    show(saved);
  }
  label();
})();
