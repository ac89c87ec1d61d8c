"""Builds the Bolt app: settings in, listeners registered. Thin on purpose."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners import register_listeners
from bot.slack_session import respond_through

logger = logging.getLogger(__name__)


def build_app(conversation: Conversation) -> AsyncApp:
    """The Bolt app; in HTTP mode every request's Slack signature is verified."""
    settings = conversation.services.settings
    secret = settings.SLACK_SIGNING_SECRET
    app = AsyncApp(
        client=conversation.services.slack,
        signing_secret=secret.get_secret_value() if secret else None,
        request_verification_enabled=not settings.socket_mode,
        process_before_response=False,
    )

    async def log_listener_error(error: Exception, body: dict[str, Any]) -> None:
        logger.error(
            "listener failed for %s: %s", body.get("type") or body.get("command"), repr(error)
        )

    app.error(log_listener_error)
    respond_through(app, conversation.services.slack_session)
    register_listeners(app, conversation)
    return app
