"""The kinds of question people ask in words beyond the slash commands: what is free across
the equipment, when is X next free, who is on X, my next booking, hours booked, and where X
is, who looks after it, which group it is in. One module per kind; this one dispatches."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.answers.anywhere import what_is_free
from bot.answers.asking import Asking
from bot.answers.facts import fact_answer
from bot.answers.hours import booked_hours_answer, my_hours_answer
from bot.answers.timing import my_next_booking_answer, next_free_answer, who_is_on_answer
from bot.questions.intents import (
    BookedHours,
    EquipmentFact,
    MyHours,
    MyNextBooking,
    NextFree,
    WhatIsFree,
    WhoIsOn,
)
from bot.render import Reply

Newer = WhatIsFree | NextFree | WhoIsOn | MyNextBooking | BookedHours | MyHours | EquipmentFact
_ANSWERS: dict[type, Callable[[Any, Asking], Awaitable[Reply]]] = {
    WhatIsFree: what_is_free,
    NextFree: next_free_answer,
    WhoIsOn: who_is_on_answer,
    MyNextBooking: my_next_booking_answer,
    BookedHours: booked_hours_answer,
    MyHours: my_hours_answer,
    EquipmentFact: fact_answer,
}
"""Each kind and its answer: a new kind is a row here and a module of its own."""
NEWER_TYPES: tuple[type, ...] = tuple(_ANSWERS)


async def answer_newer(intent: Newer, asking: Asking) -> Reply:
    return await _ANSWERS[type(intent)](intent, asking)
