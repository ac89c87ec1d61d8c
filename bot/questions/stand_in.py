"""Honest help for the kinds of question the parser reads but no answer takes yet.

The parser already reads "/cm remind on" and "/cm watch NovaSeq"; until the notifications
round answers them, each gets help saying so, never an error. That round removes the rows it
answers, and this module with the last.
"""

from __future__ import annotations

from bot.questions.intents import (
    Help,
    Intent,
    RemindOff,
    RemindOn,
    RemindStatus,
    Unwatch,
    Watch,
    WatchList,
)
from bot.questions.usage import DEFAULT_COMMAND

_NOT_YET = "{what} are not switched on in this version of the bot yet."


def stand_in(intent: Intent, command: str = DEFAULT_COMMAND) -> Intent:
    """`intent`, or honest help for a kind no answer takes yet."""
    if isinstance(intent, RemindStatus | RemindOn | RemindOff):
        return Help(topic="remind", suggestion=_NOT_YET.format(what="Reminders"))
    if isinstance(intent, WatchList | Watch | Unwatch):
        return Help(topic="watch", suggestion=_NOT_YET.format(what="Watched instruments"))
    return intent
