"""Sending the notices that are due, each exactly once, as the digests are sent.

For one notice: drop it if its moment has passed (a reminder after its booking started);
claim it in SQLite (a fresh claim elsewhere, or a sent notice, stops here); if an earlier
attempt had begun posting, look for it in the conversation's history by the tag in its
message metadata and record it instead; drop a reminder whose booking changed meanwhile;
otherwise note that posting begins, post with the tag, record the message's ts. A failure
marks the notice failed and a later run retries it after a backoff; only a crash between
posting and recording leaves a claim, which a run after `stale_after` takes over and finds
in Slack. Posts go to the person's DM (opened once and kept) or to a watch's channel, with
the team's Slack client (one helper: `slack_for`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.clustermarket.tokens import UserKey
from bot.digest.plans import retry_delay
from bot.digest.schedule import zone_of
from bot.digest.slack_io import (
    HistoryUnavailable,
    NoDirectMessage,
    SlackFailure,
    describe,
    digest_poster,
    find_in_history,
    open_dm,
)
from bot.observability import record_notification
from bot.render.notices import notice_message
from bot.services import Services
from bot.slack_users import user_zone
from bot.store import Notice, StoreError

logger = logging.getLogger(__name__)

EVENT_TYPE = "cm_notice"
"""The `event_type` of the metadata every notice carries."""
STALE_AFTER = dt.timedelta(minutes=10)
HISTORY_MARGIN = dt.timedelta(minutes=15)
POST_TIMEOUT = 120.0
_FAILURES = (HistoryUnavailable, NoDirectMessage, *SlackFailure)


async def slack_for(services: Services, key: UserKey) -> AsyncWebClient:
    """The Slack client of the workspace `key` is in (its own token when cmbot serves many;
    NotInstalled, a Slack failure, when it was uninstalled there)."""
    return await services.slack.for_key(key)


def notice_tag(key: str) -> str:
    """What a posted notice's metadata carries: a digest of its key, nothing readable."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def notice_metadata(key: str) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"notice": notice_tag(key)}}


def find_notice(messages: Sequence[Mapping[str, Any]], tag: str) -> str | None:
    """The ts of the message carrying this notice's tag, if one does."""
    for message in messages:
        metadata = message.get("metadata")
        ts = message.get("ts")
        if not isinstance(metadata, Mapping) or not isinstance(ts, str):
            continue
        payload = metadata.get("event_payload")
        if not isinstance(payload, Mapping) or metadata.get("event_type") != EVENT_TYPE:
            continue
        if payload.get("notice") == tag:
            return ts
    return None


@dataclass
class SendReport:
    """What one round of sending did."""

    due: int = 0
    sent: int = 0
    recovered: int = 0
    dropped: int = 0
    failed: int = 0
    in_progress: int = 0
    retry_later: int = 0
    errors: list[str] = field(default_factory=list)


