"""A sandbox Clustermarket (today: Wednesday 25 March 2026), a fake Slack and the services
between them, with people linked by granted tokens: what the notifier tests stand on.

Zoë's day on the 25th (UTC, London is on GMT): NanoDrop 09:30–10:00 (7974013) and 10:30–11:00
(7983893), qPCR 14:00–16:30 (7974429); on the 26th two requests at 09:00 (7981960 and
7982406). The notifier is run at chosen instants (`run_due(now)`), never at the real time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from granted import long_lived_tokens
from notify_world import (
    PEOPLE,
    TEAM,
    TODAY,
    ClockedRunner,
    Link,
    Person,
    SimulatedTime,
    settings_for,
)

from bot.fake_slack import FakeSlack
from bot.sandbox import Sandbox
from bot.services import Services


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


@pytest.fixture
def sim_time() -> SimulatedTime:
    return SimulatedTime()


@pytest.fixture
async def services(
    sandbox: Sandbox, fake: FakeSlack, tmp_path: Path, sim_time: SimulatedTime
) -> AsyncIterator[Services]:
    built = await Services.build(
        settings_for(sandbox, fake, tmp_path),
        busy_timeout=0.3,
        backoff_base=0.001,
        backoff_cap=0.005,
        max_attempts=2,
        clock=sim_time,
    )
    yield built
    await built.aclose()


@pytest.fixture
def runner(services: Services, sim_time: SimulatedTime) -> ClockedRunner:
    return ClockedRunner(services, sim_time)


@pytest.fixture
def link(sandbox: Sandbox, services: Services) -> Link:
    """Link a person's Slack user to their sandbox account (tokens granted directly), with
    their Slack zone known."""

    async def link_person(person: Person) -> None:
        tokens = long_lived_tokens(sandbox, person.cm_user_id)
        await services.store.save_link(
            person.key, cm_user_id=person.cm_user_id, cm_user_name=person.name, tokens=tokens
        )
        await services.store.cache_tz(person.key, person.tz)

    return link_person
