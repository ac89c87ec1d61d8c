"""Watches run with their owner's Clustermarket link; these follow it breaking and being
renewed, as `bot.digest.links` does for channel digests.

When the link breaks (refresh refused, revoked, disconnected) the owner's watches pause,
visibly in `/cm watch`, and the owner gets one DM naming them: only watches still active are
paused, so a second notice finds nothing and sends nothing. Linking again resumes them, with
a fresh baseline (what changed meanwhile is not posted late).
"""

from __future__ import annotations

import logging

from bot.clustermarket.tokens import UserKey
from bot.digest.links import on_link_broken
from bot.digest.slack_io import SlackFailure, describe, open_dm
from bot.notify.sending import slack_for
from bot.render.watches import watches_paused_message
from bot.services import Services

logger = logging.getLogger(__name__)

BROKEN_REASON = "the Clustermarket connection of the person who set it up needs renewing"
DISCONNECTED_REASON = "the person who set it up disconnected Clustermarket"


async def pause_watches(services: Services, key: UserKey, *, disconnected: bool = False) -> None:
    """Pause the watches `key` owns and tell them once; nothing while the link works."""
    link = await services.store.get_link(key)
    if link is not None and link.status == "active":
        return
    gone = disconnected or link is None
    paused = await services.store.pause_watches_of(
        key, DISCONNECTED_REASON if gone else BROKEN_REASON
    )
    if not paused:
        return
    logger.info("paused %d watch(es) of team=%s user=%s", len(paused), key.team_id, key.user_id)
    message = watches_paused_message(
        paused, disconnected=gone, command=services.settings.SLACK_COMMAND
    )
    try:
        slack = await slack_for(services, key)
        channel = await open_dm(slack, key.user_id)
        if channel is None:
            return
        await slack.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks, unfurl_links=False
        )
    except SlackFailure as error:
        logger.warning("could not tell %s their watches paused: %s", key.user_id, describe(error))


async def resume_watches(services: Services, key: UserKey) -> None:
    """Resume the watches `key` owns after they link again."""
    resumed = await services.store.resume_watches_of(key)
    if resumed:
        logger.info(
            "resumed %d watch(es) of team=%s user=%s", len(resumed), key.team_id, key.user_id
        )


async def link_lost(services: Services, key: UserKey) -> None:
    """A link found broken while polling: its channel digests and watches pause."""
    await on_link_broken(services, key)
    await pause_watches(services, key)
