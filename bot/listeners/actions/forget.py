""" "Also forget my settings", offered after `/cm disconnect`: everything about the clicker goes,
and the reply says what went."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.conversation import Conversation
from bot.listeners.actions.rerun import clicked_in
from bot.render.actions import FORGET_ME
from bot.slack_posts import respond


def register(app: AsyncApp, conversation: Conversation) -> None:
    session = conversation.services.slack_session

    async def forget_me(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        clicked = clicked_in(body, context, "Also forget my settings")
        if clicked is None:
            return
        reply = await conversation.forget_me(clicked[0].key)
        await respond(session, clicked[1], reply, replace_original=True)

    app.action(FORGET_ME)(forget_me)
