"""Reminders and watches are read but not answered yet: they get honest help. Every other
kind of question is answered as it was asked."""

from __future__ import annotations

import pytest

from bot.answers.answerer import is_question
from bot.digest.commands import is_digest_intent
from bot.questions.intents import (
    NOW,
    BookedHours,
    Clarify,
    Connect,
    EquipmentFact,
    Free,
    Help,
    Intent,
    MyHours,
    MyNextBooking,
    NextFree,
    RemindOff,
    RemindOn,
    RemindStatus,
    Unwatch,
    Watch,
    WatchList,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.stand_in import stand_in
from bot.questions.when import When


@pytest.mark.parametrize(
    "asked", [RemindStatus(), RemindOn(10), RemindOff(), WatchList(), Watch("x"), Unwatch("x")]
)
def test_reminders_and_watches_get_honest_help(asked: Intent) -> None:
    answer = stand_in(asked)
    assert isinstance(answer, Help)
    assert answer.topic in ("remind", "watch")
    assert answer.suggestion is not None and "not switched on" in answer.suggestion


def test_every_other_intent_is_answered_as_asked() -> None:
    """What the conversation cannot answer would be "something went wrong"."""
    samples: list[Intent] = [
        NextFree("x"), WhoIsOn("x"), BookedHours("x", NOW), MyHours(NOW), MyNextBooking(),
        EquipmentFact("x", "room"), WhatIsFree(NOW), WhatIsFree(NOW, "g"),
        WhatIsFree(NOW, None, "l"), Clarify("x", "q?", ()), Free("x", When("later", minutes=5)),
        Connect(),
    ]  # fmt: skip
    for intent in samples:
        assert stand_in(intent) == intent
        assert is_question(intent) or is_digest_intent(intent) or intent == Connect(), intent
