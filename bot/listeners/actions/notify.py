"""App Home notification buttons: reminders on or off, the end nudge, each kind of change
notice; and the "Open in Clustermarket" link buttons, which only need acknowledging.

Each click is acknowledged at once, changes the store, and republishes the Home tab, which
shows the new state. A toggle's value is the state it sets, so a double click is harmless;
a value that is not one the bot rendered is ignored (and logged), never an error.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.conversation import Conversation
from bot.listeners.payloads import clicker, text_at
from bot.notify.commands import turn_reminders_on
from bot.render.actions import END_NUDGE, NOTICE_KIND, OPEN_WEB, REMIND_OFF, REMIND_ON
from bot.render.reminders import TOGGLE_OFF, TOGGLE_ON
from bot.store import CHANGE_KINDS

logger = logging.getLogger(__name__)

Change = Callable[[UserKey], Awaitable[None]]


def register(app: AsyncApp, conversation: Conversation) -> None:
    store = conversation.services.store

    async def for_clicker(body: dict[str, Any], context: AsyncBoltContext, change: Change) -> None:
        """`change` for whoever clicked, then their Home tab again (it shows the new state)."""
        who = clicker(body, context)
        if who is None:
            return
        await change(who[0])
        await conversation.publish_home(who[0])

    async def remind_on(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()

        async def on(key: UserKey) -> None:
            with contextlib.suppress(NotLinked, ReconnectRequired):  # the Home offers Connect
                await turn_reminders_on(conversation.services, key, None)

        await for_clicker(body, context, on)

    async def remind_off(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()

        async def off(key: UserKey) -> None:
            await store.set_reminders(key, None)

        await for_clicker(body, context, off)

    async def end_nudge(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()

        async def nudge(key: UserKey) -> None:
            await store.set_end_nudge(key, text_at(action, "value") == TOGGLE_ON)

        await for_clicker(body, context, nudge)

    async def notice_kind(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        kind, _, state = (text_at(action, "value") or "").partition(":")

        async def toggle(key: UserKey) -> None:
            if kind not in CHANGE_KINDS or state not in (TOGGLE_ON, TOGGLE_OFF):
                logger.info("ignored a change-notice toggle with an unknown value")
            else:
                await store.set_notice_kind(key, kind, state == TOGGLE_ON)

        await for_clicker(body, context, toggle)

    async def acknowledge_link(ack: AsyncAck) -> None:
        """The button opens Clustermarket in the browser; Slack still expects an ack."""
        await ack()

    app.action(REMIND_ON)(remind_on)
    app.action(REMIND_OFF)(remind_off)
    app.action(END_NUDGE)(end_nudge)
    app.action(re.compile(f"^{re.escape(NOTICE_KIND)}:"))(notice_kind)
    app.action(OPEN_WEB)(acknowledge_link)
