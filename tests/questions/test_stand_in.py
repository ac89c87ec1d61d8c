"""Until they are answered, the newer kinds of question become the nearest answered one."""

from __future__ import annotations

import pytest

from bot.answers.answerer import is_question
from bot.digest.commands import is_digest_intent
from bot.notify.commands import is_notify_intent
from bot.questions.intents import (
    NOW,
    BookedHours,
    Bookings,
    Clarify,
    Connect,
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
    Option,
    RemindOff,
    RemindOn,
    RemindStatus,
    Schedule,
    Unknown,
    Unwatch,
    Watch,
    WatchList,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.stand_in import stand_in
from bot.questions.when import When

TOMORROW = When(day="tomorrow")
DEC_4 = When(day="month_day", month=12, day_of_month=4)
APR_12 = When(day="month_day", month=4, day_of_month=12)


@pytest.mark.parametrize(
    ("asked", "answered"),
    [
        (NextFree("NovaSeq", TOMORROW, 60), Free("NovaSeq", TOMORROW)),
        (WhoIsOn("NovaSeq"), Schedule("NovaSeq", When())),
        (BookedHours("NovaSeq", TOMORROW), Schedule("NovaSeq", TOMORROW)),
        (MyHours(When(day="this_month")), Bookings(When(day="this_month"))),
        (MyNextBooking(), Bookings(When(day="this_week"))),
        (EquipmentFact("NovaSeq", "contact"), EquipmentSearch("NovaSeq")),
        (WhatIsFree(NOW, group="Imaging"), GroupDetail("Imaging")),
        (WhatIsFree(NOW, lab="Smith Lab"), Groups("Smith Lab")),
        (
            WhatIsFree(TOMORROW),
            Help(
                topic="free",
                suggestion="Name the instrument and I'll show its free slots, e.g."
                " `/cm free NovaSeq tomorrow`.",
            ),
        ),
        (
            Clarify(
                "free x 4/12",
                "By 4/12, do you mean 4 December or 12 April?",
                (Option("4 Dec", Free("x", DEC_4)), Option("12 Apr", Free("x", APR_12))),
            ),
            Unknown(
                "free x 4/12",
                "By 4/12, do you mean 4 December or 12 April? Write the date as “4 Dec” or"
                " “12 Apr”.",
            ),
        ),
        (Free("NovaSeq", NOW), Free("NovaSeq", NOW)),
        (Connect(), Connect()),
    ],
)
def test_the_nearest_answered_question(asked: Intent, answered: Intent) -> None:
    assert stand_in(asked) == answered


@pytest.mark.parametrize(
    "asked", [RemindStatus(), RemindOn(10), RemindOff(), WatchList(), Watch("x"), Unwatch("x")]
)
def test_reminders_and_watches_are_answered_as_asked(asked: Intent) -> None:
    assert stand_in(asked) == asked


def test_every_intent_has_an_answer_today() -> None:
    """What the conversation cannot answer would be "something went wrong"."""
    samples: list[Intent] = [
        NextFree("x"), WhoIsOn("x"), BookedHours("x", NOW), MyHours(NOW), MyNextBooking(),
        EquipmentFact("x", "room"), WhatIsFree(NOW), WhatIsFree(NOW, "g"),
        WhatIsFree(NOW, None, "l"), Clarify("x", "q?", ()), RemindStatus(), RemindOn(None),
        RemindOff(), WatchList(), Watch("x"), Unwatch("x"), Free("x", When("later", minutes=5)),
    ]  # fmt: skip
    for intent in samples:
        answer = stand_in(intent)
        assert is_question(answer) or is_digest_intent(answer) or is_notify_intent(answer), intent
