"""A digest turned on after its time of day starts the next day: personal and channel, in
what `/cm digest on` says, in the scheduler's runs and in `cmbot digest run-due`."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from digest_world import PRIYA, TEAM, TODAY, digests_in

from bot.digest import cli
from bot.digest.commands import digest_reply
from bot.digest.runner import DigestRunner
from bot.digest.schedule import first_day, next_send
from bot.fake_slack import FakeSlack
from bot.questions.commands import ChannelDigestOn, DigestOff, DigestOn
from bot.services import Services

LONDON = ZoneInfo("Europe/London")  # on GMT in the sandbox's week (until 29 March)
EIGHT = dt.time(8, 0)


def at(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


EVENING = at(19)
EARLY = at(7)
TOMORROW_MORNING = at(8, 5, dt.date(2026, 3, 26))


def test_the_first_day_is_today_only_while_the_time_is_still_to_come() -> None:
    london = LONDON
    assert first_day(at(7, 59), EIGHT, london) == TODAY
    assert first_day(at(8, 0), EIGHT, london) == TODAY  # the very instant still counts
    assert first_day(at(8, 1), EIGHT, london) == dt.date(2026, 3, 26)
    # 22:30 in London on the 28th is 07:30 on the 29th in Tokyo, whose 08:00 is to come
    assert first_day(at(22, 30, dt.date(2026, 3, 28)), EIGHT, ZoneInfo("Asia/Tokyo")) == (
        dt.date(2026, 3, 29)
    )
    tomorrow = dt.date(2026, 3, 26)
    assert next_send(EVENING, EIGHT, london, starts=tomorrow).date() == tomorrow
    assert next_send(at(8, 30), EIGHT, london, starts=tomorrow).date() == tomorrow
    friday = dt.date(2026, 3, 27)
    weekend_start = next_send(at(19, 0, friday), EIGHT, london, skip_weekends=True, starts=friday)
    assert weekend_start.date() == friday  # already due: goes out at the next tick


async def test_a_personal_digest_turned_on_in_the_evening_starts_tomorrow(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(PRIYA)
    with time_machine.travel(EVENING, tick=False):
        reply = await digest_reply(services, DigestOn(EIGHT), PRIYA.key, None)
    assert "First: tomorrow at 08:00" in str(reply.blocks)
    runner = DigestRunner(services)
    evening = await runner.run_due(EVENING + dt.timedelta(minutes=1))
    assert (evening.due, evening.sent, evening.not_due) == (0, 0, 1)
    assert (await runner.run_due(TOMORROW_MORNING)).sent == 1
    assert len(digests_in(fake, PRIYA.user_id)) == 1


async def test_turned_on_before_its_time_the_first_is_today(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(PRIYA)
    with time_machine.travel(EARLY, tick=False):
        reply = await digest_reply(services, DigestOn(EIGHT), PRIYA.key, None)
    assert "First: today at 08:00" in str(reply.blocks)
    assert (await DigestRunner(services).run_due(at(8, 5))).sent == 1


async def test_a_channel_digest_set_up_in_the_evening_starts_tomorrow(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(PRIYA)
    with time_machine.travel(EVENING, tick=False):
        reply = await digest_reply(
            services, ChannelDigestOn(EIGHT, "structural"), PRIYA.key, "C0STRUCT"
        )
    assert "First: tomorrow at 08:00" in str(reply.blocks)
    [notice] = fake.messages_in("C0STRUCT")
    assert "First: tomorrow at 08:00" in str(notice.blocks)
    runner = DigestRunner(services)
    assert (await runner.run_due(EVENING + dt.timedelta(minutes=1))).sent == 0
    assert (await runner.run_due(TOMORROW_MORNING)).sent == 1
    assert len(digests_in(fake, "C0STRUCT")) == 1


async def test_moving_a_digest_past_now_starts_it_tomorrow_and_keeping_it_changes_nothing(
    services: Services, link
) -> None:
    await link(PRIYA)
    with time_machine.travel(EARLY, tick=False):
        await digest_reply(services, DigestOn(dt.time(21, 0)), PRIYA.key, None)
    with time_machine.travel(at(9, 0), tick=False):
        moved = await digest_reply(services, DigestOn(dt.time(8, 30)), PRIYA.key, None)
        kept = await digest_reply(services, DigestOn(None), PRIYA.key, None)  # same time again
    assert "First: tomorrow at 08:30" in str(moved.blocks)
    assert "Next: tomorrow at 08:30" in str(kept.blocks)
    subscription = await services.store.find_subscription(
        kind="personal", team_id=TEAM, owner_user_id=PRIYA.user_id
    )
    assert subscription is not None and subscription.first_day == dt.date(2026, 3, 26)


async def test_off_and_on_again_the_same_day_never_sends_the_day_twice(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(PRIYA)
    runner = DigestRunner(services)
    with time_machine.travel(EARLY, tick=False):
        await digest_reply(services, DigestOn(EIGHT), PRIYA.key, None)
    assert (await runner.run_due(at(8, 5))).sent == 1
    with time_machine.travel(at(9, 0), tick=False):
        off = await digest_reply(services, DigestOff(), PRIYA.key, None)
        assert "is off" in off.text
        # on again at a time still to come today: today's post, already there, is adopted
        await digest_reply(services, DigestOn(dt.time(10, 0)), PRIYA.key, None)
    report = await runner.run_due(at(10, 5))
    assert (report.sent, report.already_sent) == (0, 1)
    assert len(digests_in(fake, PRIYA.user_id)) == 1


@pytest.mark.usefixtures("cron_environment")
async def test_run_due_from_cron_keeps_the_first_day_too(
    services: Services, link, fake: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    await link(PRIYA)
    with time_machine.travel(EVENING, tick=False):
        await digest_reply(services, DigestOn(EIGHT), PRIYA.key, None)
    assert await asyncio.to_thread(cli.run_due_command, EVENING + dt.timedelta(hours=2)) == 0
    assert "sent 0" in capsys.readouterr().out
    assert await asyncio.to_thread(cli.run_due_command, TOMORROW_MORNING) == 0
    assert "sent 1" in capsys.readouterr().out
    assert len(digests_in(fake, PRIYA.user_id)) == 1
