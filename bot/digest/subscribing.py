"""What turning a digest on shares, personal or channel: the link it needs, the time it takes,
the day it starts, how its settings read, and adopting a post already made today.

A digest turned on, or moved to another time or lab, after that day's send time starts the
next day (`first_day`); so does one set up while its time is still to come if the same kind
of digest was already posted there today (off and on again), which is adopted instead.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.digest.schedule import (
    DEFAULT_SEND_TIME,
    first_day,
    format_send_time,
    next_send,
    parse_send_time,
    zone_of,
)
from bot.digest.slack_io import HistoryUnavailable, find_posted
from bot.questions.when import local_midnight
from bot.render.digest import DigestView
from bot.services import Services
from bot.store import Link, Store, Subscription

logger = logging.getLogger(__name__)


def in_channel(channel_id: str | None) -> bool:
    """A public (C…) or private (G…) channel, where a lab digest may live; not a DM (D…)."""
    return channel_id is not None and channel_id[:1] in ("C", "G")


async def working_link(store: Store, key: UserKey) -> Link:
    """The working link, or the exception the caller turns into a connect button."""
    link = await store.get_link(key)
    if link is None:
        raise NotLinked("this Slack user has not connected a Clustermarket account")
    if link.status != "active":
        raise ReconnectRequired("the Clustermarket connection must be renewed")
    return link


def send_time_for(asked: dt.time | None, existing: Subscription | None) -> str:
    """The time asked for, else the digest's current one, else the default (08:00)."""
    if asked is not None:
        return format_send_time(asked)
    if existing is not None:
        return existing.send_time
    return format_send_time(DEFAULT_SEND_TIME)


def _starting_day(
    existing: Subscription | None,
    *,
    send_time: str,
    timezone: str,
    lab_id: int | None,
    now: dt.datetime,
) -> dt.date | None:
    """The digest's first day after this change: unchanged while it keeps running as it
    was, else the first day whose send time is still to come."""
    unchanged = (
        existing is not None
        and existing.status == "active"
        and (existing.send_time, existing.timezone, existing.lab_id)
        == (send_time, timezone, lab_id)
    )
    if unchanged:
        assert existing is not None
        return existing.first_day
    return first_day(now, parse_send_time(send_time), zone_of(timezone))


async def turn_on(
    store: Store,
    existing: Subscription | None,
    *,
    kind: str,
    owner: UserKey,
    channel_id: str,
    send_time: str,
    timezone: str,
    now: dt.datetime,
    lab_id: int | None = None,
    lab_name: str | None = None,
) -> Subscription:
    """Save a digest being turned on or changed: its day options carried over, and its first
    day kept while it runs as it was, else the first whose send time is still to come."""
    return await store.save_subscription(
        kind=kind,
        team_id=owner.team_id,
        owner_user_id=owner.user_id,
        channel_id=channel_id,
        send_time=send_time,
        timezone=timezone,
        lab_id=lab_id,
        lab_name=lab_name,
        skip_weekends=existing.skip_weekends if existing else False,
        include_empty=existing.include_empty if existing else False,
        first_day=_starting_day(
            existing, send_time=send_time, timezone=timezone, lab_id=lab_id, now=now
        ),
    )


async def view_of(store: Store, subscription: Subscription, now: dt.datetime) -> DigestView:
    """A digest's settings and today's state, as the replies show them."""
    tz = zone_of(subscription.timezone)
    clock = parse_send_time(subscription.send_time)
    today = now.astimezone(tz).date()
    delivery = await store.get_delivery(subscription.id, today)
    sent_today = delivery is not None and delivery.status == "sent"
    paused = subscription.status != "active"
    return DigestView(
        kind=subscription.kind,
        channel_id=subscription.channel_id,
        owner_user_id=subscription.owner_user_id,
        send_time=clock,
        timezone=tz.key,
        lab_name=subscription.lab_name,
        skip_weekends=subscription.skip_weekends,
        include_empty=subscription.include_empty,
        paused_reason=(subscription.paused_reason or "it was paused") if paused else None,
        next_send=None
        if paused
        else next_send(
            now,
            clock,
            tz,
            skip_weekends=subscription.skip_weekends,
            sent_today=sent_today,
            starts=subscription.first_day,
        ),
        last_error=delivery.last_error
        if delivery is not None and delivery.status == "failed"
        else None,
    )


async def adopt_posted(services: Services, subscription: Subscription, now: dt.datetime) -> bool:
    """Record today's digest as sent if one of this kind is already in the conversation.

    For a digest set up again before its (new) time on a day one already went out there (off
    and on again): the new one must not post the day a second time. Unknown history (Slack
    refused) adopts nothing.
    """
    tz = zone_of(subscription.timezone)
    day = now.astimezone(tz).date()
    starts = subscription.first_day
    if (starts is not None and starts > day) or subscription.channel_id[:1] not in ("C", "G", "D"):
        return False
    delivery = await services.store.get_delivery(subscription.id, day)
    if delivery is not None and delivery.status == "sent":
        return False
    try:
        ts = await find_posted(
            services.slack,
            subscription.channel_id,
            subscription.kind,
            day,
            since=local_midnight(day, tz),
        )
    except HistoryUnavailable as error:
        logger.info("could not check %s for today's digest: %s", subscription.channel_id, error)
        return False
    if ts is None:
        return False
    await services.store.record_delivery(subscription.id, day, message_ts=ts, now=now)
    return True
