""" "Also forget my settings", offered after `/cm disconnect`: everything about the clicker goes,
and the reply says what went."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond

from bot.conversation import Conversation
from bot.listeners.actions.rerun import clicked
from bot.render.actions import FORGET_ME


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def forget_me(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        await ack()
        key, _ = clicked(body, context)
        reply = await conversation.forget_me(key)
        await respond(
            text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=True
        )

    app.action(FORGET_ME)(forget_me)
