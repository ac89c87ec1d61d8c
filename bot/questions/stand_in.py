"""The nearest question answered today, for kinds of question the answerer does not take yet.

The parser already reads "who's on the NovaSeq?" or "what's free now?"; until
the answering round answers them, each is asked as the question that was answered before it
was read (who is on: the instrument's schedule today) or gets honest help, never an error.
The answering round removes a row as it answers that kind, and this module with the last.
"""

from __future__ import annotations

from bot.questions.intents import (
    BookedHours,
    Bookings,
    Clarify,
    EquipmentFact,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Help,
    Intent,
    MyHours,
    MyNextBooking,
    NextFree,
    Schedule,
    Unknown,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.usage import DEFAULT_COMMAND
from bot.questions.when import When


def stand_in(intent: Intent, command: str = DEFAULT_COMMAND) -> Intent:
    """`intent`, or the nearest intent the answerer takes today."""
    if isinstance(intent, NextFree):
        return Free(intent.equipment, intent.when)
    if isinstance(intent, WhoIsOn):
        return Schedule(intent.equipment, When())
    if isinstance(intent, BookedHours):
        return Schedule(intent.equipment, intent.when)
    if isinstance(intent, MyHours):
        return Bookings(intent.when)
    if isinstance(intent, MyNextBooking):
        return Bookings(When(day="this_week"))
    if isinstance(intent, EquipmentFact):
        return EquipmentSearch(intent.equipment)
    if isinstance(intent, WhatIsFree):
        return _what_is_free(intent, command)
    if isinstance(intent, Clarify):
        labels = " or ".join(f"“{option.label}”" for option in intent.options)
        return Unknown(intent.text, f"{intent.question} Write the date as {labels}.")
    return intent


def _what_is_free(intent: WhatIsFree, command: str) -> Intent:
    if intent.group is not None:
        return GroupDetail(intent.group)
    if intent.lab is not None:
        return Groups(intent.lab)
    return Help(
        topic="free",
        suggestion="Name the instrument and I'll show its free slots, e.g."
        f" `{command} free NovaSeq {intent.when.describe()}`.",
    )