class NoticeSender:
    """Posts due notices; safe to run from several processes at once."""

    def __init__(
        self,
        services: Services,
        *,
        concurrency: int = 16,
        stale_after: dt.timedelta = STALE_AFTER,
        post_timeout: float = POST_TIMEOUT,
    ) -> None:
        self.services = services
        self.concurrency = concurrency
        self.stale_after = stale_after
        self.post_timeout = post_timeout

    async def send_due(
        self,
        now: dt.datetime,
        *,
        holds: Callable[[Notice], bool] = lambda _: True,
        person: Callable[[Notice], UserKey] = lambda notice: notice.person,
    ) -> SendReport:
        """Send every notice due at `now`; `holds` says whether a notice still holds (a
        reminder whose booking was cancelled or moved meanwhile does not); `person` is the
        linked person a notice is for (or, for a watch's, set up by), as their link names
        them: with their Enterprise Grid organisation, which finds their workspace's
        token."""
        report = SendReport()
        slots = asyncio.Semaphore(self.concurrency)

        async def one(notice: Notice) -> None:
            async with slots:
                try:
                    await self._deliver(notice, person(notice), now, holds, report)
                except StoreError as error:
                    logger.warning("notice could not be handled: %s", error)
                    report.failed += 1
                    report.errors.append("the database failed")

        due = await self.services.store.open_notices(now)
        report.due = len(due)
        await asyncio.gather(*(one(notice) for notice in due))
        return report

    def _verdict(self, notice: Notice, now: dt.datetime) -> str:
        claimed = notice.claimed_at or dt.datetime.min.replace(tzinfo=dt.UTC)
        if notice.status == "claimed" and claimed > now - self.stale_after:
            return "in_progress"
        if notice.status == "failed" and claimed + retry_delay(notice.attempts) > now:
            return "retry_later"
        return "attempt"

    async def _deliver(
        self,
        notice: Notice,
        key: UserKey,
        now: dt.datetime,
        holds: Callable[[Notice], bool],
        report: SendReport,
    ) -> None:
        store = self.services.store
        verdict = self._verdict(notice, now)
        if verdict != "attempt":
            setattr(report, verdict, getattr(report, verdict) + 1)
            return
        if notice.expires_at is not None and notice.expires_at <= now:
            await store.drop_notice(
                notice.key, "its moment passed before it could be sent", now=now
            )
            report.dropped += 1
            return
        claim = await store.claim_notice(notice.key, now=now, stale_after=self.stale_after)
        if claim is None:
            report.in_progress += 1
            return
        try:
            await self._send(claim, key, now, holds, report)
        except _FAILURES as error:
            text = describe(error)
            logger.warning("%s notice for %s failed: %s", claim.kind, claim.user_id, text)
            await self._failed(claim, text, now, report)
        except Exception:
            logger.exception("%s notice failed unexpectedly", claim.kind)
            await self._failed(claim, "unexpected error (see the log)", now, report)

    async def _failed(self, notice: Notice, why: str, now: dt.datetime, report: SendReport) -> None:
        """Mark it failed (a later run retries it after a backoff), and count it."""
        await self.services.store.fail_notice(notice.key, why, now=now)
        report.failed += 1
        report.errors.append(why)
        record_notification("failed")

    async def _send(
        self,
        notice: Notice,
        key: UserKey,
        now: dt.datetime,
        holds: Callable[[Notice], bool],
        report: SendReport,
    ) -> None:
        store = self.services.store
        slack = await slack_for(self.services, key)
        channel = await self._target(notice, key, slack)
        if notice.post_started_at is not None:
            posted = await find_in_history(
                slack,
                channel,
                lambda messages: find_notice(messages, notice_tag(notice.key)),
                since=notice.post_started_at - HISTORY_MARGIN,
            )
            if posted is not None:
                await store.record_notice(notice.key, message_ts=posted, now=now)
                report.recovered += 1
                return
        if not holds(notice):
            await store.drop_notice(notice.key, "what it told of changed before it went", now=now)
            report.dropped += 1
            return
        reply = notice_message(
            notice.kind,
            json.loads(notice.payload),
            tz=await self._zone(notice, key),
            now=now,
            links=self.services.web_links,
            command=self.services.settings.SLACK_COMMAND,
        )
        await store.start_posting_notice(notice.key)  # the wall clock, as Slack's is
        response = await asyncio.wait_for(
            digest_poster(slack).chat_postMessage(
                channel=channel,
                text=reply.text,
                blocks=reply.blocks,
                metadata=notice_metadata(notice.key),
                unfurl_links=False,
                unfurl_media=False,
            ),
            timeout=self.post_timeout,
        )
        ts = response.get("ts")
        await store.record_notice(
            notice.key, message_ts=ts if isinstance(ts, str) else None, now=now
        )
        report.sent += 1
        record_notification("sent")

    async def _target(self, notice: Notice, key: UserKey, slack: AsyncWebClient) -> str:
        """The watch's channel, or the person's DM (opened once, then kept)."""
        if notice.channel_id:
            return notice.channel_id
        store = self.services.store
        prefs = await store.notify_prefs(key)
        if prefs.dm_channel:
            return prefs.dm_channel
        channel = await open_dm(slack, notice.user_id)
        if channel is None:
            raise NoDirectMessage("Slack would not open a DM with the person")
        await store.set_notify_dm(key, channel)
        return channel

    async def _zone(self, notice: Notice, key: UserKey) -> dt.tzinfo:
        """The zone times are shown in: the watch's lab's, or the person's own."""
        payload_zone = json.loads(notice.payload).get("tz")
        if notice.channel_id and isinstance(payload_zone, str):
            return zone_of(payload_zone)
        return await user_zone(self.services.slack, self.services.store, key) or dt.UTC
