"""The app leaving a workspace: `app_uninstalled`, and `tokens_revoked` naming the bot token.

Either way cmbot can no longer act there, so the workspace's installation and everything
kept for its people go (their Clustermarket tokens revoked, best effort), and its digests
stop. A revoked user token (cmbot asks for none, but an installer's could exist) drops only
that installer's record.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.conversation import Conversation
from bot.forgetting import forget_workspace

logger = logging.getLogger(__name__)


def register(app: AsyncApp, conversation: Conversation) -> None:
    services = conversation.services

    async def forget(context: AsyncBoltContext) -> None:
        await forget_workspace(
            services,
            team_id=context.team_id,
            enterprise_id=context.enterprise_id,
            org_wide=bool(context.is_enterprise_install),
        )

    async def uninstalled(context: AsyncBoltContext) -> None:
        logger.info("cmbot was uninstalled from team=%s", context.team_id or context.enterprise_id)
        await forget(context)

    async def revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        tokens = event.get("tokens")
        if not isinstance(tokens, dict):
            return
        if tokens.get("bot"):
            logger.info("cmbot's bot token was revoked in team=%s", context.team_id)
            await forget(context)
        installations = services.slack.installations
        users = tokens.get("oauth")
        if installations is not None and isinstance(users, list):
            for user_id in users:
                await installations.async_delete_installation(
                    enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
                )

    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(revoked)
