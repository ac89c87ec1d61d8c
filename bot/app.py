"""Builds the Bolt app: settings in, listeners registered. Thin on purpose."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners import register_listeners


def build_app(conversation: Conversation) -> AsyncApp:
    """The Bolt app. Slack's signature is checked before Bolt sees a request (`slack_gate`,
    in HTTP mode; the socket needs none), so Bolt does not check it again. Listeners answer
    through `bot.slack_posts`, over the process's one Slack session."""
    return register_listeners(
        AsyncApp(
            client=conversation.services.slack,
            request_verification_enabled=False,
            raise_error_for_unhandled_request=True,
            process_before_response=False,
        ),
        conversation,
    )
