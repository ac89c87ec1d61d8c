"""Builds the Bolt app: settings in, listeners registered. Thin on purpose."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners import register_listeners
from bot.slack_session import respond_through
from bot.workspaces.install import install_authorize, install_flow
from bot.workspaces.one_token import OneTokenAuthorize

logger = logging.getLogger(__name__)


def build_app(conversation: Conversation) -> AsyncApp:
    """The Bolt app; in HTTP mode every request's Slack signature is verified.

    With one workspace, requests are SLACK_BOT_TOKEN's (`OneTokenAuthorize`); with the install
    flow, its authorize finds each request's workspace token in the store, and
    `app.oauth_flow` serves `/slack/install` and `/slack/oauth_redirect` (see `bot.server`).
    """
    services = conversation.services
    settings = services.settings
    secret = settings.SLACK_SIGNING_SECRET
    base = services.slack.base
    flow = install_flow(settings, services.store, base) if settings.many_workspaces else None
    app = AsyncApp(
        # Bolt keeps a token of its own only without an authorize; ours sets each request's
        client=services.slack.with_token(None),
        signing_secret=secret.get_secret_value() if secret else None,
        request_verification_enabled=not settings.socket_mode,
        process_before_response=False,
        oauth_flow=flow,
        # Bolt takes an AsyncAuthorize instance here, though its hint names a plain function
        authorize=OneTokenAuthorize(base) if flow is None else install_authorize(flow, base),  # type: ignore[arg-type]
    )

    async def log_listener_error(error: Exception, body: dict[str, Any]) -> None:
        logger.error(
            "listener failed for %s: %s", body.get("type") or body.get("command"), repr(error)
        )

    app.error(log_listener_error)
    respond_through(app, conversation.services.slack_session)
    register_listeners(app, conversation)
    return app
