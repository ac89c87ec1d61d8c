"""A run reads only what its digests show, one account at a time, through the same per-user
cache as questions and the App Home."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from digest_world import KENJI, MORNING, PRIYA, STRUCTURAL, TODAY, digests_in

from bot.clustermarket.user_api import Requester
from bot.digest.compose import day_window
from bot.digest.fetching import Day, lab_bookings, own_bookings
from bot.digest.runner import DigestRunner
from bot.fake_slack import FakeSlack
from bot.sandbox import Sandbox
from bot.services import Services

LONDON = ZoneInfo("Europe/London")


async def test_a_personal_digest_reads_its_owners_bookings_as_the_home_tab_keeps_them(
    runner: DigestRunner, link, personal, fake: FakeSlack, sandbox: Sandbox, services: Services
) -> None:
    await link(KENJI)
    await personal(KENJI)
    assert (await runner.run_due(MORNING)).sent == 1
    fetched = await own_bookings(services.clustermarket, Requester(KENJI.cm_user_id))(KENJI.key)
    visible = sandbox.data.visible_bookings(KENJI.cm_user_id)
    own = [booking for booking in visible if booking.requester_id == KENJI.cm_user_id]
    assert {booking.id for booking in fetched.bookings} == {booking.id for booking in own}
    assert len(own) < len(visible) / 5  # the account's other bookings are not kept
    sandbox.stats.reset()
    upcoming = await services.answerer.next_bookings(KENJI.key, MORNING)  # the App Home's list
    assert upcoming and sandbox.stats.total("GET /v1/bookings") == 0  # the digest's fetch
    assert len(digests_in(fake, KENJI.user_id)) == 1


async def test_a_channel_digest_reads_only_the_bookings_of_its_days(
    link, sandbox: Sandbox, services: Services
) -> None:
    await link(PRIYA)
    days = [Day(TODAY, LONDON), Day(TODAY + dt.timedelta(days=1), ZoneInfo("Asia/Tokyo"))]
    fetched = await lab_bookings(services.clustermarket, STRUCTURAL, days)(PRIYA.key)
    start = day_window(TODAY, LONDON).start
    end = day_window(days[1].day, days[1].tz).end
    lab = sandbox.data.visible_bookings(PRIYA.cm_user_id, frozenset({STRUCTURAL}))
    touching = {booking.id for booking in lab if booking.start <= end and booking.end >= start}
    assert {booking.id for booking in fetched.bookings} == touching
    assert 0 < len(touching) < len(lab) / 10
    assert fetched.equipment  # with the lab's instruments, for their statuses
