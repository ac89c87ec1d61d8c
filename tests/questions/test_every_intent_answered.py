"""Every kind of intent the parser makes has an answer: what the conversation cannot answer
would be "something went wrong"."""

from __future__ import annotations

from bot.answers.answerer import is_question
from bot.digest.commands import is_digest_intent
from bot.notify.commands import is_notify_intent
from bot.questions.intents import (
    NOW,
    BookedHours,
    Clarify,
    Connect,
    EquipmentFact,
    Free,
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
from bot.questions.when import When


def test_every_kind_of_intent_has_an_answer() -> None:
    samples: list[Intent] = [
        NextFree("x"), WhoIsOn("x"), BookedHours("x", NOW), MyHours(NOW), MyNextBooking(),
        EquipmentFact("x", "room"), WhatIsFree(NOW), WhatIsFree(NOW, "g"),
        WhatIsFree(NOW, None, "l"), Clarify("x", "q?", ()), Free("x", When("later", minutes=5)),
        RemindStatus(), RemindOn(10), RemindOff(), WatchList(), Watch("x"), Unwatch("x"),
    ]  # fmt: skip
    for intent in samples:
        assert is_question(intent) or is_digest_intent(intent) or is_notify_intent(intent), intent
    assert not (is_question(Connect()) or is_notify_intent(Connect()))  # the conversation's own
