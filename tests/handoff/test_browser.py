"""The employee widget and the agent console in headless Chromium (Debian's, driven by Playwright).

An employee chats, escalates; an agent claims and replies; the employee sees it, survives a killed
socket, is handed back and rates. An HTML payload typed by the employee stays text in the console.
Screenshots of each page are saved as test artefacts (KINDRED_ARTEFACTS, default var/artefacts).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, WebSocketRoute, async_playwright, expect

from handoff.backend.memory import MemoryBackend
from handoff.web.agent import AgentConnection
from handoff.web.app import create_app
from handoff.web.employee import EmployeeConnection
from handoff.web.state import BACKEND, HUB
from tests.handoff.conftest import make_settings
from tests.handoff.harness import DEMO_PASSWORD, StandInRasa, serve_app, stand_in_rasa

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("KINDRED_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("KINDRED_ARTEFACTS", REPO / "var" / "artefacts")) / "screenshots"
pytestmark = pytest.mark.slow
TIMEOUT_MS = 15_000
XSS = "<img src=x onerror=\"document.title='pwned'\"><b>bold?</b>"


@dataclass
class Site:
    url: str
    rasa: StandInRasa
    app: object


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with stand_in_rasa() as (rasa, rasa_url):
        app = create_app(make_settings(tmp_path, RASA_URL=rasa_url), MemoryBackend(), demo_password=DEMO_PASSWORD)
        async with serve_app(app) as url:
            rasa.handoff_url = url
            yield Site(url, rasa, app)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: install Debian's chromium or set KINDRED_CHROMIUM"
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            await launched.close()


async def shot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=False)


async def sign_in(page: Page, url: str, agent_id: str) -> None:
    await page.goto(f"{url}/console")
    await page.get_by_test_id("kd-login-id").fill(agent_id)
    await page.get_by_test_id("kd-login-password").fill(DEMO_PASSWORD)
    await page.get_by_test_id("kd-login-submit").click()
    await expect(page.get_by_test_id("kd-agent-name")).to_be_visible()


async def start_chat(page: Page, url: str, employee_id: str, text: str) -> None:
    """Open the demo page as ``employee_id`` and send ``text``."""
    await page.goto(url + "/")
    await page.get_by_test_id("kd-demo-employee").select_option(employee_id)
    await page.get_by_test_id("kd-demo-start").click()
    await page.get_by_test_id("kd-input").fill(text)
    await page.get_by_test_id("kd-input").press("Enter")


def messages(page: Page, kind: str, text: str | None = None) -> Locator:
    found = page.locator(f'[data-testid="kd-msg"][data-kind="{kind}"]')
    return found.filter(has_text=text) if text else found


async def test_employee_and_agent_in_real_browsers(site: Site, browser: Browser) -> None:
    """Chat, escalate, claim, reply, survive a killed socket, hand back, rate; HTML stays text."""
    employee = await (await browser.new_context(viewport={"width": 1100, "height": 800})).new_page()
    agent = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    errors: list[str] = []
    for page in (employee, agent):
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: errors.append(msg.text) if msg.type == "error" and "Content Security" in msg.text else None,
        )

    await sign_in(agent, site.url, "alex")
    await employee.goto(site.url + "/")
    await employee.get_by_test_id("kd-demo-employee").select_option("E1001")
    await employee.get_by_test_id("kd-demo-start").click()
    await expect(employee.get_by_test_id("kd-panel")).to_be_visible()
    await employee.get_by_test_id("kd-input").fill("show buttons please")
    await employee.get_by_test_id("kd-input").press("Enter")
    await expect(messages(employee, "bot", "bot: show buttons please")).to_have_count(1)
    await expect(employee.get_by_test_id("kd-quick-reply").first).to_be_visible()
    await shot(employee, "widget-chat")

    await employee.get_by_test_id("kd-input").fill("I need a person!!")
    await employee.get_by_test_id("kd-send").click()
    await expect(messages(employee, "system").first).to_be_visible()
    await expect(employee.get_by_test_id("kd-queue")).to_be_visible()

    item = agent.get_by_test_id("kd-queue-item").first
    await expect(item).to_be_visible()
    await expect(item.get_by_test_id("kd-reason")).to_be_visible()
    await shot(agent, "console-queue")
    # Kill the agent's socket while the offer is pending: the console drops what it knew and shows
    # the offer the server re-sends on reconnect (it may have been withdrawn while it was away).
    await expect(item.get_by_test_id("kd-accept")).to_be_visible()
    await agent.evaluate("document.getElementById('conn').dataset.state = 'before-restart'")
    for connection in list(site.app[HUB].connections):  # type: ignore[index]
        if isinstance(connection, AgentConnection):
            await connection.ws.close(code=1012, message=b"restart")
    await expect(agent.locator("#conn")).to_have_attribute("data-state", "online")  # set by the new welcome
    await expect(item.get_by_test_id("kd-accept")).to_be_visible()
    await item.get_by_test_id("kd-claim").or_(item.get_by_test_id("kd-accept")).first.click()
    conversation = agent.get_by_test_id("kd-conversation")
    await expect(conversation).to_be_visible()
    await expect(conversation.get_by_test_id("kd-escalation")).to_contain_text("distress", ignore_case=True)
    await expect(messages(employee, "system", "Alex (HR) joined the chat.")).to_have_count(1)

    await employee.get_by_test_id("kd-input").fill(XSS)
    await employee.get_by_test_id("kd-input").press("Enter")
    shown = conversation.locator('[data-testid="kd-entry"][data-kind="employee"]').filter(has_text="bold?")
    await expect(shown).to_have_count(1)
    assert XSS in (await shown.text_content() or ""), "the payload is shown literally"
    assert await conversation.locator("img[src=x], b").count() == 0, "no HTML from the employee is rendered"
    assert await agent.title() != "pwned"

    await conversation.get_by_test_id("kd-reply").fill("I'm Alex. I'm here to help.")
    await conversation.get_by_test_id("kd-send").click()
    await expect(messages(employee, "agent", "I'm Alex. I'm here to help.")).to_have_count(1)
    await shot(agent, "console-conversation")
    await shot(employee, "widget-agent")

    # Kill the employee's socket on the server; the widget reconnects and misses nothing.
    for connection in list(site.app[HUB].connections):  # type: ignore[index]
        if isinstance(connection, EmployeeConnection):
            await connection.ws.close(code=1012, message=b"restart")
    await conversation.get_by_test_id("kd-reply").fill("Still there? Take your time.")
    await conversation.get_by_test_id("kd-send").click()
    await expect(employee.get_by_test_id("kd-status")).to_have_attribute("data-state", "connected")
    await expect(messages(employee, "agent", "Still there? Take your time.")).to_have_count(1)
    await expect(messages(employee, "agent", "I'm Alex. I'm here to help.")).to_have_count(1)

    await conversation.get_by_test_id("kd-hand-back").click()
    dialog = agent.get_by_test_id("kd-label-dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_test_id("kd-label-needed-yes").click()
    await dialog.get_by_test_id("kd-label-tone-yes").click()
    await dialog.get_by_test_id("kd-label-summary").fill("Talked it through.")
    await dialog.get_by_test_id("kd-label-submit").click()
    await expect(messages(employee, "bot", "Welcome back. Alex handed you back: Talked it through.")).to_have_count(1)

    await employee.get_by_test_id("kd-end").click()
    await expect(employee.get_by_test_id("kd-rating")).to_be_visible()
    await employee.get_by_test_id("kd-rate-5").click()
    await employee.get_by_test_id("kd-rating-comment").fill("Kind and quick")
    await employee.get_by_test_id("kd-rating-submit").click()
    await expect(employee.get_by_test_id("kd-rating-thanks")).to_be_visible()
    await shot(employee, "widget-rating")
    assert not errors, errors

    # The supervisor's dashboard counts this conversation: escalated once, rated 5 by a person's employee.
    supervisor = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    supervisor.set_default_timeout(TIMEOUT_MS)
    await sign_in(supervisor, site.url, "morgan")
    await supervisor.get_by_test_id("kd-view-supervisor").click()
    await expect(supervisor.locator('[data-testid="kd-metric"][data-metric="escalations"]')).to_contain_text("1")
    await expect(supervisor.locator('[data-testid="kd-metric"][data-metric="csat_human"]')).to_contain_text("5")
    await shot(supervisor, "console-supervisor")

    # The history survives a reload: same entries, once each.
    before = await employee.locator('[data-testid="kd-msg"]').count()
    await employee.reload()
    await employee.get_by_test_id("kd-launcher").click()
    await expect(messages(employee, "agent", "Still there? Take your time.")).to_have_count(1)
    await expect(employee.locator('[data-testid="kd-msg"]')).to_have_count(before)
    ids = await employee.locator('[data-testid="kd-msg"][data-id]').evaluate_all("els => els.map(e => e.dataset.id)")
    assert len(ids) == len(set(ids)), "no entry is shown twice after a reload"


async def test_supervisor_dashboard_and_phone_sized_widget(site: Site, browser: Browser) -> None:
    """The supervisor sees agents and the dashboard; the widget works keyboard-only on a phone-sized screen."""
    supervisor = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    supervisor.set_default_timeout(TIMEOUT_MS)
    await sign_in(supervisor, site.url, "morgan")
    await supervisor.get_by_test_id("kd-view-supervisor").click()
    await expect(supervisor.get_by_test_id("kd-agents")).to_contain_text("Morgan")
    await expect(supervisor.get_by_test_id("kd-dashboard")).to_be_visible()
    await expect(supervisor.locator('[data-testid="kd-metric"][data-metric="containment_rate"]')).to_be_visible()

    phone = await (await browser.new_context(viewport={"width": 390, "height": 780}, is_mobile=True)).new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    await phone.goto(site.url + "/")
    await phone.get_by_test_id("kd-demo-employee").select_option("E1002")
    await phone.get_by_test_id("kd-demo-start").click()
    panel = phone.get_by_test_id("kd-panel")
    await expect(panel).to_be_visible()
    box = await panel.bounding_box()
    assert box is not None and box["width"] >= 360, "the panel fills a phone screen"
    await phone.keyboard.type("hello from a phone")
    await phone.keyboard.press("Enter")
    await expect(messages(phone, "bot", "bot: hello from a phone")).to_have_count(1)
    log = phone.get_by_test_id("kd-messages")
    assert await log.get_attribute("role") == "log" and await log.get_attribute("aria-live") == "polite"
    await shot(phone, "widget-phone")

    # The supervisor watches the escalated chat without claiming it; the watching tab survives a reload.
    await phone.keyboard.type("I need a person!!")
    await phone.keyboard.press("Enter")
    await supervisor.get_by_test_id("kd-view-desk").click()
    item = supervisor.get_by_test_id("kd-queue-item").first
    cid = await item.get_attribute("data-conversation-id")
    await item.get_by_role("button", name="View").click()
    tab = supervisor.locator(f'[data-testid="kd-tab"][data-conversation-id="{cid}"]')
    await expect(tab).to_have_count(1)
    await expect(supervisor.locator(".conv-banner[data-mode='observer']")).to_have_count(1)
    await supervisor.reload()
    await expect(tab).to_have_count(1)
    await expect(supervisor.locator(".conv-banner[data-mode='observer']")).to_have_count(1)
    await expect(messages(phone, "system").first).to_be_visible()


async def test_agent_labels_a_chat_the_employee_ended(site: Site, browser: Browser) -> None:
    """The employee ends the chat first; the agent's console still asks for the escalation label."""
    agent = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    employee = await (await browser.new_context(viewport={"width": 1100, "height": 800})).new_page()
    for page in (agent, employee):
        page.set_default_timeout(TIMEOUT_MS)
    await sign_in(agent, site.url, "alex")
    await start_chat(employee, site.url, "E1003", "I need a person, he hits me")
    item = agent.get_by_test_id("kd-queue-item").first
    await item.get_by_test_id("kd-claim").first.click()
    conversation = agent.get_by_test_id("kd-conversation")
    cid = await conversation.get_attribute("data-conversation-id")
    # The agent sees what kind of crisis it is (the resources the employee got follow from it).
    await expect(conversation.get_by_test_id("kd-escalation")).to_contain_text("Crisis")
    await expect(conversation.get_by_test_id("kd-escalation").locator("dl.facts").first).to_contain_text("Abuse")
    await expect(messages(employee, "system", "Alex (HR) joined the chat.")).to_have_count(1)
    await employee.get_by_test_id("kd-end").click()
    label_button = conversation.get_by_test_id("kd-close")
    await expect(label_button).to_have_text("Label this chat")
    await expect(label_button).to_be_enabled()
    await label_button.click()
    dialog = agent.get_by_test_id("kd-label-dialog")
    await dialog.get_by_test_id("kd-label-needed-no").click()
    await dialog.get_by_test_id("kd-label-tone-no").click()
    await dialog.get_by_test_id("kd-label-submit").click()
    await expect(agent.locator(f'[data-testid="kd-tab"][data-conversation-id="{cid}"]')).to_have_count(0)
    record = await site.app[BACKEND].get(cid or "")  # type: ignore[index]
    assert record is not None and record.label is not None and record.label["needed"] is False


