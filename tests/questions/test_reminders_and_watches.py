"""Issue 14's commands: `remind …` and `watch …`/`unwatch …`, typed after /cm or asked in
words, and what they say back when they cannot be read."""

from __future__ import annotations

import pytest
from test_question_words import VOCABULARY

from bot.questions.commands import parse_command
from bot.questions.intents import (
    Help,
    Intent,
    RemindOff,
    RemindOn,
    RemindStatus,
    Unknown,
    Unwatch,
    Watch,
    WatchList,
)
from bot.questions.words import parse_question

MINUTES_HELP = (
    "Reminders come 1 to 1440 minutes before a booking starts, like `/cm remind on 15`"
    " (or `/cm remind on 1h`)."
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("remind", RemindStatus()),
        ("remind status", RemindStatus()),
        ("reminders", RemindStatus()),
        ("remind on", RemindOn(None)),
        ("remind on 10", RemindOn(10)),
        ("remind on 45m", RemindOn(45)),
        ("remind on 30 minutes", RemindOn(30)),
        ("remind on 1h", RemindOn(60)),
        ("remind on 2 hours before", RemindOn(120)),
        ("REMIND ON 5", RemindOn(5)),
        ("remind 20", RemindOn(20)),
        ("remind off", RemindOff()),
        ("reminder off", RemindOff()),
        ("watch", WatchList()),
        ("watch list", WatchList()),
        ("watch NovaSeq", Watch("NovaSeq")),
        ('watch "Zeiss LSM 980"', Watch("Zeiss LSM 980")),
        ("watching nanodrop one", Watch("nanodrop one")),
        ("unwatch NovaSeq", Unwatch("NovaSeq")),
        ("help remind", Help(topic="remind")),
        ("help unwatch", Help(topic="watch")),
    ],
)
def test_slash_commands(text: str, intent: Intent) -> None:
    assert parse_command(text) == intent


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("remind on 0", MINUTES_HELP),
        ("remind on 2000", MINUTES_HELP),
        ("remind on soon", MINUTES_HELP),
        ("remind on 99999999999999999999", MINUTES_HELP),
        ("remind of", "Did you mean `/cm remind off`?"),
        ("remind blah", "`/cm remind` takes: remind | remind on [MINUTES] | remind off."),
        ("remid on 10", "Did you mean `/cm remind on 10`?"),
        ("wacth novaseq", "Did you mean `/cm watch novaseq`?"),
    ],
)
def test_what_cannot_be_read_says_how(text: str, suggestion: str) -> None:
    assert parse_command(text) == Unknown(text, suggestion)


def test_unwatch_needs_the_instrument() -> None:
    intent = parse_command("unwatch")
    assert isinstance(intent, Help)
    assert intent.topic == "watch"
    assert intent.suggestion is not None and "`/cm unwatch NovaSeq`" in intent.suggestion


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("remind me 10 minutes before my bookings", RemindOn(10)),
        ("please remind me 15 min before each booking", RemindOn(15)),
        ("turn on reminders", RemindOn(None)),
        ("send me reminders before my bookings", RemindOn(None)),
        ("stop reminding me", RemindOff()),
        ("no more reminders please", RemindOff()),
        ("don't remind me", RemindOff()),
        ("are my reminders on?", RemindStatus()),
        ("watch the novaseq", Watch("novaseq")),
        ("keep an eye on the zeiss confocal", Watch("zeiss confocal")),
        ("stop watching the novaseq", Unwatch("novaseq")),
        ("unwatch the gridion", Unwatch("gridion")),
        ("what are we watching?", WatchList()),
    ],
)
def test_asked_in_words(text: str, intent: Intent) -> None:
    assert parse_question(text, VOCABULARY) == intent


def test_remind_me_about_my_bookings_is_no_setting() -> None:
    intent = parse_question("remind me what I have booked tomorrow", VOCABULARY)
    assert not isinstance(intent, RemindOn | RemindOff | RemindStatus)
