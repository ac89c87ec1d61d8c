"""The table of kinds of question: every cue of every row asks its kind, and natural
phrasings of each kind become the intent they should."""

from __future__ import annotations

import datetime as dt

import pytest
from test_question_words import VOCABULARY

from bot.questions.intents import (
    NOW,
    BookedHours,
    EquipmentFact,
    Free,
    Intent,
    MyHours,
    MyNextBooking,
    NextFree,
    Schedule,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.when import When
from bot.questions.words import parse_question
from bot.questions.words.kinds import KINDS, Kind

TODAY = When()
TOMORROW = When(day="tomorrow")
THIS_WEEK = When(day="this_week")


def generated(kind: Kind, cue: tuple[str, ...]) -> tuple[str, Intent]:
    """A question made of the cue and the NovaSeq, and the intent it must give."""
    words = list(cue)
    about_me = "my" in words or "i" in words
    if kind.name == "what is free":
        text = " ".join("instruments" if word == "…" else word for word in words)
        return text, WhatIsFree(NOW)
    if kind.name == "my next booking":
        return " ".join(words), MyNextBooking()
    if kind.name == "hours" and about_me:
        return " ".join("really" if word == "…" else word for word in words), MyHours(THIS_WEEK)
    if "…" in words:
        text = " ".join("the novaseq" if word == "…" else word for word in words)
    else:
        text = " ".join([*words, "the novaseq"])
    intents: dict[str, Intent] = {
        "contact": EquipmentFact("novaseq", "contact"),
        "room": EquipmentFact("novaseq", "room"),
        "group of": EquipmentFact("novaseq", "group"),
        "hours": BookedHours("novaseq", TODAY),
        "next free": NextFree("novaseq"),
        "who is on": WhoIsOn("novaseq"),
    }
    return text, intents[kind.name]


CUES = [(kind, cue) for kind in KINDS for cue in kind.cues]


@pytest.mark.parametrize(
    ("kind", "cue"), CUES, ids=[f"{kind.name}: {' '.join(cue)}" for kind, cue in CUES]
)
def test_every_cue_asks_its_kind(kind: Kind, cue: tuple[str, ...]) -> None:
    text, intent = generated(kind, cue)
    assert parse_question(text, VOCABULARY) == intent


KIND_QUESTIONS: list[tuple[str, Intent]] = [
    # who looks after it
    ("who looks after the NanoDrop?", EquipmentFact("NanoDrop", "contact")),
    ("who's responsible for the orbitrap", EquipmentFact("orbitrap", "contact")),
    ("who do I ask about the TEM?", EquipmentFact("TEM", "contact")),
    ("contact person for the gridion", EquipmentFact("gridion", "contact")),
    ("who manages the Bruker NMR", EquipmentFact("Bruker NMR", "contact")),
    # where it is
    ("where's the bioanalyzer?", EquipmentFact("bioanalyzer", "room")),
    ("which room is the FACSAria in", EquipmentFact("FACSAria", "room")),
    ("where can I find the miseq", EquipmentFact("miseq", "room")),
    ("where is the zeiss confocal kept?", EquipmentFact("zeiss confocal", "room")),
    # which group it is in
    ("what group is the MiSeq in?", EquipmentFact("MiSeq", "group")),
    ("which category does the orbitrap belong to", EquipmentFact("orbitrap", "group")),
    # hours booked
    ("how many hours is the confocal booked tomorrow?", BookedHours("confocal", TOMORROW)),
    ("how busy is the novaseq on friday", BookedHours("novaseq", When("weekday", weekday=4))),
    ("total hours booked on the TEM last week", BookedHours("TEM", When("last_week"))),
    ("how many hours have I booked this month?", MyHours(When("this_month"))),
    ("how much time did I book last week", MyHours(When("last_week"))),
    ("my hours this week", MyHours(THIS_WEEK)),
    # my next booking
    ("what's my next booking?", MyNextBooking()),
    ("when am I next on anything", MyNextBooking()),
    # next free, and for how long
    ("when's the confocal next free?", NextFree("confocal")),
    ("when will the novaseq be free", NextFree("novaseq")),
    ("next free slot on the TEM tomorrow", NextFree("TEM", TOMORROW)),
    ("when is the gridion next free for 2 hours?", NextFree("gridion", NOW, 120)),
    ("how long until the nanodrop frees up", NextFree("nanodrop")),
    # who is on it
    ("who's on the confocal right now?", WhoIsOn("confocal")),
    ("is anybody using the centrifuge", WhoIsOn("centrifuge")),
    ("is the TEM occupied?", WhoIsOn("TEM")),
    ("who has the miseq at 3pm", Schedule("miseq", When("soonest", at=dt.time(15)))),
    # what is free
    ("what's free now?", WhatIsFree(NOW)),
    ("anything free this afternoon?", WhatIsFree(When(part="afternoon"))),
    ("which instruments are available tomorrow", WhatIsFree(TOMORROW)),
    ("is anything free in imaging", WhatIsFree(NOW, group="imaging")),
    ("what's free in the genomics core facility", WhatIsFree(NOW, lab="genomics core facility")),
    ("which microscopes are free at 3", WhatIsFree(When("soonest", at=dt.time(15)))),
    ("is the flow cytometry group free tomorrow", WhatIsFree(TOMORROW, group="flow cytometry")),
    ("anything free on the miseq?", Free("miseq", TODAY)),
]


@pytest.mark.parametrize(("text", "intent"), KIND_QUESTIONS)
def test_kind_questions(text: str, intent: Intent) -> None:
    assert parse_question(text, VOCABULARY) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("who looks after the cryostat?", EquipmentFact("cryostat", "contact")),
        ("where is the big centrifuge", EquipmentFact("big centrifuge", "room")),
        ("anything free in the smith lab tomorrow", WhatIsFree(TOMORROW, lab="smith lab")),
        ("what's free in imaging", WhatIsFree(NOW, group="imaging")),
        ("which slots are free on the cryostat", Free("cryostat", TODAY)),
    ],
)
def test_kinds_without_a_vocabulary(text: str, intent: Intent) -> None:
    assert parse_question(text) == intent