async def test_console_drops_an_offer_withdrawn_while_it_was_offline(site: Site, browser: Browser) -> None:
    """An offer withdrawn during a reconnect gap disappears from the console once it is back.

    The console's reconnect is held (Playwright routes the socket) until the employee has stopped
    waiting, so the withdrawal falls into the gap deterministically. The offer's 30 s deadline is far
    off, so only the reconnect's own bookkeeping can remove it in time.
    """
    agent = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    employee = await (await browser.new_context(viewport={"width": 1100, "height": 800})).new_page()
    for page in (agent, employee):
        page.set_default_timeout(TIMEOUT_MS)
    connects = 0
    release = asyncio.Event()

    async def hold_reconnects(route: WebSocketRoute) -> None:
        nonlocal connects
        connects += 1
        if connects > 1:
            await release.wait()
        route.connect_to_server()

    await agent.route_web_socket(re.compile(r"/ws/agent$"), hold_reconnects)
    await sign_in(agent, site.url, "alex")
    await start_chat(employee, site.url, "E1002", "I need a person")
    item = agent.get_by_test_id("kd-queue-item")
    await expect(item.get_by_test_id("kd-accept")).to_be_visible()

    for connection in list(site.app[HUB].connections):  # type: ignore[index]
        if isinstance(connection, AgentConnection):
            await connection.ws.close(code=1012, message=b"restart")
    await expect(agent.locator("#conn")).not_to_have_attribute("data-state", "online")
    await employee.get_by_test_id("kd-cancel-wait").click()
    await expect(employee.get_by_test_id("kd-queue")).to_be_hidden()
    await expect(item.get_by_test_id("kd-accept")).to_be_visible()  # still showing what it knew

    release.set()
    await expect(agent.locator("#conn")).to_have_attribute("data-state", "online")
    await expect(item).to_have_count(0, timeout=3_000)  # well before the offer's own deadline


async def test_the_widget_promises_no_minutes_when_nobody_is_online(site: Site, browser: Browser) -> None:
    """Waiting with no agent online, the widget said "about 2 min"; it now says nobody is online."""
    page = await (await browser.new_context()).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await start_chat(page, site.url, "E1002", "I need a person")
    queue = page.get_by_test_id("kd-queue")
    await expect(queue).to_be_visible()
    await expect(queue).to_contain_text("You're number 1 in the queue")
    await expect(queue).to_contain_text("nobody is online right now")
    await expect(queue).not_to_contain_text("min")
