"""The answers of `/cm digest …`, and the digest settings the App Home shows and changes.

`digest on` pins the user's Slack time zone and their DM with the bot; channel digests are in
`channel.py`; what both share (the first day, the settings as replies show them, adopting a
post already made today) is in `subscribing.py`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TypeGuard, assert_never

from bot.clustermarket.errors import ClustermarketError, NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.digest.channel import channel_off, channel_on
from bot.digest.schedule import parse_send_time, zone_of
from bot.digest.slack_io import open_dm
from bot.digest.subscribing import (
    adopt_posted,
    in_channel,
    send_time_for,
    turn_on,
    view_of,
    working_link,
)
from bot.questions.commands import (
    ChannelDigestOff,
    ChannelDigestOn,
    DigestOff,
    DigestOn,
    DigestStatus,
    Intent,
)
from bot.render.digest import (
    digest_off_reply,
    digest_on_reply,
    digest_status_reply,
    dm_unavailable_reply,
    needs_channel_reply,
)
from bot.render.reply import Reply
from bot.render.views import ChannelDigestInfo, DigestSummary
from bot.services import Services
from bot.slack_users import user_zone
from bot.store import Store, Subscription

logger = logging.getLogger(__name__)

DigestIntent = DigestStatus | DigestOn | DigestOff | ChannelDigestOn | ChannelDigestOff
DIGEST_INTENTS = (DigestStatus, DigestOn, DigestOff, ChannelDigestOn, ChannelDigestOff)


def is_digest_intent(intent: Intent) -> TypeGuard[DigestIntent]:
    """Whether `digest_reply` takes this intent."""
    return isinstance(intent, DIGEST_INTENTS)


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
        first_day=current.first_day,
    )


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
    if isinstance(intent, ChannelDigestOn | ChannelDigestOff) and (
        channel_id is None or not in_channel(channel_id)
    ):
        return needs_channel_reply(command=command)
    if isinstance(intent, ChannelDigestOn):
        assert channel_id is not None
        return await channel_on(services, intent, key, channel_id, now)
    if isinstance(intent, ChannelDigestOff):
        assert channel_id is not None
        return await channel_off(services, key, channel_id, now)
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


async def _turn_on(
    services: Services, intent: DigestOn, key: UserKey, now: dt.datetime, command: str
) -> Reply:
    store = services.store
    await working_link(store, key)
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
    send_time = send_time_for(intent.time, existing)
    subscription = await turn_on(
        store,
        existing,
        kind="personal",
        owner=key,
        channel_id=dm,
        send_time=send_time,
        timezone=zone_name,
        now=now,
    )
    if existing is None:
        await adopt_posted(services, subscription, now)
    return digest_on_reply(
        await view_of(store, subscription, now),
        now=now,
        zone_guessed=guessed,
        first=existing is None or existing.send_time != send_time,
        command=command,
    )


async def _turn_off(store: Store, key: UserKey, command: str) -> Reply:
    existing = await store.find_subscription(
        kind="personal", team_id=key.team_id, owner_user_id=key.user_id
    )
    if existing is not None:
        await store.delete_subscription(existing.id)
    return digest_off_reply(existing is not None, command=command)
