"""A digest turned off, paused or moved between being found due and being posted is not posted:
the claim looks at it again, and so does the last step before posting.

Slack's answers are where the runner waits, so the change is made while the fake Slack is
answering: users.info (the owner's zone, before the claim), conversations.open (after the
claim) and conversations.history (the look for a post a crash may have left).
"""

from __future__ import annotations

import datetime as dt

from digest_world import MORNING, PRIYA, TODAY, digests_in

from bot.digest.runner import DigestRunner
from bot.fake_slack import FakeSlack
from bot.services import Services
from bot.store import Subscription

LATER = MORNING + dt.timedelta(minutes=11)  # past the ten-minute stale window


async def test_turned_off_before_the_claim_nothing_is_claimed_or_posted(
    runner: DigestRunner, link, personal, fake: FakeSlack, services: Services
) -> None:
    await link(PRIYA)
    subscription = await personal(PRIYA)

    async def turn_off() -> None:
        await services.store.delete_subscription(subscription.id)

    fake.before_next("users.info", turn_off)  # the runner asks for the owner's zone first
    report = await runner.run_due(MORNING)

    assert (report.due, report.turned_off, report.sent) == (1, 1, 0)
    assert digests_in(fake, PRIYA.user_id) == []
    assert "turned off meanwhile 1" in report.summary()


async def test_moved_to_later_before_the_claim_it_goes_out_at_the_new_time(
    runner: DigestRunner, link, personal, fake: FakeSlack, services: Services
) -> None:
    await link(PRIYA)
    subscription = await personal(PRIYA)

    async def move_to_noon() -> None:
        await personal(PRIYA, "12:00")

    fake.before_next("users.info", move_to_noon)
    assert (await runner.run_due(MORNING)).turned_off == 1
    assert await services.store.get_delivery(subscription.id, TODAY) is None
    assert (await runner.run_due(MORNING.replace(hour=12, minute=1))).sent == 1
    assert len(digests_in(fake, PRIYA.user_id)) == 1


async def test_turned_off_after_the_claim_it_is_not_posted_and_the_claim_is_let_go(
    runner: DigestRunner, link, personal, fake: FakeSlack, services: Services
) -> None:
    await link(PRIYA)
    subscription = await personal(PRIYA, channel_id=PRIYA.user_id)  # the DM is opened later

    async def move_to_noon_after_the_claim() -> None:
        claimed = await services.store.get_delivery(subscription.id, TODAY)
        assert claimed is not None and claimed.status == "claimed"  # after the claim
        await personal(PRIYA, "12:00", channel_id=PRIYA.user_id)

    fake.before_next("conversations.open", move_to_noon_after_the_claim)
    report = await runner.run_due(MORNING)

    assert (report.turned_off, report.sent) == (1, 0)
    assert digests_in(fake, PRIYA.user_id) == []
    assert await services.store.get_delivery(subscription.id, TODAY) is None  # let go
    assert (await runner.run_due(MORNING.replace(hour=12, minute=1))).sent == 1


async def test_a_channel_digest_turned_off_while_its_history_is_read_is_not_posted(
    runner: DigestRunner, link, lab_channel, fake: FakeSlack, services: Services
) -> None:
    await link(PRIYA)
    lab = await lab_channel(PRIYA)
    # a crash left a claim whose post may have begun: the next run reads the history first
    await services.store.claim_delivery(lab.id, TODAY, now=MORNING)
    assert await services.store.start_posting(lab.id, TODAY)

    async def turn_off() -> None:
        await services.store.delete_subscription(lab.id)

    fake.before_next("conversations.history", turn_off)
    report = await runner.run_due(LATER)

    assert (report.turned_off, report.sent, report.failed) == (1, 0, 0)
    assert digests_in(fake, "C0STRUCT") == []
    assert fake.calls_to("chat.postMessage") == []


async def test_a_paused_digest_is_not_claimed(
    link, lab_channel, fake: FakeSlack, services: Services
) -> None:
    await link(PRIYA)
    lab = await lab_channel(PRIYA)
    await services.store.pause_subscriptions_of(PRIYA.key, "testing")

    def still_active(current: Subscription) -> bool:
        return current.status == "active"

    claim = await services.store.claim_delivery(lab.id, TODAY, now=MORNING, still_due=still_active)
    assert claim is None
    assert not await services.store.start_posting(lab.id, TODAY, still_due=still_active)
    assert await services.store.claim_delivery(lab.id, TODAY, now=MORNING) is not None
    await services.store.release_delivery(lab.id, TODAY)
    assert await services.store.get_delivery(lab.id, TODAY) is None
