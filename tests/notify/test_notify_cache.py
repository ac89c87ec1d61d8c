"""The notifier reads through the answers' per-user cache: a poll right after a question costs
no request, nor does a question right after a poll, and only requests that reach Clustermarket
count against the notifier's budget."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from notify_world import ZOE, ClockedRunner, Link, SimulatedTime, at

from bot.answers.answerer import Asker
from bot.questions.intents import Bookings
from bot.questions.when import When
from bot.sandbox import Sandbox
from bot.services import Services


def asked_at(moment_hour: int) -> Asker:
    return Asker(ZOE.key, ZoneInfo(ZOE.tz), at(moment_hour))


async def test_a_poll_after_a_question_and_a_question_after_a_poll_cost_no_request(
    services: Services,
    sandbox: Sandbox,
    runner: ClockedRunner,
    link: Link,
    sim_time: SimulatedTime,
) -> None:
    await link(ZOE)
    sim_time.now = at(7)
    await services.answerer.answer(Bookings(When(day="today")), asked_at(7))  # "my bookings"
    await services.answerer.out_of_service(ZOE.key)  # the App Home flags instruments
    asked = sandbox.stats.total("GET /v1/")
    polled = await runner.run_due(at(7))  # the same instant: Zoë's answers are still kept
    assert polled.full_polls == 1 and polled.requests == 0
    assert sandbox.stats.total("GET /v1/") == asked
    assert await services.store.requests_spent(at(7)) == 0  # reserved, unused, given back

    fresh = await runner.run_due(at(8), poll_all=True)  # an hour on: nothing kept is fresh
    assert fresh.full_polls == 1 and fresh.requests == sandbox.stats.total("GET /v1/") - asked
    assert await services.store.requests_spent(at(8)) == fresh.requests > 0
    before = sandbox.stats.total("GET /v1/")
    await services.answerer.answer(Bookings(When(day="today")), asked_at(8))
    assert sandbox.stats.total("GET /v1/") == before
