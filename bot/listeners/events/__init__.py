"""Event listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners.events import app_home, installs, links, questions


def register(app: AsyncApp, conversation: Conversation) -> None:
    app_home.register(app, conversation)
    installs.register(app, conversation)
    questions.register(app, conversation)
    links.register(app, conversation)
