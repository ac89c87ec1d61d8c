"""A sandbox Clustermarket (today: Wednesday 25 March 2026), a fake Slack and the services
between them, with people linked by granted tokens: what the notifier tests stand on.

Zoë's day on the 25th (UTC, London is on GMT): NanoDrop 09:30–10:00 (7974013) and 10:30–11:00
(7983893), qPCR 14:00–16:30 (7974429); on the 26th two requests at 09:00 (7981960 and
7982406). The notifier is run at chosen instants (`run_due(now)`), never at the real time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from notify_world import MARGARET, PEOPLE, TEAM, TODAY, WEB_URL, ZOE, Person
from pydantic import SecretStr

from bot.clustermarket.tokens import TokenSet
from bot.config import Settings
from bot.fake_slack import FakeSlack
from bot.notify.runner import NotifyRunner
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.services import Services

__all__ = ["MARGARET", "ZOE"]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(today=TODAY) as running:
        yield running


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack(team_id=TEAM)
    for person in PEOPLE:
        slack.add_user(person.user_id, name=person.name, real_name=person.name, tz=person.tz)
    async with slack:
        yield slack


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


@pytest.fixture
async def services(sandbox: Sandbox, fake: FakeSlack, tmp_path: Path) -> AsyncIterator[Services]:
    built = await Services.build(
        settings_for(sandbox, fake, tmp_path),
        busy_timeout=0.3,
        backoff_base=0.001,
        backoff_cap=0.005,
        max_attempts=2,
    )
    yield built
    await built.aclose()


@pytest.fixture
def runner(services: Services) -> NotifyRunner:
    return NotifyRunner(services)


Link = Callable[[Person], Awaitable[None]]


@pytest.fixture
def link(sandbox: Sandbox, services: Services) -> Link:
    """Link a person's Slack user to their sandbox account (tokens granted directly), with
    their Slack zone known."""

    async def link_person(person: Person) -> None:
        grant = sandbox.grant_tokens(person.cm_user_id)
        tokens = TokenSet(
            access_token=str(grant["access_token"]),
            refresh_token=str(grant["refresh_token"]),
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=3650),
            scopes=str(grant.get("scope", "")),
        )
        await services.store.save_link(
            person.key, cm_user_id=person.cm_user_id, cm_user_name=person.name, tokens=tokens
        )
        await services.store.cache_tz(person.key, person.tz)

    return link_person
