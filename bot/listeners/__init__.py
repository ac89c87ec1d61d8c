"""Slack listeners, grouped by kind; each kind registers itself on the app."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners import actions, commands, errors, events


def register_listeners(app: AsyncApp, conversation: Conversation) -> AsyncApp:
    """Every listener and the error handler on `app`, which is returned."""
    commands.register(app, conversation)
    events.register(app, conversation)
    actions.register(app, conversation)
    errors.register(app, conversation)
    return app
