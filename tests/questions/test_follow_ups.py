"""Follow-ups in a thread carry the instrument, group or lab and the time of the question
before; a question of its own starts fresh."""

from __future__ import annotations

import datetime as dt

import pytest
from test_question_words import VOCABULARY

from bot.questions.followup import follow_up, merge_when
from bot.questions.intents import (
    NOW,
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
    Labs,
    Me,
    MyHours,
    MyNextBooking,
    NextFree,
    Option,
    Schedule,
    Unknown,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.when import When

TODAY = When()
TOMORROW = When(day="tomorrow")
FRIDAY = When(day="weekday", weekday=4)
AT_3 = When(day="soonest", at=dt.time(15))
AT_4 = When(day="soonest", at=dt.time(16))


def tomorrow_at(hour: int) -> When:
    return When(day="tomorrow", at=dt.time(hour))


FOLLOW_UPS: list[tuple[Intent, str, Intent]] = [
    # a time alone: the same question at that time, keeping what it does not say
    (Free("confocal", AT_3), "and tomorrow?", Free("confocal", tomorrow_at(15))),
    (Free("confocal", TOMORROW), "and at 4?", Free("confocal", tomorrow_at(16))),
    (Free("confocal", TOMORROW), "what about friday?", Free("confocal", FRIDAY)),
    (
        Free("confocal", tomorrow_at(15)),
        "friday?",
        Free("confocal", When("weekday", weekday=4, at=dt.time(15))),
    ),
    (
        Free("confocal", tomorrow_at(15)),
        "and in the evening?",
        Free("confocal", When("tomorrow", part="evening")),
    ),
    (Free("confocal", TOMORROW), "how about next week?", Free("confocal", When("next_week"))),
    (Free("confocal", When("this_week")), "and at 3?", Free("confocal", AT_3)),
    (Free("confocal", TOMORROW), "and now?", Free("confocal", NOW)),
    (
        Schedule("nanodrop", TODAY),
        "tomorrow afternoon?",
        Schedule("nanodrop", When("tomorrow", part="afternoon")),
    ),
    (Bookings(TOMORROW), "and friday?", Bookings(FRIDAY)),
    (Bookings(TODAY), "next week?", Bookings(When("next_week"))),
    (WhatIsFree(NOW), "and tomorrow afternoon?", WhatIsFree(When("tomorrow", part="afternoon"))),
    (WhatIsFree(TOMORROW, group="Imaging"), "and friday?", WhatIsFree(FRIDAY, group="Imaging")),
    (BookedHours("confocal", TODAY), "and yesterday?", BookedHours("confocal", When("yesterday"))),
    (MyHours(When("this_week")), "and last month?", MyHours(When("last_month"))),
    (WhoIsOn("nanodrop"), "and tomorrow at 3?", Schedule("nanodrop", tomorrow_at(15))),
    (MyNextBooking(), "and friday?", Bookings(FRIDAY)),
    (
        Free("confocal", TOMORROW),
        "and on the 4th?",
        Free("confocal", When("month_day", day_of_month=4)),
    ),
    # a name alone: the same question about it
    (Free("confocal", TOMORROW), "what about the NovaSeq?", Free("NovaSeq", TOMORROW)),
    (Free("confocal", TOMORROW), "and the miseq?", Free("miseq", TOMORROW)),
    (Free("confocal", TOMORROW), "the miseq", Free("miseq", TOMORROW)),
    (Free("confocal", TOMORROW), "and the miseq at 4 instead?", Free("miseq", tomorrow_at(16))),
    (Schedule("confocal", TOMORROW), "same for the nanodrop", Schedule("nanodrop", TOMORROW)),
    (NextFree("confocal"), "and the gridion?", NextFree("gridion")),
    (WhoIsOn("confocal"), "how about the orbitrap?", WhoIsOn("orbitrap")),
    (EquipmentFact("nanodrop", "room"), "and the miseq?", EquipmentFact("miseq", "room")),
    (EquipmentFact("nanodrop", "contact"), "what about the TEM?", EquipmentFact("TEM", "contact")),
    (EquipmentSearch("nanodrop"), "and the bioanalyzer?", EquipmentSearch("bioanalyzer")),
    (Bookings(TOMORROW), "what about the novaseq?", Schedule("novaseq", TOMORROW)),
    (WhatIsFree(NOW), "and the nanodrop?", Free("nanodrop", NOW)),
    # a group or a lab: what is free in it
    (
        Free("confocal", TOMORROW),
        "what about the imaging group?",
        WhatIsFree(TOMORROW, group="imaging"),
    ),
    (
        Free("confocal", TOMORROW),
        "and the structural biology lab?",
        WhatIsFree(TOMORROW, lab="structural biology lab"),
    ),
    (WhatIsFree(NOW), "what about in imaging?", WhatIsFree(NOW, group="imaging")),
    (GroupDetail("Imaging"), "and sequencing?", GroupDetail("sequencing")),
    (
        Groups("Genomics Core Facility"),
        "and the structural biology lab?",
        Groups("structural biology lab"),
    ),
    # a question pointing back: the thread's instrument, and its time when none is said
    (Free("confocal", TOMORROW), "who has it booked?", Schedule("confocal", TOMORROW)),
    (Free("confocal", TOMORROW), "is it free at 4?", Free("confocal", tomorrow_at(16))),
    (Free("confocal", TOMORROW), "who's on it now?", WhoIsOn("confocal")),
    (Free("confocal", TOMORROW), "when is it next free?", NextFree("confocal")),
    (Free("confocal", TOMORROW), "where is it?", EquipmentFact("confocal", "room")),
    (Free("confocal", TOMORROW), "who looks after it?", EquipmentFact("confocal", "contact")),
    (Free("confocal", TOMORROW), "what's booked then?", Schedule("confocal", TOMORROW)),
    (Schedule("nanodrop", TODAY), "how many hours is that?", BookedHours("nanodrop", TODAY)),
    # a question of its own: fresh
    (Free("confocal", TOMORROW), "is the miseq free?", Free("miseq", TODAY)),
    (Free("confocal", TOMORROW), "my bookings next week", Bookings(When("next_week"))),
    (Free("confocal", TOMORROW), "what's free now?", WhatIsFree(NOW)),
    (Free("confocal", TOMORROW), "which labs can I see", Labs()),
    (Free("confocal", TOMORROW), "who am i", Me()),
    (
        Free("confocal", TOMORROW),
        "thanks!",
        Help(suggestion="You're welcome! Ask again any time, e.g. is the NovaSeq free tomorrow?"),
    ),
    (Me(), "is the nanodrop free tomorrow?", Free("nanodrop", TOMORROW)),
]


def test_the_table_is_broad() -> None:
    assert len(FOLLOW_UPS) >= 40


@pytest.mark.parametrize(("previous", "text", "intent"), FOLLOW_UPS)
def test_follow_up(previous: Intent, text: str, intent: Intent) -> None:
    assert follow_up(previous, text, VOCABULARY) == intent


@pytest.mark.parametrize(
    ("previous", "text"),
    [
        (Me(), "and tomorrow?"),  # nothing to carry
        (Free("confocal", TOMORROW), "lol"),  # no name the user can see, no time
        (Free("confocal", TOMORROW), "and?"),
        (Labs(), "what about the novaseq?"),
    ],
)
def test_nothing_to_carry_is_read_as_it_stands(previous: Intent, text: str) -> None:
    intent = follow_up(previous, text, VOCABULARY)
    assert isinstance(intent, Unknown | EquipmentSearch)
    if isinstance(intent, Unknown):
        assert intent.text == text  # the whole message, "and" included


def test_a_date_that_reads_two_ways_is_asked_about_the_thread() -> None:
    intent = follow_up(Free("confocal", TOMORROW), "and 4/12?", VOCABULARY)
    assert intent == Clarify(
        "and 4/12?",
        "By 4/12, do you mean 4 December or 12 April?",
        (
            Option("4 Dec", Free("confocal", When("month_day", month=12, day_of_month=4))),
            Option("12 Apr", Free("confocal", When("month_day", month=4, day_of_month=12))),
        ),
    )
    settled = follow_up(Free("confocal", TOMORROW), "and 4/12?", VOCABULARY, date_order="MDY")
    assert settled == Free("confocal", When("month_day", month=4, day_of_month=12))


def test_follow_ups_without_a_vocabulary_take_the_noun_phrase() -> None:
    assert follow_up(Free("confocal", TOMORROW), "and the cryostat?") == Free("cryostat", TOMORROW)
    assert follow_up(Free("confocal", TOMORROW), "cryostat?") == Free("cryostat", TOMORROW)


@pytest.mark.parametrize(
    ("old", "new", "merged"),
    [
        (AT_3, TOMORROW, tomorrow_at(15)),
        (TOMORROW, AT_4, tomorrow_at(16)),
        (tomorrow_at(15), When("soonest", part="morning"), When("tomorrow", part="morning")),
        (When("tomorrow", part="morning"), AT_4, tomorrow_at(16)),
        (When("this_week"), AT_4, AT_4),
        (TOMORROW, When("next_week"), When("next_week")),
        (NOW, TOMORROW, TOMORROW),
        (
            When("tomorrow", at=dt.time(14), until=dt.time(16)),
            FRIDAY,
            When("weekday", weekday=4, at=dt.time(14), until=dt.time(16)),
        ),
        (
            When("tomorrow", part="night", at=dt.time(1)),
            FRIDAY,
            When("weekday", weekday=4, part="night", at=dt.time(1)),
        ),
    ],
)
def test_merge_when(old: When, new: When, merged: When) -> None:
    assert merge_when(old, new) == merged
