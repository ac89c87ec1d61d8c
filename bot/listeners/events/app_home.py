"""App Home: link status, the user's next bookings and digest settings."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.conversation import Conversation
from bot.listeners.payloads import person, text_at


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def publish_home(event: dict[str, Any], context: AsyncBoltContext) -> None:
        user_id, team_id = text_at(event, "user"), text_at(context, "team_id")
        if event.get("tab", "home") != "home" or user_id is None or team_id is None:
            return
        await conversation.publish_home(person(context, user_id))

    app.event("app_home_opened")(publish_home)
