"""`/cm digest channel on|off`: a lab's daily digest in the channel the command came from.

The digest names one of the labs the asker can see, keeps its zone and name, and posts with
its owner's Clustermarket access. So once a channel has one, only the person who set it up or
a workspace admin/owner (users.info) may change it (time, lab, off); an admin who changes it
takes it over. Every change is announced in the channel, naming who made it.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.clustermarket.errors import ClustermarketError, NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.digest.schedule import parse_send_time, zone_of
from bot.digest.slack_io import SlackFailure, describe, is_member
from bot.digest.subscribing import (
    adopt_posted,
    send_time_for,
    turn_on,
    view_of,
    working_link,
)
from bot.questions.commands import ChannelDigestOn
from bot.questions.matching import match_name
from bot.render.digest import (
    channel_off_reply,
    channel_on_reply,
    lab_choice_reply,
    lab_not_found_reply,
)
from bot.render.digest_notices import (
    ChannelDigestChange,
    channel_change_notice,
    channel_owner_only_reply,
)
from bot.render.errors import reply_for_error
from bot.render.reply import Reply
from bot.services import Services
from bot.slack_users import is_workspace_admin
from bot.store import Subscription

logger = logging.getLogger(__name__)

MAX_LAB_CHOICES = 5


async def this_channels(services: Services, key: UserKey, channel_id: str) -> Subscription | None:
    return await services.store.find_subscription(
        kind="channel", team_id=key.team_id, channel_id=channel_id
    )


async def may_change(services: Services, key: UserKey, existing: Subscription | None) -> bool:
    """Anyone may set up a channel's first digest; its owner or a workspace admin may change
    it. Slack not saying whether someone is an admin means no."""
    if existing is None or existing.owner_user_id == key.user_id:
        return True
    return await is_workspace_admin(services.slack, key)


async def channel_on(
    services: Services,
    intent: ChannelDigestOn,
    key: UserKey,
    channel_id: str,
    now: dt.datetime,
) -> Reply:
    """Set up or change the digest of the channel (a C… or G… id) the command came from."""
    command = services.settings.SLACK_COMMAND
    store = services.store
    existing = await this_channels(services, key, channel_id)
    if existing is not None and not await may_change(services, key, existing):
        return channel_owner_only_reply(existing.owner_user_id, command=command)
    await working_link(store, key)
    try:
        catalogue = await services.answerer.catalogues.get(
            key, services.clustermarket.for_user(key)
        )
    except (NotLinked, ReconnectRequired):
        raise
    except ClustermarketError as error:
        logger.warning("labs for a channel digest: %s", error)
        return reply_for_error(error, command)
    found = match_name(intent.lab, catalogue.lab_candidates(), limit=MAX_LAB_CHOICES + 1)
    if found.kind == "ambiguous":
        return lab_choice_reply(intent.lab, found.chosen, intent.time, command=command)
    if found.kind == "none":
        return lab_not_found_reply(intent.lab, found.suggestions, command=command)
    lab = found.chosen[0].item
    zone_name = zone_of(lab.timezone or catalogue.common_zone()).key
    send_time = send_time_for(intent.time, existing)
    subscription = await turn_on(
        store,
        existing,
        kind="channel",
        owner=key,
        channel_id=channel_id,
        send_time=send_time,
        timezone=zone_name,
        now=now,
        lab_id=lab.id,
        lab_name=lab.name,
    )
    if existing is None:
        await adopt_posted(services, subscription, now)
    view = await view_of(store, subscription, now)
    change = ChannelDigestChange(
        kind="set_up" if existing is None else "changed",
        actor_user_id=key.user_id,
        lab_name=lab.name,
        send_time=view.send_time,
        timezone=view.timezone,
        next_send=view.next_send,
        previous_owner=existing.owner_user_id if existing else None,
        previous_lab=existing.lab_name if existing else None,
        previous_time=parse_send_time(existing.send_time) if existing else None,
        resumed=existing is not None and existing.status != "active",
    )
    await announce(services, channel_id, change, now)
    return channel_on_reply(
        view,
        now=now,
        previous_owner=existing.owner_user_id if existing else None,
        member=await is_member(services.slack, channel_id),
        first=change.kind == "set_up" or change.moved,
        command=command,
    )


async def channel_off(services: Services, key: UserKey, channel_id: str, now: dt.datetime) -> Reply:
    """Stop the digest of the channel the command came from."""
    command = services.settings.SLACK_COMMAND
    store = services.store
    existing = await this_channels(services, key, channel_id)
    if existing is None:
        return channel_off_reply(None, command=command)
    if not await may_change(services, key, existing):
        return channel_owner_only_reply(existing.owner_user_id, command=command)
    view = await view_of(store, existing, now)
    await store.delete_subscription(existing.id)
    change = ChannelDigestChange(
        kind="turned_off",
        actor_user_id=key.user_id,
        lab_name=existing.lab_name or "its lab",
        send_time=view.send_time,
        timezone=view.timezone,
        previous_owner=existing.owner_user_id,
    )
    await announce(services, channel_id, change, now)
    return channel_off_reply(view, command=command)


async def announce(
    services: Services, channel_id: str, change: ChannelDigestChange, now: dt.datetime
) -> None:
    """Tell the channel (best effort: the change stands, and the asker is answered, even
    when Slack will not take the post)."""
    if not change.anything:
        return
    notice = channel_change_notice(change, now=now, command=services.settings.SLACK_COMMAND)
    try:
        await services.slack.chat_postMessage(
            channel=channel_id, text=notice.text, blocks=notice.blocks, unfurl_links=False
        )
    except SlackFailure as error:
        logger.warning("could not announce a digest change in %s: %s", channel_id, describe(error))
