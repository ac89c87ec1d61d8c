"""The answers of `/cm digest …`, and the digest settings the App Home shows and changes.

`digest on` pins the user's Slack time zone and their DM with the bot; `digest channel on`
must come from a channel and names one of the labs the user can see, whose zone and name are
kept. A digest created after today's has already been posted to that conversation (turned off
and on again) adopts that post instead of sending the day twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TypeGuard, assert_never

from bot.clustermarket.errors import ClustermarketError, NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.digest.schedule import (
    DEFAULT_SEND_TIME,
    due_date,
    format_send_time,
    next_send,
    parse_send_time,
    zone_of,
)
from bot.digest.slack_io import HistoryUnavailable, find_posted, is_member, open_dm
from bot.questions.commands import (
    ChannelDigestOff,
    ChannelDigestOn,
    DigestOff,
    DigestOn,
    DigestStatus,
    Intent,
)
from bot.questions.matching import match_name
from bot.questions.when import local_midnight
from bot.render.digest import (
    DigestView,
    channel_off_reply,
    channel_on_reply,
    digest_off_reply,
    digest_on_reply,
    digest_status_reply,
    dm_unavailable_reply,
    lab_choice_reply,
    lab_not_found_reply,
    needs_channel_reply,
)
from bot.render.errors import reply_for_error
from bot.render.reply import Reply
from bot.render.views import ChannelDigestInfo, DigestSummary
from bot.services import Services
from bot.slack_users import user_zone
from bot.store import Link, Store, Subscription

logger = logging.getLogger(__name__)

DigestIntent = DigestStatus | DigestOn | DigestOff | ChannelDigestOn | ChannelDigestOff
DIGEST_INTENTS = (DigestStatus, DigestOn, DigestOff, ChannelDigestOn, ChannelDigestOff)
MAX_LAB_CHOICES = 5


def is_digest_intent(intent: Intent) -> TypeGuard[DigestIntent]:
    """Whether `digest_reply` takes this intent."""
    return isinstance(intent, DIGEST_INTENTS)


def in_channel(channel_id: str | None) -> bool:
    """A public (C…) or private (G…) channel, where a lab digest may live; not a DM (D…)."""
    return channel_id is not None and channel_id[:1] in ("C", "G")


async def _linked(store: Store, key: UserKey) -> Link:
    """The working link, or the exception the caller turns into a connect button."""
    link = await store.get_link(key)
    if link is None:
        raise NotLinked("this Slack user has not connected a Clustermarket account")
    if link.status != "active":
        raise ReconnectRequired("the Clustermarket connection must be renewed")
    return link


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
            now, clock, tz, skip_weekends=subscription.skip_weekends, sent_today=sent_today
        ),
        last_error=delivery.last_error
        if delivery is not None and delivery.status == "failed"
        else None,
    )


async def digest_summary(store: Store, key: UserKey) -> DigestSummary:
    """The App Home's digest section: the personal digest and the channel digests `key` runs."""
    personal = await store.find_subscription(
        kind="personal", team_id=key.team_id, owner_user_id=key.user_id
    )
    channels = tuple(
        ChannelDigestInfo(
            channel_id=subscription.channel_id,
            lab_name=subscription.lab_name,
            time=parse_send_time(subscription.send_time),
            paused=subscription.status != "active",
        )
        for subscription in await store.list_subscriptions(team_id=key.team_id)
        if subscription.kind == "channel" and subscription.owner_user_id == key.user_id
    )
    if personal is None:
        return DigestSummary(personal=False, channels=channels)
    return DigestSummary(
        personal=True,
        time=parse_send_time(personal.send_time),
        include_empty=personal.include_empty,
        skip_weekends=personal.skip_weekends,
        channels=channels,
    )


