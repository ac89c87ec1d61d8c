"""A whole world on loopback: the sandbox Clustermarket, a fake Slack, and the real bot between.

The bot runs exactly as `cmbot serve` runs it (settings, services, Bolt with signature
checks, the HTTP routes), only pointed at the sandbox and the fake Slack on free ports, with a
temporary database and a fresh key. The demo, the Slack-level tests and the benchmarks all
stand on this, so they exercise the code paths Slack would, not a second implementation.
"""

from __future__ import annotations

import re
import socket
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.app import build_app
from bot.config import Settings
from bot.conversation import ANSWER_DEADLINE, Conversation
from bot.fake_slack import FakeSlack, SlackRequester
from bot.lifecycle import AsyncRunning
from bot.linking.flow import Choice
from bot.listening import listen
from bot.patience import LATE_ANSWER_LIMIT, SLOW_NOTE_AFTER
from bot.render.actions import CONNECT
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox, SandboxKnobs
from bot.sandbox.browser import submit_authorize_page
from bot.server import SLACK_EVENTS_PATH, BotServer, runner_for
from bot.services import Services
from bot.store import BUSY_TIMEOUT_SECONDS

SIGNING_SECRET = "demo-signing-secret"  # noqa: S105 - the fake Slack's, known to both sides


@dataclass(frozen=True)
class Person:
    """A member of the fake Slack workspace and the sandbox user they sign in as; the Slack
    profile's email is their Clustermarket account's, so linking takes one step."""

    user_id: str
    name: str
    real_name: str
    tz: str
    cm_user_id: int
    email: str


PEOPLE = (
    Person(
        "U0ZOE", "zoe", "Zoë Ångström", "Europe/London", 15001, "zoe.angstrom@northbridge.ac.uk"
    ),
    Person(  # written as Slack may keep it: emails match whatever the case
        "U0MARGARET",
        "margaret",
        "Margaret Okafor",
        "Europe/London",
        15002,
        "Margaret.Okafor@Northbridge.ac.uk",
    ),
    Person("U0JOSE", "jose", "José Núñez", "Europe/Madrid", 15003, "jose.nunez@northbridge.ac.uk"),
    Person(
        "U0EMILY",
        "emily",
        "Emily Carter",
        "America/New_York",
        15011,
        "emily.carter@hudsonvalleybiolabs.com",
    ),
)


