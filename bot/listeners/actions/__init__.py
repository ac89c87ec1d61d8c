"""Button listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners.actions import booking, digest, home, rerun


def register(app: AsyncApp, conversation: Conversation) -> None:
    rerun.register(app, conversation)
    home.register(app, conversation)
    digest.register(app, conversation)
    booking.register(app, conversation)
