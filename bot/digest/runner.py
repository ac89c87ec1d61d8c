"""One pass over the digests that are due: each goes out exactly once per target and local date.

The protocol for one digest and day:

1. claim the (subscription, date) row in SQLite; a fresh claim elsewhere or a sent day stops
   here, and so does a digest turned off, paused or moved since the run listed it
2. if an earlier attempt had begun posting (crashed, or its answer never came), look in the
   conversation's history for our metadata and, if the post is there, record it instead
3. fetch the bookings (one fetch per Clustermarket account and list per run, narrowed to what
   the digests show: see `fetching`), compose
4. note that posting begins (unless the digest was turned off, paused or moved meanwhile: then
   the claim is let go and nothing is posted), post with metadata, record the message ts

A failure marks the day failed; a later tick that day retries it after a short backoff. Only a
crash between posting and recording leaves a claim behind, and after `stale_after` the next
run takes it over and finds the post in Slack (step 2). Slack's 429s are waited out by the
poster's retry handler; at most `concurrency` digests are in flight, from at most
`accounts_at_once` accounts (each account's list is let go when its digests are out), and one
account's failure touches only that account's digests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Hashable
from dataclasses import replace

from slack_sdk.web.async_client import AsyncWebClient

from bot.clustermarket.errors import ClustermarketError
from bot.digest.compose import Kind, channel_digest, digest_metadata, personal_digest
from bot.digest.fetching import (
    ACCOUNTS_AT_ONCE,
    LINK_ERRORS,
    SharedFetches,
    batch_fetch,
    batch_key,
)
from bot.digest.links import on_link_broken
from bot.digest.plans import Batch, DigestReport, Plan, plan_for, still_due, verdict
from bot.digest.slack_io import (
    POST_RATE_LIMIT_RETRIES,
    HistoryUnavailable,
    NoDirectMessage,
    SlackFailure,
    describe,
    digest_poster,
    find_posted,
    open_dm,
)
from bot.failures import failure_line
from bot.observability import record_digests
from bot.render.digest import channel_digest_message, personal_digest_message
from bot.render.reply import Reply
from bot.services import Services
from bot.slack_users import user_zone
from bot.store import Delivery, Link, StoreError, Subscription

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=10)
HISTORY_MARGIN = dt.timedelta(minutes=15)  # clock skew between us and Slack, with room to spare
POST_TIMEOUT = 180.0  # seconds, 429 waits included; well inside STALE_AFTER
_DELIVERY_ERRORS = (ClustermarketError, HistoryUnavailable, NoDirectMessage, *SlackFailure)
"""Failures of one digest that a later tick may get past."""


class DigestRunner:
    """Sends the digests due at a given instant; safe to run from several processes at once."""

    def __init__(
        self,
        services: Services,
        *,
        concurrency: int = 16,
        accounts_at_once: int = ACCOUNTS_AT_ONCE,
        stale_after: dt.timedelta = STALE_AFTER,
        post_rate_limit_retries: int = POST_RATE_LIMIT_RETRIES,
        post_timeout: float = POST_TIMEOUT,
    ) -> None:
        if min(concurrency, accounts_at_once) < 1:
            raise ValueError("concurrency and accounts_at_once must be at least 1")
        self.services = services
        self.concurrency = concurrency
        self.accounts_at_once = accounts_at_once
        self.stale_after = stale_after
        self.post_timeout = post_timeout
        self.post_rate_limit_retries = post_rate_limit_retries
        self.command = services.settings.SLACK_COMMAND

    async def run_due(self, now: dt.datetime) -> DigestReport:
        """Send every digest due at `now` (a naive `now` is UTC) that is not sent yet."""
        started = time.monotonic()
        moment = now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)
        report = DigestReport()
        await self._prune(moment)
        subscriptions = await self.services.store.list_subscriptions(status="active")
        plans = [plan for s in subscriptions if (plan := plan_for(s, moment)) is not None]
        report.due = len(plans)
        report.not_due = len(subscriptions) - len(plans)
        to_send = await self._unsettled(plans, moment, report) if plans else []
        fetches = SharedFetches()
        slots = asyncio.Semaphore(self.concurrency)
        accounts = asyncio.Semaphore(self.accounts_at_once)
        composed: dict[Hashable, tuple[Reply, bool]] = {}

        async def deliver(plan: Plan, batch: Batch) -> None:
            async with slots:
                try:
                    await self._deliver(plan, batch, moment, report, fetches, composed)
                except Exception as error:  # even the store failing must not stop the others
                    logger.error(
                        "digest %d could not be handled: %s",
                        plan.subscription.id,
                        failure_line(error),
                    )
                    report.failed += 1
                    report.errors.append("could not be handled")

        async def deliver_batch(batch: Batch) -> None:
            async with accounts:
                try:
                    await asyncio.gather(*(deliver(plan, batch) for plan in batch.plans))
                finally:
                    fetches.release(batch.key)

        batches = await self._batches(to_send)
        tasks = [asyncio.ensure_future(deliver_batch(batch)) for batch in batches]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            # cancelled, or the process is going down: leave nothing running behind
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            await fetches.close()
            report.seconds = time.monotonic() - started
            record_digests(sent=report.sent, failed=report.failed)
        return report

    # -- planning ------------------------------------------------------------------------

    async def _prune(self, now: dt.datetime) -> None:
        """Forget deliveries older than 60 days (the store does it at most once a day)."""
        try:
            pruned = await self.services.store.prune_deliveries(now=now)
        except StoreError as error:
            logger.warning("old digest deliveries not pruned: %s", error)
            return
        if pruned:
            logger.info("pruned %d digest deliveries older than 60 days", pruned)

    async def _batches(self, plans: list[Plan]) -> list[Batch]:
        """The plans by the list they read (their owners' links tell the account); a plan
        whose link cannot be read now is a batch of its own (its delivery finds out why)."""
        batches: dict[Hashable, Batch] = {}
        for plan in plans:
            subscription = plan.subscription
            try:
                link = await self.services.store.get_link(subscription.owner)
            except StoreError:
                link = None
            if link is None or link.status != "active":
                key: Hashable = ("alone", subscription.id)
            else:
                key = batch_key(subscription, link)
            batches.setdefault(key, Batch(key)).plans.append(plan)
        return list(batches.values())

    async def _unsettled(
        self, plans: list[Plan], now: dt.datetime, report: DigestReport
    ) -> list[Plan]:
        """The plans still to attempt, after one read of the days' delivery rows."""
        days = [plan.day for plan in plans]
        rows = await self.services.store.deliveries_between(min(days), max(days))
        settled = {(row.subscription_id, row.local_date): row for row in rows}
        to_send: list[Plan] = []
        for plan in plans:
            row = settled.get((plan.subscription.id, plan.day))
            decision = verdict(row, now, self.stale_after)
            if decision == "sent":
                report.already_sent += 1
            elif decision == "in_progress":
                report.in_progress += 1
            elif decision == "retry_later":
                report.retry_later += 1
            else:
                to_send.append(plan)
        return to_send

    # -- one digest ----------------------------------------------------------------------

    async def _deliver(
        self,
        plan: Plan,
        batch: Batch,
        now: dt.datetime,
        report: DigestReport,
        fetches: SharedFetches,
        composed: dict[Hashable, tuple[Reply, bool]],
    ) -> None:
        store = self.services.store
        subscription = plan.subscription
        link = await store.get_link(subscription.owner)
        if link is None or link.status != "active":
            await self._link_lost(subscription, report)
            return
        if subscription.kind == "personal":
            refreshed = await self._refresh_zone(plan, now)
            if refreshed is None:
                report.due -= 1
                report.not_due += 1
                return
            plan = refreshed
        claim = await store.claim_delivery(
            subscription.id,
            plan.day,
            now=now,
            stale_after=self.stale_after,
            still_due=still_due(plan, now),
        )
        if claim is None:
            await self._count_unclaimed(plan, now, report)
            return
        try:
            await self._send(plan, now, claim, link, batch, report, fetches, composed)
        except LINK_ERRORS:
            await self._failed(plan, "the Clustermarket link no longer works", now)
            await self._link_lost(subscription, report)
        except _DELIVERY_ERRORS as error:
            text = describe(error)
            logger.warning("digest %d for %s failed: %s", subscription.id, plan.day, text)
            await self._failed(plan, text, now)
            report.failed += 1
            report.errors.append(text)
        except Exception as error:
            logger.error(
                "digest %d for %s failed unexpectedly: %s",
                subscription.id,
                plan.day,
                failure_line(error),
            )
            await self._failed(plan, "unexpected error (see the log)", now)
            report.failed += 1
            report.errors.append("unexpected error")

    async def _send(
        self,
        plan: Plan,
        now: dt.datetime,
        claim: Delivery,
        link: Link,
        batch: Batch,
        report: DigestReport,
        fetches: SharedFetches,
        composed: dict[Hashable, tuple[Reply, bool]],
    ) -> None:
        store = self.services.store
        subscription = plan.subscription
        slack = await self.services.slack.for_key(subscription.owner)  # its workspace's token
        channel = await self._target(subscription, slack)
        if claim.post_started_at is not None:
            posted = await find_posted(
                slack,
                channel,
                subscription.kind,
                plan.day,
                since=claim.post_started_at - HISTORY_MARGIN,
            )
            if posted is not None:
                await store.record_delivery(subscription.id, plan.day, message_ts=posted)
                report.recovered_from_slack += 1
                return
        reply, empty = await self._compose(plan, link, batch, fetches, composed)
        if empty and not subscription.include_empty:
            await store.record_delivery(subscription.id, plan.day, message_ts=None)
            report.skipped_empty += 1
            return
        # the wall clock, not `now`: a later look in history compares it with Slack's clock
        if not await store.start_posting(subscription.id, plan.day, still_due=still_due(plan, now)):
            await store.release_delivery(subscription.id, plan.day)
            report.turned_off += 1
            return
        poster = digest_poster(slack, rate_limit_retries=self.post_rate_limit_retries)
        response = await asyncio.wait_for(
            poster.chat_postMessage(
                channel=channel,
                text=reply.text,
                blocks=reply.blocks,
                metadata=digest_metadata(subscription.id, _kind(subscription), plan.day),
                unfurl_links=False,
                unfurl_media=False,
            ),
            timeout=self.post_timeout,
        )
        ts = response.get("ts")
        await store.record_delivery(
            subscription.id, plan.day, message_ts=ts if isinstance(ts, str) else None
        )
        report.sent += 1

    @staticmethod
    async def _target(subscription: Subscription, slack: AsyncWebClient) -> str:
        """Where the digest goes: the channel, or the owner's DM (opened if not known yet)."""
        if subscription.kind == "channel" or subscription.channel_id.startswith("D"):
            return subscription.channel_id
        channel = await open_dm(slack, subscription.owner_user_id)
        if channel is None:
            raise NoDirectMessage("Slack would not open a DM with the owner")
        return channel

    async def _compose(
        self,
        plan: Plan,
        link: Link,
        batch: Batch,
        fetches: SharedFetches,
        composed: dict[Hashable, tuple[Reply, bool]],
    ) -> tuple[Reply, bool]:
        """The message and whether the day is empty; built once per account, day and zone."""
        subscription = plan.subscription
        key = batch_key(subscription, link)
        fetch = batch_fetch(self.services.clustermarket, subscription, link, batch.days)
        tz_key = getattr(plan.tz, "key", str(plan.tz))
        if subscription.kind == "personal":
            memo: Hashable = ("personal", key, plan.day, tz_key)
            if memo not in composed:
                fetched = await fetches.get(key, subscription.owner, fetch)
                digest = personal_digest(
                    fetched.bookings,
                    link.cm_user_id,
                    plan.day,
                    plan.tz,
                    cm_user_name=link.cm_user_name,
                    equipment=fetched.equipment,
                )
                message = personal_digest_message(
                    digest, command=self.command, links=self.services.web_links
                )
                composed[memo] = (message, digest.empty)
            return composed[memo]
        lab_id = subscription.lab_id
        if lab_id is None:
            raise ClustermarketError("the channel digest names no lab")
        fetched = await fetches.get(key, subscription.owner, fetch)
        lab_digest = channel_digest(
            fetched.bookings,
            lab_id,
            subscription.lab_name or f"Lab {lab_id}",
            plan.day,
            plan.tz,
            equipment=fetched.equipment,
        )
        reply = channel_digest_message(
            lab_digest,
            owner_user_id=subscription.owner_user_id,
            command=self.command,
            links=self.services.web_links,
        )
        return reply, lab_digest.empty

    async def _refresh_zone(self, plan: Plan, now: dt.datetime) -> Plan | None:
        """Follow the owner's Slack zone (users.info, cached a day); None when the digest is
        no longer due in the new zone."""
        subscription = plan.subscription
        zone = await user_zone(self.services.slack, self.services.store, subscription.owner)
        if zone is None or zone.key == subscription.timezone:
            return plan
        await self.services.store.set_subscription_timezone(subscription.id, zone.key)
        moved = replace(subscription, timezone=zone.key)
        return plan_for(moved, now)

    async def _count_unclaimed(self, plan: Plan, now: dt.datetime, report: DigestReport) -> None:
        store = self.services.store
        current = await store.get_subscription(plan.subscription.id)
        row = await store.get_delivery(plan.subscription.id, plan.day)
        if current is None or not still_due(plan, now)(current):
            report.turned_off += 1
        elif row is not None and row.status == "sent":
            report.already_sent += 1
        else:
            report.in_progress += 1

    async def _failed(self, plan: Plan, error: str, now: dt.datetime) -> None:
        await self.services.store.fail_delivery(plan.subscription.id, plan.day, error, now=now)

    async def _link_lost(self, subscription: Subscription, report: DigestReport) -> None:
        """A personal digest waits for its owner to relink; a channel digest pauses."""
        report.paused += 1
        if subscription.kind == "channel":
            await on_link_broken(self.services, subscription.owner)


def _kind(subscription: Subscription) -> Kind:
    return "channel" if subscription.kind == "channel" else "personal"
