"""The slash command (`/cm` by default): ack at once, answer through response_url."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.conversation import Asked, Conversation
from bot.listeners.payloads import person, text_at
from bot.slack_posts import respond

logger = logging.getLogger(__name__)


def register(app: AsyncApp, conversation: Conversation) -> None:
    session = conversation.services.slack_session

    async def answer_command(
        ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        team_id, user_id = text_at(command, "team_id"), text_at(command, "user_id")
        response_url = text_at(command, "response_url")
        if team_id is None or user_id is None or response_url is None:
            logger.warning("a slash command without its team, user or response_url: ignored")
            return
        asked = Asked(key=person(context, user_id), channel_id=text_at(command, "channel_id"))
        reply = await conversation.answer_command(text_at(command, "text") or "", asked)
        await respond(session, response_url, reply)

    app.command(conversation.command)(answer_command)
