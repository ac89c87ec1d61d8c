"""The slash command (`/cm` by default): ack at once, answer through response_url."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.clustermarket.tokens import UserKey
from bot.conversation import Asked, Conversation

logger = logging.getLogger(__name__)


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def answer_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        asked = Asked(
            key=UserKey(command["team_id"], command["user_id"]),
            channel_id=command.get("channel_id"),
        )
        reply = await conversation.answer_command(command.get("text") or "", asked)
        await respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral")

    app.command(conversation.command)(answer_command)
