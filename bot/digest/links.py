"""Channel digests run with their owner's Clustermarket link; these follow it breaking and
being renewed.

When the link breaks (refresh refused, revoked, disconnected) the owner's channel digests
pause, visibly in `/cm digest`, and the owner gets one DM saying which and why: only digests
that were still active are paused, so a second notice finds nothing to pause and sends
nothing. Linking again resumes them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from bot.clustermarket.tokens import UserKey
from bot.digest.slack_io import SlackFailure, describe, open_dm
from bot.digest.subscribing import view_of
from bot.render.digest import link_paused_message
from bot.services import Services
from bot.store import Subscription

logger = logging.getLogger(__name__)

BROKEN_REASON = "the Clustermarket connection of the person who set it up needs renewing"
DISCONNECTED_REASON = "the person who set it up disconnected Clustermarket"


async def on_link_broken(
    services: Services, key: UserKey, *, reason: Literal["broken", "disconnected"] | None = None
) -> None:
    """Pause the channel digests `key` owns and DM them once; nothing if the link works.

    Call it whenever a link is found broken or is removed (the digest runner calls it too).
    `reason` defaults to what the store says: no link is "disconnected", else "broken".
    """
    link = await services.store.get_link(key)
    if link is not None and link.status == "active":
        return  # renewed meanwhile: nothing to pause
    disconnected = reason == "disconnected" or (reason is None and link is None)
    stored = DISCONNECTED_REASON if disconnected else BROKEN_REASON
    paused = await services.store.pause_subscriptions_of(key, stored)
    if not paused:
        return
    logger.info(
        "paused %d channel digest(s) of team=%s user=%s", len(paused), key.team_id, key.user_id
    )
    await _tell_owner(services, key, paused, disconnected=disconnected)


async def on_linked(services: Services, key: UserKey) -> None:
    """Resume the channel digests `key` owns after they link again."""
    resumed = await services.store.resume_subscriptions_of(key)
    if resumed:
        logger.info(
            "resumed %d channel digest(s) of team=%s user=%s",
            len(resumed),
            key.team_id,
            key.user_id,
        )


async def _tell_owner(
    services: Services, key: UserKey, paused: list[Subscription], *, disconnected: bool
) -> None:
    now = dt.datetime.now(dt.UTC)
    why = (
        "you disconnected your Clustermarket account"
        if disconnected
        else "your Clustermarket connection needs renewing"
    )
    views = [await view_of(services.store, subscription, now) for subscription in paused]
    message = link_paused_message(views, why, command=services.settings.SLACK_COMMAND)
    channel = await open_dm(services.slack, key.user_id)
    if channel is None:
        return
    try:
        await services.slack.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks, unfurl_links=False
        )
    except SlackFailure as error:
        logger.warning("could not tell %s their digests paused: %s", key.user_id, describe(error))
