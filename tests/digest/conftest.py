"""A sandbox Clustermarket and a fake Slack on loopback, services between them, and helpers
to link people and subscribe them to digests.

The sandbox's `today` is Wednesday 25 March 2026 (London is on GMT until the 29th), so a
digest "now" of 08:05 UTC on that day finds the seeded bookings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from digest_world import PEOPLE, STRUCTURAL, TEAM, TODAY, Person
from granted import long_lived_tokens
from pydantic import SecretStr

from bot.config import Settings
from bot.digest.runner import DigestRunner
from bot.fake_slack import FakeSlack
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.services import Services
from bot.store import Subscription


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(today=TODAY) as running:
        yield running


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack()
    for person in PEOPLE:
        slack.add_user(person.user_id, name=person.name, real_name=person.name, tz=person.tz)
    slack.add_channel("C0STRUCT", "structural")
    slack.add_channel("C0TOKYO", "tokyo-imaging")
    async with slack:
        yield slack


@pytest.fixture
async def services(sandbox: Sandbox, fake: FakeSlack, tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN=SecretStr(fake.bot_token),
        SLACK_API_URL=fake.api_url,
        CLUSTERMARKET_API_URL=sandbox.api_url,
        CLUSTERMARKET_OAUTH_URL=sandbox.oauth_url,
        CLUSTERMARKET_CLIENT_ID=DEMO_CLIENT_ID,
        CLUSTERMARKET_CLIENT_SECRET=SecretStr(DEMO_CLIENT_SECRET),
        DATABASE_PATH=str(tmp_path / "cmbot.db"),
        TOKEN_ENCRYPTION_KEY=[SecretStr(Fernet.generate_key().decode())],
    )
    built = await Services.build(
        settings, busy_timeout=0.3, backoff_base=0.001, backoff_cap=0.005, max_attempts=2
    )
    yield built
    await built.aclose()


@pytest.fixture
def cron_environment(
    services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Settings:
    """The services' settings as cron's environment gives them to `cmbot digest run-due`
    (run from a folder with no .env), so cron's run shares the services' database."""
    settings = services.settings
    token, secret = settings.SLACK_BOT_TOKEN, settings.CLUSTERMARKET_CLIENT_SECRET
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "SLACK_BOT_TOKEN": token.get_secret_value() if token else "",
        "SLACK_API_URL": settings.SLACK_API_URL,
        "CLUSTERMARKET_API_URL": settings.CLUSTERMARKET_API_URL,
        "CLUSTERMARKET_OAUTH_URL": settings.CLUSTERMARKET_OAUTH_URL,
        "CLUSTERMARKET_CLIENT_ID": settings.CLUSTERMARKET_CLIENT_ID or "",
        "CLUSTERMARKET_CLIENT_SECRET": secret.get_secret_value() if secret else "",
        "DATABASE_PATH": settings.DATABASE_PATH,
        "TOKEN_ENCRYPTION_KEY": ",".join(settings.encryption_keys()),
    }.items():
        monkeypatch.setenv(name, value)
    return settings


@pytest.fixture
def runner(services: Services) -> DigestRunner:
    return DigestRunner(services)


Link = Callable[[Person], Awaitable[None]]


@pytest.fixture
def link(sandbox: Sandbox, services: Services) -> Link:
    """Link a person's Slack user to their sandbox account (tokens granted directly)."""

    async def link_person(person: Person) -> None:
        tokens = long_lived_tokens(sandbox, person.cm_user_id)
        await services.store.save_link(
            person.key, cm_user_id=person.cm_user_id, cm_user_name=person.name, tokens=tokens
        )

    return link_person


Subscribe = Callable[..., Awaitable[Subscription]]


@pytest.fixture
def personal(services: Services, fake: FakeSlack) -> Subscribe:
    """A personal digest for a person, in their DM, in their Slack zone."""

    async def subscribe(person: Person, send_time: str = "08:00", **options: Any) -> Subscription:
        fields: dict[str, Any] = {
            "channel_id": fake.dm_channel_id(person.user_id),
            "timezone": person.tz,
            **options,
        }
        return await services.store.save_subscription(
            kind="personal",
            team_id=TEAM,
            owner_user_id=person.user_id,
            send_time=send_time,
            **fields,
        )

    return subscribe


@pytest.fixture
def lab_channel(services: Services) -> Subscribe:
    """A lab digest in a channel, run by `owner`."""

    async def subscribe(
        owner: Person,
        channel_id: str = "C0STRUCT",
        lab_id: int = STRUCTURAL,
        lab_name: str = "Structural Biology Lab",
        send_time: str = "08:00",
        timezone: str = "Europe/London",
        **options: Any,
    ) -> Subscription:
        return await services.store.save_subscription(
            kind="channel",
            team_id=TEAM,
            owner_user_id=owner.user_id,
            channel_id=channel_id,
            send_time=send_time,
            timezone=timezone,
            lab_id=lab_id,
            lab_name=lab_name,
            **options,
        )

    return subscribe
