"""Account buttons: connect (a link; only acknowledged), disconnect (on the App Home and in
the "connected as …" DM), and the App Home's refresh."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond

from bot.conversation import Conversation
from bot.listeners.actions.rerun import clicked
from bot.render import disconnected_message, not_connected_message
from bot.render.actions import CONNECT, DISCONNECT, HOME_REFRESH
from bot.render.forget import with_forget_offer


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def acknowledge_link(ack: AsyncAck) -> None:
        """The connect button opens a URL in the browser; Slack still expects an ack."""
        await ack()

    async def disconnect(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        await ack()
        key, _ = clicked(body, context)
        revocation = await conversation.disconnect(key)
        if body.get("response_url"):  # a message's button (the DM), not the Home tab's
            command = conversation.command
            reply = (
                not_connected_message(command)
                if revocation is None
                else with_forget_offer(
                    disconnected_message(command, revoked=revocation == "confirmed")
                )
            )
            await respond(text=reply.text, blocks=reply.blocks, replace_original=True)
        await conversation.publish_home(key)

    async def refresh(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        key, _ = clicked(body, context)
        await conversation.publish_home(key)

    app.action(CONNECT)(acknowledge_link)
    app.action(DISCONNECT)(disconnect)
    app.action(HOME_REFRESH)(refresh)
