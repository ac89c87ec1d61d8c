"""Pasted Clustermarket links (`link_shared`): unfurled with the paster's own token."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.conversation import Conversation
from bot.listeners.payloads import person, text_at
from bot.notify.unfurls import unfurl_links


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def unfurl(event: dict[str, Any], context: AsyncBoltContext) -> None:
        user = text_at(event, "user")
        if user is not None:
            await unfurl_links(conversation.services, event, person(context, user))

    app.event("link_shared")(unfurl)
