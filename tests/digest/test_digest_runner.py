"""The runner against a sandbox Clustermarket and a fake Slack: exactly once per target and
local date, through reruns, crashes, 429s, broken links and upstream failures."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from pathlib import Path

import pytest
import time_machine
from db_faults import write_locked
from digest_world import (
    DANIEL,
    EMILY,
    KENJI,
    MARGARET,
    MORNING,
    PRIYA,
    STRUCTURAL,
    TODAY,
    TOKYO_LAB,
    ZOE,
    digests_in,
)

from bot.digest.plans import retry_delay
from bot.digest.runner import DigestRunner
from bot.fake_slack import FakeSlack
from bot.sandbox import Sandbox
from bot.services import Services

MINUTE = dt.timedelta(minutes=1)
LATER = MORNING + dt.timedelta(minutes=11)  # past the ten-minute stale window


class Crash(BaseException):
    """The process dying: not an error the runner handles."""


async def test_sends_each_digest_once_and_a_rerun_sends_nothing(
    runner: DigestRunner, link, personal, lab_channel, fake: FakeSlack
) -> None:
    for person in (PRIYA, KENJI):
        await link(person)
        await personal(person)
    await lab_channel(PRIYA)
    first = await runner.run_due(MORNING)
    assert (first.due, first.sent, first.failed) == (3, 3, 0)
    again = await runner.run_due(MORNING + MINUTE)
    assert (again.sent, again.already_sent) == (0, 3)
    assert len(digests_in(fake, PRIYA.user_id)) == 1
    assert len(digests_in(fake, KENJI.user_id)) == 1
    [post] = digests_in(fake, "C0STRUCT")
    assert post.metadata is not None
    assert post.metadata["event_payload"]["date"] == TODAY.isoformat()
    assert post.text.startswith("Structural Biology Lab · Wed 25 Mar")


async def test_not_due_before_the_local_send_time(
    runner: DigestRunner, link, personal, fake: FakeSlack
) -> None:
    await link(PRIYA)
    await personal(PRIYA, "09:00")
    report = await runner.run_due(MORNING)  # 08:05 in London
    assert (report.due, report.not_due) == (0, 1)
    assert digests_in(fake, PRIYA.user_id) == []


async def test_each_zone_gets_its_own_local_day(
    runner: DigestRunner, link, personal, fake: FakeSlack
) -> None:
    await link(KENJI)
    await link(EMILY)
    await personal(KENJI, include_empty=True)
    await personal(EMILY, include_empty=True)
    # 23:30 UTC on the 24th: 08:30 on the 25th in Tokyo, 19:30 on the 24th in New York
    await runner.run_due(dt.datetime(2026, 3, 24, 23, 30, tzinfo=dt.UTC))
    [kenji] = digests_in(fake, KENJI.user_id)
    [emily] = digests_in(fake, EMILY.user_id)
    assert kenji.metadata is not None and emily.metadata is not None
    assert kenji.metadata["event_payload"]["date"] == "2026-03-25"
    assert emily.metadata["event_payload"]["date"] == "2026-03-24"


async def test_empty_days_are_skipped_unless_asked_for(
    runner: DigestRunner, link, personal, fake: FakeSlack, services: Services
) -> None:
    await link(DANIEL)
    await link(EMILY)
    skipped = await personal(DANIEL)
    await personal(EMILY, "00:00", include_empty=True)
    now = dt.datetime(2026, 3, 25, 12, tzinfo=dt.UTC)  # 08:00 in New York
    report = await runner.run_due(now)
    assert (report.skipped_empty, report.sent) == (1, 1)
    assert digests_in(fake, DANIEL.user_id) == []
    [empty] = digests_in(fake, EMILY.user_id)
    assert "nothing booked" in empty.text
    # the skipped day is settled: no refetch every minute for the rest of the day
    delivery = await services.store.get_delivery(skipped.id, TODAY)
    assert delivery is not None and delivery.status == "sent" and delivery.message_ts is None
    assert (await runner.run_due(now + MINUTE)).already_sent == 2


async def test_weekends_are_skipped_on_request(
    runner: DigestRunner, link, personal, fake: FakeSlack
) -> None:
    await link(PRIYA)
    await link(KENJI)
    await personal(PRIYA, skip_weekends=True)
    await personal(KENJI, include_empty=True)
    saturday = dt.datetime(2026, 3, 28, 9, tzinfo=dt.UTC)
    report = await runner.run_due(saturday)
    assert (report.due, report.sent) == (1, 1)
    assert digests_in(fake, PRIYA.user_id) == []


async def test_the_dm_is_opened_when_only_the_user_is_known(
    runner: DigestRunner, link, personal, fake: FakeSlack
) -> None:
    await link(PRIYA)
    await personal(PRIYA, channel_id=PRIYA.user_id)
    fake.fail_next("conversations.open", error="user_disabled")
    refused = await runner.run_due(MORNING)
    assert refused.failed == 1 and refused.errors[0].startswith("NoDirectMessage")
    assert (await runner.run_due(MORNING + retry_delay(1))).sent == 1
    assert len(fake.calls_to("conversations.open")) == 2
    assert len(digests_in(fake, PRIYA.user_id)) == 1


async def test_a_zone_change_in_slack_is_followed(
    runner: DigestRunner, link, personal, fake: FakeSlack, services: Services
) -> None:
    await link(KENJI)
    await link(EMILY)
    kenji = await personal(KENJI, timezone="Europe/London")  # Slack says Asia/Tokyo
    emily = await personal(EMILY, "21:00", timezone="Asia/Tokyo", include_empty=True)  # New York
    # 12:30 UTC: due in both stored zones; in Tokyo Kenji's day is due too, but 21:00 in
    # New York (08:30 there) is not yet
    report = await runner.run_due(dt.datetime(2026, 3, 25, 12, 30, tzinfo=dt.UTC))
    assert (report.sent, report.due, report.not_due) == (1, 1, 1)
    [sent] = digests_in(fake, KENJI.user_id)
    assert "Asia/Tokyo" in str(sent.blocks)
    assert digests_in(fake, EMILY.user_id) == []
    for subscription, zone in ((kenji, "Asia/Tokyo"), (emily, "America/New_York")):
        moved = await services.store.get_subscription(subscription.id)
        assert moved is not None and moved.timezone == zone


async def test_rate_limited_posts_are_retried_and_still_sent_once(
    runner: DigestRunner, link, personal, lab_channel, fake: FakeSlack
) -> None:
    await link(PRIYA)
    await personal(PRIYA)
    await lab_channel(PRIYA)
    fake.rate_limit_next("chat.postMessage", count=3, retry_after=0)
    report = await runner.run_due(MORNING)
    assert (report.sent, report.failed) == (2, 0)
    assert len(digests_in(fake, PRIYA.user_id)) == 1
    assert len(digests_in(fake, "C0STRUCT")) == 1
    assert len(fake.calls_to("chat.postMessage")) == 5


async def test_rate_limits_beyond_patience_fail_and_retry_on_a_later_tick(
    services: Services, link, personal, fake: FakeSlack
) -> None:
    runner = DigestRunner(services, poster=None)
    runner.poster.retry_handlers[0].max_retry_count = 0
    await link(PRIYA)
    await personal(PRIYA)
    fake.rate_limit_next("chat.postMessage", count=1, retry_after=0)
    assert (await runner.run_due(MORNING)).failed == 1
    assert digests_in(fake, PRIYA.user_id) == []
    assert (await runner.run_due(MORNING + MINUTE)).sent == 1
    assert len(digests_in(fake, PRIYA.user_id)) == 1


async def test_a_claim_left_by_a_crash_before_posting_is_sent_once_after_the_stale_window(
    runner: DigestRunner, link, personal, fake: FakeSlack, services: Services
) -> None:
    await link(PRIYA)
    subscription = await personal(PRIYA)
    assert await services.store.claim_delivery(subscription.id, TODAY, now=MORNING) is not None
    # the crashed worker's claim is fresh: nobody else sends
    assert (await runner.run_due(MORNING + MINUTE)).in_progress == 1
    assert digests_in(fake, PRIYA.user_id) == []
    report = await runner.run_due(LATER)
    assert (report.sent, report.recovered_from_slack) == (1, 0)
    assert not fake.calls_to("conversations.history")  # it never began posting: no need to look
    assert len(digests_in(fake, PRIYA.user_id)) == 1


async def test_a_post_that_landed_before_a_crash_is_found_in_slack_not_resent(
    services: Services,
    link,
    personal,
    lab_channel,
    fake: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = DigestRunner(services, concurrency=1)  # one at a time: the crash hits the first
    await link(PRIYA)
    mine = await personal(PRIYA)
    await lab_channel(PRIYA)

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash

    monkeypatch.setattr(services.store, "record_delivery", crash)
    with pytest.raises(Crash):
        await runner.run_due(MORNING)
    monkeypatch.undo()
    # posted, never recorded; the channel digest was at most claimed as the process went down
    assert len(digests_in(fake, PRIYA.user_id)) == 1
    assert digests_in(fake, "C0STRUCT") == []
    claimed = await services.store.get_delivery(mine.id, TODAY)
    assert claimed is not None and claimed.status == "claimed"
    assert claimed.post_started_at is not None
    after_restart = await runner.run_due(MORNING + MINUTE)
    assert after_restart.in_progress >= 1  # the crashed claim is still fresh: nobody resends
    assert after_restart.in_progress + after_restart.sent == 2
    report = await runner.run_due(LATER)
    assert report.recovered_from_slack == 1
    assert report.recovered_from_slack + report.sent + report.already_sent == 2
    [recorded] = digests_in(fake, PRIYA.user_id)
    assert len(digests_in(fake, "C0STRUCT")) == 1
    delivery = await services.store.get_delivery(mine.id, TODAY)
    assert delivery is not None and delivery.status == "sent"
    assert delivery.message_ts == recorded.ts
    assert (await runner.run_due(LATER + MINUTE)).already_sent == 2


async def test_a_post_whose_answer_never_came_is_found_on_the_retry(
    services: Services, link, personal, fake: FakeSlack
) -> None:
    runner = DigestRunner(services, post_timeout=0.05)
    await link(PRIYA)
    subscription = await personal(PRIYA)
    fake.latency = 0.3  # Slack stores the post, but only after the runner stopped waiting
    report = await runner.run_due(MORNING)
    assert report.failed == 1
    await fake.wait_for(lambda: digests_in(fake, PRIYA.user_id))
    fake.latency = 0.0
    retry = await runner.run_due(MORNING + retry_delay(1))
    assert (retry.recovered_from_slack, retry.sent) == (1, 0)
    assert len(digests_in(fake, PRIYA.user_id)) == 1
    delivery = await services.store.get_delivery(subscription.id, TODAY)
    assert delivery is not None and delivery.status == "sent" and delivery.attempts == 2


async def test_unreadable_history_after_a_crash_means_no_resend_until_it_can_be_read(
    runner: DigestRunner, link, personal, fake: FakeSlack, services: Services
) -> None:
    await link(PRIYA)
    subscription = await personal(PRIYA)
    await services.store.claim_delivery(subscription.id, TODAY, now=MORNING)
    await services.store.start_posting(subscription.id, TODAY)
    fake.fail_next("conversations.history", error="not_in_channel")
    report = await runner.run_due(LATER)
    assert report.failed == 1
    assert digests_in(fake, PRIYA.user_id) == []
    delivery = await services.store.get_delivery(subscription.id, TODAY)
    assert delivery is not None and "not_in_channel" in (delivery.last_error or "")
    assert (await runner.run_due(LATER + MINUTE)).retry_later == 1  # second attempt: 2 min
    report = await runner.run_due(LATER + retry_delay(2))
    assert report.sent == 1  # history readable now, and the post is not there
    assert len(digests_in(fake, PRIYA.user_id)) == 1


async def test_a_broken_link_pauses_the_channel_digest_and_tells_the_owner_once(
    runner: DigestRunner,
    link,
    personal,
    lab_channel,
    fake: FakeSlack,
    sandbox: Sandbox,
    services: Services,
) -> None:
    await link(PRIYA)
    await link(KENJI)
    await personal(KENJI)
    lab = await lab_channel(PRIYA)
    await personal(PRIYA)
    sandbox.revoke_user(PRIYA.cm_user_id)
    sandbox.expire_access_tokens(PRIYA.cm_user_id)
    report = await runner.run_due(MORNING)
    assert report.sent == 1  # Kenji's still goes out
    assert report.paused == 2
    assert len(digests_in(fake, KENJI.user_id)) == 1
    assert digests_in(fake, "C0STRUCT") == []
    paused = await services.store.get_subscription(lab.id)
    assert paused is not None and paused.status == "paused"
    notices = [m for m in fake.messages_in(PRIYA.user_id) if "is paused because" in m.text]
    assert len(notices) == 1
    assert "Structural Biology Lab" in notices[0].text
    # the next ticks neither retry the channel nor tell the owner again
    again = await runner.run_due(MORNING + MINUTE)
    assert (again.sent, again.due) == (0, 2)
    assert len([m for m in fake.messages_in(PRIYA.user_id) if "is paused" in m.text]) == 1


async def test_upstream_failure_of_one_account_does_not_stop_the_others_and_is_retried(
    services: Services, link, personal, fake: FakeSlack, sandbox: Sandbox
) -> None:
    runner = DigestRunner(services, concurrency=1)  # in id order: Priya's fetch goes first
    for person in (PRIYA, KENJI):
        await link(person)
        await personal(person)
    sandbox.faults.fail_next(4, status=503)  # both attempts at each of Priya's two lists
    report = await runner.run_due(MORNING)
    assert (report.failed, report.sent) == (1, 1)
    assert len(digests_in(fake, KENJI.user_id)) == 1
    assert (await runner.run_due(MORNING + dt.timedelta(seconds=30))).retry_later == 1
    retried = await runner.run_due(MORNING + retry_delay(1))
    assert retried.sent == 1
    assert len(digests_in(fake, PRIYA.user_id)) == 1


async def test_one_fetch_per_account_shared_only_within_that_account(
    runner: DigestRunner, link, personal, lab_channel, fake: FakeSlack, sandbox: Sandbox
) -> None:
    await link(KENJI)
    await link(PRIYA)
    await personal(KENJI)
    await personal(PRIYA)
    await lab_channel(PRIYA, channel_id="C0STRUCT")
    await lab_channel(PRIYA, channel_id="C0STRUCT2")  # the same lab posted in two channels
    sandbox.stats.reset()
    report = await runner.run_due(MORNING)
    assert report.sent == 4
    data = sandbox.data

    def pages(user_id: int, labs: frozenset[int] | None = None) -> int:
        return max(1, math.ceil(len(data.visible_bookings(user_id, labs)) / 100))

    expected = (
        pages(KENJI.cm_user_id)
        + pages(PRIYA.cm_user_id)
        + pages(PRIYA.cm_user_id, frozenset({STRUCTURAL}))
    )
    assert sandbox.stats.total("GET /v1/bookings") == expected
    # each DM has its own account's bookings
    [kenji] = digests_in(fake, KENJI.user_id)
    [priya] = digests_in(fake, PRIYA.user_id)
    assert "Asia/Tokyo" in str(kenji.blocks) and "Zeiss LSM 980" in str(kenji.blocks)
    assert "Europe/London" in str(priya.blocks) and "Zeiss LSM 980" not in str(priya.blocks)


async def test_two_slack_users_of_one_account_share_its_fetch(
    runner: DigestRunner, link, personal, fake: FakeSlack, sandbox: Sandbox, services: Services
) -> None:
    await link(KENJI)
    await personal(KENJI)
    twin = KENJI.key.__class__(KENJI.key.team_id, "U0KENJI2")
    fake.add_user("U0KENJI2", name="kenji2", real_name="Kenji (laptop)", tz="Asia/Tokyo")
    await services.store.save_link(
        twin,
        cm_user_id=KENJI.cm_user_id,
        cm_user_name="Kenji",
        tokens=(await services.store.get_link(KENJI.key)).tokens,  # type: ignore[union-attr]
    )
    await services.store.save_subscription(
        kind="personal",
        team_id=twin.team_id,
        owner_user_id=twin.user_id,
        channel_id=fake.dm_channel_id(twin.user_id),
        send_time="08:00",
        timezone="Asia/Tokyo",
    )
    sandbox.stats.reset()
    assert (await runner.run_due(MORNING)).sent == 2
    pages = math.ceil(len(sandbox.data.visible_bookings(KENJI.cm_user_id)) / 100)
    assert sandbox.stats.total("GET /v1/bookings") == pages


async def test_a_relink_resumes_the_channel_digest_the_same_day(
    runner: DigestRunner, link, lab_channel, fake: FakeSlack, sandbox: Sandbox, services: Services
) -> None:
    from bot.digest.links import on_linked

    await link(KENJI)
    lab = await lab_channel(
        KENJI,
        channel_id="C0TOKYO",
        lab_id=TOKYO_LAB,
        lab_name="Tokyo Imaging",
        timezone="Asia/Tokyo",
    )
    sandbox.revoke_user(KENJI.cm_user_id)
    sandbox.expire_access_tokens(KENJI.cm_user_id)
    assert (await runner.run_due(MORNING)).paused == 1
    await link(KENJI)
    await on_linked(services, KENJI.key)
    resumed = await services.store.get_subscription(lab.id)
    assert resumed is not None and resumed.status == "active"
    assert (await runner.run_due(MORNING + MINUTE)).sent == 1
    assert len(digests_in(fake, "C0TOKYO")) == 1


async def test_two_runners_at_once_send_each_digest_once(
    services: Services, link, personal, lab_channel, fake: FakeSlack
) -> None:
    for person in (PRIYA, KENJI, MARGARET):
        await link(person)
        await personal(person, include_empty=True)
    await lab_channel(PRIYA)
    one, two = DigestRunner(services), DigestRunner(services)
    reports = await asyncio.gather(one.run_due(MORNING), two.run_due(MORNING))
    assert sum(report.sent for report in reports) == 4
    for target in (PRIYA.user_id, KENJI.user_id, MARGARET.user_id, "C0STRUCT"):
        assert len(digests_in(fake, target)) == 1


async def test_a_personal_digest_waits_for_a_relink(
    runner: DigestRunner, link, personal, fake: FakeSlack, services: Services
) -> None:
    await personal(ZOE)  # never linked
    report = await runner.run_due(MORNING)
    assert (report.paused, report.sent) == (1, 0)
    assert digests_in(fake, ZOE.user_id) == []
    assert fake.messages_in(ZOE.user_id) == []  # no notice: the status command says why


async def test_a_post_slack_refuses_fails_visibly_and_is_retried(
    runner: DigestRunner, link, lab_channel, fake: FakeSlack, services: Services
) -> None:
    from bot.digest.commands import digest_reply
    from bot.questions.commands import DigestStatus

    await link(PRIYA)
    await lab_channel(PRIYA)
    fake.fail_next("chat.postMessage", error="is_archived")
    report = await runner.run_due(MORNING)
    assert report.failed == 1 and report.errors == ["Slack answered is_archived"]
    with time_machine.travel(MORNING + MINUTE, tick=False):
        status = await digest_reply(services, DigestStatus(), PRIYA.key, "C0STRUCT")
    assert "has not gone out yet (Slack answered is_archived)" in str(status.blocks)
    assert (await runner.run_due(MORNING + retry_delay(1))).sent == 1


async def test_history_too_long_to_search_is_not_taken_for_no_digest(
    runner: DigestRunner,
    link,
    personal,
    fake: FakeSlack,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.digest import slack_io

    await link(PRIYA)
    subscription = await personal(PRIYA)
    await services.store.claim_delivery(subscription.id, TODAY, now=MORNING)
    await services.store.start_posting(subscription.id, TODAY)
    for number in range(5):
        fake.add_user_message(fake.dm_channel_id(PRIYA.user_id), PRIYA.user_id, f"hi {number}")
    monkeypatch.setattr(slack_io, "HISTORY_PAGE", 2)
    monkeypatch.setattr(slack_io, "MAX_HISTORY_PAGES", 2)
    report = await runner.run_due(LATER)
    assert report.failed == 1 and "pages of history" in report.errors[0]
    assert digests_in(fake, PRIYA.user_id) == []


async def test_an_unexpected_error_in_one_digest_leaves_the_others_alone(
    runner: DigestRunner,
    link,
    personal,
    lab_channel,
    fake: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.digest import runner as runner_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug")

    await link(PRIYA)
    await personal(PRIYA)
    await lab_channel(PRIYA)
    monkeypatch.setattr(runner_module, "personal_digest", broken)
    report = await runner.run_due(MORNING)
    assert (report.failed, report.sent) == (1, 1)
    assert report.errors == ["unexpected error"]
    assert len(digests_in(fake, "C0STRUCT")) == 1


async def test_a_store_that_fails_mid_run_does_not_stop_the_run(
    runner: DigestRunner, link, personal, services: Services
) -> None:
    for person in (PRIYA, KENJI):
        await link(person)
        await personal(person)
    with write_locked(Path(services.settings.DATABASE_PATH)):  # past the busy timeout
        report = await runner.run_due(MORNING)
    assert (report.failed, report.sent) == (2, 0)
    assert report.errors == ["could not be handled", "could not be handled"]
    assert (await runner.run_due(MORNING)).sent == 2  # the next tick sends them


async def test_a_run_prunes_deliveries_older_than_sixty_days(
    runner: DigestRunner, link, personal, services: Services
) -> None:
    await link(PRIYA)
    subscription = await personal(PRIYA)
    for age in (60, 61):
        day = TODAY - dt.timedelta(days=age)
        await services.store.record_delivery(subscription.id, day, message_ts=None)
    await runner.run_due(MORNING)
    kept = await services.store.deliveries_between(dt.date.min, TODAY)
    assert sorted((TODAY - row.local_date).days for row in kept) == [0, 60]