async def set_personal_options(
    store: Store,
    key: UserKey,
    *,
    include_empty: bool | None = None,
    skip_weekends: bool | None = None,
) -> Subscription | None:
    """Change the personal digest's day options (None keeps one); None when it is off."""
    current = await store.find_subscription(
        kind="personal", team_id=key.team_id, owner_user_id=key.user_id
    )
    if current is None:
        return None
    return await store.save_subscription(
        kind="personal",
        team_id=current.team_id,
        owner_user_id=current.owner_user_id,
        channel_id=current.channel_id,
        send_time=current.send_time,
        timezone=current.timezone,
        skip_weekends=current.skip_weekends if skip_weekends is None else skip_weekends,
        include_empty=current.include_empty if include_empty is None else include_empty,
    )


async def adopt_posted(services: Services, subscription: Subscription, now: dt.datetime) -> bool:
    """Record today's digest as sent if one of this kind is already in the conversation.

    For a digest created after today's went out there (off and on again): the new one must
    not post the day a second time. Unknown history (Slack refused) adopts nothing.
    """
    tz = zone_of(subscription.timezone)
    day = due_date(now, parse_send_time(subscription.send_time), tz)
    if day is None or subscription.channel_id[:1] not in ("C", "G", "D"):
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


async def digest_reply(
    services: Services, intent: DigestIntent, key: UserKey, channel_id: str | None
) -> Reply:
    """The answer to a digest command asked by `key` in `channel_id`.

    Raises NotLinked or ReconnectRequired when the command needs a working link and there is
    none (the caller answers with a connect button); every other failure is a kind reply.
    """
    now = dt.datetime.now(dt.UTC)
    command = services.settings.SLACK_COMMAND
    if isinstance(intent, DigestStatus):
        return await _status(services.store, key, channel_id, now, command)
    if isinstance(intent, DigestOn):
        return await _turn_on(services, intent, key, now, command)
    if isinstance(intent, DigestOff):
        return await _turn_off(services.store, key, command)
    if isinstance(intent, ChannelDigestOn):
        return await _channel_on(services, intent, key, channel_id, now, command)
    if isinstance(intent, ChannelDigestOff):
        return await _channel_off(services.store, key, channel_id, command)
    assert_never(intent)


async def _status(
    store: Store, key: UserKey, channel_id: str | None, now: dt.datetime, command: str
) -> Reply:
    link = await store.get_link(key)
    personal = await store.find_subscription(
        kind="personal", team_id=key.team_id, owner_user_id=key.user_id
    )
    here = (
        await store.find_subscription(kind="channel", team_id=key.team_id, channel_id=channel_id)
        if channel_id is not None and in_channel(channel_id)
        else None
    )
    owned = [
        subscription
        for subscription in await store.list_subscriptions(team_id=key.team_id)
        if subscription.kind == "channel"
        and subscription.owner_user_id == key.user_id
        and subscription.channel_id != channel_id
    ]
    if link is None and personal is None and here is None and not owned:
        raise NotLinked("this Slack user has not connected a Clustermarket account")
    return digest_status_reply(
        None if personal is None else await view_of(store, personal, now),
        None if here is None else await view_of(store, here, now),
        in_channel=in_channel(channel_id),
        link="missing" if link is None else "ok" if link.status == "active" else "broken",
        owned_elsewhere=[await view_of(store, subscription, now) for subscription in owned],
        now=now,
        command=command,
    )


async def _labs_zone(services: Services, key: UserKey) -> str | None:
    """The zone all the user's labs share, for someone whose Slack profile has none."""
    try:
        catalogue = await services.answerer.catalogues.get(
            key, services.clustermarket.for_user(key)
        )
    except (NotLinked, ReconnectRequired):
        raise
    except ClustermarketError as error:
        logger.info("no lab zone for %s: %s", key.user_id, type(error).__name__)
        return None
    return catalogue.common_zone()


def _send_time(asked: dt.time | None, existing: Subscription | None) -> str:
    """The time asked for, else the digest's current one, else the default (08:00)."""
    if asked is not None:
        return format_send_time(asked)
    if existing is not None:
        return existing.send_time
    return format_send_time(DEFAULT_SEND_TIME)


