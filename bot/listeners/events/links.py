"""Pasted Clustermarket links (`link_shared`): unfurled with the paster's own token."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.notify.unfurls import unfurl_links


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def unfurl(event: dict[str, Any], body: dict[str, Any]) -> None:
        team_id = str(body.get("team_id") or event.get("team") or "")
        await unfurl_links(conversation.services, event, team_id)

    app.event("link_shared")(unfurl)
