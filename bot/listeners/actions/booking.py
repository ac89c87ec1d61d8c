"""The Details button on a booking line: the booking in full, to the clicker alone, below the
list it came from (the list stays)."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.listeners.actions.rerun import private_answer
from bot.render.actions import BOOKING


def register(app: AsyncApp, conversation: Conversation) -> None:
    details = private_answer(conversation, conversation.booking_details, replace_original=False)
    app.action(re.compile(f"^{re.escape(BOOKING)}:"))(details)
