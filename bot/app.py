"""Builds the Bolt app: settings in, listeners registered. Thin on purpose."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners import register_listeners
from bot.workspaces.install import install_authorize, install_flow
from bot.workspaces.one_token import OneTokenAuthorize


def build_app(conversation: Conversation) -> AsyncApp:
    """The Bolt app. Slack's signature is checked before Bolt sees a request (`slack_gate`,
    in HTTP mode; the socket needs none), so Bolt does not check it again. Listeners answer
    through `bot.slack_posts`, over the process's one Slack session.

    With one workspace, requests are SLACK_BOT_TOKEN's (`OneTokenAuthorize`); with the install
    flow, its authorize finds each request's workspace token in the store, and
    `app.oauth_flow` serves `/slack/install` and `/slack/oauth_redirect` (see `bot.server`).
    """
    services = conversation.services
    settings = services.settings
    base = services.slack.base
    flow = install_flow(settings, services.store, base) if settings.many_workspaces else None
    authorize = OneTokenAuthorize(base) if flow is None else install_authorize(flow, base)
    return register_listeners(
        AsyncApp(
            # Bolt keeps a token of its own only without an authorize; ours sets each request's
            client=services.slack.with_token(None),
            request_verification_enabled=False,
            raise_error_for_unhandled_request=True,
            process_before_response=False,
            oauth_flow=flow,
            # Bolt takes an AsyncAuthorize instance here, though its hint names a plain function
            authorize=authorize,  # type: ignore[arg-type]
        ),
        conversation,
    )
