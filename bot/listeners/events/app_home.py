"""App Home: link status, the user's next bookings and digest settings."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.conversation import Conversation
from bot.listeners.people import person


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def publish_home(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        await conversation.publish_home(person(context, event["user"]))

    app.event("app_home_opened")(publish_home)
