"""App Home buttons: connect (a link; only acknowledged), disconnect, refresh."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.conversation import Conversation
from bot.listeners.payloads import clicker
from bot.render.actions import CONNECT, DISCONNECT, HOME_REFRESH


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def acknowledge_link(ack: AsyncAck) -> None:
        """The connect button opens a URL in the browser; Slack still expects an ack."""
        await ack()

    async def disconnect(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        who = clicker(body)
        if who is not None:
            await conversation.disconnect(who[0])
            await conversation.publish_home(who[0])

    async def refresh(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        who = clicker(body)
        if who is not None:
            await conversation.publish_home(who[0])

    app.action(CONNECT)(acknowledge_link)
    app.action(DISCONNECT)(disconnect)
    app.action(HOME_REFRESH)(refresh)
