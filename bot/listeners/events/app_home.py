"""App Home: link status, the user's next bookings and digest settings."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.clustermarket.tokens import UserKey
from bot.conversation import Conversation


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def publish_home(event: dict[str, Any], context: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        key = UserKey(context["team_id"], event["user"])
        await conversation.publish_home(key)

    app.event("app_home_opened")(publish_home)
