"""The kinds of question people ask in words beyond the slash commands: what is free across
the equipment, when is X next free, who is on X, my next booking, hours booked, and where X
is, who looks after it, which group it is in. One module per kind; this one dispatches."""

from __future__ import annotations

from typing import assert_never

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
NEWER_TYPES: tuple[type, ...] = (
    WhatIsFree,
    NextFree,
    WhoIsOn,
    MyNextBooking,
    BookedHours,
    MyHours,
    EquipmentFact,
)


async def answer_newer(intent: Newer, asking: Asking) -> Reply:
    if isinstance(intent, WhatIsFree):
        return await what_is_free(intent, asking)
    if isinstance(intent, NextFree):
        return await next_free_answer(intent, asking)
    if isinstance(intent, WhoIsOn):
        return await who_is_on_answer(intent, asking)
    if isinstance(intent, MyNextBooking):
        return await my_next_booking_answer(intent, asking)
    if isinstance(intent, BookedHours):
        return await booked_hours_answer(intent, asking)
    if isinstance(intent, MyHours):
        return await my_hours_answer(intent, asking)
    if isinstance(intent, EquipmentFact):
        return await fact_answer(intent, asking)
    assert_never(intent)