async def _turn_on(
    services: Services, intent: DigestOn, key: UserKey, now: dt.datetime, command: str
) -> Reply:
    store = services.store
    await _linked(store, key)
    existing = await store.find_subscription(
        kind="personal", team_id=key.team_id, owner_user_id=key.user_id
    )
    zone = await user_zone(services.slack, store, key)
    guessed = zone is None
    if zone is not None:
        zone_name = zone.key
    elif existing is not None and existing.timezone:
        zone_name, guessed = existing.timezone, False
    else:
        zone_name = zone_of(await _labs_zone(services, key)).key
    dm = await open_dm(services.slack, key.user_id)
    if dm is None:
        return dm_unavailable_reply(command=command)
    send_time = _send_time(intent.time, existing)
    subscription = await store.save_subscription(
        kind="personal",
        team_id=key.team_id,
        owner_user_id=key.user_id,
        channel_id=dm,
        send_time=send_time,
        timezone=zone_name,
        skip_weekends=existing.skip_weekends if existing else False,
        include_empty=existing.include_empty if existing else False,
    )
    if existing is None:
        await adopt_posted(services, subscription, now)
    return digest_on_reply(
        await view_of(store, subscription, now), now=now, zone_guessed=guessed, command=command
    )


async def _turn_off(store: Store, key: UserKey, command: str) -> Reply:
    existing = await store.find_subscription(
        kind="personal", team_id=key.team_id, owner_user_id=key.user_id
    )
    if existing is not None:
        await store.delete_subscription(existing.id)
    return digest_off_reply(existing is not None, command=command)


async def _channel_on(
    services: Services,
    intent: ChannelDigestOn,
    key: UserKey,
    channel_id: str | None,
    now: dt.datetime,
    command: str,
) -> Reply:
    if channel_id is None or not in_channel(channel_id):
        return needs_channel_reply(command=command)
    store = services.store
    await _linked(store, key)
    try:
        catalogue = await services.answerer.catalogues.get(
            key, services.clustermarket.for_user(key)
        )
    except (NotLinked, ReconnectRequired):
        raise
    except ClustermarketError as error:
        logger.warning("labs for a channel digest: %s", error)
        return reply_for_error(error, command)
    candidates = catalogue.lab_candidates()
    found = match_name(intent.lab, candidates, limit=MAX_LAB_CHOICES + 1)
    if found.kind == "ambiguous":
        return lab_choice_reply(intent.lab, found.chosen, intent.time, command=command)
    if found.kind == "none":
        return lab_not_found_reply(intent.lab, found.suggestions, command=command)
    lab = found.chosen[0].item
    zone_name = zone_of(lab.timezone or catalogue.common_zone()).key
    existing = await store.find_subscription(
        kind="channel", team_id=key.team_id, channel_id=channel_id
    )
    send_time = _send_time(intent.time, existing)
    subscription = await store.save_subscription(
        kind="channel",
        team_id=key.team_id,
        owner_user_id=key.user_id,
        channel_id=channel_id,
        send_time=send_time,
        timezone=zone_name,
        lab_id=lab.id,
        lab_name=lab.name,
        skip_weekends=existing.skip_weekends if existing else False,
        include_empty=existing.include_empty if existing else False,
    )
    if existing is None:
        await adopt_posted(services, subscription, now)
    member = await is_member(services.slack, channel_id)
    return channel_on_reply(
        await view_of(store, subscription, now),
        now=now,
        previous_owner=existing.owner_user_id if existing else None,
        member=member,
        command=command,
    )


async def _channel_off(store: Store, key: UserKey, channel_id: str | None, command: str) -> Reply:
    if channel_id is None or not in_channel(channel_id):
        return needs_channel_reply(command=command)
    existing = await store.find_subscription(
        kind="channel", team_id=key.team_id, channel_id=channel_id
    )
    if existing is None:
        return channel_off_reply(None, command=command)
    view = await view_of(store, existing, dt.datetime.now(dt.UTC))
    await store.delete_subscription(existing.id)
    return channel_off_reply(view, command=command)
