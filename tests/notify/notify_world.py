"""The people, instants and helpers the notifier tests share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.clustermarket.tokens import UserKey
from bot.config import Settings
from bot.fake_slack import FakeSlack, Message
from bot.notify.runner import NotifyReport, NotifyRunner
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.services import Services

TEAM = "T0CMBOT"
TODAY = dt.date(2026, 3, 25)
WEB_URL = "https://app.clustermarket.test"


def at(hour: int, minute: int = 0, second: int = 0, *, day: int = 25) -> dt.datetime:
    """An instant in March 2026, UTC (London's wall clock until the 29th)."""
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    cm_user_id: int
    tz: str

    @property
    def key(self) -> UserKey:
        return UserKey(TEAM, self.user_id)


ZOE = Person("U0ZOE", "Zoë Ångström", 15001, "Europe/London")
MARGARET = Person("U0MARGARET", "Margaret Okafor", 15002, "Europe/London")
JOSE = Person("U0JOSE", "José Núñez", 15003, "Europe/Madrid")
EMILY = Person("U0EMILY", "Emily Carter", 15011, "America/New_York")
KENJI = Person("U0KENJI", "Kenji Satō", 15010, "Asia/Tokyo")
PEOPLE = (ZOE, MARGARET, JOSE, EMILY, KENJI)

NANODROP_0930 = 7974013
NANODROP_1030 = 7983893
QPCR_1400 = 7974429
REQUEST_EPPENDORF = 7981960
REQUEST_VITROBOT = 7982406
QPCR = 4106


def dms(fake: FakeSlack, person: Person) -> list[Message]:
    """What the bot posted in the person's DM, oldest first."""
    return [m for m in fake.messages_in(fake.dm_channel_id(person.user_id)) if m.bot_id]


def texts(messages: list[Message]) -> list[str]:
    return [message.text for message in messages]


Link = Callable[[Person], Awaitable[None]]
"""await link(person): the person's Slack user linked to their sandbox account."""


def settings_for(sandbox: Sandbox, fake: FakeSlack, folder: Path, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN=SecretStr(fake.bot_token),
        SLACK_API_URL=fake.api_url,
        CLUSTERMARKET_API_URL=sandbox.api_url,
        CLUSTERMARKET_OAUTH_URL=sandbox.oauth_url,
        CLUSTERMARKET_CLIENT_ID=DEMO_CLIENT_ID,
        CLUSTERMARKET_CLIENT_SECRET=SecretStr(DEMO_CLIENT_SECRET),
        CLUSTERMARKET_WEB_URL=WEB_URL,
        DATABASE_PATH=str(folder / "cmbot.db"),
        TOKEN_ENCRYPTION_KEY=[SecretStr(Fernet.generate_key().decode())],
        **extra,
    )


class SimulatedTime:
    """The Clustermarket client's clock in these tests (seconds): the instant the notifier
    last ran at, so what the client keeps ages by the tests' instants, not by the real
    seconds a test takes (a poll "an hour later" must not be served the last one's answer)."""

    def __init__(self) -> None:
        self.now = at(0)

    def __call__(self) -> float:
        return self.now.timestamp()


class ClockedRunner(NotifyRunner):
    """The notifier, moving the client's clock to each instant it runs at."""

    def __init__(self, services: Services, time: SimulatedTime, **options: Any) -> None:
        super().__init__(services, **options)
        self.time = time

    async def run_due(self, now: dt.datetime, *, poll_all: bool = False) -> NotifyReport:
        self.time.now = now
        return await super().run_due(now, poll_all=poll_all)
