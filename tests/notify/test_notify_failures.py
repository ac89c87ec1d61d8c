"""What goes wrong, and what the notifier does: a crash between posting and recording (found
in Slack, not resent), a post Slack refuses or a DM it will not open (failed, retried, sent
once), history it will not show (no resend until it can be read), a reminder that could not
go before its booking began (dropped, not late), Clustermarket failing (tried again later,
nothing lost), a person who disconnects or switches reminders off (what was planned for them
goes nowhere), an unreadable stored poll (a fresh baseline), two runs at once (one each)."""

from __future__ import annotations

import asyncio

import pytest
from notify_world import NANODROP_0930, ZOE, Link, at, dms

from bot.digest.plans import retry_delay
from bot.fake_slack import FakeSlack
from bot.notify.runner import NotifyRunner
from bot.sandbox import Sandbox
from bot.services import Services
from bot.store.notify import account_of


class Crash(BaseException):
    """The process going down (not an error any handler should catch)."""


async def reminded(services: Services, link: Link, runner: NotifyRunner) -> None:
    """Zoë linked with reminders 15 minutes ahead, her account already polled at 07:00."""
    await link(ZOE)
    await services.store.set_reminders(ZOE.key, 15)
    await runner.run_due(at(7))


async def test_a_post_that_landed_before_a_crash_is_found_in_slack_not_resent(
    services: Services,
    fake: FakeSlack,
    runner: NotifyRunner,
    link: Link,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await reminded(services, link, runner)

    async def crash(*args: object, **kwargs: object) -> None:
        raise Crash

    monkeypatch.setattr(services.store, "record_notice", crash)
    with pytest.raises(Crash):
        await runner.run_due(at(9, 15))
    monkeypatch.undo()
    assert len(dms(fake, ZOE)) == 1  # posted, never recorded
    assert (await runner.run_due(at(9, 16))).sending.in_progress == 1  # a fresh claim: wait
    report = await runner.run_due(at(9, 26))  # past the stale window
    assert report.sending.recovered == 1 and report.sending.sent == 0
    assert len(dms(fake, ZOE)) == 1


async def test_a_refused_post_is_retried_and_sent_once(
    services: Services, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await reminded(services, link, runner)
    fake.fail_next("chat.postMessage", error="internal_error")
    failed = await runner.run_due(at(9, 15))
    assert failed.sending.failed == 1 and dms(fake, ZOE) == []
    assert (await runner.run_due(at(9, 16))).sending.retry_later == 1
    again = await runner.run_due(at(9, 15, 30) + retry_delay(1))
    assert again.sending.sent == 1 and len(dms(fake, ZOE)) == 1


async def test_unreadable_history_after_a_crash_means_no_resend_until_it_can_be_read(
    services: Services, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await reminded(services, link, runner)
    fake.fail_next("chat.postMessage", error="internal_error")
    await runner.run_due(at(9, 15))  # failed, but its post had begun: Slack may have it
    fake.fail_next("conversations.history", error="internal_error")
    second = await runner.run_due(at(9, 16, 30))
    assert second.sending.failed == 1 and dms(fake, ZOE) == []
    third = await runner.run_due(at(9, 17) + retry_delay(2))
    assert third.sending.sent == 1 and len(dms(fake, ZOE)) == 1


async def test_a_reminder_that_cannot_go_before_the_booking_starts_is_dropped(
    services: Services, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await reminded(services, link, runner)
    fake.fail_next("conversations.open", count=5, error="user_disabled")
    failed = await runner.run_due(at(9, 15))
    assert failed.sending.failed == 1
    late = await runner.run_due(at(9, 31))
    assert late.sending.dropped == 1 and dms(fake, ZOE) == []
    [notice] = await services.store.notices_between(at(9), at(10))
    assert notice.status == "dropped"


async def test_clustermarket_failing_retries_the_poll_later_and_loses_nothing(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    await runner.run_due(at(7))
    sandbox.move_booking(NANODROP_0930, status="cancelled")
    sandbox.faults.fail_next(20, status=503)
    failed = await runner.run_due(at(8), poll_all=True)
    assert failed.poll_failures == 1 and dms(fake, ZOE) == []
    sandbox.faults.clear()
    assert (await runner.run_due(at(8, 2))).full_polls == 0  # tried again in five minutes
    later = await runner.run_due(at(8, 5))
    assert later.quick_polls + later.full_polls == 1
    assert ["cancelled" in text for text in (m.text for m in dms(fake, ZOE))] == [True]


async def test_disconnecting_or_switching_off_stops_what_was_planned(
    services: Services, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await reminded(services, link, runner)
    fake.fail_next("chat.postMessage")
    await runner.run_due(at(9, 15))  # planned and failed once
    await services.store.set_reminders(ZOE.key, None)
    report = await runner.run_due(at(9, 15, 30) + retry_delay(1))
    assert report.sending.dropped == 1 and dms(fake, ZOE) == []


async def test_an_unreadable_stored_poll_is_a_fresh_baseline(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    await runner.run_due(at(7))
    link_now = await services.store.get_link(ZOE.key)
    assert link_now is not None
    account = account_of(link_now.cm_user_id, link_now.tokens.scopes)
    await services.store.run(
        "write",
        services.store.database.write,
        "UPDATE notify_accounts SET snapshot = '{not json' WHERE account = ?",
        (account,),
    )
    sandbox.move_booking(NANODROP_0930, status="cancelled")
    report = await runner.run_due(at(8), poll_all=True)
    assert report.full_polls == 1 and dms(fake, ZOE) == []  # nothing to compare with


async def test_two_runs_at_once_send_each_notice_once(
    services: Services, fake: FakeSlack, link: Link
) -> None:
    first, second = NotifyRunner(services), NotifyRunner(services)
    await reminded(services, link, first)
    await asyncio.gather(first.run_due(at(9, 15)), second.run_due(at(9, 15)))
    assert len(dms(fake, ZOE)) == 1
