"""The Details button on a booking line: the booking in full, to the clicker alone, below the
list it came from (the list stays)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.conversation import Asked, Conversation
from bot.listeners.actions.rerun import clicked
from bot.render.actions import BOOKING


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def booking_details(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        key, channel = clicked(body)
        reply = await conversation.booking_details(action.get("value") or "", Asked(key, channel))
        await respond(
            text=reply.text,
            blocks=reply.blocks,
            response_type="ephemeral",
            replace_original=False,
        )

    app.action(re.compile(f"^{re.escape(BOOKING)}:"))(booking_details)