def fold(text: str) -> str:
    """Lower case, no accents, no emoji or punctuation: how people type names and labels."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if c.isalnum() or c.isspace())
    return " ".join(kept.casefold().split())


def find_person(name: str) -> Person | None:
    """The demo person `name` means: handle, full name, first or last name, or Slack id;
    a unique prefix will do."""
    wanted = fold(name.removeprefix("@"))
    if not wanted:
        return None

    def names_of(person: Person) -> set[str]:
        full = fold(person.real_name)
        return {fold(person.name), full, *full.split(), fold(person.user_id)}

    exact = [person for person in PEOPLE if wanted in names_of(person)]
    if len(exact) == 1:
        return exact[0]
    starts = [p for p in PEOPLE if any(n.startswith(wanted) for n in names_of(p))]
    return starts[0] if len(starts) == 1 else None


def add_people(fake: FakeSlack, people: tuple[Person, ...] = PEOPLE) -> None:
    """Make the demo's people members of a fake Slack workspace."""
    for person in people:
        fake.add_user(
            person.user_id,
            name=person.name,
            real_name=person.real_name,
            tz=person.tz,
            email=person.email,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class World(AsyncRunning):
    """Start with `async with World() as world:`; everything stops on exit."""

    def __init__(
        self,
        *,
        today: date | None = None,
        knobs: SandboxKnobs | None = None,
        database_path: Path | None = None,
        client_options: dict[str, Any] | None = None,
        answer_deadline: float = ANSWER_DEADLINE,
        slow_note_after: float = SLOW_NOTE_AFTER,
        late_answer_limit: float = LATE_ANSWER_LIMIT,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        dialect: str = "reference",
        settings: dict[str, Any] | None = None,
    ) -> None:
        """`dialect` is the API shape the sandbox speaks (`bot.sandbox.dialects`); `settings`
        sets more of the bot's settings (e.g. CLUSTERMARKET_WEB_URL)."""
        self.sandbox = Sandbox(today=today, knobs=knobs, dialect=dialect)
        self.fake = FakeSlack()
        add_people(self.fake)
        self._database_path = database_path
        self._client_options = client_options or {}
        self._answer_deadline = answer_deadline
        self._slow_note_after = slow_note_after
        self._late_answer_limit = late_answer_limit
        self._busy_timeout = busy_timeout
        self._extra_settings = settings or {}
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._runner: web.AppRunner | None = None
        self.browser = httpx.AsyncClient(timeout=30.0)

    async def start(self) -> None:
        await self.sandbox.start()
        await self.start_slack()
        if self._database_path is None:
            self._folder = tempfile.TemporaryDirectory(prefix="cmbot-")
            self._database_path = Path(self._folder.name) / "cmbot.db"
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.settings = Settings(
            _env_file=None,
            **self.slack_settings(),
            SLACK_SIGNING_SECRET=SecretStr(SIGNING_SECRET),
            CLUSTERMARKET_API_URL=self.sandbox.api_url,
            CLUSTERMARKET_OAUTH_URL=self.sandbox.oauth_url,
            CLUSTERMARKET_CLIENT_ID=DEMO_CLIENT_ID,
            CLUSTERMARKET_CLIENT_SECRET=SecretStr(DEMO_CLIENT_SECRET),
            PUBLIC_URL=self.base_url,
            DATABASE_PATH=str(self._database_path),
            TOKEN_ENCRYPTION_KEY=[SecretStr(Fernet.generate_key().decode())],
            HOST="127.0.0.1",
            PORT=port,
            **self._extra_settings,
        )
        self.services = await Services.build(
            self.settings, busy_timeout=self._busy_timeout, **self._client_options
        )
        self.conversation = Conversation(
            self.services,
            answer_deadline=self._answer_deadline,
            slow_note_after=self._slow_note_after,
            late_answer_limit=self._late_answer_limit,
        )
        self.bolt = build_app(self.conversation)
        self.server = BotServer(self.conversation, self.bolt)
        self._runner = runner_for(self.server.web_app())
        await self._runner.setup()
        await listen(self._runner, "127.0.0.1", port)
        self.slack = SlackRequester(self.base_url + SLACK_EVENTS_PATH, SIGNING_SECRET, self.fake)

    async def stop(self) -> None:
        await self.slack.aclose()
        await self.browser.aclose()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.services.aclose()
        await self.stop_slack()
        await self.sandbox.stop()
        if self._folder is not None:
            self._folder.cleanup()

    async def start_slack(self) -> None:
        await self.fake.start()

    async def stop_slack(self) -> None:
        await self.fake.stop()

    def slack_settings(self) -> dict[str, Any]:
        """The Slack half of the bot's settings: the fake's API and its one bot token."""
        return {
            "SLACK_BOT_TOKEN": SecretStr(self.fake.bot_token),
            "SLACK_API_URL": self.fake.api_url,
        }

    async def link(
        self, person: Person, *, approve: bool = True, confirm: Choice | None = "link"
    ) -> httpx.Response:
        """Link `person` through the real flow: /cm connect, the button, the authorize page,
        the callback (and the confirm page, if the bot asks). Returns the last page."""
        url = await self.connect_url(person)
        return await self.follow_connect_link(url, person, approve=approve, confirm=confirm)

    async def connect_url(self, person: Person) -> str:
        """A fresh connect link: `/cm connect` as `person`, and the new button's URL (an
        older one may be used already: each works once)."""
        shown = self.button_url(person.user_id)

        def fresh() -> str | None:
            newest = self.button_url(person.user_id)
            return newest if newest != shown else None

        await self.slack.command("connect", user_id=person.user_id)
        return await self.fake.wait_for(fresh)

    async def follow_connect_link(
        self, url: str, person: Person, *, approve: bool = True, confirm: Choice | None = "link"
    ) -> httpx.Response:
        """What the browser does after the connect button: to Clustermarket and back."""
        return await follow_connect_link(
            self.browser, url, person, approve=approve, confirm=confirm
        )

    def button_url(self, user_id: str) -> str | None:
        """The newest connect button's URL shown to this user, if any."""
        return connect_button_url(self.fake, user_id)


async def follow_connect_link(
    browser: httpx.AsyncClient,
    url: str,
    person: Person,
    *,
    approve: bool = True,
    confirm: Choice | None = "link",
) -> httpx.Response:
    """The browser after a connect button: the bot's start URL, Clustermarket's authorize
    page (signing in as `person`), back to the bot's callback and, when the bot asks to
    confirm the accounts, the `confirm` button there (None stops at that page). Returns the
    last page."""
    page = await sign_in_through(browser, url, person, approve=approve)
    if confirm is not None and confirm_form(page.text) is not None:
        page = await answer_confirm_page(browser, page, confirm)
    return page


async def sign_in_through(
    browser: httpx.AsyncClient, url: str, person: Person, *, approve: bool = True
) -> httpx.Response:
    """The start URL, the authorize page as `person`, and the bot's callback page."""
    start = await browser.get(url)
    if start.status_code != 302:
        return start
    callback = await submit_authorize_page(
        browser, start.headers["location"], person.cm_user_id, approve=approve
    )
    return await browser.get(callback)


def confirm_form(page: str) -> tuple[str, str] | None:
    """The confirm page's form target and one-time token, when `page` is that page."""
    action = re.search(r'<form method="post" action="([^"]+)">', page)
    token = re.search(r'<input type="hidden" name="token" value="([^"]*)">', page)
    if action is None or token is None:
        return None
    return unescape(action.group(1)), unescape(token.group(1))


async def answer_confirm_page(
    browser: httpx.AsyncClient, page: httpx.Response, choice: Choice
) -> httpx.Response:
    """Press "Link these accounts" (`link`) or "Cancel" on the confirm page."""
    form = confirm_form(page.text)
    if form is None:
        raise ValueError("that is not the confirm page")
    action, token = form
    return await browser.post(action, data={"token": token, "choice": choice})


def connect_button_url(fake: FakeSlack, user_id: str) -> str | None:
    """The newest connect button's URL the fake Slack showed this user, if any."""
    for message in reversed(fake.seen_by(user_id)):
        for block in message.blocks:
            for element in _elements(block):
                if element.get("action_id") == CONNECT and element.get("url"):
                    return str(element["url"])
    return None


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found = [element for element in block.get("elements") or [] if isinstance(element, dict)]
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        found.append(accessory)
    return found
