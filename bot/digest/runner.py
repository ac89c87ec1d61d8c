"""One pass over the digests that are due: each goes out exactly once per target and local date.

The protocol for one digest and day:

1. claim the (subscription, date) row in SQLite; a fresh claim elsewhere or a sent day stops here
2. if an earlier attempt had begun posting (crashed, or its answer never came), look in the
   conversation's history for our metadata and, if the post is there, record it instead
3. fetch the bookings (one fetch per Clustermarket account and list per run), compose
4. note that posting begins, post with metadata, record the message ts

A failure marks the day failed; a later tick that day retries it after a short backoff. Only a
crash between posting and recording leaves a claim behind, and after `stale_after` the next
run takes it over and finds the post in Slack (step 2). Slack's 429s are waited out by the
poster's retry handler; at most `concurrency` digests are in flight, and one account's failure
touches only that account's digests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field, replace

from slack_sdk.web.async_client import AsyncWebClient

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.errors import ClustermarketError, NotLinked, ReconnectRequired
from bot.clustermarket.models import Booking
from bot.clustermarket.tokens import UserKey
from bot.digest.compose import Kind, channel_digest, digest_metadata, personal_digest
from bot.digest.links import on_link_broken
from bot.digest.schedule import due_date, parse_send_time, zone_of
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
MAX_RETRY_DELAY = dt.timedelta(minutes=30)
_LINK_ERRORS = (NotLinked, ReconnectRequired)
_DELIVERY_ERRORS = (ClustermarketError, HistoryUnavailable, NoDirectMessage, *SlackFailure)
"""Failures of one digest that a later tick may get past."""

Fetch = Callable[[UserKey], Awaitable[list[Booking]]]


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a failed digest waits before the next try: 1, 2, 4 … minutes, at most 30."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


@dataclass
class DigestReport:
    """What one run did; `due` digests end up in exactly one of the other counts."""

    due: int = 0
    sent: int = 0
    skipped_empty: int = 0
    already_sent: int = 0
    recovered_from_slack: int = 0
    failed: int = 0
    paused: int = 0
    in_progress: int = 0
    retry_later: int = 0
    not_due: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the log or the terminal."""
        return (
            f"digests due {self.due}: sent {self.sent}, skipped empty {self.skipped_empty},"
            f" already sent {self.already_sent}, recovered from Slack"
            f" {self.recovered_from_slack}, failed {self.failed}, paused {self.paused},"
            f" in progress elsewhere {self.in_progress}, retry later {self.retry_later}"
            f" ({self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class _Plan:
    subscription: Subscription
    day: dt.date
    tz: dt.tzinfo


@dataclass
class _Entry:
    task: asyncio.Future[list[Booking]]
    tried: frozenset[UserKey]

    def link_failed(self) -> bool:
        task = self.task
        return task.done() and not task.cancelled() and isinstance(task.exception(), _LINK_ERRORS)


class _SharedFetches:
    """One fetch per Clustermarket account and list in a run, shared by its subscriptions.

    Keys name the account (its Clustermarket user and the scopes of the link), never a Slack
    user alone, so data is shared only between links to the same account. A failure of the
    account is shared too; a link error is one link's, so another link to the same account
    tries its own.
    """

    def __init__(self) -> None:
        self._entries: dict[Hashable, _Entry] = {}

    async def get(
        self,
        key: Hashable,
        owner: UserKey,
        fetch: Fetch,
    ) -> list[Booking]:
        while True:
            entry = self._entries.get(key)
            if entry is None or (entry.link_failed() and owner not in entry.tried):
                tried = (entry.tried if entry is not None else frozenset()) | {owner}
                entry = _Entry(asyncio.ensure_future(fetch(owner)), tried)
                self._entries[key] = entry
            try:
                return await asyncio.shield(entry.task)
            except _LINK_ERRORS:
                if owner in entry.tried:
                    raise

    async def close(self) -> None:
        """Cancel what a cancelled run left behind."""
        pending = [entry.task for entry in self._entries.values() if not entry.task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class DigestRunner:
    """Sends the digests due at a given instant; safe to run from several processes at once."""

    def __init__(
        self,
        services: Services,
        *,
        concurrency: int = 16,
        stale_after: dt.timedelta = STALE_AFTER,
        post_rate_limit_retries: int = POST_RATE_LIMIT_RETRIES,
        post_timeout: float = POST_TIMEOUT,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.services = services
        self.concurrency = concurrency
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
        plans = [plan for s in subscriptions if (plan := self._plan(s, moment)) is not None]
        report.due = len(plans)
        report.not_due = len(subscriptions) - len(plans)
        to_send = await self._unsettled(plans, moment, report) if plans else []
        fetches = _SharedFetches()
        slots = asyncio.Semaphore(self.concurrency)
        composed: dict[Hashable, tuple[Reply, bool]] = {}

        async def deliver(plan: _Plan) -> None:
            async with slots:
                try:
                    await self._deliver(plan, moment, report, fetches, composed)
                except Exception:  # even the store failing must not stop the others
                    logger.exception("digest %d could not be handled", plan.subscription.id)
                    report.failed += 1
                    report.errors.append("could not be handled")

        tasks = [asyncio.ensure_future(deliver(plan)) for plan in to_send]
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

    @staticmethod
    def _plan(subscription: Subscription, now: dt.datetime) -> _Plan | None:
        tz = zone_of(subscription.timezone)
        day = due_date(
            now,
            parse_send_time(subscription.send_time),
            tz,
            skip_weekends=subscription.skip_weekends,
        )
        return None if day is None else _Plan(subscription, day, tz)

    async def _prune(self, now: dt.datetime) -> None:
        """Forget deliveries older than 60 days (the store does it at most once a day)."""
        try:
            pruned = await self.services.store.prune_deliveries(now=now)
        except StoreError as error:
            logger.warning("old digest deliveries not pruned: %s", error)
            return
        if pruned:
            logger.info("pruned %d digest deliveries older than 60 days", pruned)

    async def _unsettled(
        self, plans: list[_Plan], now: dt.datetime, report: DigestReport
    ) -> list[_Plan]:
        """The plans still to attempt, after one read of the days' delivery rows."""
        days = [plan.day for plan in plans]
        rows = await self.services.store.deliveries_between(min(days), max(days))
        settled = {(row.subscription_id, row.local_date): row for row in rows}
        to_send: list[_Plan] = []
        for plan in plans:
            row = settled.get((plan.subscription.id, plan.day))
            verdict = self._verdict(row, now)
            if verdict == "sent":
                report.already_sent += 1
            elif verdict == "in_progress":
                report.in_progress += 1
            elif verdict == "retry_later":
                report.retry_later += 1
            else:
                to_send.append(plan)
        return to_send

    def _verdict(self, row: Delivery | None, now: dt.datetime) -> str:
        if row is None:
            return "attempt"
        if row.status == "sent":
            return "sent"
        claimed_at = row.claimed_at or dt.datetime.min.replace(tzinfo=dt.UTC)
        if row.status == "claimed" and claimed_at > now - self.stale_after:
            return "in_progress"
        if row.status == "failed" and claimed_at + retry_delay(row.attempts) > now:
            return "retry_later"
        return "attempt"

    # -- one digest ----------------------------------------------------------------------

    async def _deliver(
        self,
        plan: _Plan,
        now: dt.datetime,
        report: DigestReport,
        fetches: _SharedFetches,
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
            subscription.id, plan.day, now=now, stale_after=self.stale_after
        )
        if claim is None:
            await self._count_unclaimed(plan, report)
            return
        try:
            await self._send(plan, claim, link, report, fetches, composed)
        except _LINK_ERRORS:
            await self._failed(plan, "the Clustermarket link no longer works", now)
            await self._link_lost(subscription, report)
        except _DELIVERY_ERRORS as error:
            text = describe(error)
            logger.warning("digest %d for %s failed: %s", subscription.id, plan.day, text)
            await self._failed(plan, text, now)
            report.failed += 1
            report.errors.append(text)
        except Exception:
            logger.exception("digest %d for %s failed unexpectedly", subscription.id, plan.day)
            await self._failed(plan, "unexpected error (see the log)", now)
            report.failed += 1
            report.errors.append("unexpected error")

    async def _send(
        self,
        plan: _Plan,
        claim: Delivery,
        link: Link,
        report: DigestReport,
        fetches: _SharedFetches,
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
        reply, empty = await self._compose(plan, link, fetches, composed)
        if empty and not subscription.include_empty:
            await store.record_delivery(subscription.id, plan.day, message_ts=None)
            report.skipped_empty += 1
            return
        # the wall clock, not `now`: a later look in history compares it with Slack's clock
        await store.start_posting(subscription.id, plan.day)
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
        plan: _Plan,
        link: Link,
        fetches: _SharedFetches,
        composed: dict[Hashable, tuple[Reply, bool]],
    ) -> tuple[Reply, bool]:
        """The message and whether the day is empty; built once per account, day and zone."""
        subscription = plan.subscription
        client = self.services.clustermarket
        account = (link.cm_user_id, link.tokens.scopes)
        tz_key = getattr(plan.tz, "key", str(plan.tz))
        if subscription.kind == "personal":
            memo: Hashable = ("personal", account, plan.day, tz_key)
            if memo not in composed:
                bookings = await fetches.get(
                    ("bookings", account), subscription.owner, _own_bookings(client)
                )
                digest = personal_digest(bookings, link.cm_user_id, plan.day, plan.tz)
                message = personal_digest_message(digest, command=self.command)
                composed[memo] = (message, digest.empty)
            return composed[memo]
        lab_id = subscription.lab_id
        if lab_id is None:
            raise ClustermarketError("the channel digest names no lab")
        bookings = await fetches.get(
            ("lab", lab_id, account), subscription.owner, _lab_bookings(client, lab_id)
        )
        lab_digest = channel_digest(
            bookings, lab_id, subscription.lab_name or f"Lab {lab_id}", plan.day, plan.tz
        )
        reply = channel_digest_message(
            lab_digest, owner_user_id=subscription.owner_user_id, command=self.command
        )
        return reply, lab_digest.empty

    async def _refresh_zone(self, plan: _Plan, now: dt.datetime) -> _Plan | None:
        """Follow the owner's Slack zone (users.info, cached a day); None when the digest is
        no longer due in the new zone."""
        subscription = plan.subscription
        zone = await user_zone(self.services.slack, self.services.store, subscription.owner)
        if zone is None or zone.key == subscription.timezone:
            return plan
        await self.services.store.set_subscription_timezone(subscription.id, zone.key)
        moved = replace(subscription, timezone=zone.key)
        return self._plan(moved, now)

    async def _count_unclaimed(self, plan: _Plan, report: DigestReport) -> None:
        row = await self.services.store.get_delivery(plan.subscription.id, plan.day)
        if row is not None and row.status == "sent":
            report.already_sent += 1
        else:
            report.in_progress += 1

    async def _failed(self, plan: _Plan, error: str, now: dt.datetime) -> None:
        await self.services.store.fail_delivery(plan.subscription.id, plan.day, error, now=now)

    async def _link_lost(self, subscription: Subscription, report: DigestReport) -> None:
        """A personal digest waits for its owner to relink; a channel digest pauses."""
        report.paused += 1
        if subscription.kind == "channel":
            await on_link_broken(self.services, subscription.owner)


def _kind(subscription: Subscription) -> Kind:
    return "channel" if subscription.kind == "channel" else "personal"


def _own_bookings(client: ClustermarketClient) -> Fetch:
    """Everything the account sees (the owner's own are picked out when composing)."""

    async def fetch(key: UserKey) -> list[Booking]:
        return await client.for_user(key).bookings()

    return fetch


def _lab_bookings(client: ClustermarketClient, lab_id: int) -> Fetch:
    """Every booking of the lab's equipment the account sees."""

    async def fetch(key: UserKey) -> list[Booking]:
        return await client.for_user(key).bookings(provider_account=lab_id)

    return fetch
