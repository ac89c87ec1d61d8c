"""The request budget: never more than NOTIFY_MAX_REQUESTS_PER_MINUTE requests in a minute,
whatever is due; work that does not fit is deferred to the next minute, not dropped; a poll
bigger than a whole minute's budget is paced over several minutes. The run's clock is made
to pass minutes at once (a fake monotonic clock and sleep)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from notify_world import EMILY, KENJI, ZOE, ClockedRunner, Link, SimulatedTime, at, settings_for

from bot.fake_slack import FakeSlack
from bot.sandbox import Sandbox
from bot.services import Services

LIMIT = 20


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
async def services(
    sandbox: Sandbox, fake: FakeSlack, tmp_path: Path, sim_time: SimulatedTime
) -> AsyncIterator[Services]:
    settings = settings_for(sandbox, fake, tmp_path, NOTIFY_MAX_REQUESTS_PER_MINUTE=LIMIT)
    built = await Services.build(settings, backoff_base=0.001, backoff_cap=0.005, clock=sim_time)
    yield built
    await built.aclose()


def runner_with(services: Services, time: FakeTime) -> ClockedRunner:
    clock = SimulatedTime()
    return ClockedRunner(services, clock, monotonic=time.monotonic, sleep=time.sleep)


async def test_what_does_not_fit_waits_for_the_next_minute(
    services: Services, sandbox: Sandbox, link: Link
) -> None:
    await link(EMILY)  # 15 pages of bookings and the equipment list
    await link(KENJI)  # 8 pages and the list
    time = FakeTime()
    runner = runner_with(services, time)
    first = await runner.run_due(at(8))
    assert (first.full_polls, first.deferred) == (1, 1)
    assert runner.budget is not None and max(runner.budget.made.values()) <= LIMIT
    second = await runner.run_due(at(8, 1))
    assert (second.full_polls, second.deferred) == (1, 0)
    assert max(runner.budget.made.values()) <= LIMIT
    assert sandbox.stats.total("GET /v1/") <= first.requests + second.requests


async def test_a_poll_bigger_than_a_minute_learns_its_size_and_is_paced(
    services: Services, sandbox: Sandbox, link: Link
) -> None:
    await link(ZOE)  # 67 pages of bookings: more than three minutes' budget
    time = FakeTime()
    runner = runner_with(services, time)
    cut = await runner.run_due(at(8))
    assert cut.full_polls == 0 and cut.deferred == 1
    assert runner.budget is not None and sum(runner.budget.made.values()) == LIMIT
    paced = await runner.run_due(at(8, 1))
    assert paced.full_polls == 1
    minutes = runner.budget.made
    assert len(minutes) >= 4 and max(minutes.values()) <= LIMIT
    # every request sent was counted (one counted may have been cut short before it went)
    assert paced.requests <= sandbox.stats.total("GET /v1/") <= cut.requests + paced.requests
    assert await services.store.requests_spent(at(8, 1)) <= LIMIT
