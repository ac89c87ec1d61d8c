"""App Home digest buttons: turn the personal digest on or off, and its two day options.

Each click is acknowledged at once, changes the store, and republishes the Home tab, which
shows the new state. A toggle's value is the state it sets, so a double click is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.conversation import Conversation
from bot.digest.commands import digest_reply, set_personal_options
from bot.failures import failure_line
from bot.listeners.payloads import clicker, text_at
from bot.questions.commands import DigestOff, DigestOn
from bot.render.digest import (
    DIGEST_INCLUDE_EMPTY,
    DIGEST_SKIP_WEEKENDS,
    DIGEST_TURN_OFF,
    DIGEST_TURN_ON,
    TOGGLE_ON,
)

logger = logging.getLogger(__name__)


def register(app: AsyncApp, conversation: Conversation) -> None:
    services = conversation.services

    async def turn_on(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        who = clicker(body, context)
        if who is None:
            return
        key = who[0]
        try:
            await digest_reply(services, DigestOn(None), key, None)
        except (NotLinked, ReconnectRequired):
            pass  # the Home tab already offers Connect
        except Exception as error:
            logger.error("turning the digest on from Home failed: %s", failure_line(error))
        await conversation.publish_home(key)

    async def turn_off(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        who = clicker(body, context)
        if who is not None:
            await digest_reply(services, DigestOff(), who[0], None)
            await conversation.publish_home(who[0])

    async def include_empty(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        who = clicker(body, context)
        if who is not None:
            on = text_at(action, "value") == TOGGLE_ON
            await set_personal_options(services.store, who[0], include_empty=on)
            await conversation.publish_home(who[0])

    async def skip_weekends(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        who = clicker(body, context)
        if who is not None:
            on = text_at(action, "value") == TOGGLE_ON
            await set_personal_options(services.store, who[0], skip_weekends=on)
            await conversation.publish_home(who[0])

    app.action(DIGEST_TURN_ON)(turn_on)
    app.action(DIGEST_TURN_OFF)(turn_off)
    app.action(DIGEST_INCLUDE_EMPTY)(include_empty)
    app.action(DIGEST_SKIP_WEEKENDS)(skip_weekends)
