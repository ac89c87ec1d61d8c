"""Slash-command listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners.commands import cm


def register(app: AsyncApp, conversation: Conversation) -> None:
    cm.register(app, conversation)
