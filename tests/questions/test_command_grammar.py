"""The slash-command grammar of INTERFACE.md, its synonyms and its forgiveness."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.questions.commands import (
    USAGE,
    Bookings,
    ChannelDigestOff,
    ChannelDigestOn,
    Connect,
    DigestOff,
    DigestOn,
    DigestStatus,
    Disconnect,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Help,
    Intent,
    Labs,
    Me,
    Schedule,
    Unknown,
    parse_command,
)
from bot.questions.when import When

TODAY = When()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("", Help()),
        ("help", Help()),
        ("?", Help()),
        ("HELP", Help()),
        ("connect", Connect()),
        ("disconnect", Disconnect()),
        ("me", Me()),
        ("labs", Labs()),
        ("equipment", EquipmentSearch(None)),
        ("equipment confocal", EquipmentSearch("confocal")),
        ("equipment 42", EquipmentSearch("42")),
        ("equipment Zeiss LSM 980", EquipmentSearch("Zeiss LSM 980")),
        ("groups", Groups(None)),
        ("groups Smith Lab", Groups("Smith Lab")),
        ("group Imaging", GroupDetail("Imaging")),
        ("group 7", GroupDetail("7")),
        ("bookings", Bookings(TODAY)),
        ("bookings today", Bookings(TODAY)),
        ("bookings now", Bookings(When(day="now"))),
        ("bookings tomorrow", Bookings(When(day="tomorrow"))),
        ("bookings yesterday", Bookings(When(day="yesterday"))),
        ("bookings friday", Bookings(When(day="weekday", weekday=4))),
        ("bookings this week", Bookings(When(day="this_week"))),
        ("bookings next week", Bookings(When(day="next_week"))),
        ("bookings 2026-03-03", Bookings(When(day="date", date=dt.date(2026, 3, 3)))),
        ("schedule confocal", Schedule("confocal", TODAY)),
        ("schedule NovaSeq tomorrow", Schedule("NovaSeq", When(day="tomorrow"))),
        ("schedule zeiss lsm 980 next week", Schedule("zeiss lsm 980", When(day="next_week"))),
        (
            "schedule Centrifuge 5424 2026-03-03",
            Schedule("Centrifuge 5424", When(day="date", date=dt.date(2026, 3, 3))),
        ),
        ("free NovaSeq", Free("NovaSeq", TODAY)),
        ("free NovaSeq now", Free("NovaSeq", When(day="now"))),
        (
            "free confocal tomorrow afternoon",
            Free("confocal", When(day="tomorrow", part="afternoon")),
        ),
        ("free Bio-Rad C1000 at 3pm", Free("Bio-Rad C1000", When("soonest", at=dt.time(15)))),
        (
            "free centrifuge 5 from 2 to 4",
            Free("centrifuge 5", When("soonest", at=dt.time(14), until=dt.time(16))),
        ),
        ("digest", DigestStatus()),
        ("digest status", DigestStatus()),
        ("digest on", DigestOn(None)),
        ("digest on 07:30", DigestOn(dt.time(7, 30))),
        ("digest on 7:30", DigestOn(dt.time(7, 30))),
        ("digest on 8am", DigestOn(dt.time(8))),
        ("digest on 5:30 pm", DigestOn(dt.time(17, 30))),
        ("digest on at 9:00", DigestOn(dt.time(9))),
        ("digest 9:15", DigestOn(dt.time(9, 15))),
        ("digest off", DigestOff()),
        ("digest channel on Smith Lab", ChannelDigestOn(None, "Smith Lab")),
        ("digest channel on 08:30 Smith Lab", ChannelDigestOn(dt.time(8, 30), "Smith Lab")),
        ("digest channel on 9am Smith Lab", ChannelDigestOn(dt.time(9), "Smith Lab")),
        ("digest channel on Smith Lab at 9:00", ChannelDigestOn(dt.time(9), "Smith Lab")),
        ("digest channel on Lab 2", ChannelDigestOn(None, "Lab 2")),
        ("digest channel off", ChannelDigestOff()),
    ],
)
def test_every_command(text: str, intent: Intent) -> None:
    assert parse_command(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("booking tomorrow", Bookings(When(day="tomorrow"))),
        ("equip confocal", EquipmentSearch("confocal")),
        ("instrument confocal", EquipmentSearch("confocal")),
        ("instruments", EquipmentSearch(None)),
        ("group", Groups(None)),
        ("whoami", Me()),
        ("link", Connect()),
        ("login", Connect()),
        ("unlink", Disconnect()),
        ("logout", Disconnect()),
    ],
)
def test_synonyms(text: str, intent: Intent) -> None:
    assert parse_command(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("BOOKINGS Tomorrow", Bookings(When(day="tomorrow"))),
        (
            "  schedule    zeiss   lsm 980    next   week  ",
            Schedule("zeiss lsm 980", When(day="next_week")),
        ),
        ("/cm bookings today", Bookings(TODAY)),
        ("/lab free NovaSeq", Free("NovaSeq", TODAY)),
        ("`/cm me`", Me()),
        ("schedule “Zeiss LSM 980” tomorrow", Schedule("Zeiss LSM 980", When(day="tomorrow"))),
        ('schedule "Evening Scope"', Schedule("Evening Scope", TODAY)),
        ("equipment ‘NanoDrop One’", EquipmentSearch("NanoDrop One")),
        ('schedule "Zeiss LSM 980 tomorrow', Schedule("Zeiss LSM 980", When(day="tomorrow"))),
        ("digest channel on 08:30 “Smith Lab”", ChannelDigestOn(dt.time(8, 30), "Smith Lab")),
        ("bookings\u00a0tomorrow", Bookings(When(day="tomorrow"))),
        ("book\u200bings today", Bookings(TODAY)),
        ("me?", Me()),
        ("help?", Help()),
    ],
)
def test_forgiving_input(text: str, intent: Intent) -> None:
    assert parse_command(text) == intent


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("help schedule", "schedule"),
        ("help Bookings", "bookings"),
        ("help group", "groups"),
        ("help shedule", "schedule"),
        ("help instruments", "equipment"),
        ("help xyzzy", None),
    ],
)
def test_help_topics(text: str, topic: str | None) -> None:
    assert parse_command(text) == Help(topic=topic)


@pytest.mark.parametrize(
    ("text", "topic", "needs"),
    [
        ("schedule", "schedule", "needs the equipment"),
        ("schedule tomorrow", "schedule", "needs the equipment"),
        ("free", "free", "needs the equipment"),
        ("free next week", "free", "needs the equipment"),
        ("digest channel on", "digest", "needs the lab"),
        ("digest channel on 08:30", "digest", "needs the lab"),
        ("digest channel", "digest", "digest channel on [HH:MM] LAB"),
    ],
)
def test_missing_arguments_get_topic_help(text: str, topic: str, needs: str) -> None:
    intent = parse_command(text)
    assert isinstance(intent, Help)
    assert intent.topic == topic
    assert intent.topic in USAGE
    assert intent.suggestion is not None
    assert needs in intent.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "digest on 25:00",
        "digest on 8:75",
        "digest on 13pm",
        "digest on 24",
        "digest on soon",
        "digest on 9:00 please",
        "digest channel on 25:00 Smith Lab",
        "digest channel on Smith Lab 24:30",
    ],
)
def test_bad_times_explain_the_format(text: str) -> None:
    intent = parse_command(text)
    assert isinstance(intent, Unknown)
    assert intent.text == text
    assert intent.suggestion is not None
    assert "HH:MM" in intent.suggestion


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("bookigns today", "Did you mean `/cm bookings today`?"),
        ("shedule confocal", "Did you mean `/cm schedule confocal`?"),
        ("schedul zeiss lsm 980 next week", "Did you mean `/cm schedule zeiss lsm 980 next week`?"),
        ("fre NovaSeq", "Did you mean `/cm free NovaSeq`?"),
        ("conect", "Did you mean `/cm connect`?"),
        ("disconect", "Did you mean `/cm disconnect`?"),
        ("lbas", "Did you mean `/cm labs`?"),
        ("equipmnet confocal", "Did you mean `/cm equipment confocal`?"),
        ("grups", "Did you mean `/cm groups`?"),
        ("digets on", "Did you mean `/cm digest on`?"),
        ("hlep", "Did you mean `/cm help`?"),
        ("logni", "Did you mean `/cm connect`?"),
        ("book tomorrow", "Did you mean `/cm bookings tomorrow`?"),
        ("bookings tomorow", "Did you mean `/cm bookings tomorrow`?"),
        ("bookings wensday", "Did you mean `/cm bookings wednesday`?"),
        ("bookigns tomorow", "Did you mean `/cm bookings tomorrow`?"),
        ("schedule confocal tomorow", "Did you mean `/cm schedule confocal tomorrow`?"),
        (
            "free zeiss lsm 980 thursady afternoon",
            "Did you mean `/cm free zeiss lsm 980 thursday afternoon`?",
        ),
        ("my bookings today", "Did you mean `/cm bookings today`?"),
        ("digest of", "Did you mean `/cm digest off`?"),
        ("digest chanel off", "Did you mean `/cm digest channel off`?"),
    ],
)
def test_misspellings_get_suggestions(text: str, suggestion: str) -> None:
    assert parse_command(text) == Unknown(text, suggestion)


def test_suggestions_use_the_configured_command() -> None:
    intent = parse_command("bookigns today", command="/lab")
    assert intent == Unknown("bookigns today", "Did you mean `/lab bookings today`?")
    help_ = parse_command("schedule", command="/lab")
    assert isinstance(help_, Help)
    assert help_.suggestion is not None
    assert "`/lab schedule EQUIPMENT [WHEN]`" in help_.suggestion


@pytest.mark.parametrize("text", ["xyzzy", "is the novaseq free?", "42", "🙂"])
def test_unknown_without_anything_close(text: str) -> None:
    assert parse_command(text) == Unknown(text, None)


def test_bookings_with_words_that_are_not_a_when() -> None:
    intent = parse_command("bookings whenever")
    assert isinstance(intent, Unknown)
    assert intent.suggestion is not None
    assert "YYYY-MM-DD" in intent.suggestion


def test_equipment_name_that_only_looks_like_time_words_keeps_its_numbers() -> None:
    assert parse_command("schedule Centrifuge 5810 R") == Schedule("Centrifuge 5810 R", TODAY)
    assert parse_command("free NovaSeq 6000 today") == Free("NovaSeq 6000", TODAY)
    assert parse_command("free Bio-Rad 2-4") == Free("Bio-Rad 2-4", TODAY)
