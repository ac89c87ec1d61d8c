"""Every kind of notice end to end: the sandbox's Clustermarket changes (its moves), the
notifier polls it over HTTP at chosen instants, and the DMs land in the fake Slack once."""

from __future__ import annotations

import datetime as dt

from notify_world import (
    MARGARET,
    NANODROP_0930,
    NANODROP_1030,
    QPCR,
    QPCR_1400,
    REQUEST_EPPENDORF,
    REQUEST_VITROBOT,
    WEB_URL,
    ZOE,
    Link,
    Person,
    at,
    dms,
    texts,
)

from bot.fake_slack import FakeSlack
from bot.notify.runner import NotifyRunner
from bot.sandbox import Sandbox
from bot.services import Services


async def test_a_reminder_before_the_booking_once_and_not_before(
    services: Services, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    await services.store.set_reminders(ZOE.key, 15)
    first = await runner.run_due(at(7))
    assert first.full_polls == 1 and dms(fake, ZOE) == []  # the baseline: nothing to tell
    await runner.run_due(at(9, 14))
    assert dms(fake, ZOE) == []
    due = await runner.run_due(at(9, 15))
    assert due.sending.sent == 1
    [reminder] = dms(fake, ZOE)
    assert reminder.text.startswith("NanoDrop One starts in 15 min: today 09:30–10:00")
    assert "G.12 QC Lab" in str(reminder.blocks)
    assert f"{WEB_URL}/bookings/{NANODROP_0930}" in str(reminder.blocks)
    assert reminder.metadata is not None and reminder.metadata["event_type"] == "cm_notice"
    await runner.run_due(at(9, 15))
    await runner.run_due(at(9, 20))
    assert len(dms(fake, ZOE)) == 1


async def test_each_change_is_told_once_and_the_first_poll_tells_nothing(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    sandbox.move_booking(REQUEST_VITROBOT, status="declined")  # before the first poll: old news
    await runner.run_due(at(7))
    assert dms(fake, ZOE) == []
    sandbox.move_booking(REQUEST_EPPENDORF, status="approved")
    sandbox.move_booking(QPCR_1400, status="cancelled", cancelled_by=MARGARET.cm_user_id)
    later = at(12)
    sandbox.move_booking(NANODROP_1030, start=later, end=later + dt.timedelta(minutes=30))
    report = await runner.run_due(at(8, 5), poll_all=True)
    assert report.sending.sent == 3
    told = "\n".join(texts(dms(fake, ZOE)))
    assert "Eppendorf 5810 R Centrifuge was approved: tomorrow 09:00–10:00" in told
    assert "Bio-Rad CFX96 Touch qPCR was cancelled: today 14:00–16:30" in told
    assert "NanoDrop One moved: now today 12:00–12:30" in told
    await runner.run_due(at(8, 10), poll_all=True)
    assert len(dms(fake, ZOE)) == 3


async def test_own_cancellations_and_switched_off_kinds_are_not_told(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    await services.store.set_notice_kind(ZOE.key, "approved", False)
    await runner.run_due(at(7))
    sandbox.move_booking(QPCR_1400, status="cancelled", cancelled_by=ZOE.cm_user_id)
    sandbox.move_booking(REQUEST_EPPENDORF, status="approved")
    sandbox.move_booking(REQUEST_VITROBOT, status="declined")
    await runner.run_due(at(8), poll_all=True)
    assert texts(dms(fake, ZOE)) == [
        "Your booking of Thermo Scientific Vitrobot Mark IV was declined: tomorrow 09:00–13:00"
    ]


async def test_an_instrument_booked_this_week_going_into_maintenance(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    await runner.run_due(at(7))
    sandbox.set_availability(QPCR, "Under Maintenance", at=at(7, 30))
    sandbox.set_clock(at(7, 45))
    await runner.run_due(at(7, 45), poll_all=True)
    [notice] = dms(fake, ZOE)
    assert notice.text == (
        "Bio-Rad CFX96 Touch qPCR is now Under Maintenance in Clustermarket, and you have it booked"
    )
    assert "today 14:00–16:30" in str(notice.blocks)


async def test_a_moved_booking_is_reminded_at_its_new_time_and_a_cancelled_one_never(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    await services.store.set_notice_kind(ZOE.key, "moved", False)
    await services.store.set_notice_kind(ZOE.key, "cancelled", False)
    await services.store.set_reminders(ZOE.key, 15)
    await runner.run_due(at(7))
    sandbox.move_booking(NANODROP_0930, status="cancelled")
    noon = at(12)
    sandbox.move_booking(NANODROP_1030, start=noon, end=noon + dt.timedelta(minutes=30))
    for minute in (15, 16):
        await runner.run_due(at(9, minute))  # the 09:30 is no more: a quick look first
    await runner.run_due(at(10, 15))  # the 10:30 is at noon now
    assert dms(fake, ZOE) == []
    await runner.run_due(at(11, 45))
    assert texts(dms(fake, ZOE)) == ["NanoDrop One starts in 15 min: today 12:00–12:30"]


async def test_the_end_nudge_ten_minutes_before_a_booking_ends(
    services: Services, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    await services.store.set_reminders(ZOE.key, 15)
    await services.store.set_end_nudge(ZOE.key, True)
    await runner.run_due(at(13))

    def qpcr() -> list[str]:
        return [text for text in texts(dms(fake, ZOE)) if "qPCR" in text]

    await runner.run_due(at(13, 45))  # the qPCR 14:00–16:30 starts in 15 minutes
    await runner.run_due(at(16, 19))
    assert len(qpcr()) == 1
    await runner.run_due(at(16, 20))
    await runner.run_due(at(16, 25))
    assert qpcr() == [
        "Bio-Rad CFX96 Touch qPCR starts in 15 min: today 14:00–16:30",
        "Bio-Rad CFX96 Touch qPCR ends in 10 min: today 14:00–16:30",
    ]


async def test_someone_linking_to_an_account_already_polled_is_told_only_what_comes_after(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    second = Person("U0ZOE2", "Zoë on a second Slack", ZOE.cm_user_id, ZOE.tz)
    fake.add_user(second.user_id, name=second.name, real_name=second.name, tz=second.tz)
    await link(ZOE)
    await runner.run_due(at(7))
    sandbox.move_booking(REQUEST_EPPENDORF, status="approved")
    await link(second)  # links after the approval: it is old news to them
    await runner.run_due(at(8), poll_all=True)
    assert len(dms(fake, ZOE)) == 1 and dms(fake, second) == []
    sandbox.move_booking(REQUEST_VITROBOT, status="declined")
    await runner.run_due(at(9), poll_all=True)
    assert len(dms(fake, ZOE)) == 2
    assert texts(dms(fake, second)) == [
        "Your booking of Thermo Scientific Vitrobot Mark IV was declined: tomorrow 09:00–13:00"
    ]
